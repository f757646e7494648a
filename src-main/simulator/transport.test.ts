// Transport: URL, subprotocol, Basic auth, calls in flight, reconnection, clock offset, and
// robustness against a raw peer sending malformed frames.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { TestCentral } from './test-central.ts';
import { FAST, sleep, Stations } from './test-support.ts';
import { SimulatedStation } from './station.ts';

const stations = new Stations();
const centrals: TestCentral[] = [];
const startCentral = async (...args: Parameters<typeof TestCentral.start>): Promise<TestCentral> => {
  const c = await TestCentral.start(...args);
  centrals.push(c);
  return c;
};

afterEach(async () => {
  await stations.stopAll();
  for (const c of centrals.splice(0)) {
    expect(c.strictFailures).toEqual([]);
    await c.close();
  }
});

describe('transport', () => {
  it('sends HTTP Basic auth with the station id and password, and no header without a password', async () => {
    const central = await startCentral();
    await stations.create(central, 'CP-AUTH', 'ocpp1.6', { password: 'secret-pw' }).start();
    await stations.create(central, 'CP-NOAUTH', 'ocpp2.0.1').start();
    const withPw = central.handshakes.find((h) => h.station === 'CP-AUTH');
    expect(withPw?.authorization).toBe(`Basic ${Buffer.from('CP-AUTH:secret-pw').toString('base64')}`);
    expect(withPw?.password).toBe('secret-pw');
    expect(withPw?.protocol).toBe('ocpp1.6');
    const without = central.handshakes.find((h) => h.station === 'CP-NOAUTH');
    expect(without?.authorization).toBeUndefined();
    expect(without?.protocol).toBe('ocpp2.0.1');
  });

  it('fails to start with a wrong password when reconnection is off', async () => {
    const central = await startCentral({ passwords: { 'CP-WRONG': 'right' } });
    const st = stations.create(central, 'CP-WRONG', 'ocpp1.6', { password: 'wrong', reconnect: false });
    await expect(st.start()).rejects.toThrow();
    expect(central.callsOf('BootNotification')).toHaveLength(0);
  });

  it('URL-encodes the station id in the path', async () => {
    const central = await startCentral();
    await stations.create(central, 'Parc A/borne 1', 'ocpp2.0.1').start();
    expect(central.handshakes[0]?.station).toBe('Parc A/borne 1');
    await central.waitFor('BootNotification', 'Parc A/borne 1');
  });

  it('keeps one CALL in flight by default, and several with maxInFlight', async () => {
    const central = await startCentral();
    // Slow answers make the difference visible in the frame order.
    const order = async (maxInFlight: number, id: string): Promise<string[]> => {
      const st = stations.create(central, id, 'ocpp1.6', { maxInFlight });
      await st.start();
      const frames: string[] = [];
      st.on('frameSent', (t) => frames.push(`>${(JSON.parse(t) as unknown[])[0]}`));
      st.on('frameReceived', (t) => frames.push(`<${(JSON.parse(t) as unknown[])[0]}`));
      await sleep(50);
      frames.length = 0;
      await Promise.all([st.call('Heartbeat'), st.call('Heartbeat'), st.call('Heartbeat')]);
      return frames;
    };
    expect(await order(1, 'CP-SERIAL')).toEqual(['>2', '<3', '>2', '<3', '>2', '<3']);
    expect((await order(3, 'CP-PARALLEL')).slice(0, 3)).toEqual(['>2', '>2', '>2']);
  });

  it('reconnects by itself, with backoff, when the central system drops the connection', async () => {
    const central = await startCentral();
    const st = stations.create(central, 'CP-DROP', 'ocpp2.0.1');
    await st.start();
    const back = new Promise<void>((resolve) => st.once('accepted', () => resolve()));
    await central.disconnect('CP-DROP');
    await back;
    expect(st.counters.disconnects).toBe(1);
    expect(st.counters.connects).toBe(2);
    expect(central.callsOf('BootNotification', 'CP-DROP')).toHaveLength(1); // a reconnection is not a reboot
  });

  it('keeps trying until the central system is up', async () => {
    const probe = await TestCentral.start();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const st = new SimulatedStation({ url: `ws://127.0.0.1:${port}/ocpp`, id: 'CP-EARLY', protocol: 'ocpp1.6', ...FAST });
    const started = st.start();
    try {
      await sleep(150); // a few refused attempts
      expect(st.connected).toBe(false);
      const central = await startCentral({ port });
      await started;
      await central.waitFor('BootNotification', 'CP-EARLY');
    } finally {
      await st.stop();
    }
  });

  it('goOffline drops the socket without a close handshake; goOnline reconnects without a new boot', async () => {
    const central = await startCentral();
    const st = stations.create(central, 'CP-KICK', 'ocpp1.6');
    await st.start();
    await central.waitFor('StatusNotification', 'CP-KICK', 3);
    const closed = new Promise<number>((resolve) => st.once('disconnected', (code) => resolve(code)));
    const back = new Promise<void>((resolve) => st.once('accepted', () => resolve()));
    st.goOffline();
    expect(await closed).toBe(1006); // abnormal closure: no close frame
    expect(st.online).toBe(false);
    st.goOnline();
    await back;
    expect(central.callsOf('BootNotification', 'CP-KICK')).toHaveLength(1); // a reconnection is not a reboot
    await central.waitFor('StatusNotification', 'CP-KICK', 6); // statuses are reported again
  });

  it('applies clockOffsetMs to every timestamp it sends', async () => {
    const central = await startCentral();
    const st = stations.create(central, 'CP-CLOCK', 'ocpp2.0.1', { clockOffsetMs: -3_600_000 });
    await st.start();
    const status = await central.waitFor('StatusNotification', 'CP-CLOCK');
    const skew = Date.now() - Date.parse(String(status.params.timestamp));
    expect(skew).toBeGreaterThan(3_500_000);
    expect(skew).toBeLessThan(3_700_000);
  });
});

