// A bare OCPP 1.6-J charge point on the `ws` package, for tests that need a station to do
// something precise (report a fault, a failed firmware update) on the real server. It answers
// every CALL from the central system with a plain "Accepted".
import WebSocket from 'ws';

type Frame = [2, string, string, unknown] | [3, string, unknown] | [4, string, string, string, unknown];

export class RawStation {
  readonly id: string;
  private readonly ws: WebSocket;
  private next = 1;
  private readonly pending = new Map<string, { resolve: (payload: unknown) => void; reject: (error: Error) => void }>();
  /** CALLs received from the central system (action names), for assertions. */
  readonly received: string[] = [];

  private constructor(id: string, ws: WebSocket) {
    this.id = id;
    this.ws = ws;
    ws.on('message', (data) => this.receive(String(data)));
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error(`${id}: connection closed`));
      this.pending.clear();
    });
  }

  /** Opens ws://host:port/ocpp/<id> with the ocpp1.6 subprotocol (and HTTP Basic auth when a password is given). */
  static connect(port: number, id: string, password?: string): Promise<RawStation> {
    const headers: Record<string, string> = password ? { Authorization: `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}` } : {};
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ocpp/${encodeURIComponent(id)}`, ['ocpp1.6'], { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RawStation(id, ws)));
      ws.once('error', reject);
    });
  }

  call<T = Record<string, unknown>>(action: string, payload: unknown, timeoutMs = 10_000): Promise<T> {
    const id = `m${this.next++}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.id}: no answer to ${action}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify([2, id, action, payload]));
    });
  }

  boot(): Promise<{ status: string }> {
    return this.call('BootNotification', { chargePointVendor: 'E2E', chargePointModel: 'RawStation', firmwareVersion: '0.0.1' });
  }

  status(connectorId: number, status: string, errorCode = 'NoError'): Promise<unknown> {
    return this.call('StatusNotification', { connectorId, errorCode, status, timestamp: new Date().toISOString() });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close(1000, 'test over');
    });
  }

  private receive(text: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      return;
    }
    if (frame[0] === 2) {
      this.received.push(frame[2]);
      this.ws.send(JSON.stringify([3, frame[1], { status: 'Accepted' }]));
      return;
    }
    const p = this.pending.get(frame[1]);
    if (!p) return;
    this.pending.delete(frame[1]);
    if (frame[0] === 3) p.resolve(frame[2]);
    else p.reject(new Error(`${this.id}: ${frame[2]} ${frame[3]}`));
  }
}
