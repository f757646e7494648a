// Reservations end to end, against a real supervisor running the demo site (simulated stations
// over real OCPP 1.6 and 2.0.1): from a station page "Reserve…" opens the form on that station;
// the operator books a free charging point for a badge with the driver's departure and energy;
// the simulated station answers ReserveNow, reports the point Reserved, and the table shows it
// held; a booking on a busy point shows the station's refusal; the table filters, exports what
// it shows, reads in French; cancelling from the table frees the point (CancelReservation).
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Reservation, StationState } from '../src-shared/domain/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, until } from './support.ts';

const tid = (id: string) => `[data-testid="${id}"]`;

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const reservations = () => server.rest<Reservation[]>('/reservations');
const localInput = (ms: number) => {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

describe('reservations on the demo site', () => {
  let station: StationState;
  let evseId = 0;

  test('from a station page, an operator reserves a free point with the driver’s departure and energy; the station holds it', async () => {
    // A connected station with a free point (the demo's vehicles come and go).
    station = await until(
      'a station with an available point',
      async () => (await server.rest<StationState[]>('/stations')).find((s) => s.connected && s.registration === 'accepted' && s.connectors.some((c) => c.status === 'Available')),
      90_000,
      500,
    );
    evseId = station.connectors.find((c) => c.status === 'Available')?.evseId ?? 0;
    await page.goto(`${server.url}/#/stations/${encodeURIComponent(station.id)}`);
    await page.click(tid('station-reserve'));
    await page.waitForSelector(tid('view-reservations'));
    // The form starts on the station the operator came from.
    expect(await page.inputValue(tid('reservation-station'))).toBe(station.id);
    await page.selectOption(tid('reservation-evse'), String(evseId));
    await page.fill(tid('reservation-idTag'), 'BADGE-002');
    await page.fill(tid('reservation-departureAt'), localInput(Date.now() + 4 * 3_600_000));
    await page.fill(tid('reservation-energy'), '18,5');
    await page.click(tid('reservation-save'));

    const held = await until('the reservation held', async () => (await reservations()).find((r) => r.stationId === station.id && r.status === 'accepted'), 20_000);
    expect(held).toMatchObject({ evseId, idTag: 'BADGE-002', energyWh: 18_500, detail: 'Accepted' });
    expect(held.departureAt).not.toBeNull();
    await page.waitForSelector(`${tid(`reservation-status-${held.id}`)}[data-status="accepted"]`);
    // The simulated station shows the point Reserved.
    await until('the point reported Reserved', async () => (await server.rest<StationState>(`/stations/${encodeURIComponent(station.id)}`)).connectors.find((c) => c.evseId === evseId)?.status === 'Reserved', 20_000);
    expect(await page.textContent(tid('reservations-held'))).toContain('1');
    await screenshot(page, 'reservations.png');
    expect(pageErrors).toEqual([]);
  });

  test('a second booking on the reserved point shows the station’s refusal next to the form', async () => {
    await page.selectOption(tid('reservation-evse'), String(evseId));
    await page.fill(tid('reservation-idTag'), 'BADGE-003');
    await page.click(tid('reservation-save'));
    await page.waitForSelector(tid('reservation-error'));
    expect(await page.textContent(tid('reservation-error'))).toMatch(new RegExp(`${station.id} refused the reservation: (Occupied|Rejected)`));
    const refused = (await reservations()).find((r) => r.idTag === 'BADGE-003');
    expect(refused?.status).toBe('rejected');
  });

  test('the table filters, exports exactly what it shows, and reads in French', async () => {
    await page.check(tid('reservation-live-only'));
    await until('only the held one shown', async () => (await page.locator(`${tid('reservations-table')} tbody tr[data-testid^="reservation-row-"]`).count()) === 1);
    const download = page.waitForEvent('download');
    await page.click(tid('reservation-export'));
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(csv).toHaveLength(2);
    expect(csv[0]).toContain('Station');
    expect(csv[1]).toContain('BADGE-002');
    expect(csv[1]).toContain('18.5');
    await page.uncheck(tid('reservation-live-only'));

    await page.click(tid('language-fr'));
    await page.waitForSelector('h1:text("Réservations")');
    expect(await page.textContent(`${tid('reservations-table')} thead`)).toContain('Tenue jusqu’à');
    // The station's refusal shown before now reads in French too.
    expect(await page.textContent(tid('reservation-error'))).toMatch(new RegExp(`${station.id} a refusé la réservation : (Occupied|Rejected)`));
    await screenshot(page, 'reservations-fr.png');
    await page.click(tid('language-en'));
  });

  test('cancelling from the table sends CancelReservation and frees the point', async () => {
    const held = (await reservations()).find((r) => r.status === 'accepted');
    if (!held) throw new Error('no held reservation');
    await page.click(tid(`reservation-cancel-${held.id}`));
    await page.waitForSelector(`${tid(`reservation-status-${held.id}`)}[data-status="cancelled"]`);
    expect((await reservations()).find((r) => r.id === held.id)?.status).toBe('cancelled');
    await until('the point no longer Reserved', async () => (await server.rest<StationState>(`/stations/${encodeURIComponent(station.id)}`)).connectors.find((c) => c.evseId === evseId)?.status !== 'Reserved', 20_000);
    expect(pageErrors).toEqual([]);
  });
});
