// The central system checked by an independent OCPP implementation (ocpp-rpc, strict mode:
// it validates every frame both ways against the official schemas) for both versions.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RPCClient } from 'ocpp-rpc';
import { startTestSupervisor, eventually, strictClient, PASSWORDS, type TestSupervisor } from '../app/test-support.ts';

let sup: TestSupervisor;
const clients: RPCClient[] = [];

beforeEach(async () => {
  sup = await startTestSupervisor();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close({ force: true }).catch(() => undefined);
  await sup.dispose();
});

async function client(identity: string, protocol: 'ocpp1.6' | 'ocpp2.0.1', password: string | undefined = PASSWORDS[identity]): Promise<RPCClient> {
  const c = strictClient({ endpoint: sup.ocppUrl, identity, password, protocols: [protocol] });
  clients.push(c);
  await c.connect();
  return c;
}

const now = () => new Date().toISOString();

/** Registers a station-side handler on an ocpp-rpc client (its typings want a promise). */
function on<P>(c: RPCClient, method: string, fn: (params: P) => object | Promise<object>): void {
  c.handle(method, async ({ params }) => (await fn((params ?? {}) as P)) as Record<string, unknown>);
}

describe('OCPP 1.6 with an independent strict client', () => {
  it('boots, reports statuses and shows the station connected with its connectors', async () => {
    const c = await client('CP16', 'ocpp1.6');
    const boot = (await c.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22', firmwareVersion: '1.2.3' })) as { status: string; interval: number };
    expect(boot).toMatchObject({ status: 'Accepted', interval: 60 });
    await c.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
    await c.call('StatusNotification', { connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted', vendorErrorCode: 'E42' });
    const hb = (await c.call('Heartbeat', {})) as { currentTime: string };
    expect(Date.parse(hb.currentTime)).not.toBeNaN();
    const station = await sup.api.dispatch('getStation', { stationId: 'CP16' });
    expect(station).toMatchObject({ connected: true, protocol: 'ocpp1.6', vendor: 'ACME', firmwareVersion: '1.2.3', registration: 'accepted' });
    const faulted = station.connectors.find((x) => x.evseId === 2);
    expect(faulted?.status).toBe('Faulted');
    expect(faulted?.errorCode).toContain('GroundFailure');
    expect(sup.archive.statusHistory('CP16').length).toBe(2);
  });

  it('a connector fault stays on the connector: the station itself is not Faulted, and recovers', async () => {
    const c = await client('CP16', 'ocpp1.6');
    await c.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
    await c.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
    await c.call('StatusNotification', { connectorId: 1, errorCode: 'GroundFailure', status: 'Faulted' });
    expect((await sup.api.dispatch('getStation', { stationId: 'CP16' })).status).not.toBe('Faulted');
    await c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    expect((await sup.api.dispatch('getStation', { stationId: 'CP16' })).status).toBe('Available');
    // The station reporting a fault of its own is Faulted, and stops being so when it says so.
    await c.call('StatusNotification', { connectorId: 0, errorCode: 'PowerMeterFailure', status: 'Faulted' });
    expect((await sup.api.dispatch('getStation', { stationId: 'CP16' })).status).toBe('Faulted');
    await c.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
    expect((await sup.api.dispatch('getStation', { stationId: 'CP16' })).status).toBe('Available');
  });

  it('authorizes against the badge list: accepted, blocked and unknown badges', async () => {
    const c = await client('CP16', 'ocpp1.6');
    await c.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
    expect(await c.call('Authorize', { idTag: 'GOOD' })).toEqual({ idTagInfo: { status: 'Accepted' } });
    expect(await c.call('Authorize', { idTag: 'BLOCKED' })).toEqual({ idTagInfo: { status: 'Blocked' } });
    expect(await c.call('Authorize', { idTag: 'NOBODY' })).toEqual({ idTagInfo: { status: 'Invalid' } });
  });

  it('stores a whole transaction: start, meter values with kWh and per-phase current, stop with energy', async () => {
    const c = await client('CP16', 'ocpp1.6');
    await c.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
    const start = (await c.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 10_000, timestamp: now() })) as { transactionId: number };
    expect(start.transactionId).toBeGreaterThan(0);
    await c.call('MeterValues', {
      connectorId: 1,
      transactionId: start.transactionId,
      meterValue: [
        {
          timestamp: now(),
          sampledValue: [
            { value: '12.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
            { value: '11', measurand: 'Power.Active.Import', unit: 'kW' },
            { value: '16.1', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
            { value: '16.2', measurand: 'Current.Import', phase: 'L2', unit: 'A' },
            { value: '16.3', measurand: 'Current.Import', phase: 'L3', unit: 'A' },
            { value: '55', measurand: 'SoC', unit: 'Percent' },
          ],
        },
      ],
    });
    const live = await eventually(async () => {
      const s = await sup.api.dispatch('getStation', { stationId: 'CP16' });
      const cn = s.connectors.find((x) => x.evseId === 1);
      return cn?.powerW === 11_000 ? cn : null;
    });
    expect(live.currentA).toEqual([16.1, 16.2, 16.3]);
    expect(live.energyWh).toBe(12_500);
    expect(live.soc).toBe(55);
    expect(live.transactionId).toBe(start.transactionId);
    const stop = await c.call('StopTransaction', { transactionId: start.transactionId, meterStop: 20_000, timestamp: now(), idTag: 'GOOD', reason: 'EVDisconnected' });
    expect(stop).toEqual({ idTagInfo: { status: 'Accepted' } });
    const tx = sup.archive.transactionById(start.transactionId);
    expect(tx).toMatchObject({ stationId: 'CP16', idTag: 'GOOD', meterStartWh: 10_000, meterStopWh: 20_000, energyWh: 10_000, socStart: 55, stopReason: 'EVDisconnected' });
    expect(sup.archive.samplesOfTransaction(start.transactionId).length).toBe(6);
  });

  it('answers operator commands through the neutral command set', async () => {
    const c = await client('CP16', 'ocpp1.6');
    const seen: Array<{ method: string; params: unknown }> = [];
    for (const method of ['RemoteStartTransaction', 'Reset', 'UnlockConnector', 'ChangeAvailability', 'ClearCache', 'ChangeConfiguration', 'TriggerMessage']) {
      on(c, method, (params: unknown) => {
        seen.push({ method, params });
        return method === 'UnlockConnector' ? { status: 'Unlocked' } : method === 'ChangeConfiguration' ? { status: 'NotSupported' } : { status: 'Accepted' };
      });
    }
    on(c, 'GetConfiguration', () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }], unknownKey: ['Nope'] }));
    await c.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
    const send = (command: Parameters<typeof sup.api.dispatch<'sendCommand'>>[1]['command']) => sup.api.dispatch('sendCommand', { stationId: 'CP16', command });
    expect(await send({ kind: 'remoteStart', evseId: 1, idTag: 'GOOD' })).toMatchObject({ outcome: 'accepted', status: 'Accepted' });
    expect(await send({ kind: 'reset', type: 'hard' })).toMatchObject({ outcome: 'accepted' });
    expect(await send({ kind: 'unlock', evseId: 2, connectorId: 2 })).toMatchObject({ outcome: 'accepted', status: 'Unlocked' });
    expect(await send({ kind: 'changeAvailability', evseId: 0, operative: false })).toMatchObject({ outcome: 'accepted' });
    expect(await send({ kind: 'clearCache' })).toMatchObject({ outcome: 'accepted' });
    expect(await send({ kind: 'changeConfiguration', key: 'Foo', value: '1' })).toMatchObject({ outcome: 'rejected', status: 'NotSupported' });
    expect(await send({ kind: 'triggerMessage', message: 'StatusNotification', evseId: 1 })).toMatchObject({ outcome: 'accepted' });
    const config = await send({ kind: 'getConfiguration', keys: ['HeartbeatInterval', 'Nope'] });
    expect(config.configuration).toEqual([{ key: 'HeartbeatInterval', value: '60', readonly: false }]);
    expect(config.detail).toContain('Nope');
    expect(seen.map((s) => s.method)).toEqual(['RemoteStartTransaction', 'Reset', 'UnlockConnector', 'ChangeAvailability', 'ClearCache', 'ChangeConfiguration', 'TriggerMessage']);
    expect(seen[1]?.params).toEqual({ type: 'Hard' });
    expect(seen[3]?.params).toEqual({ connectorId: 0, type: 'Inoperative' });
    const history = await sup.api.dispatch('listCommands', { stationId: 'CP16' });
    expect(history.length).toBe(8);
    expect(history[0]).toMatchObject({ action: 'GetConfiguration', outcome: 'accepted', operator: 'system' });
  });

  it('remote stop maps our transaction id to the 1.6 transactionId', async () => {
    const c = await client('CP16', 'ocpp1.6');
    let asked: unknown = null;
    on(c, 'RemoteStopTransaction', (params: unknown) => {
      asked = params;
      return { status: 'Accepted' };
    });
    await c.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
    const start = (await c.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 0, timestamp: now() })) as { transactionId: number };
    const result = await sup.api.dispatch('sendCommand', { stationId: 'CP16', command: { kind: 'remoteStop', transactionId: start.transactionId } });
    expect(result.outcome).toBe('accepted');
    expect(asked).toEqual({ transactionId: start.transactionId });
  });

  it('reports a station that does not answer a command as an error, not a hang', async () => {
    const fast = await startTestSupervisor({ ocpp: { callTimeoutMs: 300 } });
    try {
      const c = strictClient({ endpoint: fast.ocppUrl, identity: 'CP16', password: PASSWORDS.CP16, protocols: ['ocpp1.6'], callTimeoutMs: 5000 });
      clients.push(c);
      on(c, 'ClearCache', () => new Promise<object>(() => undefined));
      await c.connect();
      await c.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'W22' });
      const result = await fast.api.dispatch('sendCommand', { stationId: 'CP16', command: { kind: 'clearCache' } });
      expect(result).toMatchObject({ outcome: 'error', status: 'Timeout' });
    } finally {
      await fast.dispose();
    }
  });
});

