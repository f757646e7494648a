// Off loopback the bridge closes with 4401 until the UI sends the API key: the browser must
// ask for it, reject a wrong one, connect with the right one and keep it for the tab.
import { networkInterfaces } from 'node:os';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';

// A non-loopback address of this machine; binding to it (not 0.0.0.0) keeps the test private.
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe.skipIf(!lanAddress)('API key in the browser (server bound off loopback)', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ host: lanAddress, demo: false });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('asks for the key, refuses a wrong one, connects with the right one and keeps it', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/#/stations`);
    await page.waitForSelector('[data-testid="api-key-form"]');
    expect(await page.getAttribute('[data-testid="connection-state"]', 'data-state')).toBe('auth-required');

    await page.fill('[data-testid="api-key-input"]', 'wrong-key');
    await page.click('[data-testid="api-key-submit"]');
    await page.waitForSelector('[data-testid="api-key-form"] [role="alert"]');

    await page.fill('[data-testid="api-key-input"]', server.apiKey);
    await page.click('[data-testid="api-key-submit"]');
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    expect(await page.locator('[data-testid="api-key-form"]').count()).toBe(0);
    // The bridge answers calls now: the stations of the project (offline, --no-demo) load.
    const expected = (await server.rest<unknown[]>('/stations')).length;
    await expect.poll(() => page.locator('[data-testid^="station-row-"]').count(), { timeout: 15_000 }).toBe(expected);

    await page.reload();
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    expect(await page.locator('[data-testid="api-key-form"]').count()).toBe(0);
    // The refused socket's close is logged by Chromium as a console error; nothing else may be.
    expect(errors.filter((e) => !/WebSocket/i.test(e))).toEqual([]);
  });
});
