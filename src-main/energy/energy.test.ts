// The energy aggregates on a real SQLite archive file with known samples: register deltas per
// calendar bucket (a reading exactly on a boundary, the reading before the range, a meter that
// goes down, local-time days), sessions per bucket, roll-up to groups and sites, summed power
// steps, trend downsampling (min/mean/max, raw when small), empty ranges and refused requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api/index.ts';
import type { MeterSample } from '../../src-shared/domain/index.ts';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { SqliteArchive } from '../archive/index.ts';
import { EnergyService, bucketOf, bucketsBetween, holdForward, stepFor } from './index.ts';
import { constantOffsetParts } from './calendar.ts';

const PROJECT: ProjectFile = {
  formatVersion: 1,
  name: 'Energy test',
  sites: [
    {
      id: 'north',
      name: 'North site',
      groups: [
        { id: 'ac', name: 'AC feeder', maxPowerW: 100_000 },
        { id: 'ac-sub', name: 'AC sub-feeder', maxPowerW: 40_000, parent: 'ac' },
        { id: 'dc', name: 'DC feeder', maxPowerW: 300_000 },
      ],
      stations: [
        { id: 'A1', group: 'ac', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_000, connectors: 2, park: 'p1' },
        { id: 'A2', group: 'ac-sub', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_000, connectors: 1, park: 'p1' },
        { id: 'D1', group: 'dc', protocol: 'ocpp2.0.1', kind: 'DC', maxPowerW: 150_000, connectors: 1, park: 'p2' },
      ],
    },
    {
      id: 'south',
      name: 'South site',
      groups: [{ id: 's-feeder', name: 'South feeder', maxPowerW: 50_000 }],
      stations: [{ id: 'S1', group: 's-feeder', protocol: 'ocpp2.0.1', kind: 'AC', maxPowerW: 11_000, connectors: 1 }],
    },
  ],
};

let dir: string;
let archive: SqliteArchive;
let service: EnergyService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evs-energy-'));
  archive = new SqliteArchive(join(dir, 'archive.sqlite'));
  const known = new Set(['A1', 'A2', 'D1', 'S1', 'ROGUE']);
  service = new EnergyService({ queries: archive.energy, project: PROJECT, stationExists: (id) => known.has(id) });
});

afterEach(() => {
  archive.close();
  rmSync(dir, { recursive: true, force: true });
});

function sample(stationId: string, timestamp: string, measurand: string, value: number, extra: Partial<MeterSample> = {}): MeterSample {
  return { stationId, evseId: 1, connectorId: 1, transactionId: null, timestamp, measurand, phase: null, value, unit: 'Wh', context: 'Sample.Periodic', ...extra };
}

const register = (stationId: string, timestamp: string, wh: number, extra: Partial<MeterSample> = {}) => sample(stationId, timestamp, 'Energy.Active.Import.Register', wh, extra);
const power = (stationId: string, timestamp: string, w: number, extra: Partial<MeterSample> = {}) => sample(stationId, timestamp, 'Power.Active.Import', w, { unit: 'W', ...extra });

async function session(stationId: string, startedAt: string, n: number): Promise<void> {
  await archive.insertTransaction({
    stationId,
    ocppTransactionId: `${stationId}-${n}`,
    startKey: `${stationId}-${n}`,
    evseId: 1,
    connectorId: 1,
    idTag: 'TAG',
    startedAt,
    meterStartWh: 0,
    socStart: null,
    receivedAt: startedAt,
  });
}

