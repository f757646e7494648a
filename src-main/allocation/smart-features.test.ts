// Smart-charging features around the engine, end to end over real WebSockets: the profile
// library sends schema-valid profiles to strict ocpp-rpc clients of both versions and refuses
// clashing ones; the composite schedule a station reports is checked after each push; an
// operator setpoint and a what-if preview work on live sessions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChargingProfileDefinition } from '../../src-shared/domain/index.ts';
import type { ProjectFile, StationDeclaration } from '../../src-shared/project/index.ts';
import { startTestSupervisor, eventually, strictClient, type TestSupervisor } from '../app/test-support.ts';
import type { SimulatedStation } from '../simulator/index.ts';
import { startAcStations } from '../simulator/test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const STATIONS: StationDeclaration[] = [
  { id: 'LIB-16', group: 'feeder', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_080, connectors: 1, phases: 3 },
  { id: 'LIB-201', group: 'feeder', protocol: 'ocpp2.0.1', kind: 'AC', maxPowerW: 22_080, connectors: 1, phases: 3 },
];
const PROJECT: ProjectFile = {
  formatVersion: 1,
  name: 'library',
  sites: [{ id: 'site', name: 'Site', groups: [{ id: 'feeder', name: 'Feeder', maxPowerW: 1_000_000, maxCurrentA: [63, 63, 63] }], stations: STATIONS }],
  badges: [{ idTag: 'FLEET', status: 'Accepted', expiresAt: null, parentIdTag: null, label: null }],
};

const NIGHT: ChargingProfileDefinition = {
  id: 20,
  name: 'Night cap',
  stackLevel: 2,
  purpose: 'txDefault',
  kind: 'Recurring',
  recurrency: 'Daily',
  startSchedule: '2026-11-01T22:00:00Z',
  durationS: 8 * 3600,
  unit: 'A',
  periods: [
    { startS: 0, limit: 16, phases: 3 },
    { startS: 3600, limit: 32, phases: 3 },
  ],
};

