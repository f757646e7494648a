// The alarm shell with a real supervisor: real OCPP stations over WebSocket, the archive on
// a temporary SQLite file, acknowledgement through REST, restart with the live list restored.
import { afterEach, describe, expect, it } from 'vitest';
import type { AlarmInstance, AlarmRule, AlarmTransition } from '../../src-shared/alarms/types.ts';
import type { DomainEvent } from '../../src-shared/domain/index.ts';
import { connectRaw, eventually, startTestSupervisor, type TestSupervisor } from '../app/test-support.ts';

const RULES: AlarmRule[] = [
  { id: 'security', kind: 'securityEvent', name: 'Security event', severity: 'major' },
  { id: 'firmware', kind: 'firmwareFailed', name: 'Firmware update failed', severity: 'minor' },
  { id: 'comm-lost', kind: 'communicationLost', name: 'Communication lost', severity: 'major', onDelayMs: 300, offDelayMs: 0 },
  { id: 'faulted', kind: 'connectorFaulted', name: 'Connector faulted', severity: 'critical' },
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function supervisor(dataDir?: string): Promise<TestSupervisor> {
  const sup = await startTestSupervisor({ alarmRules: RULES, alarmTickMs: 50, ...(dataDir ? { dataDir } : {}) });
  return sup;
}

async function rest<T>(sup: TestSupervisor, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(`${sup.url}${path}`, {
    method,
    headers: { Authorization: 'Bearer test-key', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

async function bootCP16(sup: TestSupervisor) {
  const s = await connectRaw(sup.ocppUrl, 'CP16', 'ocpp1.6');
  await s.call('BootNotification', { chargePointVendor: 'A', chargePointModel: 'B' });
  return s;
}

describe('alarm service', () => {
  it('raises communication lost after the on-delay, is acknowledged through REST with a comment, clears on reconnect, and archives each step', async () => {
    const sup = await supervisor();
    cleanups.push(() => sup.dispose());
    const events: AlarmInstance[] = [];
    sup.bus.subscribe((e: DomainEvent) => {
      if (e.type === 'alarm') events.push(e.alarm);
    });
    const s = await bootCP16(sup);
    await s.close();
    const active = await eventually(async () => {
      const r = await rest<AlarmInstance[]>(sup, 'GET', '/api/v1/alarms');
      return r.body.find((a) => a.ruleId === 'comm-lost' && a.source.stationId === 'CP16') ?? null;
    });
    expect(active).toMatchObject({ state: 'activeUnacknowledged', severity: 'major' });
    expect(events.some((e) => e.id === active.id)).toBe(true);

    const ack = await rest<{ accepted: string[] }>(sup, 'POST', `/api/v1/alarms/${active.id}/ack`, { comment: 'technician on the way' });
    expect(ack).toEqual({ status: 200, body: { accepted: [active.id], refused: [] } });
    expect(sup.alarms.list().find((a) => a.id === active.id)?.state).toBe('activeAcknowledged');
    const again = await rest<{ error: string }>(sup, 'POST', `/api/v1/alarms/${active.id}/ack`, { comment: 'twice' });
    expect(again.status).toBe(409);

    const back = await bootCP16(sup);
    cleanups.push(() => back.close());
    await eventually(() => !sup.alarms.list().some((a) => a.id === active.id));
    const history = await rest<{ items: AlarmTransition[]; total: number }>(sup, 'GET', '/api/v1/alarms?state=history&stationId=CP16');
    const steps = history.body.items.filter((t) => t.alarmId === active.id).map((t) => [t.event, t.operator, t.comment]);
    expect(steps.reverse()).toEqual([
      ['raised', null, null],
      ['acknowledged', 'api', 'technician on the way'],
      ['cleared', null, null],
    ]);
  });

  it('raises nothing when a station reconnects within the on-delay', async () => {
    const sup = await supervisor();
    cleanups.push(() => sup.dispose());
    const s = await bootCP16(sup);
    await s.close();
    const back = await bootCP16(sup);
    cleanups.push(() => back.close());
    await new Promise((r) => setTimeout(r, 600));
    expect(sup.alarms.list()).toEqual([]);
    expect(sup.archive.alarmHistory({}).total).toBe(0);
  });

  it('raises a faulted connector with its error code; acknowledging an unknown alarm is 404 and changes nothing', async () => {
    const sup = await supervisor();
    cleanups.push(() => sup.dispose());
    const s = await bootCP16(sup);
    cleanups.push(() => s.close());
    await s.call('StatusNotification', { connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted' });
    const alarm = await eventually(() => sup.alarms.list().find((a) => a.ruleId === 'faulted') ?? null);
    expect(alarm.source).toMatchObject({ stationId: 'CP16', evseId: 2 });
    expect(String(alarm.value)).toContain('GroundFailure');
    const before = sup.archive.alarmHistory({}).total;
    const missing = await rest<{ error: string }>(sup, 'POST', '/api/v1/alarms/A999/ack', { comment: 'x' });
    expect(missing.status).toBe(404);
    expect(sup.archive.alarmHistory({}).total).toBe(before);
  });

  it('raises security events and failed firmware updates reported by stations of both versions', async () => {
    const sup = await supervisor();
    cleanups.push(() => sup.dispose());
    const s = await bootCP16(sup);
    cleanups.push(() => s.close());
    expect((await s.call('SecurityEventNotification', { type: 'InvalidCentralSystemCertificate', timestamp: new Date().toISOString(), techInfo: 'cert expired' }))[0]).toBe(3);
    expect((await s.call('FirmwareStatusNotification', { status: 'InstallationFailed' }))[0]).toBe(3);
    const s2 = await connectRaw(sup.ocppUrl, 'CP201', 'ocpp2.0.1');
    cleanups.push(() => s2.close());
    await s2.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    expect((await s2.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp: new Date().toISOString() }))[0]).toBe(3);
    await eventually(() => sup.alarms.list().filter((a) => a.ruleId === 'security').length === 2 && sup.alarms.list().some((a) => a.ruleId === 'firmware'));
    const security = sup.alarms.list().filter((a) => a.ruleId === 'security').map((a) => a.source.stationId).sort();
    expect(security).toEqual(['CP16', 'CP201']);
  });

  it('restores the live alarms after a restart and keeps numbering them after the last one', async () => {
    const first = await supervisor();
    const dataDir = first.dataDir;
    const s = await bootCP16(first);
    await s.call('StatusNotification', { connectorId: 1, errorCode: 'HighTemperature', status: 'Faulted' });
    const alarm = await eventually(() => first.alarms.list().find((a) => a.ruleId === 'faulted') ?? null);
    await s.close();
    await first.close();
    const second = await supervisor(dataDir);
    cleanups.push(() => second.dispose());
    expect(second.alarms.list().find((a) => a.id === alarm.id)).toMatchObject({ ruleId: 'faulted', source: { stationId: 'CP16' } });
    const s2 = await bootCP16(second);
    cleanups.push(() => s2.close());
    await s2.call('StatusNotification', { connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted' });
    const next = await eventually(() => second.alarms.list().find((a) => a.ruleId === 'faulted' && a.source.evseId === 2) ?? null);
    expect(Number(next.id.slice(1))).toBeGreaterThan(Number(alarm.id.slice(1)));
  });
});
