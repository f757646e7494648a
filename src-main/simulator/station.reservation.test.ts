// Reservations (OCPP 1.6 Reserve Now / Cancel Reservation, 2.0.1 block H) against a real strict
// OCPP-J peer: ocpp-rpc validates every frame of both sides against the official schemas.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestCentral } from './test-central.ts';
import { sleep, Stations } from './test-support.ts';

let central: TestCentral;
const stations = new Stations();

beforeEach(async () => {
  central = await TestCentral.start({ heartbeatIntervalS: 300 });
});

afterEach(async () => {
  await stations.stopAll();
  expect(central.strictFailures).toEqual([]);
  await central.close();
});

/** An ISO-8601 time `ms` from now. */
const inMs = (ms: number): string => new Date(Date.now() + ms).toISOString();
const HOUR = 3_600_000;

/** 1.6 statuses a connector reported, in order. */
const statuses16 = (station: string, connectorId: number): string[] =>
  central
    .callsOf('StatusNotification', station)
    .filter((c) => c.params.connectorId === connectorId)
    .map((c) => String(c.params.status));

/** 2.0.1 connectorStatus values an EVSE reported, in order. */
const statuses201 = (station: string, evseId: number): string[] =>
  central
    .callsOf('StatusNotification', station)
    .filter((c) => c.params.evseId === evseId)
    .map((c) => String(c.params.connectorStatus));

