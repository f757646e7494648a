// Transactions over a real archive, registry and bus: unit conversion, live values, the
// start → meter values → stop lifecycle with energy and SoC, late meter values, and the
// stale rule that closes transactions of stations that went away.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DomainEvent, Transaction } from '../../src-shared/domain/index.ts';
import { SqliteArchive } from '../archive/index.ts';
import { DomainBus } from '../bus/index.ts';
import { StationRegistry } from '../stations/index.ts';
import { TransactionService, liveValues, toBaseUnit, type MeterReading, type TransactionStart } from './index.ts';

describe('toBaseUnit', () => {
  it('converts kWh to Wh and kW to W', () => {
    expect(toBaseUnit(12.5, 'kWh')).toEqual({ value: 12_500, unit: 'Wh' });
    expect(toBaseUnit(11, 'kW')).toEqual({ value: 11_000, unit: 'W' });
    expect(toBaseUnit(2, 'kvarh')).toEqual({ value: 2000, unit: 'varh' });
    expect(toBaseUnit(3, 'kvar')).toEqual({ value: 3000, unit: 'var' });
  });

  it('keeps base units as they are', () => {
    expect(toBaseUnit(1234, 'Wh')).toEqual({ value: 1234, unit: 'Wh' });
    expect(toBaseUnit(16, 'A')).toEqual({ value: 16, unit: 'A' });
    expect(toBaseUnit(230, 'V')).toEqual({ value: 230, unit: 'V' });
    expect(toBaseUnit(55, 'Percent')).toEqual({ value: 55, unit: 'Percent' });
    expect(toBaseUnit(7, undefined)).toEqual({ value: 7, unit: '' });
  });

  it("spells the 1.6 typo 'Celcius' as Celsius", () => {
    expect(toBaseUnit(21, 'Celcius')).toEqual({ value: 21, unit: 'Celsius' });
    expect(toBaseUnit(21, 'Celsius')).toEqual({ value: 21, unit: 'Celsius' });
  });

  it('applies the power-of-ten multiplier before the unit conversion', () => {
    expect(toBaseUnit(5, 'Wh', 3)).toEqual({ value: 5000, unit: 'Wh' });
    expect(toBaseUnit(5, 'kWh', 3)).toEqual({ value: 5_000_000, unit: 'Wh' });
    const small = toBaseUnit(1234, 'kW', -3);
    expect(small.unit).toBe('W');
    expect(small.value).toBeCloseTo(1234, 9);
    const tenths = toBaseUnit(155, 'A', -1);
    expect(tenths.value).toBeCloseTo(15.5, 9);
  });
});

const reading = (measurand: string, value: number, unit: string, phase: string | null = null, timestamp = '2024-03-01T10:00:00.000Z'): MeterReading => ({
  timestamp,
  measurand,
  phase,
  value,
  unit,
  context: 'Sample.Periodic',
});

describe('liveValues', () => {
  it('takes energy, power, per-phase current and SoC from a sample', () => {
    const live = liveValues([
      reading('Energy.Active.Import.Register', 12_500, 'Wh'),
      reading('Power.Active.Import', 11_000, 'W'),
      reading('Current.Import', 16.1, 'A', 'L1'),
      reading('Current.Import', 16.2, 'A', 'L2-N'),
      reading('Current.Import', 16.3, 'A', 'L3'),
      reading('SoC', 55, 'Percent'),
      reading('Voltage', 230, 'V', 'L1-N'),
    ]);
    expect(live).toEqual({ energyWh: 12_500, powerW: 11_000, currentA: [16.1, 16.2, 16.3], soc: 55 });
  });

  it('ignores per-phase energy and power, and a neutral current; a current without phase is phase 1', () => {
    const live = liveValues([
      reading('Energy.Active.Import.Register', 999, 'Wh', 'L1'),
      reading('Power.Active.Import', 888, 'W', 'L2'),
      reading('Current.Import', 3, 'A', 'N'),
      reading('Current.Import', 32, 'A'),
    ]);
    expect(live).toEqual({ currentA: [32, null, null] });
  });

  it('keeps the latest value of a measurand and reports nothing when nothing was measured', () => {
    expect(liveValues([reading('Energy.Active.Import.Register', 100, 'Wh'), reading('Energy.Active.Import.Register', 200, 'Wh')])).toEqual({ energyWh: 200 });
    expect(liveValues([])).toEqual({});
    expect(liveValues([reading('Current.Offered', 32, 'A')])).toEqual({});
  });
});

