// The station page's server side against a real supervisor, a raw OCPP 1.6 station and real
// UI WebSocket clients: live OCPP frames reach only the connections watching that station (and
// stop when they unwatch or leave), recent frames come from the archive's log, the power
// history is downsampled in SQL per connector, and the export announces its row count.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage } from '../../src-shared/api/index.ts';
import type { DomainEvent, OcppFrameRecord } from '../../src-shared/domain/index.ts';
import { connectRaw, eventually, startTestSupervisor, type RawStation, type TestSupervisor } from '../app/test-support.ts';

let supervisor: TestSupervisor;
const sockets: WebSocket[] = [];
const stations: RawStation[] = [];

beforeEach(async () => {
  supervisor = await startTestSupervisor();
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  for (const s of stations.splice(0)) await s.close();
  await supervisor.dispose();
});

interface UiClient {
  events: DomainEvent[];
  call(command: string, request: unknown): Promise<{ ok: boolean; response?: unknown; error?: { code: string; message: string } }>;
}

async function uiClient(): Promise<UiClient> {
  const ws = new WebSocket(`${supervisor.url.replace('http', 'ws')}/api/ws?key=test-key`);
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const events: DomainEvent[] = [];
  const pending = new Map<number, (m: ServerMessage & { kind: 'result' }) => void>();
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.kind === 'event') events.push(message.event);
    else pending.get(message.id)?.(message);
  });
  let id = 0;
  return {
    events,
    call(command, request) {
      const n = ++id;
      return new Promise((resolve) => {
        pending.set(n, (m) => resolve(m.ok ? { ok: true, response: m.response } : { ok: false, error: m.error }));
        ws.send(JSON.stringify({ kind: 'call', id: n, command, request }));
      });
    },
  };
}

async function bootedStation(id = 'CP16'): Promise<RawStation> {
  const station = await connectRaw(supervisor.ocppUrl, id, 'ocpp1.6');
  stations.push(station);
  const boot = await station.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
  expect((boot[2] as { status: string }).status).toBe('Accepted');
  return station;
}

const framesOf = (client: UiClient, stationId: string): OcppFrameRecord[] =>
  client.events.flatMap((e) => (e.type === 'ocppFrame' && e.frame.stationId === stationId ? [e.frame] : []));

describe('live OCPP frames of one station', () => {
  it('reach only the connection that watches the station, both directions, until it unwatches', async () => {
    const station = await bootedStation();
    const watcher = await uiClient();
    const bystander = await uiClient();
    const watched = await watcher.call('watchStationFrames', { stationId: 'CP16', watch: true });
    expect(watched).toEqual({ ok: true, response: { watching: ['CP16'] } });

    await station.call('Heartbeat', {}, 'hb-1');
    const live = await eventually(() => {
      const frames = framesOf(watcher, 'CP16');
      return frames.some((f) => f.direction === 'out' && f.frame.includes('"hb-1"')) ? frames : null;
    });
    expect(live.some((f) => f.direction === 'in' && JSON.parse(f.frame)[2] === 'Heartbeat')).toBe(true);
    expect(live.every((f) => typeof f.at === 'string' && !Number.isNaN(Date.parse(f.at)))).toBe(true);
    // Station events still reach everybody; frames do not.
    await eventually(() => bystander.events.some((e) => e.type === 'station'));
    expect(framesOf(bystander, 'CP16')).toEqual([]);

    await watcher.call('watchStationFrames', { stationId: 'CP16', watch: false });
    const before = framesOf(watcher, 'CP16').length;
    await station.call('Heartbeat', {}, 'hb-2');
    // The station's own answer arrived; give the (200 ms) throttle time to flush anything pending.
    await new Promise((r) => setTimeout(r, 400));
    expect(framesOf(watcher, 'CP16').length).toBe(before);
    expect(framesOf(watcher, 'CP16').some((f) => f.frame.includes('"hb-2"'))).toBe(false);
  });

  it('are not published at all while nobody watches, and stop when the watcher disconnects', async () => {
    await bootedStation();
    expect(supervisor.frames.watched('CP16')).toBe(false);
    const watcher = await uiClient();
    await watcher.call('watchStationFrames', { stationId: 'CP16', watch: true });
    expect(supervisor.frames.watched('CP16')).toBe(true);
    sockets[0]?.close();
    await eventually(() => !supervisor.frames.watched('CP16'));
  });

  it('refuses an unknown station and REST callers with a message saying why', async () => {
    const client = await uiClient();
    const unknown = await client.call('watchStationFrames', { stationId: 'NOPE', watch: true });
    expect(unknown.ok).toBe(false);
    expect(unknown.error?.code).toBe('NotFound');
    const bad = await client.call('watchStationFrames', { stationId: 'CP16' });
    expect(bad.error?.code).toBe('BadRequest');
    expect(bad.error?.message).toMatch(/watch/);
    await expect(supervisor.api.dispatch('watchStationFrames', { stationId: 'CP16', watch: true })).rejects.toThrow(/WebSocket or Electron/);
  });
});

