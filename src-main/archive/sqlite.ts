// SQLite archive (better-sqlite3). Writes run at once inside an open batch transaction so
// callers see their own ids synchronously; the batch commits on the next turn of the event
// loop and only then are the writers' promises resolved. That is the group commit behind
// "acknowledge only what is stored": a CALLRESULT waits for the promise.
import Database from 'better-sqlite3';
import { closeSync, fdatasync, fdatasyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  ArchiveHealth,
  Badge,
  BadgeInput,
  CommandRecord,
  ConnectorStatus,
  MeterSample,
  OcppProtocol,
  Registration,
  Reservation,
  ReservationStatus,
  Transaction,
} from '../../src-shared/domain/index.ts';
import type { AlarmHistoryQuery, AuditEntry, AuditQuery, Page, TransactionQuery } from '../../src-shared/api/index.ts';
import type { AlarmInstance, AlarmTransition } from '../../src-shared/alarms/types.ts';
import { MIGRATIONS } from './migrations.ts';
import { EnergyQueries, type RollupIncrements } from './energy.ts';
import { MessageLog, workerExecArgv } from './message-log.ts';
import { Worker } from 'node:worker_threads';
import type { CheckpointWorkerData } from './checkpoint-worker.ts';

export interface StoredStation {
  id: string;
  protocol: OcppProtocol | null;
  registration: Registration;
  declared: boolean;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  bootedAt: string | null;
  lastSeenAt: string | null;
  remoteAddress: string | null;
}

export interface StoredAccount {
  username: string;
  role: string;
  /** scrypt$N$r$p$salt$hash (base64). */
  password_hash: string;
  disabled: number;
  failed_attempts: number;
  locked_until: string | null;
  created_at: string;
  last_login_at: string | null;
}

export interface StoredConnector {
  stationId: string;
  evseId: number;
  connectorId: number;
  status: ConnectorStatus;
  errorCode: string | null;
  updatedAt: string;
}

export interface NewTransaction {
  stationId: string;
  /** null for 1.6, where the archive's id becomes the OCPP transaction id. */
  ocppTransactionId: string | null;
  startKey: string;
  evseId: number;
  connectorId: number;
  idTag: string | null;
  startedAt: string;
  meterStartWh: number | null;
  socStart: number | null;
  receivedAt: string;
}

export interface TransactionStop {
  stoppedAt: string;
  meterStopWh: number | null;
  energyWh: number | null;
  socEnd: number | null;
  stopReason: string;
}

/** Longest wait for a write lock another program holds, ms (SQLite sleeps on the main thread meanwhile). */
const LOCK_WAIT_MS = 20;
/** After such a wait failed, writes are refused without trying for this long, ms. */
const LOCK_BACKOFF_MS = 1000;
/** SQLite result codes of a write that failed for want of storage, not because of its own data. */
const STORAGE_FAILURES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB|BUSY|LOCKED)/;
const LOCKED = new Error('the archive file is locked by another program (a database browser, a backup or reporting tool?): close it or end its transaction');

