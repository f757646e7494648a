// The 5-minute and hourly roll-ups on real SQLite files: whatever order readings arrive in
// (late ones, duplicates, a register that goes down), energy read through the roll-ups equals
// the register deltas computed from the raw samples, for aligned and ragged ranges and local
// offsets; an archive filled before migration 4 gets its roll-ups from the migration; long
// power ranges read the roll-ups in whole steps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MeterSample } from '../../src-shared/domain/index.ts';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { SqliteArchive } from '../archive/index.ts';
import { MIGRATIONS } from '../archive/migrations.ts';
import { EnergyService, planPieces } from './index.ts';

const PROJECT: ProjectFile = {
  formatVersion: 1,
  name: 'Roll-up test',
  sites: [
    {
      id: 'site',
      name: 'Site',
      groups: [{ id: 'g', name: 'G', maxPowerW: 100_000 }],
      stations: [
        { id: 'A', group: 'g', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_000, connectors: 2 },
        { id: 'B', group: 'g', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_000, connectors: 1 },
      ],
    },
  ],
};

const T0 = Date.parse('2026-03-02T00:00:00.000Z');
let dir: string;
let n = 0;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evs-rollup-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function register(stationId: string, evseId: number, ms: number, wh: number): MeterSample {
  return { stationId, evseId, connectorId: evseId, transactionId: null, timestamp: new Date(ms).toISOString(), measurand: 'Energy.Active.Import.Register', phase: null, value: wh, unit: 'Wh', context: 'Sample.Periodic' };
}

/** Energy per station and local bucket label from the raw samples alone (the reference). */
function rawReference(archive: SqliteArchive, from: string, to: string, bucket: 'hour' | 'day', tz: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of archive.energy.energyByStation({ from, to, bucket, tzOffsetMinutes: tz, stationIds: null })) if (r.value !== 0) out[`${r.stationId} ${r.label}`] = r.value;
  return out;
}

