// Worker thread of the energy service: runs the dashboard queries on its own read-only
// connection to the archive, so that a month of 1,000 stations never holds up the main
// process (architecture rule 6). It sees what is committed (at most one group commit behind).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ApiError } from '../../src-shared/api/index.ts';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { EnergyQueries } from '../archive/energy.ts';
import { EnergyService } from './service.ts';
import type { EnergyWorkerReply, EnergyWorkerRequest } from './worker-client.ts';

const { file, project } = workerData as { file: string; project: ProjectFile | null };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
// The main thread checks that stations exist before it asks.
let service = new EnergyService({ queries: new EnergyQueries(db), project, stationExists: () => true });

parentPort?.on('message', (message: EnergyWorkerRequest) => {
  if (message.method === 'project') {
    service = new EnergyService({ queries: new EnergyQueries(db), project: message.project, stationExists: () => true });
    return;
  }
  let reply: EnergyWorkerReply;
  try {
    const value =
      message.method === 'summary'
        ? service.summary(message.request)
        : message.method === 'powerSeries'
          ? service.powerSeries(message.request)
          : service.meterTrend(message.request);
    reply = { id: message.id, ok: true, value };
  } catch (error) {
    reply = error instanceof ApiError ? { id: message.id, ok: false, code: error.code, message: error.message } : { id: message.id, ok: false, code: 'Internal', message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
