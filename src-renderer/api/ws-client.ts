// Server-mode transport: the API contract over one WebSocket (/api/ws), ClientMessage out,
// ServerMessage in. Reconnects with capped exponential backoff; close code 4401 means the
// server wants the API key, which we then ask for and keep in sessionStorage.
import {
  ApiError,
  type ApiCommandName,
  type ApiRequest,
  type ApiResponse,
  type ClientMessage,
  type ServerMessage,
} from '../../src-shared/api/index.ts';
import type { DomainEvent } from '../../src-shared/domain/index.ts';
import { NotConnectedError, type ConnectionInfo, type SupervisorClient } from './types.ts';

export const API_KEY_STORAGE = 'evs.apiKey';
/** The session token of the signed-in account (server started with --require-login). */
export const SESSION_STORAGE = 'evs.session';
export const AUTH_REQUIRED_CODE = 4401;

/** The subset of the browser WebSocket the client uses (a fake replaces it in tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface WsClientOptions {
  /** Base URL of the bridge, e.g. ws://host/api/ws. */
  url: string;
  createSocket?: (url: string) => SocketLike;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  /** A call without an answer after this long fails (station commands wait for the station). */
  callTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

export function bridgeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws`;
}

function isServerMessage(value: unknown): value is ServerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { kind?: unknown; id?: unknown; event?: unknown };
  return (m.kind === 'result' && typeof m.id === 'number') || (m.kind === 'event' && typeof m.event === 'object' && m.event !== null);
}

export class WsClient implements SupervisorClient {
  readonly transport = 'websocket' as const;
  private readonly options: Required<Omit<WsClientOptions, 'storage'>> & { storage: NonNullable<WsClientOptions['storage']> | null };
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<(event: DomainEvent) => void>();
  private readonly stateListeners = new Set<(info: ConnectionInfo) => void>();
  private info: ConnectionInfo = { status: 'connecting', transport: 'websocket', retryAt: null, keyRejected: false };
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Whether the socket being opened carries a key (a 4401 then means the key is wrong). */
  private sentKey = false;
  private openGrace: ReturnType<typeof setTimeout> | null = null;

  constructor(options: WsClientOptions) {
    this.options = {
      createSocket: (url) => new WebSocket(url),
      callTimeoutMs: 90_000,
      minBackoffMs: 500,
      maxBackoffMs: 10_000,
      ...options,
      storage: options.storage ?? null,
    };
    this.connect();
  }

  state(): ConnectionInfo {
    return this.info;
  }

  onState(listener: (info: ConnectionInfo) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.info);
    return () => this.stateListeners.delete(listener);
  }

  onConnection(listener: (connected: boolean) => void): () => void {
    return this.onState((info) => listener(info.status === 'open'));
  }

  onEvent(listener: (event: DomainEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  call<K extends ApiCommandName>(command: K, request: ApiRequest<K>): Promise<ApiResponse<K>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN || this.info.status !== 'open') return Promise.reject(new NotConnectedError());
    const id = this.nextId++;
    return new Promise<ApiResponse<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiError('Unavailable', `${command}: no answer from the supervisor within ${Math.round(this.options.callTimeoutMs / 1000)} s`));
      }, this.options.callTimeoutMs);
      this.pending.set(id, { resolve: (value) => resolve(value as ApiResponse<K>), reject, timer });
      const message: ClientMessage = { kind: 'call', id, command, request };
      socket.send(JSON.stringify(message));
    });
  }

  setApiKey(key: string): void {
    this.options.storage?.setItem(API_KEY_STORAGE, key);
    this.reconnectNow();
  }

  setSessionToken(token: string | null): void {
    if (token) this.options.storage?.setItem(SESSION_STORAGE, token);
    else this.options.storage?.removeItem(SESSION_STORAGE);
  }

  sessionToken(): string | null {
    return this.options.storage?.getItem(SESSION_STORAGE) ?? null;
  }

  reconnectNow(): void {
    if (this.closed) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.socket) {
      const old = this.socket;
      this.socket = null;
      old.onclose = null;
      old.close(1000, 'reconnecting');
      this.failPending('Connection to the supervisor restarted');
    }
    this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(1000, 'closing');
    }
    this.failPending('Client closed');
    this.setState({ status: 'closed', retryAt: null });
  }

  private connect(): void {
    const key = this.options.storage?.getItem(API_KEY_STORAGE) ?? null;
    this.sentKey = key !== null && key !== '';
    const token = this.sessionToken();
    const params = new URLSearchParams();
    if (this.sentKey) params.set('key', key ?? '');
    if (token) params.set('token', token);
    const query = params.toString();
    const url = query ? `${this.options.url}?${query}` : this.options.url;
    this.setState({ status: 'connecting', retryAt: null });
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      // The server accepts the upgrade before checking the key and closes with 4401 right
      // after; "open" is only reported once a first message proves the link is usable or
      // a short grace period passes without a close.
      this.failures = 0;
      this.openGrace = setTimeout(() => this.markOpen(socket), 150);
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.markOpen(socket);
      this.receive(typeof event.data === 'string' ? event.data : String(event.data));
    };
    socket.onerror = () => {
      // A close event always follows; it carries the code we act on.
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      if (this.openGrace) clearTimeout(this.openGrace);
      this.openGrace = null;
      this.socket = null;
      this.failPending('Connection to the supervisor lost');
      if (event.code === AUTH_REQUIRED_CODE) {
        if (this.sentKey) this.options.storage?.removeItem(API_KEY_STORAGE);
        this.setState({ status: 'auth-required', retryAt: null, keyRejected: this.sentKey });
        return;
      }
      this.scheduleReconnect();
    };
  }

  private markOpen(socket: SocketLike): void {
    if (this.socket !== socket || this.info.status === 'open') return;
    if (this.openGrace) clearTimeout(this.openGrace);
    this.openGrace = null;
    this.setState({ status: 'open', retryAt: null, keyRejected: false });
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const base = Math.min(this.options.maxBackoffMs, this.options.minBackoffMs * 2 ** this.failures);
    // Jitter keeps many workstations from reconnecting in lockstep after a server restart.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.failures++;
    this.setState({ status: 'closed', retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!isServerMessage(message)) return;
    if (message.kind === 'event') {
      for (const listener of this.eventListeners) listener(message.event);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.response);
    else pending.reject(new ApiError(message.error.code, message.error.message));
  }

  private failPending(reason: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new NotConnectedError(reason));
      this.pending.delete(id);
    }
  }

  private setState(patch: Partial<ConnectionInfo>): void {
    this.info = { ...this.info, ...patch };
    for (const listener of this.stateListeners) listener(this.info);
  }
}
