// The smart-charging controller end to end: a 32 A feeder with 6 simulated three-phase
// stations (OCPP 1.6 and 2.0.1) over real WebSockets. Every station gets a legal TxProfile,
// the feeder is never exceeded, a vehicle leaving frees power for the others, and a limit
// changed through REST is applied at once and audited.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry, Page } from '../../src-shared/api/index.ts';
import type { ProjectFile, StationDeclaration } from '../../src-shared/project/index.ts';
import { startTestSupervisor, eventually, strictClient, type TestSupervisor } from '../app/test-support.ts';
import { SimulatedStation } from '../simulator/index.ts';
import { startAcStations } from '../simulator/test-support.ts';
import { stationModel } from './controller.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const STATIONS: StationDeclaration[] = Array.from({ length: 6 }, (_, i) => ({
  id: `SC-${i + 1}`,
  group: 'feeder',
  protocol: i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1',
  kind: 'AC',
  maxPowerW: 11_040, // 16 A on three phases
  connectors: 1,
  phases: 3,
}));

const PROJECT: ProjectFile = {
  formatVersion: 1,
  name: 'feeder',
  sites: [{ id: 'site', name: 'Site', groups: [{ id: 'feeder', name: 'Feeder 32 A', maxPowerW: 1_000_000, maxCurrentA: [32, 32, 32] }], stations: STATIONS }],
  badges: [{ idTag: 'FLEET', status: 'Accepted', expiresAt: null, parentIdTag: null, label: null }],
};

function limitsA(sims: SimulatedStation[]): Array<number | null> {
  return sims.map((s) => {
    const limit = s.activeLimit(1);
    return limit ? (limit.unit === 'A' ? limit.limit : null) : null;
  });
}

describe('smart charging controller', () => {
  it('models AC stations in A per phase and DC stations in W', () => {
    expect(stationModel(STATIONS[0] as StationDeclaration)).toMatchObject({ kind: 'AC', phases: 3, maxA: 16, minA: 6, profileUnit: 'A' });
    expect(stationModel({ id: 'D', group: 'g', protocol: 'ocpp2.0.1', kind: 'DC', maxPowerW: 150_000, connectors: 2 })).toMatchObject({ kind: 'DC', maxW: 150_000 });
  });

  it('keeps a 32 A feeder within its limit with 6 stations, redistributes when one leaves, and applies a new limit from REST', async () => {
    const sup: TestSupervisor = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 100, periodMs: 500 } });
    cleanups.push(() => sup.dispose());
    const { stations: sims, stop } = await startAcStations(sup.ocppUrl, STATIONS);
    cleanups.push(stop);
    for (const s of sims) {
      s.plugIn(1);
      expect((await s.startCharging(1, 'FLEET')).accepted).toBe(true);
    }
    // Every station gets a profile in A: 0 (paused) or at least 6 A, never more than 16; the sum never above 32.
    const legal = (limits: Array<number | null>, total: number) =>
      limits.every((v) => v !== null && (v === 0 || (v >= 6 && v <= 16))) && (limits as number[]).reduce((a, b) => a + b, 0) <= total;
    await eventually(() => legal(limitsA(sims), 32) && limitsA(sims).filter((v) => v !== null && v > 0).length === 5, 15_000);
    const paused = sims.findIndex((s) => s.activeLimit(1)?.limit === 0);
    expect(paused).toBeGreaterThanOrEqual(0);

    // The result in force covers all six sessions (a cycle that ran before the last start had five).
    const result = await eventually(async () => {
      const r = (await sup.api.dispatch('getAllocation', {})).result as { setpoints: Array<{ value: number; reason: { kind: string } }> } | null;
      return r && r.setpoints.length === 6 ? r : null;
    }, 10_000);
    expect(result.setpoints).toHaveLength(6);
    expect(result.setpoints.some((sp) => sp.reason.kind === 'limit')).toBe(true);
    // Every push settles as accepted by the stations (a cycle may be in flight when we look).
    await eventually(async () => {
      const pushes = Object.values((await sup.api.dispatch('getAllocation', {})).pushes);
      return pushes.length === 6 && pushes.every((p) => p.status === 'accepted');
    });

    // One vehicle (not the paused one) leaves: the paused one gets power within a control cycle.
    const leaving = sims.findIndex((_, i) => i !== paused);
    await sims[leaving]?.stopCharging(1, 'Local');
    const rest = sims.filter((_, i) => i !== leaving);
    await eventually(() => legal(limitsA(rest), 32) && limitsA(rest).every((v) => v !== null && v >= 6), 15_000);

    // An engineer raises the feeder limit through REST: applied at once, audited.
    const response = await fetch(`${sup.url}/api/v1/groups/feeder/limit`, {
      method: 'PUT',
      headers: { Authorization: 'Bearer test-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ maxW: 1_000_000, maxAPerPhase: [80, 80, 80] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { maxAPerPhase: number[] }).maxAPerPhase).toEqual([80, 80, 80]);
    await eventually(() => limitsA(rest).every((v) => v === 16), 15_000);
    const audit = await fetch(`${sup.url}/api/v1/audit?action=setGroupLimit`, { headers: { Authorization: 'Bearer test-key' } });
    expect(((await audit.json()) as Page<AuditEntry>).items[0]).toMatchObject({ actor: 'api', ok: true });
    // A bad limit is refused with a message and changes nothing.
    const bad = await fetch(`${sup.url}/api/v1/groups/feeder/limit`, { method: 'PUT', headers: { Authorization: 'Bearer test-key', 'Content-Type': 'application/json' }, body: JSON.stringify({ maxAPerPhase: [80, -1] }) });
    expect(bad.status).toBe(400);
    expect((await sup.api.dispatch('listGroups', {}))[0]?.maxAPerPhase).toEqual([80, 80, 80]);
  });
});

