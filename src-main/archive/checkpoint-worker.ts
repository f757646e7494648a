// Checkpoints the archive's WAL from a thread of its own (see SqliteArchive: "checkpoints").
// PASSIVE: copies the committed pages into the database file and fsyncs it without taking the
// write lock, so the main thread's writers never wait for it.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
  /** Int32 set to 1 once the connection is closed (the archive's close() waits for it). */
  closed: SharedArrayBuffer;
}

const { file, intervalMs, closed } = workerData as CheckpointWorkerData;
const db = new Database(file);
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy (another checkpoint runs) or a transient error: the next round tries again, and
    // the archive's own auto-checkpoint remains as the safety net.
  }
}, intervalMs);
parentPort?.on('message', () => {
  clearInterval(timer);
  db.close();
  const flag = new Int32Array(closed);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  parentPort?.close();
});
