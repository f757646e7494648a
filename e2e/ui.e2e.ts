// The operator UI against a real supervisor with the 12-station demo site:
// live station list, remote stop from the UI, station page commands, transactions, export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page as ResultPage } from '../src-shared/api/index.ts';
import type { StationState, Transaction } from '../src-shared/domain/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, sleep, until } from './support.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

/** Statuses as the UI shows them, by `<stationId>-<evseId>`. */
async function uiConnectorStatuses(p: Page): Promise<Record<string, string>> {
  return p.$$eval('[data-testid^="connector-status-"]', (nodes) =>
    Object.fromEntries(nodes.map((n) => [(n.getAttribute('data-testid') ?? '').slice('connector-status-'.length), n.getAttribute('data-status') ?? ''])),
  );
}

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('operator UI on the demo site', () => {
  test('shows the 12 demo stations with live connector statuses', async () => {
    await page.goto(`${server.url}/#/stations`);
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    const rows = page.locator('[data-testid^="station-row-"]');
    await until('12 station rows', async () => (await rows.count()) === 12);

    const rest = await server.rest<StationState[]>('/stations');
    expect(rest).toHaveLength(12);
    const uiIds = await rows.evaluateAll((nodes) => nodes.map((n) => (n.getAttribute('data-testid') ?? '').slice('station-row-'.length)).sort());
    expect(uiIds).toEqual(rest.map((s) => s.id).sort());
    await expect.poll(() => page.textContent('[data-testid="tile-online"]'), { timeout: 30_000 }).toBe('12');

    // Live: the vehicles of the demo charge, so some connector shows Charging...
    await until('a Charging connector in the UI', async () => Object.values(await uiConnectorStatuses(page)).includes('Charging'));
    // ...and the UI follows the server: every connector status matches the REST view.
    await until(
      'UI statuses equal to the REST statuses',
      async () => {
        const [ui, now] = [await uiConnectorStatuses(page), await server.rest<StationState[]>('/stations')];
        return now.every((s) => s.connectors.every((c) => ui[`${s.id}-${c.evseId}`] === c.status));
      },
      30_000,
    );
    // ...and it changes over time without a reload (statuses or live values).
    const before = await page.innerText('[data-testid="stations-table"] tbody');
    await until('the station table to change by itself', async () => (await page.innerText('[data-testid="stations-table"] tbody')) !== before, 60_000, 500);

    // Instant search, focused with "/".
    await page.locator('body').press('/');
    await page.keyboard.type('DC-0');
    await until('4 DC stations after search', async () => (await rows.count()) === 4);
    await page.keyboard.press('Escape');
    await until('12 rows after clearing the search', async () => (await rows.count()) === 12);
    await page.locator('[data-testid="station-search"]').blur();

    // Columns: the firmware and the transaction number are hidden by default; shown on demand, in
    // the table and in its export alike (one line per connector).
    const exportHeader = async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="stations-export"]')]);
      const lines = readFileSync((await download.path()) as string, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines.length - 1).toBe(rest.reduce((n, st) => n + st.connectors.length, 0));
      return (lines[0] ?? '').split(',');
    };
    const firmwareHeaders = () => page.locator('[data-testid="stations-table"] thead th', { hasText: 'Firmware' }).count();
    expect(await firmwareHeaders()).toBe(0);
    expect(await exportHeader()).not.toContain('Firmware');
    const toggleFirmware = async () => {
      await page.click('[data-testid="stations-columns"]');
      await page.click('[data-testid="stations-columns-menu"] input[data-column="firmware"]');
      await page.click('[data-testid="stations-columns"]');
    };
    await toggleFirmware();
    expect(await firmwareHeaders()).toBe(1);
    expect(await exportHeader()).toContain('Firmware');
    await toggleFirmware();
    expect(await firmwareHeaders()).toBe(0);

    // Meter values follow within a sample interval: power reaches every charging connector
    // and the total power tile comes alive (also makes the screenshots representative).
    await until(
      'power on every charging connector',
      async () => (await server.rest<StationState[]>('/stations')).every((s) => s.connectors.every((c) => c.status !== 'Charging' || c.powerW !== null)),
      60_000,
      1000,
    );
    await until('total power above zero', async () => Number((await page.innerText('[data-testid="tile-power"]')).replace(/[^\d]/g, '')) > 0, 10_000);
    await sleep(500);
    await screenshot(page, 'stations.png');
    await page.click('[data-testid="language-fr"]');
    await until('French stations screen', async () => (await page.textContent('[data-testid="view-stations"] h1')) === 'Bornes');
    await screenshot(page, 'stations-fr.png');
    await page.click('[data-testid="language-en"]');
    await until('English again', async () => (await page.textContent('[data-testid="view-stations"] h1')) === 'Stations');
  });

  test('a remote stop from the UI ends the transaction', async () => {
    await page.goto(`${server.url}/#/stations`);
    const statuses = await until('a Charging connector', async () => {
      const s = await uiConnectorStatuses(page);
      return Object.entries(s).some(([, v]) => v === 'Charging') ? s : null;
    });
    // Prefer a charge that has only just begun, so it cannot end on its own during the test.
    const stations = await server.rest<StationState[]>('/stations');
    const open = (await server.rest<ResultPage<Transaction>>('/transactions?open=true&limit=100')).items;
    const candidates = stations
      .flatMap((s) => s.connectors.map((c) => ({ station: s, connector: c })))
      .filter(({ station, connector }) => statuses[`${station.id}-${connector.evseId}`] === 'Charging' && connector.transactionId !== null)
      .map((x) => ({ ...x, tx: open.find((t) => t.id === x.connector.transactionId) }))
      .filter((x) => x.tx)
      .sort((a, b) => (a.connector.soc ?? 100) - (b.connector.soc ?? 100));
    const target = candidates[0];
    expect(target, 'a charging connector with an open transaction').toBeDefined();
    if (!target) return;
    const key = `${target.station.id}-${target.connector.evseId}`;
    const transactionId = target.connector.transactionId as number;

    await page.click(`[data-testid="stop-button-${key}"]`);
    await page.waitForSelector('[data-testid="confirm-dialog"][open]');
    await page.click('[data-testid="confirm-ok"]');

    const stopped = await until(
      `transaction ${transactionId} to be stopped`,
      async () => {
        const items = (await server.rest<ResultPage<Transaction>>(`/transactions?stationId=${encodeURIComponent(target.station.id)}&limit=100`)).items;
        const tx = items.find((t) => t.id === transactionId);
        return tx?.stoppedAt ? tx : null;
      },
      30_000,
    );
    expect(stopped.stopReason).toBe('Remote');
    // The UI shows the connector out of charge (it may start again later with a new vehicle).
    await until(
      'the connector no longer Charging with that transaction',
      async () => {
        const status = await page.getAttribute(`[data-testid="connector-status-${key}"]`, 'data-status');
        const station = (await server.rest<StationState[]>('/stations')).find((s) => s.id === target.station.id);
        const c = station?.connectors.find((x) => x.evseId === target.connector.evseId);
        return status !== 'Charging' || (c?.transactionId !== transactionId && c?.transactionId !== null);
      },
      30_000,
      100,
    );
    await page.waitForSelector('[data-testid="toast"]');
    expect(await page.innerText('[data-testid="toast"]')).toContain('Accepted');
  });

  test('station page: identity, live connectors, a command and its history', async () => {
    // The busiest OCPP 1.6 station: live values on screen, and GetConfiguration is its native call.
    const stations = await server.rest<StationState[]>('/stations');
    const power = (s: StationState) => s.connectors.reduce((sum, c) => sum + (c.powerW ?? 0), 0);
    const station = stations.filter((s) => s.protocol === 'ocpp1.6').sort((a, b) => power(b) - power(a))[0];
    if (!station) throw new Error('no OCPP 1.6 station in the demo');
    await page.goto(`${server.url}/#/stations`);
    await page.waitForSelector(`[data-testid="station-row-${station.id}"]`);
    await page.click(`[data-testid="station-link-${station.id}"]`);
    await page.waitForSelector(`[data-testid="view-station"][data-station-id="${station.id}"]`);
    expect(await page.innerText('[data-testid="identity-vendor"]')).toBe(station.vendor);
    expect(await page.innerText('[data-testid="identity-serial"]')).toBe(station.serialNumber);
    expect(await page.innerText('[data-testid="identity-protocol"]')).toBe('OCPP 1.6');
    await page.waitForSelector(`[data-testid="connector-card-${station.id}-1"]`);

    await page.click('[data-testid="command-submit-getConfiguration"]');
    const result = page.locator('[data-testid="command-result-getConfiguration"]');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('data-outcome')).toBe('accepted');
    await page.waitForSelector('[data-testid="configuration-table"] tbody tr:not(.empty-row)');
    expect(await page.locator('[data-testid="configuration-table"] tbody tr').count()).toBeGreaterThan(3);

    // The history row arrives through the live `command` event.
    await until('a GetConfiguration row in the history', async () => /GetConfiguration|GetVariables|getConfiguration/i.test(await page.innerText('[data-testid="history-table"]')), 15_000);

    await page.click('[data-testid="command-submit-triggerMessage"]');
    await page.locator('[data-testid="command-result-triggerMessage"]').waitFor({ timeout: 30_000 });
    await page.evaluate(() => document.getElementById('main')?.scrollTo(0, 0));
    await screenshot(page, 'station.png', true);
  });

  test('transactions: server paging, totals, CSV export of the filter', async () => {
    await page.click('[data-testid="nav-transactions"]');
    await page.waitForSelector('[data-testid="view-transactions"]');
    await page.waitForSelector('[data-testid^="transaction-row-"]');
    const rest = await server.rest<ResultPage<Transaction>>('/transactions?limit=1');
    const shown = Number((await page.innerText('[data-testid="tx-total"]')).replace(/\D/g, ''));
    expect(shown).toBeGreaterThanOrEqual(rest.total - 2);

    // Server-side filter: in-progress only.
    await page.check('[data-testid="tx-filter-open"]');
    await until('only open rows', async () => {
      const stopped = await page.locator('[data-testid^="transaction-row-"]:not(.row-open)').count();
      return stopped === 0 && (await page.locator('[data-testid^="transaction-row-"]').count()) > 0;
    });
    await page.uncheck('[data-testid="tx-filter-open"]');

    // Server sort by energy, largest first.
    await page.click('[data-testid="sort-energy"]');
    await until('energy sort', async () => (await page.getAttribute('th:has([data-testid="sort-energy"])', 'aria-sort')) === 'descending');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="tx-export"]')]);
    const file = await download.path();
    const csv = readFileSync(file, 'utf8');
    const lines = csv.trim().split(/\r\n/);
    expect(lines[0]).toContain('Station');
    expect(lines.length - 1).toBeGreaterThanOrEqual(rest.total - 2);

    await page.click('[data-testid="sort-started"]');
    await sleep(500);
    await screenshot(page, 'transactions.png');
  });

  test('badges: a badge added in the UI is stored and listed', async () => {
    await page.click('[data-testid="nav-badges"]');
    await page.waitForSelector('[data-testid^="badge-row-"]');
    await page.click('[data-testid="badge-new"]');
    await page.fill('[data-testid="badge-idTag"]', 'E2E-NEW-01');
    await page.selectOption('[data-testid="badge-status"]', 'Blocked');
    await page.fill('[data-testid="badge-label"]', 'Added by the end-to-end test');
    await page.click('[data-testid="badge-save"]');
    await page.waitForSelector('[data-testid="badge-row-E2E-NEW-01"]');
    const badges = await server.rest<{ idTag: string; status: string; label: string | null }[]>('/badges');
    expect(badges.find((b) => b.idTag === 'E2E-NEW-01')).toMatchObject({ status: 'Blocked', label: 'Added by the end-to-end test' });
  });

  test('language switch translates the workstation', async () => {
    await page.click('[data-testid="language-fr"]');
    await until('French navigation', async () => (await page.innerText('[data-testid="nav-stations"]')).includes('Bornes'));
    await page.click('[data-testid="nav-energy"]');
    await until('French energy screen', async () => (await page.innerText('[data-testid="view-energy"]')).includes('Choisissez une borne et une grandeur'));
    await page.click('[data-testid="language-en"]');
    await until('English navigation', async () => (await page.innerText('[data-testid="nav-stations"]')).includes('Stations'));
  });

  test('the header warns while the archive is not storing (its file locked by another program), and clears when it stores again', async () => {
    await page.goto(`${server.url}/#/stations`);
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    expect(await page.locator('[data-testid="archive-warning"]').count()).toBe(0);
    // Another program takes the archive's write lock: the demo stations' next messages are refused.
    const other = new Database(join(server.dataDir, 'archive.sqlite'));
    try {
      other.exec('BEGIN IMMEDIATE');
      await page.waitForSelector('[data-testid="archive-warning"]', { timeout: 60_000 });
      expect(await page.getAttribute('[data-testid="archive-warning"]', 'title')).toContain('locked by another program');
      expect((await server.rest<{ status: string }>('/health')).status).toBe('degraded');
      await screenshot(page, 'archive-warning.png');
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    await page.waitForSelector('[data-testid="archive-warning"]', { state: 'detached', timeout: 60_000 });
    expect((await server.rest<{ status: string }>('/health')).status).toBe('ok');
  });

  test('no script error in the page', () => {
    // Resource 404s would also show here; a clean console is part of the product.
    expect(pageErrors).toEqual([]);
  });
});