describe('the allocation view', () => {
  it('is one object until something in it changes, sent as the same JSON to REST and to every WebSocket client', async () => {
    const sup: TestSupervisor = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 100, periodMs: 60_000, scheduleCheckAfterMs: 50 } });
    cleanups.push(() => sup.dispose());
    const controller = sup.smartCharging;
    if (!controller) throw new Error('smart charging did not start');
    // A strict 1.6 client that sends only what the test says: nothing else moves the view.
    const c = strictClient({ endpoint: sup.ocppUrl, identity: 'SC-1', protocols: ['ocpp1.6'] });
    cleanups.push(async () => void (await c.close({ force: true })));
    c.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
    await c.connect();
    await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    await c.call('StartTransaction', { connectorId: 1, idTag: 'FLEET', meterStart: 0, timestamp: new Date().toISOString() });
    await c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    // Settled: the station's safe default sent (on its connection, which may be seen after the
    // start) and accepted, the session's push accepted and its schedule check done (the client
    // does not implement GetCompositeSchedule).
    const settled = () => {
      const view = controller.view();
      const pushes = Object.values(view.pushes);
      return view.defaults['SC-1']?.status === 'accepted' && pushes.length === 1 && pushes.every((p) => p.status === 'accepted' && p.schedule?.status === 'unsupported') ? true : null;
    };
    await eventually(settled, 10_000);
    const first = controller.view();
    expect(controller.view()).toBe(first);
    // A station event can still start a cycle between two looks: compare in a quiet moment (the
    // same view before and after), which never comes if every call builds a new view.
    const quiet = <T>(look: () => Promise<T>) =>
      eventually(async () => {
        const before = controller.view();
        const result = await look();
        return controller.view() === before ? { view: before, result } : null;
      }, 10_000);
    const allocationJson = async () => (await fetch(`${sup.url}/api/v1/allocation`, { headers: { Authorization: 'Bearer test-key' } })).text();
    const rest = await quiet(allocationJson);
    expect(rest.result).toBe(JSON.stringify(rest.view));
    const ws = await quiet(() =>
      Promise.all(
        [1, 2].map(async () => {
          const socket = new WebSocket(`${sup.url.replace('http', 'ws')}/api/ws?key=test-key`);
          cleanups.push(async () => void socket.terminate());
          await new Promise<void>((resolve, reject) => {
            socket.once('open', () => resolve());
            socket.once('error', reject);
          });
          const reply = new Promise<string>((resolve) => socket.on('message', (data) => (String(data).startsWith('{"kind":"result"') ? resolve(String(data)) : undefined)));
          socket.send(JSON.stringify({ kind: 'call', id: 7, command: 'getAllocation', request: {} }));
          return reply;
        }),
      ),
    );
    for (const text of ws.result) expect(JSON.parse(text)).toEqual({ kind: 'result', id: 7, ok: true, response: JSON.parse(JSON.stringify(ws.view)) });
    const view = ws.view;
    const restText = JSON.stringify(view);

    // A change (a new limit: a cycle and a new push) gives a new object with the new figures.
    await controller.setLimit('feeder', { maxW: 1_000_000, maxAPerPhase: [8, 8, 8] });
    await eventually(() => (Object.values(controller.view().pushes)[0]?.value === 8 ? settled() : null), 10_000);
    const after = await quiet(allocationJson);
    expect(after.view).not.toBe(view);
    expect(after.result).toBe(JSON.stringify(after.view));
    expect(after.result).not.toBe(restText);
  });
});

