// The project screen end to end, against a real server started with --require-login and no demo
// stations: an engineer creates a 50-station project through the wizard in at most 25 UI actions,
// it runs at once, 50 simulated stations of that project connect over real OCPP and the self-test
// run from the UI passes on all of them; then a 200-row .xlsx with 3 bad rows is imported through
// the UI: the error report names exactly those rows and the 197 good ones become a new version.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ProjectFileV2, ProjectVersionInfo } from '../src-shared/project/index.ts';
import { derivePassword } from '../src-main/project/index.ts';
import { SimulatedStation } from '../src-main/simulator/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot } from './support.ts';

const ADMIN_PASSWORD = 'admin-e2e-Pa55word';
const ENGINEER_PASSWORD = 'engineer-e2e-Pa55word';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
const stations: SimulatedStation[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'evs-wizard-e2e-'));

/** The UI actions a person would make (clicks, fills, key presses), counted. */
function counted(p: Page) {
  let actions = 0;
  return {
    get actions() {
      return actions;
    },
    async click(selector: string) {
      actions++;
      await p.click(selector);
    },
    async fill(selector: string, value: string) {
      actions++;
      await p.fill(selector, value);
    },
    async press(selector: string, key: string) {
      actions++;
      await p.press(selector, key);
    },
  };
}

const tid = (id: string) => `[data-testid="${id}"]`;

