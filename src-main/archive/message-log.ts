// The bounded OCPP message log, in a SQLite file of its own beside the archive, written by a
// worker thread. It is best effort (a frame that cannot be logged is dropped, never an error
// for the exchange) and has no place in the archive's group commit: there its two rows per
// exchange, and their per-station index pages, were inserted, rewritten and fsynced on the
// main thread before any reply could go out. Here the main thread only numbers the rows and
// hands them over in batches; the worker inserts and commits them (WAL, synchronous=NORMAL:
// a kill -9 loses nothing committed, a power loss at most the last commits). Reads see the
// committed rows plus those still on their way, so a frame is readable as soon as it is logged.
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface MessageLogOptions {
  /** Maximum rows kept (oldest pruned first, every 1,000 rows). */
  maxRows: number;
  /** How long appended rows wait before they go to the writer thread, ms (default 50). */
  batchMs?: number;
}

export interface LoggedFrame {
  id: number;
  direction: 'in' | 'out';
  frame: string;
  at: string;
}

/** id, station, direction, frame, at: a tuple, cheap to build and to pass to the worker. */
export type LogRow = [id: number, stationId: string, direction: 'in' | 'out', frame: string, at: string];
export type LogWorkerRequest = { kind: 'rows'; rows: LogRow[] } | { kind: 'close' };
export type LogWorkerReply = { kind: 'ack'; lastId: number; ok: boolean; count: number };
export interface LogWorkerData {
  file: string;
  maxRows: number;
  /** Int32 set to 1 by the worker once it has written everything and closed the file. */
  done: SharedArrayBuffer;
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
/** Rows held in memory while the writer is behind (or gone) before new frames are dropped. */
const MAX_UNWRITTEN_ROWS = 200_000;
/** Longest close() waits for the writer to finish, ms. */
const CLOSE_WAIT_MS = 5000;
/** After the writer died, how long frames are dropped before a new one is started, ms. */
const RESTART_DELAY_MS = 5000;

/**
 * Node options for a worker thread started from this process: without --input-type, which a
 * process started with `node --input-type=module -e ...` (benchmarks, tests) passes on and
 * which makes a worker fail to load its file (ERR_INPUT_TYPE_NOT_ALLOWED).
 */
export function workerExecArgv(): string[] {
  const out: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i] as string;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) out.push(arg);
  }
  return out;
}

export class MessageLog {
  readonly file: string;
  /** Frames that could not be logged (writer failed, gone or too far behind). */
  dropped = 0;
  /** True when this open created the file (the caller may move older rows into it). */
  readonly created: boolean;
  /** Reads only (and the one-time import); the worker is the writer. */
  private readonly db: Database.Database;
  private readonly options: Required<MessageLogOptions>;
  private worker: Worker | null = null;
  private readonly done = new SharedArrayBuffer(4);
  private nextId: number;
  /** Rows not yet handed over, and batches handed over but not yet acknowledged. */
  private pending: LogRow[] = [];
  private inFlight: LogRow[][] = [];
  private unwritten = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  /** When the last writer died: no new one before RESTART_DELAY_MS (no restart storm). */
  private lostAt = -Infinity;

  constructor(file: string, options: MessageLogOptions) {
    this.file = file;
    this.options = { batchMs: 50, ...options };
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 1000');
    this.created = (this.db.pragma('user_version', { simple: true }) as number) === 0;
    this.db.exec(SCHEMA);
    if (this.created) this.db.pragma('user_version = 1');
    this.nextId = ((this.db.prepare('SELECT MAX(id) AS id FROM ocpp_log').get() as { id: number | null }).id ?? 0) + 1;
  }

  /** Copies rows (oldest first) from an older store; call before the first append. */
  importRows(rows: Iterable<{ station_id: string; direction: string; frame: string; at: string }>): number {
    const insert = this.db.prepare('INSERT INTO ocpp_log (id, station_id, direction, frame, at) VALUES (?, ?, ?, ?, ?)');
    let n = 0;
    this.db.transaction(() => {
      for (const r of rows) {
        insert.run(this.nextId++, r.station_id, r.direction, r.frame, r.at);
        n++;
      }
      this.db.prepare('DELETE FROM ocpp_log WHERE id < ?').run(this.nextId - this.options.maxRows);
    })();
    return n;
  }

