// Reservations against a real supervisor (real archive, real HTTP) and independent strict OCPP
// clients (ocpp-rpc validates every frame both ways against the official 1.6 / 2.0.1 schemas):
// ReserveNow carries what the operator booked, the station's verdict is stored, the start that
// uses it (by reservationId or by badge) marks it used, the driver's departure and energy become
// the session's smart-charging needs, cancel and expiry end it, and bad requests change nothing.
import type { RPCClient } from 'ocpp-rpc';
import { afterEach, describe, expect, it } from 'vitest';
import type { AllocationInfo } from '../../src-shared/api/index.ts';
import type { Reservation } from '../../src-shared/domain/index.ts';
import { eventually, PASSWORDS, restCall, startTestSupervisor, strictClient, type TestSupervisor } from '../app/test-support.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(smartCharging = false): Promise<TestSupervisor> {
  const sup = await startTestSupervisor({ smartCharging });
  cleanups.push(() => sup.dispose());
  return sup;
}

type Handler = (params: Record<string, unknown>) => Record<string, unknown>;

/** A strict station that boots, reports its connectors Available and answers the reservation CALLs with `answers`. */
async function station(sup: TestSupervisor, id: 'CP16' | 'CP201', answers: { ReserveNow?: Handler; CancelReservation?: Handler } = {}) {
  const v16 = id === 'CP16';
  const c: RPCClient = strictClient({ endpoint: sup.ocppUrl, identity: id, password: PASSWORDS[id] ?? null, protocols: [v16 ? 'ocpp1.6' : 'ocpp2.0.1'] });
  cleanups.push(async () => void (await c.close({ force: true })));
  const received: Array<{ action: string; params: Record<string, unknown> }> = [];
  for (const action of ['ReserveNow', 'CancelReservation'] as const) {
    c.handle(action, async ({ params }) => {
      const p = (params ?? {}) as Record<string, unknown>;
      received.push({ action, params: p });
      return (answers[action] ?? (() => ({ status: 'Accepted' })))(p);
    });
  }
  c.handle(async () => ({ status: 'Accepted' }));
  await c.connect();
  const now = new Date().toISOString();
  if (v16) {
    await c.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    for (const connectorId of [1, 2]) await c.call('StatusNotification', { connectorId, errorCode: 'NoError', status: 'Available', timestamp: now });
  } else {
    await c.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } });
    for (const evseId of [1, 2]) await c.call('StatusNotification', { timestamp: now, connectorStatus: 'Available', evseId, connectorId: 1 });
  }
  await eventually(() => sup.registry.get(id)?.connected);
  return { client: c, received };
}

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
const reserve = (sup: TestSupervisor, body: Record<string, unknown>) => restCall<Reservation & { message?: string }>(sup, 'POST', '/reservations', { json: body });
const list = async (sup: TestSupervisor, query = '') => (await restCall<Reservation[]>(sup, 'GET', `/reservations${query}`)).body;

