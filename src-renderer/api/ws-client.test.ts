import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../src-shared/api/index.ts';
import { ApiError } from '../../src-shared/api/index.ts';
import type { ConnectionInfo } from './types.ts';
import { NotConnectedError } from './types.ts';
import { API_KEY_STORAGE, WsClient, type SocketLike } from './ws-client.ts';

class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  sent: ClientMessage[] = [];
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientMessage);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(message: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }
  serverClose(code: number) {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

describe('WsClient', () => {
  let sockets: FakeSocket[];
  let states: ConnectionInfo['status'][];
  const make = (storage = memoryStorage()) => {
    const client = new WsClient({ url: 'ws://h/api/ws', createSocket: (url) => sockets[sockets.push(new FakeSocket(url)) - 1] as FakeSocket, storage, minBackoffMs: 100, maxBackoffMs: 1000 });
    client.onState((s) => states.push(s.status));
    return { client, storage };
  };
  const last = () => sockets[sockets.length - 1] as FakeSocket;

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    states = [];
  });
  afterEach(() => vi.useRealTimers());

  test('routes results by id and pushes events', async () => {
    const { client } = make();
    last().open();
    vi.advanceTimersByTime(200);
    expect(client.state().status).toBe('open');
    const events: string[] = [];
    client.onEvent((e) => events.push(e.type));
    const a = client.call('listBadges', {});
    const b = client.call('getStation', { stationId: 'X' });
    const [callA, callB] = last().sent;
    expect(callA?.command).toBe('listBadges');
    last().receive({ kind: 'result', id: callB?.id ?? -1, ok: false, error: { code: 'NotFound', message: 'No station X' } });
    last().receive({ kind: 'event', event: { type: 'stationRemoved', stationId: 'Y' } });
    last().receive({ kind: 'result', id: callA?.id ?? -1, ok: true, response: [] });
    await expect(a).resolves.toEqual([]);
    await expect(b).rejects.toMatchObject({ code: 'NotFound', message: 'No station X' });
    await expect(b).rejects.toBeInstanceOf(ApiError);
    expect(events).toEqual(['stationRemoved']);
  });

  test('calls while disconnected fail at once; pending calls fail on loss; it reconnects', async () => {
    const { client } = make();
    await expect(client.call('listBadges', {})).rejects.toBeInstanceOf(NotConnectedError);
    last().open();
    vi.advanceTimersByTime(200);
    const pending = client.call('listBadges', {});
    last().serverClose(1006);
    await expect(pending).rejects.toBeInstanceOf(NotConnectedError);
    expect(client.state().status).toBe('closed');
    expect(client.state().retryAt).not.toBeNull();
    vi.advanceTimersByTime(1500);
    expect(sockets).toHaveLength(2);
    last().open();
    last().receive({ kind: 'event', event: { type: 'stationRemoved', stationId: 'Y' } });
    expect(client.state().status).toBe('open');
  });

  test('4401 asks for the key, which is then sent and kept; a refused key is forgotten', () => {
    const { client, storage } = make();
    last().open();
    last().serverClose(4401);
    expect(client.state()).toMatchObject({ status: 'auth-required', keyRejected: false });
    expect(states).not.toContain('open');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);

    client.setApiKey('s3cret/+');
    expect(last().url).toBe('ws://h/api/ws?key=s3cret%2F%2B');
    expect(storage.getItem(API_KEY_STORAGE)).toBe('s3cret/+');
    last().open();
    last().serverClose(4401);
    expect(client.state()).toMatchObject({ status: 'auth-required', keyRejected: true });
    expect(storage.getItem(API_KEY_STORAGE)).toBeNull();
  });

  test('a call without an answer times out', async () => {
    const client = new WsClient({ url: 'ws://h/api/ws', createSocket: (url) => sockets[sockets.push(new FakeSocket(url)) - 1] as FakeSocket, callTimeoutMs: 1000 });
    last().open();
    vi.advanceTimersByTime(200);
    const call = client.call('listBadges', {});
    vi.advanceTimersByTime(1001);
    await expect(call).rejects.toMatchObject({ code: 'Unavailable' });
  });
});
