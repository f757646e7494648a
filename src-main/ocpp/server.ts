// The OCPP-J WebSocket endpoint: ws://host:port/ocpp/<stationId>, subprotocol negotiation,
// security profile 1 (HTTP Basic), ping/pong dead-connection detection, a maximum frame size.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { CommandRecord, CommandResult, OcppProtocol, StationCommand } from '../../src-shared/domain/index.ts';
import { OcppConnection, createReplyMemory, type ReplyMemory } from './connection.ts';
import { CallTimeoutError, RpcError, StationCallError, StationOfflineError } from './errors.ts';
import { payloadValidator } from './validation.ts';
import { outcomeOf } from './outcome.ts';
import type { CentralSystemServices, StationSession, VersionAdapter } from './types.ts';
import { v16Adapter } from './v16/index.ts';
import { v201Adapter } from './v201/index.ts';

/** A ping interval is walked in this many slices (see OcppServer.checkAlive). */
const PING_SLICES = 50;

export const SUPPORTED_PROTOCOLS: readonly OcppProtocol[] = ['ocpp2.0.1', 'ocpp1.6'];
const ADAPTERS: Record<OcppProtocol, VersionAdapter> = { 'ocpp1.6': v16Adapter, 'ocpp2.0.1': v201Adapter };
const STATION_ID = /^[\x21-\x7e]{1,48}$/;