describe('TransactionService over a real archive, registry and bus', () => {
  let dir: string;
  let archive: SqliteArchive;
  let bus: DomainBus;
  let registry: StationRegistry;
  let service: TransactionService;
  let events: DomainEvent[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evs-tx-'));
    archive = new SqliteArchive(join(dir, 'archive.sqlite'));
    bus = new DomainBus();
    events = [];
    bus.subscribe((e) => events.push(e));
    registry = new StationRegistry(archive, bus, { autoAccept: false, heartbeatIntervalS: 60 });
    await registry.declare([
      { id: 'CP1', group: 'g', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_000, connectors: 2 },
      { id: 'CP2', group: 'g', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_000, connectors: 2 },
    ]);
    service = new TransactionService(archive, bus, registry, { staleTransactionHours: 24 });
  });

  afterEach(() => {
    registry.close();
    archive.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (overrides: Partial<TransactionStart> = {}): Promise<Transaction> =>
    service.start({
      stationId: 'CP1',
      evseId: 1,
      connectorId: 1,
      idTag: 'BADGE',
      startedAt: '2024-03-01T10:00:00.000Z',
      meterStartWh: 10_000,
      ocppTransactionId: null,
      startKey: 'start-1',
      ...overrides,
    });

  const transactionEvents = () => events.filter((e): e is Extract<DomainEvent, { type: 'transaction' }> => e.type === 'transaction').map((e) => e.transaction);
  const connector = (stationId: string, evseId: number) => registry.get(stationId)?.connectors.find((c) => c.evseId === evseId);

  it('start → meter values → stop: energy is meterStop − meterStart, SoC start and end come from the samples', async () => {
    const started = await start();
    expect(started).toMatchObject({ stationId: 'CP1', evseId: 1, meterStartWh: 10_000, stoppedAt: null, energyWh: null, socStart: null });
    expect(connector('CP1', 1)).toMatchObject({ transactionId: started.id, idTag: 'BADGE' });
    expect(transactionEvents().at(-1)?.id).toBe(started.id);

    await service.meterValues('CP1', 1, 1, started, [
      reading('Energy.Active.Import.Register', 12_500, 'Wh'),
      reading('Power.Active.Import', 11_000, 'W'),
      reading('Current.Import', 16, 'A', 'L1'),
      reading('SoC', 40, 'Percent'),
    ]);
    // Running totals are written coalesced; flushing makes them visible now.
    await service.flushSummaries();
    const running = service.byId(started.id);
    expect(running).toMatchObject({ energyWh: 2500, socStart: 40, socEnd: 40, stoppedAt: null });
    expect(connector('CP1', 1)).toMatchObject({ energyWh: 12_500, powerW: 11_000, soc: 40 });
    expect(connector('CP1', 1)?.currentA).toEqual([16, null, null]);

    await service.meterValues('CP1', 1, 1, service.byId(started.id), [reading('Energy.Active.Import.Register', 20_000, 'Wh', null, '2024-03-01T10:30:00.000Z'), reading('SoC', 70, 'Percent', null, '2024-03-01T10:30:00.000Z')]);
    await service.flushSummaries();
    expect(service.byId(started.id)).toMatchObject({ energyWh: 10_000, socStart: 40, socEnd: 70 });

    const stopped = await service.stop(service.byId(started.id) as Transaction, { stoppedAt: '2024-03-01T11:00:00.000Z', meterStopWh: 25_000, reason: 'EVDisconnected' }, [reading('SoC', 80, 'Percent')]);
    expect(stopped).toMatchObject({ stoppedAt: '2024-03-01T11:00:00.000Z', meterStartWh: 10_000, meterStopWh: 25_000, energyWh: 15_000, socStart: 40, socEnd: 80, stopReason: 'EVDisconnected' });
    expect(archive.transactionById(started.id)).toEqual(stopped);
    expect(connector('CP1', 1)).toMatchObject({ transactionId: null, idTag: null, powerW: null, soc: null });
    expect(transactionEvents().at(-1)).toEqual(stopped);
    expect(archive.samplesOfTransaction(started.id).map((s) => [s.measurand, s.value])).toEqual([
      ['Energy.Active.Import.Register', 12_500],
      ['Power.Active.Import', 11_000],
      ['Current.Import', 16],
      ['SoC', 40],
      ['Energy.Active.Import.Register', 20_000],
      ['SoC', 70],
    ]);
  });

  it('a stop without meterStop takes the energy from its last readings; a second stop changes nothing and publishes nothing', async () => {
    const t = await start({ meterStartWh: 1000, socStart: 20 });
    const stopped = await service.stop(t, { stoppedAt: '2024-03-01T10:10:00.000Z', meterStopWh: null, reason: 'Local' }, [reading('Energy.Active.Import.Register', 4000, 'Wh'), reading('SoC', 30, 'Percent')]);
    expect(stopped).toMatchObject({ meterStopWh: 4000, energyWh: 3000, socStart: 20, socEnd: 30 });
    const published = transactionEvents().length;
    const again = await service.stop(t, { stoppedAt: '2024-03-01T12:00:00.000Z', meterStopWh: 9000, reason: 'Remote' });
    expect(again).toEqual(stopped);
    expect(transactionEvents().length).toBe(published);
  });

  it('the same start reported twice is stored once and published once', async () => {
    const first = await start();
    const published = transactionEvents().length;
    const retry = await start();
    expect(retry.id).toBe(first.id);
    expect(archive.queryTransactions({}).total).toBe(1);
    expect(transactionEvents().length).toBe(published);
  });

  it('meter values that arrive after the stop are stored but change neither the energy nor the SoC of the stopped transaction', async () => {
    const t = await start({ meterStartWh: 10_000 });
    await service.meterValues('CP1', 1, 1, t, [reading('Energy.Active.Import.Register', 15_000, 'Wh'), reading('SoC', 60, 'Percent')]);
    const stopped = await service.stop(service.byId(t.id) as Transaction, { stoppedAt: '2024-03-01T11:00:00.000Z', meterStopWh: 16_000, reason: 'Local' });
    expect(stopped).toMatchObject({ energyWh: 6000, socEnd: 60 });
    const published = transactionEvents().length;

    await service.meterValues('CP1', 1, 1, stopped, [reading('Energy.Active.Import.Register', 99_000, 'Wh', null, '2024-03-01T11:05:00.000Z'), reading('SoC', 95, 'Percent', null, '2024-03-01T11:05:00.000Z')]);
    const after = service.byId(t.id);
    expect(after).toMatchObject({ energyWh: 6000, meterStopWh: 16_000, socEnd: 60, stoppedAt: '2024-03-01T11:00:00.000Z', meterStartWh: 10_000 });
    const values = archive.samplesOfTransaction(t.id).map((s) => s.value);
    expect(values).toContain(99_000);
    expect(values).toContain(95);
    // Not shown as live either, and not published as a transaction change.
    expect(connector('CP1', 1)?.energyWh).toBe(15_000);
    expect(transactionEvents().length).toBe(published);
  });

  // BUG (archive/sqlite.ts, statement updateTransaction): soc_end is guarded with
  // `CASE WHEN stopped_at IS NULL`, energy_wh is not, so meter values handled with a snapshot
  // taken before a concurrent stop (e.g. a 2.0.1 TransactionEvent Updated that awaited setIdTag
  // while the Ended event of the same transaction was processed) rewrite the closed record.
  it('meter values handled with a snapshot taken before the stop do not change the energy of the stopped transaction', async () => {
    const t = await start({ meterStartWh: 10_000 });
    const snapshot = service.byId(t.id) as Transaction; // still open
    const stopped = await service.stop(snapshot, { stoppedAt: '2024-03-01T11:00:00.000Z', meterStopWh: 16_000, reason: 'Local' });
    expect(stopped.energyWh).toBe(6000);
    await service.meterValues('CP1', 1, 1, snapshot, [reading('Energy.Active.Import.Register', 99_000, 'Wh'), reading('SoC', 95, 'Percent')]);
    expect(service.byId(t.id)).toMatchObject({ energyWh: 6000, meterStopWh: 16_000, socEnd: null });
  });

  it('meter values outside a transaction are stored without a transaction and update the live connector', async () => {
    await service.meterValues('CP2', 2, 2, null, [reading('Energy.Active.Import.Register', 777, 'Wh')]);
    expect(connector('CP2', 2)?.energyWh).toBe(777);
    expect(archive.countSamples()).toBe(1);
    expect(transactionEvents()).toEqual([]);
  });

  describe('the stale rule', () => {
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

    /** An open transaction whose last update was `hours` ago, with some energy already known. */
    async function openSince(stationId: string, key: string, hours: number, energyWh: number | null = 3000): Promise<Transaction> {
      const { transaction } = await archive.insertTransaction({
        stationId,
        ocppTransactionId: null,
        startKey: key,
        evseId: 1,
        connectorId: 1,
        idTag: 'BADGE',
        startedAt: hoursAgo(hours + 1),
        meterStartWh: 5000,
        socStart: null,
        receivedAt: hoursAgo(hours + 1),
      });
      if (energyWh === null) return transaction;
      return archive.updateTransaction(transaction.id, { energyWh }, hoursAgo(hours));
    }

    it('closes an open transaction of an offline station silent longer than the limit: reason StationLost, at its last update, with its last energy', async () => {
      const old = await openSince('CP1', 'old', 30);
      const closed = await service.closeStale();
      expect(closed.map((t) => t.id)).toEqual([old.id]);
      const stored = archive.transactionById(old.id);
      expect(stored).toMatchObject({ stopReason: 'StationLost', stoppedAt: old.lastUpdateAt, energyWh: 3000, meterStopWh: 8000 });
      expect(transactionEvents().at(-1)?.id).toBe(old.id);
      expect(archive.openTransactions()).toEqual([]);
    });

    it('closes a stale transaction without energy and keeps its energy unknown', async () => {
      const old = await openSince('CP1', 'no-energy', 30, null);
      await service.closeStale();
      expect(archive.transactionById(old.id)).toMatchObject({ stopReason: 'StationLost', energyWh: null, meterStopWh: null });
    });

    it('leaves open a transaction updated recently, and one whose station is connected', async () => {
      const recent = await openSince('CP1', 'recent', 1);
      const online = await openSince('CP2', 'online', 30);
      const lost = await openSince('CP1', 'lost', 25);
      registry.connected('CP2', 'ocpp1.6', '127.0.0.1');
      const closed = await service.closeStale();
      expect(closed.map((t) => t.id)).toEqual([lost.id]);
      expect(archive.openTransactions().map((t) => t.id).sort((a, b) => a - b)).toEqual([recent.id, online.id].sort((a, b) => a - b));
      // Once the station is gone too, its transaction goes the same way.
      registry.disconnected('CP2');
      expect((await service.closeStale()).map((t) => t.id)).toEqual([online.id]);
      // The limit follows `now`: the recent one is stale 24 h later.
      const later = new Date(Date.now() + 24 * 3_600_000);
      expect((await service.closeStale(later)).map((t) => t.id)).toEqual([recent.id]);
    });

    it('takes a new limit from a project version without a restart (Project → Settings); a bad one is ignored', async () => {
      const six = await openSince('CP1', 'six-hours', 6);
      expect(await service.closeStale()).toEqual([]);
      service.setStaleTransactionHours(0);
      service.setStaleTransactionHours(Number.NaN);
      expect(await service.closeStale()).toEqual([]);
      service.setStaleTransactionHours(4);
      expect((await service.closeStale()).map((t) => t.id)).toEqual([six.id]);
    });

    it('a station that replays its stop after the stale rule leaves the closed record unchanged', async () => {
      const old = await openSince('CP1', 'replayed', 30);
      const [closed] = await service.closeStale();
      const replay = await service.stop(archive.transactionById(old.id) as Transaction, { stoppedAt: hoursAgo(0), meterStopWh: 50_000, reason: 'Local' });
      expect(replay).toEqual(closed);
    });
  });

  it('publishes station snapshots that later changes leave alone (connectors and phase currents included)', async () => {
    await service.meterValues('CP1', 1, 1, null, [reading('Current.Import', 10, 'A', 'L1'), reading('Power.Active.Import', 7000, 'W')]);
    registry.flush();
    const stationEvents = () => events.filter((e): e is Extract<DomainEvent, { type: 'station' }> => e.type === 'station').map((e) => e.station);
    const first = stationEvents().at(-1);
    expect(first).toEqual(registry.get('CP1'));
    expect(first).not.toBe(registry.get('CP1'));
    await service.meterValues('CP1', 1, 1, null, [reading('Current.Import', 20, 'A', 'L1'), reading('Power.Active.Import', 9000, 'W')]);
    registry.flush();
    expect(first?.connectors.find((c) => c.evseId === 1)).toMatchObject({ powerW: 7000, currentA: [10, null, null] });
    expect(stationEvents().at(-1)?.connectors.find((c) => c.evseId === 1)).toMatchObject({ powerW: 9000, currentA: [20, null, null] });
    expect(connector('CP1', 1)).toMatchObject({ powerW: 9000, currentA: [20, null, null] });
  });

  it('picks up the open transactions of the archive at construction (restart)', async () => {
    const t = await start({ evseId: 2, connectorId: 2, startKey: 'restart' });
    registry.close();
    // The order of startSupervisor: registry, transaction service, then the project's declarations.
    const registry2 = new StationRegistry(archive, bus, { autoAccept: false, heartbeatIntervalS: 60 });
    new TransactionService(archive, bus, registry2, { staleTransactionHours: 24 });
    await registry2.declare([{ id: 'CP1', group: 'g', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_000, connectors: 2 }]);
    expect(registry2.get('CP1')?.connectors.find((c) => c.evseId === 2)).toMatchObject({ transactionId: t.id, idTag: 'BADGE' });
    registry2.close();
  });
});

describe('coalesced running totals', () => {
  it('writes each transaction\'s totals one interval after its first change, not every open transaction in one turn', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evs-coalesce-'));
    const archive = new SqliteArchive(join(dir, 'a.sqlite'));
    const bus = new DomainBus();
    const registry = new StationRegistry(archive, bus, { autoAccept: true, heartbeatIntervalS: 60 });
    const service = new TransactionService(archive, bus, registry, { staleTransactionHours: 24, summaryIntervalMs: 2000 });
    const energy = (value: number) => [{ timestamp: '2024-01-01T00:01:00.000Z', measurand: 'Energy.Active.Import.Register', phase: null, value, unit: 'Wh', context: null }];
    try {
      const a = await service.start({ stationId: 'A', evseId: 1, connectorId: 1, idTag: 'B', startedAt: '2024-01-01T00:00:00.000Z', meterStartWh: 0, ocppTransactionId: null, startKey: 'a' });
      const b = await service.start({ stationId: 'B', evseId: 1, connectorId: 1, idTag: 'B', startedAt: '2024-01-01T00:00:00.000Z', meterStartWh: 0, ocppTransactionId: null, startKey: 'b' });
      const t0 = performance.now();
      await service.meterValues('A', 1, 1, a, energy(1000));
      await new Promise((r) => setTimeout(r, 1000));
      await service.meterValues('B', 1, 1, b, energy(2000));
      await vi.waitFor(() => expect(archive.transactionById(a.id)?.energyWh).toBe(1000), { timeout: 5000, interval: 10 });
      // A's totals are due 2 s after its change; B's only 2 s after B's, a second later.
      expect(performance.now() - t0).toBeGreaterThanOrEqual(1900);
      expect(archive.transactionById(b.id)?.energyWh).toBeNull();
      await vi.waitFor(() => expect(archive.transactionById(b.id)?.energyWh).toBe(2000), { timeout: 5000, interval: 10 });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(2900);
    } finally {
      await service.close();
      archive.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the first SoC of a window as the start SoC and the latest as the current one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evs-coalesce-'));
    const archive = new SqliteArchive(join(dir, 'a.sqlite'));
    const bus = new DomainBus();
    const registry = new StationRegistry(archive, bus, { autoAccept: true, heartbeatIntervalS: 60 });
    const service = new TransactionService(archive, bus, registry, { staleTransactionHours: 24, summaryIntervalMs: 60_000 });
    try {
      const t = await service.start({ stationId: 'S', evseId: 1, connectorId: 1, idTag: 'B', startedAt: '2024-01-01T00:00:00.000Z', meterStartWh: 0, ocppTransactionId: null, startKey: 'k' });
      const at = '2024-01-01T00:01:00.000Z';
      await service.meterValues('S', 1, 1, t, [{ timestamp: at, measurand: 'SoC', phase: null, value: 20, unit: 'Percent', context: null }, { timestamp: at, measurand: 'Energy.Active.Import.Register', phase: null, value: 1000, unit: 'Wh', context: null }]);
      await service.meterValues('S', 1, 1, t, [{ timestamp: at, measurand: 'SoC', phase: null, value: 35, unit: 'Percent', context: null }, { timestamp: at, measurand: 'Energy.Active.Import.Register', phase: null, value: 3000, unit: 'Wh', context: null }]);
      // Not written yet: the samples are, the row's totals wait for the flush.
      expect(archive.transactionById(t.id)?.energyWh).toBeNull();
      expect(archive.samplesOfTransaction(t.id)).toHaveLength(4);
      await service.flushSummaries();
      expect(archive.transactionById(t.id)).toMatchObject({ socStart: 20, socEnd: 35, energyWh: 3000 });
    } finally {
      await service.close();
      archive.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
