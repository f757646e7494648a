// Fault tests, scaled down (full size in `npm run bench`): a silent station does not stall
// the others, a reconnect storm loses and duplicates nothing, and a full archive refuses
// new work instead of acknowledging what it cannot store, then recovers.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ArchiveHealth } from '../../src-shared/domain/index.ts';
import type { ProjectFile, StationDeclaration } from '../../src-shared/project/index.ts';
import { SimulatedStation } from '../simulator/index.ts';
import { connectRaw, eventually, restCall, startTestSupervisor, type RawStation, type TestSupervisor } from './test-support.ts';

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
});

async function supervisor(overrides: Parameters<typeof startTestSupervisor>[0] = {}): Promise<TestSupervisor> {
  const sup = await startTestSupervisor(overrides);
  disposers.push(() => sup.dispose());
  return sup;
}

describe('slow or silent stations', () => {
  it('a station that stops answering does not stall commands to others', async () => {
    const sup = await supervisor({ ocpp: { callTimeoutMs: 1500 } });
    const silent = await connectRaw(sup.ocppUrl, 'CP16', 'ocpp1.6');
    const lively = await connectRaw(sup.ocppUrl, 'CP201', 'ocpp2.0.1');
    disposers.push(() => silent.close(), () => lively.close());
    await silent.call('BootNotification', { chargePointVendor: 'A', chargePointModel: 'B' });
    await lively.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    const stuck = sup.api.dispatch('sendCommand', { stationId: 'CP16', command: { kind: 'clearCache' } });
    const queued = sup.api.dispatch('sendCommand', { stationId: 'CP16', command: { kind: 'reset', type: 'soft' } });
    expect((await silent.next())[2]).toBe('ClearCache'); // received, never answered
    const answered = sup.api.dispatch('sendCommand', { stationId: 'CP201', command: { kind: 'clearCache' } });
    const call = await lively.next();
    lively.send([3, call[1], { status: 'Accepted' }]);
    expect((await answered).outcome).toBe('accepted');
    // The silent station's first command times out, then its queue moves on.
    expect(await stuck).toMatchObject({ outcome: 'error', status: 'Timeout' });
    const reset = await silent.next();
    expect(reset[2]).toBe('Reset');
    silent.send([3, reset[1], { status: 'Accepted' }]);
    expect((await queued).outcome).toBe('accepted');
  });
});

describe('reconnect storm', () => {
  it('all stations drop and reconnect within a second: every one is back, no transaction lost or duplicated, no alarm flood', async () => {
    const count = 40;
    const stations: StationDeclaration[] = Array.from({ length: count }, (_, i) => ({
      id: `STORM-${String(i + 1).padStart(2, '0')}`,
      group: 'g',
      protocol: i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1',
      kind: 'AC',
      maxPowerW: 22_000,
      connectors: 1,
    }));
    const project: ProjectFile = {
      formatVersion: 1,
      name: 'storm',
      sites: [{ id: 's', name: 's', groups: [{ id: 'g', name: 'g', maxPowerW: 1e6 }], stations }],
      badges: [{ idTag: 'STORM', status: 'Accepted', expiresAt: null, parentIdTag: null, label: null }],
    };
    const sup = await supervisor({ project });
    const sims = stations.map(
      (d) =>
        new SimulatedStation({ url: sup.ocppUrl, id: d.id, protocol: d.protocol, connectors: 1, tickMs: 50, timeScale: 60, meterIntervalS: 1, reconnectBaseMs: 50, reconnectMaxMs: 400 }),
    );
    disposers.push(async () => {
      for (const s of sims) await s.stop();
    });
    await Promise.all(sims.map((s) => s.start()));
    for (const s of sims) {
      s.plugIn(1);
      await s.startCharging(1, 'STORM');
    }
    await eventually(() => sup.archive.openTransactions().length === count);
    // Everyone drops at once, keeps charging offline, comes back within a second.
    for (const s of sims) s.goOffline();
    await eventually(() => sup.registry.list().every((st) => !st.connected));
    await new Promise((r) => setTimeout(r, 300));
    for (const [i, s] of sims.entries()) setTimeout(() => s.goOnline(), (i * 997) % 1000);
    await eventually(() => sup.registry.list().filter((st) => st.connected).length === count, 15_000);
    // No alarm flood: the communication-lost rule's delay (30 s by default) absorbs a one-second
    // drop, so no station raised one — neither live nor in the history.
    const stormStart = new Date(Date.now() - 60_000).toISOString();
    expect(sup.alarms.list()).toEqual([]);
    expect((await sup.api.dispatch('alarmHistory', { from: stormStart, limit: 500 })).items).toEqual([]);
    // Stop every charge; offline queues replay; each transaction must be stored exactly once and closed.
    for (const s of sims) await s.stopCharging(1, 'Local');
    await eventually(() => sims.every((s) => s.queuedTransactionMessages === 0), 15_000);
    await eventually(() => sup.archive.openTransactions().length === 0, 15_000);
    const all = sup.archive.queryTransactions({ limit: 1000 });
    expect(all.total).toBe(count);
    expect(new Set(all.items.map((t) => t.stationId)).size).toBe(count);
    for (const t of all.items) {
      expect(t.stoppedAt).not.toBeNull();
      expect(t.energyWh ?? 0).toBeGreaterThan(0);
    }
  });
});

