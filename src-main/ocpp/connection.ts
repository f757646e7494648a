// One station's OCPP-J RPC session over a WebSocket: framing, CALL/CALLRESULT/CALLERROR
// correlation, an outbound queue with one CALL in flight and timeouts, concurrent inbound
// CALLs, duplicate message ids, schema validation both ways.
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { OcppProtocol } from '../../src-shared/domain/index.ts';
import { ArchiveUnavailableError } from '../archive/index.ts';
import { CallTimeoutError, ERROR_CODES, RpcError, StationCallError, StationOfflineError, type RpcErrorKind } from './errors.ts';
import type { PayloadValidator } from './validation.ts';
import type { CentralSystemServices, RouteContext, StationSession, VersionAdapter } from './types.ts';

const CALL = 2;
const CALLRESULT = 3;
const CALLERROR = 4;
const MAX_MESSAGE_ID_LENGTH = 36;

interface Outbound {
  action: string;
  payload: object;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface InFlightOut extends Outbound {
  id: string;
  timer: NodeJS.Timeout;
}

/** Replies remembered per station so a retried CALL with the same id gets the same answer. */
export interface ReplyMemory {
  get(id: string): { action: string; reply: Promise<string> } | undefined;
  set(id: string, entry: { action: string; reply: Promise<string> }): void;
}

export function createReplyMemory(size = 64): ReplyMemory {
  const entries = new Map<string, { action: string; reply: Promise<string> }>();
  return {
    get: (id) => entries.get(id),
    set(id, entry) {
      entries.delete(id);
      entries.set(id, entry);
      if (entries.size > size) entries.delete(entries.keys().next().value as string);
    },
  };
}

export interface ConnectionOptions {
  callTimeoutMs: number;
  logFrames: boolean;
  /** Sustained inbound frames per second a station may send (token bucket refill). */
  maxMessagesPerSecond: number;
  /** Frames a station may send in a burst above the sustained rate. */
  burst: number;
  /** Frames held back while throttled; one more and the station is disconnected. */
  maxThrottledFrames: number;
}

let messageCounter = 0;
function nextMessageId(): string {
  messageCounter = (messageCounter + 1) % 1_000_000_000;
  return `cs-${Date.now().toString(36)}-${messageCounter.toString(36)}`;
}

export class OcppConnection {
  readonly stationId: string;
  readonly protocol: OcppProtocol;
  readonly remoteAddress: string;
  private readonly socket: WebSocket;
  private readonly adapter: VersionAdapter;
  private readonly validator: PayloadValidator;
  private readonly services: CentralSystemServices;
  private readonly log: Logger;
  private readonly options: ConnectionOptions;
  private readonly replies: ReplyMemory;
  private readonly queue: Outbound[] = [];
  private inFlight: InFlightOut | null = null;
  private closed = false;
  private tokens: number;
  private lastRefill = Date.now();
  private readonly throttled: string[] = [];
  private drainTimer: NodeJS.Timeout | null = null;
  /** Set when we close the connection on purpose, to tell the operator why. */
  closeReason: string | null = null;
  readonly context: RouteContext;
  alive = true;

  constructor(args: {
    socket: WebSocket;
    stationId: string;
    adapter: VersionAdapter;
    validator: PayloadValidator;
    services: CentralSystemServices;
    log: Logger;
    options: ConnectionOptions;
    replies: ReplyMemory;
    session: StationSession;
    remoteAddress: string;
  }) {
    this.remoteAddress = args.remoteAddress;
    this.socket = args.socket;
    this.stationId = args.stationId;
    this.adapter = args.adapter;
    this.protocol = args.adapter.protocol;
    this.validator = args.validator;
    this.services = args.services;
    this.log = args.log;
    this.options = args.options;
    this.replies = args.replies;
    this.context = {
      stationId: this.stationId,
      services: this.services,
      session: args.session,
      call: (action, payload, timeoutMs) => this.call(action, payload, timeoutMs),
    };
    this.tokens = this.options.burst;
    this.socket.on('message', (data, isBinary) => {
      this.alive = true;
      this.admit(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString());
    });
    this.socket.on('pong', () => {
      this.alive = true;
    });
  }

