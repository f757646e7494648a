// Energy-dashboard queries on a filled archive: N stations sampling their energy register and
// power every 10 s for D days (written straight into the archive file the supervisor uses,
// with its migrations and indexes), then median of 5 runs of each dashboard query. Baseline
// in the same run: a plain COUNT(*) over the same rows (the cost of merely reading them).
// Migration 4 (indexes and roll-ups of the existing samples) is timed too; ingest is archive.bench.ts's.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMetadata } from './meta.ts';
import { SqliteArchive } from '../src-main/archive/index.ts';
import { MIGRATIONS } from '../src-main/archive/migrations.ts';
import { EnergyService } from '../src-main/energy/index.ts';
import type { ProjectFile } from '../src-shared/project/index.ts';

const STATIONS = Number(process.env.BENCH_ENERGY_STATIONS ?? 200);
const DAYS = Number(process.env.BENCH_ENERGY_DAYS ?? 1);
const STEP_S = 10;
const START = Date.parse('2026-03-02T00:00:00.000Z');
const dir = mkdtempSync(join(tmpdir(), 'evs-bench-energy-'));
const file = join(dir, 'archive.sqlite');

const ids = Array.from({ length: STATIONS }, (_, i) => `CP-${String(i).padStart(4, '0')}`);
const project: ProjectFile = {
  formatVersion: 1,
  name: 'bench',
  sites: [0, 1].map((n) => ({
    id: `site-${n}`,
    name: `Site ${n}`,
    groups: [{ id: `g-${n}`, name: `Group ${n}`, maxPowerW: 10_000_000 }],
    stations: ids.filter((_, i) => i % 2 === n).map((id) => ({ id, group: `g-${n}`, protocol: 'ocpp1.6' as const, kind: 'AC' as const, maxPowerW: 22_000, connectors: 1 })),
  })),
};

/** Samples written straight into an archive at schema 3; opening it then runs migration 4 (indexes, roll-ups). */
function fill(): number {
  const db = new Database(file);
  for (const sql of MIGRATIONS.slice(0, 3)) db.exec(sql);
  db.pragma('user_version = 3');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO meter_samples (station_id, evse_id, connector_id, transaction_id, ts, measurand, phase, value, unit, context) VALUES (?, 1, 1, NULL, ?, ?, NULL, ?, ?, 'Sample.Periodic')`,
  );
  const steps = (DAYS * 86_400) / STEP_S;
  let rows = 0;
  for (let k = 0; k < steps; k += 1_000) {
    db.transaction(() => {
      for (let j = k; j < Math.min(steps, k + 1_000); j++) {
        const ts = new Date(START + j * STEP_S * 1000).toISOString();
        for (let s = 0; s < STATIONS; s++) {
          insert.run(ids[s], ts, 'Energy.Active.Import.Register', j * 30 + s, 'Wh');
          insert.run(ids[s], ts, 'Power.Active.Import', 11_000, 'W');
          rows += 2;
        }
      }
    })();
  }
  db.close();
  return rows;
}

function median(run: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[2] ?? 0;
}

const fillStart = Date.now();
const rows = fill();
const fillS = (Date.now() - fillStart) / 1000;
const migrateStart = Date.now();
const archive = new SqliteArchive(file);
const migrationS = (Date.now() - migrateStart) / 1000;
const energy = new EnergyService({ queries: archive.energy, project, stationExists: () => true });
const from = new Date(START).toISOString();
const to = new Date(START + DAYS * 86_400_000).toISOString();
const lastHour = new Date(START + DAYS * 86_400_000 - 3_600_000).toISOString();
const raw = new Database(file, { readonly: true });
const figures = {
  rows,
  fillS,
  migrationS,
  baselineCountAllMs: median(() => raw.prepare('SELECT COUNT(*) FROM meter_samples').get()),
  summaryWholeRangeBySiteMs: median(() => energy.summary({ from, to, bucket: 'day', groupBy: 'site' })),
  summaryWholeRangeOneSiteByStationMs: median(() => energy.summary({ from, to, bucket: 'hour', groupBy: 'station', siteId: 'site-0' })),
  summaryLastHourMs: median(() => energy.summary({ from: lastHour, to, bucket: 'hour', groupBy: 'site' })),
  powerWholeRange500PointsMs: median(() => energy.powerSeries({ from, to, maxPoints: 500 })),
  powerLastHour600PointsMs: median(() => energy.powerSeries({ from: lastHour, to, maxPoints: 600 })),
  trendOneStationWholeRangeMs: median(() => energy.meterTrend({ stationId: ids[0] as string, quantity: 'power', from, to, maxPoints: 1_000 })),
};
raw.close();
archive.close();

// Month scale (the dashboard's target: 1,000 stations, 30 days): the hourly roll-up those
// queries read is written directly (what a month of 10 s readings leaves in it), then the
// month queries run on it.
const monthStations = Number(process.env.BENCH_ENERGY_MONTH_STATIONS ?? 1_000);
const monthFile = join(dir, 'month.sqlite');
new SqliteArchive(monthFile).close();
const monthDb = new Database(monthFile);
monthDb.pragma('synchronous = OFF');
const upsert = monthDb.prepare('INSERT INTO meter_rollup (span, start, station_id, evse_id, connector_id, energy_wh, power_sum, power_n) VALUES (3600, ?, ?, 1, 1, ?, ?, 360)');
const monthIds = Array.from({ length: monthStations }, (_, i) => `CP-${String(i).padStart(4, '0')}`);
monthDb.transaction(() => {
  for (let h = 0; h < 30 * 24; h++) {
    const start = new Date(START + h * 3_600_000).toISOString();
    for (const id of monthIds) upsert.run(start, id, 10_800, 11_000 * 360);
  }
})();
monthDb.close();
const monthArchive = new SqliteArchive(monthFile);
const monthProject: ProjectFile = { ...project, sites: [{ id: 'all', name: 'All', groups: [], stations: monthIds.map((id) => ({ id, group: 'g', protocol: 'ocpp1.6' as const, kind: 'AC' as const, maxPowerW: 22_000, connectors: 1 })) }] };
const monthEnergy = new EnergyService({ queries: monthArchive.energy, project: monthProject, stationExists: () => true });
const monthTo = new Date(START + 30 * 86_400_000).toISOString();
const month = {
  stations: monthStations,
  hourlyRows: monthStations * 720,
  summaryByDayPerSiteMs: median(() => monthEnergy.summary({ from, to: monthTo, bucket: 'day', groupBy: 'site' })),
  summaryByDayPerStationMs: median(() => monthEnergy.summary({ from, to: monthTo, bucket: 'day', groupBy: 'station' })),
  summaryOneSiteByWeekMs: median(() => monthEnergy.summary({ from, to: monthTo, bucket: 'week', groupBy: 'station', siteId: 'all' })),
  power500PointsMs: median(() => monthEnergy.powerSeries({ from, to: monthTo, maxPoints: 500 })),
};
monthArchive.close();
rmSync(dir, { recursive: true, force: true });

const result = { ...runMetadata(), stations: STATIONS, days: DAYS, sampleEveryS: STEP_S, figures, month };
console.log(JSON.stringify(result, null, 2));
mkdirSync(new URL('./results', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/energy.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
