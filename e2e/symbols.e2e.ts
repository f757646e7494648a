// Symbol library against the real supervisor (sign-in required) running the demo: an engineer
// opens Project → Symbols, changes the Charging colour and the main value of the demo's DC symbol,
// saves (a new project version, applied at once), and the ground plan draws the DC stations'
// charging connectors in the new colour with the session energy. A symbol in use cannot be
// deleted (the message names the station); the screen in French; a viewer reads but cannot edit.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AuditEntry, Page as ResultPage } from '../src-shared/api/index.ts';
import type { ProjectVersionInfo, SymbolLibraryInfo } from '../src-shared/project/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { SCREENSHOTS, screenshot, signIn, until } from './support.ts';

const ADMIN_PASSWORD = 'admin-symbols-Pa55word';
const ENGINEER = { username: 'eng1', role: 'engineer', password: 'engineer-sym-Pa55word' };
const VIEWER = { username: 'view1', role: 'viewer', password: 'viewer-sym-Pa55word' };
const PINK = '#ff00aa';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];


async function openSymbols(): Promise<void> {
  await page.goto(`${server.url}/#/project`);
  await page.waitForSelector('[data-testid="project-tab-symbols"]');
  // Through another tab, so that the library is read again (the page may already show the tab).
  await page.click('[data-testid="project-tab-overview"]');
  await page.click('[data-testid="project-tab-symbols"]');
  await page.waitForSelector('[data-testid="symbol-row-dc-charger"]');
}