describe('safe defaults', () => {
  it('give each station its even share of the tightest limit above it, 0 when that share is below the minimum', async () => {
    const sup = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 60_000 } });
    cleanups.push(() => sup.dispose());
    const controller = sup.smartCharging;
    expect(controller).not.toBeNull();
    // 32 A shared by 6 connectors is 5.3 A: below the 6 A minimum, so a station alone pauses rather than overload.
    expect(controller?.safeDefault(STATIONS[0] as StationDeclaration)).toEqual({ limit: 0, unit: 'A', phases: 3 });
    await controller?.setLimit('feeder', { maxW: 1_000_000, maxAPerPhase: [80, 80, 80] });
    expect(controller?.safeDefault(STATIONS[0] as StationDeclaration)).toEqual({ limit: 13, unit: 'A', phases: 3 });
  });

  it('are sent first to a station that connects, as a schema-valid TxDefaultProfile for all EVSEs (1.6 and 2.0.1)', async () => {
    const sup = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 60_000 } });
    cleanups.push(() => sup.dispose());
    await sup.smartCharging?.setLimit('feeder', { maxW: 1_000_000, maxAPerPhase: [80, 80, 80] });
    const received: Record<string, Record<string, unknown>> = {};
    for (const [id, protocol] of [['SC-1', 'ocpp1.6'], ['SC-2', 'ocpp2.0.1']] as const) {
      const c = strictClient({ endpoint: sup.ocppUrl, identity: id, protocols: [protocol] });
      cleanups.push(async () => void (await c.close({ force: true })));
      // Strict mode: ocpp-rpc rejects a SetChargingProfile that breaks the official schema before this runs.
      c.handle('SetChargingProfile', async ({ params }) => {
        received[id] = params as Record<string, unknown>;
        return { status: 'Accepted' };
      });
      await c.connect();
      if (protocol === 'ocpp1.6') await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
      else await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    }
    await eventually(() => received['SC-1'] && received['SC-2']);
    expect(received['SC-1']).toMatchObject({
      connectorId: 0,
      csChargingProfiles: { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0, chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 13, numberPhases: 3 }] } },
    });
    expect(received['SC-2']).toMatchObject({
      evseId: 0,
      chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 0, chargingSchedule: [{ chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 13, numberPhases: 3 }] }] },
    });
    await eventually(() => Object.values(sup.smartCharging?.view().defaults ?? {}).filter((d) => d.status === 'accepted').length === 2);
  });
});

