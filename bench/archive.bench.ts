// Archive benchmark: meter-sample ingest through the group-commit path vs a raw
// better-sqlite3 insert loop (the baseline, same machine, same run), and transaction query
// latency on 1,000,000 rows for the common filters.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMetadata } from './meta.ts';
import { SqliteArchive } from '../src-main/archive/index.ts';
import type { MeterSample } from '../src-shared/domain/index.ts';

const ROWS = Number(process.env.BENCH_TX_ROWS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'evs-bench-'));

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function sample(i: number): MeterSample {
  return {
    stationId: `CP-${i % 1000}`,
    evseId: 1,
    connectorId: 1,
    transactionId: null,
    timestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    measurand: 'Energy.Active.Import.Register',
    phase: null,
    value: i,
    unit: 'Wh',
    context: 'Sample.Periodic',
  };
}

async function ingest() {
  // Ours: 1,000 stations each sending one MeterValues of 4 samples per "tick"; each message
  // is its own write awaiting its commit, as the OCPP handlers do.
  const archive = new SqliteArchive(join(dir, 'ours.sqlite'));
  const perMessage = 4;
  let t = process.hrtime.bigint();
  for (let i = 0; i < SAMPLES; i += 1000 * perMessage) {
    const writes: Promise<void>[] = [];
    for (let s = 0; s < 1000; s++) {
      const batch = Array.from({ length: perMessage }, (_, k) => sample(i + s * perMessage + k));
      writes.push(archive.insertSamples(batch));
    }
    await Promise.all(writes);
  }
  const oursMs = ms(t);
  archive.close();

  // Baseline: a raw prepared insert loop in one big transaction (the physical best case).
  const db = new Database(join(dir, 'raw.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE meter_samples (id INTEGER PRIMARY KEY, station_id TEXT, evse_id INTEGER, connector_id INTEGER, transaction_id INTEGER, ts TEXT, measurand TEXT, phase TEXT, value REAL, unit TEXT, context TEXT)');
  db.exec('CREATE INDEX a ON meter_samples (transaction_id, ts); CREATE INDEX b ON meter_samples (station_id, ts);');
  const insert = db.prepare('INSERT INTO meter_samples (station_id, evse_id, connector_id, transaction_id, ts, measurand, phase, value, unit, context) VALUES (@stationId, @evseId, @connectorId, @transactionId, @timestamp, @measurand, @phase, @value, @unit, @context)');
  t = process.hrtime.bigint();
  db.transaction(() => {
    for (let i = 0; i < SAMPLES; i++) insert.run(sample(i));
  })();
  const rawMs = ms(t);
  db.close();
  return {
    samples: SAMPLES,
    oursPerSecond: Math.round(SAMPLES / (oursMs / 1000)),
    rawPerSecond: Math.round(SAMPLES / (rawMs / 1000)),
    ratio: Number((rawMs / oursMs).toFixed(3)),
  };
}

function queries() {
  const file = join(dir, 'tx.sqlite');
  const archive = new SqliteArchive(file);
  archive.close();
  // Fill through a raw connection: the point is query latency, not insert speed.
  const db = new Database(file);
  const insert = db.prepare(
    `INSERT INTO transactions (station_id, ocpp_tx_id, start_key, evse_id, connector_id, id_tag, started_at, stopped_at, meter_start_wh, meter_stop_wh, energy_wh, stop_reason, last_update_at)
     VALUES (?, ?, ?, 1, 1, ?, ?, ?, 0, ?, ?, 'Local', ?)`,
  );
  const t0 = Date.UTC(2025, 0, 1);
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      const start = new Date(t0 + i * 30_000).toISOString();
      const stop = new Date(t0 + i * 30_000 + 3_600_000).toISOString();
      const energy = (i * 7919) % 60_000;
      insert.run(`CP-${i % 2000}`, String(i + 1), `k${i}`, `BADGE-${i % 5000}`, start, i % 100 === 0 ? null : stop, energy, energy, stop);
    }
  })();
  db.close();
  const reopened = new SqliteArchive(file);
  const mid = new Date(t0 + (ROWS / 2) * 30_000);
  const cases: Array<[string, Parameters<SqliteArchive['queryTransactions']>[0]]> = [
    ['newest 100', { limit: 100 }],
    ['one station, newest 100', { stationId: 'CP-42', limit: 100 }],
    ['one badge, newest 100', { idTag: 'BADGE-77', limit: 100 }],
    ['one month, newest 100', { from: mid.toISOString(), to: new Date(mid.getTime() + 30 * 86_400_000).toISOString(), limit: 100 }],
    ['open only', { open: true, limit: 100 }],
    ['sort by energy desc', { sort: 'energyWh', direction: 'desc', limit: 100 }],
    ['station + month, by energy', { stationId: 'CP-42', from: mid.toISOString(), to: new Date(mid.getTime() + 30 * 86_400_000).toISOString(), sort: 'energyWh', limit: 100 }],
    ['page 100 of all', { offset: 10_000, limit: 100 }],
  ];
  const out = cases.map(([name, q]) => {
    const times: number[] = [];
    let total = 0;
    for (let r = 0; r < 7; r++) {
      const t = process.hrtime.bigint();
      total = reopened.queryTransactions(q).total;
      times.push(ms(t));
    }
    times.sort((a, b) => a - b);
    return { query: name, total, medianMs: Number((times[3] as number).toFixed(2)), maxMs: Number((times[6] as number).toFixed(2)) };
  });
  reopened.close();
  return { rows: ROWS, queries: out };
}

const result = {
  ...runMetadata(),
  ingest: await ingest(),
  transactionQueries: queries(),
};
rmSync(dir, { recursive: true, force: true });
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/archive.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(`Archive ingest (${result.ingest.samples} samples): group commit ${result.ingest.oursPerSecond}/s vs raw insert loop ${result.ingest.rawPerSecond}/s -> ratio ${result.ingest.ratio}`);
console.log(`Transaction queries on ${result.transactionQueries.rows} rows:`);
console.table(result.transactionQueries.queries);
