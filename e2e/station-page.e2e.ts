// The station page against a real supervisor with the demo site: the power chart filled from
// the archive and extended live, OCPP frames appearing live in the message log (pause holds
// them back, the filter narrows by action and direction, JSON export of what is shown), the
// configuration read and a writable key changed with the station's answer shown inline, for
// OCPP 1.6 and 2.0.1. Then a 10,000-station park: the virtualized table keeps sort and filter.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StationState } from '../src-shared/domain/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { SCREENSHOTS, screenshot, until } from './support.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let station: StationState;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const rowsOf = (p: Page) => p.locator('[data-testid="ocpp-log-table"] tbody tr[data-testid^="log-row-"]');
const trigger = (stationId: string) => server.rest(`/stations/${encodeURIComponent(stationId)}/commands/TriggerMessage`, { method: 'POST', body: { requestedMessage: 'Heartbeat' } });

describe('station page on the demo site', () => {
  test('the power chart shows the connector’s last hour from the archive, extended live', async () => {
    // A charging OCPP 1.6 station: its meter values are in the archive by now.
    station = await until(
      'a charging OCPP 1.6 station',
      async () => (await server.rest<StationState[]>('/stations')).find((s) => s.protocol === 'ocpp1.6' && s.connectors.some((c) => (c.powerW ?? 0) > 0)),
      90_000,
      500,
    );
    const charging = station.connectors.find((c) => (c.powerW ?? 0) > 0);
    if (!charging) throw new Error('no charging connector');
    await page.goto(`${server.url}/#/stations/${encodeURIComponent(station.id)}`);
    await page.waitForSelector(`[data-testid="view-station"][data-station-id="${station.id}"]`);
    const chart = page.locator(`[data-testid="power-chart-${charging.evseId}"]`);
    await until('power points on the chart', async () => Number(await chart.getAttribute('data-points')) >= 2, 60_000);
    // recharts drew an area (a path with a real outline), not an empty frame.
    await until('a drawn power area', async () => ((await chart.locator('path.recharts-area-area').first().getAttribute('d').catch(() => null)) ?? '').length > 20, 20_000);
    const before = Number(await chart.getAttribute('data-points'));
    await until('a live point added', async () => Number(await chart.getAttribute('data-points')) > before, 60_000);
    expect(pageErrors).toEqual([]);
  });

  test('OCPP frames appear live in the log; pause holds them; the filter narrows by action and direction', async () => {
    await until('frames from the archive in the log', async () => (await rowsOf(page).count()) > 0, 30_000);
    // A frame the test causes: TriggerMessage out, its answer in, then the Heartbeat.
    await trigger(station.id);
    await until('the TriggerMessage call and answer in the log', async () => (await page.locator('[data-testid^="log-row-l"][data-action="TriggerMessage"]').count()) >= 2, 20_000);

    await page.click('[data-testid="log-pause"]');
    await page.waitForSelector('[data-testid="log-pause"][data-paused="true"]');
    const shown = await page.locator('[data-testid^="log-row-"][data-action="TriggerMessage"]').count();
    await trigger(station.id);
    await until('frames held while paused', async () => Number(await page.getAttribute('[data-testid="log-pause"]', 'data-held')) >= 2, 20_000);
    expect(await page.locator('[data-testid^="log-row-"][data-action="TriggerMessage"]').count()).toBe(shown);
    await page.click('[data-testid="log-pause"]');
    await until('held frames shown on resume', async () => (await page.locator('[data-testid^="log-row-"][data-action="TriggerMessage"]').count()) >= shown + 2, 10_000);

    await page.locator('[data-testid="ocpp-log-panel"]').screenshot({ path: join(SCREENSHOTS, 'station-log.png') });

    await page.fill('[data-testid="log-filter"]', 'TriggerMessage');
    await until('only TriggerMessage rows', async () => {
      const actions = await rowsOf(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
      return actions.length >= 4 && actions.every((a) => a === 'TriggerMessage');
    });
    await page.selectOption('[data-testid="log-direction"]', 'in');
    await until('only station → CS rows', async () => {
      const rows = await rowsOf(page).evaluateAll((all) => all.map((r) => [r.getAttribute('data-action'), r.getAttribute('data-direction')]));
      return rows.length >= 2 && rows.every(([a, d]) => a === 'TriggerMessage' && d === 'in');
    });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="log-export-json"]')]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as Array<{ action: string; direction: string; frame: unknown[] }>;
    expect(exported.length).toBe(await rowsOf(page).count());
    expect(exported.every((e) => e.action === 'TriggerMessage' && e.direction === 'in' && e.frame[0] === 3)).toBe(true);

    await page.fill('[data-testid="log-filter"]', '');
    await page.selectOption('[data-testid="log-direction"]', 'all');
  });

  test('configuration of an OCPP 1.6 station: read, change a writable key, see the station’s answer', async () => {
    await page.click('[data-testid="config-read"]');
    const row = page.locator('[data-testid="config-row-HeartbeatInterval"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('data-readonly')).toBe('false');
    expect(await page.locator('[data-testid="configuration-table"] tr[data-readonly="true"]').count()).toBeGreaterThan(0);

    await page.click('[data-testid="config-edit-HeartbeatInterval"]');
    await page.fill('[data-testid="config-input-HeartbeatInterval"]', '75');
    await page.click('[data-testid="config-send-HeartbeatInterval"]');
    await page.waitForSelector('[data-testid="config-answer-HeartbeatInterval"][data-status="Accepted"]', { timeout: 30_000 });
    expect(await page.innerText('[data-testid="config-value-HeartbeatInterval"]')).toBe('75');

    // A value the station refuses: its answer is shown, the value stays.
    await page.click('[data-testid="config-edit-HeartbeatInterval"]');
    await page.fill('[data-testid="config-input-HeartbeatInterval"]', 'often');
    await page.click('[data-testid="config-send-HeartbeatInterval"]');
    await page.waitForSelector('[data-testid="config-answer-HeartbeatInterval"][data-status="Rejected"]', { timeout: 30_000 });
    expect(await page.innerText('[data-testid="config-value-HeartbeatInterval"]')).toBe('75');
    // The station really holds the accepted value.
    const read = await server.rest<{ response: { configurationKey: Array<{ key: string; value: string }> } }>(`/stations/${encodeURIComponent(station.id)}/commands/GetConfiguration`, {
      method: 'POST',
      body: { key: ['HeartbeatInterval'] },
    });
    expect(read.response.configurationKey[0]?.value).toBe('75');

    await page.evaluate(() => document.getElementById('main')?.scrollTo(0, 0));
    await screenshot(page, 'station.png', true);
  });

  test('configuration of an OCPP 2.0.1 station: device-model variables, SetVariables answer inline', async () => {
    const v201 = (await server.rest<StationState[]>('/stations')).find((s) => s.protocol === 'ocpp2.0.1' && s.connected);
    if (!v201) throw new Error('no connected OCPP 2.0.1 station');
    await page.goto(`${server.url}/#/stations/${encodeURIComponent(v201.id)}`);
    await page.waitForSelector(`[data-testid="view-station"][data-station-id="${v201.id}"]`);
    await page.click('[data-testid="config-read"]');
    const key = 'OCPPCommCtrlr.HeartbeatInterval';
    await page.locator(`[data-testid="config-row-${key}"]`).waitFor({ timeout: 60_000 });
    await page.click(`[data-testid="config-edit-${key}"]`);
    await page.fill(`[data-testid="config-input-${key}"]`, '90');
    await page.click(`[data-testid="config-send-${key}"]`);
    await page.waitForSelector(`[data-testid="config-answer-${key}"][data-status="Accepted"]`, { timeout: 30_000 });
    expect(await page.innerText(`[data-testid="config-value-${key}"]`)).toBe('90');
    // The log shows the SetVariables exchange of that change, live.
    await page.fill('[data-testid="log-filter"]', 'SetVariables');
    await until('the SetVariables call and its result in the log', async () => (await rowsOf(page).count()) >= 2, 20_000);

    // French station page (the screen operators spend most time on).
    await page.fill('[data-testid="log-filter"]', '');
    await page.click('[data-testid="language-fr"]');
    await until('French station page', async () => /puissance/i.test(await page.innerText('[data-testid="power-panel"]')));
    await page.evaluate(() => document.getElementById('main')?.scrollTo(0, 0));
    await screenshot(page, 'station-fr.png');
    await page.click('[data-testid="language-en"]');
    expect(pageErrors).toEqual([]);
  });
});

describe('a 10,000-station park', () => {
  let big: RunningServer;
  let bigPage: Page;
  let projectDir: string;
  const COUNT = 10_000;

  beforeAll(async () => {
    // The demo as written in format 1 (the fixture): one self-contained station declaration to copy.
    const demo = JSON.parse(readFileSync(join(import.meta.dirname, '../assets/fixtures/project-v1/project.json'), 'utf8')) as { sites: Array<{ stations: unknown[] }> };
    const template = demo.sites[0]?.stations[0] as Record<string, unknown>;
    const stations = Array.from({ length: COUNT }, (_, i) => {
      const id = `PARK-${String(i + 1).padStart(5, '0')}`;
      const { position: _position, ...rest } = template;
      return { ...rest, id, password: `${id.toLowerCase()}-secret` };
    });
    projectDir = mkdtempSync(join(tmpdir(), 'evs-park-'));
    const file = join(projectDir, 'park.json');
    writeFileSync(file, JSON.stringify({ ...demo, sites: [{ ...demo.sites[0], stations }] }));
    big = await startServer({ demo: false, extraArgs: ['--project', file] });
    ({ page: bigPage } = await openPage(browser));
  }, 240_000);

  afterAll(async () => {
    await bigPage?.context().close();
    await big?.stop();
    rmSync(projectDir, { recursive: true, force: true });
  });

  test('renders only the rows in view, scrolls to the last station, sorts and filters all 10,000', async () => {
    await bigPage.goto(`${big.url}/#/stations`);
    await bigPage.waitForSelector('[data-testid="station-row-PARK-00001"]', { timeout: 60_000 });
    expect(await bigPage.innerText('[data-testid="stations-count"]')).toContain('10000');
    const rendered = await bigPage.locator('[data-testid^="station-row-"]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(200);

    await bigPage.$eval('[data-testid="stations-table"]', (table) => {
      const frame = table.closest('.table-wrap');
      frame?.scrollTo(0, frame.scrollHeight);
    });
    await bigPage.waitForSelector('[data-testid="station-row-PARK-10000"]', { timeout: 10_000 });
    expect(await bigPage.locator('[data-testid^="station-row-"]').count()).toBeLessThan(200);

    await bigPage.click('[data-testid="sort-id"]');
    await bigPage.$eval('[data-testid="stations-table"]', (table) => table.closest('.table-wrap')?.scrollTo(0, 0));
    await bigPage.waitForSelector('[data-testid="station-row-PARK-10000"]', { timeout: 10_000 });
    const first = await bigPage.locator('[data-testid^="station-row-"]').first().getAttribute('data-testid');
    expect(first).toBe('station-row-PARK-10000');

    await bigPage.fill('[data-testid="station-search"]', 'PARK-0424');
    await until('ten matches', async () => (await bigPage.locator('[data-testid^="station-row-"]').count()) === 10, 10_000);
  });
});
