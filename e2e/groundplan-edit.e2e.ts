// Ground-plan edit mode against the real supervisor (sign-in required) running the demo project
// with one station left without a place: an engineer drags a symbol (snapped to the grid), nudges
// it with the keyboard, drops the unplaced station on the plan and saves; after a reload every
// symbol is where it was saved, and the project history has the new version. Keyboard and frame
// selection, align, take off the plan, then cancel: nothing changes. A viewer and an operator do not get the edit toggle.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GroundPlanInfo } from '../src-shared/api/index.ts';
import type { ProjectVersionInfo } from '../src-shared/project/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { ROOT, startServer, type RunningServer } from './server.ts';
import { screenshot, signIn, signOut, until } from './support.ts';

const ADMIN_PASSWORD = 'admin-plan-Pa55word';
const ACCOUNTS = [
  { username: 'eng1', role: 'engineer', password: 'engineer-plan-Pa55word' },
  { username: 'op1', role: 'operator', password: 'operator-plan-Pa55word' },
  { username: 'view1', role: 'viewer', password: 'viewer-plan-Pa55word' },
] as const;
/** Plan units of the demo park's plan (12 stations, 16:9): see planSize in src-renderer/lib/plan.ts. */
const PLAN = { width: 1600, height: 900 };

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let projectFile: string;



/** Centre of a symbol in plan units, read from its transform (translate of its top-left corner). */
async function centreOf(stationId: string): Promise<{ x: number; y: number }> {
  const symbol = page.locator(`[data-testid="plan-station-${stationId}"]`);
  const transform = (await symbol.getAttribute('transform')) ?? '';
  const match = /translate\(([-\d.e]+) ([-\d.e]+)\)/.exec(transform);
  if (!match) throw new Error(`no transform on ${stationId}: ${transform}`);
  // The card's own size: symbols differ in shape (the demo's AC wallboxes are compact tiles).
  const height = Number(await symbol.locator('.plan-card').getAttribute('height'));
  const width = Number(await symbol.locator('.plan-card').getAttribute('width'));
  return { x: Number(match[1]) + width / 2, y: Number(match[2]) + height / 2 };
}