describe('roll-ups', () => {
  it('read the same energy as the raw samples, whatever the arrival order and the range', async () => {
    const reading = fc.record({
      station: fc.constantFrom('A', 'B'),
      evse: fc.constantFrom(1, 2),
      // Within 30 hours, on whole seconds, sometimes on slot boundaries.
      at: fc.oneof(fc.integer({ min: 0, max: 30 * 3600 }), fc.integer({ min: 0, max: 360 }).map((k) => k * 300)),
      wh: fc.integer({ min: 0, max: 100_000 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(reading, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 30 * 3600 }),
        fc.integer({ min: 1, max: 30 * 3600 }),
        fc.constantFrom(0, 60, -300, 330),
        fc.constantFrom('hour' as const, 'day' as const),
        async (batches, start, length, tz, bucket) => {
          const archive = new SqliteArchive(join(dir, `p${n++}.sqlite`));
          try {
            for (const batch of batches) await archive.insertSamples(batch.map((r) => register(r.station, r.station === 'B' ? 1 : r.evse, T0 + r.at * 1000, r.wh)));
            const service = new EnergyService({ queries: archive.energy, project: PROJECT, stationExists: () => true });
            const from = new Date(T0 + start * 1000).toISOString();
            const to = new Date(T0 + Math.min(start + length, 31 * 3600) * 1000 + 1000).toISOString();
            const summary = service.summary({ from, to, bucket, groupBy: 'station', tzOffsetMinutes: tz });
            const expected = rawReference(archive, from, to, bucket, tz);
            const got: Record<string, number> = {};
            for (const c of summary.cells) if (c.energyWh !== 0) got[`${c.key} ${new Date(Date.parse(c.bucket) + tz * 60_000).toISOString().slice(0, 19)}`] = c.energyWh;
            expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
            for (const [key, value] of Object.entries(expected)) expect(got[key]).toBeCloseTo(value, 6);
          } finally {
            archive.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('are filled by migration 4 from samples archived before it', async () => {
    const file = join(dir, 'old.sqlite');
    const db = new Database(file);
    for (const sql of MIGRATIONS.slice(0, 3)) db.exec(sql);
    db.pragma('user_version = 3');
    const insert = db.prepare(
      "INSERT INTO meter_samples (station_id, evse_id, connector_id, transaction_id, ts, measurand, phase, value, unit, context) VALUES (?, 1, 1, NULL, ?, ?, NULL, ?, 'Wh', NULL)",
    );
    const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
    insert.run('A', at(0), 'Energy.Active.Import.Register', 1_000);
    insert.run('A', at(50), 'Energy.Active.Import.Register', 1_600);
    insert.run('A', at(70), 'Energy.Active.Import.Register', 2_000);
    insert.run('A', at(71), 'Energy.Active.Import.Register', 10); // meter replaced
    insert.run('A', at(130), 'Energy.Active.Import.Register', 510);
    insert.run('A', at(1), 'Power.Active.Import', 6_000);
    insert.run('A', at(2), 'Power.Active.Import', 8_000);
    db.close();

    const archive = new SqliteArchive(file);
    try {
      expect(archive.schemaVersion()).toBe(MIGRATIONS.length);
      const service = new EnergyService({ queries: archive.energy, project: PROJECT, stationExists: () => true });
      const summary = service.summary({ from: at(0), to: at(180), bucket: 'hour', groupBy: 'station' });
      expect(summary.cells.map((c) => [c.bucket, c.energyWh])).toEqual([
        [at(0), 600],
        [at(60), 400],
        [at(120), 500],
      ]);
      // A reading arriving now, late, between two migrated ones, corrects the roll-up.
      await archive.insertSamples([register('A', 1, T0 + 60 * 60_000, 1_900)]);
      const again = service.summary({ from: at(0), to: at(180), bucket: 'hour', groupBy: 'station' });
      expect(again.cells.map((c) => c.energyWh)).toEqual([600, 400, 500]);
      expect(rawReference(archive, at(0), at(180), 'hour', 0)).toEqual({ 'A 2026-03-02T00:00:00': 600, 'A 2026-03-02T01:00:00': 400, 'A 2026-03-02T02:00:00': 500 });
      const power = service.powerSeries({ from: at(0), to: at(600), maxPoints: 10 });
      expect(power.stepS).toBe(3600);
      expect(power.points).toEqual([{ t: at(0), w: 7_000 }]);
    } finally {
      archive.close();
    }
  });

  it('forget a reading whose write was rolled back', async () => {
    const archive = new SqliteArchive(join(dir, 'rollback.sqlite'));
    try {
      await archive.insertSamples([register('A', 1, T0, 0)]);
      const broken = { ...register('A', 1, T0 + 120_000, 0), measurand: 'Voltage', value: null } as unknown as MeterSample;
      // The first reading of this write is taken back with the broken one.
      await expect(archive.insertSamples([register('A', 1, T0 + 60_000, 100), broken])).rejects.toThrow();
      await archive.insertSamples([register('A', 1, T0 + 180_000, 300)]);
      const service = new EnergyService({ queries: archive.energy, project: PROJECT, stationExists: () => true });
      const summary = service.summary({ from: new Date(T0).toISOString(), to: new Date(T0 + 3_600_000).toISOString(), bucket: 'hour', groupBy: 'station' });
      expect(summary.energyWh).toBe(300);
      expect(rawReference(archive, new Date(T0).toISOString(), new Date(T0 + 3_600_000).toISOString(), 'hour', 0)).toEqual({ 'A 2026-03-02T00:00:00': 300 });
    } finally {
      archive.close();
    }
  });

  it('cut a range into raw ends, 5-minute slots and whole hours', () => {
    expect(planPieces('2026-03-02T00:02:00.000Z', '2026-03-02T03:07:30.000Z', 0)).toEqual([
      { from: '2026-03-02T00:02:00.000Z', to: '2026-03-02T00:05:00.000Z', source: 'raw' },
      { from: '2026-03-02T00:05:00.000Z', to: '2026-03-02T01:00:00.000Z', source: 300 },
      { from: '2026-03-02T01:00:00.000Z', to: '2026-03-02T03:00:00.000Z', source: 3600 },
      { from: '2026-03-02T03:00:00.000Z', to: '2026-03-02T03:05:00.000Z', source: 300 },
      { from: '2026-03-02T03:05:00.000Z', to: '2026-03-02T03:07:30.000Z', source: 'raw' },
    ]);
    // Half-hour offsets: no hourly slot fits a local hour.
    expect(planPieces('2026-03-02T00:00:00.000Z', '2026-03-02T03:00:00.000Z', 330).map((p) => p.source)).toEqual([300]);
    expect(planPieces('2026-03-02T00:01:00.000Z', '2026-03-02T00:04:00.000Z', 0).map((p) => p.source)).toEqual(['raw']);
  });
});
