// Central-system load benchmark (issue "Scale and robustness"): N simulated stations
// (half 1.6, half 2.0.1) against our server (validation + archive on) and against a bare
// `ws` server that only parses JSON and replies (the physical baseline), same run, same
// machine. Reports connect time, steady-state latency at ~0.2 msg/s per station (2,000
// msg/s at 10,000 stations), saturated throughput, server CPU, memory, event-loop delay.
// BENCH_STATIONS="1000,5000,10000" BENCH_STEADY_S=20 BENCH_SATURATE_S=10 scale it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runMetadata } from './meta.ts';
import type { PhaseStats, WorkerJob, WorkerMessage } from './load/worker.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const SIZES = (process.env.BENCH_STATIONS ?? '1000,5000,10000').split(',').map(Number);
const STEADY_MS = Number(process.env.BENCH_STEADY_S ?? 20) * 1000;
const SATURATE_MS = Number(process.env.BENCH_SATURATE_S ?? 10) * 1000;
const RATE = 0.2;
const WORKERS = 2;

interface Target {
  name: 'ours' | 'bare';
  proc: ChildProcess;
  url: string;
  http: string | null;
  dataDir: string | null;
}

function startTarget(name: 'ours' | 'bare'): Promise<Target> {
  const dataDir = name === 'ours' ? mkdtempSync(join(tmpdir(), 'evs-load-')) : null;
  const args =
    name === 'ours'
      ? [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), '--input-type=module', '-e', "import('./src-main/app/cli.ts').then((m) => m.main(process.argv.slice(1)))", '--', '--no-demo', '--auto-accept', '--port', '0', '--data', dataDir as string, '--api-key', 'bench', '--log-level', 'error']
      : [join(ROOT, 'bench/load/bare-server.ts')];
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on http:\/\/([\d.]+:\d+)/.exec(out);
      if (m) resolvePromise({ name, proc, url: `ws://${m[1]}${name === 'ours' ? '/ocpp' : ''}`, http: name === 'ours' ? `http://${m[1]}` : null, dataDir });
    });
    proc.on('exit', (code) => reject(new Error(`${name} server exited (${code}): ${out}`)));
  });
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 1024);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function merge(stats: PhaseStats[]): PhaseStats {
  return {
    sent: stats.reduce((a, s) => a + s.sent, 0),
    answered: stats.reduce((a, s) => a + s.answered, 0),
    errors: stats.reduce((a, s) => a + s.errors, 0),
    latencies: stats.flatMap((s) => s.latencies),
    elapsedMs: Math.max(...stats.map((s) => s.elapsedMs)),
  };
}

async function health(target: Target, reset = false): Promise<{ eventLoopDelayMs: { p99: number; max: number } } | null> {
  if (!target.http) return null;
  const r = await fetch(`${target.http}/api/v1/health${reset ? '?reset' : ''}`);
  return (await r.json()) as { eventLoopDelayMs: { p99: number; max: number } };
}