describe('energy per bucket (register deltas)', () => {
  it('counts the delta from the reading before the range, puts a reading exactly on midnight in the new day and leaves out the reading at "to"', async () => {
    await archive.insertSamples([
      register('A1', '2026-03-01T22:00:00.000Z', 900), // before the range: the base of the first delta
      register('A1', '2026-03-02T23:00:00.000Z', 1_000), // +100 on the 2nd
      register('A1', '2026-03-03T00:00:00.000Z', 1_500), // exactly on the boundary: +500 on the 3rd
      register('A1', '2026-03-03T12:00:00.000Z', 2_000), // +500 on the 3rd
      register('A1', '2026-03-04T00:00:00.000Z', 2_700), // at "to": outside
    ]);
    const summary = service.summary({ from: '2026-03-02T00:00:00Z', to: '2026-03-04T00:00:00Z', bucket: 'day', groupBy: 'station' });
    expect(summary.buckets).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z']);
    expect(summary.cells).toEqual([
      { key: 'A1', bucket: '2026-03-02T00:00:00.000Z', energyWh: 100, sessions: 0 },
      { key: 'A1', bucket: '2026-03-03T00:00:00.000Z', energyWh: 1_000, sessions: 0 },
    ]);
    expect(summary.energyWh).toBe(1_100);
  });

  it('starts days at local midnight with the operator offset', async () => {
    await archive.insertSamples([
      register('A1', '2026-03-02T10:00:00.000Z', 0),
      register('A1', '2026-03-02T22:30:00.000Z', 400), // 23:30 in UTC+1: still the 2nd
      register('A1', '2026-03-02T23:00:00.000Z', 1_000), // 00:00 in UTC+1: the 3rd
    ]);
    const summary = service.summary({ from: '2026-03-01T23:00:00Z', to: '2026-03-03T23:00:00Z', bucket: 'day', groupBy: 'station', tzOffsetMinutes: 60 });
    expect(summary.buckets).toEqual(['2026-03-01T23:00:00.000Z', '2026-03-02T23:00:00.000Z']);
    expect(summary.cells.map((c) => [c.bucket, c.energyWh])).toEqual([
      ['2026-03-01T23:00:00.000Z', 400],
      ['2026-03-02T23:00:00.000Z', 600],
    ]);
  });

  it('keeps connectors apart and adds nothing when a register goes down (meter replaced)', async () => {
    await archive.insertSamples([
      register('A1', '2026-03-02T10:00:00.000Z', 5_000, { evseId: 1, connectorId: 1 }),
      register('A1', '2026-03-02T10:00:00.000Z', 70_000, { evseId: 2, connectorId: 2 }),
      register('A1', '2026-03-02T11:00:00.000Z', 5_300, { evseId: 1, connectorId: 1 }),
      register('A1', '2026-03-02T11:00:00.000Z', 70_200, { evseId: 2, connectorId: 2 }),
      register('A1', '2026-03-02T12:00:00.000Z', 10, { evseId: 1, connectorId: 1 }), // reset
      register('A1', '2026-03-02T13:00:00.000Z', 60, { evseId: 1, connectorId: 1 }),
    ]);
    const summary = service.summary({ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z', bucket: 'hour', groupBy: 'station' });
    expect(summary.buckets).toHaveLength(24);
    // The hour of the reset adds nothing (and shows no cell).
    expect(summary.cells.map((c) => [c.bucket.slice(11, 13), c.energyWh])).toEqual([
      ['11', 500],
      ['13', 50],
    ]);
  });

  it('rolls stations up to their groups and sites, and counts sessions per bucket', async () => {
    await archive.insertSamples([
      register('A1', '2026-03-02T08:00:00.000Z', 0),
      register('A1', '2026-03-02T09:00:00.000Z', 1_000),
      register('A2', '2026-03-02T08:00:00.000Z', 0),
      register('A2', '2026-03-02T09:00:00.000Z', 2_000),
      register('D1', '2026-03-02T08:00:00.000Z', 0),
      register('D1', '2026-03-09T09:00:00.000Z', 30_000), // next Monday: next week
      register('S1', '2026-03-02T08:00:00.000Z', 0),
      register('S1', '2026-03-02T09:00:00.000Z', 7_000),
    ]);
    await session('A1', '2026-03-02T07:59:00.000Z', 1);
    await session('A2', '2026-03-02T08:00:00.000Z', 1);
    await session('D1', '2026-03-08T23:59:59.999Z', 1); // Sunday: still the first week
    const query = { from: '2026-03-02T00:00:00Z', to: '2026-03-16T00:00:00Z', bucket: 'week' as const };
    const bySite = service.summary({ ...query, groupBy: 'site' });
    expect(bySite.buckets).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
    expect(bySite.totals).toEqual([
      { key: 'north', name: 'North site', energyWh: 33_000, sessions: 3 },
      { key: 'south', name: 'South site', energyWh: 7_000, sessions: 0 },
    ]);
    expect(bySite.cells).toEqual([
      { key: 'north', bucket: '2026-03-02T00:00:00.000Z', energyWh: 3_000, sessions: 3 },
      { key: 'south', bucket: '2026-03-02T00:00:00.000Z', energyWh: 7_000, sessions: 0 },
      { key: 'north', bucket: '2026-03-09T00:00:00.000Z', energyWh: 30_000, sessions: 0 },
    ]);
    const byGroup = service.summary({ ...query, groupBy: 'group', siteId: 'north' });
    expect(byGroup.totals).toEqual([
      { key: 'dc', name: 'DC feeder', energyWh: 30_000, sessions: 1 },
      { key: 'ac-sub', name: 'AC sub-feeder', energyWh: 2_000, sessions: 1 },
      { key: 'ac', name: 'AC feeder', energyWh: 1_000, sessions: 1 },
    ]);
    expect(byGroup.energyWh).toBe(33_000);
    const monthly = service.summary({ from: '2026-02-15T00:00:00Z', to: '2026-04-01T00:00:00Z', bucket: 'month', groupBy: 'site', siteId: 'south' });
    expect(monthly.buckets).toEqual(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
    expect(monthly.cells).toEqual([{ key: 'south', bucket: '2026-03-01T00:00:00.000Z', energyWh: 7_000, sessions: 0 }]);
  });

  it('puts stations outside the project under the unassigned key', async () => {
    await archive.insertSamples([register('ROGUE', '2026-03-02T08:00:00.000Z', 0), register('ROGUE', '2026-03-02T08:30:00.000Z', 250)]);
    const summary = service.summary({ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z', bucket: 'day', groupBy: 'site' });
    expect(summary.totals[0]).toEqual({ key: '', name: '', energyWh: 250, sessions: 0 });
    // A site filter leaves them out.
    expect(service.summary({ from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z', bucket: 'day', groupBy: 'site', siteId: 'north' }).energyWh).toBe(0);
  });

  it('answers an empty range with every bucket, declared keys at zero and no cells', () => {
    const summary = service.summary({ from: '2026-03-02T00:00:00Z', to: '2026-03-02T03:00:00Z', bucket: 'hour', groupBy: 'group', siteId: 'south' });
    expect(summary.buckets).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-02T01:00:00.000Z', '2026-03-02T02:00:00.000Z']);
    expect(summary.cells).toEqual([]);
    expect(summary.totals).toEqual([{ key: 's-feeder', name: 'South feeder', energyWh: 0, sessions: 0 }]);
    expect(summary.energyWh).toBe(0);
  });
});

describe('daylight saving', () => {
  it('starts each local day at its own midnight across the spring change (Europe/Paris), where a fixed offset would not', async () => {
    await archive.insertSamples([
      register('A1', '2026-03-28T22:00:00.000Z', 0), // the 28th, 23:00 local
      register('A1', '2026-03-29T12:00:00.000Z', 100), // the 29th
      register('A1', '2026-03-29T22:30:00.000Z', 300), // the 30th, 00:30 local (summer time)
      register('A1', '2026-03-30T12:00:00.000Z', 600), // the 30th
    ]);
    const query = { from: '2026-03-27T23:00:00Z', to: '2026-03-30T22:00:00Z', bucket: 'day' as const, groupBy: 'station' as const };
    const zoned = service.summary({ ...query, timeZone: 'Europe/Paris' });
    expect(zoned.buckets).toEqual(['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    expect(zoned.cells.map((c) => [c.bucket, c.energyWh])).toEqual([
      ['2026-03-28T23:00:00.000Z', 100],
      ['2026-03-29T22:00:00.000Z', 500],
    ]);
    const fixed = service.summary({ ...query, tzOffsetMinutes: 60 });
    expect(fixed.cells.map((c) => c.energyWh)).toEqual([300, 300]);
  });

  it('keeps the repeated autumn hour as two hours', async () => {
    await archive.insertSamples([
      register('A1', '2026-10-24T23:50:00.000Z', 0),
      register('A1', '2026-10-25T00:30:00.000Z', 10), // 02:30 summer time
      register('A1', '2026-10-25T01:30:00.000Z', 30), // 02:30 winter time
    ]);
    const summary = service.summary({ from: '2026-10-25T00:00:00Z', to: '2026-10-25T02:00:00Z', bucket: 'hour', groupBy: 'station', timeZone: 'Europe/Paris' });
    expect(summary.buckets).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z']);
    expect(summary.cells.map((c) => [c.bucket, c.energyWh])).toEqual([
      ['2026-10-25T00:00:00.000Z', 10],
      ['2026-10-25T01:00:00.000Z', 20],
    ]);
  });

  it('finds the change to the minute and refuses an unknown zone', () => {
    expect(constantOffsetParts('2026-03-28T00:00:00.000Z', '2026-03-30T00:00:00.000Z', 'Europe/Paris')).toEqual([
      { from: '2026-03-28T00:00:00.000Z', to: '2026-03-29T01:00:00.000Z', offset: 60 },
      { from: '2026-03-29T01:00:00.000Z', to: '2026-03-30T00:00:00.000Z', offset: 120 },
    ]);
    expect(constantOffsetParts('2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z', 'Asia/Kolkata')).toEqual([{ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z', offset: 330 }]);
    expect(() => service.summary({ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', bucket: 'day', groupBy: 'site', timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone/);
  });
});

describe('power series', () => {
  it('averages each connector per step and sums connectors; the peak and the site limit come along', async () => {
    await archive.insertSamples([
      power('A1', '2026-03-02T10:00:00.000Z', 1_000, { evseId: 1, connectorId: 1 }),
      power('A1', '2026-03-02T10:00:30.000Z', 3_000, { evseId: 1, connectorId: 1 }), // mean 2,000
      power('A1', '2026-03-02T10:00:10.000Z', 5_000, { evseId: 2, connectorId: 2 }), // + 5,000
      power('A2', '2026-03-02T10:01:00.000Z', 4_000), // on the boundary of the second minute
      power('S1', '2026-03-02T10:00:00.000Z', 9_999), // other site
      power('A1', '2026-03-02T10:05:00.000Z', 8_000), // at "to": outside
    ]);
    // 300 s steps, longer than the hold: the readings in each step are averaged, nothing held.
    const coarse = service.powerSeries({ from: '2026-03-02T10:00:00Z', to: '2026-03-02T10:05:00Z', siteId: 'north', maxPoints: 2 });
    expect(coarse.stepS).toBe(300);
    expect(coarse.points).toEqual([{ t: '2026-03-02T10:00:00.000Z', w: 11_000 }]);
    expect(coarse.limitW).toBe(400_000); // AC feeder + DC feeder (the sub-feeder is inside AC)

    // 60 s steps: a connector's last reading stands for it for 120 s, so steps between readings do not drop.
    const fine = service.powerSeries({ from: '2026-03-02T10:00:00Z', to: '2026-03-02T10:05:00Z', siteId: 'north', maxPoints: 5 });
    expect(fine.stepS).toBe(60);
    expect(fine.points).toEqual([
      { t: '2026-03-02T10:00:00.000Z', w: 7_000 },
      { t: '2026-03-02T10:01:00.000Z', w: 11_000 },
      { t: '2026-03-02T10:02:00.000Z', w: 11_000 },
      { t: '2026-03-02T10:03:00.000Z', w: 4_000 },
    ]);
    expect(fine.peak).toEqual({ t: '2026-03-02T10:01:00.000Z', w: 11_000 });
    const station = service.powerSeries({ from: '2026-03-02T10:00:00Z', to: '2026-03-02T10:05:00Z', stationId: 'S1', maxPoints: 2 });
    expect(station.points.map((p) => p.w)).toEqual([9_999]);
    expect(station.limitW).toBe(11_000);
  });

  it('holds nothing past the end of the range', () => {
    expect(holdForward([{ step: 3, connector: 'a', w: 5 }], 10, 4)).toEqual([
      { step: 3, w: 5 },
      { step: 4, w: 5 },
    ]);
  });

  it('answers an empty range with no points and no peak', () => {
    const series = service.powerSeries({ from: '2026-03-02T10:00:00Z', to: '2026-03-02T11:00:00Z' });
    expect(series.points).toEqual([]);
    expect(series.peak).toBeNull();
    expect(series.limitW).toBe(450_000);
  });
});

describe('meter trend', () => {
  it('returns raw samples when they fit, and min/mean/max per step when they do not', async () => {
    const samples: MeterSample[] = [];
    const start = Date.parse('2026-03-02T00:00:00.000Z');
    for (let i = 0; i < 3_000; i++) {
      const at = new Date(start + i * 10_000).toISOString();
      samples.push(sample('A1', at, 'Current.Import', i % 100, { phase: 'L2', unit: 'A' }));
      samples.push(sample('A1', at, 'Current.Import', 1, { phase: 'L1', unit: 'A' }));
    }
    await archive.insertSamples(samples);
    const to = new Date(start + 30_000_000).toISOString();
    const down = service.meterTrend({ stationId: 'A1', quantity: 'currentL2', from: '2026-03-02T00:00:00Z', to, maxPoints: 100 });
    expect(down.unit).toBe('A');
    expect(down.stepS).toBe(stepFor('2026-03-02T00:00:00Z', to, 100));
    expect(down.series).toHaveLength(1);
    const points = down.series[0]?.points ?? [];
    expect(points.length).toBeLessThanOrEqual(100);
    expect(points.reduce((n, p) => n + p.n, 0)).toBe(3_000);
    // 300 s steps hold 30 samples: values i % 100 over 30 consecutive i.
    expect(down.stepS).toBe(300);
    expect(points[0]).toEqual({ t: '2026-03-02T00:00:00.000Z', avg: 14.5, min: 0, max: 29, n: 30 });
    expect(points[3]).toEqual({ t: '2026-03-02T00:15:00.000Z', avg: (945 + 190) / 30, min: 0, max: 99, n: 30 });
    const raw = service.meterTrend({ stationId: 'A1', quantity: 'currentL2', from: '2026-03-02T00:00:00Z', to: '2026-03-02T00:01:00Z', maxPoints: 100 });
    expect(raw.stepS).toBe(0);
    expect(raw.series[0]?.points.map((p) => p.avg)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('answers an empty range with no series', () => {
    const trend = service.meterTrend({ stationId: 'D1', quantity: 'soc', from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' });
    expect(trend).toMatchObject({ unit: '%', stepS: 0, series: [] });
  });
});

describe('refused requests', () => {
  const refusal = (work: () => unknown) => {
    try {
      work();
    } catch (error) {
      return error instanceof ApiError ? { code: error.code, message: error.message } : { code: 'other', message: String(error) };
    }
    return null;
  };

  it('names the problem: reversed or unparsable range, unknown site or station, too many buckets', () => {
    expect(refusal(() => service.summary({ from: '2026-03-03T00:00:00Z', to: '2026-03-02T00:00:00Z', bucket: 'day', groupBy: 'site' }))).toMatchObject({ code: 'BadRequest', message: expect.stringContaining('must be before') });
    expect(refusal(() => service.powerSeries({ from: 'yesterday', to: '2026-03-02T00:00:00Z' }))).toMatchObject({ code: 'BadRequest', message: expect.stringContaining('yesterday') });
    expect(refusal(() => service.summary({ from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', bucket: 'day', groupBy: 'site', siteId: 'west' }))).toMatchObject({ code: 'NotFound', message: expect.stringContaining('north, south') });
    expect(refusal(() => service.meterTrend({ stationId: 'NOPE', quantity: 'power', from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }))).toMatchObject({ code: 'NotFound' });
    expect(refusal(() => service.summary({ from: '2026-01-01T00:00:00Z', to: '2026-12-31T00:00:00Z', bucket: 'hour', groupBy: 'site' }))).toMatchObject({ code: 'BadRequest', message: expect.stringContaining('larger bucket') });
  });
});

describe('sites', () => {
  it('lists each site with its stations, parks, groups and the limit of its top-level groups', () => {
    const [north, south] = service.listSites();
    expect(north).toEqual({
      id: 'north',
      name: 'North site',
      maxPowerW: 400_000,
      stationIds: ['A1', 'A2', 'D1'],
      parks: [
        { id: 'p1', stationIds: ['A1', 'A2'] },
        { id: 'p2', stationIds: ['D1'] },
      ],
      groups: [
        { id: 'ac', name: 'AC feeder', parentId: null, maxPowerW: 100_000, stationIds: ['A1'] },
        { id: 'ac-sub', name: 'AC sub-feeder', parentId: 'ac', maxPowerW: 40_000, stationIds: ['A2'] },
        { id: 'dc', name: 'DC feeder', parentId: null, maxPowerW: 300_000, stationIds: ['D1'] },
      ],
    });
    expect(south?.parks).toEqual([]);
  });
});

describe('calendar', () => {
  it('labels buckets as SQLite does, for any instant, bucket and offset', () => {
    const db = (archive as unknown as { db: import('better-sqlite3').Database }).db;
    const expressions = {
      hour: "strftime('%Y-%m-%dT%H:00:00', ?, ?)",
      day: "strftime('%Y-%m-%dT00:00:00', ?, ?)",
      week: "strftime('%Y-%m-%dT00:00:00', ?, ?, '-6 days', 'weekday 1')",
      month: "strftime('%Y-%m-01T00:00:00', ?, ?)",
    } as const;
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2060-01-01T00:00:00Z') }),
        fc.constantFrom('hour', 'day', 'week', 'month'),
        fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15),
        (ms, bucket, tz) => {
          const iso = new Date(ms).toISOString();
          const shift = `${tz >= 0 ? '+' : '-'}${Math.abs(tz)} minutes`;
          const sql = (db.prepare(`SELECT ${expressions[bucket]} AS label`).get(iso, shift) as { label: string }).label;
          expect(bucketOf(iso, bucket, tz).label).toBe(sql);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('lists the buckets meeting a range, partial first and last included', () => {
    expect(bucketsBetween('2026-03-02T10:30:00Z', '2026-03-02T12:00:00Z', 'hour', 0, 10)?.map((b) => b.start)).toEqual(['2026-03-02T10:00:00.000Z', '2026-03-02T11:00:00.000Z']);
    expect(bucketsBetween('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 'hour', 0, 10)).toBeNull();
  });
});
