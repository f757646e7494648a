// OCPP 1.6-J behaviour against a real strict OCPP-J peer (ocpp-rpc validates every frame).
import { createRPCError } from 'ocpp-rpc';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OcppCallError } from './frames.ts';
import { TestCentral } from './test-central.ts';
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

describe('OCPP 1.6 station', () => {
  it('boots, reports connector 0 and every connector, then heartbeats at the interval returned', async () => {
    const st = stations.create(central, 'CP16-BOOT', 'ocpp1.6', { connectors: 2, vendor: 'EVS Sim', model: 'AC22-2' });
    await st.start();
    const boot = await central.waitFor('BootNotification', 'CP16-BOOT');
    expect(boot.params).toMatchObject({ chargePointVendor: 'EVS Sim', chargePointModel: 'AC22-2' });
    await central.until(() => central.callsOf('StatusNotification', 'CP16-BOOT').length >= 3, 'statuses');
    const connectors = central.callsOf('StatusNotification', 'CP16-BOOT').map((c) => c.params.connectorId);
    expect(connectors.slice(0, 3)).toEqual([0, 1, 2]);
    expect(central.callsOf('StatusNotification', 'CP16-BOOT')[1]?.params).toMatchObject({ status: 'Available', errorCode: 'NoError' });
    await central.waitFor('Heartbeat', 'CP16-BOOT');
    expect(st.settings.heartbeatIntervalS).toBe(1);
  });

  it('retries BootNotification while Pending and starts reporting once Accepted', async () => {
    await central.close();
    central = await TestCentral.start({ bootStatus: (_id, attempt) => (attempt < 2 ? 'Pending' : 'Accepted') });
    const st = stations.create(central, 'CP16-PENDING', 'ocpp1.6');
    await st.start();
    expect(central.callsOf('BootNotification', 'CP16-PENDING')).toHaveLength(2);
    await central.waitFor('StatusNotification', 'CP16-PENDING');
    expect(st.registration).toBe('Accepted');
  });

  it('runs a full charge: Authorize, StartTransaction, rising MeterValues (strings), StopTransaction', async () => {
    const st = stations.create(central, 'CP16-CHARGE', 'ocpp1.6', { initialEnergyWh: 1000 });
    await st.start();
    st.plugIn(1, { batteryWh: 40_000, soc: 20, targetSoc: 90, maxPowerW: 11_000, phases: 3 });
    const started = await st.startCharging(1, 'BADGE-001');
    expect(started).toMatchObject({ accepted: true, status: 'Accepted' });
    const start = await central.waitFor('StartTransaction', 'CP16-CHARGE');
    expect(start.params).toMatchObject({ connectorId: 1, idTag: 'BADGE-001', meterStart: 1000 });
    expect(st.transactionId(1)).toBe(String(1));
    expect(st.connectorStatus(1)).toBe('Charging');

    await central.until(
      () => central.callsOf('MeterValues', 'CP16-CHARGE').filter((c) => sampleValue(c.params.meterValue, 'Power.Active.Import') !== undefined).length >= 3,
      'three periodic meter values',
    );
    const periodic = central
      .callsOf('MeterValues', 'CP16-CHARGE')
      .filter((c) => sampleValue(c.params.meterValue, 'Power.Active.Import') !== undefined);
    for (const mv of periodic) {
      expect(mv.params.transactionId).toBe(1);
      const values = (mv.params.meterValue as Array<{ sampledValue: Array<{ value: unknown }> }>)[0]?.sampledValue ?? [];
      expect(values.every((s) => typeof s.value === 'string')).toBe(true);
      expect(sampleValue(mv.params.meterValue, 'Power.Active.Import')).toBe(11_000);
      expect(sampleValue(mv.params.meterValue, 'Current.Import', 'L3')).toBeCloseTo(15.9, 1);
    }
    const energies = periodic.map((c) => sampleValue(c.params.meterValue, 'Energy.Active.Import.Register') ?? 0);
    const socs = periodic.map((c) => sampleValue(c.params.meterValue, 'SoC') ?? 0);
    expect(energies[2]).toBeGreaterThan(energies[0] ?? Infinity);
    expect(socs[2]).toBeGreaterThan(socs[0] ?? Infinity);

    expect(await st.stopCharging(1, 'Local')).toBe(true);
    const stop = await central.waitFor('StopTransaction', 'CP16-CHARGE');
    expect(stop.params).toMatchObject({ transactionId: 1, reason: 'Local', idTag: 'BADGE-001' });
    expect(stop.params.meterStop).toBe(Math.round(st.energyWh(1)));
    expect(st.connectorStatus(1)).toBe('Finishing');
    await st.unplug(1);
    await central.until(() => central.callsOf('StatusNotification', 'CP16-CHARGE').at(-1)?.params.status === 'Available', 'Available');
  });

  it('refuses to start when the central system rejects the badge', async () => {
    await central.close();
    central = await TestCentral.start({ acceptedTags: ['GOOD'] });
    const st = stations.create(central, 'CP16-BADTAG', 'ocpp1.6');
    await st.start();
    expect(await st.startCharging(1, 'BAD')).toMatchObject({ accepted: false, status: 'Invalid' });
    expect(central.callsOf('StartTransaction')).toHaveLength(0);
    expect(st.connectorStatus(1)).toBe('Preparing');
  });

  it('suspends the vehicle (SuspendedEV) when it reaches its target SoC', async () => {
    const st = stations.create(central, 'CP16-FULL', 'ocpp1.6');
    await st.start();
    st.plugIn(1, { batteryWh: 2_000, soc: 79, targetSoc: 80, maxPowerW: 11_000 });
    const full = new Promise<void>((resolve) => st.once('vehicleFull', () => resolve()));
    await st.startCharging(1, 'BADGE-002');
    await full;
    expect(st.connectorStatus(1)).toBe('SuspendedEV');
    expect(st.soc(1)).toBe(80);
    expect(st.powerW(1)).toBe(0);
    await central.until(() => central.callsOf('StatusNotification', 'CP16-FULL').some((c) => c.params.status === 'SuspendedEV'), 'SuspendedEV');
  });

  it('starts a charge on RemoteStartTransaction and stops it with reason Remote on RemoteStopTransaction', async () => {
    const st = stations.create(central, 'CP16-REMOTE', 'ocpp1.6');
    await st.start();
    expect(await central.call('CP16-REMOTE', 'RemoteStartTransaction', { connectorId: 2, idTag: 'BADGE-003' })).toEqual({ status: 'Accepted' });
    const start = await central.waitFor('StartTransaction', 'CP16-REMOTE');
    expect(start.params).toMatchObject({ connectorId: 2, idTag: 'BADGE-003' });
    await central.until(() => st.transactionId(2) !== null, 'transaction id');
    const txId = Number(st.transactionId(2));
    // The connector is busy now.
    expect(await central.call('CP16-REMOTE', 'RemoteStartTransaction', { connectorId: 2, idTag: 'BADGE-003' })).toEqual({ status: 'Rejected' });
    expect(await central.call('CP16-REMOTE', 'RemoteStopTransaction', { transactionId: 999 })).toEqual({ status: 'Rejected' });
    expect(await central.call('CP16-REMOTE', 'RemoteStopTransaction', { transactionId: txId })).toEqual({ status: 'Accepted' });
    const stop = await central.waitFor('StopTransaction', 'CP16-REMOTE');
    expect(stop.params).toMatchObject({ transactionId: txId, reason: 'Remote' });
  });

  it('lowers the reported power to a SetChargingProfile limit and restores it on ClearChargingProfile', async () => {
    const st = stations.create(central, 'CP16-LIMIT', 'ocpp1.6');
    await st.start();
    await st.startCharging(1, 'BADGE-004');
    const txId = Number(st.transactionId(1));
    const profile = {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 10,
        transactionId: txId,
        stackLevel: 0,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 4_200 }] },
      },
    };
    expect(await central.call('CP16-LIMIT', 'SetChargingProfile', profile)).toEqual({ status: 'Accepted' });
    expect(st.activeLimit(1)).toMatchObject({ unit: 'W', limit: 4_200, powerW: 4_200 });
    const before = central.calls.length;
    await central.until(
      () => central.calls.slice(before).some((c) => c.action === 'MeterValues' && sampleValue(c.params.meterValue, 'Power.Active.Import') === 4_200),
      'limited power in MeterValues',
    );
    const composite = await central.call('CP16-LIMIT', 'GetCompositeSchedule', { connectorId: 1, duration: 3600, chargingRateUnit: 'W' });
    expect(composite).toMatchObject({ status: 'Accepted', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 4_200 }] } });

    expect(await central.call('CP16-LIMIT', 'ClearChargingProfile', { id: 10 })).toEqual({ status: 'Accepted' });
    expect(await central.call('CP16-LIMIT', 'ClearChargingProfile', { id: 10 })).toEqual({ status: 'Unknown' });
    await central.until(() => st.powerW(1) === 11_000, 'full power again');
  });

  it('queues transaction messages while offline and replays them in order after reconnection', async () => {
    const st = stations.create(central, 'CP16-OFFLINE', 'ocpp1.6');
    await st.start();
    await st.startCharging(1, 'BADGE-005');
    st.goOffline();
    await central.until(() => !central.connected('CP16-OFFLINE'), 'disconnection');
    const mark = central.calls.length;
    // While offline: periodic meter values accumulate, the charge stops, a new one starts.
    await new Promise<void>((resolve) => {
      let n = 0;
      st.on('meterValues', () => ++n === 3 && resolve());
    });
    await st.stopCharging(1, 'Local');
    await st.unplug(1);
    const second = await st.startCharging(2, 'BADGE-006');
    expect(second).toMatchObject({ accepted: true, transactionId: null }); // unknown until replayed
    expect(st.queuedTransactionMessages).toBeGreaterThanOrEqual(6);
    expect(central.calls.length).toBe(mark);

    st.goOnline();
    await central.waitFor('StartTransaction', 'CP16-OFFLINE', 2);
    await central.until(() => st.queuedTransactionMessages === 0, 'queue drained');
    const replay = central.calls.slice(mark).filter((c) => ['MeterValues', 'StopTransaction', 'StartTransaction'].includes(c.action));
    const actions = replay.map((c) => c.action);
    const stopAt = actions.indexOf('StopTransaction');
    const startAt = actions.indexOf('StartTransaction');
    expect(actions.slice(0, 3)).toEqual(['MeterValues', 'MeterValues', 'MeterValues']);
    expect(stopAt).toBeLessThan(startAt);
    expect(replay[stopAt]?.params).toMatchObject({ transactionId: 1, reason: 'Local' });
    // Messages of the transaction started offline carry the id assigned on replay.
    const newId = 2;
    expect(st.transactionId(2)).toBe(String(newId));
    for (const c of replay.slice(startAt + 1)) expect(c.params.transactionId).toBe(newId);
    // Timestamps are those of the events, in order.
    const stamps = replay.map((c) => String(c.params.timestamp ?? (c.params.meterValue as Array<{ timestamp: string }>)[0]?.timestamp));
    expect([...stamps].sort()).toEqual(stamps);
  });

  it('answers configuration, trigger, availability, unlock and data transfer requests', async () => {
    const st = stations.create(central, 'CP16-OPS', 'ocpp1.6');
    await st.start();
    const config = await central.call('CP16-OPS', 'GetConfiguration', { key: ['HeartbeatInterval', 'NumberOfConnectors', 'NoSuchKey'] });
    expect(config).toEqual({
      configurationKey: [
        { key: 'HeartbeatInterval', readonly: false, value: '1' },
        { key: 'NumberOfConnectors', readonly: true, value: '2' },
      ],
      unknownKey: ['NoSuchKey'],
    });
    const all = (await central.call('CP16-OPS', 'GetConfiguration', {})) as { configurationKey: Array<{ key: string }> };
    expect(all.configurationKey.map((k) => k.key)).toEqual(
      expect.arrayContaining(['MeterValueSampleInterval', 'MeterValuesSampledData', 'AuthorizeRemoteTxRequests', 'LocalAuthorizeOffline']),
    );
    expect(await central.call('CP16-OPS', 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '30' })).toEqual({ status: 'Accepted' });
    expect(st.settings.meterIntervalS).toBe(30);
    expect(await central.call('CP16-OPS', 'ChangeConfiguration', { key: 'NumberOfConnectors', value: '3' })).toEqual({ status: 'Rejected' });
    expect(await central.call('CP16-OPS', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: 'soon' })).toEqual({ status: 'Rejected' });
    expect(await central.call('CP16-OPS', 'ChangeConfiguration', { key: 'Bogus', value: '1' })).toEqual({ status: 'NotSupported' });
    expect(await central.call('CP16-OPS', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '120' })).toEqual({ status: 'Accepted' });
    expect(st.settings.heartbeatIntervalS).toBe(120);

    const mark = central.calls.length;
    expect(await central.call('CP16-OPS', 'TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 1 })).toEqual({ status: 'Accepted' });
    expect(await central.call('CP16-OPS', 'TriggerMessage', { requestedMessage: 'Heartbeat' })).toEqual({ status: 'Accepted' });
    await central.until(() => central.calls.slice(mark).some((c) => c.action === 'Heartbeat'), 'triggered Heartbeat');
    const triggered = central.calls.slice(mark).find((c) => c.action === 'MeterValues');
    expect(triggered?.params).toMatchObject({ connectorId: 1, meterValue: [{ sampledValue: expect.arrayContaining([expect.objectContaining({ context: 'Trigger' })]) }] });

    expect(await central.call('CP16-OPS', 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' })).toEqual({ status: 'Accepted' });
    await central.until(
      () => central.callsOf('StatusNotification', 'CP16-OPS').some((c) => c.params.connectorId === 2 && c.params.status === 'Unavailable'),
      'Unavailable',
    );
    expect(await central.call('CP16-OPS', 'RemoteStartTransaction', { connectorId: 2, idTag: 'X' })).toEqual({ status: 'Rejected' });
    expect(await central.call('CP16-OPS', 'ChangeAvailability', { connectorId: 2, type: 'Operative' })).toEqual({ status: 'Accepted' });
    await central.until(() => st.connectorStatus(2) === 'Available', 'Available again');

    await st.startCharging(1, 'BADGE-007');
    expect(await central.call('CP16-OPS', 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' })).toEqual({ status: 'Scheduled' });
    expect(await central.call('CP16-OPS', 'UnlockConnector', { connectorId: 1 })).toEqual({ status: 'Unlocked' });
    const stop = await central.waitFor('StopTransaction', 'CP16-OPS');
    expect(stop.params.reason).toBe('UnlockCommand');
    await central.until(() => st.connectorStatus(1) === 'Unavailable', 'scheduled Inoperative applied');

    expect(await central.call('CP16-OPS', 'DataTransfer', { vendorId: 'Other' })).toEqual({ status: 'UnknownVendorId' });
    expect(await central.call('CP16-OPS', 'DataTransfer', { vendorId: 'EVS Sim', messageId: 'echo', data: 'hi' })).toEqual({ status: 'Accepted', data: 'hi' });
    expect(await central.call('CP16-OPS', 'ClearCache', {})).toEqual({ status: 'Accepted' });
    await expect(central.call('CP16-OPS', 'GetLocalListVersion', {})).rejects.toMatchObject({
      rpcErrorCode: 'NotSupported',
    });
  });

  it('reboots on Reset: stops the transaction, reconnects and boots again', async () => {
    const st = stations.create(central, 'CP16-RESET', 'ocpp1.6');
    await st.start();
    await st.startCharging(1, 'BADGE-008');
    expect(await central.call('CP16-RESET', 'Reset', { type: 'Hard' })).toEqual({ status: 'Accepted' });
    const stop = await central.waitFor('StopTransaction', 'CP16-RESET');
    expect(stop.params.reason).toBe('HardReset');
    await central.waitFor('BootNotification', 'CP16-RESET', 2);
    await central.until(() => st.online, 'online after reboot');
  });

  it('exposes CALLERROR codes from call()', async () => {
    const st = stations.create(central, 'CP16-CALL', 'ocpp1.6');
    await st.start();
    central.responders.set('DataTransfer', () => {
      throw createRPCError('NotSupported', 'no data transfer here');
    });
    const error = await st.call('DataTransfer', { vendorId: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OcppCallError);
    expect((error as OcppCallError).code).toBe('NotSupported');
    expect(await st.call('Heartbeat', {})).toHaveProperty('currentTime');
  });
});
