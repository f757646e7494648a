// Ground plan against the real supervisor with the demo site: one symbol per station with live
// connector states, pan / zoom / fit, an offline station greyed, and a charge stopped from the
// plan in three operator actions (click the symbol, click Stop, confirm), checked through REST.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page as ResultPage } from '../src-shared/api/index.ts';
import type { StationState, Transaction } from '../src-shared/domain/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { RawStation } from './ocpp-station.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, sleep, until } from './support.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
const raw: RawStation[] = [];

const zoomOf = async () => Number(await page.getAttribute('[data-testid="plan-viewport"]', 'data-zoom'));
const boxOf = async (stationId: string) => {
  const box = await page.locator(`[data-testid="plan-station-${stationId}"]`).boundingBox();
  if (!box) throw new Error(`no symbol for ${stationId}`);
  return box;
};

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await Promise.all(raw.map((s) => s.close().catch(() => undefined)));
  await browser?.close();
  await server?.stop();
});

describe('ground plan', () => {
  test('one live symbol per station; pan, zoom and fit; offline greyed; double-click opens the station', async () => {
    await page.goto(`${server.url}/#/groundPlan`);
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    const symbols = page.locator('[data-testid^="plan-station-"]');
    await until('12 symbols', async () => (await symbols.count()) === 12);

    // Connector colours follow the live status (same as REST once the demo has settled).
    await until(
      'symbol statuses equal to REST',
      async () => {
        const rest = await server.rest<StationState[]>('/stations');
        const ui = await page.$$eval('[data-testid^="plan-station-"]', (nodes) =>
          Object.fromEntries(
            nodes.flatMap((n) =>
              [...n.querySelectorAll('[data-testid^="plan-connector-"]')].map((c) => [`${n.getAttribute('data-station-id')}-${(c.getAttribute('data-testid') ?? '').slice('plan-connector-'.length)}`, c.getAttribute('data-status')]),
            ),
          ),
        );
        return rest.every((s) => s.connectors.every((c) => ui[`${s.id}-${c.evseId}`] === c.status)) && Object.values(ui).includes('Charging');
      },
      60_000,
      500,
    );

    // Zoom: keyboard + and −, the wheel about the cursor, 0 to fit.
    await page.keyboard.press('0');
    const fitted = await zoomOf();
    expect(fitted).toBeGreaterThan(0);
    await page.keyboard.press('+');
    await until('zoomed in', async () => (await zoomOf()) > fitted * 1.2);
    await page.keyboard.press('-');
    await until('zoomed back', async () => Math.abs((await zoomOf()) - fitted) < 0.01);
    const viewport = await page.locator('[data-testid="plan-viewport"]').boundingBox();
    if (!viewport) throw new Error('no viewport');
    await page.mouse.move(viewport.x + viewport.width / 2, viewport.y + viewport.height / 2);
    await page.mouse.wheel(0, -400);
    await until('wheel zoom', async () => (await zoomOf()) > fitted * 1.3);
    await page.keyboard.press('0');
    await until('fit again', async () => Math.abs((await zoomOf()) - fitted) < 0.01);

    // Drag on the background pans by the drag distance (zoom unchanged).
    const before = await boxOf('DEMO-AC-01');
    await page.mouse.move(viewport.x + 30, viewport.y + viewport.height - 40);
    await page.mouse.down();
    await page.mouse.move(viewport.x + 130, viewport.y + viewport.height - 10, { steps: 5 });
    await page.mouse.up();
    const after = await boxOf('DEMO-AC-01');
    expect(after.x - before.x).toBeCloseTo(100, -1);
    expect(after.y - before.y).toBeCloseTo(30, -1);
    expect(await page.locator('[data-testid="plan-popover"]').count()).toBe(0);
    await page.click('[data-testid="plan-fit"]');

    // Touch: two fingers spread apart zoom in about their midpoint (the symbol under it stays put).
    await until('fitted for the pinch', async () => Math.abs((await zoomOf()) - fitted) < 0.01);
    const anchor = await boxOf('DEMO-AC-01');
    const mid = { x: Math.round(anchor.x + anchor.width / 2), y: Math.round(anchor.y + anchor.height / 2) };
    const touch = await page.context().newCDPSession(page);
    const fingers = (spread: number) => [
      { x: mid.x - spread, y: mid.y, id: 1 },
      { x: mid.x + spread, y: mid.y, id: 2 },
    ];
    await touch.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: fingers(40) });
    for (const spread of [50, 60, 70, 80]) await touch.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: fingers(spread) });
    await touch.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await touch.detach();
    await until('pinch zoom', async () => Math.abs((await zoomOf()) / fitted - 2) < 0.05);
    const pinched = await boxOf('DEMO-AC-01');
    expect(pinched.x + pinched.width / 2).toBeCloseTo(mid.x, -1);
    expect(pinched.y + pinched.height / 2).toBeCloseTo(mid.y, -1);
    expect(pinched.width / anchor.width).toBeCloseTo(2, 1);
    expect(await page.locator('[data-testid="plan-popover"]').count()).toBe(0);
    await page.click('[data-testid="plan-fit"]');

    // A station that connects, is accepted, then drops: drawn greyed as offline.
    const station = await RawStation.connect(server.port, 'E2E-PLAN-01');
    raw.push(station);
    expect((await station.boot()).status).toBe('Pending');
    await server.rest('/stations/E2E-PLAN-01/accept', { method: 'POST' });
    await station.boot();
    await station.status(1, 'Available');
    await page.waitForSelector('[data-testid="plan-station-E2E-PLAN-01"][data-online="true"]');
    await station.close();
    await page.waitForSelector('[data-testid="plan-station-E2E-PLAN-01"][data-online="false"]');
    expect(await page.getAttribute('[data-testid="plan-station-E2E-PLAN-01"]', 'class')).toContain('offline');

    // Focus from a link (the alarm list's "Plan" jump): centred, popover open.
    await page.goto(`${server.url}/#/groundPlan/DEMO-DC-03`);
    await page.waitForSelector('[data-testid="plan-popover"][data-station-id="DEMO-DC-03"]');

    // Double-click: the station page (fit first: with the project's positions DEMO-AC-02 is off-screen when DEMO-DC-03 is centred).
    await page.keyboard.press('0');
    await page.dblclick('[data-testid="plan-station-DEMO-AC-02"] .plan-station-id');
    await page.waitForSelector('[data-testid="view-station"][data-station-id="DEMO-AC-02"]');
  });

  test('stop a charge from the ground plan in three actions', async () => {
    await page.goto(`${server.url}/#/groundPlan`);
    await page.waitForSelector('[data-testid="plan-station-DEMO-AC-01"]');
    // A charge that has only just begun cannot end on its own during the test.
    const target = await until(
      'a charging connector with an open transaction',
      async () => {
        const stations = await server.rest<StationState[]>('/stations');
        const open = (await server.rest<ResultPage<Transaction>>('/transactions?open=true&limit=100')).items;
        return (
          stations
            .filter((s) => s.connected)
            .flatMap((s) => s.connectors.map((c) => ({ station: s, connector: c, tx: open.find((x) => x.id === c.transactionId) })))
            .filter((x) => x.connector.status === 'Charging' && x.tx)
            .sort((a, b) => (a.connector.soc ?? 100) - (b.connector.soc ?? 100))[0] ?? null
        );
      },
      60_000,
      500,
    );
    const { station, connector } = target;
    const transactionId = connector.transactionId as number;
    await page.waitForSelector(`[data-testid="plan-station-${station.id}"] [data-testid="plan-connector-${connector.evseId}"][data-status="Charging"]`);

    let actions = 0;
    // 1. Click the symbol.
    await page.click(`[data-testid="plan-station-${station.id}"] .plan-card`);
    actions++;
    await page.waitForSelector(`[data-testid="plan-popover"][data-station-id="${station.id}"]`);
    // 2. Click Stop on the connector.
    await page.click(`[data-testid="plan-stop-${station.id}-${connector.evseId}"]`);
    actions++;
    await page.waitForSelector('[data-testid="confirm-dialog"][open]');
    expect(await page.innerText('[data-testid="confirm-dialog"]')).toContain(String(transactionId));
    // 3. Confirm.
    await page.click('[data-testid="confirm-ok"]');
    actions++;
    expect(actions).toBe(3);

    const stopped = await until(
      `transaction ${transactionId} stopped`,
      async () => {
        const items = (await server.rest<ResultPage<Transaction>>(`/transactions?stationId=${encodeURIComponent(station.id)}&limit=100`)).items;
        const tx = items.find((x) => x.id === transactionId);
        return tx?.stoppedAt ? tx : null;
      },
      30_000,
    );
    expect(stopped.stopReason).toBe('Remote');
    // The popover follows live: that connector no longer offers a Stop for this transaction.
    await until(
      'the popover no longer charging on that transaction',
      async () => {
        const now = (await server.rest<StationState[]>('/stations')).find((s) => s.id === station.id)?.connectors.find((c) => c.evseId === connector.evseId);
        const stop = await page.locator(`[data-testid="plan-stop-${station.id}-${connector.evseId}"]`).count();
        return stop === 0 || (now?.transactionId !== null && now?.transactionId !== transactionId);
      },
      30_000,
      200,
    );
    await page.waitForSelector('[data-testid="toast"]');

    // Screenshot: the plan fitted, a charging station's popover open, once meter values flow.
    await page.keyboard.press('Escape');
    await page.keyboard.press('0');
    await until(
      'power on every charging connector',
      async () => (await server.rest<StationState[]>('/stations')).every((s) => s.connectors.every((c) => c.status !== 'Charging' || c.powerW !== null)),
      60_000,
      1000,
    );
    const charging = await until('a charging DC station', async () => (await server.rest<StationState[]>('/stations')).find((s) => s.id.startsWith('DEMO-DC') && s.connectors.some((c) => c.status === 'Charging' && c.powerW !== null)));
    await page.click(`[data-testid="plan-station-${charging.id}"] .plan-card`);
    await page.waitForSelector('[data-testid="plan-popover"]');
    await sleep(500);
    await screenshot(page, 'groundplan.png');
  });

  test('no script error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
