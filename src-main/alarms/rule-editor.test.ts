// The rule editor against a real supervisor: real OCPP stations over WebSocket, the archive and
// the rule file in a temporary data directory, every change through the API contract.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api/index.ts';
import type { AlarmRule, MeasurementThresholdRule } from '../../src-shared/alarms/types.ts';
import type { CallContext } from '../app/api.ts';
import { connectRaw, eventually, startTestSupervisor, type RawStation, type TestSupervisor } from '../app/test-support.ts';
import { ALARM_RULES_FILE } from './rule-store.ts';

const RULES: AlarmRule[] = [{ id: 'comm-lost', kind: 'communicationLost', name: 'Communication lost', severity: 'major', onDelayMs: 100, offDelayMs: 0, flapSuppression: null }];
const ENGINEER: CallContext = { principal: { username: 'eve', role: 'engineer' } };
const OPERATOR: CallContext = { principal: { username: 'otto', role: 'operator' } };

const POWER_ABOVE: MeasurementThresholdRule = {
  id: 'cp16-power',
  kind: 'measurementThreshold',
  name: 'CP16 draws power',
  severity: 'warning',
  quantity: 'Power.Active.Import',
  comparison: 'above',
  threshold: 1000,
  hysteresis: 0,
  onDelayMs: 0,
  scope: { stationIds: ['CP16'] },
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function supervisor(dataDir?: string): Promise<TestSupervisor> {
  const sup = await startTestSupervisor({ alarmRules: RULES, alarmTickMs: 50, ...(dataDir ? { dataDir } : {}) });
  return sup;
}

async function station(sup: TestSupervisor, id: 'CP16' | 'CP201'): Promise<RawStation> {
  const s = await connectRaw(sup.ocppUrl, id, id === 'CP16' ? 'ocpp1.6' : 'ocpp2.0.1');
  if (id === 'CP16') await s.call('BootNotification', { chargePointVendor: 'A', chargePointModel: 'B' });
  else await s.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'A', model: 'B' } });
  return s;
}

function power(s: RawStation, watts: number): Promise<unknown[]> {
  return s.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(watts), measurand: 'Power.Active.Import', unit: 'W' }] }] });
}

