// The energy service as the API uses it: sites answered at once, aggregates computed in a
// worker thread (worker.ts) started on first use and restarted if it ever dies.
import { Worker } from 'node:worker_threads';
import { ApiError, type ApiErrorCode } from '../../src-shared/api/index.ts';
import type { EnergySummary, EnergySummaryQuery, MeterTrend, MeterTrendQuery, PowerSeries, PowerSeriesQuery, SiteInfo } from '../../src-shared/api/energy.ts';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { workerExecArgv } from '../archive/index.ts';
import { sitesOfProject } from './sites.ts';

type EnergyWorkerQuery =
  | { method: 'summary'; request: EnergySummaryQuery }
  | { method: 'powerSeries'; request: PowerSeriesQuery }
  | { method: 'meterTrend'; request: MeterTrendQuery };

/** A query (answered with the same id), or the project to use from now on (not answered). */
export type EnergyWorkerRequest = (EnergyWorkerQuery & { id: number }) | { id: number; method: 'project'; project: ProjectFile | null };

export type EnergyWorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; code: ApiErrorCode; message: string };

export interface EnergyWorkerOptions {
  /** The archive's SQLite file (opened read-only by the worker). */
  file: string;
  project: ProjectFile | null;
  stationExists: (stationId: string) => boolean;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class EnergyWorker {
  private readonly options: EnergyWorkerOptions;
  private sites: SiteInfo[];
  private project: ProjectFile | null;
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(options: EnergyWorkerOptions) {
    this.options = options;
    this.project = options.project;
    this.sites = sitesOfProject(options.project);
  }

  /**
   * Another project version runs (live apply): its sites answer at once, and the worker, which
   * handles messages in order, answers every later query on them.
   */
  useProject(project: ProjectFile | null): void {
    this.project = project;
    this.sites = sitesOfProject(project);
    this.worker?.postMessage({ id: 0, method: 'project', project } satisfies EnergyWorkerRequest);
  }

  listSites(): SiteInfo[] {
    return structuredClone(this.sites);
  }

  summary(request: EnergySummaryQuery): Promise<EnergySummary> {
    return this.call({ method: 'summary', request }) as Promise<EnergySummary>;
  }

  powerSeries(request: PowerSeriesQuery): Promise<PowerSeries> {
    if (request.stationId !== undefined) this.stationOr404(request.stationId);
    return this.call({ method: 'powerSeries', request }) as Promise<PowerSeries>;
  }

  meterTrend(request: MeterTrendQuery): Promise<MeterTrend> {
    this.stationOr404(request.stationId);
    return this.call({ method: 'meterTrend', request }) as Promise<MeterTrend>;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.failAll(new ApiError('Unavailable', 'The supervisor is stopping'));
  }

  private stationOr404(stationId: string): void {
    if (!this.options.stationExists(stationId)) throw new ApiError('NotFound', `No station ${stationId}`);
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private start(): Worker {
    // Without --input-type: a server run as `node --input-type=module -e` would pass it on and the worker would not load.
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: { file: this.options.file, project: this.project }, execArgv: workerExecArgv() });
    worker.unref();
    worker.on('message', (reply: EnergyWorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new ApiError(reply.code, reply.message));
    });
    const lost = (cause: string) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new ApiError('Internal', `The energy worker stopped (${cause}); ask again`));
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return worker;
  }

  private call(message: EnergyWorkerQuery): Promise<unknown> {
    if (this.closed) return Promise.reject(new ApiError('Unavailable', 'The supervisor is stopping'));
    this.worker ??= this.start();
    const worker = this.worker;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Keep the process alive while an answer is awaited, not otherwise.
      const settled = () => {
        if (this.pending.size === 0) worker.unref();
      };
      this.pending.set(id, {
        resolve: (value) => {
          resolve(value);
          settled();
        },
        reject: (error) => {
          reject(error);
          settled();
        },
      });
      worker.ref();
      worker.postMessage({ ...message, id });
    });
  }
}
