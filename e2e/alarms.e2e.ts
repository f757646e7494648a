// Alarms end to end against the real supervisor (demo site running): a bare OCPP 1.6 station of
// our own reports real faults; the banner shows them within 2 s, one click acknowledges, and the
// history (UI and REST) names the operator. Then the Alarms screen: filters, acknowledge with a
// comment, shelve / unshelve, the station page list, the Alt+A shortcut, the audible alert, CSV.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page as ResultPage } from '../src-shared/api/index.ts';
import type { AlarmInstance, AlarmTransition } from '../src-shared/alarms/types.ts';
import { launchBrowser, openPage } from './browser.ts';
import { RawStation } from './ocpp-station.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, sleep, until } from './support.ts';

const STATION = 'E2E-ALARM-01';
const LOST = 'E2E-ALARM-02';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
const stations: RawStation[] = [];

/** Connects a new station, has it accepted through REST, and boots it again (now Accepted). */
async function acceptedStation(id: string, connectors = 3): Promise<RawStation> {
  const station = await RawStation.connect(server.port, id);
  stations.push(station);
  expect((await station.boot()).status).toBe('Pending');
  await server.rest(`/stations/${id}/accept`, { method: 'POST' });
  expect((await station.boot()).status).toBe('Accepted');
  for (let c = 1; c <= connectors; c++) await station.status(c, 'Available');
  return station;
}

const activeAlarms = () => server.rest<AlarmInstance[]>('/alarms?state=active');
const alarmOf = async (stationId: string, evseId: number | null, ruleId = 'faulted') =>
  (await activeAlarms()).find((a) => a.source.stationId === stationId && a.source.evseId === evseId && a.ruleId === ruleId);
const bannerUnacknowledged = async () => Number(await page.getAttribute('[data-testid="alarm-banner"]', 'data-unacknowledged'));

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await Promise.all(stations.map((s) => s.close().catch(() => undefined)));
  await browser?.close();
  await server?.stop();
});

