// OCPP 2.0.1-J behaviour against a real strict OCPP-J peer (ocpp-rpc validates every frame).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestCentral, type ReceivedCall } from './test-central.ts';
import { sampleValue, Stations } from './test-support.ts';

let central: TestCentral;
const stations = new Stations();

beforeEach(async () => {
  central = await TestCentral.start({ heartbeatIntervalS: 1 });
});

afterEach(async () => {
  await stations.stopAll();
  expect(central.strictFailures).toEqual([]);
  await central.close();
});

type TxInfo = { transactionId: string; chargingState?: string; stoppedReason?: string; remoteStartId?: number };
const info = (c: ReceivedCall | undefined): TxInfo => c?.params.transactionInfo as TxInfo;

describe('OCPP 2.0.1 station', () => {
  it('boots with reason PowerUp, reports every EVSE, then heartbeats at the interval returned', async () => {
    const st = stations.create(central, 'CS201-BOOT', 'ocpp2.0.1', { connectors: 2, vendor: 'EVS Sim', model: 'DC150-2', kind: 'DC' });
    await st.start();
    const boot = await central.waitFor('BootNotification', 'CS201-BOOT');
    expect(boot.params).toEqual({
      reason: 'PowerUp',
      chargingStation: { model: 'DC150-2', vendorName: 'EVS Sim', serialNumber: 'SN-CS201-BOOT', firmwareVersion: '1.0.0-sim' },
    });
    await central.waitFor('StatusNotification', 'CS201-BOOT', 2);
    expect(central.callsOf('StatusNotification', 'CS201-BOOT').map((c) => [c.params.evseId, c.params.connectorId, c.params.connectorStatus])).toEqual([
      [1, 1, 'Available'],
      [2, 1, 'Available'],
    ]);
    await central.waitFor('Heartbeat', 'CS201-BOOT');
  });

  it('runs a full charge: TransactionEvent Started, Updated with rising numeric meter values, Ended', async () => {
    const st = stations.create(central, 'CS201-CHARGE', 'ocpp2.0.1');
    await st.start();
    st.plugIn(1, { batteryWh: 50_000, soc: 25, targetSoc: 95, maxPowerW: 22_000, phases: 3 });
    await central.until(() => central.callsOf('StatusNotification', 'CS201-CHARGE').some((c) => c.params.connectorStatus === 'Occupied'), 'Occupied');
    const started = await st.startCharging(1, 'BADGE-001');
    expect(started.accepted).toBe(true);
    const txId = started.transactionId;
    expect(txId).toMatch(/^[0-9a-f-]{36}$/);
    expect(central.callsOf('Authorize', 'CS201-CHARGE')[0]?.params).toEqual({ idToken: { idToken: 'BADGE-001', type: 'ISO14443' } });
    const first = await central.waitFor('TransactionEvent', 'CS201-CHARGE');
    expect(first.params).toMatchObject({
      eventType: 'Started',
      triggerReason: 'Authorized',
      seqNo: 0,
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'BADGE-001', type: 'ISO14443' },
      transactionInfo: { transactionId: txId, chargingState: 'Charging' },
    });
    expect(first.params.offline).toBeUndefined();

    await central.waitFor('TransactionEvent', 'CS201-CHARGE', 4);
    const updates = central.callsOf('TransactionEvent', 'CS201-CHARGE').slice(1, 4);
    for (const u of updates) {
      expect(u.params).toMatchObject({ eventType: 'Updated', triggerReason: 'MeterValuePeriodic' });
      const values = (u.params.meterValue as Array<{ sampledValue: Array<{ value: unknown }> }>)[0]?.sampledValue ?? [];
      expect(values.every((s) => typeof s.value === 'number')).toBe(true);
      expect(sampleValue(u.params.meterValue, 'Power.Active.Import')).toBe(22_000);
      expect(sampleValue(u.params.meterValue, 'Current.Import', 'L1')).toBeCloseTo(31.9, 1);
    }
    const energy = updates.map((u) => sampleValue(u.params.meterValue, 'Energy.Active.Import.Register') ?? 0);
    const soc = updates.map((u) => sampleValue(u.params.meterValue, 'SoC') ?? 0);
    expect(energy[2]).toBeGreaterThan(energy[0] ?? Infinity);
    expect(soc[2]).toBeGreaterThan(soc[0] ?? Infinity);

    await st.stopCharging(1, 'Local');
    await central.until(() => central.callsOf('TransactionEvent', 'CS201-CHARGE').some((c) => c.params.eventType === 'Ended'), 'Ended');
    const events = central.callsOf('TransactionEvent', 'CS201-CHARGE');
    const ended = events.at(-1);
    expect(ended?.params).toMatchObject({ eventType: 'Ended', triggerReason: 'StopAuthorized' });
    expect(info(ended)).toMatchObject({ transactionId: txId, stoppedReason: 'Local', chargingState: 'EVConnected' });
    expect(events.map((e) => e.params.seqNo)).toEqual(events.map((_, i) => i));

    await st.unplug(1);
    await central.until(() => central.callsOf('StatusNotification', 'CS201-CHARGE').at(-1)?.params.connectorStatus === 'Available', 'Available');
  });

  it('ends the transaction with EVCommunicationLost / EVDisconnected when the cable is pulled', async () => {
    const st = stations.create(central, 'CS201-PULL', 'ocpp2.0.1');
    await st.start();
    await st.startCharging(2, 'BADGE-002');
    await st.unplug(2);
    await central.until(() => central.callsOf('TransactionEvent', 'CS201-PULL').some((c) => c.params.eventType === 'Ended'), 'Ended');
    const ended = central.callsOf('TransactionEvent', 'CS201-PULL').at(-1);
    expect(ended?.params.triggerReason).toBe('EVCommunicationLost');
    expect(info(ended)).toMatchObject({ stoppedReason: 'EVDisconnected', chargingState: 'Idle' });
  });

  it('starts a charge on RequestStartTransaction (RemoteStart, remoteStartId) and ends it on RequestStopTransaction', async () => {
    const st = stations.create(central, 'CS201-REMOTE', 'ocpp2.0.1');
    await st.start();
    const answer = await central.call('CS201-REMOTE', 'RequestStartTransaction', {
      evseId: 2,
      remoteStartId: 77,
      idToken: { idToken: 'BADGE-003', type: 'Central' },
    });
    expect(answer).toEqual({ status: 'Accepted' });
    const started = await central.waitFor('TransactionEvent', 'CS201-REMOTE');
    expect(started.params).toMatchObject({
      eventType: 'Started',
      triggerReason: 'RemoteStart',
      evse: { id: 2, connectorId: 1 },
      idToken: { idToken: 'BADGE-003', type: 'Central' },
      transactionInfo: { remoteStartId: 77, chargingState: 'Charging' },
    });
    const txId = info(started).transactionId;
    expect(st.transactionId(2)).toBe(txId);
    expect(await central.call('CS201-REMOTE', 'RequestStopTransaction', { transactionId: 'nope' })).toEqual({ status: 'Rejected' });
    expect(await central.call('CS201-REMOTE', 'RequestStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
    await central.until(() => central.callsOf('TransactionEvent', 'CS201-REMOTE').some((c) => c.params.eventType === 'Ended'), 'Ended');
    const ended = central.callsOf('TransactionEvent', 'CS201-REMOTE').at(-1);
    expect(ended?.params.triggerReason).toBe('RemoteStop');
    expect(info(ended).stoppedReason).toBe('Remote');
  });

  it('lowers the reported power to a SetChargingProfile limit in amperes', async () => {
    const st = stations.create(central, 'CS201-LIMIT', 'ocpp2.0.1');
    await st.start();
    const { transactionId } = await st.startCharging(1, 'BADGE-004');
    const answer = await central.call('CS201-LIMIT', 'SetChargingProfile', {
      evseId: 1,
      chargingProfile: {
        id: 5,
        stackLevel: 1,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        transactionId,
        chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] }],
      },
    });
    expect(answer).toEqual({ status: 'Accepted' });
    expect(st.activeLimit(1)).toMatchObject({ unit: 'A', limit: 10, powerW: 6_900 });
    const mark = central.calls.length;
    await central.until(
      () => central.calls.slice(mark).some((c) => c.action === 'TransactionEvent' && sampleValue(c.params.meterValue, 'Power.Active.Import') === 6_900),
      'limited power',
    );
    const composite = await central.call('CS201-LIMIT', 'GetCompositeSchedule', { evseId: 1, duration: 600, chargingRateUnit: 'A' });
    expect(composite).toMatchObject({ status: 'Accepted', schedule: { evseId: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] } });
    // Below 6 A an AC EVSE cannot charge: the charge is suspended by the EVSE.
    await central.call('CS201-LIMIT', 'SetChargingProfile', {
      evseId: 0,
      chargingProfile: {
        id: 6,
        stackLevel: 0,
        chargingProfilePurpose: 'ChargingStationMaxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: [{ id: 2, chargingRateUnit: 'W', startSchedule: new Date().toISOString(), chargingSchedulePeriod: [{ startPeriod: 0, limit: 1_000 }] }],
      },
    });
    await central.until(
      () => central.callsOf('TransactionEvent', 'CS201-LIMIT').some((c) => info(c).chargingState === 'SuspendedEVSE' && c.params.triggerReason === 'ChargingStateChanged'),
      'SuspendedEVSE',
    );
    expect(await central.call('CS201-LIMIT', 'ClearChargingProfile', { chargingProfileCriteria: { chargingProfilePurpose: 'ChargingStationMaxProfile' } })).toEqual({
      status: 'Accepted',
    });
    await central.until(() => st.powerW(1) === 6_900, 'charging again at the Tx limit');
  });

  it('flags transaction events that happened offline and replays them in order after reconnection', async () => {
    const st = stations.create(central, 'CS201-OFFLINE', 'ocpp2.0.1');
    await st.start();
    const { transactionId } = await st.startCharging(1, 'BADGE-005');
    await central.waitFor('TransactionEvent', 'CS201-OFFLINE', 2);
    st.goOffline();
    const offlineSince = st.now();
    await central.until(() => !central.connected('CS201-OFFLINE'), 'disconnection');
    const mark = central.calls.length;
    await new Promise<void>((resolve) => {
      let n = 0;
      st.on('meterValues', () => ++n === 3 && resolve());
    });
    await st.stopCharging(1, 'Local');
    const second = await st.startCharging(2, 'BADGE-006');
    expect(second.accepted).toBe(true); // LocalAuthorizeOffline
    expect(central.calls.length).toBe(mark);

    st.goOnline();
    await central.until(() => st.queuedTransactionMessages === 0 && central.callsOf('TransactionEvent').some((c) => info(c).transactionId === second.transactionId), 'replay');
    const replayed = central.calls.slice(mark).filter((c) => c.action === 'TransactionEvent');
    const ofFirst = replayed.filter((c) => info(c).transactionId === transactionId);
    // An event sent just before the cut and unanswered is resent as it was (not offline).
    const happenedOffline = ofFirst.filter((c) => String(c.params.timestamp) >= offlineSince);
    expect(happenedOffline.length).toBeGreaterThanOrEqual(4);
    expect(happenedOffline.every((c) => c.params.offline === true)).toBe(true);
    expect(ofFirst.at(-1)?.params.eventType).toBe('Ended');
    // seqNo continues where the online part stopped, without gaps. Delivery is at-least-once:
    // an event whose answer was lost in the cut comes again with the same seqNo.
    const all = central.callsOf('TransactionEvent', 'CS201-OFFLINE').filter((c) => info(c).transactionId === transactionId);
    const seqNos = [...new Set(all.map((c) => Number(c.params.seqNo)))];
    expect(seqNos).toEqual(seqNos.map((_, i) => i));
    const started = replayed.find((c) => info(c).transactionId === second.transactionId);
    expect(started?.params).toMatchObject({ eventType: 'Started', offline: true, seqNo: 0 });
    expect(replayed.indexOf(started as ReceivedCall)).toBeGreaterThan(replayed.indexOf(ofFirst.at(-1) as ReceivedCall));
  });

  it('serves its device model: GetVariables, SetVariables and GetBaseReport with NotifyReport', async () => {
    const st = stations.create(central, 'CS201-DM', 'ocpp2.0.1');
    await st.start();
    const got = (await central.call('CS201-DM', 'GetVariables', {
      getVariableData: [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
        { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' } },
        { component: { name: 'EVSE', evse: { id: 2 } }, variable: { name: 'AvailabilityState' } },
        { component: { name: 'Nope' }, variable: { name: 'X' } },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'Nope' } },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeType: 'MaxSet' },
      ],
    })) as { getVariableResult: Array<{ attributeStatus: string; attributeValue?: string }> };
    expect(got.getVariableResult.map((r) => [r.attributeStatus, r.attributeValue])).toEqual([
      ['Accepted', '1'],
      ['Accepted', '0.1'],
      ['Accepted', 'Available'],
      ['UnknownComponent', undefined],
      ['UnknownVariable', undefined],
      ['NotSupportedAttributeType', undefined],
    ]);
    const set = (await central.call('CS201-DM', 'SetVariables', {
      setVariableData: [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '90' },
        { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' }, attributeValue: '15' },
        { component: { name: 'SecurityCtrlr' }, variable: { name: 'Identity' }, attributeValue: 'other' },
        { component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' }, attributeValue: 'maybe' },
      ],
    })) as { setVariableResult: Array<{ attributeStatus: string }> };
    expect(set.setVariableResult.map((r) => r.attributeStatus)).toEqual(['Accepted', 'Accepted', 'Rejected', 'Rejected']);
    expect(st.settings.heartbeatIntervalS).toBe(90);
    expect(st.settings.meterIntervalS).toBe(15);

    expect(await central.call('CS201-DM', 'GetBaseReport', { requestId: 3, reportBase: 'FullInventory' })).toEqual({ status: 'Accepted' });
    const report = await central.waitFor('NotifyReport', 'CS201-DM');
    expect(report.params).toMatchObject({ requestId: 3, seqNo: 0, tbc: false });
    const data = report.params.reportData as Array<{ component: { name: string }; variable: { name: string } }>;
    expect(data.map((d) => `${d.component.name}.${d.variable.name}`)).toEqual(
      expect.arrayContaining(['OCPPCommCtrlr.HeartbeatInterval', 'SampledDataCtrlr.TxUpdatedInterval', 'EVSE.Power', 'Connector.ConnectorType']),
    );
  });

  it('answers trigger, availability, unlock, reset and data transfer requests', async () => {
    const st = stations.create(central, 'CS201-OPS', 'ocpp2.0.1');
    await st.start();
    await st.startCharging(1, 'BADGE-007');
    const mark = central.calls.length;
    expect(await central.call('CS201-OPS', 'TriggerMessage', { requestedMessage: 'TransactionEvent', evse: { id: 1 } })).toEqual({ status: 'Accepted' });
    expect(await central.call('CS201-OPS', 'TriggerMessage', { requestedMessage: 'MeterValues', evse: { id: 2 } })).toEqual({ status: 'Accepted' });
    expect(await central.call('CS201-OPS', 'TriggerMessage', { requestedMessage: 'BootNotification' })).toEqual({ status: 'Rejected' });
    await central.until(() => central.calls.slice(mark).some((c) => c.action === 'MeterValues'), 'triggered MeterValues');
    expect(central.calls.slice(mark).some((c) => c.action === 'TransactionEvent' && c.params.triggerReason === 'Trigger')).toBe(true);
    expect(central.calls.slice(mark).find((c) => c.action === 'MeterValues')?.params.evseId).toBe(2);

    expect(await central.call('CS201-OPS', 'UnlockConnector', { evseId: 1, connectorId: 1 })).toEqual({ status: 'OngoingAuthorizedTransaction' });
    expect(await central.call('CS201-OPS', 'UnlockConnector', { evseId: 2, connectorId: 1 })).toEqual({ status: 'Unlocked' });
    expect(await central.call('CS201-OPS', 'UnlockConnector', { evseId: 9, connectorId: 1 })).toEqual({ status: 'UnknownConnector' });
    expect(await central.call('CS201-OPS', 'ChangeAvailability', { evse: { id: 2 }, operationalStatus: 'Inoperative' })).toEqual({ status: 'Accepted' });
    await central.until(
      () => central.callsOf('StatusNotification', 'CS201-OPS').some((c) => c.params.evseId === 2 && c.params.connectorStatus === 'Unavailable'),
      'Unavailable',
    );
    expect(await central.call('CS201-OPS', 'DataTransfer', { vendorId: 'EVS Sim', messageId: 'echo', data: { x: 1 } })).toEqual({
      status: 'Accepted',
      data: { x: 1 },
    });
    expect(await central.call('CS201-OPS', 'DataTransfer', { vendorId: 'EVS Sim', messageId: 'other' })).toEqual({ status: 'UnknownMessageId' });

    expect(await central.call('CS201-OPS', 'Reset', { type: 'OnIdle' })).toEqual({ status: 'Scheduled' });
    await st.stopCharging(1, 'Local');
    await central.waitFor('BootNotification', 'CS201-OPS', 2);
    expect(central.callsOf('BootNotification', 'CS201-OPS')[1]?.params.reason).toBe('RemoteReset');
    await central.until(() => st.online, 'online after reset');
  });
});
