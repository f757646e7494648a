// Load-generator worker: holds many raw OCPP-J connections (half 1.6, half 2.0.1) and
// drives them through connect, steady traffic and saturation, measuring reply latency.
import { appendFileSync } from 'node:fs';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';

export interface WorkerJob {
  url: string;
  ids: string[];
  /** Steady phase: messages per second per station. */
  ratePerStation: number;
  steadyMs: number;
  saturateMs: number;
}

export interface PhaseStats {
  sent: number;
  answered: number;
  errors: number;
  /** Reply latencies in ms (every reply of the phase). */
  latencies: number[];
  elapsedMs: number;
}

export type WorkerMessage =
  | { kind: 'connected'; connected: number; failed: number; elapsedMs: number }
  | { kind: 'steady'; stats: PhaseStats }
  | { kind: 'saturate'; stats: PhaseStats }
  | { kind: 'go' };

const job = workerData as WorkerJob;
/** BENCH_TRACE=FILE: every steady-phase reply as `sent-at-ms latency-ms action`, to FILE.<thread>. */
const trace: string[] = [];

interface Station {
  id: string;
  v16: boolean;
  ws: WebSocket;
  seq: number;
  sentAt: number;
  pending: string | null;
  txId: number | string | null;
  energy: number;
  onReply: ((ok: boolean) => void) | null;
}

function nextFrame(s: Station): [string, string] {
  s.seq++;
  const id = `${s.id}-${s.seq}`;
  const now = new Date().toISOString();
  const step = s.seq % 10;
  s.energy += 150;
  if (s.v16) {
    if (step === 1) return [id, JSON.stringify([2, id, 'StartTransaction', { connectorId: 1, idTag: 'LOAD', meterStart: s.energy, timestamp: now }])];
    if (step === 8 && typeof s.txId === 'number') {
      const stop = [2, id, 'StopTransaction', { transactionId: s.txId, meterStop: s.energy, timestamp: now }];
      s.txId = null;
      return [id, JSON.stringify(stop)];
    }
    if (step === 9) return [id, JSON.stringify([2, id, 'Heartbeat', {}])];
    if (step === 0) return [id, JSON.stringify([2, id, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: now }])];
    const mv: Record<string, unknown> = { connectorId: 1, meterValue: [{ timestamp: now, sampledValue: [{ value: String(s.energy) }, { value: '11000', measurand: 'Power.Active.Import', unit: 'W' }] }] };
    if (typeof s.txId === 'number') mv.transactionId = s.txId;
    return [id, JSON.stringify([2, id, 'MeterValues', mv])];
  }
  const txId = `${s.id}-tx-${Math.floor(s.seq / 10)}`;
  if (step === 1) {
    s.txId = txId;
    return [id, JSON.stringify([2, id, 'TransactionEvent', { eventType: 'Started', timestamp: now, triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: txId }, evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'LOAD', type: 'ISO14443' }, meterValue: [{ timestamp: now, sampledValue: [{ value: s.energy, context: 'Transaction.Begin' }] }] }])];
  }
  if (step === 8 && typeof s.txId === 'string') {
    const ended = [2, id, 'TransactionEvent', { eventType: 'Ended', timestamp: now, triggerReason: 'StopAuthorized', seqNo: 7, transactionInfo: { transactionId: s.txId, stoppedReason: 'Local' }, meterValue: [{ timestamp: now, sampledValue: [{ value: s.energy, context: 'Transaction.End' }] }] }];
    s.txId = null;
    return [id, JSON.stringify(ended)];
  }
  if (step === 9) return [id, JSON.stringify([2, id, 'Heartbeat', {}])];
  if (step === 0) return [id, JSON.stringify([2, id, 'StatusNotification', { timestamp: now, connectorStatus: 'Occupied', evseId: 1, connectorId: 1 }])];
  if (typeof s.txId === 'string') {
    return [id, JSON.stringify([2, id, 'TransactionEvent', { eventType: 'Updated', timestamp: now, triggerReason: 'MeterValuePeriodic', seqNo: step, transactionInfo: { transactionId: s.txId, chargingState: 'Charging' }, meterValue: [{ timestamp: now, sampledValue: [{ value: s.energy }, { value: 11000, measurand: 'Power.Active.Import' }] }] }])];
  }
  return [id, JSON.stringify([2, id, 'MeterValues', { evseId: 1, meterValue: [{ timestamp: now, sampledValue: [{ value: s.energy }] }] }])];
}

