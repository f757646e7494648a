// A project made in the running supervisor (wizard, import, restore + apply) is what a restart runs
// when no --project is named; the bundled demo keeps its simulated stations across restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectVersionInfo } from '../../src-shared/project/index.ts';
import { answers50 } from '../project/test-support.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

interface Running {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

function serve(dataDir: string, ...args: string[]): Promise<Running> {
  const code = "import('./src-main/app/cli.ts').then((m) => m.main(process.argv.slice(1)))";
  const proc: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', code, '--', '--port', '0', '--data', dataDir, '--api-key', 'k', '--log-level', 'error', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => proc.once('exit', () => done()));
  cleanups.push(() => proc.kill('SIGKILL'));
  let out = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 30_000);
    proc.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m?.[1] && /project: /.test(out)) {
        clearTimeout(timer);
        done({
          url: m[1],
          output: () => out,
          async stop() {
            proc.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

async function rest<T>(server: Running, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: 'Bearer k', ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

describe('the project run after a restart', () => {
  it('is the generated version when no --project is named; the demo starts its stations only when it is the demo', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'evs-restart-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));

    // First start: the demo with its simulated stations.
    const first = await serve(dataDir);
    expect(first.output()).toMatch(/project: Demo park with simulated demo stations/);
    // Restart: still the demo, still simulated.
    await first.stop();
    const second = await serve(dataDir);
    expect(second.output()).toMatch(/with simulated demo stations/);
    // Its worker threads load in a process run as `node --input-type=module -e` (the energy worker answers).
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const summary = await rest<{ buckets?: unknown[] }>(second, `/energy/summary?from=${from}&to=${to}&bucket=hour&groupBy=site`);
    expect(summary).toBeTypeOf('object');
    const generated = await rest<{ version: ProjectVersionInfo }>(second, '/project/generate?save=true', { method: 'POST', body: answers50() });
    expect(generated.version.id).toBe(2);
    await second.stop();

    // Restart without --project: the generated version runs, without simulated stations, and no version is added.
    const third = await serve(dataDir);
    expect(third.output()).toContain('project: Fleet depot;');
    expect(third.output()).not.toMatch(/simulated demo stations/);
    const current = await rest<{ version: ProjectVersionInfo; running: number }>(third, '/project');
    expect(current).toMatchObject({ running: 2, version: { id: 2 } });
    expect((await rest<Array<{ id: string }>>(third, '/stations')).some((s) => s.id === 'P1-CP01')).toBe(true);
    await third.stop();
  });
});