describe('OCPP 2.0.1 with an independent strict client', () => {
  const evse1 = { id: 1, connectorId: 1 };

  it('boots, reports connector status and authorizes id tokens', async () => {
    const c = await client('CP201', 'ocpp2.0.1');
    const boot = await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC150', vendorName: 'ACME', serialNumber: 'S1' } });
    expect(boot).toMatchObject({ status: 'Accepted', interval: 60 });
    await c.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    expect(await c.call('Authorize', { idToken: { idToken: 'GOOD', type: 'ISO14443' } })).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await c.call('Authorize', { idToken: { idToken: 'BLOCKED', type: 'ISO14443' } })).toEqual({ idTokenInfo: { status: 'Blocked' } });
    const station = await sup.api.dispatch('getStation', { stationId: 'CP201' });
    expect(station).toMatchObject({ protocol: 'ocpp2.0.1', serialNumber: 'S1', connected: true });
    expect(station.connectors.find((x) => x.evseId === 1)?.status).toBe('Occupied');
  });

  it('stores a transaction from TransactionEvent Started / Updated / Ended with energy and SoC', async () => {
    const c = await client('CP201', 'ocpp2.0.1');
    await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC150', vendorName: 'ACME' } });
    const base = { transactionInfo: { transactionId: 'tx-abc' }, evse: evse1 };
    const mv = (wh: number, soc: number, context: string) => [
      {
        timestamp: now(),
        sampledValue: [
          { value: wh, measurand: 'Energy.Active.Import.Register', context, unitOfMeasure: { unit: 'Wh' } },
          { value: soc, measurand: 'SoC', context, unitOfMeasure: { unit: 'Percent' } },
        ],
      },
    ];
    await c.call('TransactionEvent', { ...base, eventType: 'Started', timestamp: now(), triggerReason: 'CablePluggedIn', seqNo: 0, meterValue: mv(1000, 20, 'Transaction.Begin') });
    const updated = await c.call('TransactionEvent', {
      ...base,
      eventType: 'Updated',
      timestamp: now(),
      triggerReason: 'Authorized',
      seqNo: 1,
      idToken: { idToken: 'GOOD', type: 'ISO14443' },
      meterValue: [{ timestamp: now(), sampledValue: [{ value: 50, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 3 } }] }],
    });
    expect(updated).toEqual({ idTokenInfo: { status: 'Accepted' } });
    const tx = sup.transactions.byOcppId('CP201', 'tx-abc');
    expect(tx).toMatchObject({ idTag: 'GOOD', meterStartWh: 1000, socStart: 20, stoppedAt: null });
    await c.call('TransactionEvent', { ...base, transactionInfo: { transactionId: 'tx-abc', chargingState: 'Charging' }, eventType: 'Updated', timestamp: now(), triggerReason: 'ChargingStateChanged', seqNo: 2 });
    expect((await sup.api.dispatch('getStation', { stationId: 'CP201' })).connectors.find((x) => x.evseId === 1)?.status).toBe('Charging');
    await eventually(async () => (await sup.api.dispatch('getStation', { stationId: 'CP201' })).connectors.find((x) => x.evseId === 1)?.powerW === 50_000);
    await c.call('TransactionEvent', {
      ...base,
      transactionInfo: { transactionId: 'tx-abc', stoppedReason: 'EVDisconnected' },
      eventType: 'Ended',
      timestamp: now(),
      triggerReason: 'EVCommunicationLost',
      seqNo: 3,
      meterValue: mv(31_000, 80, 'Transaction.End'),
    });
    const ended = sup.transactions.byOcppId('CP201', 'tx-abc');
    expect(ended).toMatchObject({ energyWh: 30_000, meterStopWh: 31_000, socStart: 20, socEnd: 80, stopReason: 'EVDisconnected' });
    expect(ended?.stoppedAt).not.toBeNull();
    expect((await sup.api.dispatch('getStation', { stationId: 'CP201' })).connectors.find((x) => x.evseId === 1)?.status).toBe('Finishing');
  });

  it('maps neutral commands to 2.0.1 messages and reads the device model through GetBaseReport', async () => {
    const c = await client('CP201', 'ocpp2.0.1');
    const seen: Array<{ method: string; params: unknown }> = [];
    for (const method of ['RequestStartTransaction', 'Reset', 'ChangeAvailability', 'ClearCache']) {
      on(c, method, (params: unknown) => {
        seen.push({ method, params });
        return { status: 'Accepted' };
      });
    }
    on(c, 'UnlockConnector', () => ({ status: 'Unlocked' }));
    on(c, 'SetVariables', (params: { setVariableData: Array<{ component: unknown; variable: unknown }> }) => ({
      setVariableResult: params.setVariableData.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })),
    }));
    on(c, 'GetBaseReport', (params: { requestId: number }) => {
      setTimeout(() => {
        const part = (seqNo: number, tbc: boolean, name: string, value: string) =>
          c.call('NotifyReport', {
            requestId: params.requestId,
            generatedAt: now(),
            seqNo,
            tbc,
            reportData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name }, variableAttribute: [{ type: 'Actual', value, mutability: 'ReadWrite' }] }],
          });
        void part(0, true, 'HeartbeatInterval', '60')
          .then(() => part(1, false, 'MessageTimeout', '30'))
          .catch(() => undefined);
      }, 10);
      return { status: 'Accepted' };
    });
    await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC150', vendorName: 'ACME' } });
    const send = (command: Parameters<typeof sup.api.dispatch<'sendCommand'>>[1]['command']) => sup.api.dispatch('sendCommand', { stationId: 'CP201', command });
    expect((await send({ kind: 'remoteStart', evseId: 2, idTag: 'GOOD' })).outcome).toBe('accepted');
    expect((await send({ kind: 'reset', type: 'soft' })).outcome).toBe('accepted');
    expect((await send({ kind: 'changeAvailability', evseId: 2, operative: false })).outcome).toBe('accepted');
    expect((await send({ kind: 'unlock', evseId: 1, connectorId: 1 })).status).toBe('Unlocked');
    expect((await send({ kind: 'changeConfiguration', key: 'OCPPCommCtrlr.HeartbeatInterval', value: '120' })).status).toBe('Accepted');
    const report = await send({ kind: 'getConfiguration' });
    expect(report.configuration).toEqual([
      { key: 'OCPPCommCtrlr.HeartbeatInterval', value: '60', readonly: false },
      { key: 'OCPPCommCtrlr.MessageTimeout', value: '30', readonly: false },
    ]);
    expect(seen[0]).toMatchObject({ method: 'RequestStartTransaction', params: { evseId: 2, idToken: { idToken: 'GOOD', type: 'Central' } } });
    expect(seen[1]).toMatchObject({ method: 'Reset', params: { type: 'OnIdle' } });
    expect(seen[2]).toMatchObject({ method: 'ChangeAvailability', params: { operationalStatus: 'Inoperative', evse: { id: 2 } } });
  });

  it('refuses a device-model key that is not Component.Variable with a message, sending nothing', async () => {
    const c = await client('CP201', 'ocpp2.0.1');
    let calls = 0;
    on(c, 'SetVariables', () => {
      calls++;
      return { setVariableResult: [] };
    });
    await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC150', vendorName: 'ACME' } });
    const result = await sup.api.dispatch('sendCommand', { stationId: 'CP201', command: { kind: 'changeConfiguration', key: 'HeartbeatInterval', value: '1' } });
    expect(result.outcome).toBe('error');
    expect(result.detail).toContain('Component.Variable');
    expect(calls).toBe(0);
  });
});