function send(s: Station, stats: PhaseStats, done: () => void): void {
  if (s.ws.readyState !== WebSocket.OPEN) return;
  const [id, text] = nextFrame(s);
  s.pending = id;
  s.sentAt = performance.now();
  stats.sent++;
  s.onReply = (ok) => {
    stats.latencies.push(performance.now() - s.sentAt);
    if (process.env.BENCH_TRACE) trace.push(`${Math.round(s.sentAt)} ${(performance.now() - s.sentAt).toFixed(1)} ${text.slice(0, 80).split(',')[2]}`);
    if (ok) stats.answered++;
    else stats.errors++;
    done();
  };
  s.ws.send(text);
}

async function connectAll(): Promise<Station[]> {
  const stations: Station[] = [];
  const started = performance.now();
  let failed = 0;
  const connectOne = (id: string, index: number) =>
    new Promise<void>((resolve) => {
      const v16 = index % 2 === 0;
      const ws = new WebSocket(`${job.url}/${id}`, v16 ? 'ocpp1.6' : 'ocpp2.0.1', { perMessageDeflate: false });
      const s: Station = { id, v16, ws, seq: 0, sentAt: 0, pending: null, txId: null, energy: 0, onReply: null };
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as unknown[];
        if (frame[0] === 2) {
          ws.send(JSON.stringify([3, frame[1], { status: 'Accepted' }]));
          return;
        }
        if (frame[1] !== s.pending) return;
        s.pending = null;
        const payload = frame[2] as { transactionId?: number } | undefined;
        if (frame[0] === 3 && s.v16 && typeof payload?.transactionId === 'number') s.txId = payload.transactionId;
        const cb = s.onReply;
        s.onReply = null;
        cb?.(frame[0] === 3);
      });
      ws.on('error', () => undefined);
      ws.once('open', () => {
        s.pending = `${id}-boot`;
        s.onReply = () => {
          stations.push(s);
          resolve();
        };
        const boot = v16 ? { chargePointVendor: 'Load', chargePointModel: 'Gen' } : { reason: 'PowerUp', chargingStation: { model: 'Gen', vendorName: 'Load' } };
        ws.send(JSON.stringify([2, s.pending, 'BootNotification', boot]));
      });
      ws.once('close', () => {
        if (!stations.includes(s)) {
          failed++;
          resolve();
        }
      });
    });
  // Bounded concurrency of handshakes, as a real fleet reconnecting would be.
  const queue = job.ids.map((id, i) => () => connectOne(id, i));
  const lanes = Array.from({ length: 100 }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await next();
  });
  await Promise.all(lanes);
  parentPort?.postMessage({ kind: 'connected', connected: stations.length, failed, elapsedMs: performance.now() - started } satisfies WorkerMessage);
  return stations;
}

function steady(stations: Station[]): Promise<PhaseStats> {
  const stats: PhaseStats = { sent: 0, answered: 0, errors: 0, latencies: [], elapsedMs: 0 };
  const periodMs = 1000 / job.ratePerStation;
  const started = performance.now();
  const timers: NodeJS.Timeout[] = [];
  return new Promise((resolve) => {
    stations.forEach((s, i) => {
      // Spread the stations over the period so the load is even.
      const first = setTimeout(() => {
        const tick = () => {
          if (s.pending === null) send(s, stats, () => undefined);
        };
        tick();
        timers.push(setInterval(tick, periodMs));
      }, (i / stations.length) * periodMs);
      timers.push(first);
    });
    setTimeout(() => {
      for (const t of timers) clearInterval(t);
      // Let the last replies arrive.
      setTimeout(() => {
        stats.elapsedMs = performance.now() - started;
        resolve(stats);
      }, 1000);
    }, job.steadyMs);
  });
}

function saturate(stations: Station[]): Promise<PhaseStats> {
  const stats: PhaseStats = { sent: 0, answered: 0, errors: 0, latencies: [], elapsedMs: 0 };
  const started = performance.now();
  let running = true;
  return new Promise((resolve) => {
    for (const s of stations) {
      const loop = () => {
        if (running) send(s, stats, loop);
      };
      if (s.pending === null) loop();
    }
    setTimeout(() => {
      running = false;
      stats.elapsedMs = performance.now() - started;
      resolve(stats);
    }, job.saturateMs);
  });
}

const stations = await connectAll();
await new Promise<void>((resolve) => parentPort?.once('message', () => resolve()));
parentPort?.postMessage({ kind: 'steady', stats: await steady(stations) } satisfies WorkerMessage);
if (process.env.BENCH_TRACE) appendFileSync(`${process.env.BENCH_TRACE}.${threadId}`, trace.join('\n'));
await new Promise<void>((resolve) => parentPort?.once('message', () => resolve()));
parentPort?.postMessage({ kind: 'saturate', stats: await saturate(stations) } satisfies WorkerMessage);
for (const s of stations) s.ws.terminate();