describe('alarms', () => {
  test('a real fault reaches the banner within 2 s, one click acknowledges it, the history names the operator', async () => {
    await page.goto(`${server.url}/#/stations`);
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    await page.waitForSelector('[data-testid="alarm-banner"]');
    const station = await acceptedStation(STATION);
    await page.waitForSelector(`[data-testid="station-row-${STATION}"]`);
    const before = await bannerUnacknowledged();

    const sentAt = Date.now();
    await station.status(1, 'Faulted', 'GroundFailure');
    await page.waitForFunction(
      (id) => document.querySelector('[data-testid="banner-top"]')?.textContent?.includes(id) ?? false,
      STATION,
      { timeout: 2000, polling: 50 },
    );
    const latencyMs = Date.now() - sentAt;
    expect(latencyMs).toBeLessThan(2000);
    const alarm = await alarmOf(STATION, 1);
    expect(alarm).toMatchObject({ state: 'activeUnacknowledged', severity: 'major', value: 'GroundFailure' });
    if (!alarm) return;
    expect(await page.getAttribute('[data-testid="banner-top"]', 'data-alarm-id')).toBe(alarm.id);
    expect(await bannerUnacknowledged()).toBe(before + 1);
    expect(await page.getAttribute('[data-testid="alarm-banner"]', 'class')).toContain('blinking');
    const animation = () => page.$eval('[data-testid="alarm-banner"]', (b) => getComputedStyle(b).animationName);
    expect(await animation()).toBe('banner-blink');
    // Operators who asked their system for less motion get a steady banner instead.
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await animation()).toBe('none');
    await page.emulateMedia({ reducedMotion: null });
    expect(await page.innerText('[data-testid="nav-alarms-count"]')).toBe(String(before + 1));
    expect(Number(await page.getAttribute('[data-testid="banner-count-major"]', 'data-count'))).toBeGreaterThanOrEqual(1);
    expect(await page.innerText('[data-testid="banner-message"]')).toContain('GroundFailure');

    // One click.
    await page.click('[data-testid="banner-ack"]');
    await until('the banner count to drop', async () => (await bannerUnacknowledged()) === before, 5000, 50);
    expect(await page.getAttribute('[data-testid="banner-top"]', 'data-alarm-id')).not.toBe(alarm.id);
    expect(await alarmOf(STATION, 1)).toMatchObject({ state: 'activeAcknowledged', acknowledgement: { by: 'operator' } });

    // REST history: the acknowledgement with the operator's name.
    const history = await server.rest<ResultPage<AlarmTransition>>(`/alarms?state=history&stationId=${STATION}`);
    const ack = history.items.find((r) => r.alarmId === alarm.id && r.event === 'acknowledged');
    expect(ack).toMatchObject({ operator: 'operator', from: 'activeUnacknowledged', to: 'activeAcknowledged' });
    expect(history.items.some((r) => r.alarmId === alarm.id && r.event === 'raised' && r.operator === null)).toBe(true);

    // UI history: the same record, operator shown.
    await page.click('[data-testid="banner-open"]');
    await page.waitForSelector('[data-testid="view-alarms"]');
    await page.click('[data-testid="alarm-tab-history"]');
    await page.fill('[data-testid="alarm-history-station"]', STATION);
    const row = page.locator(`[data-testid="alarm-history-row-${ack?.seq ?? -1}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-event')).toBe('acknowledged');
    expect(await row.getAttribute('data-operator')).toBe('operator');
    expect(await row.innerText()).toContain('operator');
    // Filtered by station on the server: nothing of other stations.
    await until('only this station in the history', async () => {
      const texts = await page.locator('[data-testid^="alarm-history-row-"]').allInnerTexts();
      return texts.length > 0 && texts.every((t) => t.includes(STATION));
    });

    await page.locator('[data-testid="alarm-history-station"]').blur();
    await screenshot(page, 'alarm-history.png');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="alarm-history-export"]')]);
    const csv = readFileSync(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r\n/);
    expect(lines[0]).toContain('Operator');
    expect(lines.some((l) => l.includes('acknowledged') && l.includes('operator') && l.includes(STATION))).toBe(true);
  });

  test('alarms screen: filters, acknowledge with a comment, shelve and unshelve, station page, Alt+A, audible alert', async () => {
    const station = stations.find((s) => s.id === STATION);
    if (!station) throw new Error('the first test did not create the station');
    // A station that goes silent: communication lost after the rule's 30 s on-delay (major).
    const lost = await acceptedStation(LOST, 1);
    await lost.close();
    const lostSince = Date.now();

    await page.goto(`${server.url}/#/alarms`);
    await page.click('[data-testid="alarm-tab-active"]');
    await page.waitForSelector(`[data-testid="alarm-filters"]`);

    // Two more faults on the first station, connectors 2 and 3.
    await station.status(2, 'Faulted', 'HighTemperature');
    await station.status(3, 'Faulted', 'PowerMeterFailure');
    const second = await until('the connector 2 alarm', () => alarmOf(STATION, 2), 5000);
    const third = await until('the connector 3 alarm', () => alarmOf(STATION, 3), 5000);

    // Filters: station, then state "unacknowledged", then severity.
    const rows = page.locator('[data-testid^="alarm-row-"]');
    await page.fill('[data-testid="alarm-filter-station"]', STATION);
    await until('three alarms of the station', async () => (await rows.count()) === 3);
    await page.selectOption('[data-testid="alarm-filter-state"]', 'unacknowledged');
    await until('two unacknowledged', async () => {
      const ids = await rows.evaluateAll((n) => n.map((x) => x.getAttribute('data-testid')).sort());
      return ids.length === 2 && ids.join() === [`alarm-row-${second.id}`, `alarm-row-${third.id}`].sort().join();
    });
    await page.click('[data-testid="alarm-filter-severity-minor"]');
    await until('no minor alarm', async () => (await rows.count()) === 0);
    await page.click('[data-testid="alarm-filter-severity-major"]');
    await until('the major ones with minor', async () => (await rows.count()) === 2);
    await page.click('[data-testid="alarm-filter-severity-minor"]');
    await page.click('[data-testid="alarm-filter-severity-major"]');

    // Select both unacknowledged alarms and acknowledge them with a comment.
    await page.click('[data-testid="alarm-select-all"]');
    await page.click('[data-testid="alarm-acknowledge"]');
    await page.waitForSelector('[data-testid="alarm-dialog-acknowledge"][open]');
    await page.fill('[data-testid="alarm-dialog-comment"]', 'Technician on site');
    await page.click('[data-testid="alarm-dialog-submit"]');
    await until('both acknowledged', async () => {
      const list = await activeAlarms();
      return [second.id, third.id].every((id) => list.find((a) => a.id === id)?.acknowledgement?.comment === 'Technician on site');
    });
    await until('no unacknowledged row left', async () => (await rows.count()) === 0);

    // Shelve the connector 2 alarm for an hour with a reason, then unshelve it.
    await page.selectOption('[data-testid="alarm-filter-state"]', 'all');
    await page.click(`[data-testid="alarm-select-${second.id}"]`);
    await page.click('[data-testid="alarm-shelve"]');
    await page.waitForSelector('[data-testid="alarm-dialog-shelve"][open]');
    expect(await page.isDisabled('[data-testid="alarm-dialog-submit"]')).toBe(true);
    await page.fill('[data-testid="alarm-dialog-comment"]', 'Spare part ordered');
    await page.click('[data-testid="alarm-dialog-submit"]');
    await page.waitForSelector(`[data-testid="alarm-shelved-${second.id}"]`);
    expect((await activeAlarms()).find((a) => a.id === second.id)?.shelving).toMatchObject({ by: 'operator', reason: 'Spare part ordered' });
    await page.click(`[data-testid="alarm-select-${second.id}"]`);
    await page.click('[data-testid="alarm-unshelve"]');
    await until('unshelved', async () => (await page.locator(`[data-testid="alarm-shelved-${second.id}"]`).count()) === 0);
    expect((await activeAlarms()).find((a) => a.id === second.id)?.shelving).toBeNull();

    // The condition goes away: an acknowledged alarm that clears leaves the live list.
    await station.status(1, 'Available');
    const first = (await server.rest<ResultPage<AlarmTransition>>(`/alarms?state=history&stationId=${STATION}`)).items.find((r) => r.sourceKey.endsWith('connector:1'));
    await until('the connector 1 alarm gone from the list', async () => first?.alarmId !== undefined && first.alarmId !== null && (await page.locator(`[data-testid="alarm-row-${first.alarmId}"]`).count()) === 0, 10_000);

    // Station page: its alarms near the top, with their state.
    await page.click(`[data-testid="alarm-goto-${second.id}"]`);
    await page.waitForSelector(`[data-testid="view-station"][data-station-id="${STATION}"]`);
    await page.waitForSelector(`[data-testid="station-alarm-${second.id}"][data-state="activeAcknowledged"]`);
    expect(await page.locator('[data-testid^="station-alarm-"][data-state]').count()).toBe(2);

    // Audible alert: off by default, toggled on from the banner and remembered.
    expect(await page.getAttribute('[data-testid="banner-sound"]', 'aria-pressed')).toBe('false');
    await page.click('[data-testid="banner-sound"]');
    expect(await page.getAttribute('[data-testid="banner-sound"]', 'aria-pressed')).toBe('true');
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem('evs.prefs'))) ?? '{}')).toMatchObject({ alarmSound: true });
    const alerts = Number(await page.getAttribute('[data-testid="alarm-banner"]', 'data-alerts'));

    // A new major fault: the alert sounds, and Alt+A (anywhere) acknowledges the newest alarm.
    await station.status(1, 'Faulted', 'OverCurrentFailure');
    const fresh = await until('the new connector 1 alarm', () => alarmOf(STATION, 1), 5000);
    await page.waitForSelector(`[data-testid="station-alarm-${fresh.id}"][data-state="activeUnacknowledged"]`);
    await until('the alert to sound', async () => Number(await page.getAttribute('[data-testid="alarm-banner"]', 'data-alerts')) > alerts, 5000, 50);
    const unackBefore = await bannerUnacknowledged();
    await page.keyboard.press('Alt+a');
    await page.waitForSelector(`[data-testid="station-alarm-${fresh.id}"][data-state="activeAcknowledged"]`);
    expect(await bannerUnacknowledged()).toBe(unackBefore - 1);
    // The preference survives a reload.
    await page.reload();
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    expect(await page.getAttribute('[data-testid="banner-sound"]', 'aria-pressed')).toBe('true');
    await page.click('[data-testid="banner-sound"]');

    // Communication lost for the silent station (30 s on-delay), unacknowledged: the banner shows it.
    await sleep(Math.max(0, lostSince + 31_000 - Date.now()));
    const commLost = await until('communication lost alarm', async () => (await activeAlarms()).find((a) => a.source.stationId === LOST && a.ruleId === 'comm-lost'), 20_000, 500);
    expect(commLost.severity).toBe('major');
    await page.goto(`${server.url}/#/alarms`);
    await page.click('[data-testid="alarm-tab-active"]');
    await page.fill('[data-testid="alarm-filter-station"]', 'E2E');
    await page.waitForSelector(`[data-testid="alarm-row-${commLost.id}"]`);
    await page.waitForSelector('[data-testid="alarm-banner"].blinking');
    await page.locator('[data-testid="alarm-filter-station"]').blur();
    await sleep(300);
    await screenshot(page, 'alarms.png');

    // French: the whole screen and the banner are translated.
    await page.click('[data-testid="language-fr"]');
    await until('French alarm screen', async () => (await page.innerText('[data-testid="view-alarms"]')).includes('Non acquittées'));
    expect(await page.innerText('[data-testid="alarm-banner"]')).toContain('Acquitter');
    expect(await page.innerText('[data-testid="alarms-table"]')).toContain('Défaut borne ou connecteur');
    await screenshot(page, 'alarms-fr.png');
    await page.click('[data-testid="language-en"]');
    await page.fill('[data-testid="alarm-filter-station"]', '');
  });

  test('no script error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