describe('archive full', () => {
  it('refuses new work with InternalError instead of acknowledging it, and recovers when space returns', async () => {
    const sup = await supervisor();
    const s: RawStation = await connectRaw(sup.ocppUrl, 'CP16', 'ocpp1.6');
    disposers.push(() => s.close());
    await s.call('BootNotification', { chargePointVendor: 'A', chargePointModel: 'B' });
    const samplesBefore = sup.archive.countSamples();
    // Cap the archive at its current size: new pages cannot be allocated, as on a full disk.
    sup.archive.setMaxSize(sup.archive.sizeBytes());
    let acknowledged = 0;
    const refusals: unknown[][] = [];
    for (let i = 0; i < 200; i++) {
      const reply = await s.call('MeterValues', {
        connectorId: 1,
        meterValue: [{ timestamp: new Date().toISOString(), sampledValue: Array.from({ length: 20 }, (_, k) => ({ value: String(i * 100 + k), measurand: 'Energy.Active.Import.Register' })) }],
      });
      if (reply[0] === 3) acknowledged++;
      else refusals.push(reply);
    }
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals[0]?.[2]).toBe('InternalError');
    expect(String(refusals[0]?.[3])).toContain('not stored');
    expect(sup.archive.health()).toMatchObject({ storing: false, reason: expect.stringMatching(/full/) });
    // Exactly what was acknowledged is stored; nothing refused was.
    expect(sup.archive.countSamples() - samplesBefore).toBe(acknowledged * 20);
    // Space returns: new work is accepted and stored again.
    sup.archive.setMaxSize(0);
    const retried = await s.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 0, timestamp: new Date().toISOString() });
    expect(retried[0]).toBe(3);
    expect(sup.archive.health().storing).toBe(true);
    expect(sup.archive.transactionById((retried[2] as { transactionId: number }).transactionId)).not.toBeNull();
  });
});

describe('archive locked by another program', () => {
  it('refuses new work at once with InternalError while another program holds the write lock, and stores again when it lets go', async () => {
    const sup = await supervisor();
    const s: RawStation = await connectRaw(sup.ocppUrl, 'CP16', 'ocpp1.6');
    disposers.push(() => s.close());
    await s.call('BootNotification', { chargePointVendor: 'A', chargePointModel: 'B' });
    const samplesBefore = sup.archive.countSamples();
    const meterValues = (i: number) => s.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(i), measurand: 'Energy.Active.Import.Register' }] }] });
    const archiveEvents: ArchiveHealth[] = [];
    sup.bus.subscribe((e) => {
      if (e.type === 'archive') archiveEvents.push(e.archive);
    });
    // Another program (a database browser, a backup or reporting tool) takes the write lock and keeps it.
    const other = new Database(join(sup.dataDir, 'archive.sqlite'));
    disposers.push(async () => void other.close());
    other.exec('BEGIN IMMEDIATE');
    // Twenty messages meanwhile, each refused with a clear error. (Waiting for the lock in
    // SQLite's busy handler held the whole process 5 s per write: these took 100 s, the other
    // stations and the screens frozen all along.)
    const refusals: unknown[][] = [];
    for (let i = 0; i < 20; i++) refusals.push(await meterValues(i));
    expect(refusals.map((r) => [r[0], r[2]])).toEqual(Array.from({ length: 20 }, () => [4, 'InternalError']));
    expect(String(refusals[0]?.[3])).toContain('not stored');
    // The control room is told once (event for the header) and monitoring sees it (health).
    const health = await restCall<{ status: string; archive: ArchiveHealth }>(sup, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect(health.body.archive).toMatchObject({ storing: false, reason: expect.stringContaining('locked by another program') });
    expect(health.body.archive.refusedWrites).toBe(20);
    expect(archiveEvents.map((h) => h.storing)).toEqual([false]);
    // It lets go: messages are stored and acknowledged again, and nothing refused was stored.
    other.exec('ROLLBACK');
    const stored = await eventually(async () => ((await meterValues(100))[0] === 3 ? true : null), 10_000, 100);
    expect(stored).toBe(true);
    expect(sup.archive.countSamples() - samplesBefore).toBe(1);
    expect(archiveEvents.map((h) => h.storing)).toEqual([false, true]);
    expect((await restCall<{ status: string; archive: ArchiveHealth }>(sup, 'GET', '/health')).body).toMatchObject({ status: 'ok', archive: { storing: true, reason: null, refusedWrites: 0 } });
  });
});
