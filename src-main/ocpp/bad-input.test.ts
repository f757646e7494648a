// One test per bad-input class and per known station misbehaviour, over a raw WebSocket so
// the frames are exactly the bad ones. Each proves the reply and that stored data is unchanged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectRaw, eventually, startTestSupervisor, type RawStation, type TestSupervisor } from '../app/test-support.ts';

let sup: TestSupervisor;
const stations: RawStation[] = [];

beforeEach(async () => {
  sup = await startTestSupervisor();
});
afterEach(async () => {
  for (const s of stations.splice(0)) await s.close().catch(() => undefined);
  await sup.dispose();
});

async function station(id: 'CP16' | 'CP201'): Promise<RawStation> {
  const s = await connectRaw(sup.ocppUrl, id, id === 'CP16' ? 'ocpp1.6' : 'ocpp2.0.1');
  stations.push(s);
  const boot =
    id === 'CP16'
      ? await s.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' })
      : await s.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC', vendorName: 'ACME' } });
  expect(boot[0]).toBe(3);
  return s;
}

/** What the archive holds, to prove bad input changed nothing. */
function snapshot() {
  const page = sup.archive.queryTransactions({ limit: 10_000 });
  return { transactions: JSON.stringify(page.items), samples: sup.archive.countSamples(), history: sup.archive.statusHistory('CP16').length + sup.archive.statusHistory('CP201').length };
}

const now = () => new Date().toISOString();