async function screenCentreOf(stationId: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(`[data-testid="plan-station-${stationId}"] .plan-card`).boundingBox();
  if (!box) throw new Error(`no symbol for ${stationId}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

const restPlan = async () => (await server.rest<GroundPlanInfo[]>('/ground-plans'))[0] as GroundPlanInfo;
const onGrid = (percent: number, size: number) => Math.abs(((percent / 100) * size) / 40 - Math.round(((percent / 100) * size) / 40)) < 0.01;

beforeAll(async () => {
  // The demo project with DEMO-DC-04 left without a place on the plan.
  const demo = JSON.parse(readFileSync(join(ROOT, 'assets/demo/project.json'), 'utf8')) as {
    sites: Array<{ parks: Array<{ stations: Array<{ id: string; position?: unknown }> }> }>;
  };
  const unplaced = demo.sites[0]?.parks[0]?.stations.find((station) => station.id === 'DEMO-DC-04');
  if (!unplaced?.position) throw new Error('the demo project no longer places DEMO-DC-04 in its first park');
  delete unplaced.position;
  projectFile = join(mkdtempSync(join(tmpdir(), 'evs-plan-')), 'project.json');
  writeFileSync(projectFile, JSON.stringify(demo));
  server = await startServer({ extraArgs: ['--require-login', '--admin-password', ADMIN_PASSWORD, '--project', projectFile, '--demo'] });
  for (const account of ACCOUNTS) await server.rest(`/accounts/${account.username}`, { method: 'PUT', body: { role: account.role, password: account.password } });
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (projectFile) rmSync(join(projectFile, '..'), { recursive: true, force: true });
});

describe('ground plan edit mode', () => {
  test('a viewer and an operator see the park plan but no edit toggle', async () => {
    for (const account of ACCOUNTS.filter((a) => a.role !== 'engineer')) {
      await page.goto(`${server.url}/#/groundPlan`);
      await signIn(page, account.username, account.password);
      await page.waitForSelector('[data-testid="plan-park"]');
      await until('12 symbols', async () => (await page.locator('[data-testid^="plan-station-"]').count()) === 12);
      // The unplaced station is drawn in the strip below the plan.
      await page.waitForSelector('[data-testid="plan-overflow-label"]');
      expect((await centreOf('DEMO-DC-04')).y).toBeGreaterThan(PLAN.height);
      expect(await page.locator('[data-testid="plan-edit-toggle"]').count()).toBe(0);
      await signOut(page);
    }
  });

  test('an engineer selects (keyboard, frame), aligns and takes stations off the plan, then cancels: nothing changes', async () => {
    await page.goto(`${server.url}/#/groundPlan`);
    await signIn(page, 'eng1', 'engineer-plan-Pa55word');
    await page.click('[data-testid="plan-edit-toggle"]');
    await page.waitForSelector('[data-testid="plan-edit-toolbar"]');
    await page.click('[data-testid="plan-fit"]');
    const before = await centreOf('DEMO-AC-03');
    // Keyboard: Enter on the focused symbol selects it; shift-click adds another.
    await page.focus('[data-testid="plan-station-DEMO-AC-03"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="plan-station-DEMO-AC-03"].selected');
    await page.click('[data-testid="plan-station-DEMO-AC-06"] .plan-card', { modifiers: ['Shift'] });
    expect(await page.locator('.plan-station.selected').count()).toBe(2);
    await page.click('[data-testid="plan-align-left"]');
    await until('aligned left', async () => (await centreOf('DEMO-AC-03')).x === (await centreOf('DEMO-AC-06')).x);

    // A frame drawn on the background selects the stations whose centre it covers (AC-02, AC-03 now on it, AC-06).
    await page.keyboard.press('Escape');
    expect(await page.locator('.plan-station.selected').count()).toBe(0);
    const from = await page.locator('[data-testid="plan-station-DEMO-AC-02"] .plan-card').boundingBox();
    const to = await page.locator('[data-testid="plan-station-DEMO-AC-06"] .plan-card').boundingBox();
    if (!from || !to) throw new Error('no symbols');
    await page.mouse.move(from.x - 12, from.y - 12);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width + 12, to.y + to.height + 12, { steps: 6 });
    await page.waitForSelector('[data-testid="plan-band"]');
    await page.mouse.up();
    await until('three selected by the frame', async () => (await page.locator('.plan-station.selected').count()) === 3);
    expect(await page.locator('[data-testid="plan-band"]').count()).toBe(0);

    // Delete takes the selection off the plan: back in the unplaced list.
    await page.keyboard.press('Delete');
    await page.waitForSelector('[data-testid="plan-unplaced-item-DEMO-AC-02"]');
    expect(await page.locator('[data-testid="plan-station-DEMO-AC-06"]').count()).toBe(0);
    await page.click('[data-testid="plan-edit-cancel"]');
    await page.click('[data-testid="confirm-ok"]');
    await page.waitForSelector('[data-testid="view-groundPlan"][data-editing="false"]');
    expect(await centreOf('DEMO-AC-03')).toEqual(before);
    expect((await centreOf('DEMO-AC-06')).y).toBeLessThan(PLAN.height);
    expect(await server.rest<ProjectVersionInfo[]>('/project/versions')).toHaveLength(1);
  });

  test('an engineer drags a symbol onto the grid, nudges it, drops the unplaced station and saves; the plan survives a reload', async () => {
    await page.goto(`${server.url}/#/groundPlan`);
    await page.waitForSelector('[data-testid="plan-edit-toggle"]');
    await page.click('[data-testid="plan-edit-toggle"]');
    await page.waitForSelector('[data-testid="plan-unplaced-item-DEMO-DC-04"]');
    await page.click('[data-testid="plan-fit"]');
    expect(await page.isChecked('[data-testid="plan-snap"]')).toBe(true);

    // Drag DEMO-AC-01 to the free end of its row (past DEMO-AC-04): it lands on a grid node.
    const start = await screenCentreOf('DEMO-AC-01');
    const ac04 = await screenCentreOf('DEMO-AC-04');
    const ac03 = await screenCentreOf('DEMO-AC-03');
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(ac04.x + (ac04.x - ac03.x) * 0.6, start.y + 7, { steps: 8 });
    await page.mouse.up();
    const dragged = await centreOf('DEMO-AC-01');
    expect(dragged.x).toBeGreaterThan(0.08 * PLAN.width + 40);
    expect(dragged.x % 40).toBeCloseTo(0, 6);
    expect(dragged.y % 40).toBeCloseTo(0, 6);

    // The arrow key nudges the selection by one grid step.
    await page.keyboard.press('ArrowDown');
    await until('nudged down', async () => (await centreOf('DEMO-AC-01')).y === dragged.y + 40);

    // The unplaced station dropped on the plan, at the end of the DC row.
    const viewport = await page.locator('[data-testid="plan-viewport"]').boundingBox();
    if (!viewport) throw new Error('no viewport');
    const dc02 = await screenCentreOf('DEMO-DC-02');
    const dc03 = await screenCentreOf('DEMO-DC-03');
    const target = { x: dc03.x + (dc03.x - dc02.x) - viewport.x, y: dc03.y - viewport.y };
    await page.dragAndDrop('[data-testid="plan-unplaced-item-DEMO-DC-04"]', '[data-testid="plan-viewport"]', { targetPosition: target });
    await page.waitForSelector('[data-testid="plan-unplaced-item-DEMO-DC-04"]', { state: 'detached' });
    const dropped = await centreOf('DEMO-DC-04');
    expect(dropped.y).toBeLessThanOrEqual(PLAN.height);
    // Shift-click adds to the selection (the dropped station is selected).
    await page.click('[data-testid="plan-station-DEMO-AC-01"] .plan-card', { modifiers: ['Shift'] });
    expect(await page.locator('.plan-station.selected').count()).toBe(2);
    await screenshot(page, 'groundplan-edit.png');

    // A background image chosen in edit mode is drawn at once and saved with the plan.
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 90"><rect width="160" height="90" fill="#142030"/><path d="M0 45H160" stroke="#2c4258"/></svg>';
    await page.setInputFiles('[data-testid="plan-background-file"]', { name: 'plan.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) });
    await until('the new background drawn', async () => ((await page.getAttribute('[data-testid="plan-background-image"]', 'href')) ?? '').startsWith('data:image/svg+xml'));
    expect(await page.innerText('[data-testid="plan-edit-status"]')).toContain('new background');

    const expected = { 'DEMO-AC-01': await centreOf('DEMO-AC-01'), 'DEMO-DC-04': await centreOf('DEMO-DC-04') };
    await page.click('[data-testid="plan-edit-save"]');
    await page.waitForSelector('[data-testid="confirm-dialog"][open]');
    expect(await page.innerText('[data-testid="confirm-dialog"]')).toContain('Stations placed or moved: 2');
    expect(await page.innerText('[data-testid="confirm-dialog"]')).toContain('background image changes');
    await page.click('[data-testid="confirm-ok"]');
    await page.waitForSelector('[data-testid="view-groundPlan"][data-editing="false"]');

    // Saved as a new project version by the engineer; the REST plan has the new places.
    const versions = await server.rest<ProjectVersionInfo[]>('/project/versions');
    expect(versions.at(-1)).toMatchObject({ id: 2, author: 'eng1', message: 'ground plan demo-site edited' });
    const plan = await restPlan();
    expect(plan.unplaced).toEqual([]);
    expect(plan.customBackground).toBe(true);
    const background = await fetch(`${server.url}/api/v1/ground-plans/demo-site/background`, { headers: { Authorization: `Bearer ${server.apiKey}` } });
    expect(await background.text()).toBe(svg);
    for (const [id, at] of Object.entries(expected)) {
      const p = plan.placements.find((x) => x.stationId === id);
      expect(p?.x).toBeCloseTo((at.x / PLAN.width) * 100, 1);
      expect(p?.y).toBeCloseTo((at.y / PLAN.height) * 100, 1);
    }
    const ac01 = plan.placements.find((x) => x.stationId === 'DEMO-AC-01');
    expect(ac01 && onGrid(ac01.x, PLAN.width) && onGrid(ac01.y, PLAN.height)).toBe(true);

    // Reload: the symbols are where they were saved.
    await page.reload();
    await page.waitForSelector('[data-testid="plan-park"]');
    await page.waitForSelector('[data-testid="plan-station-DEMO-AC-01"]');
    await until('the saved plan drawn', async () => (await page.locator('[data-testid="plan-overflow-label"]').count()) === 0);
    for (const [id, at] of Object.entries(expected)) {
      const now = await centreOf(id);
      expect(now.x).toBeCloseTo(at.x, 0);
      expect(now.y).toBeCloseTo(at.y, 0);
    }
  });

  test('the ground plan in French', async () => {
    await server.rest('/ground-plans/demo-site/background', { method: 'DELETE' });
    await page.reload();
    await page.click('[data-testid="language-fr"]');
    await page.waitForSelector('[data-testid="plan-edit-toggle"]');
    expect(await page.innerText('[data-testid="plan-edit-toggle"]')).toBe('Modifier le plan');
    await page.click('[data-testid="plan-fit"]');
    await screenshot(page, 'groundplan-fr.png');
    // Edit mode in French: every control labelled, the toolbar within the screen.
    await page.click('[data-testid="plan-edit-toggle"]');
    expect(await page.innerText('[data-testid="plan-edit-save"]')).toBe('Enregistrer');
    const save = await page.locator('[data-testid="plan-edit-save"]').boundingBox();
    expect(save && save.x + save.width).toBeLessThanOrEqual(1600);
    await screenshot(page, 'groundplan-edit-fr.png');
    await page.click('[data-testid="plan-edit-cancel"]');
    await page.waitForSelector('[data-testid="view-groundPlan"][data-editing="false"]');
    await page.click('[data-testid="language-en"]');
  });

  test('no script error in the page', () => {
    expect(pageErrors.join('\n')).toBe('');
  });
});
