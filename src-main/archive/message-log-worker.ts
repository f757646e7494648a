// Writer thread of the OCPP message log (see message-log.ts): inserts the batches the main
// thread sends, prunes to the bound, commits, and acknowledges each batch by its last id.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { LogRow, LogWorkerData, LogWorkerReply, LogWorkerRequest } from './message-log.ts';

const { file, maxRows, done } = workerData as LogWorkerData;
const flag = new Int32Array(done);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 1000');
const insert = db.prepare('INSERT INTO ocpp_log (id, station_id, direction, frame, at) VALUES (?, ?, ?, ?, ?)');
const prune = db.prepare('DELETE FROM ocpp_log WHERE id <= ?');

function write(rows: LogRow[]): boolean {
  try {
    db.transaction(() => {
      for (const r of rows) {
        insert.run(r[0], r[1], r[2], r[3], r[4]);
        // Every 1,000th id (ids are consecutive): the log holds at most the bound plus 1,000.
        if (r[0] % 1000 === 0) prune.run(r[0] - maxRows);
      }
    })();
    return true;
  } catch {
    return false;
  }
}

parentPort?.on('message', (request: LogWorkerRequest) => {
  if (request.kind === 'rows') {
    const ok = write(request.rows);
    parentPort?.postMessage({ kind: 'ack', lastId: (request.rows[request.rows.length - 1] as LogRow)[0], ok, count: request.rows.length } satisfies LogWorkerReply);
    return;
  }
  // close: everything sent before was written (messages arrive in order); tell the waiting main thread.
  db.close();
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  parentPort?.close();
});
