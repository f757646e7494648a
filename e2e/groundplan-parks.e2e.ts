// Ground plans per park against the real supervisor running a generated format-2 project: a park
// of 160 stations (positions from the wizard's grid) and a park of 3 stations without positions.
// The park selector switches plans; the big park warns and its station chooser limits what is
// drawn; the park without positions falls back to the automatic layout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GroundPlanInfo } from '../src-shared/api/index.ts';
import { generateProject, loadTemplateLibrary } from '../src-main/project/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, until } from './support.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let projectDir: string;

const symbols = () => page.locator('[data-testid^="plan-station-"]').count();

beforeAll(async () => {
  const project = generateProject(
    {
      name: 'Two parks',
      sites: [
        {
          id: 'site',
          name: 'Campus',
          parks: [
            { id: 'P1', name: 'Big car park', groups: [{ id: 'P1-main', name: 'Main', maxPowerW: 2_000_000 }], stations: [{ template: 'ac-22kw-wallbox', pattern: 'BIG-CP{001..160}', group: 'P1-main' }] },
            { id: 'P2', name: 'Truck yard', groups: [{ id: 'P2-main', name: 'Trucks', maxPowerW: 1_000_000 }], stations: [{ template: 'dc-150kw', pattern: 'P2-DC{1..3}', group: 'P2-main' }] },
          ],
        },
      ],
      security: { securityProfile: 0 },
    },
    loadTemplateLibrary(),
  );
  for (const station of project.sites[0]?.parks[1]?.stations ?? []) delete station.position;
  projectDir = mkdtempSync(join(tmpdir(), 'evs-parks-'));
  writeFileSync(join(projectDir, 'project.json'), JSON.stringify(project));
  server = await startServer({ demo: false, extraArgs: ['--project', join(projectDir, 'project.json')] });
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (projectDir) rmSync(projectDir, { recursive: true, force: true });
});

describe('ground plans per park', () => {
  test('REST serves one plan per park: 160 placed stations, and 3 unplaced ones', async () => {
    const plans = await server.rest<GroundPlanInfo[]>('/ground-plans');
    expect(plans.map((p) => [p.parkId, p.placements.length, p.unplaced.length])).toEqual([
      ['P1', 160, 0],
      ['P2', 0, 3],
    ]);
  });

  test('a park with more than 150 stations warns and the chooser picks the stations drawn', async () => {
    await page.goto(`${server.url}/#/groundPlan`);
    await page.waitForSelector('[data-testid="view-groundPlan"][data-park-id="P1"]');
    await until('160 symbols', async () => (await symbols()) === 160);
    expect(await page.innerText('[data-testid="plan-many"]')).toContain('160 stations');

    await page.click('[data-testid="plan-choose"]');
    await page.waitForSelector('[data-testid="plan-chooser"]');
    await page.click('[data-testid="plan-chooser-first"]');
    await until('the first 150 drawn', async () => (await symbols()) === 150);
    expect(await page.locator('[data-testid="plan-station-BIG-CP151"]').count()).toBe(0);
    await screenshot(page, 'groundplan-chooser.png');

    await page.fill('[data-testid="plan-chooser-filter"]', 'CP15');
    await page.click('[data-testid="plan-chooser-matching"]');
    await until('the 10 matching drawn', async () => (await symbols()) === 10);
    expect(await page.innerText('[data-testid="plan-many"]')).toContain('10 of 160');
    await page.uncheck('[data-testid="plan-chooser-item-BIG-CP150"]');
    await until('one less', async () => (await symbols()) === 9);
    await page.click('[data-testid="plan-chooser-all"]');
    await until('all drawn again', async () => (await symbols()) === 160);
    await page.click('[data-testid="plan-chooser-close"]');
  });

  test('the park selector switches to a park without positions: automatic layout', async () => {
    await page.selectOption('[data-testid="plan-park"]', 'P2');
    await page.waitForSelector('[data-testid="view-groundPlan"][data-park-id="P2"]');
    await until('3 symbols', async () => (await symbols()) === 3);
    expect(await page.locator('.plan-auto-note').innerText()).toMatch(/no station positions/);
    expect(await page.locator('[data-testid="plan-many"]').count()).toBe(0);
    // A station named in the address opens its own park.
    await page.goto(`${server.url}/#/groundPlan/BIG-CP042`);
    await page.waitForSelector('[data-testid="view-groundPlan"][data-park-id="P1"]');
    await page.waitForSelector('[data-testid="plan-popover"][data-station-id="BIG-CP042"]');
  });

  test('no script error in the page', () => {
    expect(pageErrors.join('\n')).toBe('');
  });
});