describe('bad input gets the right CALLERROR per version and changes nothing', () => {
  it('malformed JSON: FormationViolation (1.6) and RpcFrameworkError (2.0.1) with message id -1', async () => {
    const s16 = await station('CP16');
    const s201 = await station('CP201');
    const before = snapshot();
    s16.sendText('[2,"a","Heartbeat",{');
    expect(await s16.next()).toEqual([4, '-1', 'FormationViolation', 'Frame is not valid JSON', {}]);
    s201.sendText('{not json');
    expect(await s201.next()).toEqual([4, '-1', 'RpcFrameworkError', 'Frame is not valid JSON', {}]);
    expect(snapshot()).toEqual(before);
    // The connection survives and keeps working.
    expect((await s16.call('Heartbeat', {}))[0]).toBe(3);
  });

  it('wrong types: TypeConstraintViolation; missing fields: Occurence (1.6) / Occurrence (2.0.1) ConstraintViolation', async () => {
    const s16 = await station('CP16');
    const s201 = await station('CP201');
    const before = snapshot();
    const typeError = await s16.call('StartTransaction', { connectorId: '1', idTag: 'GOOD', meterStart: 0, timestamp: now() });
    expect(typeError.slice(0, 3)).toEqual([4, typeError[1], 'TypeConstraintViolation']);
    const missing16 = await s16.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', timestamp: now() });
    expect(missing16[2]).toBe('OccurenceConstraintViolation');
    const missing201 = await s201.call('TransactionEvent', { eventType: 'Started', timestamp: now(), seqNo: 0, transactionInfo: { transactionId: 'x' } });
    expect(missing201[2]).toBe('OccurrenceConstraintViolation');
    const badEnum = await s201.call('StatusNotification', { timestamp: now(), connectorStatus: 'Exploded', evseId: 1, connectorId: 1 });
    expect(badEnum[2]).toBe('PropertyConstraintViolation');
    const tooLong = await s16.call('Authorize', { idTag: 'X'.repeat(21) });
    expect(tooLong[2]).toBe('PropertyConstraintViolation');
    expect(snapshot()).toEqual(before);
  });

  it('unknown action: NotImplemented; a central-system action sent by a station: NotSupported', async () => {
    const s16 = await station('CP16');
    const s201 = await station('CP201');
    expect((await s16.call('MakeCoffee', {}))[2]).toBe('NotImplemented');
    expect((await s201.call('MakeCoffee', {}))[2]).toBe('NotImplemented');
    expect((await s16.call('RemoteStartTransaction', { idTag: 'GOOD' }))[2]).toBe('NotSupported');
  });

  it('not an OCPP-J frame: a bad message type or structure gets the framework error', async () => {
    const s201 = await station('CP201');
    const s16 = await station('CP16');
    s201.send([7, 'id-7', 'Heartbeat', {}]);
    expect(await s201.next()).toEqual([4, 'id-7', 'MessageTypeNotSupported', 'Message type 7 is not supported', {}]);
    s201.send({ hello: 'world' });
    expect((await s201.next()).slice(0, 3)).toEqual([4, '-1', 'RpcFrameworkError']);
    s16.send([2, 'id-x', 'Heartbeat']);
    expect((await s16.next()).slice(0, 3)).toEqual([4, 'id-x', 'FormationViolation']);
    s16.send([2, 'x'.repeat(37), 'Heartbeat', {}]);
    expect((await s16.next()).slice(0, 3)).toEqual([4, '-1', 'FormationViolation']);
    s16.send([2, 'id-arr', 'Heartbeat', []]);
    expect((await s16.next()).slice(0, 3)).toEqual([4, 'id-arr', 'FormationViolation']);
  });

  it('oversized frame: the socket is closed with 1009 and nothing is stored', async () => {
    const small = await startTestSupervisor({ ocpp: { maxFrameBytes: 4096 } });
    try {
      const s = await connectRaw(small.ocppUrl, 'CP16', 'ocpp1.6');
      await s.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
      const before = small.archive.countSamples();
      s.send([2, 'big', 'DataTransfer', { vendorId: 'X', data: 'y'.repeat(10_000) }]);
      const closed = await s.closed;
      expect(closed.code).toBe(1009);
      expect(small.archive.countSamples()).toBe(before);
    } finally {
      await small.dispose();
    }
  });

  it('wrong password or none: HTTP 401 before the WebSocket opens; right password connects', async () => {
    await expect(connectRaw(sup.ocppUrl, 'CP16', 'ocpp1.6', 'wrong-password')).rejects.toThrow('HTTP 401');
    await expect(connectRaw(sup.ocppUrl, 'CP16', 'ocpp1.6', null)).rejects.toThrow('HTTP 401');
    // Basic auth user must be the station id itself.
    const ws = new WebSocket(`${sup.ocppUrl}/CP16`, 'ocpp1.6', { headers: { Authorization: `Basic ${Buffer.from('CP201:secret-16-pw').toString('base64')}` } });
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(401);
    expect(sup.registry.get('CP16')?.connected).toBe(false);
    const ok = await station('CP16');
    expect(ok.socket.protocol).toBe('ocpp1.6');
  });

  it('missing or unsupported subprotocol: handshake without a protocol, then closed (1002), logged', async () => {
    const none = await connectRaw(sup.ocppUrl, 'CP16', null);
    expect((await none.closed).code).toBe(1002);
    const wrong = await connectRaw(sup.ocppUrl, 'CP16', ['ocpp1.5']).catch((e: Error) => e);
    // ws refuses a handshake whose answer lacks the requested protocol: either way no session starts.
    if (!(wrong instanceof Error)) expect((await wrong.closed).code).toBe(1002);
    expect(sup.registry.get('CP16')?.connected).toBe(false);
  });

  it('unknown station: connects, boots Pending and may not send anything else until accepted', async () => {
    const s = await connectRaw(sup.ocppUrl, 'UNKNOWN-9', 'ocpp1.6', null);
    stations.push(s);
    const boot = await s.call('BootNotification', { chargePointVendor: 'X', chargePointModel: 'Y' });
    expect(boot[2]).toMatchObject({ status: 'Pending' });
    const before = snapshot();
    const start = await s.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 0, timestamp: now() });
    expect(start[2]).toBe('SecurityError');
    expect(snapshot()).toEqual(before);
  });

  it('duplicate message id: a retried CALL is answered with the same reply and stored once', async () => {
    const s = await station('CP16');
    const payload = { connectorId: 1, idTag: 'GOOD', meterStart: 100, timestamp: now() };
    const first = await s.call('StartTransaction', payload, 'dup-1');
    const again = await s.call('StartTransaction', payload, 'dup-1');
    expect(again).toEqual(first);
    expect(sup.archive.queryTransactions({}).total).toBe(1);
    // The same id reused for another action is a framework error, not a silent replay.
    const clash = await s.call('Heartbeat', {}, 'dup-1');
    expect(clash.slice(0, 3)).toEqual([4, 'dup-1', 'FormationViolation']);
  });

  it('a reply to a call we never sent is ignored and the session goes on', async () => {
    const s = await station('CP201');
    const before = snapshot();
    s.send([3, 'never-sent', { status: 'Accepted' }]);
    s.send([4, 'never-sent-2', 'InternalError', 'x', {}]);
    expect((await s.call('Heartbeat', {}))[0]).toBe(3);
    expect(snapshot()).toEqual(before);
  });

  it('a station answering our CALL with an invalid payload gives a command error, not a crash', async () => {
    const s = await station('CP16');
    const pending = sup.api.dispatch('sendCommand', { stationId: 'CP16', command: { kind: 'clearCache' } });
    const call = await s.next();
    expect(call.slice(0, 3)).toEqual([2, call[1], 'ClearCache']);
    s.send([3, call[1], { status: 'Maybe' }]);
    const result = await pending;
    expect(result).toMatchObject({ outcome: 'error', status: 'PropertyConstraintViolation' });
  });
});

