// The SQLite archive on real temporary files: migrations, group commit (a write resolves
// only once committed), idempotent transactions, savepoint isolation of a failing write,
// server-side filter / sort / paging, badge seeding, the bounded message log and a COMMIT
// that fails for real.
import { fdatasync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransactionQuery } from '../../src-shared/api/index.ts';
import type { Badge, MeterSample, Transaction } from '../../src-shared/domain/index.ts';
import { MIGRATIONS } from './migrations.ts';
import { ArchiveUnavailableError, SqliteArchive, type NewTransaction } from './sqlite.ts';

let dir: string;
let file: string;
const opened: Array<{ close(): void; readonly open?: boolean }> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'evs-archive-'));
  file = join(dir, 'archive.sqlite');
});

afterEach(() => {
  for (const handle of opened.splice(0).reverse()) {
    try {
      handle.close();
    } catch {
      // already closed by the test
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function openArchive(options: ConstructorParameters<typeof SqliteArchive>[1] = {}): SqliteArchive {
  const archive = new SqliteArchive(file, options);
  opened.push(archive);
  return archive;
}

/** A second, independent connection on the same file: sees only what is committed. */
function otherConnection(): Database.Database {
  const db = new Database(file);
  db.pragma('busy_timeout = 100');
  opened.push(db);
  return db;
}

/** A connection on the archive's message-log file (a file of its own). */
function logConnection(archive: SqliteArchive): Database.Database {
  const db = new Database(archive.messageLogFile as string);
  db.pragma('busy_timeout = 100');
  opened.push(db);
  return db;
}

function count(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

const T0 = Date.parse('2024-03-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function newTx(overrides: Partial<NewTransaction> = {}): NewTransaction {
  return {
    stationId: 'S1',
    ocppTransactionId: null,
    startKey: 'key-1',
    evseId: 1,
    connectorId: 1,
    idTag: 'TAG',
    startedAt: at(0),
    meterStartWh: 1000,
    socStart: null,
    receivedAt: at(0),
    ...overrides,
  };
}

const badge = (idTag: string, status: Badge['status'] = 'Accepted', label: string | null = null): Badge => ({
  idTag,
  status,
  expiresAt: null,
  parentIdTag: null,
  label,
  category: null,
});

describe('schema migrations', () => {
  it('creates the whole schema on a new file and records every migration in user_version', () => {
    const archive = openArchive();
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    expect(archive.schemaVersion()).toBe(MIGRATIONS.length);
    const db = otherConnection();
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    for (const t of ['stations', 'connectors', 'status_history', 'transactions', 'meter_samples', 'commands', 'ocpp_log', 'badges']) expect(tables).toContain(t);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('keeps exactly the meter-sample indexes its queries use: each query of one station and quantity runs on (station_id, measurand, ts)', () => {
    openArchive();
    const db = otherConnection();
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'meter_samples' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    expect(indexes).toEqual(['meter_samples_measurand_ts', 'meter_samples_station_measurand_ts']);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ s: 'S1', m: 'Power.Active.Import', from: at(0), to: at(60) }) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    // The station-page power history, the trend and sample counts of one station.
    expect(plan('SELECT evse_id, connector_id, ts, value FROM meter_samples WHERE station_id = @s AND ts >= @from AND ts < @to AND measurand = @m')).toContain(
      'USING INDEX meter_samples_station_measurand_ts (station_id=? AND measurand=? AND ts>? AND ts<?)',
    );
    expect(plan('SELECT COUNT(*) FROM meter_samples WHERE station_id = @s AND measurand = @m AND ts >= @from AND ts < @to AND phase IS NULL')).toContain('meter_samples_station_measurand_ts');
  });

  it('finds a transaction’s samples without an index on transaction_id: only its own, a day either side of its times, through the station index', async () => {
    const archive = openArchive();
    const { transaction: tx } = await archive.insertTransaction(newTx({ startedAt: at(0) }));
    const { transaction: other } = await archive.insertTransaction(newTx({ startKey: 'other', evseId: 2, connectorId: 1, startedAt: at(0) }));
    const sample = (transactionId: number | null, minutes: number, measurand: string, value: number) => ({ stationId: 'S1', evseId: 1, connectorId: 1, transactionId, timestamp: at(minutes), measurand, phase: null, value, unit: 'Wh', context: null });
    await archive.insertSamples([
      sample(tx.id, -120, 'Energy.Active.Import.Register', 1), // station clock a little behind
      sample(tx.id, 10, 'Power.Active.Import', 2),
      sample(tx.id, 20, 'SoC', 3),
      sample(other.id, 15, 'Energy.Active.Import.Register', 4),
      sample(null, 16, 'Energy.Active.Import.Register', 5),
      { ...sample(tx.id, 30, 'Energy.Active.Import.Register', 6), stationId: 'S2' },
    ]);
    await archive.stopTransaction(tx.id, { stoppedAt: at(60), meterStopWh: 2000, stopReason: 'Local', energyWh: 1000, socEnd: null }, at(60));
    expect(archive.samplesOfTransaction(tx.id).map((x) => x.value)).toEqual([1, 2, 3]);
    expect(archive.samplesOfTransaction(other.id).map((x) => x.value)).toEqual([4]);
    expect(archive.samplesOfTransaction(999)).toEqual([]);
    const db = otherConnection();
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${(archive as unknown as { stmt: { samplesOfTx: { source: string } } }).stmt.samplesOfTx.source}`).all({ id: tx.id }) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    expect(plan).toContain('meter_samples_station_measurand_ts (station_id=? AND measurand=? AND ts>? AND ts<?)');
    expect(plan).not.toContain('SCAN meter_samples');
  });

  it('reopening a file keeps its data and runs no migration again (the schema is untouched)', async () => {
    const first = new SqliteArchive(file);
    await first.saveBadge(badge('KEEP', 'Blocked', 'kept'));
    await first.insertTransaction(newTx());
    first.close();

    const probe = new Database(file);
    const schemaCookie = probe.pragma('schema_version', { simple: true });
    probe.close();

    const second = openArchive();
    expect(second.schemaVersion()).toBe(MIGRATIONS.length);
    expect(second.badge('KEEP')).toEqual(badge('KEEP', 'Blocked', 'kept'));
    expect(second.queryTransactions({}).total).toBe(1);
    // Any DDL (a migration run again) would bump the schema cookie.
    const db = otherConnection();
    expect(db.pragma('schema_version', { simple: true })).toBe(schemaCookie);
  });
});

describe('group commit', () => {
  it("resolves a write only after its batch is committed: another connection sees the row once the promise resolves, not before", async () => {
    const archive = openArchive();
    const db = otherConnection();
    const written = archive.saveBadge(badge('COMMITTED'));
    // Executed at once in the open batch, but not committed yet.
    expect(archive.badge('COMMITTED')).not.toBeNull();
    expect(db.prepare('SELECT * FROM badges WHERE id_tag = ?').get('COMMITTED')).toBeUndefined();
    await written;
    expect(db.prepare('SELECT status FROM badges WHERE id_tag = ?').get('COMMITTED')).toEqual({ status: 'Accepted' });
  });

  it('commits the writes of one event-loop turn together and resolves each with its own value', async () => {
    const archive = openArchive();
    const db = otherConnection();
    const writes = [archive.insertTransaction(newTx({ startKey: 'a' })), archive.insertTransaction(newTx({ startKey: 'b' })), archive.saveBadge(badge('X'))];
    expect(count(db, 'transactions')).toBe(0);
    const [a, b, x] = await Promise.all(writes);
    expect(count(db, 'transactions')).toBe(2);
    expect((a as { transaction: Transaction }).transaction.id).not.toBe((b as { transaction: Transaction }).transaction.id);
    expect(x).toEqual(badge('X'));
  });

  it('a write whose function throws rejects only its caller, rolls back its own partial work, and the other writes of the batch commit', async () => {
    const archive = openArchive();
    const db = otherConnection();
    const before = archive.saveBadge(badge('BEFORE'));
    // recordStatus upserts the connector, then fails on the history row (station_time NOT NULL):
    // the connector row it already wrote must be rolled back with it.
    const partial = archive.recordStatus(
      { stationId: 'S1', evseId: 1, connectorId: 1, status: 'Charging', errorCode: null, updatedAt: at(0) },
      null as unknown as string,
      at(0),
    );
    // A duplicate (station, OCPP transaction id) violates a unique index.
    const first = archive.insertTransaction(newTx({ startKey: 'k1', ocppTransactionId: 'TX-1' }));
    const duplicate = archive.insertTransaction(newTx({ startKey: 'k2', ocppTransactionId: 'TX-1' }));
    const thrown = archive.write(() => {
      throw new Error('boom');
    });
    const after = archive.saveBadge(badge('AFTER'));

    const results = await Promise.allSettled([before, partial, first, duplicate, thrown, after]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const reasons = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
    expect(reasons[0]?.message).toMatch(/NOT NULL/);
    expect(reasons[1]?.message).toMatch(/UNIQUE/);
    expect(reasons[2]?.message).toBe('boom');
    for (const reason of reasons) expect(reason).not.toBeInstanceOf(ArchiveUnavailableError);

    expect(db.prepare('SELECT id_tag FROM badges ORDER BY id_tag').all()).toEqual([{ id_tag: 'AFTER' }, { id_tag: 'BEFORE' }]);
    expect(count(db, 'connectors')).toBe(0);
    expect(count(db, 'status_history')).toBe(0);
    expect(db.prepare('SELECT start_key, ocpp_tx_id FROM transactions').all()).toEqual([{ start_key: 'k1', ocpp_tx_id: 'TX-1' }]);
  });

  it('a COMMIT that fails rejects every writer of the batch with ArchiveUnavailableError, stores none of it, and the next batch works', async () => {
    const archive = openArchive();
    // A real commit-time failure: a deferred foreign key, violated by a trigger on one badge,
    // is only checked by SQLite at COMMIT (the archive runs with foreign_keys = ON).
    const db = otherConnection();
    db.exec(`
      CREATE TABLE poison_parent (id TEXT PRIMARY KEY);
      CREATE TABLE poison_child (parent TEXT REFERENCES poison_parent(id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER poison AFTER INSERT ON badges WHEN NEW.id_tag = 'POISON'
      BEGIN INSERT INTO poison_child VALUES ('missing'); END;
    `);
    const writes = [
      archive.saveBadge(badge('OK-1')),
      archive.insertTransaction(newTx({ startKey: 'in-failed-batch' })),
      archive.saveBadge(badge('POISON')),
      archive.saveBadge(badge('OK-2')),
    ];
    const results = await Promise.allSettled(writes);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ArchiveUnavailableError);
      expect(((r as PromiseRejectedResult).reason as Error).message).toMatch(/archive write failed: .*FOREIGN KEY/);
    }
    expect(count(db, 'badges')).toBe(0);
    expect(count(db, 'transactions')).toBe(0);
    expect(archive.badges()).toEqual([]);

    // The archive is usable again afterwards.
    await archive.saveBadge(badge('LATER'));
    expect(db.prepare('SELECT id_tag FROM badges').all()).toEqual([{ id_tag: 'LATER' }]);
  });

  // BUG (sqlite.ts write(), catch block): when a failing statement makes SQLite abandon the
  // whole transaction (RAISE(ROLLBACK) here; SQLite may do the same on SQLITE_FULL, IOERR,
  // NOMEM), `ROLLBACK TO <savepoint>` throws "no such savepoint", so write() throws
  // synchronously instead of returning a rejected promise (logFrame's .catch never attaches).
  it('a statement that makes SQLite roll back the whole batch rejects its caller (never throws) and every writer of the lost batch', async () => {
    const archive = openArchive();
    const db = otherConnection();
    db.exec(`CREATE TRIGGER rollback_badge BEFORE INSERT ON badges WHEN NEW.id_tag = 'ROLLBACK' BEGIN SELECT RAISE(ROLLBACK, 'poisoned'); END;`);
    logConnection(archive).exec(`CREATE TRIGGER rollback_log BEFORE INSERT ON ocpp_log WHEN NEW.frame = 'ROLLBACK' BEGIN SELECT RAISE(ROLLBACK, 'poisoned'); END;`);
    const first = archive.saveBadge(badge('FIRST'));
    first.catch(() => undefined); // observed below; keeps an early failure from leaving it unhandled
    let poisoned: Promise<Badge> | null = null;
    expect(() => {
      poisoned = archive.saveBadge(badge('ROLLBACK'));
    }).not.toThrow();
    await expect(poisoned).rejects.toThrow();
    // FIRST was rolled back with the batch: its writer must learn it.
    await expect(first).rejects.toBeInstanceOf(ArchiveUnavailableError);
    // The message log is best effort: a failed log write must not throw into the exchange.
    expect(() => archive.logFrame('S1', 'in', 'ROLLBACK')).not.toThrow();
    await archive.saveBadge(badge('LATER'));
    expect(db.prepare('SELECT id_tag FROM badges').all()).toEqual([{ id_tag: 'LATER' }]);
  });

  // BUG (same cause): after the batch transaction was lost, write() keeps batchOpen = true; the
  // next write's SAVEPOINT starts a transaction of its own and its RELEASE commits it at once,
  // then commit() fails ("no transaction is active") and rejects that writer with
  // ArchiveUnavailableError although its row is stored.
  it('after SQLite rolled back a batch, a later write resolves if and only if it is stored', async () => {
    const archive = openArchive();
    const db = otherConnection();
    db.exec(`CREATE TRIGGER rollback_badge BEFORE INSERT ON badges WHEN NEW.id_tag = 'ROLLBACK' BEGIN SELECT RAISE(ROLLBACK, 'poisoned'); END;`);
    const first = archive.saveBadge(badge('FIRST'));
    try {
      archive.saveBadge(badge('ROLLBACK')).catch(() => undefined);
    } catch {
      // the synchronous throw is the bug above; look at what follows
    }
    const third = archive.saveBadge(badge('THIRD'));
    const [firstResult, thirdResult] = await Promise.allSettled([first, third]);
    const stored = (db.prepare('SELECT id_tag FROM badges ORDER BY id_tag').all() as Array<{ id_tag: string }>).map((r) => r.id_tag);
    expect(firstResult?.status === 'fulfilled', 'FIRST resolved iff stored').toBe(stored.includes('FIRST'));
    expect(thirdResult?.status === 'fulfilled', 'THIRD resolved iff stored').toBe(stored.includes('THIRD'));
  });

  it('runs synchronous=NORMAL and syncs the WAL itself: writes issued while a sync runs join the next group, each resolves once, in order, and is committed', async () => {
    const archive = openArchive();
    const db = otherConnection();
    const resolved: string[] = [];
    const writes: Array<Promise<unknown>> = [];
    // Each round starts while the previous round's group is being synced (issued from its resolution).
    let round = Promise.resolve();
    for (let r = 0; r < 20; r++) {
      round = round.then(() => {
        const batch = Array.from({ length: 10 }, (_, i) => archive.saveBadge(badge(`R${r}-${i}`)).then(() => void resolved.push(`R${r}-${i}`)));
        writes.push(...batch);
        return batch[0] as Promise<void>;
      });
    }
    await round;
    await Promise.all(writes);
    expect(resolved).toHaveLength(200);
    expect(new Set(resolved).size).toBe(200);
    // Groups resolve in commit order: no write of round r resolves before every write of round r-1.
    const roundOf = (id: string) => Number(id.slice(1, id.indexOf('-')));
    for (let i = 1; i < resolved.length; i++) expect(roundOf(resolved[i] as string)).toBeGreaterThanOrEqual(roundOf(resolved[i - 1] as string));
    expect(count(db, 'badges')).toBe(200);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // What SQLite itself does on COMMIT: no fsync there (the archive syncs the WAL off the main thread).
    expect((archive as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('copies the WAL into the database file from a thread of its own, long before its own auto-checkpoint would', async () => {
    const archive = openArchive();
    await archive.saveBadge(badge('FIRST'));
    const sizeBefore = statSync(file).size;
    // About 2 MB of rows: far below the 64 MiB auto-checkpoint of the main connection.
    await archive.seedBadges(Array.from({ length: 5000 }, (_, i) => badge(`B${i}`, 'Accepted', 'x'.repeat(300))));
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(1_000_000);
    for (let tries = 0; statSync(file).size <= sizeBefore + 1_000_000 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 50));
    expect(statSync(file).size).toBeGreaterThan(sizeBefore + 1_000_000);
    expect(otherConnection().prepare('SELECT COUNT(*) AS n FROM badges').get()).toEqual({ n: 5001 });
  });

  it('close() settles the writes still waiting for their WAL sync, and they are there after reopening', async () => {
    const archive = openArchive();
    const first = archive.saveBadge(badge('BEFORE-CLOSE-1'));
    const second = archive.insertTransaction(newTx({ startKey: 'before-close' }));
    archive.close();
    await expect(first).resolves.toEqual(badge('BEFORE-CLOSE-1'));
    const { transaction } = await second;
    const reopened = openArchive();
    expect(reopened.badge('BEFORE-CLOSE-1')).toEqual(badge('BEFORE-CLOSE-1'));
    expect(reopened.transactionById(transaction.id)?.ocppTransactionId).toBe(String(transaction.id));
  });

  it('rejects a write with ArchiveUnavailableError while another connection holds the database write lock, and writes again once it is released', async () => {
    const archive = openArchive();
    const db = otherConnection();
    db.exec('BEGIN EXCLUSIVE');
    // The archive waits a few ms for the lock (SQLite sleeps on the main thread), then gives up
    // and names the cause; for a second it then refuses without asking SQLite again.
    const locked = archive.saveBadge(badge('LOCKED'));
    await expect(locked).rejects.toBeInstanceOf(ArchiveUnavailableError);
    await expect(archive.saveBadge(badge('LOCKED-2'))).rejects.toThrow(/locked by another program/);
    db.exec('ROLLBACK');
    // Released: a retry gets through once the back-off is over.
    for (let attempt = 0; ; attempt++) {
      try {
        await archive.saveBadge(badge('UNLOCKED'));
        break;
      } catch (error) {
        expect(error).toBeInstanceOf(ArchiveUnavailableError);
        if (attempt > 50) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(db.prepare('SELECT id_tag FROM badges').all()).toEqual([{ id_tag: 'UNLOCKED' }]);
  }, 20_000);
});

describe('a failed WAL sync', () => {
  it('rejects the writers of that sync (never acknowledged), says the archive is not storing, and recovers at the next good sync', async () => {
    let failNext = false;
    const syncs: string[] = [];
    const archive = openArchive({
      // The disk refuses one fdatasync (EIO), as a failing disk would; the others are real.
      syncWal: (fd, done) => {
        if (failNext) {
          failNext = false;
          syncs.push('failed');
          const error: NodeJS.ErrnoException = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
          setImmediate(() => done(error));
          return;
        }
        syncs.push('ok');
        fdatasync(fd, done);
      },
    });
    const changes: Array<{ storing: boolean; reason: string | null }> = [];
    archive.onHealthChange((h) => changes.push({ storing: h.storing, reason: h.reason }));
    await archive.saveBadge(badge('BEFORE'));
    failNext = true;
    const refused = await Promise.allSettled([archive.saveBadge(badge('LOST-1')), archive.saveBadge(badge('LOST-2'))]);
    expect(refused.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(ArchiveUnavailableError);
    expect(archive.health()).toMatchObject({ storing: false, reason: expect.stringContaining('EIO'), refusedWrites: 2 });
    // Committed although not acknowledged (the sync came after the COMMIT): the station's retry
    // must be idempotent — starts, stops and badges are by their keys.
    expect(archive.badge('LOST-1')).not.toBeNull();
    await archive.saveBadge(badge('AFTER'));
    expect(archive.health()).toMatchObject({ storing: true, reason: null, refusedWrites: 0 });
    expect(changes).toEqual([
      { storing: false, reason: expect.stringContaining('EIO') },
      { storing: true, reason: null },
    ]);
    expect(syncs).toEqual(['ok', 'failed', 'ok']);
  });
});

describe('meter samples after a failed WAL sync', () => {
  it('are stored once: the station’s retry of the refused MeterValues is recognised, and acknowledged after the next good sync', async () => {
    let failNext = false;
    const archive = openArchive({
      syncWal: (fd, done) => {
        if (!failNext) return fdatasync(fd, done);
        failNext = false;
        setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
      },
    });
    const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 10, minute)).toISOString();
    const reading = (minute: number, value: number): MeterSample => ({ stationId: 'CP1', evseId: 1, connectorId: 1, transactionId: null, timestamp: at(minute), measurand: 'Energy.Active.Import.Register', phase: null, value, unit: 'Wh', context: null });
    await archive.insertSamples([reading(0, 1000)]);
    failNext = true;
    await expect(archive.insertSamples([reading(1, 1500), reading(2, 2000)])).rejects.toBeInstanceOf(ArchiveUnavailableError);
    // The station sends the same MeterValues again, then the next one.
    await archive.insertSamples([reading(1, 1500), reading(2, 2000)]);
    await archive.insertSamples([reading(3, 2600)]);
    expect(archive.countSamples()).toBe(4);
    // The energy roll-up counts each rise once: 1,600 Wh from 10:00 to 10:03.
    const db = otherConnection();
    expect(db.prepare('SELECT SUM(energy_wh) AS wh FROM meter_rollup WHERE span = 300').get()).toEqual({ wh: 1600 });
  });
});

describe('transactions', () => {
  it('insertTransaction with a start key already stored returns the first transaction with created=false and keeps one row', async () => {
    const archive = openArchive();
    const db = otherConnection();
    const first = await archive.insertTransaction(newTx({ startKey: 'same', meterStartWh: 1000 }));
    expect(first.created).toBe(true);
    expect(first.transaction.ocppTransactionId).toBe(String(first.transaction.id));
    const again = await archive.insertTransaction(newTx({ startKey: 'same', meterStartWh: 9999, idTag: 'OTHER' }));
    expect(again.created).toBe(false);
    expect(again.transaction).toEqual(first.transaction);
    // The same start twice inside one batch is recognised too.
    const [x, y] = await Promise.all([archive.insertTransaction(newTx({ startKey: 'batch' })), archive.insertTransaction(newTx({ startKey: 'batch' }))]);
    expect([x.created, y.created]).toEqual([true, false]);
    expect(y.transaction.id).toBe(x.transaction.id);
    expect(count(db, 'transactions')).toBe(2);
  });

  it('stores the station-given OCPP transaction id (2.0.1) instead of the archive id', async () => {
    const archive = openArchive();
    const { transaction } = await archive.insertTransaction(newTx({ startKey: '201', ocppTransactionId: 'abc-201' }));
    expect(transaction.ocppTransactionId).toBe('abc-201');
    expect(archive.transactionByOcppId('S1', 'abc-201')?.id).toBe(transaction.id);
    expect(archive.transactionByOcppId('S2', 'abc-201')).toBeNull();
  });

  it('stopTransaction changes a transaction once: changed true then false, the stored values stay those of the first stop', async () => {
    const archive = openArchive();
    const { transaction } = await archive.insertTransaction(newTx({ meterStartWh: 1000 }));
    const first = await archive.stopTransaction(transaction.id, { stoppedAt: at(30), meterStopWh: 6000, energyWh: 5000, socEnd: 80, stopReason: 'Local' }, at(31));
    expect(first.changed).toBe(true);
    expect(first.transaction).toMatchObject({ stoppedAt: at(30), meterStopWh: 6000, energyWh: 5000, socEnd: 80, stopReason: 'Local', lastUpdateAt: at(31) });
    const second = await archive.stopTransaction(transaction.id, { stoppedAt: at(50), meterStopWh: 9000, energyWh: 8000, socEnd: 99, stopReason: 'Remote' }, at(51));
    expect(second.changed).toBe(false);
    expect(second.transaction).toEqual(first.transaction);
    expect(archive.transactionById(transaction.id)).toEqual(first.transaction);
    expect(archive.openTransactions()).toEqual([]);
  });
});

describe('queryTransactions', () => {
  const STATIONS = ['S1', 'S2', 'S3', 'S4'];
  const TAGS = ['T1', 'T2', 'T3', null];
  const N = 300;
  let archive: SqliteArchive;
  let all: Transaction[];

  beforeEach(async () => {
    archive = openArchive();
    const starts: Array<Promise<{ transaction: Transaction; created: boolean }>> = [];
    for (let i = 0; i < N; i++) {
      // Start times are scattered (not in id order) and some repeat, to exercise the id tie-break.
      const minute = (i * 37) % 250;
      starts.push(
        archive.insertTransaction(
          newTx({
            stationId: STATIONS[i % STATIONS.length],
            idTag: TAGS[(i * 7) % TAGS.length] ?? null,
            startKey: `q-${i}`,
            startedAt: at(minute),
            meterStartWh: i * 10,
            receivedAt: at(minute),
          }),
        ),
      );
    }
    const created = await Promise.all(starts);
    const stops: Array<Promise<unknown>> = [];
    created.forEach(({ transaction: t }, i) => {
      if (i % 3 === 0) return; // every third stays open
      const energy = ((i * 53) % 40) * 250; // repeated energies, including 0
      stops.push(archive.stopTransaction(t.id, { stoppedAt: at(300 + ((i * 11) % 97)), meterStopWh: (t.meterStartWh ?? 0) + energy, energyWh: energy, socEnd: null, stopReason: 'Local' }, at(400)));
    });
    await Promise.all(stops);
    all = created.map(({ transaction }) => archive.transactionById(transaction.id) as Transaction);
  });

  /** Reference: SQLite order (NULL lowest, binary strings), then id in the same direction. */
  function expected(q: TransactionQuery): { items: Transaction[]; total: number } {
    const from = q.from === undefined ? null : new Date(q.from).toISOString();
    const to = q.to === undefined ? null : new Date(q.to).toISOString();
    const rows = all.filter(
      (t) =>
        (q.stationId === undefined || t.stationId === q.stationId) &&
        (q.idTag === undefined || t.idTag === q.idTag) &&
        (from === null || t.startedAt >= from) &&
        (to === null || t.startedAt < to) &&
        (q.open === undefined || (t.stoppedAt === null) === q.open),
    );
    const key = q.sort ?? 'startedAt';
    const sign = q.direction === 'asc' ? 1 : -1;
    const compareValues = (a: string | number | null, b: string | number | null): number => {
      if (a === b) return 0;
      if (a === null) return -1;
      if (b === null) return 1;
      return a < b ? -1 : 1;
    };
    rows.sort((a, b) => sign * (compareValues(a[key], b[key]) || a.id - b.id));
    const offset = q.offset ?? 0;
    return { items: rows.slice(offset, offset + (q.limit ?? 100)), total: rows.length };
  }

  it(`filters by station, badge, time range [from, to) and open/closed over ${N} transactions`, () => {
    const queries: TransactionQuery[] = [
      { stationId: 'S2', limit: 1000 },
      { idTag: 'T3', limit: 1000 },
      { from: at(100), to: at(150), limit: 1000 },
      { from: at(100), limit: 1000 },
      { to: at(100), limit: 1000 },
      { open: true, limit: 1000 },
      { open: false, limit: 1000 },
      { stationId: 'S1', idTag: 'T1', open: false, from: at(20), to: at(200), limit: 1000 },
      { stationId: 'NOPE', limit: 1000 },
    ];
    for (const q of queries) {
      const page = archive.queryTransactions(q);
      const want = expected(q);
      expect(page.total, JSON.stringify(q)).toBe(want.total);
      expect(page.items.map((t) => t.id), JSON.stringify(q)).toEqual(want.items.map((t) => t.id));
    }
    // The filters really select something, and they do what they say.
    expect(archive.queryTransactions({ stationId: 'S2' }).total).toBe(N / 4);
    expect(archive.queryTransactions({ open: true, limit: 1000 }).items.every((t) => t.stoppedAt === null)).toBe(true);
    expect(archive.queryTransactions({ open: true }).total + archive.queryTransactions({ open: false }).total).toBe(N);
    const window = archive.queryTransactions({ from: at(100), to: at(101), limit: 1000 });
    expect(window.total).toBeGreaterThan(0);
    expect(window.items.every((t) => t.startedAt === at(100))).toBe(true);
    // `from` is inclusive, `to` exclusive; a time with an offset is compared as UTC.
    expect(archive.queryTransactions({ from: at(100), to: at(100) }).total).toBe(0);
    expect(archive.queryTransactions({ from: '2024-03-01T03:40:00+02:00', to: '2024-03-01T03:41:00+02:00' }).total).toBe(window.total);
  });

  it('sorts by every sort column, ascending and descending, with the id as tie-break', () => {
    const sorts: Array<NonNullable<TransactionQuery['sort']>> = ['id', 'startedAt', 'stoppedAt', 'energyWh', 'stationId', 'idTag'];
    for (const sort of sorts) {
      for (const direction of ['asc', 'desc'] as const) {
        const q: TransactionQuery = { sort, direction, limit: 10_000 };
        const page = archive.queryTransactions(q);
        expect(page.total).toBe(N);
        expect(page.items.map((t) => t.id), `${sort} ${direction}`).toEqual(expected(q).items.map((t) => t.id));
      }
    }
    // Default: newest start first.
    const byDefault = archive.queryTransactions({ limit: 5 });
    expect(byDefault.items.map((t) => t.id)).toEqual(expected({ sort: 'startedAt', direction: 'desc', limit: 5 }).items.map((t) => t.id));
    expect(byDefault.items[0]?.startedAt).toBe(at(249));
  });

  it('pages with offset and limit: pages join up to the whole ordered list and total counts every match', () => {
    const q: TransactionQuery = { stationId: 'S3', sort: 'energyWh', direction: 'desc' };
    const whole = expected({ ...q, limit: 10_000 });
    expect(whole.total).toBe(N / 4);
    const ids: number[] = [];
    for (let offset = 0; offset < whole.total; offset += 7) {
      const page = archive.queryTransactions({ ...q, offset, limit: 7 });
      expect(page.total).toBe(whole.total);
      expect(page.items.length).toBe(Math.min(7, whole.total - offset));
      ids.push(...page.items.map((t) => t.id));
    }
    expect(ids).toEqual(whole.items.map((t) => t.id));
    const beyond = archive.queryTransactions({ ...q, offset: 1000, limit: 10 });
    expect(beyond).toEqual({ items: [], total: whole.total });
    // Without a limit a page holds 100 rows at most.
    expect(archive.queryTransactions({}).items.length).toBe(100);
    expect(archive.queryTransactions({}).total).toBe(N);
  });
});

describe('badges and message log', () => {
  it('seeding badges adds the missing ones and never overwrites an existing badge', async () => {
    const archive = openArchive();
    await archive.saveBadge(badge('EDITED', 'Blocked', 'operator edit'));
    await archive.seedBadges([badge('EDITED', 'Accepted', 'from project'), badge('NEW', 'Accepted', 'from project')]);
    expect(archive.badges()).toEqual([badge('EDITED', 'Blocked', 'operator edit'), badge('NEW', 'Accepted', 'from project')]);
  });

  it('the badge-category migration gives the badges of an older archive a category column (none), and seeding fills it from the project', async () => {
    // An archive as the build before badge categories left it: every migration before that one, one badge.
    const before = MIGRATIONS.findIndex((sql) => sql.includes('ADD COLUMN category'));
    expect(before).toBeGreaterThan(0);
    const old = new Database(file);
    for (const sql of MIGRATIONS.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    old.prepare("INSERT INTO badges (id_tag, status, expires_at, parent_id_tag, label, updated_at) VALUES ('OLD', 'Accepted', NULL, NULL, 'before', '2024-01-01T00:00:00.000Z')").run();
    old.close();
    const archive = openArchive();
    expect(archive.schemaVersion()).toBe(MIGRATIONS.length);
    expect(archive.badge('OLD')).toEqual(badge('OLD', 'Accepted', 'before'));
    // The project now puts OLD in "staff": the archive badge takes it; a new badge comes with its own.
    await archive.seedBadges([{ ...badge('OLD', 'Blocked', 'from project'), category: 'staff' }, { ...badge('NEW'), category: 'visitors' }]);
    expect(archive.badge('OLD')).toEqual({ ...badge('OLD', 'Accepted', 'before'), category: 'staff' });
    expect(archive.badge('NEW')?.category).toBe('visitors');
    // An operator's choice of category is kept by later seeds.
    await archive.saveBadge({ ...badge('NEW'), category: 'fleet' });
    await archive.seedBadges([{ ...badge('NEW'), category: 'visitors' }]);
    expect(archive.badge('NEW')?.category).toBe('fleet');
  });

  it('saveBadge replaces a badge entirely', async () => {
    const archive = openArchive();
    await archive.saveBadge({ idTag: 'B', status: 'Accepted', expiresAt: '2030-01-01T00:00:00.000Z', parentIdTag: 'P', label: 'x', category: 'staff' });
    await archive.saveBadge(badge('B', 'Blocked'));
    expect(archive.badge('B')).toEqual(badge('B', 'Blocked'));
    expect(archive.badge('NONE')).toBeNull();
  });

  it('prunes the message log to its bound (newest kept) while frames keep coming', () => {
    const archive = openArchive({ messageLogRows: 50 });
    for (let i = 1; i <= 2000; i++) archive.logFrame('S1', i % 2 === 0 ? 'out' : 'in', `[2,"${i}","Heartbeat",{}]`);
    const log = archive.messageLog('S1', 1000);
    expect(log.length).toBe(50);
    expect(log[0]?.frame).toBe('[2,"2000","Heartbeat",{}]');
    expect(log[49]?.frame).toBe('[2,"1951","Heartbeat",{}]');
    expect(log[0]?.direction).toBe('out');
    // Between two prunes the log never holds more than the bound plus one pruning period.
    for (let i = 1; i <= 1500; i++) archive.logFrame('S1', 'in', `more ${i}`);
    archive.close(); // commits the log
    const db = logConnection(archive);
    expect(count(db, 'ocpp_log')).toBeLessThanOrEqual(50 + 1000);
    expect(count(db, 'ocpp_log')).toBe(550);
  });

  it('keeps the message log in a file of its own: frames are readable at once, written by its own thread without the archive batch, kept across a restart, and an older archive hands its log over once', async () => {
    const archive = openArchive({ messageLogRows: 100 });
    expect(archive.messageLogFile).toBe(join(dir, 'archive.ocpp-log.sqlite'));
    archive.logFrame('S1', 'in', '[2,"a","Heartbeat",{}]');
    archive.logFrame('S1', 'out', '[3,"a",{}]');
    archive.logFrame('S2', 'in', '[2,"b","Heartbeat",{}]');
    // Read back before any commit, newest first, paged by id.
    const frames = archive.stationFrames('S1', 10);
    expect(frames.map((f) => [f.direction, f.frame])).toEqual([['out', '[3,"a",{}]'], ['in', '[2,"a","Heartbeat",{}]']]);
    expect(archive.stationFrames('S1', 10, frames[0]?.id).map((f) => f.frame)).toEqual(['[2,"a","Heartbeat",{}]']);
    // No row in the archive's group commit: the archive's own table stays empty.
    await archive.saveBadge(badge('X'));
    expect(count(otherConnection(), 'ocpp_log')).toBe(0);
    // Committed on the log's own timer (no fsync, no archive batch needed).
    const log = logConnection(archive);
    for (let tries = 0; count(log, 'ocpp_log') < 3 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 50));
    expect(count(log, 'ocpp_log')).toBe(3);
    archive.close();
    expect(openArchive({ messageLogRows: 100 }).messageLog('S2')).toEqual([expect.objectContaining({ direction: 'in', frame: '[2,"b","Heartbeat",{}]' })]);

    // An archive of a version that logged into its own ocpp_log table (no log file yet).
    const oldFile = join(dir, 'old.sqlite');
    const old = new Database(oldFile);
    for (const sql of MIGRATIONS) old.exec(sql);
    old.pragma(`user_version = ${MIGRATIONS.length}`);
    const insert = old.prepare('INSERT INTO ocpp_log (station_id, direction, frame, at) VALUES (?, ?, ?, ?)');
    for (let i = 1; i <= 150; i++) insert.run('OLD', 'in', `frame ${i}`, at(i));
    old.close();
    const upgraded = new SqliteArchive(oldFile, { messageLogRows: 100 });
    opened.push(upgraded);
    const moved = upgraded.messageLog('OLD', 1000);
    expect(moved).toHaveLength(100);
    expect(moved[0]).toEqual({ direction: 'in', frame: 'frame 150', at: at(150) });
    expect(moved[99]?.frame).toBe('frame 51');
    upgraded.close();
    const check = new Database(oldFile);
    opened.push(check);
    expect(count(check, 'ocpp_log')).toBe(0);
    // Moved once: a restart neither moves nor loses anything.
    const again = new SqliteArchive(oldFile, { messageLogRows: 100 });
    opened.push(again);
    expect(again.messageLog('OLD', 1000)).toHaveLength(100);
  });

  it('a log batch its writer thread cannot store is dropped and counted; the archive is unaffected and later frames are logged', async () => {
    const archive = openArchive();
    logConnection(archive).exec(`CREATE TRIGGER rollback_log BEFORE INSERT ON ocpp_log WHEN NEW.frame = 'POISON' BEGIN SELECT RAISE(ROLLBACK, 'poisoned'); END;`);
    expect(() => {
      archive.logFrame('S1', 'in', 'POISON');
      archive.logFrame('S1', 'out', 'same batch');
    }).not.toThrow();
    await archive.saveBadge(badge('STORED'));
    for (let tries = 0; archive.droppedLogFrames < 2 && tries < 200; tries++) await new Promise((r) => setTimeout(r, 50));
    expect(archive.droppedLogFrames).toBe(2);
    archive.logFrame('S1', 'in', 'later');
    archive.close();
    const reopened = openArchive();
    expect(reopened.messageLog('S1').map((f) => f.frame)).toEqual(['later']);
    expect(reopened.badge('STORED')).toEqual(badge('STORED'));
  });

  it('its writer threads also start in a process run as `node --input-type=module -e` (how the benchmarks and crash tests start the server)', () => {
    const archiveModule = pathToFileURL(join(import.meta.dirname, 'sqlite.ts')).href;
    const code = `
      const { SqliteArchive } = await import(${JSON.stringify(archiveModule)});
      const archive = new SqliteArchive(${JSON.stringify(file)});
      archive.logFrame('S1', 'in', 'from a -e process');
      await archive.saveBadge({ idTag: 'E', status: 'Accepted', expiresAt: null, parentIdTag: null, label: null });
      await new Promise((r) => setTimeout(r, 300));
      const dropped = archive.droppedLogFrames;
      archive.close();
      console.log(JSON.stringify({ dropped }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ dropped: 0 });
    expect(openArchive().messageLog('S1').map((f) => f.frame)).toEqual(['from a -e process']);
  });

  it('truncates a very long frame in the message log', async () => {
    const archive = openArchive();
    archive.logFrame('S1', 'in', 'x'.repeat(10_000));
    await archive.saveBadge(badge('FLUSH'));
    const [entry] = archive.messageLog('S1');
    expect(entry?.frame.length).toBe(8193);
    expect(entry?.frame.endsWith('…')).toBe(true);
  });
});
