// Badge categories end to end, against a real supervisor (sign-in required) running the demo
// project with one category "staff" that badge BADGE-001 uses: an engineer creates "visitors" with a
// priority and a usual departure (a bad departure is refused next to its field first), sees it in the
// table, edits it (kWh in the form, Wh stored), is refused deleting "staff" (the refusal names
// BADGE-001), and the tab reads in French. REST confirms each save is a running project version.
// In the Badges view an operator badge takes "visitors" (shown, filtered, stored); that category can
// then not be deleted either (the refusal names the operator badge).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BadgeCategoryList, ProjectSettingsView } from '../src-shared/api/index.ts';
import type { Badge } from '../src-shared/domain/index.ts';
import type { ProjectFileV2 } from '../src-shared/project/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { ROOT, startServer, type RunningServer } from './server.ts';
import { screenshot, signIn, until } from './support.ts';

const ADMIN_PASSWORD = 'admin-e2e-Pa55word';
const ENGINEER_PASSWORD = 'engineer-e2e-Pa55word';
const tid = (id: string) => `[data-testid="${id}"]`;

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
const scratch = mkdtempSync(join(tmpdir(), 'evs-categories-e2e-'));

beforeAll(async () => {
  const demo = JSON.parse(readFileSync(join(ROOT, 'assets/demo/project.json'), 'utf8')) as ProjectFileV2;
  // The demo's own categories aside: this test starts from one known category.
  for (const b of demo.badges ?? []) delete b.category;
  demo.badgeCategories = [{ id: 'staff', name: 'Staff', color: '#3b9eff', charging: { priority: 2, departureTime: '17:30', energyWh: 20_000, targetSocPercent: 80, batteryWh: 60_000, vehicleMaxW: 11_000 } }];
  const first = demo.badges?.find((b) => b.idTag === 'BADGE-001');
  if (!first) throw new Error('the demo project no longer has BADGE-001');
  first.category = 'staff';
  const projectFile = join(scratch, 'project.json');
  writeFileSync(projectFile, JSON.stringify(demo));
  server = await startServer({ demo: false, extraArgs: ['--require-login', '--admin-password', ADMIN_PASSWORD, '--project', projectFile, '--no-demo'] });
  await server.rest('/accounts/eng', { method: 'PUT', body: { role: 'engineer', password: ENGINEER_PASSWORD } });
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const categories = () => server.rest<BadgeCategoryList>('/project/badge-categories');

describe('badge categories', () => {
  test('an engineer creates a category with a priority and a departure, edits it, and cannot delete one in use', async () => {
    await page.goto(`${server.url}/#/project`);
    await signIn(page, 'eng', ENGINEER_PASSWORD);
    await page.click(tid('nav-project'));
    await page.click(tid('project-tab-categories'));
    await page.waitForSelector(tid('category-row-staff'));
    expect(await page.textContent(tid('category-badges-staff'))).toBe('1');

    await page.click(tid('category-new'));
    await page.fill(tid('category-field-id'), 'visitors');
    await page.fill(tid('category-field-name'), 'Visitors');
    await page.fill(tid('category-field-color'), '#f2a93b');
    await page.fill(tid('category-field-priority'), '0.5');
    await page.fill(tid('category-field-departureTime'), '25:00');
    await page.fill(tid('category-field-energyKwh'), '12,5');
    await page.fill(tid('category-field-targetSocPercent'), '80');
    await page.click(tid('category-save'));
    // The supervisor's problems show next to their fields, in the operator's language.
    await page.waitForSelector(tid('category-error-departureTime'));
    expect(await page.textContent(tid('category-error-departureTime'))).toBe('A time of day written HH:MM, e.g. 17:30');
    expect(await page.textContent(tid('category-error-batteryKwh'))).toBe('Give the target SoC and the battery capacity together');
    expect((await categories()).categories).toHaveLength(1);

    await page.fill(tid('category-field-departureTime'), '16:45');
    await page.fill(tid('category-field-batteryKwh'), '50');
    await page.click(tid('category-save'));
    await page.waitForSelector(tid('category-row-visitors'));
    await page.waitForSelector(tid('category-editor'), { state: 'detached' });
    const row = (await page.textContent(tid('category-row-visitors'))) ?? '';
    expect(row).toContain('16:45');
    expect(row).toContain('12.5');
    expect(row).toContain('80 % of 50 kWh');
    const stored = (await categories()).categories.find((c) => c.category.id === 'visitors');
    expect(stored?.category).toEqual({ id: 'visitors', name: 'Visitors', color: '#f2a93b', charging: { priority: 0.5, departureTime: '16:45', energyWh: 12_500, targetSocPercent: 80, batteryWh: 50_000 } });
    const running = await server.rest<{ id: number }[]>('/project/versions');
    expect(running.at(-1)?.id).toBe(2);

    // The table sorts and filters like the others.
    await page.click(`${tid('categories-table')} ${tid('sort-priority')}`);
    const firstRow = await page.locator(`${tid('categories-table')} tbody tr`).first().getAttribute('data-testid');
    expect(firstRow).toBe('category-row-visitors');
    await page.fill(tid('categories-table-filter'), 'staff');
    expect(await page.textContent(tid('categories-table-count'))).toBe('1 / 2');
    await page.fill(tid('categories-table-filter'), '');

    // Edit: a later departure, a vehicle maximum in kW.
    await page.click(tid('category-edit-visitors'));
    expect(await page.inputValue(tid('category-field-energyKwh'))).toBe('12.5');
    await page.fill(tid('category-field-departureTime'), '18:00');
    await page.fill(tid('category-field-vehicleMaxKw'), '7.4');
    await page.fill(tid('category-field-preconditioningMinutes'), '20');
    await page.click(tid('category-save'));
    // Pre-conditioning needs its power too: named next to the field, nothing saved.
    await page.waitForSelector(tid('category-error-preconditioningKw'));
    expect(await page.textContent(tid('category-error-preconditioningKw'))).toBe('Required');
    await page.fill(tid('category-field-preconditioningKw'), '3');
    await page.click(tid('category-save'));
    await page.waitForSelector(tid('category-editor'), { state: 'detached' });
    await until('the edited row', async () => ((await page.textContent(tid('category-row-visitors'))) ?? '').includes('18:00'));
    const edited = (await categories()).categories.find((c) => c.category.id === 'visitors');
    expect(edited?.category.charging).toMatchObject({ departureTime: '18:00', vehicleMaxW: 7400, preconditioning: { minutes: 20, powerW: 3000 } });
    expect(await page.textContent(tid('category-row-visitors'))).toContain('20 min · 3 kW');

    // A category a badge uses is not deleted; the refusal names the badge.
    await page.click(tid('category-delete-staff'));
    await page.waitForSelector(tid('categories-error'));
    expect(await page.textContent(tid('categories-error'))).toContain('BADGE-001');
    expect((await categories()).categories.map((c) => c.category.id)).toEqual(['staff', 'visitors']);
    await screenshot(page, 'badge-categories.png', true);
    expect(pageErrors).toEqual([]);
  });

  test('an operator badge takes a category in the Badges view; that category is then kept', async () => {
    await page.click(tid('nav-badges'));
    await page.waitForSelector(tid('badge-row-BADGE-002'));
    // BADGE-001 came from the project with its category.
    expect(await page.textContent(tid('badge-category-BADGE-001'))).toBe('Staff');
    await page.click(`${tid('badge-row-BADGE-002')} td`);
    await page.waitForSelector(`${tid('badge-category')} option[value="visitors"]`, { state: 'attached' });
    await page.selectOption(tid('badge-category'), 'visitors');
    await page.click(tid('badge-save'));
    await page.waitForSelector(tid('badge-category-BADGE-002'));
    expect(await page.textContent(tid('badge-category-BADGE-002'))).toBe('Visitors');
    const stored = (await server.rest<Badge[]>('/badges')).find((b) => b.idTag === 'BADGE-002');
    expect(stored?.category).toBe('visitors');
    // The search finds badges by category; the column sorts.
    await page.fill(tid('badge-search'), 'visitors');
    expect(await page.locator(`${tid('badges-table')} tbody tr`).count()).toBe(1);
    await page.fill(tid('badge-search'), '');
    await page.click(`${tid('badges-table')} ${tid('sort-category')}`);
    await page.click(`${tid('badges-table')} ${tid('sort-category')}`);
    const top = await page.locator(`${tid('badges-table')} tbody tr`).first().getAttribute('data-testid');
    expect(top).toBe('badge-row-BADGE-002');
    await screenshot(page, 'badges-categories.png');

    await page.click(tid('nav-project'));
    await page.click(tid('project-tab-categories'));
    await page.waitForSelector(tid('category-row-visitors'));
    expect(await page.textContent(tid('category-badges-visitors'))).toBe('1');
    await page.click(tid('category-delete-visitors'));
    await until('the refusal', async () => ((await page.textContent(tid('categories-error'))) ?? '').includes('operator badge(s): BADGE-002'));
    expect((await categories()).categories.map((c) => c.category.id)).toEqual(['staff', 'visitors']);
    expect(pageErrors).toEqual([]);
  });

  test('the tab reads in French, field problems included', async () => {
    await page.click(tid('language-fr'));
    await page.waitForSelector(`${tid('project-tab-categories')}:has-text("Catégories de badges")`);
    expect(await page.textContent(tid('categories-panel'))).toContain('Énergie (kWh)');
    await page.click(tid('category-edit-visitors'));
    // Decimals as French operators write them.
    expect(await page.inputValue(tid('category-field-energyKwh'))).toBe('12,5');
    await page.fill(tid('category-field-priority'), '500');
    await page.click(tid('category-save'));
    await page.waitForSelector(tid('category-error-priority'));
    expect(await page.textContent(tid('category-error-priority'))).toBe('Supérieur à 0 et au plus 100');
    await screenshot(page, 'badge-categories-fr.png', true);
    await page.click(tid('category-cancel'));
    await page.click(tid('nav-badges'));
    await page.waitForSelector(`${tid('badges-table')} th:has-text("Catégorie")`);
    await screenshot(page, 'badges-categories-fr.png');
    await page.click(tid('language-en'));
    expect(pageErrors).toEqual([]);
  });

  test('an engineer sets the sites’ time zone, auto-accept and the heartbeat in Project → Settings: refused with the field named, then a running version', async () => {
    const settingsNow = () => server.rest<ProjectSettingsView>('/project/settings');
    const before = await settingsNow();
    await page.click(tid('nav-project'));
    await page.click(tid('project-tab-settings'));
    await page.waitForSelector(tid('project-settings-form'));
    await page.selectOption(tid('settings-time-zone'), 'Europe/Paris');
    await page.check(tid('settings-auto-accept'));
    await page.fill(tid('settings-heartbeat'), '5');
    await page.click(tid('settings-save'));
    await until('the refusal', async () => ((await page.textContent(tid('settings-error'))) ?? '').includes('heartbeatIntervalS must be at least 10'));
    expect(await settingsNow()).toEqual(before);
    await page.fill(tid('settings-heartbeat'), '90');
    await page.click(tid('settings-save'));
    // The demo's stale-transaction limit (24 h), untouched, stays.
    await until('the settings saved', async () => JSON.stringify((await settingsNow()).settings) === JSON.stringify({ autoAccept: true, heartbeatIntervalS: 90, staleTransactionHours: 24, timeZone: 'Europe/Paris' }));
    const after = await settingsNow();
    expect(after.version).toBe((before.version ?? 0) + 1);
    const versions = await server.rest<Array<{ id: number; message: string }>>('/project/versions');
    expect(versions.at(-1)?.message).toContain('Settings changed: autoAccept, heartbeatIntervalS, timeZone');
    await until('the form shows what is stored', async () => (await page.inputValue(tid('settings-heartbeat'))) === '90' && (await page.locator(tid('settings-error')).count()) === 0);
    await screenshot(page, 'project-settings.png', true);
    await page.click(tid('language-fr'));
    await page.waitForSelector(`${tid('project-tab-settings')}:has-text("Paramètres")`);
    expect(await page.textContent(tid('project-settings'))).toContain('Fuseau horaire des sites');
    await screenshot(page, 'project-settings-fr.png', true);
    await page.click(tid('language-en'));
    expect(pageErrors).toEqual([]);
  });
});
