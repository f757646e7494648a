// A tiny real OCPP-J central system for the simulator's tests, built on ocpp-rpc in strict
// mode: ocpp-rpc validates every frame against the official schemas, independently of the
// simulator's own validation. Not a test file itself (no .test.ts): the tests share it.
import { RPCServer } from 'ocpp-rpc';
import type { AddressInfo } from 'node:net';
import type { OcppProtocol } from './types.ts';

export interface ReceivedCall {
  station: string;
  protocol: OcppProtocol;
  action: string;
  params: Record<string, unknown>;
}

export interface Handshake {
  station: string;
  protocol: string | undefined;
  authorization: string | undefined;
  password: string | undefined;
}

type Responder = (call: ReceivedCall) => Record<string, unknown>;

/** The part of ocpp-rpc's server-side client the tests use. */
interface PeerClient {
  identity: string;
  protocol: string | undefined;
  handle(handler: (call: { method: string; params: Record<string, unknown> }) => Promise<Record<string, unknown>>): void;
  call(method: string, params?: unknown, options?: Record<string, unknown>): Promise<unknown>;
  on(event: 'strictValidationFailure', listener: (event: { error: Error; method: string; outbound: boolean }) => void): void;
  on(event: 'close', listener: () => void): void;
  close(options: { force?: boolean; code?: number }): Promise<unknown>;
}

export interface TestCentralOptions {
  /** Registration status given at boot (a function to change it per boot). */
  bootStatus?: 'Accepted' | 'Pending' | 'Rejected' | ((station: string, attempt: number) => 'Accepted' | 'Pending' | 'Rejected');
  heartbeatIntervalS?: number;
  /** Tags answered Accepted (others Invalid); all accepted when absent. */
  acceptedTags?: string[];
  /** Password per station; when set, the auth callback refuses others with 401. */
  passwords?: Record<string, string>;
  /** Listen on this port (default: any free port). */
  port?: number;
}

export class TestCentral {
  readonly calls: ReceivedCall[] = [];
  readonly handshakes: Handshake[] = [];
  /** Schema violations ocpp-rpc detected (must stay empty). */
  readonly strictFailures: string[] = [];
  readonly responders = new Map<string, Responder>();
  private readonly clients = new Map<string, PeerClient>();
  private readonly server: RPCServer;
  private readonly options: TestCentralOptions;
  private readonly bootAttempts = new Map<string, number>();
  private nextTransactionId = 1;
  private waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  url = '';

  private constructor(options: TestCentralOptions) {
    this.options = options;
    this.server = new RPCServer({ protocols: ['ocpp1.6', 'ocpp2.0.1'], strictMode: true, callTimeoutMs: 5000 });
    this.server.auth((accept, reject, handshake) => {
      const header = handshake.headers.authorization;
      this.handshakes.push({
        station: handshake.identity,
        protocol: [...handshake.protocols][0],
        authorization: typeof header === 'string' ? header : undefined,
        password: handshake.password?.toString('utf8'),
      });
      const expected = options.passwords?.[handshake.identity];
      if (options.passwords && handshake.password?.toString('utf8') !== expected) {
        reject(401, 'bad credentials');
        return;
      }
      accept({ identity: handshake.identity });
    });
    this.server.on('client', (client: PeerClient) => this.attach(client));
  }

  static async start(options: TestCentralOptions = {}): Promise<TestCentral> {
    const central = new TestCentral(options);
    const http = await central.server.listen(options.port ?? 0, '127.0.0.1');
    const { port } = http.address() as AddressInfo;
    central.url = `ws://127.0.0.1:${port}/ocpp`;
    return central;
  }

  async close(): Promise<void> {
    await this.server.close({ force: true });
  }

  /** Sends a CALL to a connected station and returns its answer. */
  call(station: string, action: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const client = this.clients.get(station);
    if (!client) throw new Error(`${station} is not connected`);
    return client.call(action, params) as Promise<Record<string, unknown>>;
  }