export interface CentralSystemOptions {
  /** Largest accepted frame, bytes; a larger one closes the socket with 1009. */
  maxFrameBytes?: number;
  pingIntervalMs?: number;
  callTimeoutMs?: number;
  /** Keep a copy of every frame in the archive's bounded message log. */
  logFrames?: boolean;
  /** Sustained inbound frames per second per station before throttling. */
  maxMessagesPerSecond?: number;
  /** Burst allowance above the sustained rate (offline queue replays). */
  burst?: number;
  /** Frames held back while throttled before the station is disconnected. */
  maxThrottledFrames?: number;
  /** Connections of stations not yet accepted (unknown / pending) allowed from one IP address. */
  maxUnacceptedPerIp?: number;
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function refuse(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n${extra}\r\n`);
}

export class CentralSystem {
  private readonly wss: WebSocketServer;
  private readonly services: CentralSystemServices;
  private readonly log: Logger;
  private readonly options: Required<CentralSystemOptions>;
  private readonly connections = new Map<string, OcppConnection>();
  /**
   * Per remote address, the stations connected from it that were not accepted when they
   * connected (pruned as they get accepted): the per-address limit is checked against this,
   * not by scanning every connection (a 10,000-station boot storm would be quadratic).
   */
  private readonly unacceptedByAddress = new Map<string, Set<string>>();
  private readonly replyMemories = new Map<string, ReplyMemory>();
  private readonly sessions = new Map<string, StationSession>();
  private readonly pingTimer: NodeJS.Timeout;
  /** The connections of the current ping round and how far it has got (see checkAlive). */
  private pingRound: OcppConnection[] = [];
  private pingTick = 0;

  constructor(services: CentralSystemServices, log: Logger, options: CentralSystemOptions = {}) {
    this.services = services;
    this.log = log;
    this.options = {
      maxFrameBytes: 1024 * 1024,
      pingIntervalMs: 30_000,
      callTimeoutMs: 30_000,
      logFrames: true,
      maxMessagesPerSecond: 20,
      burst: 500,
      maxThrottledFrames: 1000,
      maxUnacceptedPerIp: 50,
      ...options,
    };
    // Compile both schema sets at start-up, not on the first station.
    for (const p of SUPPORTED_PROTOCOLS) payloadValidator(p);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.maxFrameBytes,
      perMessageDeflate: false,
      handleProtocols: (offered, request) => this.chooseProtocol(offered, request),
    });
    this.pingTimer = setInterval(() => this.checkAlive(), this.options.pingIntervalMs / PING_SLICES);
    this.pingTimer.unref();
  }

  private chooseProtocol(offered: Set<string>, request: IncomingMessage): string | false {
    const id = (request as IncomingMessage & { stationId?: string }).stationId;
    const declared = id ? this.services.registry.protocolOf(id) : null;
    if (declared && offered.has(declared)) return declared;
    return SUPPORTED_PROTOCOLS.find((p) => offered.has(p)) ?? false;
  }

  /** Serves OCPP upgrades on `/ocpp/<id>` of an HTTP server; other upgrades are left alone. */
  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = /^\/ocpp\/([^/]+)\/?$/.exec(url.pathname);
      if (!match) {
        if (!url.pathname.startsWith('/api/')) refuse(socket, 404, 'Not Found');
        return;
      }
      let stationId: string;
      try {
        stationId = decodeURIComponent(match[1] as string);
      } catch {
        refuse(socket, 400, 'Bad Request');
        return;
      }
      if (!STATION_ID.test(stationId)) {
        this.log.warn({ stationId }, 'refused: invalid station id');
        refuse(socket, 400, 'Bad Request');
        return;
      }
      const auth = this.services.registry.authenticate(stationId, parseBasicAuth(request.headers.authorization));
      if (auth === 'unauthorized') {
        this.log.warn({ station: stationId, address: request.socket.remoteAddress }, 'refused: wrong or missing password');
        refuse(socket, 401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="OCPP", charset="UTF-8"' });
        return;
      }
      const address = request.socket.remoteAddress ?? '';
      if (!this.services.registry.isAccepted(stationId) && this.unacceptedFrom(address, stationId) >= this.options.maxUnacceptedPerIp) {
        this.log.warn({ station: stationId, address }, `refused: more than ${this.options.maxUnacceptedPerIp} stations not yet accepted from one address`);
        refuse(socket, 429, 'Too Many Requests');
        return;
      }
      (request as IncomingMessage & { stationId?: string }).stationId = stationId;
      this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, stationId, request));
    });
  }

  private onConnection(ws: WebSocket, stationId: string, request: IncomingMessage): void {
    const protocol = ws.protocol as OcppProtocol | '';
    if (protocol === '' || !SUPPORTED_PROTOCOLS.includes(protocol)) {
      // OCPP-J: complete the handshake without a subprotocol, then close at once.
      this.log.warn({ station: stationId, offered: request.headers['sec-websocket-protocol'] ?? null }, 'refused: no supported OCPP subprotocol');
      ws.close(1002, 'Unsupported or missing OCPP subprotocol (ocpp1.6 or ocpp2.0.1)');
      return;
    }
    const previous = this.connections.get(stationId);
    if (previous) {
      this.log.info({ station: stationId }, 'new connection replaces the previous one');
      previous.markClosed();
      previous.terminate();
    }
    let replies = this.replyMemories.get(stationId);
    if (!replies) {
      replies = createReplyMemory();
      this.replyMemories.set(stationId, replies);
    }
    let session = this.sessions.get(stationId);
    if (!session) {
      session = { reports: new Map(), nextRequestId: 1 };
      this.sessions.set(stationId, session);
    }
    const connection = new OcppConnection({
      socket: ws,
      stationId,
      adapter: ADAPTERS[protocol],
      validator: payloadValidator(protocol),
      services: this.services,
      log: this.log,
      options: this.options,
      remoteAddress: request.socket.remoteAddress ?? '',
      replies,
      session,
    });
    this.connections.set(stationId, connection);
    if (!this.services.registry.isAccepted(stationId)) {
      const address = request.socket.remoteAddress ?? '';
      let set = this.unacceptedByAddress.get(address);
      if (!set) this.unacceptedByAddress.set(address, (set = new Set()));
      set.add(stationId);
    }
    this.services.registry.connected(stationId, protocol, request.socket.remoteAddress ?? null);
    this.log.info({ station: stationId, protocol }, 'station connected');
    ws.on('close', (code) => {
      connection.markClosed();
      if (this.connections.get(stationId) === connection) {
        this.connections.delete(stationId);
        this.services.registry.disconnected(stationId, connection.closeReason);
        this.log.info({ station: stationId, code }, 'station disconnected');
      }
    });
    ws.on('error', (error) => {
      this.log.warn({ station: stationId, err: error.message }, 'socket error');
    });
  }

  /** Connected stations from `address` that are not accepted, other than `stationId` itself. */
  private unacceptedFrom(address: string, stationId: string): number {
    const set = this.unacceptedByAddress.get(address);
    if (!set) return 0;
    let count = 0;
    for (const id of set) {
      const c = this.connections.get(id);
      // Gone, reconnected from elsewhere, or accepted since: no longer counts.
      if (!c || c.remoteAddress !== address || this.services.registry.isAccepted(id)) set.delete(id);
      else if (id !== stationId) count++;
    }
    if (set.size === 0) this.unacceptedByAddress.delete(address);
    return count;
  }

  /**
   * Pings one slice of the connections: every connection is visited once per ping interval, and
   * one that has not answered the previous visit's ping is closed. Sliced because pinging 10,000
   * sockets in one turn stalled every reply for ~400 ms.
   */
  private checkAlive(): void {
    if (this.pingTick % PING_SLICES === 0) this.pingRound = [...this.connections.values()];
    const size = Math.ceil(this.pingRound.length / PING_SLICES);
    const start = (this.pingTick % PING_SLICES) * size;
    const slice = this.pingRound.slice(start, start + size);
    this.pingTick++;
    for (const connection of slice) {
      if (!connection.isOpen) continue;
      if (!connection.alive) {
        this.log.warn({ station: connection.stationId }, 'no pong: connection considered dead');
        connection.closeReason = 'no answer to WebSocket ping';
        connection.terminate();
        continue;
      }
      connection.alive = false;
      connection.ping();
    }
  }

  isConnected(stationId: string): boolean {
    return this.connections.has(stationId);
  }

  connectedCount(): number {
    return this.connections.size;
  }

  private connectionOf(stationId: string): OcppConnection {
    const connection = this.connections.get(stationId);
    if (!connection) throw new StationOfflineError(stationId);
    return connection;
  }

  /** The actions the central system may send to this station's OCPP version. */
  outboundActions(stationId: string): ReadonlySet<string> | null {
    const connection = this.connections.get(stationId);
    return connection ? ADAPTERS[connection.protocol].outboundActions : null;
  }

  /** Sends any central-system action of the station's version; payload validated first. */
  async callRaw(stationId: string, action: string, payload: object): Promise<unknown> {
    const connection = this.connectionOf(stationId);
    if (!ADAPTERS[connection.protocol].outboundActions.has(action)) {
      throw new RpcError('NotSupported', `${action} is not a central-system action of ${connection.protocol}`);
    }
    return connection.call(action, payload);
  }

  /**
   * Sends a raw action for an integrator and records it like any operator command. A payload
   * that fails validation is refused before sending and not recorded.
   */
  async rawCommand(stationId: string, action: string, payload: object, operator: string | null): Promise<unknown> {
    const sentAt = new Date().toISOString();
    const record = (outcome: CommandResult['outcome'], status: string, response: unknown) =>
      this.services.archive
        .insertCommand({ stationId, action, request: payload, outcome, status, response, operator, sentAt, answeredAt: new Date().toISOString() })
        .then((r) => this.onCommand?.(r));
    try {
      const response = await this.callRaw(stationId, action, payload);
      const status = (response as { status?: unknown }).status;
      await record(typeof status === 'string' ? outcomeOf(status) : 'accepted', typeof status === 'string' ? status : 'Answered', response);
      return response;
    } catch (error) {
      if (!(error instanceof RpcError)) {
        const failure = commandFailure(error);
        await record('error', failure.status, failure.raw);
      }
      throw error;
    }
  }

  /** Runs a neutral operator command, records it with its result, and returns the result. */
  async command(stationId: string, command: StationCommand, operator: string | null): Promise<CommandResult> {
    const sentAt = new Date().toISOString();
    let result: CommandResult;
    let action: string = command.kind;
    let request: unknown = command;
    try {
      const connection = this.connectionOf(stationId);
      const plan = ADAPTERS[connection.protocol].planCommand(command, connection.context);
      action = plan.action;
      request = plan.payload;
      result = await plan.run(connection.context);
    } catch (error) {
      result = commandFailure(error);
    }
    const record = await this.services.archive.insertCommand({
      stationId,
      action,
      request,
      outcome: result.outcome,
      status: result.status,
      response: result.raw ?? null,
      operator,
      sentAt,
      answeredAt: new Date().toISOString(),
    });
    this.onCommand?.(record);
    return result;
  }

  onCommand: ((record: CommandRecord) => void) | null = null;

  async close(): Promise<void> {
    clearInterval(this.pingTimer);
    for (const connection of this.connections.values()) {
      connection.markClosed();
      connection.close(1001, 'central system shutting down');
    }
    this.connections.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

export function commandFailure(error: unknown): CommandResult {
  if (error instanceof StationCallError) return { outcome: 'error', status: error.code, detail: error.message, raw: { errorCode: error.code, details: error.details } };
  if (error instanceof CallTimeoutError) return { outcome: 'error', status: 'Timeout', detail: error.message, raw: null };
  if (error instanceof StationOfflineError) return { outcome: 'error', status: 'Offline', detail: error.message, raw: null };
  if (error instanceof RpcError) return { outcome: 'error', status: error.kind, detail: error.message, raw: null };
  return { outcome: 'error', status: 'InternalError', detail: error instanceof Error ? error.message : String(error), raw: null };
}