  /** Appends a frame; never throws. */
  append(stationId: string, direction: 'in' | 'out', frame: string): void {
    if (this.unwritten >= MAX_UNWRITTEN_ROWS || this.file === ':memory:') {
      if (this.file === ':memory:') this.appendInMemoryFile(stationId, direction, frame);
      else this.dropped++;
      return;
    }
    this.pending.push([this.nextId++, stationId, direction, frame.length > MAX_FRAME_CHARS ? `${frame.slice(0, MAX_FRAME_CHARS)}…` : frame, new Date().toISOString()]);
    this.unwritten++;
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.options.batchMs);
      this.flushTimer.unref();
    }
  }

  /** An in-memory database cannot be shared with a thread: written here (tests, throwaway archives). */
  private appendInMemoryFile(stationId: string, direction: 'in' | 'out', frame: string): void {
    try {
      this.db
        .prepare('INSERT INTO ocpp_log (id, station_id, direction, frame, at) VALUES (?, ?, ?, ?, ?)')
        .run(this.nextId++, stationId, direction, frame.length > MAX_FRAME_CHARS ? `${frame.slice(0, MAX_FRAME_CHARS)}…` : frame, new Date().toISOString());
    } catch {
      this.dropped++;
    }
  }

  /** Hands the pending rows to the writer thread now. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    const worker = this.writer();
    if (!worker) {
      this.dropped += rows.length;
      this.unwritten -= rows.length;
      return;
    }
    this.inFlight.push(rows);
    worker.postMessage({ kind: 'rows', rows } satisfies LogWorkerRequest);
  }

  private writer(): Worker | null {
    if (this.worker) return this.worker;
    if (performance.now() - this.lostAt < RESTART_DELAY_MS) return null;
    try {
      const worker = new Worker(new URL('./message-log-worker.ts', import.meta.url), {
        workerData: { file: this.file, maxRows: this.options.maxRows, done: this.done } satisfies LogWorkerData,
        execArgv: workerExecArgv(),
      });
      worker.unref();
      worker.on('message', (reply: LogWorkerReply) => this.acknowledged(reply));
      const lost = () => {
        if (this.worker !== worker) return;
        this.worker = null;
        this.lostAt = performance.now();
        // What it had not acknowledged is lost; the next flush starts a new writer.
        for (const batch of this.inFlight) {
          this.dropped += batch.length;
          this.unwritten -= batch.length;
        }
        this.inFlight = [];
      };
      worker.on('error', lost);
      worker.on('exit', lost);
      this.worker = worker;
      return worker;
    } catch {
      return null;
    }
  }

  private acknowledged(reply: LogWorkerReply): void {
    if (!reply.ok) this.dropped += reply.count;
    while (this.inFlight.length > 0 && ((this.inFlight[0] as LogRow[]).at(-1) as LogRow)[0] <= reply.lastId) {
      this.unwritten -= (this.inFlight.shift() as LogRow[]).length;
    }
  }

  /** A station's frames, newest first, written or on their way; `beforeId` pages further back. */
  frames(stationId: string, limit: number, beforeId?: number): LoggedFrame[] {
    const sql =
      beforeId === undefined
        ? 'SELECT id, direction, frame, at FROM ocpp_log WHERE station_id = @stationId ORDER BY id DESC LIMIT @limit'
        : 'SELECT id, direction, frame, at FROM ocpp_log WHERE station_id = @stationId AND id < @beforeId ORDER BY id DESC LIMIT @limit';
    // The newest maxRows ids are the log; older rows only wait for the next prune.
    const oldest = this.nextId - this.options.maxRows;
    const stored = (this.db.prepare(sql).all({ stationId, limit, beforeId }) as LoggedFrame[]).filter((f) => f.id >= oldest);
    const unwritten: LoggedFrame[] = [];
    for (const batch of [this.pending, ...this.inFlight].reverse()) {
      for (let i = batch.length - 1; i >= 0; i--) {
        const [id, station, direction, frame, at] = batch[i] as LogRow;
        if (station === stationId && id >= oldest && (beforeId === undefined || id < beforeId)) unwritten.push({ id, direction, frame, at });
      }
    }
    if (unwritten.length === 0) return stored;
    // Newer than anything stored, except a batch written but not yet acknowledged: keep one of each id.
    const seen = new Set(unwritten.map((f) => f.id));
    return [...unwritten, ...stored.filter((f) => !seen.has(f.id))].sort((a, b) => b.id - a.id).slice(0, limit);
  }

  /** Writes everything logged so far and stops the writer (waits for it, at most 5 s). */
  close(): void {
    if (!this.db.open) return;
    this.flush();
    const worker = this.worker;
    if (worker) {
      worker.postMessage({ kind: 'close' } satisfies LogWorkerRequest);
      Atomics.wait(new Int32Array(this.done), 0, 0, CLOSE_WAIT_MS);
      this.worker = null;
    }
    this.db.close();
  }
}
