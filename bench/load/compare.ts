// Side-by-side comparison of two checkouts of the server (e.g. main and a branch) under the
// same load at the same time, so that both see the same contention on a shared machine (the
// load benchmark runs its servers one after the other, and on a busy machine the load can
// change between them). Not part of `npm run bench`.
//   node bench/load/compare.ts /path/to/checkoutA /path/to/checkoutB [stations per server] [saturate s]
// BENCH_STEADY_S sets the steady phase (default 3 s; 0.2 messages/s per station).
// Each checkout's server gets its own generator worker and the given number of stations.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PhaseStats, WorkerJob, WorkerMessage } from './worker.ts';

const [dirA, dirB, stationsArg, saturateArg] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node bench/load/compare.ts CHECKOUT_A CHECKOUT_B [stations] [saturate s]');
  process.exit(2);
}
const STATIONS = Number(stationsArg ?? 1000);
const SATURATE_MS = Number(saturateArg ?? 8) * 1000;

interface Server {
  checkout: string;
  proc: ChildProcess;
  url: string;
  dataDir: string;
}

function start(checkout: string): Promise<Server> {
  const dataDir = mkdtempSync(join(tmpdir(), 'evs-compare-'));
  const code = "import('./src-main/app/cli.ts').then((m) => m.main(process.argv.slice(1)))";
  const proc = spawn(process.execPath, ['--input-type=module', '-e', code, '--', '--no-demo', '--auto-accept', '--port', '0', '--data', dataDir, '--api-key', 'bench', '--log-level', 'error'], {
    cwd: checkout,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/([\d.]+:\d+)/.exec(out);
      if (m) resolve({ checkout, proc, url: `ws://${m[1]}/ocpp`, dataDir });
    });
    proc.on('exit', (code) => reject(new Error(`${checkout}: server exited (${code}): ${out}`)));
  });
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(values: number[], p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const servers = await Promise.all([start(dirA), start(dirB)]);
const inboxes: WorkerMessage[][] = servers.map(() => []);
const workers = servers.map((s, k) => {
  const job: WorkerJob = { url: s.url, ids: Array.from({ length: STATIONS }, (_, i) => `CMP${k}-${i}`), ratePerStation: 0.2, steadyMs: Number(process.env.BENCH_STEADY_S ?? 3) * 1000, saturateMs: SATURATE_MS };
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: job });
  worker.on('message', (m: WorkerMessage) => inboxes[k]?.push(m));
  return worker;
});
const waitAll = <K extends WorkerMessage['kind']>(kind: K) =>
  new Promise<Array<Extract<WorkerMessage, { kind: K }>>>((resolve) => {
    const check = () => {
      const got = inboxes.map((q) => q.find((m) => m.kind === kind));
      if (got.every(Boolean)) resolve(got as Array<Extract<WorkerMessage, { kind: K }>>);
      else setTimeout(check, 50);
    };
    check();
  });
await waitAll('connected');
for (const w of workers) w.postMessage({ kind: 'go' });
const steady = await waitAll('steady');
const cpu0 = servers.map((s) => cpuSeconds(s.proc.pid as number));
for (const w of workers) w.postMessage({ kind: 'go' });
const saturated = await waitAll('saturate');
const cpu1 = servers.map((s) => cpuSeconds(s.proc.pid as number));
const rows = servers.map((s, i) => {
  const st = steady[i]?.stats as PhaseStats;
  const sa = saturated[i]?.stats as PhaseStats;
  const cpu = (cpu1[i] as number) - (cpu0[i] as number);
  return {
    checkout: s.checkout,
    steadyP50Ms: Number(percentile(st.latencies, 50).toFixed(1)),
    steadyP99Ms: Number(percentile(st.latencies, 99).toFixed(1)),
    saturatedMsgPerS: Math.round(sa.answered / (sa.elapsedMs / 1000)),
    saturatedCpuPct: Math.round((cpu / (sa.elapsedMs / 1000)) * 100),
    cpuMicrosPerMsg: Math.round((cpu * 1e6) / Math.max(1, sa.answered)),
    errors: st.errors + sa.errors,
  };
});
for (const w of workers) await w.terminate();
for (const s of servers) {
  s.proc.kill('SIGKILL');
  rmSync(s.dataDir, { recursive: true, force: true });
}
console.table(rows);
console.log(`B / A saturated throughput: ${((rows[1]?.saturatedMsgPerS ?? 0) / (rows[0]?.saturatedMsgPerS ?? 1)).toFixed(2)}`);
