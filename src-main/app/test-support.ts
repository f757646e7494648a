// Helpers for integration tests: a real supervisor on a temporary data directory and a raw
// WebSocket station that sends exactly the frames a test writes (good or bad).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { RPCClient } from 'ocpp-rpc';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { loadProject, toRuntimeProject } from '../project/index.ts';
import { startSupervisor, type Supervisor, type SupervisorOptions } from './supervisor.ts';

export const TEST_PROJECT: ProjectFile = {
  formatVersion: 1,
  name: 'Test park',
  settings: { heartbeatIntervalS: 60 },
  sites: [
    {
      id: 'site',
      name: 'Test site',
      groups: [{ id: 'g1', name: 'Group 1', maxPowerW: 100_000 }],
      stations: [
        { id: 'CP16', group: 'g1', protocol: 'ocpp1.6', password: 'secret-16-pw', kind: 'AC', maxPowerW: 22_000, connectors: 2 },
        { id: 'CP201', group: 'g1', protocol: 'ocpp2.0.1', password: 'secret-201-pw', kind: 'DC', maxPowerW: 150_000, connectors: 2 },
      ],
    },
  ],
  badges: [
    { idTag: 'GOOD', status: 'Accepted', expiresAt: null, parentIdTag: null, label: null },
    { idTag: 'BLOCKED', status: 'Blocked', expiresAt: null, parentIdTag: null, label: null },
  ],
};

export const PASSWORDS: Record<string, string> = { CP16: 'secret-16-pw', CP201: 'secret-201-pw' };

export interface TestSupervisor extends Supervisor {
  dataDir: string;
  dispose(): Promise<void>;
}

export async function startTestSupervisor(overrides: Partial<SupervisorOptions> = {}): Promise<TestSupervisor> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'evs-test-'));
  const supervisor = await startSupervisor({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    project: TEST_PROJECT,
    demo: false,
    apiKey: 'test-key',
    logger: pino({ level: 'silent' }),
    // Off unless a test is about it: its profile pushes would interleave with the frames
    // the central-system tests exchange by hand.
    smartCharging: false,
    ...overrides,
  });
  return Object.assign(supervisor, {
    dataDir,
    async dispose() {
      await supervisor.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** The bundled demo project, as `npm run serve` runs it. */
export const DEMO_PROJECT = resolve(import.meta.dirname, '../../assets/demo/project.json');

/** A supervisor on the demo project as `npm run serve` starts it (its source kept as version 1). */
export function startDemoSupervisor(overrides: Partial<SupervisorOptions> = {}): Promise<TestSupervisor> {
  const resolved = loadProject(DEMO_PROJECT);
  return startTestSupervisor({ project: toRuntimeProject(resolved), projectSource: { path: DEMO_PROJECT, resolved }, ...overrides });
}

export interface RawStation {
  socket: WebSocket;
  send(frame: unknown): void;
  sendText(text: string): void;
  /** The next frame received (parsed), within `ms`. */
  next(ms?: number): Promise<unknown[]>;
  /** Sends a CALL and waits for the frame answering it. */
  call(action: string, payload: unknown, id?: string): Promise<unknown[]>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

let counter = 0;

export async function connectRaw(
  ocppUrl: string,
  stationId: string,
  protocol: string | string[] | null,
  password: string | null = PASSWORDS[stationId] ?? null,
): Promise<RawStation> {
  const headers: Record<string, string> = {};
  if (password !== null) headers.Authorization = `Basic ${Buffer.from(`${stationId}:${password}`).toString('base64')}`;
  const socket = protocol === null ? new WebSocket(`${ocppUrl}/${encodeURIComponent(stationId)}`, { headers }) : new WebSocket(`${ocppUrl}/${encodeURIComponent(stationId)}`, protocol, { headers });
  const inbox: unknown[][] = [];
  const waiters: Array<(frame: unknown[]) => void> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as unknown[];
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else inbox.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const next = (ms = 5000) =>
    new Promise<unknown[]>((resolve, reject) => {
      const queued = inbox.shift();
      if (queued) {
        resolve(queued);
        return;
      }
      const waiter = (frame: unknown[]) => {
        clearTimeout(timer);
        resolve(frame);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no frame within ${ms} ms`));
      }, ms);
      waiters.push(waiter);
    });
  return {
    socket,
    send: (frame) => socket.send(JSON.stringify(frame)),
    sendText: (text) => socket.send(text),
    next,
    async call(action, payload, id = `t${++counter}`) {
      socket.send(JSON.stringify([2, id, action, payload]));
      for (;;) {
        const frame = await next();
        if (frame[1] === id) return frame;
      }
    },
    closed,
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close();
      await closed;
    },
  };
}

/** Waits until `check` returns a truthy value (bounded). */
export async function eventually<T>(check: () => T | Promise<T>, ms = 5000, stepMs = 20): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * An independent OCPP client (ocpp-rpc) in strict mode: it validates every frame both ways
 * against the official schemas. Its typings list every option as required, hence the cast.
 */
export function strictClient(options: { endpoint: string; identity: string; password?: string | null; protocols: string[]; callTimeoutMs?: number }): RPCClient {
  return new RPCClient({ reconnect: false, strictMode: true, ...options, password: options.password ?? null } as unknown as ConstructorParameters<typeof RPCClient>[0]);
}

export interface RestReply<T> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A REST call to a test supervisor with its API key (or `token`): a JSON body, JSON text as is,
 * or raw bytes of a type; a JSON answer is parsed, anything else comes back as bytes.
 */
export async function restCall<T = unknown>(
  sup: TestSupervisor,
  method: string,
  path: string,
  options: { json?: unknown; text?: string; raw?: { type: string; bytes: Uint8Array }; token?: string } = {},
): Promise<RestReply<T>> {
  const headers: Record<string, string> = { Authorization: `Bearer ${options.token ?? sup.apiKey}` };
  let body: string | Blob | undefined;
  if (options.json !== undefined || options.text !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = options.text ?? JSON.stringify(options.json);
  } else if (options.raw) {
    headers['Content-Type'] = options.raw.type;
    body = new Blob([options.raw.bytes as Uint8Array<ArrayBuffer>]);
  }
  const response = await fetch(`${sup.url}/api/v1${path}`, { method, headers, body });
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('json') ? ((await response.json()) as T) : (new Uint8Array(await response.arrayBuffer()) as T);
  return { status: response.status, body: data, headers: response.headers };
}
