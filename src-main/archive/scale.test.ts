// The transactions listing on a million rows in a real SQLite file: every filter and sort the
// UI offers is answered through an index (EXPLAIN QUERY PLAN), never by scanning and sorting
// the whole table, and the answers are right. No timing is asserted: the plan is what keeps it
// instant, and the plan is what is checked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransactionQuery } from '../../src-shared/api/index.ts';
import { SqliteArchive } from './sqlite.ts';

const ROWS = 1_000_000;
const STATIONS = 200;
const TAGS = 5_000;
const T0 = Date.parse('2020-01-01T00:00:00.000Z');

let dir: string;
let archive: SqliteArchive;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'evs-scale-'));
  const file = join(dir, 'archive.sqlite');
  // The archive creates the schema; a second connection bulk-loads in one transaction.
  new SqliteArchive(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO transactions (id, station_id, ocpp_tx_id, start_key, evse_id, connector_id, id_tag, started_at, stopped_at, energy_wh, last_update_at)
     VALUES (?, ?, ?, ?, 1, 1, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) {
      // One start every 90 s over ~3 years; every 10,000th transaction is still open.
      const started = new Date(T0 + i * 90_000).toISOString();
      const open = i % 10_000 === 0;
      const stopped = open ? null : new Date(T0 + i * 90_000 + 3_600_000).toISOString();
      insert.run(i, `CP${String(i % STATIONS).padStart(4, '0')}`, String(i), `k${i}`, `TAG${i % TAGS}`, started, stopped, open ? null : (i % 97) * 500, stopped ?? started);
    }
  })();
  db.close();
  archive = new SqliteArchive(file);
}, 300_000);

afterAll(() => {
  archive?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Whether a plan reads the transactions table through an index (no full scan, no sort of
 * everything). Sorting by id walks the table in rowid order and stops at the page: that is an
 * index too (the table is its own rowid index), as long as nothing is sorted in a temp b-tree.
 */
function usesIndex(plan: string[]): boolean {
  const reads = plan.filter((d) => /\btransactions\b/.test(d));
  const rowidOrder = (d: string) => d === 'SCAN transactions' && !plan.some((p) => p.includes('TEMP B-TREE'));
  return reads.length > 0 && reads.every((d) => /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(d) || rowidOrder(d));
}

const LISTINGS: Array<[string, TransactionQuery]> = [
  ['newest first, no filter', {}],
  ['oldest first', { sort: 'startedAt', direction: 'asc' }],
  ['by id', { sort: 'id', direction: 'desc' }],
  ['by stop time', { sort: 'stoppedAt' }],
  ['by energy', { sort: 'energyWh', direction: 'desc' }],
  ['one station', { stationId: 'CP0042' }],
  ['one badge', { idTag: 'TAG77' }],
  ['a time window', { from: '2021-06-01T00:00:00Z', to: '2021-06-08T00:00:00Z' }],
  ['one station in a window', { stationId: 'CP0042', from: '2021-06-01T00:00:00Z', to: '2021-07-01T00:00:00Z' }],
  ['open only', { open: true }],
  ['a deep page', { offset: 500_000, limit: 100 }],
];

describe('transactions listing on 1,000,000 rows', () => {
  it.each(LISTINGS)('answers "%s" through an index, for the page and for the total', (_name, query) => {
    const plan = archive.explainTransactionQuery(query);
    expect(usesIndex(plan.select), plan.select.join(' | ')).toBe(true);
    expect(usesIndex(plan.count), plan.count.join(' | ')).toBe(true);
  });

  it('sorts by start time without sorting the table (the index gives the order)', () => {
    for (const q of [{}, { stationId: 'CP0042' }, { idTag: 'TAG77' }, { from: '2021-06-01T00:00:00Z' }] as TransactionQuery[]) {
      const plan = archive.explainTransactionQuery(q);
      expect(plan.select.some((d) => d.includes('TEMP B-TREE')), plan.select.join(' | ')).toBe(false);
    }
  });

  it('returns the right rows and totals', () => {
    const all = archive.queryTransactions({ limit: 3 });
    expect(all.total).toBe(ROWS);
    expect(all.items.map((t) => t.id)).toEqual([ROWS, ROWS - 1, ROWS - 2]);
    const station = archive.queryTransactions({ stationId: 'CP0042', limit: 2, sort: 'startedAt', direction: 'asc' });
    expect(station.total).toBe(ROWS / STATIONS);
    expect(station.items.map((t) => t.id)).toEqual([42, 242]);
    const open = archive.queryTransactions({ open: true, limit: 1000 });
    expect(open.total).toBe(ROWS / 10_000);
    expect(open.items.every((t) => t.stoppedAt === null)).toBe(true);
    expect(archive.countTransactions({ idTag: 'TAG77' })).toBe(ROWS / TAGS);
    const window = archive.queryTransactions({ from: '2021-06-01T00:00:00Z', to: '2021-06-01T01:00:00Z', limit: 100 });
    expect(window.total).toBe(40);
    expect(window.items.every((t) => t.startedAt >= '2021-06-01T00:00:00.000Z' && t.startedAt < '2021-06-01T01:00:00.000Z')).toBe(true);
  });
});
