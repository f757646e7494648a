// The template library, the project bundle and "add EV charging" end to end, against a real
// supervisor (sign-in required) running the demo project in which DEMO-AC-02 overrides its power:
// an engineer duplicates a library template and changes its power (a problem shows next to the
// field), then lowers the power of the demo's AC template: the preview lists the seven stations
// without an override, the save runs at once, the table counts the template's eight stations and
// REST and the station page show the new power (DEMO-AC-02 keeps its own). The engineer downloads
// the bundle and imports it back, adds EV charging (preview, then nothing the second time), and
// the tab reads in French.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ProjectFileV2, ProjectVersionInfo } from '../src-shared/project/index.ts';
import type { StationState } from '../src-shared/domain/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { ROOT, startServer, type RunningServer } from './server.ts';
import { screenshot, until } from './support.ts';

const ADMIN_PASSWORD = 'admin-e2e-Pa55word';
const ENGINEER_PASSWORD = 'engineer-e2e-Pa55word';
const tid = (id: string) => `[data-testid="${id}"]`;

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
const scratch = mkdtempSync(join(tmpdir(), 'evs-templates-e2e-'));

beforeAll(async () => {
  const demo = JSON.parse(readFileSync(join(ROOT, 'assets/demo/project.json'), 'utf8')) as ProjectFileV2;
  const ac02 = demo.sites[0]?.parks[0]?.stations.find((s) => s.id === 'DEMO-AC-02');
  if (!ac02) throw new Error('the demo project no longer has DEMO-AC-02');
  ac02.overrides = { maxPowerW: 7_400 };
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

async function confirm(): Promise<void> {
  await page.waitForSelector(tid('confirm-dialog'));
  await page.click(tid('confirm-ok'));
}

const versions = () => server.rest<ProjectVersionInfo[]>('/project/versions');

describe('template library', () => {
  test('an engineer duplicates a library template and changes a project template; the new power runs at once where not overridden', async () => {
    await page.goto(`${server.url}/#/project`);
    await page.waitForSelector(tid('login-form'));
    await page.fill(tid('login-username'), 'eng');
    await page.fill(tid('login-password'), ENGINEER_PASSWORD);
    await page.click(tid('login-submit'));
    await page.waitForSelector('[data-testid="user-badge"][data-role="engineer"]');
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    await page.click(tid('nav-project'));
    await page.click(tid('project-tab-templates'));
    await page.waitForSelector(tid('template-row-project-evs-sim-ac22-2'));
    expect(await page.locator(`${tid('templates-table')} tbody tr[data-source="library"]`).count()).toBe(9);
    expect(await page.textContent(tid('template-instances-evs-sim-ac22-2'))).toBe('8');
    // The table filters like every table of the screen.
    await page.fill(tid('templates-table-filter'), 'wallbox');
    expect(await page.textContent(tid('templates-table-count'))).toBe('3 / 11');
    await page.fill(tid('templates-table-filter'), '');

    // A template in use cannot be deleted: the supervisor's refusal names its stations.
    await page.click(tid('template-delete-evs-sim-dc150-2'));
    await page.waitForSelector(tid('templates-error'));
    expect(await page.textContent(tid('templates-error'))).toContain('DEMO-DC-01, DEMO-DC-02, DEMO-DC-03, DEMO-DC-04');
    expect(await page.textContent(tid('template-instances-evs-sim-dc150-2'))).toBe('4');

    // Duplicate a library template; a bad power shows next to its field.
    await page.click(tid('template-duplicate-library-ac-22kw-wallbox'));
    await page.waitForSelector(tid('template-editor'));
    expect(await page.inputValue(tid('template-field-id'))).toBe('ac-22kw-wallbox-copy');
    await page.fill(tid('template-field-id'), 'depot-ac-11');
    await page.fill(tid('template-field-name'), 'Depot wallbox 11 kW');
    await page.fill(tid('template-field-maxKw'), '-11');
    await page.waitForSelector(tid('template-error-maxKw'));
    expect(await page.textContent(tid('template-error-maxKw'))).toBe('Must be more than 0.');
    await page.fill(tid('template-field-maxKw'), '11');
    await page.waitForSelector(tid('template-error-maxKw'), { state: 'detached' });
    await page.waitForSelector(`${tid('template-preview')}[data-changes="0"]`);
    await page.click(tid('template-save'));
    await confirm();
    await page.waitForSelector(tid('template-row-project-depot-ac-11'));
    expect(await page.textContent(tid('template-instances-depot-ac-11'))).toBe('0');
    const afterCopy = await server.rest<{ project: ProjectFileV2 }>('/project');
    expect(afterCopy.project.templates.find((t) => t.id === 'depot-ac-11')).toMatchObject({ maxPowerW: 11_000, connectors: [{ type: 'Type2' }] });

    // Lower the demo AC template: the preview names the 7 stations without an override.
    expect((await server.rest<StationState>('/stations/DEMO-AC-01')).maxPowerW).toBe(44_000);
    await page.click(tid('template-edit-evs-sim-ac22-2'));
    await page.waitForSelector(tid('template-editor'));
    expect(await page.isDisabled(tid('template-field-id'))).toBe(true);
    await page.fill(tid('template-field-maxKw'), '11');
    await page.waitForSelector(`${tid('template-preview')}[data-changes="7"][data-unchanged="1"]`);
    expect(await page.locator(tid('template-preview-DEMO-AC-01')).count()).toBe(1);
    expect(await page.locator(tid('template-preview-DEMO-AC-02')).count()).toBe(0);
    expect(await page.textContent(tid('template-preview-DEMO-AC-01'))).toContain('maxPowerW: 22000 → 11000');
    await screenshot(page, 'templates.png', true);
    const before = (await versions()).length;
    await page.click(tid('template-save'));
    await confirm();
    await page.waitForSelector(tid('template-editor'), { state: 'detached' });
    expect(await page.textContent(tid('template-instances-evs-sim-ac22-2'))).toBe('8');
    expect((await versions()).length).toBe(before + 1);
    const running = await server.rest<{ version: ProjectVersionInfo; running: number }>('/project');
    expect(running.running).toBe(running.version.id);

    // REST and the station page: the new power where not overridden.
    expect((await server.rest<StationState>('/stations/DEMO-AC-01')).maxPowerW).toBe(22_000);
    expect((await server.rest<StationState>('/stations/DEMO-AC-02')).maxPowerW).toBe(14_800);
    await page.goto(`${server.url}/#/stations/DEMO-AC-01`);
    await until('the station page to show 22 kW', async () => /^22([.,]0)?\s*kW$/.test(((await page.textContent(tid('identity-maxPower')).catch(() => '')) ?? '').trim()), 20_000);
    await page.goto(`${server.url}/#/stations/DEMO-AC-02`);
    await until('DEMO-AC-02 to keep 14.8 kW', async () => /^14[.,]8\s*kW$/.test(((await page.textContent(tid('identity-maxPower')).catch(() => '')) ?? '').trim()), 20_000);
  });

  test('the engineer downloads the project bundle and imports it back as a new version', async () => {
    await page.goto(`${server.url}/#/project`);
    await page.click(tid('project-tab-versions'));
    await page.waitForSelector(tid('bundle-panel'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('bundle-download'))]);
    expect(download.suggestedFilename()).toMatch(/^Demo-park-.*\.evproject\.json$/);
    const file = join(scratch, download.suggestedFilename());
    await download.saveAs(file);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { versions: ProjectVersionInfo[]; current: ProjectFileV2 };
    const count = (await versions()).length;
    expect(bundle.versions).toHaveLength(count);
    // It carries the station passwords (it moves a project between workstations).
    expect(bundle.current.sites[0]?.parks[0]?.stations.find((s) => s.id === 'DEMO-AC-01')?.password).toBe('demo-ac-01-secret');

    // A file that is not a bundle is refused with the reason; nothing changes.
    const bad = join(scratch, 'not-a-bundle.json');
    writeFileSync(bad, '{"hello": "world"}');
    await page.setInputFiles(tid('bundle-file'), bad);
    await page.waitForSelector(tid('bundle-error'));
    expect(await page.textContent(tid('bundle-error'))).toContain('/format');
    expect((await versions()).length).toBe(count);

    await page.setInputFiles(tid('bundle-file'), file);
    await page.waitForSelector(`${tid('bundle-result')}[data-mode="current"]`);
    expect(Number(await page.getAttribute(tid('bundle-result'), 'data-version'))).toBe(count + 1);
    const after = await versions();
    expect(after).toHaveLength(count + 1);
    expect(after.at(-1)?.message).toContain(download.suggestedFilename());
    // Imported, not applied yet: the apply panel offers it.
    await page.waitForSelector(tid('project-running'));
    expect(await page.getAttribute(tid('project-running'), 'data-status')).toBe('pending');
    await screenshot(page, 'project-bundle.png');
  });

  test('add EV charging: the preview lists what comes in and what is kept; a second time there is nothing to add', async () => {
    await page.click(tid('project-tab-templates'));
    await page.waitForSelector(tid('add-charging-panel'));
    // The engineer sizes the installation: four 11 kW wallboxes; an id the park already has is refused at its field.
    await page.click(tid('charger-add'));
    await page.selectOption(tid('charger-template-0'), 'ac-11kw-wallbox');
    await page.fill(tid('charger-pattern-0'), 'DEMO-AC-0{1..2}');
    await page.click(tid('add-charging-preview'));
    await page.waitForSelector(tid('charger-error-0-pattern'));
    expect(await page.textContent(tid('charger-error-0-pattern'))).toContain('"DEMO-AC-01"');
    expect(await page.getAttribute(tid('charger-pattern-0'), 'aria-invalid')).toBe('true');
    await page.fill(tid('charger-pattern-0'), 'NEW-CP{01..}');
    await page.fill(tid('charger-count-0'), '4');
    await page.click(tid('add-charging-preview'));
    await page.waitForSelector(`${tid('add-charging-report')}[data-changed="true"]`);
    expect(await page.locator(`${tid('add-charging-table')} tr[data-kind="stations"][data-outcome="added"]`).count()).toBe(4);
    expect(await page.locator(tid('charger-error-0-pattern')).count()).toBe(0);
    expect(Number(await page.textContent(tid('add-charging-added')))).toBeGreaterThanOrEqual(13);
    await page.$eval(tid('add-charging-panel'), (panel) => panel.scrollIntoView());
    await screenshot(page, 'add-charging.png');
    expect(await page.locator(`${tid('add-charging-table')} tr[data-kind="templates"][data-id="ac-22kw-wallbox"][data-outcome="added"]`).count()).toBe(1);
    const before = (await versions()).length;
    await page.click(tid('add-charging-apply'));
    await confirm();
    await page.waitForSelector(tid('add-charging-report'), { state: 'detached' });
    await until('the merged version', async () => (await versions()).length === before + 1);
    const merged = await server.rest<{ project: ProjectFileV2 }>('/project');
    const added = merged.project.sites[0]?.parks[0]?.stations.filter((st) => st.id.startsWith('NEW-CP')) ?? [];
    expect(added.map((st) => [st.id, st.template])).toEqual(['NEW-CP01', 'NEW-CP02', 'NEW-CP03', 'NEW-CP04'].map((id) => [id, 'ac-11kw-wallbox']));
    expect(await page.locator(tid('charger-row-0')).count()).toBe(0);
    await page.waitForSelector(tid('template-row-project-truck-mcs'));
    await page.click(tid('add-charging-preview'));
    await page.waitForSelector(tid('add-charging-nothing'));
    expect(await page.locator(`${tid('add-charging-table')} tr[data-outcome="added"]`).count()).toBe(0);
  });

  test('the templates tab reads in French, field problems included', async () => {
    await page.click(tid('language-fr'));
    await page.waitForSelector(`${tid('project-tab-templates')}:has-text("Modèles")`);
    expect(await page.textContent(`${tid('templates-panel')} .panel-title`)).toBe('Modèles de bornes');
    await page.click(tid('template-edit-depot-ac-11'));
    await page.waitForSelector(tid('template-editor'));
    await page.fill(tid('template-field-efficiency'), '1,5');
    await page.waitForSelector(tid('template-error-efficiency'));
    expect(await page.textContent(tid('template-error-efficiency'))).toBe('Entre 0 (exclu) et 1.');
    expect(await page.textContent(tid('template-save'))).toBe('Enregistrer et appliquer');
    await screenshot(page, 'templates-fr.png', true);
    await page.click(tid('template-cancel'));
    await page.click(tid('language-en'));
    expect(pageErrors).toEqual([]);
  });
});