describe('reservations', () => {
  it('1.6: ReserveNow carries the booking, the start with its reservationId uses it, and its departure and energy become the session needs', async () => {
    const sup = await start(true);
    const { client, received } = await station(sup, 'CP16');
    const expiresAt = inMinutes(30);
    const departureAt = inMinutes(180);
    const made = await reserve(sup, { stationId: 'CP16', evseId: 1, idTag: 'GOOD', expiresAt, departureAt, energyWh: 12_000 });
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ stationId: 'CP16', evseId: 1, idTag: 'GOOD', status: 'accepted', detail: 'Accepted', energyWh: 12_000, createdBy: 'api', transactionId: null });
    expect(received).toEqual([{ action: 'ReserveNow', params: { connectorId: 1, expiryDate: expiresAt, idTag: 'GOOD', reservationId: made.body.id } }]);

    const started = (await client.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 1000, timestamp: new Date().toISOString(), reservationId: made.body.id })) as { transactionId: number };
    const used = await eventually(async () => (await list(sup)).find((r) => r.id === made.body.id && r.status === 'used'));
    expect(used.transactionId).toBe(started.transactionId);

    // The controller reads the reservation's needs: departure and energy from the driver.
    const needs = await eventually(async () => (await restCall<AllocationInfo>(sup, 'GET', '/allocation')).body.needs[String(started.transactionId)], 10_000);
    expect(needs).toMatchObject({ departureSource: 'reservation', departureAt, energySource: 'reservation', remainingWh: 12_000 });

    // The audit log has who booked it.
    const audit = (await restCall<{ items: Array<{ action: string; ok: boolean }> }>(sup, 'GET', '/audit?action=createReservation')).body.items;
    expect(audit.map((a) => a.ok)).toEqual([true]);
  });

  it('after a restart, the open session that used a reservation keeps its departure and energy, and a held one still expires', async () => {
    const first = await startTestSupervisor({ smartCharging: true });
    const dataDir = first.dataDir;
    const { client } = await station(first, 'CP16');
    const departureAt = inMinutes(240);
    const used = (await reserve(first, { stationId: 'CP16', evseId: 1, idTag: 'GOOD', expiresAt: inMinutes(30), departureAt, energyWh: 8_000 })).body;
    const started = (await client.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 0, timestamp: new Date().toISOString(), reservationId: used.id })) as { transactionId: number };
    await eventually(async () => (await list(first)).find((r) => r.id === used.id && r.status === 'used'));
    // Held across the restart, its end passes while the supervisor is down.
    const held = (await reserve(first, { stationId: 'CP16', evseId: 2, idTag: 'GOOD', expiresAt: new Date(Date.now() + 1500).toISOString() })).body;
    expect(held.status).toBe('accepted');
    await client.close({ force: true });
    await first.close();

    const second = await startTestSupervisor({ smartCharging: true, dataDir });
    cleanups.push(() => second.dispose());
    expect((await list(second)).find((r) => r.id === used.id)).toMatchObject({ status: 'used', transactionId: started.transactionId });
    await station(second, 'CP16');
    const needs = await eventually(async () => (await restCall<AllocationInfo>(second, 'GET', '/allocation')).body.needs[String(started.transactionId)], 10_000);
    expect(needs).toMatchObject({ departureSource: 'reservation', departureAt, energySource: 'reservation', remainingWh: 8_000 });
    expect(await eventually(async () => (await list(second)).find((r) => r.id === held.id && r.status === 'expired'), 6000)).toMatchObject({ detail: 'Expired' });
  });

  it('2.0.1: a refusal is stored with the station\'s reason; "any EVSE" omits evseId; the badge starting without a reservationId still uses it', async () => {
    const sup = await start();
    let answer = 'Occupied';
    const { client, received } = await station(sup, 'CP201', { ReserveNow: () => ({ status: answer }) });
    const refused = await reserve(sup, { stationId: 'CP201', evseId: 2, idTag: 'GOOD', expiresAt: inMinutes(20) });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'rejected', detail: 'Occupied' });
    expect(received[0]?.params).toMatchObject({ id: refused.body.id, evseId: 2, idToken: { idToken: 'GOOD', type: 'ISO14443' } });

    answer = 'Accepted';
    const held = await reserve(sup, { stationId: 'CP201', evseId: 0, idTag: 'GOOD', expiresAt: inMinutes(20) });
    expect(held.body.status).toBe('accepted');
    expect(received[1]?.params).not.toHaveProperty('evseId');
    expect((await list(sup, '?live=true')).map((r) => r.id)).toEqual([held.body.id]);

    await client.call('TransactionEvent', {
      eventType: 'Started',
      timestamp: new Date().toISOString(),
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'R-TX-1' },
      evse: { id: 1, connectorId: 1 },
      idToken: { idToken: 'GOOD', type: 'ISO14443' },
    });
    const used = await eventually(async () => (await list(sup)).find((r) => r.id === held.body.id && r.status === 'used'));
    expect(used.transactionId).toBe(sup.archive.transactionByOcppId('CP201', 'R-TX-1')?.id);
    expect(await list(sup, '?live=true')).toEqual([]);
  });

  it('2.0.1: a ReservationStatusUpdate from the station ends the reservation (Expired, Removed)', async () => {
    const sup = await start();
    const { client } = await station(sup, 'CP201');
    const a = (await reserve(sup, { stationId: 'CP201', evseId: 1, idTag: 'GOOD', expiresAt: inMinutes(20) })).body;
    await client.call('ReservationStatusUpdate', { reservationId: a.id, reservationUpdateStatus: 'Removed' });
    expect(await eventually(async () => (await list(sup)).find((r) => r.id === a.id && r.status === 'cancelled'))).toMatchObject({ detail: 'Removed by the station' });
    const b = (await reserve(sup, { stationId: 'CP201', evseId: 2, idTag: 'GOOD', expiresAt: inMinutes(20) })).body;
    await client.call('ReservationStatusUpdate', { reservationId: b.id, reservationUpdateStatus: 'Expired' });
    expect(await eventually(async () => (await list(sup)).find((r) => r.id === b.id && r.status === 'expired'))).toMatchObject({ detail: 'Expired' });
  });

  it('cancels through CancelReservation, expires at its end, and refuses to cancel what is no longer held', async () => {
    const sup = await start();
    const { received } = await station(sup, 'CP16');
    const r = (await reserve(sup, { stationId: 'CP16', evseId: 2, idTag: 'GOOD', expiresAt: inMinutes(20) })).body;
    const cancelled = await restCall<Reservation>(sup, 'DELETE', `/reservations/${r.id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', detail: 'cancelled by api' });
    expect(received.at(-1)).toEqual({ action: 'CancelReservation', params: { reservationId: r.id } });
    const again = await restCall<{ message: string }>(sup, 'DELETE', `/reservations/${r.id}`);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already cancelled/);

    const short = (await reserve(sup, { stationId: 'CP16', evseId: 1, idTag: 'GOOD', expiresAt: new Date(Date.now() + 1500).toISOString() })).body;
    expect(short.status).toBe('accepted');
    expect(await eventually(async () => (await list(sup)).find((x) => x.id === short.id && x.status === 'expired'), 6000)).toMatchObject({ detail: 'Expired' });
  });

  it('refuses bad requests with a message naming what to change, and stores nothing', async () => {
    const sup = await start();
    await station(sup, 'CP16');
    const base = { stationId: 'CP16', evseId: 1, idTag: 'GOOD', expiresAt: inMinutes(20) };
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ ...base, stationId: 'NOPE' }, 404, /No station NOPE/],
      [{ ...base, evseId: 7 }, 400, /CP16 has no EVSE 7 \(choose 1, 2, or 0 for any\)/],
      [{ ...base, expiresAt: inMinutes(-1) }, 400, /would end in the past/],
      [{ ...base, expiresAt: inMinutes(25 * 60) }, 400, /24 h at most/],
      [{ ...base, departureAt: inMinutes(-10) }, 400, /departure .* is in the past/],
      [{ ...base, idTag: 'BLOCKED' }, 400, /Badge BLOCKED may not charge \(Blocked\)/],
      [{ ...base, idTag: 'UNKNOWN' }, 400, /Badge UNKNOWN may not charge \(Invalid\)/],
      [{ ...base, energyWh: -5 }, 400, /energyWh/],
      [{ ...base, idTag: 'X'.repeat(21) }, 400, /idTag/],
      [{ ...base, stationId: 'CP201' }, 409, /CP201 is not connected/],
    ];
    for (const [body, status, message] of cases) {
      const reply = await reserve(sup, body);
      expect(reply.status, JSON.stringify(body)).toBe(status);
      expect(reply.body.message).toMatch(message);
    }
    expect(await list(sup)).toEqual([]);
    // A badge holds one reservation per station at a time.
    expect((await reserve(sup, base)).status).toBe(200);
    const twice = await reserve(sup, { ...base, evseId: 2 });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(/already holds reservation/);
    expect(await list(sup)).toHaveLength(1);
  });

  it('a station that does not answer leaves a reservation rejected with the reason, and a cancellation it cannot get is refused, not faked', async () => {
    const sup = await start();
    const { client } = await station(sup, 'CP16', { ReserveNow: () => ({ status: 'Accepted' }) });
    const r = (await reserve(sup, { stationId: 'CP16', evseId: 1, idTag: 'GOOD', expiresAt: inMinutes(20) })).body;
    await client.close({ force: true });
    await eventually(() => sup.registry.get('CP16')?.connected === false);
    const cancel = await restCall<{ message: string }>(sup, 'DELETE', `/reservations/${r.id}`);
    expect(cancel.status).toBe(503);
    expect(cancel.body.message).toMatch(/did not answer the cancellation/);
    expect((await list(sup))[0]?.status).toBe('accepted');
  });
});