async function run(name: 'ours' | 'bare', stations: number) {
  const target = await startTarget(name);
  const pid = target.proc.pid as number;
  const workers: Worker[] = [];
  const inbox: WorkerMessage[][] = [];
  const waitAll = (kind: WorkerMessage['kind']) =>
    new Promise<WorkerMessage[]>((resolveWait) => {
      const check = () => {
        const got = inbox.map((q) => q.find((m) => m.kind === kind));
        if (got.every(Boolean)) resolveWait(got as WorkerMessage[]);
        else setTimeout(check, 50);
      };
      check();
    });
  const started = performance.now();
  for (let w = 0; w < WORKERS; w++) {
    const ids = Array.from({ length: stations / WORKERS }, (_, i) => `LOAD-${w}-${i}`);
    const job: WorkerJob = { url: target.url, ids, ratePerStation: RATE, steadyMs: STEADY_MS, saturateMs: SATURATE_MS };
    const worker = new Worker(new URL('./load/worker.ts', import.meta.url), { workerData: job });
    const queue: WorkerMessage[] = [];
    inbox.push(queue);
    worker.on('message', (m: WorkerMessage) => queue.push(m));
    worker.on('error', (e) => console.error(`worker ${w}:`, e));
    workers.push(worker);
  }
  const connected = (await waitAll('connected')) as Array<Extract<WorkerMessage, { kind: 'connected' }>>;
  const connectS = (performance.now() - started) / 1000;
  const held = connected.reduce((a, c) => a + c.connected, 0);
  await health(target, true);
  const cpu0 = cpuSeconds(pid);
  for (const w of workers) w.postMessage({ kind: 'go' });
  const steady = merge(((await waitAll('steady')) as Array<Extract<WorkerMessage, { kind: 'steady' }>>).map((m) => m.stats));
  const cpuSteady = cpuSeconds(pid) - cpu0;
  const loop = await health(target);
  const rssSteady = rssMiB(pid);
  const cpu1 = cpuSeconds(pid);
  const generatorCpu1 = process.cpuUsage();
  for (const w of workers) w.postMessage({ kind: 'go' });
  const saturated = merge(((await waitAll('saturate')) as Array<Extract<WorkerMessage, { kind: 'saturate' }>>).map((m) => m.stats));
  const cpuSaturated = cpuSeconds(pid) - cpu1;
  const generatorCpu = process.cpuUsage(generatorCpu1);
  const rssPeak = rssMiB(pid);
  for (const w of workers) await w.terminate();
  // SIGINT lets a profiled server write its profile; otherwise no need to wait.
  if (process.env.BENCH_PROFILE && name === 'ours') {
    target.proc.kill('SIGINT');
    await new Promise((r) => target.proc.once('exit', r));
  } else target.proc.kill('SIGKILL');
  if (target.dataDir) rmSync(target.dataDir, { recursive: true, force: true });
  return {
    server: name,
    stations,
    held,
    connectS: Number(connectS.toFixed(1)),
    steadyMsgPerS: Math.round(steady.answered / (steady.elapsedMs / 1000)),
    steadyP50Ms: Number(percentile(steady.latencies, 50).toFixed(1)),
    steadyP99Ms: Number(percentile(steady.latencies, 99).toFixed(1)),
    steadyErrors: steady.errors,
    steadyCpuPct: Math.round((cpuSteady / (steady.elapsedMs / 1000)) * 100),
    loopP99Ms: loop ? Number(loop.eventLoopDelayMs.p99.toFixed(1)) : null,
    saturatedMsgPerS: Math.round(saturated.answered / (saturated.elapsedMs / 1000)),
    saturatedP99Ms: Number(percentile(saturated.latencies, 99).toFixed(1)),
    saturatedCpuPct: Math.round((cpuSaturated / (saturated.elapsedMs / 1000)) * 100),
    // CPU per answered message at saturation (all threads): the server's, and the load generator's.
    serverCpuUsPerMsg: Math.round((cpuSaturated * 1e6) / Math.max(1, saturated.answered)),
    generatorCpuUsPerMsg: Math.round((generatorCpu.user + generatorCpu.system) / Math.max(1, saturated.answered)),
    rssSteadyMiB: rssSteady,
    rssPeakMiB: rssPeak,
  };
}

const rows = [];
for (const n of SIZES) {
  const bare = await run('bare', n);
  const ours = await run('ours', n);
  rows.push(bare, { ...ours, throughputVsBare: Number((ours.saturatedMsgPerS / bare.saturatedMsgPerS).toFixed(2)) });
  console.log(`${n} stations done`);
}
const result = {
  ...runMetadata(),
  steadyRatePerStation: RATE,
  rows,
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(join(ROOT, 'bench/results/load.json'), `${JSON.stringify(result, null, 2)}\n`);
console.table(rows);