describe('OCPP 1.6 reservations', () => {
  it('reserves an Available connector (Reserved), and the reserved badge starts with the reservationId, ending the reservation', async () => {
    const st = stations.create(central, 'R16-USE', 'ocpp1.6');
    await st.start();
    await central.until(() => statuses16('R16-USE', 1).includes('Available'), 'initial Available');
    const expiryDate = inMs(HOUR);
    expect(await central.call('R16-USE', 'ReserveNow', { connectorId: 1, expiryDate, idTag: 'ALICE', reservationId: 7 })).toEqual({ status: 'Accepted' });
    await central.until(() => statuses16('R16-USE', 1).at(-1) === 'Reserved', 'StatusNotification Reserved');
    expect(st.connectorStatus(1)).toBe('Reserved');
    expect(st.connector(1).reservationId).toBe(7);
    expect(st.reservations()).toEqual([{ id: 7, connectorNo: 1, idTag: 'ALICE', expiresAt: expiryDate }]);

    // Badges are case-insensitive (1.6 IdToken).
    const started = await st.startCharging(1, 'alice');
    expect(started).toMatchObject({ accepted: true, status: 'Accepted' });
    const start = await central.waitFor('StartTransaction', 'R16-USE');
    expect(start.params).toMatchObject({ connectorId: 1, idTag: 'alice', reservationId: 7 });
    expect(st.transaction(1)?.reservationId).toBe(7);
    expect(st.reservations()).toEqual([]);
    expect(st.connector(1).reservationId).toBeNull();
    expect(st.connectorStatus(1)).toBe('Charging');
    // Reserved, then Preparing once the reserved badge is presented (1.6 G2), then Charging.
    await central.until(() => statuses16('R16-USE', 1).at(-1) === 'Charging', 'Charging');
    expect(statuses16('R16-USE', 1).slice(-3)).toEqual(['Reserved', 'Preparing', 'Charging']);
    // The reservation is gone: cancelling it is refused.
    expect(await central.call('R16-USE', 'CancelReservation', { reservationId: 7 })).toEqual({ status: 'Rejected' });
  });

  it('refuses other badges on a Reserved connector (local start and RemoteStartTransaction) but accepts a remote start for the reserved badge', async () => {
    const st = stations.create(central, 'R16-REFUSE', 'ocpp1.6');
    await st.start();
    expect(await central.call('R16-REFUSE', 'ReserveNow', { connectorId: 2, expiryDate: inMs(HOUR), idTag: 'ALICE', reservationId: 1 })).toEqual({
      status: 'Accepted',
    });
    expect(await st.startCharging(2, 'BOB')).toEqual({ accepted: false, status: 'Reserved', transactionId: null });
    expect(central.callsOf('Authorize', 'R16-REFUSE')).toHaveLength(0); // refused at the reader, no Authorize
    expect(central.callsOf('StartTransaction', 'R16-REFUSE')).toHaveLength(0);
    expect(st.connectorStatus(2)).toBe('Reserved');
    expect(await central.call('R16-REFUSE', 'RemoteStartTransaction', { connectorId: 2, idTag: 'BOB' })).toEqual({ status: 'Rejected' });
    // Other connectors are not affected by a reservation of connector 2.
    expect(await st.startCharging(1, 'BOB')).toMatchObject({ accepted: true });

    expect(await central.call('R16-REFUSE', 'RemoteStartTransaction', { idTag: 'ALICE' })).toEqual({ status: 'Accepted' });
    await central.waitFor('StartTransaction', 'R16-REFUSE', 2);
    expect(central.callsOf('StartTransaction', 'R16-REFUSE')[1]?.params).toMatchObject({ connectorId: 2, idTag: 'ALICE', reservationId: 1 });
    expect(central.callsOf('StartTransaction', 'R16-REFUSE')[0]?.params).not.toHaveProperty('reservationId');
    expect(st.reservations()).toEqual([]);
  });

  it('admits a badge whose parentIdTag (from Authorize) matches the reservation, and the reservation parentIdTag itself', async () => {
    const st = stations.create(central, 'R16-GROUP', 'ocpp1.6');
    central.responders.set('Authorize', (call) => ({
      idTagInfo: { status: 'Accepted', ...(call.params.idTag === 'CAROL' ? { parentIdTag: 'FLEET' } : {}) },
    }));
    await st.start();
    const reserve = { expiryDate: inMs(HOUR), idTag: 'ALICE', parentIdTag: 'FLEET' };
    expect(await central.call('R16-GROUP', 'ReserveNow', { ...reserve, connectorId: 1, reservationId: 1 })).toEqual({ status: 'Accepted' });
    expect(await central.call('R16-GROUP', 'ReserveNow', { ...reserve, connectorId: 2, reservationId: 2 })).toEqual({ status: 'Accepted' });
    // DAVE has no parent: Authorize is asked (the group might match), then the start is refused.
    expect(await st.startCharging(1, 'DAVE')).toMatchObject({ accepted: false, status: 'Reserved' });
    expect(central.callsOf('Authorize', 'R16-GROUP').map((c) => c.params.idTag)).toEqual(['DAVE']);
    expect(await st.startCharging(1, 'CAROL')).toMatchObject({ accepted: true });
    expect(await st.startCharging(2, 'FLEET')).toMatchObject({ accepted: true });
    await central.waitFor('StartTransaction', 'R16-GROUP', 2);
    expect(central.callsOf('StartTransaction', 'R16-GROUP').map((c) => [c.params.idTag, c.params.reservationId])).toEqual([
      ['CAROL', 1],
      ['FLEET', 2],
    ]);
  });

  it('cancels a reservation on CancelReservation (Available again) and rejects an unknown reservationId', async () => {
    const st = stations.create(central, 'R16-CANCEL', 'ocpp1.6');
    await st.start();
    expect(await central.call('R16-CANCEL', 'ReserveNow', { connectorId: 1, expiryDate: inMs(HOUR), idTag: 'ALICE', reservationId: 3 })).toEqual({
      status: 'Accepted',
    });
    await central.until(() => statuses16('R16-CANCEL', 1).at(-1) === 'Reserved', 'Reserved');
    expect(await central.call('R16-CANCEL', 'CancelReservation', { reservationId: 99 })).toEqual({ status: 'Rejected' });
    expect(await central.call('R16-CANCEL', 'CancelReservation', { reservationId: 3 })).toEqual({ status: 'Accepted' });
    await central.until(() => statuses16('R16-CANCEL', 1).at(-1) === 'Available', 'Available after the cancel');
    expect(st.connectorStatus(1)).toBe('Available');
    expect(st.reservations()).toEqual([]);
    expect(await st.startCharging(1, 'BOB')).toMatchObject({ accepted: true });
  });

  it('answers Occupied while a vehicle charges, Faulted, Unavailable, and Rejected for an unknown connector or a past expiry', async () => {
    const st = stations.create(central, 'R16-ANSWERS', 'ocpp1.6', { connectors: 3 });
    await st.start();
    await st.startCharging(1, 'BOB');
    st.setFault(2, 'GroundFailure');
    expect(await central.call('R16-ANSWERS', 'ChangeAvailability', { connectorId: 3, type: 'Inoperative' })).toEqual({ status: 'Accepted' });
    const reserve = (connectorId: number, reservationId: number, expiryDate = inMs(HOUR)): Promise<Record<string, unknown>> =>
      central.call('R16-ANSWERS', 'ReserveNow', { connectorId, expiryDate, idTag: 'ALICE', reservationId });
    expect(await reserve(1, 1)).toEqual({ status: 'Occupied' });
    expect(await reserve(2, 2)).toEqual({ status: 'Faulted' });
    expect(await reserve(3, 3)).toEqual({ status: 'Unavailable' });
    expect(await reserve(4, 4)).toEqual({ status: 'Rejected' });
    expect(await reserve(0, 5)).toEqual({ status: 'Occupied' }); // no connector is free
    await st.stopCharging(1, 'Local');
    expect(await reserve(1, 6)).toEqual({ status: 'Occupied' }); // the vehicle is still plugged (Finishing)
    await st.unplug(1);
    expect(await reserve(1, 7, inMs(-1000))).toEqual({ status: 'Rejected' });
    expect(await reserve(1, 8)).toEqual({ status: 'Accepted' });
    expect(await reserve(1, 9)).toEqual({ status: 'Occupied' }); // reserved by another reservation
    expect(st.reservations().map((r) => r.id)).toEqual([8]);
  });

  it('ends the reservation at its expiryDate: Available again, with a StatusNotification', async () => {
    const st = stations.create(central, 'R16-EXPIRE', 'ocpp1.6');
    const ended: string[] = [];
    st.on('reservationEnded', (r, how) => ended.push(`${r.id}:${how}`));
    await st.start();
    expect(await central.call('R16-EXPIRE', 'ReserveNow', { connectorId: 2, expiryDate: inMs(300), idTag: 'ALICE', reservationId: 11 })).toEqual({
      status: 'Accepted',
    });
    await central.until(() => statuses16('R16-EXPIRE', 2).at(-1) === 'Reserved', 'Reserved');
    await central.until(() => statuses16('R16-EXPIRE', 2).at(-1) === 'Available', 'Available after expiry', 3000);
    expect(st.reservations()).toEqual([]);
    expect(ended).toEqual(['11:Expired']);
    expect(await st.startCharging(2, 'BOB')).toMatchObject({ accepted: true });
    expect((await central.waitFor('StartTransaction', 'R16-EXPIRE')).params).not.toHaveProperty('reservationId');
  });

  it('replaces a reservation that has the same reservationId (here: moved to another connector)', async () => {
    const st = stations.create(central, 'R16-REPLACE', 'ocpp1.6');
    await st.start();
    expect(await central.call('R16-REPLACE', 'ReserveNow', { connectorId: 1, expiryDate: inMs(HOUR), idTag: 'ALICE', reservationId: 5 })).toEqual({
      status: 'Accepted',
    });
    // Replacing it on its own connector is not "reserved by another reservation".
    expect(await central.call('R16-REPLACE', 'ReserveNow', { connectorId: 1, expiryDate: inMs(HOUR), idTag: 'ALICE', reservationId: 5 })).toEqual({
      status: 'Accepted',
    });
    const expiryDate = inMs(2 * HOUR);
    expect(await central.call('R16-REPLACE', 'ReserveNow', { connectorId: 2, expiryDate, idTag: 'BOB', reservationId: 5 })).toEqual({ status: 'Accepted' });
    expect(st.reservations()).toEqual([{ id: 5, connectorNo: 2, idTag: 'BOB', expiresAt: expiryDate }]);
    expect(st.connectorStatus(1)).toBe('Available');
    expect(st.connectorStatus(2)).toBe('Reserved');
    await central.until(() => statuses16('R16-REPLACE', 1).at(-1) === 'Available' && statuses16('R16-REPLACE', 2).at(-1) === 'Reserved', 'moved');
  });

  it('reserves any connector with connectorId 0 without changing statuses, keeping one connector free for the reserved badge', async () => {
    const st = stations.create(central, 'R16-ANY', 'ocpp1.6', { connectors: 2 });
    await st.start();
    expect(await central.call('R16-ANY', 'ReserveNow', { connectorId: 0, expiryDate: inMs(HOUR), idTag: 'ALICE', reservationId: 20 })).toEqual({
      status: 'Accepted',
    });
    expect(st.connectorStatus(1)).toBe('Available');
    expect(st.connectorStatus(2)).toBe('Available');
    expect(st.reservations()).toMatchObject([{ id: 20, connectorNo: 0 }]);
    // BOB may take one connector, not the last free one.
    expect(await st.startCharging(1, 'BOB')).toMatchObject({ accepted: true });
    expect(await st.startCharging(2, 'CAROL')).toMatchObject({ accepted: false, status: 'Reserved' });
    expect(await central.call('R16-ANY', 'RemoteStartTransaction', { idTag: 'CAROL' })).toEqual({ status: 'Rejected' });
    expect(await st.startCharging(2, 'ALICE')).toMatchObject({ accepted: true });
    await central.waitFor('StartTransaction', 'R16-ANY', 2);
    expect(central.callsOf('StartTransaction', 'R16-ANY')[1]?.params).toMatchObject({ connectorId: 2, idTag: 'ALICE', reservationId: 20 });
    expect(st.reservations()).toEqual([]);
    expect(statuses16('R16-ANY', 2)).not.toContain('Reserved');
  });

  it('drops the reservation of a connector that becomes Faulted or Inoperative', async () => {
    const st = stations.create(central, 'R16-DROP', 'ocpp1.6');
    await st.start();
    await central.call('R16-DROP', 'ReserveNow', { connectorId: 1, expiryDate: inMs(HOUR), idTag: 'ALICE', reservationId: 1 });
    await central.call('R16-DROP', 'ReserveNow', { connectorId: 2, expiryDate: inMs(HOUR), idTag: 'ALICE', reservationId: 2 });
    st.setFault(1, 'GroundFailure');
    expect(await central.call('R16-DROP', 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' })).toEqual({ status: 'Accepted' });
    await central.until(() => statuses16('R16-DROP', 2).at(-1) === 'Unavailable', 'Unavailable');
    expect(st.reservations()).toEqual([]);
    expect(statuses16('R16-DROP', 1).slice(-2)).toEqual(['Reserved', 'Faulted']);
    st.setFault(1, null);
    expect(st.connectorStatus(1)).toBe('Available');
  });

  it('keeps the reservation while stopped (no expiry timer left running) and arms its expiry again on start', async () => {
    const st = stations.create(central, 'R16-STOP', 'ocpp1.6');
    const ended: string[] = [];
    st.on('reservationEnded', (r, how) => ended.push(`${r.id}:${how}`));
    await st.start();
    await central.call('R16-STOP', 'ReserveNow', { connectorId: 1, expiryDate: inMs(200), idTag: 'ALICE', reservationId: 1 });
    // Beyond setTimeout's 24.8-day limit: must not fire at once.
    await central.call('R16-STOP', 'ReserveNow', { connectorId: 2, expiryDate: inMs(40 * 24 * HOUR), idTag: 'BOB', reservationId: 2 });
    await st.stop();
    await sleep(400);
    expect(ended).toEqual([]);
    expect(st.reservations().map((r) => r.id)).toEqual([1, 2]);
    await st.start();
    await central.until(() => ended.length === 1, 'expiry after restart', 3000);
    expect(ended).toEqual(['1:Expired']);
    expect(st.reservations().map((r) => r.id)).toEqual([2]);
  });
});

describe('OCPP 2.0.1 reservations', () => {
  it('reserves an EVSE (StatusNotification Reserved) and the TransactionEvent Started of the reserved badge carries reservationId', async () => {
    const st = stations.create(central, 'R201-USE', 'ocpp2.0.1');
    await st.start();
    const answer = await central.call('R201-USE', 'ReserveNow', {
      id: 42,
      expiryDateTime: inMs(HOUR),
      idToken: { idToken: 'ALICE', type: 'ISO14443' },
      evseId: 2,
      connectorType: 'cType2',
    });
    expect(answer).toEqual({ status: 'Accepted' });
    await central.until(() => statuses201('R201-USE', 2).at(-1) === 'Reserved', 'StatusNotification Reserved');
    expect(central.callsOf('StatusNotification', 'R201-USE').at(-1)?.params).toMatchObject({ evseId: 2, connectorId: 1, connectorStatus: 'Reserved' });
    expect(st.connectorStatus(2)).toBe('Reserved');
    expect(await st.startCharging(2, 'BOB')).toMatchObject({ accepted: false, status: 'Reserved' });
    expect(await central.call('R201-USE', 'RequestStartTransaction', { evseId: 2, remoteStartId: 1, idToken: { idToken: 'BOB', type: 'Central' } })).toEqual({
      status: 'Rejected',
    });

    expect(await st.startCharging(2, 'ALICE')).toMatchObject({ accepted: true });
    const started = await central.waitFor('TransactionEvent', 'R201-USE');
    expect(started.params).toMatchObject({ eventType: 'Started', reservationId: 42, evse: { id: 2, connectorId: 1 }, idToken: { idToken: 'ALICE' } });
    await central.waitFor('TransactionEvent', 'R201-USE', 2);
    expect(central.callsOf('TransactionEvent', 'R201-USE')[1]?.params).not.toHaveProperty('reservationId');
    expect(st.reservations()).toEqual([]);
    expect(statuses201('R201-USE', 2).at(-1)).toBe('Occupied');
    // Used, not expired nor removed: nothing to update.
    expect(central.callsOf('ReservationStatusUpdate', 'R201-USE')).toHaveLength(0);
  });

  it('sends ReservationStatusUpdate Expired and reports the EVSE Available when the reservation expires', async () => {
    const st = stations.create(central, 'R201-EXPIRE', 'ocpp2.0.1');
    await st.start();
    const answer = await central.call('R201-EXPIRE', 'ReserveNow', { id: 8, expiryDateTime: inMs(300), idToken: { idToken: 'ALICE', type: 'Central' }, evseId: 1 });
    expect(answer).toEqual({ status: 'Accepted' });
    const update = await central.waitFor('ReservationStatusUpdate', 'R201-EXPIRE', 1, 3000);
    expect(update.params).toEqual({ reservationId: 8, reservationUpdateStatus: 'Expired' });
    await central.until(() => statuses201('R201-EXPIRE', 1).at(-1) === 'Available', 'Available after expiry');
    expect(statuses201('R201-EXPIRE', 1)).toEqual(['Available', 'Reserved', 'Available']);
    expect(st.reservations()).toEqual([]);
  });

  it('answers CancelReservation: Rejected for an unknown id, Accepted for a known one (Available again, no ReservationStatusUpdate)', async () => {
    const st = stations.create(central, 'R201-CANCEL', 'ocpp2.0.1');
    await st.start();
    expect(await central.call('R201-CANCEL', 'CancelReservation', { reservationId: 404 })).toEqual({ status: 'Rejected' });
    await central.call('R201-CANCEL', 'ReserveNow', { id: 5, expiryDateTime: inMs(HOUR), idToken: { idToken: 'ALICE', type: 'Central' }, evseId: 1 });
    await central.until(() => statuses201('R201-CANCEL', 1).at(-1) === 'Reserved', 'Reserved');
    expect(await central.call('R201-CANCEL', 'CancelReservation', { reservationId: 5 })).toEqual({ status: 'Accepted' });
    await central.until(() => statuses201('R201-CANCEL', 1).at(-1) === 'Available', 'Available after cancel');
    expect(st.reservations()).toEqual([]);
    expect(central.callsOf('ReservationStatusUpdate', 'R201-CANCEL')).toHaveLength(0);
  });

  it('refuses unknown EVSEs, other connector types, past expiries and busy EVSEs; reserves any EVSE without evseId', async () => {
    const st = stations.create(central, 'R201-ANSWERS', 'ocpp2.0.1', { kind: 'DC' });
    await st.start();
    const idToken = { idToken: 'ALICE', type: 'Central' };
    const reserve = (extra: Record<string, unknown>): Promise<Record<string, unknown>> =>
      central.call('R201-ANSWERS', 'ReserveNow', { id: 1, expiryDateTime: inMs(HOUR), idToken, ...extra });
    expect(await reserve({ evseId: 3 })).toEqual({ status: 'Rejected', statusInfo: { reasonCode: 'UnknownEvse' } });
    expect(await reserve({ evseId: 1, connectorType: 'cType2' })).toEqual({ status: 'Rejected', statusInfo: { reasonCode: 'UnknownConnectorType' } });
    expect(await reserve({ evseId: 1, expiryDateTime: inMs(-1000) })).toEqual({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidValue' } });
    await st.startCharging(1, 'BOB');
    expect(await reserve({ evseId: 1 })).toEqual({ status: 'Occupied' });
    st.setFault(2, 'OtherError');
    expect(await reserve({ evseId: 2 })).toEqual({ status: 'Faulted' });
    expect(await reserve({})).toEqual({ status: 'Occupied' });
    st.setFault(2, null);
    expect(await reserve({ connectorType: 'cCCS2' })).toEqual({ status: 'Accepted' });
    expect(st.reservations()).toMatchObject([{ id: 1, connectorNo: 0, idTag: 'ALICE' }]);
    expect(st.connectorStatus(2)).toBe('Available'); // an EVSE-less reservation reserves no EVSE in particular
  });

  it('sends ReservationStatusUpdate Removed when the reserved EVSE is set Inoperative', async () => {
    const st = stations.create(central, 'R201-REMOVE', 'ocpp2.0.1');
    await st.start();
    await central.call('R201-REMOVE', 'ReserveNow', { id: 9, expiryDateTime: inMs(HOUR), idToken: { idToken: 'ALICE', type: 'Central' }, evseId: 1 });
    expect(await central.call('R201-REMOVE', 'ChangeAvailability', { evse: { id: 1 }, operationalStatus: 'Inoperative' })).toEqual({ status: 'Accepted' });
    const update = await central.waitFor('ReservationStatusUpdate', 'R201-REMOVE');
    expect(update.params).toEqual({ reservationId: 9, reservationUpdateStatus: 'Removed' });
    await central.until(() => statuses201('R201-REMOVE', 1).at(-1) === 'Unavailable', 'Unavailable');
    expect(st.reservations()).toEqual([]);
  });

  it('admits a badge whose groupIdToken (from Authorize) matches the reservation groupIdToken', async () => {
    const st = stations.create(central, 'R201-GROUP', 'ocpp2.0.1');
    central.responders.set('Authorize', (call) => {
      const token = (call.params.idToken as { idToken: string }).idToken;
      return { idTokenInfo: { status: 'Accepted', ...(token === 'CAROL' ? { groupIdToken: { idToken: 'FLEET', type: 'Central' } } : {}) } };
    });
    await st.start();
    await central.call('R201-GROUP', 'ReserveNow', {
      id: 3,
      expiryDateTime: inMs(HOUR),
      idToken: { idToken: 'ALICE', type: 'Central' },
      groupIdToken: { idToken: 'FLEET', type: 'Central' },
      evseId: 1,
    });
    expect(await st.startCharging(1, 'DAVE')).toMatchObject({ accepted: false, status: 'Reserved' });
    expect(await st.startCharging(1, 'CAROL')).toMatchObject({ accepted: true });
    expect((await central.waitFor('TransactionEvent', 'R201-GROUP')).params).toMatchObject({ eventType: 'Started', reservationId: 3 });
  });

  it('lists ReservationCtrlr in its device model', async () => {
    const st = stations.create(central, 'R201-DM', 'ocpp2.0.1');
    await st.start();
    const got = (await central.call('R201-DM', 'GetVariables', {
      getVariableData: ['Enabled', 'Available', 'NonEvseSpecific'].map((name) => ({ component: { name: 'ReservationCtrlr' }, variable: { name } })),
    })) as { getVariableResult: Array<{ attributeStatus: string; attributeValue?: string }> };
    expect(got.getVariableResult.map((r) => [r.attributeStatus, r.attributeValue])).toEqual([
      ['Accepted', 'true'],
      ['Accepted', 'true'],
      ['Accepted', 'true'],
    ]);
  });
});