describe('robustness against a raw peer', () => {
  it('answers malformed or unknown CALLs with the right CALLERROR and keeps working', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (protocols) => [...protocols][0] ?? false });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const port = (wss.address() as AddressInfo).port;
    const received: unknown[][] = [];
    let peer: WebSocket | null = null;
    wss.on('connection', (ws) => {
      peer = ws;
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as unknown[];
        received.push(frame);
        if (frame[0] === 2 && frame[2] === 'BootNotification') {
          ws.send(JSON.stringify([3, frame[1], { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 }]));
        } else if (frame[0] === 2) {
          ws.send(JSON.stringify([3, frame[1], {}]));
        }
      });
    });
    const st = new SimulatedStation({ url: `ws://127.0.0.1:${port}/ocpp`, id: 'RAW-1', protocol: 'ocpp2.0.1', ...FAST });
    const protocolErrors: string[] = [];
    st.on('protocolError', (m) => protocolErrors.push(m));
    try {
      await st.start();
      const answerTo = async (id: string): Promise<unknown[]> => {
        for (let i = 0; i < 200; i++) {
          const hit = received.find((f) => f[1] === id && (f[0] === 3 || f[0] === 4));
          if (hit) return hit;
          await sleep(10);
        }
        throw new Error(`no answer to ${id}`);
      };
      const send = (frame: unknown): void => (peer as WebSocket | null)?.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      send('this is not json');
      send([3, 'never-asked', {}]);
      send([4, 'never-asked-either', 'GenericError', '', {}]);
      send({ an: 'object' });
      send([2, 'a1', 'FlyToTheMoon', {}]);
      send([2, 'a2', 'Reset', { type: 'Sideways' }]);
      send([2, 'a3', 'Reset', {}]);
      send([2, 'a4', 'UnlockConnector', { evseId: 'one', connectorId: 1 }]);
      send([9, 'a5', 'Something', {}]);
      send([2, 'a6', 'Heartbeat', []]);
      send([2, 'a7', 'GetLocalListVersion', {}]);
      send([2, 'a8', 'ClearCache', {}]);
      expect((await answerTo('a1')).slice(0, 3)).toEqual([4, 'a1', 'NotImplemented']);
      expect((await answerTo('a2')).slice(0, 3)).toEqual([4, 'a2', 'PropertyConstraintViolation']);
      expect((await answerTo('a3')).slice(0, 3)).toEqual([4, 'a3', 'OccurrenceConstraintViolation']);
      expect((await answerTo('a4')).slice(0, 3)).toEqual([4, 'a4', 'TypeConstraintViolation']);
      expect((await answerTo('a5')).slice(0, 3)).toEqual([4, 'a5', 'MessageTypeNotSupported']);
      expect((await answerTo('a6')).slice(0, 3)).toEqual([4, 'a6', 'FormatViolation']);
      expect((await answerTo('a7')).slice(0, 3)).toEqual([4, 'a7', 'NotSupported']);
      expect(await answerTo('a8')).toEqual([3, 'a8', { status: 'Accepted' }]);
      expect(protocolErrors.length).toBeGreaterThanOrEqual(4);
      expect(st.online).toBe(true);
    } finally {
      await st.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });

  it('uses the 1.6 error codes (FormationViolation, OccurenceConstraintViolation)', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (protocols) => [...protocols][0] ?? false });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const port = (wss.address() as AddressInfo).port;
    const received: unknown[][] = [];
    let peer: WebSocket | null = null;
    wss.on('connection', (ws) => {
      peer = ws;
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString('utf8')) as unknown[];
        received.push(frame);
        if (frame[0] === 2) {
          const answer = frame[2] === 'BootNotification' ? { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 } : {};
          ws.send(JSON.stringify([3, frame[1], answer]));
        }
      });
    });
    const st = new SimulatedStation({ url: `ws://127.0.0.1:${port}/ocpp`, id: 'RAW-16', protocol: 'ocpp1.6', ...FAST });
    try {
      await st.start();
      (peer as WebSocket | null)?.send(JSON.stringify([2, 'b1', 'Reset', {}]));
      (peer as WebSocket | null)?.send(JSON.stringify([2, 'b2', 'Heartbeat', 'x']));
      for (let i = 0; i < 200 && received.filter((f) => f[0] === 4).length < 2; i++) await sleep(10);
      expect(received.filter((f) => f[0] === 4).map((f) => f.slice(0, 3))).toEqual([
        [4, 'b1', 'OccurenceConstraintViolation'],
        [4, 'b2', 'FormationViolation'],
      ]);
    } finally {
      await st.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});
