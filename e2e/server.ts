// Starts the REAL supervisor (`node scripts/serve.mjs`) on a free port with its own data
// directory, waits until it is healthy, and stops it (SIGTERM, then SIGKILL) at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ServerOptions {
  apiKey?: string;
  demo?: boolean;
  /** Address to bind (default 127.0.0.1); off loopback the UI must ask for the key. */
  host?: string;
  extraArgs?: string[];
  startTimeoutMs?: number;
  /** Fills the fresh data directory before the server starts (e.g. an archive with history). */
  prepareDataDir?: (dataDir: string) => void;
}

export interface RunningServer {
  /** http://127.0.0.1:<port> (or the bound host). */
  url: string;
  port: number;
  apiKey: string;
  dataDir: string;
  /** GET/POST/PUT on the REST API v1 with the bearer key; throws on a non-2xx answer. */
  rest<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const apiKey = options.apiKey ?? `e2e-${Math.random().toString(36).slice(2, 12)}`;
  const host = options.host ?? '127.0.0.1';
  const port = await freePort(host);
  const dataDir = mkdtempSync(join(tmpdir(), 'evs-e2e-'));
  options.prepareDataDir?.(dataDir);
  const args = ['scripts/serve.mjs', '--port', String(port), '--host', host, '--data', dataDir, '--api-key', apiKey, '--log-level', 'warn'];
  args.push(options.demo === false ? '--no-demo' : '--demo', ...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let output = '';
  let listening = false;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (/listening/i.test(output)) listening = true;
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exited(child).then(() => true), sleep(10_000).then(() => false)]);
      if (!killed) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  // The first start may build the UI (scripts/serve.mjs): allow for it.
  const deadline = Date.now() + (options.startTimeoutMs ?? 150_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`The server exited during start-up (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    if (listening) {
      const healthy = await fetch(`${url}/api/v1/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (healthy) break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server did not become healthy in time:\n${output}`);
    }
    await sleep(200);
  }

  return {
    url,
    port,
    apiKey,
    dataDir,
    output: () => output,
    stop,
    async rest<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
      const response = await fetch(`${url}/api/v1${path}`, {
        method: init.method ?? 'GET',
        headers: { Authorization: `Bearer ${apiKey}`, ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status} ${text}`);
      return JSON.parse(text) as T;
    },
  };
}