async function refusal(work: Promise<unknown>): Promise<ApiError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('alarm rule editor', () => {
  it('refuses a bad rule naming each faulty field, and changes neither the running set nor the file', async () => {
    const sup = await supervisor();
    cleanups.push(() => sup.dispose());
    const bad = { ...POWER_ABOVE, threshold: 'high', hysteresis: -5, scope: { stationIds: ['NOPE'] } } as unknown as AlarmRule;
    const { problems } = await sup.api.dispatch('validateAlarmRule', { rule: bad as unknown as Record<string, unknown> }, ENGINEER);
    expect(problems.map((p) => p.field)).toEqual(['threshold', 'hysteresis', 'scope.stationIds.0']);
    expect(problems.map((p) => p.message)).toEqual(['threshold must be a number', 'hysteresis must be 0 or more', 'scope.stationIds.0 names station NOPE, which the supervisor does not know']);

    const error = await refusal(sup.api.dispatch('putAlarmRule', { rule: bad }, ENGINEER));
    expect(error.code).toBe('BadRequest');
    expect(error.message).toContain('threshold must be a number');
    expect(sup.alarms.ruleSet().map((r) => r.id)).toEqual(['comm-lost']);
    expect(existsSync(join(sup.dataDir, ALARM_RULES_FILE))).toBe(false);

    // Only engineers write rules; the refusal is in the audit log.
    expect((await refusal(sup.api.dispatch('putAlarmRule', { rule: POWER_ABOVE }, OPERATOR))).code).toBe('Forbidden');
    const audit = sup.archive.audit({ action: 'putAlarmRule' });
    expect(audit.items.map((a) => [a.actor, a.ok])).toEqual([
      ['otto', false],
      ['eve', false],
    ]);
  });

  it('applies a new threshold rule live, keeps the other active alarms, and clears when the threshold is raised', async () => {
    const sup = await supervisor();
    cleanups.push(() => sup.dispose());
    const other = await station(sup, 'CP201');
    await other.close();
    const commLost = await eventually(() => sup.alarms.list().find((a) => a.ruleId === 'comm-lost' && a.source.stationId === 'CP201') ?? null);

    const cp16 = await station(sup, 'CP16');
    cleanups.push(() => cp16.close());
    await power(cp16, 5000);
    expect(sup.alarms.list().some((a) => a.ruleId === 'cp16-power')).toBe(false);

    const info = await sup.api.dispatch('putAlarmRule', { rule: POWER_ABOVE }, ENGINEER);
    expect(info.rules.map((r) => r.id)).toEqual(['comm-lost', 'cp16-power']);
    expect(info).toMatchObject({ origin: 'edited', savedBy: 'eve' });
    // The rule reads the power the station already reported: no new sample needed.
    const raised = await eventually(() => sup.alarms.list().find((a) => a.ruleId === 'cp16-power') ?? null);
    expect(raised).toMatchObject({ state: 'activeUnacknowledged', severity: 'warning', value: 5000, messageKey: 'threshold' });
    expect(raised.messageParams).toMatchObject({ quantity: 'Power.Active.Import', value: 5000, comparison: 'above', threshold: 1000 });
    expect(sup.alarms.list().find((a) => a.id === commLost.id)?.state).toBe('activeUnacknowledged');

    await sup.api.dispatch('putAlarmRule', { rule: { ...POWER_ABOVE, threshold: 10_000 }, replaces: 'cp16-power' }, ENGINEER);
    await eventually(() => sup.alarms.list().find((a) => a.id === raised.id)?.state === 'clearedUnacknowledged');
    expect(sup.alarms.list().find((a) => a.id === commLost.id)?.state).toBe('activeUnacknowledged');
    expect(sup.alarms.ruleSet().find((r) => r.id === 'cp16-power')).toMatchObject({ threshold: 10_000 });
  });

  it('deleting a rule clears its alarm with the reason, and the alarm stays listed until acknowledged', async () => {
    const sup = await supervisor();
    cleanups.push(() => sup.dispose());
    const cp16 = await station(sup, 'CP16');
    cleanups.push(() => cp16.close());
    await sup.api.dispatch('putAlarmRule', { rule: POWER_ABOVE }, ENGINEER);
    await power(cp16, 5000);
    const raised = await eventually(() => sup.alarms.list().find((a) => a.ruleId === 'cp16-power') ?? null);

    const info = await sup.api.dispatch('deleteAlarmRule', { ruleId: 'cp16-power' }, ENGINEER);
    expect(info.rules.map((r) => r.id)).toEqual(['comm-lost']);
    const cleared = sup.alarms.list().find((a) => a.id === raised.id);
    expect(cleared).toMatchObject({ state: 'clearedUnacknowledged', messageParams: { ruleRemoved: 1 } });
    expect(cleared?.message).toMatch(/rule removed or disabled/);
    const history = sup.alarms.history({ alarmId: raised.id });
    expect(history.items.map((t) => t.event)).toEqual(['cleared', 'raised']);
    expect((await refusal(sup.api.dispatch('deleteAlarmRule', { ruleId: 'cp16-power' }, ENGINEER))).code).toBe('NotFound');

    // More power does not bring it back: the rule is gone.
    await power(cp16, 9000);
    await sup.alarms.acknowledge([raised.id], 'eve', 'rule retired');
    expect(sup.alarms.list().some((a) => a.id === raised.id)).toBe(false);
  });

  it('keeps the edited rule set across a restart (DATA/alarm-rules.json) and disables a rule without deleting it', async () => {
    const first = await supervisor();
    const dataDir = first.dataDir;
    await first.api.dispatch('putAlarmRule', { rule: { ...POWER_ABOVE, enabled: false } }, ENGINEER);
    await first.close();
    const stored = JSON.parse(readFileSync(join(dataDir, ALARM_RULES_FILE), 'utf8')) as { savedBy: string; rules: AlarmRule[] };
    expect(stored.savedBy).toBe('eve');

    const again = await supervisor(dataDir);
    cleanups.push(() => again.dispose());
    const info = await again.api.dispatch('listAlarmRules', {}, OPERATOR);
    expect(info.origin).toBe('edited');
    expect(info.rules.find((r) => r.id === 'cp16-power')).toMatchObject({ enabled: false, threshold: 1000 });
    expect(info.stationIds).toEqual(['CP16', 'CP201']);
    const cp16 = await station(again, 'CP16');
    cleanups.push(() => cp16.close());
    await power(cp16, 5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(again.alarms.list().some((a) => a.ruleId === 'cp16-power')).toBe(false);
  });
});