beforeAll(async () => {
  server = await startServer({ demo: false, extraArgs: ['--require-login', '--admin-password', ADMIN_PASSWORD] });
  // The administrator (API key) creates the engineer who commissions the site.
  await server.rest('/accounts/eng', { method: 'PUT', body: { role: 'engineer', password: ENGINEER_PASSWORD } });
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await Promise.all(stations.map((s) => s.stop()));
  await browser?.close();
  await server?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('project screen', () => {
  test('an engineer creates a 50-station project with the wizard in at most 25 actions; 50 stations connect and all pass the self-test', async () => {
    await page.goto(`${server.url}/#/stations`);
    await page.waitForSelector(tid('login-form'));
    await page.fill(tid('login-username'), 'eng');
    await page.fill(tid('login-password'), ENGINEER_PASSWORD);
    await page.click(tid('login-submit'));
    await page.waitForSelector(`[data-testid="user-badge"][data-role="engineer"]`);

    const ui = counted(page);
    await ui.click(tid('nav-project'));
    await ui.click(tid('project-tab-wizard'));
    await ui.fill(tid('wizard-name'), 'Depot 50');
    await ui.click(tid('wizard-next')); // → sites and parks (defaults: one site, one park)
    await page.waitForSelector(tid('wizard-body-sites'));
    await ui.click(tid('wizard-next')); // → groups (default: main board 250 kW)
    await ui.click(tid('wizard-next')); // → stations
    await page.waitForSelector(tid('wizard-body-stations'));
    // A problem shows next to its field and keeps the wizard on the step.
    await ui.fill(tid('wizard-sites.0.parks.0.batches.0.count'), '0');
    await ui.click(tid('wizard-next'));
    await page.waitForSelector(tid('error-sites.0.parks.0.batches.0.count'));
    expect(await page.textContent(tid('error-sites.0.parks.0.batches.0.count'))).toMatch(/whole number from 1/);
    await screenshot(page, 'wizard-error.png');
    await ui.fill(tid('wizard-sites.0.parks.0.batches.0.count'), '50');
    expect(await page.textContent(tid('wizard-sites.0.parks.0.batches.0.ids'))).toContain('P1-CP01 … P1-CP50');
    await ui.click(tid('wizard-next')); // → protocol and security
    await page.waitForSelector(tid('wizard-body-security'));
    const seed = await page.inputValue(tid('wizard-seed'));
    expect(seed.length).toBeGreaterThanOrEqual(16);
    await ui.click(tid('wizard-next')); // → archive (SQLite)
    await ui.click(tid('wizard-next')); // → operators
    await ui.click(tid('wizard-next')); // → ground-plan layout
    await page.waitForSelector(tid('wizard-sketch'));
    await ui.click(tid('wizard-next')); // → preview
    await page.waitForSelector(tid('wizard-preview'));
    expect(await page.textContent(tid('wizard-preview-stations'))).toBe('50');
    expect(await page.locator(`${tid('wizard-preview-table')} tbody tr`).count()).toBe(50);
    await screenshot(page, 'wizard.png');

    const t0 = Date.now();
    await ui.click(tid('wizard-generate'));
    await page.waitForSelector(tid('wizard-done'), { timeout: 60_000 });
    const wallMs = Date.now() - t0;
    const serverMs = Number(await page.getAttribute(tid('wizard-done-text'), 'data-ms'));
    console.log(`wizard: ${ui.actions} UI actions; generation (generate + save + live apply) took ${wallMs} ms wall time, ${serverMs} ms for the call`);
    expect(ui.actions).toBeLessThanOrEqual(25);

    // The new version runs at once: 50 declared stations, the old demo ones gone.
    const current = await server.rest<{ version: ProjectVersionInfo; project: ProjectFileV2; running: number }>('/project');
    expect(current.version.stations).toBe(50);
    expect(current.running).toBe(current.version.id);
    expect(current.project.name).toBe('Depot 50');
    // The sites' time zone defaults to the workstation's (the test browser runs on Paris time).
    expect(current.project.settings?.timeZone).toBe('Europe/Paris');
    const park = current.project.sites[0]?.parks[0];
    const template = current.project.templates.find((t) => t.id === 'ac-22kw-wallbox');
    expect(park?.stations).toHaveLength(50);
    expect(template).toBeDefined();

    // The engineer downloads the stations' credentials (derived from the seed in the browser).
    const [credentialsFile] = await Promise.all([page.waitForEvent('download'), page.click(tid('wizard-credentials'))]);
    expect(credentialsFile.suggestedFilename()).toMatch(/^station-credentials-\d{8}-\d{4}\.txt$/);
    const credentials = new Map(
      readFileSync((await credentialsFile.path()) ?? '', 'utf8')
        .trim()
        .split(/\r\n/)
        .slice(1)
        .map((line) => line.split('\t'))
        .map(([id, , password]) => [id ?? '', password ?? ''] as const),
    );
    expect(credentials.size).toBe(50);
    // The same passwords the generator stored (derived from the seed shown in the wizard).
    expect(credentials.get('P1-CP07')).toBe(derivePassword(seed, 'P1-CP07'));

    // 50 simulated stations of that project connect over real OCPP with those passwords.
    const ocpp = `ws://127.0.0.1:${server.port}/ocpp`;
    for (const s of park?.stations ?? []) {
      stations.push(
        new SimulatedStation({
          url: ocpp,
          id: s.id,
          protocol: s.protocol ?? template?.protocol ?? 'ocpp2.0.1',
          password: credentials.get(s.id),
          connectors: template?.connectors.length ?? 1,
          kind: 'AC',
          maxPowerW: template?.maxPowerW ?? 22_000,
          meterIntervalS: 0,
        }),
      );
    }
    await Promise.all(stations.map((s) => s.start()));
    expect(stations.every((s) => s.registration === 'Accepted')).toBe(true);

    // The self-test from the UI: progress while it runs, then 50 passes.
    await page.click(tid('wizard-to-selftest'));
    await page.waitForSelector(tid('selftest-panel'));
    await expect.poll(() => page.textContent(tid('selftest-scope-all')), { timeout: 15_000 }).toContain('(50)');
    await page.click(tid('selftest-run'));
    await page.waitForSelector(tid('selftest-progress'));
    await page.waitForSelector(tid('selftest-passed'), { timeout: 150_000 });
    expect(await page.textContent(tid('selftest-passed'))).toBe('50');
    expect(await page.textContent(tid('selftest-failed'))).toBe('0');
    expect(await page.getAttribute(tid('selftest-progress'), 'data-done')).toBe('50');
    expect(await page.locator(`${tid('selftest-table')} tbody tr[data-ok="true"]`).count()).toBe(50);
    await screenshot(page, 'selftest.png');

    // The printable report.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(tid('selftest-report'))]);
    expect(download.suggestedFilename()).toMatch(/^self-test-\d{14}\.html$/);
    const html = readFileSync((await download.path()) ?? '', 'utf8');
    expect(html).toContain('50 passed, 0 failed');
  });

  test('imports 200 stations from an .xlsx with 3 bad rows: the report names exactly those rows and the 197 good ones become a new version, applied live', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('stations');
    sheet.addRow(['id', 'template', 'group', 'x', 'y']);
    for (let i = 1; i <= 200; i++) {
      const id = `IMP-${String(i).padStart(3, '0')}`;
      const x = 2 + (i % 20) * 4.5;
      const y = 2 + Math.floor(i / 20) * 9;
      if (i === 50) sheet.addRow([id, 'no-such-template', 'P1-main', x, y]); // sheet row 51
      else if (i === 100) sheet.addRow(['IMP-099', 'ac-22kw-wallbox', 'P1-main', x, y]); // sheet row 101: duplicate id
      else if (i === 150) sheet.addRow([id, 'ac-22kw-wallbox', 'P1-main', 150, y]); // sheet row 151: x off the plan
      else sheet.addRow([id, 'ac-22kw-wallbox', 'P1-main', x, y]);
    }
    const file = join(scratch, 'stations-200.xlsx');
    await workbook.xlsx.writeFile(file);
    const before = await server.rest<ProjectVersionInfo[]>('/project/versions');

    await page.click(tid('project-tab-import'));
    await page.setInputFiles(tid('import-file'), file);
    await page.waitForSelector(tid('import-refused'));
    expect(await page.textContent(tid('import-rows'))).toBe('200');
    expect(await page.textContent(tid('import-bad-rows'))).toBe('3');
    const badRows = await page.locator(`${tid('import-errors')} tbody tr`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row')));
    expect([...new Set(badRows)].sort()).toEqual(['101', '151', '51']);
    const report = await page.innerText(tid('import-errors'));
    expect(report).toContain('no-such-template');
    expect(report).toContain('IMP-099');
    // Nothing changed yet.
    expect(await server.rest<ProjectVersionInfo[]>('/project/versions')).toHaveLength(before.length);

    await page.click(tid('import-run-good'));
    await page.waitForSelector(tid('import-result'));
    const made = Number(await page.getAttribute(tid('import-result'), 'data-version'));
    expect(made).toBe(before.length + 1);
    const versions = await server.rest<ProjectVersionInfo[]>('/project/versions');
    expect(versions.at(-1)).toMatchObject({ id: made, stations: 50 + 197, author: 'eng' });
    expect(await page.locator(`${tid('import-skipped')} tbody tr`).count()).toBeGreaterThanOrEqual(3);
    // The audit log keeps who imported and the file's size, not the file.
    const audit = await server.rest<{ items: Array<{ actor: string; ok: boolean; detail: Record<string, unknown> }> }>('/audit?action=importStations');
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ actor: 'eng', ok: true, detail: { format: 'xlsx', skipBadRows: true } });
    expect(audit.items[0]?.detail.content).toBeUndefined();
    expect(audit.items[0]?.detail.contentChars).toBeGreaterThan(1000);

    // Apply it live from the screen: the preview lists 197 stations added.
    await page.waitForSelector(`${tid('apply-plan-count-stations')}[data-added="197"]`);
    await page.click(tid('apply-button'));
    await page.click(tid('confirm-ok'));
    await page.waitForSelector(`[data-testid="project-running"][data-status="running"]`);
    const current = await server.rest<{ running: number }>('/project');
    expect(current.running).toBe(made);

    // Versions: compare the wizard's version with the import.
    await page.click(tid('project-tab-versions'));
    await page.waitForSelector(tid(`version-row-${made}`));
    await page.click(tid(`version-select-${made - 1}`));
    await page.click(tid(`version-select-${made}`));
    await page.click(tid('versions-compare'));
    await page.waitForSelector(`${tid('version-diff-count-stations')}[data-added="197"]`);
    // The wizard's version against the demo it replaced: stations, groups, views and settings.
    await page.click(tid(`version-select-${made - 2}`));
    await page.click(tid(`version-select-${made - 1}`));
    await page.click(tid('versions-compare'));
    await page.waitForSelector(`${tid('version-diff-count-stations')}[data-added="50"][data-removed="12"]`);
    expect(await page.getAttribute(tid('version-diff-count-groups'), 'data-removed')).toBe('2');
    await screenshot(page, 'project-versions.png');

    // The overview, in French.
    await page.click(tid('project-tab-overview'));
    await page.waitForSelector(tid('project-stations'));
    expect(await page.textContent(tid('project-stations'))).toBe('247');
    await page.click(tid('language-fr'));
    await page.waitForSelector(`${tid('project-tab-overview')}:has-text("Vue d'ensemble")`);
    await screenshot(page, 'project-fr.png');
    await page.click(tid('language-en'));
    await screenshot(page, 'project.png');
    await page.click(tid('project-tab-versions'));
    // Restore the wizard's version (confirmed): a new version, not running until applied.
    await page.click(tid(`version-restore-${made - 1}`));
    await page.waitForSelector(tid('confirm-dialog'));
    await page.click(tid('confirm-ok'));
    await page.waitForSelector(tid(`version-row-${made + 1}`));
    await page.waitForSelector(`[data-testid="project-running"][data-status="pending"]`);
    await page.waitForSelector(`${tid('apply-plan-count-stations')}[data-removed="197"]`);
    expect((await server.rest<{ running: number }>('/project')).running).toBe(made);

    // A fresh wizard: a problem shows next to its field in the language of the screen.
    await page.click(tid('project-tab-wizard'));
    await page.click(tid('wizard-again'));
    await page.click(tid('wizard-next'));
    await page.waitForSelector(tid('error-name'));
    expect(await page.textContent(tid('error-name'))).toBe('Required.');
    await page.click(tid('language-fr'));
    await expect.poll(() => page.textContent(tid('error-name'))).toBe('Obligatoire.');
    await page.click(tid('language-en'));

    expect(pageErrors.filter((e) => !/WebSocket|Sign in first/i.test(e))).toEqual([]);
  });
});