beforeAll(async () => {
  server = await startServer({ extraArgs: ['--require-login', '--admin-password', ADMIN_PASSWORD] });
  for (const account of [ENGINEER, VIEWER]) await server.rest(`/accounts/${account.username}`, { method: 'PUT', body: { role: account.role, password: account.password } });
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('symbol library', () => {
  test('an engineer changes the Charging colour and the main value of the DC symbol; the ground plan shows them', async () => {
    await page.goto(`${server.url}/#/project`);
    await signIn(page, ENGINEER.username, ENGINEER.password);
    await openSymbols();
    // The built-in library, with the demo's templates as users.
    expect(await page.textContent('[data-testid="symbol-row-dc-charger"]')).toContain('evs-sim-dc150-2 (4)');
    expect(await page.getAttribute('[data-testid="symbol-origin-dc-charger"]', 'data-status')).toBe('builtin');

    await page.click('[data-testid="symbol-edit-dc-charger"]');
    await page.waitForSelector('[data-testid="symbol-form"][data-symbol-id="dc-charger"]');
    // A bad colour is named next to its field and blocks the save.
    await page.fill('[data-testid="symbol-color-text-Charging"]', 'pink');
    expect(await page.getAttribute('[data-testid="symbol-color-text-Charging"]', 'aria-invalid')).toBe('true');
    expect(await page.isDisabled('[data-testid="symbol-save"]')).toBe(true);
    await page.fill('[data-testid="symbol-color-text-Charging"]', PINK);
    expect(await page.inputValue('[data-testid="symbol-color-Charging"]')).toBe(PINK);
    await page.selectOption('[data-testid="symbol-slot-primary"]', 'energy');
    // The preview draws the draft: its Charging copy in the new colour.
    await until('preview in the new colour', async () => {
      const stroke = await page.$eval('[data-testid="symbol-preview-Charging"] .plan-connector-chip', (el) => getComputedStyle(el).stroke);
      return stroke === 'rgb(255, 0, 170)';
    });
    await screenshot(page, 'symbols.png', true);

    // A viewer already watching the ground plan elsewhere.
    const { page: watcher } = await openPage(browser);
    await watcher.goto(`${server.url}/#/groundPlan`);
    await signIn(watcher, VIEWER.username, VIEWER.password);
    await watcher.waitForSelector('[data-symbol="dc-charger"] [data-slot="primary"]');
    const watcherSlots = () => watcher.$$eval('[data-symbol="dc-charger"] [data-slot="primary"]', (nodes) => nodes.map((n) => n.getAttribute('data-value')));
    expect(new Set(await watcherSlots())).toEqual(new Set(['power']));

    await page.click('[data-testid="symbol-save"]');
    await page.click('[data-testid="confirm-ok"]');
    await until('saved as the project copy', async () => (await page.getAttribute('[data-testid="symbol-origin-dc-charger"]', 'data-status')) === 'customised');
    // The viewer's plan follows without a reload (the applied version is announced to every client).
    await until('the watching viewer redrawn with the new symbol', async () => (await watcherSlots()).every((v) => v === 'energy'), 20_000);
    await watcher.context().close();

    // REST: a new version by the engineer, running, audited.
    const library = await server.rest<SymbolLibraryInfo>('/project/symbols');
    const dc = library.symbols.find((s) => s.id === 'dc-charger');
    expect(dc?.colors.Charging).toBe(PINK);
    expect(dc?.slots.primary).toBe('energy');
    const versions = await server.rest<ProjectVersionInfo[]>('/project/versions');
    expect(versions.at(-1)).toMatchObject({ author: ENGINEER.username, message: 'symbol dc-charger edited' });
    expect((await server.rest<{ running: number | null }>('/project')).running).toBe(versions.at(-1)?.id);
    const audit = await server.rest<ResultPage<AuditEntry>>('/audit?action=putSymbol');
    expect(audit.items.map((a) => [a.actor, a.ok])).toEqual([[ENGINEER.username, true]]);

    // The ground plan: DC stations draw charging connectors pink with the session energy; AC ones keep theirs.
    await page.goto(`${server.url}/#/groundPlan`);
    await until('12 symbols', async () => (await page.locator('[data-testid^="plan-station-"]').count()) === 12);
    expect(await page.getAttribute('[data-testid="plan-station-DEMO-DC-01"]', 'data-symbol')).toBe('dc-charger');
    expect(await page.getAttribute('[data-testid="plan-station-DEMO-AC-01"]', 'data-symbol')).toBe('wallbox');
    const charging = await until(
      'a DC connector charging, drawn pink with its energy',
      async () => {
        const found = await page.$$eval('[data-symbol="dc-charger"] [data-testid^="plan-connector-"][data-status="Charging"]', (nodes) =>
          nodes.map((n) => ({
            stroke: getComputedStyle(n.querySelector('.plan-connector-chip') as Element).stroke,
            primary: n.querySelector('[data-slot="primary"]')?.textContent ?? '',
            value: n.querySelector('[data-slot="primary"]')?.getAttribute('data-value'),
          })),
        );
        return found.find((c) => /\d kWh$/.test(c.primary)) ?? null;
      },
      90_000,
      500,
    );
    expect(charging.stroke).toBe('rgb(255, 0, 170)');
    expect(charging.value).toBe('energy');
    const acCharging = await page.$$eval('[data-symbol="wallbox"] [data-testid^="plan-connector-"][data-status="Charging"] .plan-connector-chip', (nodes) => nodes.map((n) => getComputedStyle(n).stroke));
    for (const stroke of acCharging) expect(stroke).not.toBe('rgb(255, 0, 170)');
    // The AC wallboxes show the time charging (hours:minutes) at the end of a charging connector.
    const acTimes = await page.$$eval('[data-symbol="wallbox"] [data-testid^="plan-connector-"][data-status="Charging"] [data-slot="secondary"]', (nodes) =>
      nodes.map((n) => [n.getAttribute('data-value'), n.textContent ?? '']),
    );
    expect(acTimes.length).toBeGreaterThan(0);
    for (const [value, text] of acTimes) {
      expect(value).toBe('duration');
      expect(text).toMatch(/^\d+:[0-5]\d$/);
    }
    await screenshot(page, 'symbols-plan.png');
  });

  test('charging pulses where the symbol asks, never with reduced motion', async () => {
    const animation = () =>
      page.$$eval('[data-symbol="dc-charger"] [data-testid^="plan-connector-"][data-status="Charging"] .plan-connector-chip', (nodes) => nodes.map((n) => getComputedStyle(n).animationName));
    await until('a DC connector pulsing', async () => (await animation()).includes('symbol-pulse'));
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await until('no animation with reduced motion', async () => {
      const names = await animation();
      return names.length > 0 && names.every((name) => name === 'none');
    });
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  });

  test('an engineer duplicates a symbol into a large bus pantograph, saves it, then deletes it', async () => {
    await openSymbols();
    await page.click('[data-testid="symbol-duplicate-pantograph"]');
    await page.waitForSelector('[data-testid="symbol-form"][data-symbol-id="pantograph-copy"]');
    await page.fill('[data-testid="symbol-id"]', 'dc-charger');
    await page.waitForSelector('[data-testid="symbol-problem-id"]');
    expect(await page.isDisabled('[data-testid="symbol-save"]')).toBe(true);
    await page.fill('[data-testid="symbol-id"]', 'bus-bay');
    await page.fill('[data-testid="symbol-name"]', 'Bus bay');
    await page.selectOption('[data-testid="symbol-size"]', 'large');
    await page.selectOption('[data-testid="symbol-slot-secondary"]', 'badge');
    await page.waitForSelector('[data-testid="symbol-preview-live"] .symbol-pantograph');
    const still = await page.addStyleTag({ content: '*{animation:none!important} .toasts{display:none!important}' });
    await page.locator('[data-testid="symbols-editor"]').screenshot({ path: join(SCREENSHOTS, 'symbols-pantograph.png') });
    await still.evaluate((node) => (node as Element).remove());
    await page.click('[data-testid="symbol-save"]');
    await page.click('[data-testid="confirm-ok"]');
    await page.waitForSelector('[data-testid="symbol-origin-bus-bay"][data-status="project"]');
    const saved = (await server.rest<SymbolLibraryInfo>('/project/symbols')).symbols.find((x) => x.id === 'bus-bay');
    expect(saved).toMatchObject({ shape: 'pantograph', size: 'large', slots: { primary: 'power', secondary: 'badge' }, origin: 'project' });

    await page.click('[data-testid="symbol-delete-bus-bay"]');
    await page.click('[data-testid="confirm-ok"]');
    await until('deleted', async () => (await page.locator('[data-testid="symbol-row-bus-bay"]').count()) === 0);
    expect((await server.rest<ProjectVersionInfo[]>('/project/versions')).at(-1)?.message).toBe('symbol bus-bay deleted');
  });

  test('a symbol in use is not deleted: the message names the station', async () => {
    // A project symbol that one station uses (set through the REST API and a station-list import).
    const library = await server.rest<SymbolLibraryInfo>('/project/symbols');
    const { origin: _o, users: _u, ...base } = library.symbols.find((s) => s.id === 'default') ?? {};
    await server.rest('/project/symbols/bay-post', { method: 'PUT', body: { ...base, id: 'bay-post', name: 'Bay post', shape: 'pole' } });
    const response = await fetch(`${server.url}/api/v1/project/import-stations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${server.apiKey}`, 'Content-Type': 'text/csv' },
      body: 'id,template,group,x,y,symbol\nDEMO-DC-02,evs-sim-dc150-2,feeder-dc,,,bay-post\n',
    });
    expect(response.status).toBe(200);
    await openSymbols();
    await page.waitForSelector('[data-testid="symbol-row-bay-post"]');
    await page.click('[data-testid="symbol-delete-bay-post"]');
    const toast = await page.waitForSelector('[data-testid="toast"].tone-fault');
    expect(await toast.textContent()).toContain('DEMO-DC-02');
    expect((await server.rest<SymbolLibraryInfo>('/project/symbols')).symbols.some((s) => s.id === 'bay-post')).toBe(true);

    // The station is drawn with its own symbol: a round post.
    await page.goto(`${server.url}/#/groundPlan`);
    await page.waitForSelector('[data-testid="plan-station-DEMO-DC-02"][data-symbol="bay-post"][data-shape="pole"]');
    expect(await page.locator('[data-testid="plan-station-DEMO-DC-02"] circle.plan-connector-chip').count()).toBe(2);
    await page.locator('[data-testid="plan-station-DEMO-DC-02"]').screenshot({ path: join(tmpdir(), 'symbols-pole.png') });
  });

  test('the symbol screen in French', async () => {
    await page.click('[data-testid="language-fr"]');
    await openSymbols();
    expect(await page.textContent('[data-testid="project-tab-symbols"]')).toBe('Symboles');
    expect(await page.textContent('[data-testid="symbols-table"]')).toContain('Forme · taille');
    await page.click('[data-testid="symbol-edit-dc-charger"]');
    await page.waitForSelector('[data-testid="symbol-form"]');
    expect(await page.textContent('[data-testid="symbols-editor"]')).toContain('Couleur par état');
    expect(await page.textContent('[data-testid="symbol-slot-primary"] option:checked')).toBe('Énergie de la session');
    await screenshot(page, 'symbols-fr.png', true);
    await page.click('[data-testid="language-en"]');
  });

  test('a viewer reads the library but gets no editing controls', async () => {
    await page.click('[data-testid="sign-out"]');
    await signIn(page, VIEWER.username, VIEWER.password);
    await openSymbols();
    expect(await page.locator('[data-testid="symbol-new"]').count()).toBe(0);
    expect(await page.locator('[data-testid^="symbol-delete-"]').count()).toBe(0);
    await page.click('[data-testid="symbol-edit-dc-charger"]');
    expect(await page.locator('[data-testid="symbol-save"]').count()).toBe(0);
    expect(await page.isDisabled('[data-testid="symbol-color-text-Charging"]')).toBe(true);
  });

  test('no script error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
