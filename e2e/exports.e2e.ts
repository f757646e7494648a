// Transactions and billing exports against a real supervisor running the demo site on an
// archive that already holds 120,000 past transactions: server-side filter and sort in the UI,
// the Excel export of the filter streamed from the server (intercepted as a real download and
// opened with exceljs: header row, and the same rows as the REST listing of that filter), and
// an export cancelled midway from its progress bar.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page as ResultPage } from '../src-shared/api/index.ts';
import type { Transaction } from '../src-shared/domain/index.ts';
import { SqliteArchive } from '../src-main/archive/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, sleep, until } from './support.ts';

const HISTORY = 120_000;
const HISTORY_STATIONS = 60;
const T0 = Date.parse('2025-01-01T00:00:00.000Z');

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

/** Past transactions of stations long gone (HIST-xx), written before the server starts. */
function seedHistory(dataDir: string): void {
  const file = join(dataDir, 'archive.sqlite');
  new SqliteArchive(file).close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare(
    `INSERT INTO transactions (station_id, ocpp_tx_id, start_key, evse_id, connector_id, id_tag, started_at, stopped_at, meter_start_wh, meter_stop_wh, energy_wh, soc_start, soc_end, stop_reason, last_update_at)
     VALUES (?, ?, ?, 1, 1, ?, ?, ?, 0, ?, ?, 20, 80, 'EVDisconnected', ?)`,
  );
  db.transaction(() => {
    for (let i = 1; i <= HISTORY; i++) {
      const started = new Date(T0 + i * 120_000).toISOString();
      const stopped = new Date(T0 + i * 120_000 + 3_000_000).toISOString();
      const energy = ((i * 7919) % 60_000) + 500;
      insert.run(`HIST-${String(i % HISTORY_STATIONS).padStart(2, '0')}`, `h${i}`, `hist-${i}`, `TAG${i % 300}`, started, stopped, energy, energy, stopped);
    }
  })();
  db.close();
}

const EXPECTED_HEADER = ['Transaction', 'Station', 'EVSE', 'Connector', 'Badge', 'Started (UTC)', 'Stopped (UTC)', 'Duration (min)', 'Energy (kWh)', 'SoC start (%)', 'SoC end (%)', 'Stop reason', 'OCPP transaction id'];

beforeAll(async () => {
  server = await startServer({ prepareDataDir: seedHistory });
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const rowIds = (p: Page) => p.locator('[data-testid^="transaction-row-"]').evaluateAll((rows) => rows.map((r) => Number((r.getAttribute('data-testid') ?? '').slice('transaction-row-'.length))));

describe('transactions and billing exports', () => {
  test('filter and sort on the server: the page shows what REST returns for the same query', async () => {
    await page.goto(`${server.url}/#/transactions`);
    await page.waitForSelector('[data-testid^="transaction-row-"]');
    await page.fill('[data-testid="tx-filter-station"]', 'HIST-07');
    const expected = await server.rest<ResultPage<Transaction>>('/transactions?stationId=HIST-07&limit=50');
    expect(expected.total).toBe(HISTORY / HISTORY_STATIONS);
    await until('the station filter applied', async () => (await page.innerText('[data-testid="tx-total"]')).replace(/\D/g, '') === String(expected.total), 20_000);
    await until('the filtered page', async () => JSON.stringify(await rowIds(page)) === JSON.stringify(expected.items.map((t) => t.id)), 20_000);

    await page.click('[data-testid="sort-energy"]');
    await until('energy sort', async () => (await page.getAttribute('th:has([data-testid="sort-energy"])', 'aria-sort')) !== null);
    const direction = (await page.getAttribute('th:has([data-testid="sort-energy"])', 'aria-sort')) === 'ascending' ? 'asc' : 'desc';
    const byEnergy = await server.rest<ResultPage<Transaction>>(`/transactions?stationId=HIST-07&sort=energyWh&direction=${direction}&limit=50`);
    await until('rows in energy order', async () => JSON.stringify(await rowIds(page)) === JSON.stringify(byEnergy.items.map((t) => t.id)), 20_000);
    await screenshot(page, 'transactions.png');
    await page.click('[data-testid="language-fr"]');
    await until('French filters', async () => (await page.textContent('.field:has([data-testid="tx-filter-station"]) .field-label')) === 'Identifiant de borne');
    await screenshot(page, 'transactions-fr.png');
    await page.click('[data-testid="language-en"]');
    await until('English filters', async () => (await page.textContent('.field:has([data-testid="tx-filter-station"]) .field-label')) === 'Station id');
  });

  test('Excel export of the filter: streamed download, header row, the same rows as the REST listing', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('[data-testid="tx-export-xlsx"]')]);
    expect(download.suggestedFilename()).toMatch(/^transactions-.*\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    const sheet = workbook.getWorksheet('Transactions');
    if (!sheet) throw new Error('no Transactions sheet');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(EXPECTED_HEADER);
    const ids: number[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) ids.push(Number(row.getCell(1).value));
    });
    const listing = await server.rest<ResultPage<Transaction>>(`/transactions?stationId=HIST-07&limit=10000`);
    expect(ids).toEqual(listing.items.map((t) => t.id));
    // Typed cells: a real date and a number, not text.
    expect(sheet.getRow(2).getCell(6).value).toBeInstanceOf(Date);
    expect(typeof sheet.getRow(2).getCell(9).value).toBe('number');
    await until('the progress bar gone', async () => (await page.locator('[data-testid="tx-export-progress"]').count()) === 0, 10_000);
  });

  test('an export of the whole archive can be cancelled midway: no file, the UI and the server stay responsive', async () => {
    await page.fill('[data-testid="tx-filter-station"]', '');
    await until('the whole archive listed', async () => Number((await page.innerText('[data-testid="tx-total"]')).replace(/\D/g, '')) >= HISTORY, 20_000);
    let downloaded = false;
    page.on('download', () => {
      downloaded = true;
    });
    await page.click('[data-testid="tx-export-xlsx"]');
    const progress = page.locator('[data-testid="tx-export-progress"]');
    await until('rows streaming in', async () => Number(await progress.getAttribute('data-rows').catch(() => '0')) > 0, 60_000, 50);
    expect(Number(await progress.getAttribute('data-total'))).toBeGreaterThanOrEqual(HISTORY);
    await progress.screenshot({ path: join(import.meta.dirname, '../docs/screenshots/transactions-export.png') });
    await page.click('[data-testid="tx-export-cancel"]');
    await until('the export ended', async () => (await progress.count()) === 0, 10_000);
    await until('the cancel toast', async () => (await page.locator('[data-testid="toast"]').allInnerTexts()).some((text) => text.includes('Export cancelled')), 10_000);
    // The server stopped writing and answers at once; nothing was saved.
    const health = await fetch(`${server.url}/api/v1/health`).then((r) => r.json() as Promise<{ status: string }>);
    expect(health.status).toBe('ok');
    await sleep(500);
    expect(downloaded).toBe(false);
    expect(await page.isEnabled('[data-testid="tx-export-xlsx"]')).toBe(true);
    expect(pageErrors.filter((e) => !e.includes('AbortError'))).toEqual([]);
  });
});