describe('secrets in frames and command history', () => {
  it('masks the AuthorizationKey set by ChangeConfiguration in the live log, the archived log and the command history', async () => {
    const station = await bootedStation();
    const watcher = await uiClient();
    await watcher.call('watchStationFrames', { stationId: 'CP16', watch: true });
    const SECRET = 'f00dfeedcafe0123456789ab';
    const sent = supervisor.api.dispatch('sendCommand', { stationId: 'CP16', command: { kind: 'changeConfiguration', key: 'AuthorizationKey', value: SECRET } });
    const call = await station.next();
    // The station itself gets the real key.
    expect(call[2]).toBe('ChangeConfiguration');
    expect(call[3]).toEqual({ key: 'AuthorizationKey', value: SECRET });
    station.send([3, call[1], { status: 'Accepted' }]);
    expect((await sent).outcome).toBe('accepted');

    const live = await eventually(() => {
      const frames = framesOf(watcher, 'CP16').filter((f) => f.frame.includes('ChangeConfiguration'));
      return frames.length > 0 ? frames : null;
    });
    expect(live.map((f) => f.frame).join()).not.toContain(SECRET);
    expect(live[0]?.frame).toContain('AuthorizationKey');
    const archived = await supervisor.api.dispatch('stationFrames', { stationId: 'CP16', limit: 10 });
    expect(archived.some((f) => f.frame.includes('AuthorizationKey'))).toBe(true);
    expect(archived.map((f) => f.frame).join()).not.toContain(SECRET);
    const history = await supervisor.api.dispatch('listCommands', { stationId: 'CP16' });
    expect(history[0]?.request).toEqual({ key: 'AuthorizationKey', value: '••••••' });
    expect(JSON.stringify(history)).not.toContain(SECRET);
  });
});

describe('recent frames from the archive', () => {
  it('lists the station’s frames newest first and pages back with beforeId', async () => {
    const station = await bootedStation();
    await station.call('Heartbeat', {}, 'hb-a');
    await station.call('Heartbeat', {}, 'hb-b');
    const frames = await supervisor.api.dispatch('stationFrames', { stationId: 'CP16', limit: 3 });
    expect(frames).toHaveLength(3);
    expect(frames[0]?.frame).toContain('"hb-b"');
    expect(frames[0]?.direction).toBe('out');
    expect(frames[1]?.frame).toContain('"hb-b"');
    expect(frames[1]?.direction).toBe('in');
    expect(frames.every((f) => f.stationId === 'CP16')).toBe(true);
    const older = await supervisor.api.dispatch('stationFrames', { stationId: 'CP16', limit: 100, beforeId: frames[2]?.id as number });
    expect(older.every((f) => (f.id as number) < (frames[2]?.id as number))).toBe(true);
    expect(older.at(-1)?.frame).toContain('BootNotification');
    await expect(supervisor.api.dispatch('stationFrames', { stationId: 'NOPE' })).rejects.toThrow(/No station NOPE/);
  });
});