export class ArchiveUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`archive write failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ArchiveUnavailableError';
  }
}

interface TransactionRow {
  id: number;
  station_id: string;
  ocpp_tx_id: string;
  evse_id: number;
  connector_id: number;
  id_tag: string | null;
  started_at: string;
  stopped_at: string | null;
  meter_start_wh: number | null;
  meter_stop_wh: number | null;
  energy_wh: number | null;
  soc_start: number | null;
  soc_end: number | null;
  stop_reason: string | null;
  last_update_at: string;
}

function toTransaction(r: TransactionRow): Transaction {
  return {
    id: r.id,
    stationId: r.station_id,
    ocppTransactionId: r.ocpp_tx_id,
    evseId: r.evse_id,
    connectorId: r.connector_id,
    idTag: r.id_tag,
    startedAt: r.started_at,
    stoppedAt: r.stopped_at,
    meterStartWh: r.meter_start_wh,
    meterStopWh: r.meter_stop_wh,
    energyWh: r.energy_wh,
    socStart: r.soc_start,
    socEnd: r.soc_end,
    stopReason: r.stop_reason,
    lastUpdateAt: r.last_update_at,
  };
}

/** One condition of a filter: SQL with a named parameter, or false when the filter is not set. */
type Condition = readonly [sql: string, name: string | null, value: unknown] | false;

/** WHERE parts and parameters of the conditions that are set. */
function filterOf(conditions: readonly Condition[]): { where: string[]; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  for (const c of conditions) {
    if (!c) continue;
    where.push(c[0]);
    if (c[1] !== null) params[c[1]] = c[2];
  }
  return { where, params };
}

const iso = (text: string) => new Date(text).toISOString();

const SORT_COLUMNS: Record<NonNullable<TransactionQuery['sort']>, string> = {
  id: 'id',
  startedAt: 'started_at',
  stoppedAt: 'stopped_at',
  energyWh: 'energy_wh',
  stationId: 'station_id',
  idTag: 'id_tag',
};

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface SqliteArchiveOptions {
  /** Maximum rows kept in the OCPP message log (oldest pruned first). */
  messageLogRows?: number;
  /** Longest a batch stays open before it commits, ms (0 = next event-loop turn). */
  commitDelayMs?: number;
  /** Cap on the archive file size, bytes: past it writes fail as on a full disk (SQLITE_FULL). */
  maxSizeBytes?: number;
  /**
   * Shortest time between two commits, ms. Commits no longer fsync on the main thread (see
   * SyncGroup) and are paced by the fsync in flight, so this is 0 by default; a value makes
   * batches larger still at the price of latency.
   */
  minCommitIntervalMs?: number;
  /**
   * The WAL's fdatasync (default node:fs fdatasync). Fault tests give one that fails, the only
   * way to see a disk refuse a sync on a test machine; nothing else should set it.
   */
  syncWal?: (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;
}

/**
 * Durability without blocking the event loop. SQLite's synchronous=FULL fsyncs the WAL inside
 * COMMIT, on the main thread (at saturation 13 % of the server's time was spent blocked there).
 * We run synchronous=NORMAL instead (COMMIT appends the frames to the WAL, no fsync) and fsync
 * the WAL ourselves on libuv's thread pool; the writers of a batch are resolved only once an
 * fsync that started after their COMMIT has completed. That is exactly FULL's guarantee in WAL
 * mode (the WAL is synced before a commit counts), and NORMAL still syncs the WAL and the
 * database around every checkpoint. While one fsync runs the next batch stays open and grows:
 * it commits when the disk is free again (group commit paced by the disk, not by a timer).
 */
interface SyncGroup {
  waiting: Pending[];
  /** The meter samples committed with these writers (see orphanSamples). */
  samples: MeterSample[];
}

/** Meter samples kept in memory after a failed sync, at most (oldest forgotten first). */
const ORPHAN_SAMPLES_MAX = 200_000;

function sampleKey(s: MeterSample): string {
  return `${s.stationId}\u0000${s.evseId}\u0000${s.connectorId}\u0000${s.timestamp}\u0000${s.measurand}\u0000${s.phase ?? ''}\u0000${s.value}`;
}

export class SqliteArchive {
  readonly file: string;
  private readonly db: Database.Database;
  private batchOpen = false;
  /** Until when (performance.now()) writes are refused without asking SQLite: another program held the write lock. */
  private lockedUntil = 0;
  private readonly syncWal: NonNullable<SqliteArchiveOptions['syncWal']>;
  private healthState: ArchiveHealth = { storing: true, since: new Date().toISOString(), reason: null, refusedWrites: 0 };
  private healthListener: ((health: ArchiveHealth) => void) | null = null;
  private waiting: Pending[] = [];
  private commitTimer: NodeJS.Immediate | NodeJS.Timeout | null = null;
  private readonly messageLogRows: number;
  private readonly commitDelayMs: number;
  private readonly minCommitIntervalMs: number;
  private lastCommitAt = 0;
  /** Descriptor of the WAL file, fsynced off the main thread (null: in-memory database). */
  private walFd: number | null = null;
  /** Committed writers waiting for an fsync that has not started yet. */
  private unsynced: Pending[] = [];
  /** The samples of the open batch, and of the batches committed but not yet synced (references: keys are made only if a sync fails). */
  private batchSamples: MeterSample[] = [];
  private unsyncedSamples: MeterSample[] = [];
  /**
   * Samples committed in a batch whose WAL sync then failed: stored, but their writers were told
   * they were not, so the station sends them again. The retry is recognised here and not stored
   * twice; it is acknowledged after the next good sync, which makes the first copy durable.
   */
  private readonly orphanSamples = new Map<string, number>();
  /** The fsync in flight, if any. */
  private syncing: SyncGroup | null = null;
  private closed = false;
  private checkpointer: Worker | null = null;
  private readonly checkpointerClosed = new SharedArrayBuffer(4);
  /** The OCPP message log, in its own file (see message-log.ts). */
  private readonly log: MessageLog;
  private readonly stmt: ReturnType<SqliteArchive['prepareStatements']>;
  /** Energy-dashboard aggregates (SQL over meter samples and transactions). */
  readonly energy: EnergyQueries;

  constructor(file: string, options: SqliteArchiveOptions = {}) {
    this.file = file;
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // NORMAL plus our own fsync of the WAL before any writer is resolved (see SyncGroup):
    // a commit is on disk before its promise resolves (power loss included).
    this.db.pragma(file === ':memory:' ? 'synchronous = FULL' : 'synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // 64 MiB of page cache (default 2 MiB): a batch under load touches thousands of index
    // pages; with a small cache SQLite spills them into the WAL before the commit (while the
    // previous batch's fsync runs) and reads them back from the file.
    this.db.pragma('cache_size = -65536');
    // Checkpoints: a thread of its own copies the WAL into the database every 500 ms (PASSIVE,
    // never blocks writers). SQLite's own auto-checkpoint runs inside COMMIT on the main thread
    // (at 1,000 stations a batch rewrites MBs of pages, and checkpointing every 1,000 pages was
    // half the COMMIT time): it stays as the safety net, at 16,384 pages (64 MiB), where it
    // finds the WAL mostly copied already and mainly restarts it.
    this.db.pragma('wal_autocheckpoint = 16384');
    this.db.pragma('busy_timeout = 5000');
    this.messageLogRows = options.messageLogRows ?? 200_000;
    this.syncWal = options.syncWal ?? fdatasync;
    this.commitDelayMs = options.commitDelayMs ?? 0;
    this.minCommitIntervalMs = options.minCommitIntervalMs ?? 0;
    this.migrate();
    // From now on a write lock held by another program (a database browser, a backup or
    // reporting tool) is waited for only briefly: SQLite's busy handler sleeps on the calling
    // thread, and at 5 s per write it froze every station and screen (see write()).
    this.db.pragma(`busy_timeout = ${LOCK_WAIT_MS}`);
    // After the migrations the WAL file exists (SQLite creates it on the first access in WAL
    // mode and keeps it while this connection is open; checkpoints reset it in place).
    if (file !== ':memory:') {
      this.walFd = openSync(`${file}-wal`, 'r');
      this.checkpointer = new Worker(new URL('./checkpoint-worker.ts', import.meta.url), {
        workerData: { file, intervalMs: 500, closed: this.checkpointerClosed } satisfies CheckpointWorkerData,
        execArgv: workerExecArgv(),
      });
      this.checkpointer.unref();
      // Losing it costs speed, not data: the auto-checkpoint above takes over.
      const checkpointer = this.checkpointer;
      checkpointer.on('error', () => undefined);
      checkpointer.on('exit', () => {
        if (this.checkpointer === checkpointer) this.checkpointer = null;
      });
    }
    this.stmt = this.prepareStatements();
    this.energy = new EnergyQueries(this.db);
    this.log = new MessageLog(file === ':memory:' ? ':memory:' : `${file.replace(/\.sqlite$/, '')}.ocpp-log.sqlite`, { maxRows: this.messageLogRows });
    if (this.log.created) this.moveMessageLog();
    if (options.maxSizeBytes !== undefined) this.setMaxSize(options.maxSizeBytes);
  }

  /**
   * Caps the archive size (0 = no cap). When the cap is reached, writes fail exactly as on a
   * full disk, so nothing is acknowledged that is not stored; raising it lets writes go on.
   */
  setMaxSize(bytes: number): void {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    this.db.pragma(`max_page_count = ${bytes > 0 ? Math.max(1, Math.floor(bytes / pageSize)) : 4294967294}`);
  }

  sizeBytes(): number {
    return (this.db.pragma('page_count', { simple: true }) as number) * (this.db.pragma('page_size', { simple: true }) as number);
  }

  /** Current schema version (the number of migrations applied). */
  schemaVersion(): number {
    return (this.db.pragma('user_version', { simple: true }) as number) ?? 0;
  }

  private migrate(): void {
    const current = this.schemaVersion();
    for (let v = current; v < MIGRATIONS.length; v++) {
      const sql = MIGRATIONS[v];
      if (sql === undefined) break;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  private prepareStatements() {
    const db = this.db;
    return {
      // Prepared once: parsing these on every write cost more than the writes themselves.
      // Nested savepoints may share a name; RELEASE / ROLLBACK TO act on the innermost.
      savepoint: db.prepare('SAVEPOINT w'),
      release: db.prepare('RELEASE w'),
      rollbackTo: db.prepare('ROLLBACK TO w'),
      upsertStation: db.prepare(
        `INSERT INTO stations (id, protocol, registration, declared, vendor, model, serial_number, firmware_version, booted_at, last_seen_at, remote_address)
         VALUES (@id, @protocol, @registration, @declared, @vendor, @model, @serialNumber, @firmwareVersion, @bootedAt, @lastSeenAt, @remoteAddress)
         ON CONFLICT(id) DO UPDATE SET protocol=excluded.protocol, registration=excluded.registration, declared=excluded.declared,
           vendor=excluded.vendor, model=excluded.model, serial_number=excluded.serial_number, firmware_version=excluded.firmware_version,
           booted_at=excluded.booted_at, last_seen_at=excluded.last_seen_at, remote_address=excluded.remote_address`,
      ),
      deleteStation: db.prepare('DELETE FROM stations WHERE id = ?'),
      loadStations: db.prepare('SELECT * FROM stations ORDER BY id'),
      upsertConnector: db.prepare(
        `INSERT INTO connectors (station_id, evse_id, connector_id, status, error_code, updated_at)
         VALUES (@stationId, @evseId, @connectorId, @status, @errorCode, @updatedAt)
         ON CONFLICT(station_id, evse_id, connector_id) DO UPDATE SET status=excluded.status, error_code=excluded.error_code, updated_at=excluded.updated_at`,
      ),
      loadConnectors: db.prepare('SELECT * FROM connectors ORDER BY station_id, evse_id, connector_id'),
      insertStatus: db.prepare(
        `INSERT INTO status_history (station_id, evse_id, connector_id, status, error_code, station_time, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      statusHistory: db.prepare('SELECT * FROM status_history WHERE station_id = ? ORDER BY id DESC LIMIT ?'),
      insertTransaction: db.prepare(
        `INSERT INTO transactions (station_id, ocpp_tx_id, start_key, evse_id, connector_id, id_tag, started_at, meter_start_wh, soc_start, last_update_at)
         VALUES (@stationId, @ocppTxId, @startKey, @evseId, @connectorId, @idTag, @startedAt, @meterStartWh, @socStart, @receivedAt)`,
      ),
      setOcppTxId: db.prepare('UPDATE transactions SET ocpp_tx_id = ? WHERE id = ?'),
      txByStartKey: db.prepare('SELECT * FROM transactions WHERE start_key = ?'),
      txByOcppId: db.prepare('SELECT * FROM transactions WHERE station_id = ? AND ocpp_tx_id = ?'),
      txById: db.prepare('SELECT * FROM transactions WHERE id = ?'),
      openTransactions: db.prepare('SELECT * FROM transactions WHERE stopped_at IS NULL ORDER BY id'),
      staleTransactions: db.prepare('SELECT * FROM transactions WHERE stopped_at IS NULL AND last_update_at < ? ORDER BY id'),
      stopTransaction: db.prepare(
        `UPDATE transactions SET stopped_at=@stoppedAt, meter_stop_wh=@meterStopWh, energy_wh=@energyWh, soc_end=@socEnd,
           stop_reason=@stopReason, last_update_at=@receivedAt WHERE id=@id AND stopped_at IS NULL`,
      ),
      updateTransaction: db.prepare(
        `UPDATE transactions SET id_tag=COALESCE(@idTag, id_tag),
           energy_wh=CASE WHEN stopped_at IS NULL THEN COALESCE(@energyWh, energy_wh) ELSE energy_wh END,
           soc_start=COALESCE(soc_start, @socStart, @soc), soc_end=CASE WHEN stopped_at IS NULL THEN COALESCE(@soc, soc_end) ELSE soc_end END,
           meter_start_wh=COALESCE(meter_start_wh, @meterStartWh), last_update_at=@receivedAt WHERE id=@id`,
      ),
      insertSample: db.prepare(
        `INSERT INTO meter_samples (station_id, evse_id, connector_id, transaction_id, ts, measurand, phase, value, unit, context)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // No index on transaction_id (migration 6): the station's measurands by a loose index scan,
      // then each one's samples over the transaction's time, a day either side for station clocks.
      samplesOfTx: db.prepare(`
        WITH tx AS (SELECT station_id, started_at, COALESCE(stopped_at, last_update_at, started_at) AS ended_at FROM transactions WHERE id = @id),
        measurands(m) AS (
          SELECT MIN(measurand) FROM meter_samples WHERE station_id = (SELECT station_id FROM tx)
          UNION ALL
          SELECT (SELECT MIN(measurand) FROM meter_samples WHERE station_id = (SELECT station_id FROM tx) AND measurand > m) FROM measurands WHERE m IS NOT NULL
        )
        SELECT * FROM meter_samples
        WHERE station_id = (SELECT station_id FROM tx) AND measurand IN (SELECT m FROM measurands WHERE m IS NOT NULL)
          AND ts >= strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT started_at FROM tx), '-1 day') AND ts <= strftime('%Y-%m-%dT%H:%M:%fZ', (SELECT ended_at FROM tx), '+1 day')
          AND transaction_id = @id
        ORDER BY ts, id`),
      countSamples: db.prepare('SELECT COUNT(*) AS n FROM meter_samples'),
      insertCommand: db.prepare(
        `INSERT INTO commands (station_id, action, request, outcome, status, response, operator, sent_at, answered_at)
         VALUES (@stationId, @action, @request, @outcome, @status, @response, @operator, @sentAt, @answeredAt)`,
      ),
      commandsOf: db.prepare('SELECT * FROM commands WHERE station_id = ? ORDER BY id DESC LIMIT ?'),
      upsertBadge: db.prepare(
        `INSERT INTO badges (id_tag, status, expires_at, parent_id_tag, label, category, updated_at) VALUES (@idTag, @status, @expiresAt, @parentIdTag, @label, @category, @updatedAt)
         ON CONFLICT(id_tag) DO UPDATE SET status=excluded.status, expires_at=excluded.expires_at, parent_id_tag=excluded.parent_id_tag,
           label=excluded.label, category=excluded.category, updated_at=excluded.updated_at`,
      ),
      insertBadgeIfMissing: db.prepare(
        `INSERT OR IGNORE INTO badges (id_tag, status, expires_at, parent_id_tag, label, category, updated_at) VALUES (@idTag, @status, @expiresAt, @parentIdTag, @label, @category, @updatedAt)`,
      ),
      // A project badge seeded before categories existed (or without one) takes the project's category.
      seedBadgeCategory: db.prepare(
        `UPDATE badges SET category = @category, updated_at = @updatedAt WHERE id_tag = @idTag AND category IS NULL AND @category IS NOT NULL`,
      ),
      insertAlarmTransition: db.prepare(
        `INSERT INTO alarm_transitions (seq, at, alarm_id, rule_id, rule_kind, rule_name, source_key, station_id, evse_id, connector_id, group_id, site_id, severity, event, from_state, to_state, record)
         VALUES (@seq, @at, @alarmId, @ruleId, @ruleKind, @ruleName, @sourceKey, @stationId, @evseId, @connectorId, @groupId, @siteId, @severity, @event, @from, @to, @record)`,
      ),
      upsertLiveAlarm: db.prepare('INSERT INTO alarms_live (id, instance) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET instance = excluded.instance'),
      deleteLiveAlarm: db.prepare('DELETE FROM alarms_live WHERE id = ?'),
      liveAlarms: db.prepare('SELECT instance FROM alarms_live'),
      alarmCounters: db.prepare(
        "SELECT MAX(seq) AS seq, MAX(CASE WHEN alarm_id GLOB 'A[0-9]*' THEN CAST(SUBSTR(alarm_id, 2) AS INTEGER) END) AS number FROM alarm_transitions",
      ),
      insertReservation: db.prepare(
        `INSERT INTO reservations (station_id, evse_id, id_tag, expires_at, departure_at, energy_wh, status, detail, transaction_id, created_by, created_at, updated_at)
         VALUES (@stationId, @evseId, @idTag, @expiresAt, @departureAt, @energyWh, @status, @detail, @transactionId, @createdBy, @createdAt, @updatedAt)`,
      ),
      updateReservation: db.prepare('UPDATE reservations SET status = @status, detail = @detail, transaction_id = @transactionId, updated_at = @updatedAt WHERE id = @id'),
      reservationById: db.prepare('SELECT * FROM reservations WHERE id = ?'),
      reservationOfTransaction: db.prepare('SELECT * FROM reservations WHERE transaction_id = ? ORDER BY id DESC LIMIT 1'),
      // The partial index reservations_live serves it.
      heldReservation: db.prepare("SELECT * FROM reservations WHERE station_id = ? AND id_tag = ? AND status IN ('pending', 'accepted') ORDER BY id DESC LIMIT 1"),
      // Bookings are made by people: a few thousand rows, one statement for every filter.
      reservations: db.prepare(
        "SELECT * FROM reservations WHERE (@stationId IS NULL OR station_id = @stationId) AND (@live = 0 OR status IN ('pending', 'accepted')) ORDER BY id DESC LIMIT @limit",
      ),
      badge: db.prepare('SELECT * FROM badges WHERE id_tag = ?'),
      badges: db.prepare('SELECT * FROM badges ORDER BY id_tag'),
    };
  }

  // ---- group commit -------------------------------------------------------------------

  /**
   * Runs `fn` at once inside the open batch and resolves after the batch is committed.
   * A statement that fails is rolled back alone (savepoint) and rejects its caller only.
   */
  write<T>(fn: () => T): Promise<T> {
    let value: T;
    // Another program held the write lock a moment ago: refuse at once rather than wait for it
    // again on the main thread; the stations retry, and a try every LOCK_BACKOFF_MS sees it go.
    if (!this.batchOpen && performance.now() < this.lockedUntil) return Promise.reject(this.refuse(LOCKED));
    try {
      // SQLite may have ended the batch on its own (a failed statement can roll back the
      // whole transaction): never reuse a batch that is no longer open.
      if (this.batchOpen && !this.db.inTransaction) this.abandonBatch(new Error('the open batch was rolled back by SQLite'));
      if (!this.batchOpen) {
        this.db.exec('BEGIN IMMEDIATE');
        this.batchOpen = true;
      }
      this.stmt.savepoint.run();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        this.lockedUntil = performance.now() + LOCK_BACKOFF_MS;
        return Promise.reject(this.refuse(LOCKED));
      }
      return Promise.reject(this.refuse(error));
    }
    try {
      value = fn();
      this.stmt.release.run();
    } catch (error) {
      this.energy.forgetReadings();
      const failure = error instanceof Error ? error : new Error(String(error));
      if (!this.db.inTransaction) {
        // The whole batch is gone: every writer waiting on it lost its data too.
        this.abandonBatch(failure);
        return Promise.reject(this.refuse(failure));
      }
      try {
        this.stmt.rollbackTo.run();
        this.stmt.release.run();
      } catch (rollbackError) {
        this.abandonBatch(rollbackError);
        return Promise.reject(this.refuse(failure));
      }
      this.scheduleCommit();
      // A statement that failed for want of storage (full, I/O, read-only) says the archive is not storing.
      if (STORAGE_FAILURES.test(String((failure as { code?: unknown }).code ?? ''))) this.refuse(failure);
      return Promise.reject(failure);
    }
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: () => resolve(value), reject });
      this.scheduleCommit();
    });
  }

  private scheduleCommit(): void {
    // While an fsync runs, the open batch commits when it completes (see settleSync).
    if (this.commitTimer || this.syncing) return;
    const delay = Math.max(this.commitDelayMs, this.lastCommitAt + this.minCommitIntervalMs - performance.now());
    this.commitTimer = delay >= 1 ? setTimeout(() => this.commit(), delay) : setImmediate(() => this.commit());
  }

  /** Forgets a batch SQLite rolled back and rejects every writer that was waiting on it. */
  private abandonBatch(cause: unknown): void {
    this.energy.forgetReadings();
    if (this.db.inTransaction) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // Already rolled back.
      }
    }
    this.batchOpen = false;
    this.batchSamples = [];
    const waiting = this.waiting;
    this.waiting = [];
    const failure = this.refuse(cause, waiting.length);
    for (const w of waiting) w.reject(failure);
  }

  /** Samples committed before a failed sync: their retry is recognised (see orphanSamples). */
  private rememberOrphans(samples: readonly MeterSample[]): void {
    for (const sample of samples) {
      const key = sampleKey(sample);
      this.orphanSamples.set(key, (this.orphanSamples.get(key) ?? 0) + 1);
    }
    for (const key of this.orphanSamples.keys()) {
      if (this.orphanSamples.size <= ORPHAN_SAMPLES_MAX) break;
      this.orphanSamples.delete(key);
    }
  }

  /** Whether the archive stores what arrives (see ArchiveHealth). */
  health(): ArchiveHealth {
    return { ...this.healthState };
  }

  /** Called when the archive stops storing or starts again (not on every refused write). */
  onHealthChange(listener: (health: ArchiveHealth) => void): void {
    this.healthListener = listener;
  }

  /** The error for writes refused because of `cause`; the archive is not storing until a write succeeds. */
  private refuse(cause: unknown, writers = 1): ArchiveUnavailableError {
    const error = cause instanceof ArchiveUnavailableError ? cause : new ArchiveUnavailableError(cause);
    const reason = error.message.replace(/^archive write failed: /, '');
    const wasStoring = this.healthState.storing;
    this.healthState = wasStoring
      ? { storing: false, since: new Date().toISOString(), reason, refusedWrites: writers }
      : { ...this.healthState, reason, refusedWrites: this.healthState.refusedWrites + writers };
    if (wasStoring) this.healthListener?.(this.health());
    return error;
  }

  /** A write was stored (committed and synced): the archive stores again if it did not. */
  private storing(): void {
    if (this.healthState.storing) return;
    this.healthState = { storing: true, since: new Date().toISOString(), reason: null, refusedWrites: 0 };
    this.healthListener?.(this.health());
  }

  /** Commits the open batch now; resolves or rejects every writer waiting on it. */
  commit(): void {
    if (this.commitTimer) {
      clearTimeout(this.commitTimer as NodeJS.Timeout);
      clearImmediate(this.commitTimer as NodeJS.Immediate);
      this.commitTimer = null;
    }
    if (!this.batchOpen) return;
    const waiting = this.waiting;
    this.waiting = [];
    try {
      if (!this.db.inTransaction) throw new Error('the batch was rolled back before its commit');
      this.db.exec('COMMIT');
      this.lastCommitAt = performance.now();
      this.batchOpen = false;
    } catch (error) {
      this.batchSamples = [];
      this.energy.forgetReadings();
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // The failed COMMIT may already have rolled back.
      }
      this.batchOpen = false;
      const failure = this.refuse(error, waiting.length);
      for (const w of waiting) w.reject(failure);
      return;
    }
    const committed = this.batchSamples;
    this.batchSamples = [];
    if (this.walFd === null) {
      if (waiting.length > 0) this.storing();
      for (const w of waiting) w.resolve();
      return;
    }
    for (const sample of committed) this.unsyncedSamples.push(sample);
    for (const w of waiting) this.unsynced.push(w);
    if (!this.syncing) this.startSync();
  }

  /** Starts an fsync of the WAL for every writer committed so far. */
  private startSync(): void {
    if (this.unsynced.length === 0 || this.walFd === null) return;
    const group: SyncGroup = { waiting: this.unsynced, samples: this.unsyncedSamples };
    this.unsynced = [];
    this.unsyncedSamples = [];
    this.syncing = group;
    this.syncWal(this.walFd, (error) => this.settleSync(group, error));
  }

  private settleSync(group: SyncGroup, error: NodeJS.ErrnoException | null): void {
    if (this.syncing !== group) return; // settled by close()
    this.syncing = null;
    // Not durable means not acknowledged: the writers learn it (the station will retry).
    const failure = error ? this.refuse(error, group.waiting.length) : null;
    if (failure) this.rememberOrphans(group.samples);
    if (!failure && group.waiting.length > 0) this.storing();
    for (const w of group.waiting) {
      if (failure) w.reject(failure);
      else w.resolve();
    }
    if (this.closed) return;
    // The batch that grew during the fsync commits now and starts the next one.
    if (this.batchOpen) this.commit();
    else this.startSync();
  }

  /** Waits for nothing: fsyncs now and settles every committed writer (used when closing). */
  private syncNow(): void {
    if (this.walFd === null) return;
    const waiting = [...(this.syncing?.waiting ?? []), ...this.unsynced];
    this.syncing = null;
    this.unsynced = [];
    this.unsyncedSamples = [];
    let failure: ArchiveUnavailableError | null = null;
    try {
      fdatasyncSync(this.walFd);
    } catch (error) {
      failure = this.refuse(error, waiting.length);
    }
    for (const w of waiting) {
      if (failure) w.reject(failure);
      else w.resolve();
    }
  }

  /** SQLite's own consistency check: 'ok' or the first problem found. */
  integrityCheck(): string {
    this.commit();
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  close(): void {
    this.commit();
    this.log.close();
    this.closed = true;
    if (this.checkpointer) {
      // Wait for its connection to close (at most 5 s): the files are then this connection's alone.
      this.checkpointer.postMessage('stop');
      Atomics.wait(new Int32Array(this.checkpointerClosed), 0, 0, 5000);
      this.checkpointer = null;
    }
    this.syncNow();
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
    this.db.close();
  }

  // ---- stations -----------------------------------------------------------------------

  saveStation(s: StoredStation): Promise<void> {
    return this.write(() => {
      this.stmt.upsertStation.run({ ...s, declared: s.declared ? 1 : 0 });
    });
  }

  deleteStation(id: string): Promise<void> {
    return this.write(() => {
      this.stmt.deleteStation.run(id);
    });
  }

  loadStations(): StoredStation[] {
    type Row = {
      id: string;
      protocol: OcppProtocol | null;
      registration: Registration;
      declared: number;
      vendor: string | null;
      model: string | null;
      serial_number: string | null;
      firmware_version: string | null;
      booted_at: string | null;
      last_seen_at: string | null;
      remote_address: string | null;
    };
    return (this.stmt.loadStations.all() as Row[]).map((r) => ({
      id: r.id,
      protocol: r.protocol,
      registration: r.registration,
      declared: r.declared === 1,
      vendor: r.vendor,
      model: r.model,
      serialNumber: r.serial_number,
      firmwareVersion: r.firmware_version,
      bootedAt: r.booted_at,
      lastSeenAt: r.last_seen_at,
      remoteAddress: r.remote_address,
    }));
  }

  loadConnectors(): StoredConnector[] {
    type Row = { station_id: string; evse_id: number; connector_id: number; status: ConnectorStatus; error_code: string | null; updated_at: string };
    return (this.stmt.loadConnectors.all() as Row[]).map((r) => ({
      stationId: r.station_id,
      evseId: r.evse_id,
      connectorId: r.connector_id,
      status: r.status,
      errorCode: r.error_code,
      updatedAt: r.updated_at,
    }));
  }

  /** Stores a connector status and appends it to the status history. */
  recordStatus(c: StoredConnector, stationTime: string, receivedAt: string): Promise<void> {
    return this.write(() => {
      this.stmt.upsertConnector.run(c);
      this.stmt.insertStatus.run(c.stationId, c.evseId, c.connectorId, c.status, c.errorCode, stationTime, receivedAt);
    });
  }

  statusHistory(stationId: string, limit = 100): Array<{ evseId: number; connectorId: number; status: string; errorCode: string | null; stationTime: string; receivedAt: string }> {
    type Row = { evse_id: number; connector_id: number; status: string; error_code: string | null; station_time: string; received_at: string };
    return (this.stmt.statusHistory.all(stationId, limit) as Row[]).map((r) => ({
      evseId: r.evse_id,
      connectorId: r.connector_id,
      status: r.status,
      errorCode: r.error_code,
      stationTime: r.station_time,
      receivedAt: r.received_at,
    }));
  }

  // ---- transactions -------------------------------------------------------------------

  /** Inserts a transaction, or returns the stored one with the same start key (idempotent retries). */
  insertTransaction(t: NewTransaction): Promise<{ transaction: Transaction; created: boolean }> {
    return this.write(() => {
      const existing = this.stmt.txByStartKey.get(t.startKey) as TransactionRow | undefined;
      if (existing) return { transaction: toTransaction(existing), created: false };
      const info = this.stmt.insertTransaction.run({ ...t, ocppTxId: t.ocppTransactionId ?? `pending:${t.startKey}` });
      const id = Number(info.lastInsertRowid);
      if (t.ocppTransactionId === null) this.stmt.setOcppTxId.run(String(id), id);
      const row = this.stmt.txById.get(id) as TransactionRow;
      return { transaction: toTransaction(row), created: true };
    });
  }

  transactionById(id: number): Transaction | null {
    const row = this.stmt.txById.get(id) as TransactionRow | undefined;
    return row ? toTransaction(row) : null;
  }

  transactionByOcppId(stationId: string, ocppTransactionId: string): Transaction | null {
    const row = this.stmt.txByOcppId.get(stationId, ocppTransactionId) as TransactionRow | undefined;
    return row ? toTransaction(row) : null;
  }

  openTransactions(): Transaction[] {
    return (this.stmt.openTransactions.all() as TransactionRow[]).map(toTransaction);
  }

  staleTransactions(lastUpdateBefore: string): Transaction[] {
    return (this.stmt.staleTransactions.all(lastUpdateBefore) as TransactionRow[]).map(toTransaction);
  }

  /** Closes a transaction once; a second stop of the same transaction changes nothing. */
  stopTransaction(id: number, stop: TransactionStop, receivedAt: string): Promise<{ transaction: Transaction; changed: boolean }> {
    return this.write(() => {
      const info = this.stmt.stopTransaction.run({ id, ...stop, receivedAt });
      const row = this.stmt.txById.get(id) as TransactionRow;
      return { transaction: toTransaction(row), changed: info.changes > 0 };
    });
  }

  updateTransaction(
    id: number,
    patch: { idTag?: string | null; energyWh?: number | null; soc?: number | null; socStart?: number | null; meterStartWh?: number | null },
    receivedAt: string,
  ): Promise<Transaction> {
    return this.write(() => {
      this.stmt.updateTransaction.run({
        id,
        idTag: patch.idTag ?? null,
        energyWh: patch.energyWh ?? null,
        soc: patch.soc ?? null,
        socStart: patch.socStart ?? null,
        meterStartWh: patch.meterStartWh ?? null,
        receivedAt,
      });
      return toTransaction(this.stmt.txById.get(id) as TransactionRow);
    });
  }

  /** WHERE clause and parameters of a transaction filter (shared by queries and exports). */
  private transactionFilter(q: TransactionQuery): { where: string[]; params: Record<string, unknown> } {
    return filterOf([
      q.stationId !== undefined && ['station_id = @stationId', 'stationId', q.stationId],
      q.idTag !== undefined && ['id_tag = @idTag', 'idTag', q.idTag],
      q.from !== undefined && ['started_at >= @from', 'from', iso(q.from)],
      q.to !== undefined && ['started_at < @to', 'to', iso(q.to)],
      q.open === true && ['stopped_at IS NULL', null, null],
      q.open === false && ['stopped_at IS NOT NULL', null, null],
    ]);
  }

  /** One page of `SELECT columns FROM table` under a filter, newest first, with the total count. */
  private pageOf<R>(table: string, columns: string, filter: { where: string[]; params: Record<string, unknown> }, order: string, q: { offset?: number; limit?: number }): { rows: R[]; total: number } {
    const clause = filter.where.length > 0 ? `WHERE ${filter.where.join(' AND ')}` : '';
    const limit = Math.min(q.limit ?? 200, 10_000);
    const rows = this.db.prepare(`SELECT ${columns} FROM ${table} ${clause} ORDER BY ${order} LIMIT ${limit} OFFSET ${q.offset ?? 0}`).all(filter.params) as R[];
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table} ${clause}`).get(filter.params) as { n: number }).n;
    return { rows, total };
  }

  /** The listing's SQL (one page and the total), shared by the query and its plan. */
  private transactionListing(q: TransactionQuery): { select: string; count: string; params: Record<string, unknown> } {
    const { where, params } = this.transactionFilter(q);
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const column = SORT_COLUMNS[q.sort ?? 'startedAt'];
    const direction = q.direction === 'asc' ? 'ASC' : 'DESC';
    const limit = Math.min(q.limit ?? 100, 10_000);
    const offset = q.offset ?? 0;
    return {
      select: `SELECT * FROM transactions ${clause} ORDER BY ${column} ${direction}, id ${direction} LIMIT ${limit} OFFSET ${offset}`,
      count: `SELECT COUNT(*) AS n FROM transactions ${clause}`,
      params,
    };
  }

  queryTransactions(q: TransactionQuery): Page<Transaction> {
    const { select, count, params } = this.transactionListing(q);
    const rows = this.db.prepare(select).all(params) as TransactionRow[];
    const total = (this.db.prepare(count).get(params) as { n: number }).n;
    return { items: rows.map(toTransaction), total };
  }

  /** SQLite's plan (EXPLAIN QUERY PLAN details) of a listing's page and count queries. */
  explainTransactionQuery(q: TransactionQuery): { select: string[]; count: string[] } {
    const { select, count, params } = this.transactionListing(q);
    const plan = (sql: string) => (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);
    return { select: plan(select), count: plan(count) };
  }

  /** Number of transactions a filter selects (export progress). */
  countTransactions(q: TransactionQuery): number {
    const { count, params } = this.transactionListing(q);
    return (this.db.prepare(count).get(params) as { n: number }).n;
  }

  /**
   * Reads a filtered set of transactions page by page (keyset on started_at, id, newest
   * first), so an export of a million rows never holds them all nor blocks for long.
   */
  *transactionPages(q: TransactionQuery, pageSize = 5000): Generator<Transaction[]> {
    const { where, params } = this.transactionFilter(q);
    let after: { startedAt: string; id: number } | null = null;
    for (;;) {
      const keyset = after ? ['(started_at < @afterStarted OR (started_at = @afterStarted AND id < @afterId))'] : [];
      const clause = [...where, ...keyset];
      const rows = this.db
        .prepare(`SELECT * FROM transactions ${clause.length > 0 ? `WHERE ${clause.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ${pageSize}`)
        .all(after ? { ...params, afterStarted: after.startedAt, afterId: after.id } : params) as TransactionRow[];
      if (rows.length === 0) return;
      const page = rows.map(toTransaction);
      yield page;
      const last = page[page.length - 1] as Transaction;
      after = { startedAt: last.startedAt, id: last.id };
      if (rows.length < pageSize) return;
    }
  }

  // ---- meter samples ------------------------------------------------------------------

  insertSamples(samples: MeterSample[]): Promise<void> {
    return this.write(() => {
      // Energy and power roll-ups move with the samples, in the same savepoint.
      const rollup: RollupIncrements = new Map();
      const stored: MeterSample[] = [];
      for (const s of samples) {
        if (this.orphanSamples.size > 0) {
          const key = sampleKey(s);
          const orphans = this.orphanSamples.get(key);
          if (orphans !== undefined) {
            // Already stored by the attempt whose sync failed (its roll-ups too).
            if (orphans > 1) this.orphanSamples.set(key, orphans - 1);
            else this.orphanSamples.delete(key);
            continue;
          }
        }
        stored.push(s);
        this.energy.addToRollup(s, rollup);
        // Positional parameters: binding by name cost about 1 µs a sample.
        this.stmt.insertSample.run(s.stationId, s.evseId, s.connectorId, s.transactionId, s.timestamp, s.measurand, s.phase, s.value, s.unit, s.context);
      }
      this.energy.writeRollup(rollup);
      for (const s of stored) this.batchSamples.push(s);
    });
  }

  /** The samples stored for a transaction (stamped within a day of its start and end), in time order. */
  samplesOfTransaction(transactionId: number): MeterSample[] {
    type Row = {
      station_id: string;
      evse_id: number;
      connector_id: number;
      transaction_id: number | null;
      ts: string;
      measurand: string;
      phase: string | null;
      value: number;
      unit: string;
      context: string | null;
    };
    return (this.stmt.samplesOfTx.all({ id: transactionId }) as Row[]).map((r) => ({
      stationId: r.station_id,
      evseId: r.evse_id,
      connectorId: r.connector_id,
      transactionId: r.transaction_id,
      timestamp: r.ts,
      measurand: r.measurand,
      phase: r.phase,
      value: r.value,
      unit: r.unit,
      context: r.context,
    }));
  }

  countSamples(): number {
    return (this.stmt.countSamples.get() as { n: number }).n;
  }

  // ---- operator commands --------------------------------------------------------------

  insertCommand(c: Omit<CommandRecord, 'id'>): Promise<CommandRecord> {
    return this.write(() => {
      const info = this.stmt.insertCommand.run({
        ...c,
        request: JSON.stringify(c.request),
        response: c.response === undefined ? null : JSON.stringify(c.response),
      });
      return { ...c, id: Number(info.lastInsertRowid) };
    });
  }

  commandsOf(stationId: string, limit = 100): CommandRecord[] {
    type Row = {
      id: number;
      station_id: string;
      action: string;
      request: string;
      outcome: CommandRecord['outcome'];
      status: string;
      response: string | null;
      operator: string | null;
      sent_at: string;
      answered_at: string | null;
    };
    return (this.stmt.commandsOf.all(stationId, limit) as Row[]).map((r) => ({
      id: r.id,
      stationId: r.station_id,
      action: r.action,
      request: JSON.parse(r.request) as unknown,
      outcome: r.outcome,
      status: r.status,
      response: r.response === null ? null : (JSON.parse(r.response) as unknown),
      operator: r.operator,
      sentAt: r.sent_at,
      answeredAt: r.answered_at,
    }));
  }

  // ---- OCPP message log (bounded) -----------------------------------------------------

  /** Appends a frame to the message log (its own file, best effort: never throws, never delays a reply). */
  logFrame(stationId: string, direction: 'in' | 'out', frame: string): void {
    this.log.append(stationId, direction, frame);
  }

  /** Frames the message log could not store (best effort: counted, never an error for the exchange). */
  get droppedLogFrames(): number {
    return this.log.dropped;
  }

  /** The log's file (null in memory). */
  get messageLogFile(): string | null {
    return this.log.file === ':memory:' ? null : this.log.file;
  }

  messageLog(stationId: string, limit = 100): Array<{ direction: string; frame: string; at: string }> {
    return this.log.frames(stationId, limit).map(({ direction, frame, at }) => ({ direction, frame, at }));
  }

  /**
   * Archives from before the log had its own file kept it in their ocpp_log table: the newest
   * rows move to the new file once, at its creation, and leave the archive.
   */
  private moveMessageLog(): void {
    if (this.db.prepare('SELECT 1 FROM ocpp_log LIMIT 1').get() === undefined) return;
    const rows = this.db
      .prepare('SELECT station_id, direction, frame, at FROM ocpp_log WHERE id > (SELECT MAX(id) FROM ocpp_log) - ? ORDER BY id')
      .iterate(this.messageLogRows) as Iterable<{ station_id: string; direction: string; frame: string; at: string }>;
    this.log.importRows(rows);
    this.db.exec('DELETE FROM ocpp_log');
  }

  // ---- station page: power history and OCPP frames (issue 3) ---------------------------

  /**
   * Active power per connector between two times, averaged into buckets of `bucketMs` in SQL
   * (so an hour of 1 s samples comes back as a few hundred points). A sample time with a
   * total (no phase) uses it; one with only per-phase values uses their sum.
   */
  powerHistory(stationId: string, fromIso: string, toIso: string, bucketMs: number): Array<{ evseId: number; connectorId: number; t: number; w: number }> {
    this.commit();
    const fromMs = Date.parse(fromIso);
    const toMs = Date.parse(toIso);
    const rows = this.db
      .prepare(
        `SELECT evse_id AS evseId, connector_id AS connectorId,
                CAST((unixepoch(ts, 'subsec') * 1000 - @fromMs) / @bucketMs AS INTEGER) AS bucket, AVG(w) AS w
           FROM (SELECT evse_id, connector_id, ts,
                        CASE WHEN SUM(phase IS NULL) > 0 THEN SUM(CASE WHEN phase IS NULL THEN value END) ELSE SUM(value) END AS w
                   FROM meter_samples
                  WHERE station_id = @stationId AND ts >= @fromText AND ts < @toText AND measurand = 'Power.Active.Import'
                  GROUP BY evse_id, connector_id, ts)
          WHERE unixepoch(ts, 'subsec') * 1000 >= @fromMs AND unixepoch(ts, 'subsec') * 1000 < @toMs
          GROUP BY evse_id, connector_id, bucket
          ORDER BY evse_id, connector_id, bucket`,
      )
      .all({ stationId, fromMs, toMs, bucketMs, fromText: iso(fromIso), toText: iso(toIso) }) as Array<{ evseId: number; connectorId: number; bucket: number; w: number }>;
    return rows.map((r) => ({ evseId: r.evseId, connectorId: r.connectorId, t: fromMs + r.bucket * bucketMs + bucketMs / 2, w: r.w }));
  }

  /** The station's most recent OCPP frames, newest first; `beforeId` pages further back. */
  stationFrames(stationId: string, limit: number, beforeId?: number): Array<{ id: number; direction: 'in' | 'out'; frame: string; at: string }> {
    return this.log.frames(stationId, limit, beforeId);
  }

  // ---- alarms -------------------------------------------------------------------------

  /** Stores a step's sequence-of-events records and the live alarms they changed, in one write. */
  saveAlarmStep(transitions: readonly AlarmTransition[], changed: readonly AlarmInstance[]): Promise<void> {
    return this.write(() => {
      for (const t of transitions) {
        this.stmt.insertAlarmTransition.run({
          seq: t.seq,
          at: new Date(t.at).toISOString(),
          alarmId: t.alarmId,
          ruleId: t.ruleId,
          ruleKind: t.ruleKind,
          ruleName: t.ruleName,
          sourceKey: t.sourceKey,
          stationId: t.source.stationId,
          evseId: t.source.evseId,
          connectorId: t.source.connectorId,
          groupId: t.source.groupId,
          siteId: t.source.siteId,
          severity: t.severity,
          event: t.event,
          from: t.from,
          to: t.to,
          record: JSON.stringify(t),
        });
      }
      for (const alarm of changed) {
        if (alarm.state === 'cleared') this.stmt.deleteLiveAlarm.run(alarm.id);
        else this.stmt.upsertLiveAlarm.run(alarm.id, JSON.stringify(alarm));
      }
    });
  }

  liveAlarms(): AlarmInstance[] {
    return (this.stmt.liveAlarms.all() as Array<{ instance: string }>).map((r) => JSON.parse(r.instance) as AlarmInstance);
  }

  /** Highest record sequence and alarm number handed out so far, to resume numbering after a restart. */
  alarmCounters(): { lastSeq: number; lastAlarmNumber: number } {
    const row = this.stmt.alarmCounters.get() as { seq: number | null; number: number | null };
    return { lastSeq: row.seq ?? 0, lastAlarmNumber: row.number ?? 0 };
  }

  alarmHistory(q: AlarmHistoryQuery): Page<AlarmTransition> {
    const filter = filterOf([
      q.stationId !== undefined && ['station_id = @stationId', 'stationId', q.stationId],
      q.alarmId !== undefined && ['alarm_id = @alarmId', 'alarmId', q.alarmId],
      q.from !== undefined && ['at >= @from', 'from', iso(q.from)],
      q.to !== undefined && ['at < @to', 'to', iso(q.to)],
    ]);
    const { rows, total } = this.pageOf<{ record: string }>('alarm_transitions', 'record', filter, 'seq DESC', q);
    return { items: rows.map((r) => JSON.parse(r.record) as AlarmTransition), total };
  }

  // ---- accounts and audit ---------------------------------------------------------------

  account(username: string): StoredAccount | null {
    return (this.db.prepare('SELECT * FROM accounts WHERE username = ?').get(username) as StoredAccount | undefined) ?? null;
  }

  accounts(): StoredAccount[] {
    return this.db.prepare('SELECT * FROM accounts ORDER BY username').all() as StoredAccount[];
  }

  saveAccount(a: StoredAccount): Promise<void> {
    return this.write(() => {
      this.db
        .prepare(
          `INSERT INTO accounts (username, role, password_hash, disabled, failed_attempts, locked_until, created_at, last_login_at)
           VALUES (@username, @role, @password_hash, @disabled, @failed_attempts, @locked_until, @created_at, @last_login_at)
           ON CONFLICT(username) DO UPDATE SET role=excluded.role, password_hash=excluded.password_hash, disabled=excluded.disabled,
             failed_attempts=excluded.failed_attempts, locked_until=excluded.locked_until, last_login_at=excluded.last_login_at`,
        )
        .run(a);
    });
  }

  appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    return this.write(() => {
      this.db
        .prepare('INSERT INTO audit_log (at, actor, role, action, station_id, detail, ok, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(entry.at, entry.actor, entry.role, entry.action, entry.stationId, JSON.stringify(entry.detail ?? null), entry.ok ? 1 : 0, entry.result);
    });
  }

  audit(q: AuditQuery): Page<AuditEntry> {
    const filter = filterOf([
      q.actor !== undefined && ['actor = @actor', 'actor', q.actor],
      q.action !== undefined && ['action = @action', 'action', q.action],
      q.stationId !== undefined && ['station_id = @stationId', 'stationId', q.stationId],
      q.from !== undefined && ['at >= @from', 'from', iso(q.from)],
      q.to !== undefined && ['at < @to', 'to', iso(q.to)],
    ]);
    type Row = { id: number; at: string; actor: string; role: string; action: string; station_id: string | null; detail: string; ok: number; result: string };
    const { rows, total } = this.pageOf<Row>('audit_log', '*', filter, 'id DESC', q);
    return {
      items: rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, role: r.role, action: r.action, stationId: r.station_id, detail: JSON.parse(r.detail) as unknown, ok: r.ok === 1, result: r.result })),
      total,
    };
  }

  // ---- badges -------------------------------------------------------------------------

  saveBadge(b: Badge): Promise<Badge> {
    return this.write(() => {
      this.stmt.upsertBadge.run({ ...b, category: b.category ?? null, updatedAt: new Date().toISOString() });
      return b;
    });
  }

  /**
   * Seeds badges from a project without overwriting operator edits; a badge without a category
   * takes the project's (so a project that adds categories reaches the badges it seeded before).
   */
  seedBadges(badges: BadgeInput[]): Promise<void> {
    return this.write(() => {
      const now = new Date().toISOString();
      for (const b of badges) {
        const row = { ...b, category: b.category ?? null, updatedAt: now };
        this.stmt.insertBadgeIfMissing.run(row);
        this.stmt.seedBadgeCategory.run(row);
      }
    });
  }

  badge(idTag: string): Badge | null {
    const r = this.stmt.badge.get(idTag) as BadgeRow | undefined;
    return r ? toBadge(r) : null;
  }

  badges(): Badge[] {
    return (this.stmt.badges.all() as BadgeRow[]).map(toBadge);
  }

  // ---- reservations (R-6.3.1) ----------------------------------------------------------

  /** Stores a new reservation (its id is the OCPP reservationId). */
  insertReservation(r: Omit<Reservation, 'id'>): Promise<Reservation> {
    return this.write(() => {
      const info = this.stmt.insertReservation.run(r);
      return this.reservationById(Number(info.lastInsertRowid)) as Reservation;
    });
  }

  /**
   * Moves a reservation to `status` if it is still in one of `from` (null: whatever it is);
   * resolves with the stored reservation and whether it changed.
   */
  updateReservation(
    id: number,
    patch: { status: ReservationStatus; detail: string | null; transactionId?: number | null },
    from: readonly ReservationStatus[] | null,
  ): Promise<{ reservation: Reservation | null; changed: boolean }> {
    return this.write(() => {
      const current = this.reservationById(id);
      if (!current || (from !== null && !from.includes(current.status))) return { reservation: current, changed: false };
      this.stmt.updateReservation.run({
        id,
        status: patch.status,
        detail: patch.detail,
        transactionId: patch.transactionId === undefined ? current.transactionId : patch.transactionId,
        updatedAt: new Date().toISOString(),
      });
      return { reservation: this.reservationById(id), changed: true };
    });
  }

  reservationById(id: number): Reservation | null {
    const r = this.stmt.reservationById.get(id) as ReservationRow | undefined;
    return r ? toReservation(r) : null;
  }

  /** The reservation a transaction used, if any. */
  reservationOfTransaction(transactionId: number): Reservation | null {
    const r = this.stmt.reservationOfTransaction.get(transactionId) as ReservationRow | undefined;
    return r ? toReservation(r) : null;
  }

  /** The reservation a badge holds on a station (pending or accepted; one at most, the book sees to it). */
  heldReservation(stationId: string, idTag: string): Reservation | null {
    const r = this.stmt.heldReservation.get(stationId, idTag) as ReservationRow | undefined;
    return r ? toReservation(r) : null;
  }

  /** Reservations newest first: of one station, only those still held (pending or accepted), at most `limit`. */
  reservations(q: { stationId?: string; live?: boolean; limit: number }): Reservation[] {
    return (this.stmt.reservations.all({ stationId: q.stationId ?? null, live: q.live ? 1 : 0, limit: q.limit }) as ReservationRow[]).map(toReservation);
  }
}

interface ReservationRow {
  id: number;
  station_id: string;
  evse_id: number;
  id_tag: string;
  expires_at: string;
  departure_at: string | null;
  energy_wh: number | null;
  status: ReservationStatus;
  detail: string | null;
  transaction_id: number | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

function toReservation(r: ReservationRow): Reservation {
  return {
    id: r.id,
    stationId: r.station_id,
    evseId: r.evse_id,
    idTag: r.id_tag,
    expiresAt: r.expires_at,
    departureAt: r.departure_at,
    energyWh: r.energy_wh,
    status: r.status,
    detail: r.detail,
    transactionId: r.transaction_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

interface BadgeRow {
  id_tag: string;
  status: Badge['status'];
  expires_at: string | null;
  parent_id_tag: string | null;
  label: string | null;
  category: string | null;
}

function toBadge(r: BadgeRow): Badge {
  return { idTag: r.id_tag, status: r.status, expiresAt: r.expires_at, parentIdTag: r.parent_id_tag, label: r.label, category: r.category };
}