describe('registration policy', () => {
  it('puts an unknown station in the pending list until an operator accepts it', async () => {
    const c = await client('STRANGER', 'ocpp1.6', undefined);
    expect(await c.call('BootNotification', { chargePointVendor: 'X', chargePointModel: 'Y' })).toMatchObject({ status: 'Pending' });
    await expect(c.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' })).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    expect((await sup.api.dispatch('getStation', { stationId: 'STRANGER' })).registration).toBe('pending');
    await sup.api.dispatch('acceptStation', { stationId: 'STRANGER' });
    expect(await c.call('BootNotification', { chargePointVendor: 'X', chargePointModel: 'Y' })).toMatchObject({ status: 'Accepted' });
    await sup.api.dispatch('rejectStation', { stationId: 'STRANGER' });
    expect(await c.call('BootNotification', { chargePointVendor: 'X', chargePointModel: 'Y' })).toMatchObject({ status: 'Rejected' });
  });

  it('accepts unknown stations at boot when auto-accept is on', async () => {
    const auto = await startTestSupervisor({ autoAccept: true });
    try {
      const c = strictClient({ endpoint: auto.ocppUrl, identity: 'NEWBIE', protocols: ['ocpp2.0.1'] });
      clients.push(c);
      await c.connect();
      expect(await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } })).toMatchObject({ status: 'Accepted' });
      expect((await auto.api.dispatch('getStation', { stationId: 'NEWBIE' })).declared).toBe(false);
    } finally {
      await auto.dispose();
    }
  });
});