describe('profile verification', () => {
  it('detects a station that accepts its limit but keeps drawing more, raises an alarm, and clears it when it complies', async () => {
    const sup = await startTestSupervisor({
      project: PROJECT,
      smartCharging: true,
      smartChargingOptions: { debounceMs: 50, periodMs: 200, verifyAfterMs: 300 },
      alarmRules: [{ id: 'profile', kind: 'profileNotApplied', name: 'Charging profile not applied', severity: 'major' }],
      alarmTickMs: 50,
    });
    cleanups.push(() => sup.dispose());
    await sup.smartCharging?.setLimit('feeder', { maxW: 1_000_000, maxAPerPhase: [10, 10, 10] });
    // A strict 1.6 client that says Accepted to every profile and then ignores it.
    const c = strictClient({ endpoint: sup.ocppUrl, identity: 'SC-1', protocols: ['ocpp1.6'] });
    cleanups.push(async () => void (await c.close({ force: true })));
    c.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
    await c.connect();
    await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    const start = (await c.call('StartTransaction', { connectorId: 1, idTag: 'FLEET', meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number };
    await c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    const draw = (amps: number) =>
      c.call('MeterValues', {
        connectorId: 1,
        transactionId: start.transactionId,
        meterValue: [{ timestamp: new Date().toISOString(), sampledValue: ['L1', 'L2', 'L3'].map((phase) => ({ value: String(amps), measurand: 'Current.Import', phase, unit: 'A' })) }],
      });
    await draw(16);
    const alarm = await eventually(async () => {
      await draw(16);
      return sup.alarms.list().find((a) => a.ruleId === 'profile') ?? null;
    }, 10_000);
    expect(alarm.source.stationId).toBe('SC-1');
    expect(alarm.message + String(alarm.value)).toMatch(/16/);
    expect(Object.values(sup.smartCharging?.view().pushes ?? {})[0]).toMatchObject({ compliance: 'nonCompliant', value: 10 });
    // The station starts obeying: the alarm clears (it stays listed until acknowledged).
    await eventually(async () => {
      await draw(9.5);
      return sup.alarms.list().find((a) => a.id === alarm.id)?.state === 'clearedUnacknowledged';
    }, 10_000);
    expect(Object.values(sup.smartCharging?.view().pushes ?? {})[0]?.compliance).toBe('compliant');
  });
});

describe('history estimates', () => {
  it('serves first a badge whose past stays were short, from the archive of finished sessions', async () => {
    const badges = ['SHORT', 'LONG-1', 'LONG-2'].map((idTag) => ({ idTag, status: 'Accepted' as const, expiresAt: null, parentIdTag: null, label: null }));
    const project: ProjectFile = { ...PROJECT, badges: [...(PROJECT.badges ?? []), ...badges] };
    const sup = await startTestSupervisor({ project, smartCharging: true, smartChargingOptions: { debounceMs: 100, periodMs: 500 } });
    cleanups.push(() => sup.dispose());
    // Three past days: SHORT stayed 30 min and took 12 kWh (more than 16 A can give in that
    // time: no slack at all); LONG-1 and LONG-2 stayed 9 h for 10 kWh (hours of slack).
    const day = 86_400_000;
    const now = Date.now();
    for (let d = 1; d <= 3; d++) {
      for (const [idTag, stationId, stayH, energyWh] of [
        ['SHORT', 'SC-1', 0.5, 12_000],
        ['LONG-1', 'SC-2', 9, 10_000],
        ['LONG-2', 'SC-3', 9, 10_000],
      ] as const) {
        const startedAt = new Date(now - d * day).toISOString();
        const { transaction } = await sup.archive.insertTransaction({ stationId, ocppTransactionId: null, startKey: `history|${idTag}|${d}`, evseId: 1, connectorId: 1, idTag, startedAt, meterStartWh: 0, socStart: null, receivedAt: startedAt });
        const stoppedAt = new Date(now - d * day + stayH * 3_600_000).toISOString();
        await sup.archive.stopTransaction(transaction.id, { stoppedAt, meterStopWh: energyWh, energyWh, socEnd: null, stopReason: 'EVDisconnected' }, stoppedAt);
      }
    }
    const { stations: sims, stop } = await startAcStations(sup.ocppUrl, STATIONS.slice(0, 3));
    cleanups.push(stop);
    for (const [i, badge] of ['SHORT', 'LONG-1', 'LONG-2'].entries()) {
      const sim = sims[i] as SimulatedStation;
      sim.plugIn(1);
      expect((await sim.startCharging(1, badge)).accepted).toBe(true);
    }
    // Without history the three would share 32 A about equally (10/11/11); with it SHORT, due to
    // leave soon, gets its station's 16 A first and the two long stays share the rest.
    await eventually(() => {
      const limits = limitsA(sims);
      return limits[0] === 16 && limits[1] === 8 && limits[2] === 8;
    }, 15_000);
    expect(limitsA(sims)).toEqual([16, 8, 8]);
  });
});

describe('ISO 15118 charging needs (2.0.1 NotifyEVChargingNeeds)', () => {
  it('takes the energy, departure and maximum a vehicle sends as its session’s need, departure and limit', async () => {
    const sup = await startTestSupervisor({ project: PROJECT, smartCharging: true, smartChargingOptions: { debounceMs: 50, periodMs: 300 } });
    cleanups.push(() => sup.dispose());
    await sup.smartCharging?.setLimit('feeder', { maxW: 1_000_000, maxAPerPhase: [20, 20, 20] });
    // SC-1: a simulated 1.6 station, a vehicle that says nothing.
    const sim = new SimulatedStation({ url: sup.ocppUrl, id: 'SC-1', protocol: 'ocpp1.6', connectors: 1, kind: 'AC', maxPowerW: 11_040, phases: 3, tickMs: 100, meterIntervalS: 1 });
    cleanups.push(() => sim.stop());
    await sim.start();
    sim.plugIn(1);
    expect((await sim.startCharging(1, 'FLEET')).accepted).toBe(true);
    // SC-2: a 2.0.1 station whose vehicle sends its needs: 20 kWh within 30 minutes, 16 A at most.
    const c = strictClient({ endpoint: sup.ocppUrl, identity: 'SC-2', protocols: ['ocpp2.0.1'] });
    cleanups.push(async () => void (await c.close({ force: true })));
    c.handle('SetChargingProfile', async () => ({ status: 'Accepted' }));
    c.handle('GetCompositeSchedule', async () => ({ status: 'Rejected' }));
    await c.connect();
    await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    await c.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'tx-needs-1', chargingState: 'Charging' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'FLEET', type: 'ISO14443' },
    });
    const departureTime = new Date(Date.now() + 30 * 60_000).toISOString();
    const answer = await c.call('NotifyEVChargingNeeds', {
      evseId: 1,
      chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', departureTime, acChargingParameters: { energyAmount: 20_000, evMinCurrent: 6, evMaxCurrent: 16, evMaxVoltage: 400 } },
    });
    expect(answer).toEqual({ status: 'Accepted' });
    expect(sup.registry.get('SC-2')?.connectors[0]?.chargingNeeds).toMatchObject({ energyWh: 20_000, maxCurrentA: 16, departureAt: departureTime });
    // Least laxity first: SC-2 cannot get its 20 kWh in 30 minutes even at 16 A, so it gets its
    // 16 A before SC-1, whose stay is unknown, gets its minimum (4 A left < 6 A: paused).
    // Without the needs the two would share the 20 A (10 A each).
    const setpoints = await eventually(async () => {
      const r = (await sup.api.dispatch('getAllocation', {})).result as { setpoints: Array<{ stationId: string; value: number; reason: { kind: string } }> } | null;
      const byStation = new Map(r?.setpoints.map((sp) => [sp.stationId, sp]) ?? []);
      return byStation.get('SC-2')?.value === 16 && byStation.get('SC-1')?.value === 0 ? byStation : null;
    }, 10_000);
    expect(setpoints.get('SC-1')?.reason.kind).toBe('minimumNotReachable');
  });
});
