// The bounded OCPP message log, in a SQLite file of its own beside the archive. It is best
// effort (a frame that cannot be logged is dropped, never an error for the exchange) and has
// no place in the archive's group commit: there its two rows per exchange, and their
// per-station index pages, were rewritten and fsynced with every batch before any reply could
// go out. Here rows are inserted into a transaction that commits every `commitIntervalMs`
// without fsync (WAL, synchronous=NORMAL: a kill -9 loses nothing committed, a power loss at
// most the last commits), and the same connection reads them back, committed or not.
import Database from 'better-sqlite3';

export interface MessageLogOptions {
  /** Maximum rows kept (oldest pruned first, every 1,000 appends). */
  maxRows: number;
  /** How long appended rows wait for their commit, ms (default 200). */
  commitIntervalMs?: number;
}

export interface LoggedFrame {
  id: number;
  direction: 'in' | 'out';
  frame: string;
  at: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS ocpp_log (
    id INTEGER PRIMARY KEY,
    station_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    frame TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS ocpp_log_station ON ocpp_log (station_id, id);
`;

/** Longest frame kept whole; longer ones are cut and marked with an ellipsis. */
const MAX_FRAME_CHARS = 8192;

export class MessageLog {
  readonly file: string;
  /** Frames that could not be logged (disk full, file locked or damaged). */
  dropped = 0;
  /** True when this open created the file (the caller may move older rows into it). */
  readonly created: boolean;
  private readonly db: Database.Database;
  private readonly options: Required<MessageLogOptions>;
  private readonly insert: Database.Statement;
  private readonly prune: Database.Statement;
  private appends = 0;
  private commitTimer: NodeJS.Timeout | null = null;

  constructor(file: string, options: MessageLogOptions) {
    this.file = file;
    this.options = { commitIntervalMs: 200, ...options };
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // One writer per file; another process holding it must not stall this one: drop instead.
    this.db.pragma('busy_timeout = 0');
    this.created = (this.db.pragma('user_version', { simple: true }) as number) === 0;
    this.db.exec(SCHEMA);
    if (this.created) this.db.pragma('user_version = 1');
    this.insert = this.db.prepare('INSERT INTO ocpp_log (station_id, direction, frame, at) VALUES (?, ?, ?, ?)');
    this.prune = this.db.prepare('DELETE FROM ocpp_log WHERE id <= (SELECT MAX(id) FROM ocpp_log) - ?');
  }

  /** Appends a frame; never throws (a failure drops the frames not yet committed). */
  append(stationId: string, direction: 'in' | 'out', frame: string, at = new Date().toISOString()): void {
    try {
      if (!this.db.inTransaction) this.db.exec('BEGIN');
      this.insert.run(stationId, direction, frame.length > MAX_FRAME_CHARS ? `${frame.slice(0, MAX_FRAME_CHARS)}…` : frame, at);
      if (++this.appends % 1000 === 0) this.prune.run(this.options.maxRows);
    } catch {
      this.dropped++;
      this.rollback();
      return;
    }
    if (!this.commitTimer) {
      this.commitTimer = setTimeout(() => this.commit(), this.options.commitIntervalMs);
      this.commitTimer.unref();
    }
  }

  /** Copies rows (oldest first) from an older store, e.g. the archive's own table before this file existed. */
  importRows(rows: Iterable<{ station_id: string; direction: string; frame: string; at: string }>): number {
    let n = 0;
    this.db.transaction(() => {
      for (const r of rows) {
        this.insert.run(r.station_id, r.direction, r.frame, r.at);
        n++;
      }
      this.prune.run(this.options.maxRows);
    })();
    return n;
  }

  /** A station's frames, newest first, committed or not; `beforeId` pages further back. */
  frames(stationId: string, limit: number, beforeId?: number): LoggedFrame[] {
    const sql =
      beforeId === undefined
        ? 'SELECT id, direction, frame, at FROM ocpp_log WHERE station_id = @stationId ORDER BY id DESC LIMIT @limit'
        : 'SELECT id, direction, frame, at FROM ocpp_log WHERE station_id = @stationId AND id < @beforeId ORDER BY id DESC LIMIT @limit';
    return this.db.prepare(sql).all({ stationId, limit, beforeId }) as LoggedFrame[];
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM ocpp_log').get() as { n: number }).n;
  }

  /** Commits the appended rows now. */
  commit(): void {
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = null;
    if (!this.db.inTransaction) return;
    try {
      this.db.exec('COMMIT');
    } catch {
      this.rollback();
    }
  }

  private rollback(): void {
    if (!this.db.inTransaction) return;
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // SQLite already rolled back.
    }
  }

  close(): void {
    if (!this.db.open) return;
    this.commit();
    this.db.close();
  }
}