describe('power history', () => {
  it('averages each connector’s power into buckets, summing phases when there is no total', async () => {
    const station = await bootedStation();
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const power = (value: number, phase?: string) => ({ measurand: 'Power.Active.Import', unit: 'W', value: String(value), ...(phase ? { phase } : {}) });
    for (const [s, w] of [
      [0, 1000],
      [10, 3000],
      [60, 5000],
    ] as const) {
      await station.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: at(s), sampledValue: [power(w)] }] });
    }
    await station.call('MeterValues', { connectorId: 2, meterValue: [{ timestamp: at(5), sampledValue: [power(100, 'L1'), power(200, 'L2'), power(300, 'L3')] }] });
    // kW are normalised to W by the transaction service.
    await station.call('MeterValues', { connectorId: 2, meterValue: [{ timestamp: at(65), sampledValue: [{ measurand: 'Power.Active.Import', unit: 'kW', value: '7' }] }] });

    const history = await supervisor.api.dispatch('stationPowerHistory', { stationId: 'CP16', from: at(0), to: at(120), maxPoints: 2 });
    expect(history.bucketMs).toBe(60_000);
    const one = history.series.find((s) => s.evseId === 1);
    const two = history.series.find((s) => s.evseId === 2);
    expect(one?.points).toEqual([
      [t0 + 30_000, 2000],
      [t0 + 90_000, 5000],
    ]);
    expect(two?.points).toEqual([
      [t0 + 30_000, 600],
      [t0 + 90_000, 7000],
    ]);
    // The default window is the last hour.
    const lastHour = await supervisor.api.dispatch('stationPowerHistory', { stationId: 'CP16' });
    expect(Date.parse(lastHour.to) - Date.parse(lastHour.from)).toBe(3_600_000);
    expect(lastHour.series.map((s) => s.evseId)).toEqual([1, 2]);
  });

  it('refuses a window that ends before it starts', async () => {
    await expect(supervisor.api.dispatch('stationPowerHistory', { stationId: 'CP16', from: '2024-01-02T00:00:00Z', to: '2024-01-01T00:00:00Z' })).rejects.toThrow(
      /"from" must be before "to"/,
    );
  });
});

describe('transactions export', () => {
  it('announces how many rows it will stream (X-Total-Rows) for a progress bar', async () => {
    const response = await fetch(`${supervisor.url}/api/v1/transactions/export?format=csv&open=false`, { headers: { Authorization: 'Bearer test-key' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-total-rows')).toBe('0');
    const text = await response.text();
    expect(text.split('\r\n')[0]).toContain('Transaction,Station');
  });

  it('opens the download with a one-time ticket from the UI connection, and only once', async () => {
    const client = await uiClient();
    const issued = await client.call('transactionsExportTicket', {});
    const { ticket } = issued.response as { ticket: string };
    const url = `${supervisor.url}/api/v1/transactions/export?format=xlsx&ticket=${encodeURIComponent(ticket)}`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('spreadsheetml');
    expect((await first.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const again = await fetch(url);
    expect(again.status).toBe(401);
    // A ticket opens the export and nothing else.
    const other = (await client.call('transactionsExportTicket', {})).response as { ticket: string };
    expect((await fetch(`${supervisor.url}/api/v1/transactions?ticket=${other.ticket}`)).status).toBe(401);
  });
});

describe('transactions export cancelled by the client', () => {
  it('stops reading the archive when the client aborts midway', async () => {
    const lines: string[] = [];
    const { pino } = await import('pino');
    const { Writable } = await import('node:stream');
    const Database = (await import('better-sqlite3')).default;
    const { join } = await import('node:path');
    await supervisor.dispose();
    supervisor = await startTestSupervisor({
      logger: pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) })),
    });
    const db = new Database(join(supervisor.dataDir, 'archive.sqlite'));
    const insert = db.prepare(
      `INSERT INTO transactions (station_id, ocpp_tx_id, start_key, evse_id, connector_id, id_tag, started_at, stopped_at, energy_wh, last_update_at) VALUES ('OLD', ?, ?, 1, 1, 'T', ?, ?, 1000, ?)`,
    );
    const total = 40_000;
    db.transaction(() => {
      for (let i = 1; i <= total; i++) {
        const at = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
        insert.run(`o${i}`, `old-${i}`, at, at, at);
      }
    })();
    db.close();

    const abort = new AbortController();
    const response = await fetch(`${supervisor.url}/api/v1/transactions/export?format=xlsx`, { headers: { Authorization: 'Bearer test-key' }, signal: abort.signal });
    expect(response.headers.get('x-total-rows')).toBe(String(total));
    const reader = response.body?.getReader();
    await reader?.read();
    abort.abort();
    const cancelled = await eventually(() => lines.map((l) => JSON.parse(l) as { msg: string; rows: number; total: number }).find((l) => l.msg === 'transactions export cancelled by the client'), 20_000);
    expect(cancelled.total).toBe(total);
    expect(cancelled.rows).toBeLessThan(total);
  });
});
