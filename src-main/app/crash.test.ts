// kill -9 of the server during a burst of transactions: everything the server acknowledged
// (CALLRESULT received) must be in the archive after restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRaw, eventually, startTestSupervisor, type RawStation } from './test-support.ts';
import { SimulatedStation } from '../simulator/index.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const dataDir = mkdtempSync(join(tmpdir(), 'evs-crash-'));
let child: ChildProcess | null = null;

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function startServerProcess(port = 0, dir = dataDir): Promise<{ process: ChildProcess; ocppUrl: string }> {
  const code = "import('./src-main/app/cli.ts').then((m) => m.main(process.argv.slice(1)))";
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code, '--', '--no-demo', '--port', String(port), '--data', dir, '--auto-accept', '--api-key', 'k', '--log-level', 'error'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/([\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ process: proc, ocppUrl: `ws://${m[1]}/ocpp` });
      }
    });
    proc.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('exit', (exitCode) => reject(new Error(`server exited (${exitCode}): ${out}`)));
  });
}

interface Acknowledged {
  starts: Array<{ station: string; transactionId: number }>;
  stops: number[];
  /** transactionId → sampled values acknowledged */
  samples: Map<number, number>;
}

/** One station charging in a loop as fast as the server acknowledges, until the socket dies. */
async function burst(station: RawStation, name: string, ack: Acknowledged): Promise<void> {
  const stamp = () => new Date().toISOString();
  try {
    for (let round = 0; ; round++) {
      const start = await station.call('StartTransaction', { connectorId: 1, idTag: `T${round}`, meterStart: round * 1000, timestamp: stamp() });
      if (start[0] !== 3) throw new Error(`start refused: ${JSON.stringify(start)}`);
      const transactionId = (start[2] as { transactionId: number }).transactionId;
      ack.starts.push({ station: name, transactionId });
      for (let i = 1; i <= 3; i++) {
        const mv = await station.call('MeterValues', {
          connectorId: 1,
          transactionId,
          meterValue: [{ timestamp: stamp(), sampledValue: [{ value: String(round * 1000 + i * 100) }, { value: '7000', measurand: 'Power.Active.Import', unit: 'W' }] }],
        });
        if (mv[0] !== 3) throw new Error('meter values refused');
        ack.samples.set(transactionId, (ack.samples.get(transactionId) ?? 0) + 2);
      }
      const stop = await station.call('StopTransaction', { transactionId, meterStop: round * 1000 + 500, timestamp: stamp() });
      if (stop[0] !== 3) throw new Error('stop refused');
      ack.stops.push(transactionId);
    }
  } catch {
    // The server was killed: the burst ends here.
  }
}

describe('crash safety', () => {
  it('after kill -9 during a burst, every acknowledged start, stop and meter sample is in the archive', async () => {
    const server = await startServerProcess();
    child = server.process;
    const ack: Acknowledged = { starts: [], stops: [], samples: new Map() };
    const names = Array.from({ length: 8 }, (_, i) => `CRASH-${i + 1}`);
    const sockets = await Promise.all(names.map((n) => connectRaw(server.ocppUrl, n, 'ocpp1.6', null)));
    for (const s of sockets) expect((await s.call('BootNotification', { chargePointVendor: 'X', chargePointModel: 'Y' }))[2]).toMatchObject({ status: 'Accepted' });
    const runs = sockets.map((s, i) => burst(s, names[i] as string, ack));
    // Let the burst run until a fair amount has been acknowledged, then kill without warning.
    const deadline = Date.now() + 15_000;
    while (ack.stops.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    server.process.kill('SIGKILL');
    await Promise.all(runs);
    child = null;
    expect(ack.stops.length).toBeGreaterThanOrEqual(40);

    const restarted = await startTestSupervisor({ dataDir, project: null, autoAccept: true });
    try {
      for (const { station, transactionId } of ack.starts) {
        const tx = restarted.archive.transactionById(transactionId);
        expect(tx, `acknowledged transaction ${transactionId}`).not.toBeNull();
        expect(tx?.stationId).toBe(station);
      }
      for (const id of ack.stops) expect(restarted.archive.transactionById(id)?.stoppedAt, `acknowledged stop ${id}`).not.toBeNull();
      for (const [id, count] of ack.samples) expect(restarted.archive.samplesOfTransaction(id).length).toBeGreaterThanOrEqual(count);
      // Nothing stored twice: one row per acknowledged start (plus at most one unacknowledged per station).
      const total = restarted.archive.queryTransactions({ limit: 1 }).total;
      expect(total).toBeGreaterThanOrEqual(ack.starts.length);
      expect(total).toBeLessThanOrEqual(ack.starts.length + names.length);
    } finally {
      await restarted.close();
    }
  });
});

describe('crash and replay', () => {
  it('after kill -9 under load and a restart, stations reconnect, replay their offline queues, and every transaction is closed exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evs-replay-'));
    let server = await startServerProcess(0, dir);
    child = server.process;
    const port = Number(/:(\d+)\//.exec(server.ocppUrl)?.[1]);
    const sims = Array.from({ length: 12 }, (_, i) =>
      new SimulatedStation({ url: server.ocppUrl, id: `REPLAY-${i + 1}`, protocol: i % 2 === 0 ? 'ocpp1.6' : 'ocpp2.0.1', connectors: 1, tickMs: 50, timeScale: 60, meterIntervalS: 1, reconnectBaseMs: 100, reconnectMaxMs: 500, callTimeoutMs: 2000 }),
    );
    try {
      await Promise.all(sims.map((s) => s.start()));
      for (const s of sims) {
        s.plugIn(1);
        // BADGE-001 is an Accepted badge of the demo project the server runs with.
        expect((await s.startCharging(1, 'BADGE-001')).accepted).toBe(true);
      }
      await new Promise((r) => setTimeout(r, 1500)); // meter values flowing
      server.process.kill('SIGKILL');
      await new Promise((r) => server.process.once('exit', r));
      // While the server is down every station ends its charge: the stops wait in the queues.
      for (const s of sims) expect(await s.stopCharging(1, 'Local')).toBe(true);
      expect(sims.every((s) => s.queuedTransactionMessages > 0)).toBe(true);
      server = await startServerProcess(port, dir);
      child = server.process;
      // Done when every station's queue is acknowledged (the server answers only what it has
      // committed) and the server lists every transaction closed (REST may also show rows of a
      // batch not yet committed, so it alone does not prove they are on disk).
      const http = server.ocppUrl.replace('ws://', 'http://').replace(/\/ocpp$/, '');
      await eventually(async () => {
        if (!sims.every((s) => s.queuedTransactionMessages === 0)) return false;
        const r = await fetch(`${http}/api/v1/transactions?limit=100`, { headers: { Authorization: 'Bearer k' } });
        const page = (await r.json()) as { items: Array<{ stoppedAt: string | null }>; total: number };
        return page.total === sims.length && page.items.every((t) => t.stoppedAt !== null);
      }, 20_000);
      server.process.kill('SIGKILL');
      await new Promise((r) => server.process.once('exit', r));
      child = null;
      const check = await startTestSupervisor({ dataDir: dir, project: null, autoAccept: true });
      try {
        const all = check.archive.queryTransactions({ limit: 1000 });
        expect(all.total).toBe(sims.length);
        expect(new Set(all.items.map((t) => t.stationId)).size).toBe(sims.length);
        for (const t of all.items) {
          expect(t.stoppedAt, t.stationId).not.toBeNull();
          expect(t.stopReason).toBe('Local');
        }
      } finally {
        await check.close();
      }
    } finally {
      for (const s of sims) await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