  /** Drops a station's connection from the central system's side (no close handshake). */
  async disconnect(station: string): Promise<void> {
    await this.clients.get(station)?.close({ force: true });
  }

  callsOf(action: string, station?: string): ReceivedCall[] {
    return this.calls.filter((c) => c.action === action && (station === undefined || c.station === station));
  }

  connected(station: string): boolean {
    return this.clients.has(station);
  }

  /** Resolves once the predicate holds (checked after every received message, and now). */
  async until(test: () => boolean, what = 'condition', timeoutMs = 10_000): Promise<void> {
    if (test()) return;
    await new Promise<void>((resolve, reject) => {
      const waiter = { test, resolve };
      this.waiters.push(waiter);
      const poll = setInterval(() => {
        if (test()) done();
      }, 20);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const done = (): void => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      waiter.resolve = done;
    });
  }

  /** Waits for the n-th (1-based) message of an action from a station and returns it. */
  async waitFor(action: string, station?: string, count = 1, timeoutMs = 10_000): Promise<ReceivedCall> {
    await this.until(() => this.callsOf(action, station).length >= count, `${count} x ${action}`, timeoutMs);
    return this.callsOf(action, station)[count - 1] as ReceivedCall;
  }

  private attach(client: PeerClient): void {
    const station = client.identity;
    const protocol = client.protocol as OcppProtocol;
    this.clients.set(station, client);
    client.on('close', () => {
      if (this.clients.get(station) === client) this.clients.delete(station);
    });
    client.on('strictValidationFailure', (event) => {
      this.strictFailures.push(`${station} ${event.method} ${event.outbound ? 'outbound' : 'inbound'}: ${event.error.message}`);
    });
    client.handle(async ({ method, params }) => {
      const call: ReceivedCall = { station, protocol, action: method, params };
      this.calls.push(call);
      const result = (this.responders.get(method) ?? ((c: ReceivedCall) => this.defaultAnswer(c)))(call);
      queueMicrotask(() => this.wake());
      return result;
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) if (w.test()) w.resolve();
  }

  private tagStatus(tag: string): 'Accepted' | 'Invalid' {
    return !this.options.acceptedTags || this.options.acceptedTags.includes(tag) ? 'Accepted' : 'Invalid';
  }

  private defaultAnswer(call: ReceivedCall): Record<string, unknown> {
    const now = new Date().toISOString();
    const v16 = call.protocol === 'ocpp1.6';
    switch (call.action) {
      case 'BootNotification': {
        const attempt = (this.bootAttempts.get(call.station) ?? 0) + 1;
        this.bootAttempts.set(call.station, attempt);
        const b = this.options.bootStatus ?? 'Accepted';
        const status = typeof b === 'function' ? b(call.station, attempt) : b;
        return { status, currentTime: now, interval: status === 'Accepted' ? (this.options.heartbeatIntervalS ?? 300) : 1 };
      }
      case 'Heartbeat':
        return { currentTime: now };
      case 'Authorize': {
        if (v16) return { idTagInfo: { status: this.tagStatus(String(call.params.idTag)) } };
        const token = call.params.idToken as { idToken: string };
        return { idTokenInfo: { status: this.tagStatus(token.idToken) } };
      }
      case 'StartTransaction':
        return { transactionId: this.nextTransactionId++, idTagInfo: { status: this.tagStatus(String(call.params.idTag)) } };
      case 'StopTransaction':
        return { idTagInfo: { status: 'Accepted' } };
      case 'TransactionEvent': {
        const token = call.params.idToken as { idToken: string } | undefined;
        return token && call.params.eventType === 'Started' ? { idTokenInfo: { status: this.tagStatus(token.idToken) } } : {};
      }
      case 'DataTransfer':
        return { status: 'UnknownVendorId' };
      default:
        return {}; // StatusNotification, MeterValues, NotifyReport, *StatusNotification...
    }
  }
}