async function rest(sup: TestSupervisor, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sup.url}${path}`, {
    method,
    headers: { Authorization: 'Bearer test-key', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('charging-profile library', () => {
  it('sends a library profile as a schema-valid SetChargingProfile to 1.6 and 2.0.1 stations, records each answer, and refuses a clashing one', async () => {
    const sup = await startTestSupervisor({ project: PROJECT, smartCharging: false });
    cleanups.push(() => sup.dispose());
    const received: Record<string, Record<string, unknown>> = {};
    const cleared: Record<string, unknown> = {};
    for (const [id, protocol] of [['LIB-16', 'ocpp1.6'], ['LIB-201', 'ocpp2.0.1']] as const) {
      const c = strictClient({ endpoint: sup.ocppUrl, identity: id, protocols: [protocol] });
      cleanups.push(async () => void (await c.close({ force: true })));
      // Strict mode: a payload that breaks the official schema is refused before this runs.
      c.handle('SetChargingProfile', async ({ params }) => {
        received[id] = params as Record<string, unknown>;
        return { status: 'Accepted' };
      });
      c.handle('ClearChargingProfile', async ({ params }) => {
        cleared[id] = params;
        return { status: 'Accepted' };
      });
      await c.connect();
      if (protocol === 'ocpp1.6') await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
      else await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    }

    // A profile with a mistake is refused with the field to fix, and nothing is stored.
    const bad = await rest(sup, 'PUT', '/api/v1/profiles/20', { ...NIGHT, periods: [{ startS: 10, limit: 16 }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/periods\[0\]\.startS the first period must start at 0 s/);
    expect(((await rest(sup, 'GET', '/api/v1/profiles')).json as { profiles: unknown[] }).profiles).toEqual([]);

    expect((await rest(sup, 'PUT', '/api/v1/profiles/20', NIGHT)).status).toBe(200);
    const sent = await rest(sup, 'POST', '/api/v1/profiles/20/upload', { targets: [{ stationId: 'LIB-16', evseId: 0 }, { stationId: 'LIB-201', evseId: 0 }] });
    expect(sent.status).toBe(200);
    expect((sent.json as { results: Array<{ outcome: string }> }).results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    expect(received['LIB-16']).toMatchObject({
      connectorId: 0,
      csChargingProfiles: { chargingProfileId: 20, stackLevel: 2, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', chargingSchedule: { duration: 28_800, chargingSchedulePeriod: [{ startPeriod: 0, limit: 16, numberPhases: 3 }, { startPeriod: 3600, limit: 32, numberPhases: 3 }] } },
    });
    expect(received['LIB-201']).toMatchObject({
      evseId: 0,
      chargingProfile: { id: 20, stackLevel: 2, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', chargingSchedule: [{ id: 20, chargingRateUnit: 'A' }] },
    });

    // Another profile at the same purpose and stack level on the same station would replace it: refused, 409, nothing sent.
    delete received['LIB-16'];
    expect((await rest(sup, 'PUT', '/api/v1/profiles/21', { ...NIGHT, id: 21, name: 'Day cap' })).status).toBe(200);
    const clash = await rest(sup, 'POST', '/api/v1/profiles/21/upload', { targets: [{ stationId: 'LIB-16', evseId: 0 }] });
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.json)).toMatch(/keeps only the last one sent/);
    expect(received['LIB-16']).toBeUndefined();

    // Removing a profile with clearFromStations clears it where it was accepted.
    const removed = await rest(sup, 'DELETE', '/api/v1/profiles/20?clearFromStations=true');
    expect(removed.status).toBe(200);
    expect((removed.json as { cleared: Array<{ stationId: string; outcome: string }> }).cleared.map((u) => `${u.stationId}:${u.outcome}`).sort()).toEqual(['LIB-16:accepted', 'LIB-201:accepted']);
    expect(cleared).toEqual({ 'LIB-16': { id: 20 }, 'LIB-201': { chargingProfileId: 20 } });
    const after = (await rest(sup, 'GET', '/api/v1/profiles')).json as { profiles: Array<{ id: number }>; uploads: unknown[] };
    expect(after.profiles.map((p) => p.id)).toEqual([21]);
    expect(after.uploads).toEqual([]);
    const audit = (await rest(sup, 'GET', '/api/v1/audit?action=uploadChargingProfile')).json as { items: Array<{ ok: boolean }> };
    expect(audit.items.map((a) => a.ok).sort()).toEqual([false, true]);
  });
});

describe('composite schedule check', () => {
  it('flags a station whose composite schedule still allows more than the limit it accepted', async () => {
    const sup = await startTestSupervisor({
      project: PROJECT,
      smartCharging: true,
      smartChargingOptions: { debounceMs: 50, periodMs: 60_000, verifyAfterMs: 600_000, scheduleCheckAfterMs: 50 },
    });
    cleanups.push(() => sup.dispose());
    await sup.smartCharging?.setLimit('feeder', { maxW: 1_000_000, maxAPerPhase: [20, 20, 20] });
    const c = strictClient({ endpoint: sup.ocppUrl, identity: 'LIB-201', protocols: ['ocpp2.0.1'] });
    cleanups.push(async () => void (await c.close({ force: true })));
    c.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
    // Accepts everything, then reports a schedule with its old 32 A limit still in force.
    c.handle('GetCompositeSchedule', async ({ params }) => {
      const p = params as { evseId: number };
      return { status: 'Accepted', schedule: { evseId: p.evseId, duration: 300, scheduleStart: new Date().toISOString(), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }] } };
    });
    await c.connect();
    await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    await c.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'tx-cs-1', chargingState: 'Charging' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'FLEET', type: 'ISO14443' },
    });
    await c.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    const push = await eventually(() => Object.values(sup.smartCharging?.view().pushes ?? {}).find((p) => p.schedule?.status === 'exceeds') ?? null, 10_000);
    expect(push).toMatchObject({ value: 20, unit: 'A', compliance: 'nonCompliant', schedule: { status: 'exceeds', limit: 32 } });
  });
});

describe('operator setpoint and what-if', () => {
  it('holds a session at the operator value (clamped to the limits), returns it to automatic, and previews a lower limit without applying it', async () => {
    const sup = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 300 } });
    cleanups.push(() => sup.dispose());
    const { stations: sims, stop } = await startAcStations(sup.ocppUrl, STATIONS);
    cleanups.push(stop);
    for (const s of sims) {
      s.plugIn(1);
      expect((await s.startCharging(1, 'FLEET')).accepted).toBe(true);
    }
    const [a, b] = sims as [SimulatedStation, SimulatedStation];
    await eventually(() => a.activeLimit(1)?.limit === 32 && b.activeLimit(1)?.limit === 31, 15_000);
    const txA = sup.registry.get('LIB-16')?.connectors[0]?.transactionId as number;

    const set = await rest(sup, 'PUT', `/api/v1/sessions/${txA}/setpoint`, { value: 10, unit: 'A' });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ transactionId: txA, manual: { value: 10, unit: 'A' } });
    await eventually(() => a.activeLimit(1)?.limit === 10, 10_000);
    const reasons = ((await sup.api.dispatch('getAllocation', {})).result as { setpoints: Array<{ sessionId: string; reason: { kind: string } }> }).setpoints;
    expect(reasons.find((sp) => sp.sessionId === String(txA))?.reason.kind).toBe('manual');

    // What-if: 20 A per phase on the feeder; the preview shares it, the stations keep their limits.
    const preview = await rest(sup, 'POST', '/api/v1/allocation/preview', { limits: [{ groupId: 'feeder', maxAPerPhase: [20, 20, 20] }] });
    expect(preview.status).toBe(200);
    const p = preview.json as { result: { setpoints: Array<{ value: number }> }; violations: string[] };
    expect(p.violations).toEqual([]);
    expect(p.result.setpoints.reduce((sum, sp) => sum + sp.value, 0)).toBeLessThanOrEqual(20);
    expect((await sup.api.dispatch('listGroups', {}))[0]?.maxAPerPhase).toEqual([63, 63, 63]);
    expect(a.activeLimit(1)?.limit).toBe(10);

    // Back to automatic; a bad request changes nothing.
    expect((await rest(sup, 'PUT', `/api/v1/sessions/${txA}/setpoint`, { value: 10 })).status).toBe(400);
    expect((await rest(sup, 'PUT', '/api/v1/sessions/999999/setpoint', { value: 10, unit: 'A' })).status).toBe(404);
    expect((await rest(sup, 'PUT', `/api/v1/sessions/${txA}/setpoint`, { value: null })).json).toEqual({ transactionId: txA, manual: null });
    await eventually(() => a.activeLimit(1)?.limit === 32, 10_000);
  });
});

describe('badge categories and operator needs', () => {
  it('shares by category priority, lets an operator’s departure and energy make a session urgent, shows sources and ETA, and keeps the entry in the data folder until the session ends', async () => {
    const project: ProjectFile = {
      ...PROJECT,
      badgeCategories: [
        { id: 'mgmt', name: 'Management', charging: { priority: 4 } },
        { id: 'visitor', name: 'Visitors', charging: { priority: 1, vehicleMaxW: 22_080 } },
      ],
      badges: [
        { idTag: 'BOSS', status: 'Accepted', expiresAt: null, parentIdTag: null, label: null, category: 'mgmt' },
        { idTag: 'GUEST', status: 'Accepted', expiresAt: null, parentIdTag: null, label: null, category: 'visitor' },
      ],
    };
    const sup = await startTestSupervisor({ project, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 300 } });
    cleanups.push(() => sup.dispose());
    await sup.smartCharging?.setLimit('feeder', { maxW: 1_000_000, maxAPerPhase: [24, 24, 24] });
    const { stations: sims, stop } = await startAcStations(sup.ocppUrl, STATIONS);
    cleanups.push(stop);
    const [boss, guest] = sims as [SimulatedStation, SimulatedStation];
    boss.plugIn(1);
    guest.plugIn(1);
    expect((await boss.startCharging(1, 'BOSS')).accepted).toBe(true);
    expect((await guest.startCharging(1, 'GUEST')).accepted).toBe(true);
    // Same urgency, weights 4 : 1 — the guest gets its 6 A minimum, management the rest.
    await eventually(() => boss.activeLimit(1)?.limit === 18 && guest.activeLimit(1)?.limit === 6, 15_000);
    const txGuest = sup.registry.get('LIB-201')?.connectors[0]?.transactionId as number;
    const before = (await sup.api.dispatch('getAllocation', {})).needs[String(txGuest)];
    expect(before).toMatchObject({ category: 'visitor', energySource: null, departureSource: null, operator: null });

    // Bad entries are refused and change nothing.
    expect((await rest(sup, 'PUT', `/api/v1/sessions/${txGuest}/needs`, { departureAt: '2020-01-01T00:00:00Z', energyWh: null })).status).toBe(400);
    expect((await rest(sup, 'PUT', `/api/v1/sessions/${txGuest}/needs`, { departureAt: null, energyWh: -5 })).status).toBe(400);
    expect((await rest(sup, 'PUT', `/api/v1/sessions/${txGuest}/needs`, { departureAt: null })).status).toBe(400);
    expect((await rest(sup, 'PUT', '/api/v1/sessions/999999/needs', { departureAt: null, energyWh: 1000 })).status).toBe(404);
    expect((await sup.api.dispatch('getAllocation', {})).needs[String(txGuest)]?.operator).toBeNull();

    // The guest leaves in 20 minutes and still needs 5 kWh: it becomes the urgent one.
    const departureAt = new Date(Date.now() + 20 * 60_000).toISOString();
    const set = await rest(sup, 'PUT', `/api/v1/sessions/${txGuest}/needs`, { departureAt, energyWh: 5_000 });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ transactionId: txGuest, operator: { departureAt, energyWh: 5_000, setBy: 'api' } });
    await eventually(() => (guest.activeLimit(1)?.limit ?? 0) > (boss.activeLimit(1)?.limit ?? 0), 15_000);
    const after = (await sup.api.dispatch('getAllocation', {})).needs[String(txGuest)];
    expect(after).toMatchObject({ energySource: 'operator', departureSource: 'operator', departureAt });
    expect(after?.remainingWh).toBeGreaterThan(4_000);
    expect(after?.remainingWh).toBeLessThanOrEqual(5_000);
    expect(Date.parse(after?.etaAt ?? '')).toBeGreaterThan(Date.now());
    const stored = JSON.parse(readFileSync(join(sup.dataDir, 'session-needs.json'), 'utf8')) as Record<string, unknown>;
    expect(stored[String(txGuest)]).toMatchObject({ departureAt, energyWh: 5_000 });
    const audit = (await rest(sup, 'GET', '/api/v1/audit?action=setSessionNeeds')).json as { items: Array<{ ok: boolean }> };
    expect(audit.items.filter((a) => a.ok)).toHaveLength(1);

    // Cleared: back to what the category and history say (nothing here); the file forgets it.
    expect((await rest(sup, 'PUT', `/api/v1/sessions/${txGuest}/needs`, { departureAt: null, energyWh: null })).json).toEqual({ transactionId: txGuest, operator: null });
    expect((await sup.api.dispatch('getAllocation', {})).needs[String(txGuest)]).toMatchObject({ energySource: null, departureSource: null, operator: null });
    expect(JSON.parse(readFileSync(join(sup.dataDir, 'session-needs.json'), 'utf8'))).toEqual({});
  });
});

describe('operator needs that cannot be stored', () => {
  it('are refused with a clear error and change nothing', async () => {
    const failingStore = {
      load: () => ({}),
      save: () => {
        throw new Error('ENOSPC: no space left on device');
      },
    };
    const sup = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 300, operatorNeedsStore: failingStore } });
    cleanups.push(() => sup.dispose());
    const { stations, stop } = await startAcStations(sup.ocppUrl, STATIONS.slice(0, 1));
    cleanups.push(stop);
    const [sim] = stations as [SimulatedStation];
    sim.plugIn(1);
    expect((await sim.startCharging(1, 'FLEET')).accepted).toBe(true);
    const tx = await eventually(() => sup.registry.get('LIB-16')?.connectors[0]?.transactionId ?? null, 10_000);
    await eventually(() => (sup.smartCharging?.view().needs[String(tx)] ? true : null), 10_000);
    const refused = await rest(sup, 'PUT', `/api/v1/sessions/${tx}/needs`, { departureAt: null, energyWh: 5_000 });
    expect(refused.status).toBe(503);
    expect(JSON.stringify(refused.json)).toMatch(/could not be stored in the data folder \(ENOSPC: no space left on device\); nothing changed/);
    await sup.smartCharging?.allocateNow();
    expect((await sup.api.dispatch('getAllocation', {})).needs[String(tx)]).toMatchObject({ operator: null, energySource: null });
  });
});

describe('staggered-start settings', () => {
  it('are refused when inconsistent, applied to the controller at once, and kept across a restart', async () => {
    const sup = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 60_000 } });
    const dataDir = sup.dataDir;
    let closed = false;
    cleanups.push(async () => {
      if (!closed) await sup.dispose();
    });
    expect((await rest(sup, 'GET', '/api/v1/smart-charging/settings')).json).toMatchObject({ staggeredStart: { enabled: false } });
    const bad = await rest(sup, 'PUT', '/api/v1/smart-charging/settings', { staggeredStart: { enabled: true, mode: 'ordered', windowS: 60, spacingS: 90 } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/spacingS \(90 s\) must not exceed windowS \(60 s\)/);
    expect(sup.smartCharging?.staggeredStart()?.enabled).toBe(false);
    const wanted = { staggeredStart: { enabled: true, mode: 'random', windowS: 300, minOccupancy: 0.5 } };
    expect((await rest(sup, 'PUT', '/api/v1/smart-charging/settings', wanted)).status).toBe(200);
    expect(sup.smartCharging?.staggeredStart()).toEqual(wanted.staggeredStart);
    await sup.close();
    closed = true;
    const again = await startTestSupervisor({ project: PROJECT, dataDir, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 60_000 } });
    cleanups.push(() => again.dispose());
    expect(again.smartCharging?.staggeredStart()).toMatchObject(wanted.staggeredStart);
    expect((await rest(again, 'GET', '/api/v1/smart-charging/settings')).json).toMatchObject(wanted);
  });
});