  /**
   * Token bucket per station: frames within the rate are handled at once, a flood is held
   * back and drained at the sustained rate, and a station that keeps flooding is cut off.
   */
  private admit(text: string): void {
    const now = Date.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.options.maxMessagesPerSecond);
    this.lastRefill = now;
    if (this.throttled.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      this.handle(text);
      return;
    }
    if (this.throttled.length >= this.options.maxThrottledFrames) {
      this.closeReason = `message flood: more than ${this.options.maxMessagesPerSecond} frames/s sustained`;
      this.log.warn({ station: this.stationId, reason: this.closeReason }, 'station disconnected');
      this.throttled.length = 0;
      this.markClosed();
      this.socket.close(1008, 'Message flood');
      return;
    }
    this.throttled.push(text);
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainTimer || this.closed) return;
    const wait = Math.max(1, Math.ceil(((1 - this.tokens) / this.options.maxMessagesPerSecond) * 1000));
    this.drainTimer = setTimeout(() => {
      this.drainTimer = null;
      const now = Date.now();
      this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.lastRefill) / 1000) * this.options.maxMessagesPerSecond);
      this.lastRefill = now;
      while (this.tokens >= 1 && this.throttled.length > 0 && !this.closed) {
        this.tokens -= 1;
        this.handle(this.throttled.shift() as string);
      }
      if (this.throttled.length > 0) this.scheduleDrain();
    }, wait);
  }

  private handle(text: string): void {
    this.receive(text).catch((error: unknown) => this.log.error({ station: this.stationId, err: error }, 'frame handling failed'));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Queues a CALL to the station; resolves with its validated CALLRESULT payload. */
  call(action: string, payload: object, timeoutMs = this.options.callTimeoutMs): Promise<unknown> {
    if (this.closed) return Promise.reject(new StationOfflineError(this.stationId));
    const invalid = this.validator.validate(action, 'req', payload);
    if (invalid) return Promise.reject(new RpcError(invalid.kind, `${action} payload rejected before sending: ${invalid.message}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ action, payload, timeoutMs, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    const id = nextMessageId();
    const timer = setTimeout(() => {
      if (this.inFlight?.id !== id) return;
      this.inFlight = null;
      next.reject(new CallTimeoutError(next.action, next.timeoutMs));
      this.pump();
    }, next.timeoutMs);
    this.inFlight = { ...next, id, timer };
    this.send(JSON.stringify([CALL, id, next.action, next.payload]));
  }

  private send(frame: string): void {
    if (this.closed) return;
    if (this.options.logFrames) this.services.archive.logFrame(this.stationId, 'out', frame);
    this.services.frames?.frame(this.stationId, 'out', frame);
    this.socket.send(frame);
  }

  private sendError(id: string, kind: RpcErrorKind, description: string, details: Record<string, unknown> = {}): string {
    const frame = JSON.stringify([CALLERROR, id, ERROR_CODES[this.protocol][kind], description.slice(0, 255), details]);
    this.send(frame);
    return frame;
  }

  /** Handles one inbound frame; never throws. */
  async receive(text: string): Promise<void> {
    if (this.options.logFrames) this.services.archive.logFrame(this.stationId, 'in', text);
    this.services.frames?.frame(this.stationId, 'in', text);
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.log.warn({ station: this.stationId }, 'frame is not JSON');
      this.sendError('-1', 'RpcFrameworkError', 'Frame is not valid JSON');
      return;
    }
    if (!Array.isArray(message) || typeof message[0] !== 'number') {
      this.sendError('-1', 'RpcFrameworkError', 'Frame is not an OCPP-J message array');
      return;
    }
    const [type, id] = message as [number, unknown];
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_MESSAGE_ID_LENGTH) {
      this.sendError('-1', 'RpcFrameworkError', `Message id must be a string of 1 to ${MAX_MESSAGE_ID_LENGTH} characters`);
      return;
    }
    switch (type) {
      case CALL:
        await this.receiveCall(id, message);
        return;
      case CALLRESULT:
      case CALLERROR:
        this.receiveReply(type, id, message);
        return;
      default:
        this.sendError(id, 'MessageTypeNotSupported', `Message type ${type} is not supported`);
    }
  }

  private async receiveCall(id: string, message: unknown[]): Promise<void> {
    const [, , action, payload] = message;
    if (message.length !== 4 || typeof action !== 'string') {
      this.sendError(id, 'RpcFrameworkError', 'A CALL is [2, messageId, action, payload]');
      return;
    }
    const previous = this.replies.get(id);
    if (previous) {
      if (previous.action !== action) {
        this.sendError(id, 'RpcFrameworkError', `Message id ${id} was already used for ${previous.action}`);
        return;
      }
      // A retry of a CALL we answered (or are answering): the same answer, processed once.
      const frame = await previous.reply;
      this.send(frame);
      return;
    }
    const reply = this.answer(id, action, payload);
    this.replies.set(id, { action, reply });
    this.send(await reply);
  }

  /** Computes the reply frame of one CALL. */
  private async answer(id: string, action: string, payload: unknown): Promise<string> {
    const error = (kind: RpcErrorKind, description: string, details: Record<string, unknown> = {}) =>
      JSON.stringify([CALLERROR, id, ERROR_CODES[this.protocol][kind], description.slice(0, 255), details]);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return error('FormatViolation', 'Payload must be a JSON object');
    }
    if (!this.validator.actions.has(action)) return error('NotImplemented', `Unknown action ${action}`);
    const route = this.adapter.routes[action];
    if (!route) return error('NotSupported', `${action} is not sent by a station to the central system`);
    if (!this.adapter.allowedBeforeAcceptance.has(action) && !this.services.registry.isAccepted(this.stationId)) {
      return error('SecurityError', `${action} refused: the station is not accepted by the central system yet`);
    }
    const invalid = this.validator.validate(action, 'req', payload);
    if (invalid) {
      this.log.info({ station: this.stationId, action, problem: invalid.message }, 'invalid payload');
      return error(invalid.kind, invalid.message);
    }
    try {
      this.services.registry.seen(this.stationId);
      const result = await route(this.context, payload as never);
      const bad = this.validator.validate(action, 'conf', result);
      if (bad) {
        this.log.error({ station: this.stationId, action, problem: bad.message }, 'our own reply failed its schema');
        return error('InternalError', 'The central system produced an invalid reply');
      }
      return JSON.stringify([CALLRESULT, id, result]);
    } catch (failure) {
      if (failure instanceof RpcError) return error(failure.kind, failure.message, failure.details);
      if (failure instanceof ArchiveUnavailableError) {
        this.log.error({ station: this.stationId, action, err: failure.message }, 'not acknowledged: archive unavailable');
        return error('InternalError', 'Archive unavailable: the message was not stored, retry later');
      }
      this.log.error({ station: this.stationId, action, err: failure }, 'handler failed');
      return error('InternalError', 'The central system could not process the message');
    }
  }

  private receiveReply(type: number, id: string, message: unknown[]): void {
    const pending = this.inFlight;
    if (!pending || pending.id !== id) {
      this.log.warn({ station: this.stationId, id }, 'reply to an unknown or expired call ignored');
      return;
    }
    clearTimeout(pending.timer);
    this.inFlight = null;
    if (type === CALLRESULT) {
      const payload = message[2];
      const invalid = this.validator.validate(pending.action, 'conf', payload);
      if (invalid) pending.reject(new StationCallError(ERROR_CODES[this.protocol][invalid.kind], `Invalid ${pending.action} answer: ${invalid.message}`, {}));
      else pending.resolve(payload);
    } else {
      const [, , code, description, details] = message;
      pending.reject(new StationCallError(String(code), typeof description === 'string' ? description : '', details ?? {}));
    }
    this.pump();
  }

  /** Ends the session: pending and queued CALLs fail with StationOfflineError. */
  markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.throttled.length = 0;
    const failure = new StationOfflineError(this.stationId);
    if (this.inFlight) {
      clearTimeout(this.inFlight.timer);
      this.inFlight.reject(failure);
      this.inFlight = null;
    }
    for (const q of this.queue.splice(0)) q.reject(failure);
  }

  close(code = 1000, reason = ''): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }

  ping(): void {
    this.socket.ping();
  }
}