describe('known station misbehaviours are handled deliberately', () => {
  it('several CALLs in flight from one station are all answered', async () => {
    const s = await station('CP16');
    const ids = ['m1', 'm2', 'm3', 'm4'];
    s.send([2, 'm1', 'Heartbeat', {}]);
    s.send([2, 'm2', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' }]);
    s.send([2, 'm3', 'Authorize', { idTag: 'GOOD' }]);
    s.send([2, 'm4', 'StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 0, timestamp: now() }]);
    const replies = await Promise.all(ids.map(() => s.next()));
    expect(replies.map((r) => r[0])).toEqual([3, 3, 3, 3]);
    expect(new Set(replies.map((r) => r[1]))).toEqual(new Set(ids));
  });

  it('the same StopTransaction sent twice (new message id) is stored once and answered both times', async () => {
    const s = await station('CP16');
    const start = await s.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 1000, timestamp: now() });
    const transactionId = (start[2] as { transactionId: number }).transactionId;
    const stop = { transactionId, meterStop: 9000, timestamp: now(), reason: 'Local' };
    const a = await s.call('StopTransaction', stop);
    const b = await s.call('StopTransaction', { ...stop, meterStop: 9999, reason: 'Other' });
    expect(a[0]).toBe(3);
    expect(b[0]).toBe(3);
    expect(sup.archive.transactionById(transactionId)).toMatchObject({ meterStopWh: 9000, energyWh: 8000, stopReason: 'Local' });
  });

  it('the same TransactionEvent Ended sent twice is stored once', async () => {
    const s = await station('CP201');
    const ended = {
      eventType: 'Ended',
      timestamp: now(),
      triggerReason: 'StopAuthorized',
      seqNo: 3,
      transactionInfo: { transactionId: 'T-2', stoppedReason: 'Local' },
      evse: { id: 2, connectorId: 1 },
      meterValue: [{ timestamp: now(), sampledValue: [{ value: 7000, context: 'Transaction.End' }] }],
    };
    await s.call('TransactionEvent', { ...ended, eventType: 'Started', seqNo: 0, triggerReason: 'Authorized', meterValue: [{ timestamp: now(), sampledValue: [{ value: 2000, context: 'Transaction.Begin' }] }] });
    expect((await s.call('TransactionEvent', ended))[0]).toBe(3);
    expect((await s.call('TransactionEvent', { ...ended, meterValue: [{ timestamp: now(), sampledValue: [{ value: 9000, context: 'Transaction.End' }] }] }))[0]).toBe(3);
    const page = sup.archive.queryTransactions({ stationId: 'CP201' });
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ energyWh: 5000, meterStopWh: 7000 });
  });

  it('meter values arriving after the transaction ended are archived without reopening it', async () => {
    const s = await station('CP16');
    const start = await s.call('StartTransaction', { connectorId: 2, idTag: 'GOOD', meterStart: 0, timestamp: now() });
    const transactionId = (start[2] as { transactionId: number }).transactionId;
    await s.call('StopTransaction', { transactionId, meterStop: 4000, timestamp: now() });
    const late = await s.call('MeterValues', { connectorId: 2, transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: '4500' }] }] });
    expect(late[0]).toBe(3);
    const tx = sup.archive.transactionById(transactionId);
    expect(tx?.stoppedAt).not.toBeNull();
    expect(tx?.energyWh).toBe(4000);
    expect(sup.archive.samplesOfTransaction(transactionId).map((x) => x.value)).toEqual([4500]);
    const connector = (await sup.api.dispatch('getStation', { stationId: 'CP16' })).connectors.find((c) => c.evseId === 2);
    expect(connector?.transactionId).toBeNull();
  });

  it('timestamps with nine fractional digits and clocks minutes off are stored, normalised to milliseconds', async () => {
    const s = await station('CP16');
    const skewed = new Date(Date.now() - 7 * 60_000).toISOString().replace(/\.\d{3}Z$/, '.123456789Z');
    const start = await s.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 0, timestamp: skewed });
    expect(start[0]).toBe(3);
    const tx = sup.archive.transactionById((start[2] as { transactionId: number }).transactionId);
    expect(tx?.startedAt).toBe(skewed.replace('.123456789Z', '.123Z'));
  });

  it('a station that reconnects replaces its previous connection; commands go to the new one', async () => {
    const first = await station('CP16');
    const second = await station('CP16');
    expect((await first.closed).code).toBeGreaterThan(0);
    const pending = sup.api.dispatch('sendCommand', { stationId: 'CP16', command: { kind: 'clearCache' } });
    const call = await second.next();
    second.send([3, call[1], { status: 'Accepted' }]);
    expect((await pending).outcome).toBe('accepted');
    await eventually(() => sup.registry.get('CP16')?.connected === true);
  });
});

describe('transport guarantees', () => {
  it('sends one server-initiated CALL at a time per station, the next only after the answer', async () => {
    const s = await station('CP16');
    const first = sup.api.dispatch('sendCommand', { stationId: 'CP16', command: { kind: 'clearCache' } });
    const second = sup.api.dispatch('sendCommand', { stationId: 'CP16', command: { kind: 'reset', type: 'soft' } });
    const call1 = await s.next();
    expect(call1[2]).toBe('ClearCache');
    // While the first is unanswered, nothing else arrives.
    await expect(s.next(300)).rejects.toThrow('no frame');
    s.send([3, call1[1], { status: 'Accepted' }]);
    const call2 = await s.next();
    expect(call2[2]).toBe('Reset');
    s.send([3, call2[1], { status: 'Rejected' }]);
    expect((await first).outcome).toBe('accepted');
    expect(await second).toMatchObject({ outcome: 'rejected', status: 'Rejected' });
  });

  it('terminates a connection whose peer stops answering pings and marks the station offline', async () => {
    const quick = await startTestSupervisor({ ocpp: { pingIntervalMs: 150 } });
    try {
      const ws = new WebSocket(`${quick.ocppUrl}/CP16`, 'ocpp1.6', {
        headers: { Authorization: `Basic ${Buffer.from('CP16:secret-16-pw').toString('base64')}` },
        autoPong: false,
      });
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await new Promise((resolve) => ws.once('open', resolve));
      await eventually(() => quick.registry.get('CP16')?.connected === true);
      expect(await closed).toBe(1006);
      await eventually(() => quick.registry.get('CP16')?.connected === false);
    } finally {
      await quick.dispose();
    }
  });
});

describe('limits', () => {
  it('throttles a flooding station, then disconnects it, and an alarm says why', async () => {
    const strict = await startTestSupervisor({
      ocpp: { maxMessagesPerSecond: 20, burst: 10, maxThrottledFrames: 30 },
      // The communication-lost rule without its 30 s delay, so that the test sees the alarm at once.
      alarmRules: [{ id: 'comm-lost', kind: 'communicationLost', name: 'Communication lost', severity: 'major' }],
      alarmTickMs: 50,
    });
    try {
      const s = await connectRaw(strict.ocppUrl, 'CP16', 'ocpp1.6');
      await s.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
      for (let i = 0; i < 200; i++) s.send([2, `flood-${i}`, 'Heartbeat', {}]);
      expect((await s.closed).code).toBe(1008);
      await eventually(() => strict.registry.get('CP16')?.connected === false);
      expect(strict.registry.get('CP16')?.lastDisconnectReason).toContain('message flood');
      const alarm = await eventually(() => strict.alarms.list().find((a) => a.ruleId === 'comm-lost' && a.source.stationId === 'CP16') ?? null);
      expect(alarm.message).toContain('message flood');
    } finally {
      await strict.dispose();
    }
  });

  it('holds back a short burst above the rate and answers every frame of it', async () => {
    const strict = await startTestSupervisor({ ocpp: { maxMessagesPerSecond: 50, burst: 5, maxThrottledFrames: 100 } });
    try {
      const s = await connectRaw(strict.ocppUrl, 'CP16', 'ocpp1.6');
      await s.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
      for (let i = 0; i < 40; i++) s.send([2, `burst-${i}`, 'Heartbeat', {}]);
      const ids = new Set<unknown>();
      for (let i = 0; i < 40; i++) ids.add((await s.next())[1]);
      expect(ids.size).toBe(40);
      expect(strict.registry.get('CP16')?.connected).toBe(true);
      await s.close();
    } finally {
      await strict.dispose();
    }
  });

  it('refuses more unaccepted stations from one address than the limit (HTTP 429), accepted ones still connect', async () => {
    const strict = await startTestSupervisor({ ocpp: { maxUnacceptedPerIp: 3 } });
    const open: RawStation[] = [];
    try {
      for (let i = 0; i < 3; i++) open.push(await connectRaw(strict.ocppUrl, `UNKNOWN-${i}`, 'ocpp1.6', null));
      await expect(connectRaw(strict.ocppUrl, 'UNKNOWN-3', 'ocpp1.6', null)).rejects.toThrow('HTTP 429');
      open.push(await connectRaw(strict.ocppUrl, 'CP16', 'ocpp1.6'));
      expect(open[3]?.socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      for (const s of open) await s.close();
      await strict.dispose();
    }
  });
});
