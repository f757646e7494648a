// Overview and energy dashboard against the real supervisor with the demo site: the site tile
// counts stations by state exactly as the REST station list says, a click opens the site's
// energy dashboard, the power history fills once the demo has charged, the trend viewer plots a
// station's power and exports it as CSV, the header site selector scopes the screen, and the
// labels switch to French. Screenshots for the README.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SiteInfo } from '../src-shared/api/index.ts';
import type { StationState } from '../src-shared/domain/index.ts';
import type { ProjectFile } from '../src-shared/project/index.ts';
import { siteLive, STATION_CATEGORIES } from '../src-renderer/lib/overview.ts';
import { launchBrowser, openPage } from './browser.ts';
import { RawStation } from './ocpp-station.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, until } from './support.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The counts a site tile shows, by category. */
async function tileCounts(siteId: string): Promise<Record<string, number>> {
  return page.$$eval(`[data-testid="site-card-${siteId}"] [data-testid^="site-count-"]`, (nodes) =>
    Object.fromEntries(nodes.map((n) => [(n.getAttribute('data-testid') ?? '').slice('site-count-'.length), Number(n.getAttribute('data-count'))])),
  );
}

describe('overview and energy dashboards', () => {
  test('the site tile counts stations as REST does, and a click opens the site energy dashboard', async () => {
    const sites = await server.rest<SiteInfo[]>('/sites');
    expect(sites.map((s) => s.id)).toEqual(['demo-site']);
    const site = sites[0] as SiteInfo;
    await page.goto(`${server.url}/#/overview`);
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    await page.waitForSelector('[data-testid="site-card-demo-site"]');
    await until('12 demo stations connected', async () => (await server.rest<StationState[]>('/stations')).filter((s) => s.connected).length === 12, 90_000, 500);

    // Stations change state all the time: wait for one moment where the tile and REST agree.
    let agreed: Record<string, number> = {};
    await until(
      'tile counts equal to the REST station list',
      async () => {
        const before = await server.rest<StationState[]>('/stations');
        const ui = await tileCounts('demo-site');
        const after = await server.rest<StationState[]>('/stations');
        const expected = siteLive(site.stationIds, Object.fromEntries(before.map((s) => [s.id, s])), site.maxPowerW).counts;
        const again = siteLive(site.stationIds, Object.fromEntries(after.map((s) => [s.id, s])), site.maxPowerW).counts;
        const same = STATION_CATEGORIES.every((c) => ui[c] === expected[c] && expected[c] === again[c]);
        if (same) agreed = ui;
        return same && (ui.charging ?? 0) > 0;
      },
      90_000,
      500,
    );
    expect(STATION_CATEGORIES.reduce((n, c) => n + (agreed[c] ?? 0), 0)).toBe(12);
    expect(await page.textContent('[data-testid="site-card-demo-site"] .site-card-title')).toBe('Demo site');
    // Live power is shown against the site limit (650 kW for the two demo feeders).
    expect(await page.textContent('[data-testid="site-card-demo-site"] [data-testid="site-power"]')).toContain('650.0');
    // For the picture: wait until the demo draws power and has put some energy in today's total.
    await until(
      'live power and energy today',
      async () => (await page.textContent('[data-testid="site-power-kw"]')) !== '0.0' && !['0.0', '…'].includes(((await page.textContent('[data-testid="site-energy-today"]')) ?? '').split(' ')[0] ?? ''),
      90_000,
      1_000,
    );
    await screenshot(page, 'overview.png');

    await page.click('[data-testid="site-open-demo-site"]');
    await page.waitForSelector('[data-testid="view-energy"]');
    expect(page.url()).toContain('#/energy');
    expect(await page.textContent('[data-testid="energy-scope"]')).toBe('Demo site');
    expect(await page.inputValue('[data-testid="site-selector"]')).toBe('demo-site');
  });

  test('the energy dashboard plots the site power once the demo has charged, and the trend viewer plots and exports a station quantity', async () => {
    // A short custom range around now, so that a few minutes of demo give many power steps.
    const [from, to] = await page.evaluate(() => {
      const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      return [local(new Date(Date.now() - 10 * 60_000)), local(new Date(Date.now() + 5 * 60_000))];
    });
    await page.fill('[data-testid="range-from"]', from);
    await page.fill('[data-testid="range-to"]', to);
    await page.selectOption('[data-testid="energy-bucket"]', 'hour');
    // Re-read until the archive holds power samples of the demo's charges.
    await until(
      'power history with points',
      async () => {
        await page.click('[data-testid="energy-refresh"]');
        await page.waitForTimeout(1_000);
        return Number(await page.getAttribute('[data-testid="energy-power-chart"]', 'data-points')) > 1;
      },
      120_000,
      500,
    );
    expect(await page.locator('[data-testid="energy-power-chart"] .recharts-area-area').count()).toBeGreaterThan(0);
    await until('live power curve', async () => (await page.locator('[data-testid="energy-live-chart"] .recharts-line-curve').count()) === 1, 30_000, 500);
    expect(await page.textContent('[data-testid="energy-peak"]')).toMatch(/of 650\.0 kW/);

    // A station that is charging now, from REST.
    const charging = await until('a charging station', async () =>
      (await server.rest<StationState[]>('/stations')).find((s) => s.connectors.some((c) => c.status === 'Charging' && (c.powerW ?? 0) > 0)),
    );
    await page.selectOption('[data-testid="trend-station"]', charging.id);
    await page.selectOption('[data-testid="trend-quantity"]', 'power');
    await until(
      'trend points',
      async () => {
        await page.click('[data-testid="trend-plot"]');
        await page.waitForTimeout(2_000);
        return Number((await page.getAttribute('[data-testid="trend-points"]', 'data-points').catch(() => null)) ?? 0) >= 8;
      },
      120_000,
      500,
    );
    expect(await page.locator('[data-testid="trend-chart"] .recharts-line-curve').count()).toBeGreaterThan(0);
    const download = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="trend-export"]')]).then(([d]) => d);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Time (UTC),Station,EVSE,Connector,Quantity,Unit,Mean,Min,Max,Samples');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines[1]).toContain(`,${charging.id},`);
    expect(lines[1]).toContain(',power,W,');

    // Energy bars and the breakdown table are filled.
    await until('energy bars', async () => (await page.locator('[data-testid="energy-bars-chart"] .recharts-bar-rectangle').count()) > 0, 60_000, 500);
    expect(await page.locator('[data-testid="energy-breakdown"] tbody tr').count()).toBeGreaterThan(0);
    await page.click('[data-testid="energy-refresh"]');
    await until('power history re-read', async () => Number(await page.getAttribute('[data-testid="energy-power-chart"]', 'data-points')) > 4, 30_000, 500);
    await page.mouse.move(0, 0);
    await screenshot(page, 'energy.png', true);
  });

  test('the header site selector scopes the screen and the labels switch to French', async () => {
    await page.selectOption('[data-testid="site-selector"]', '');
    expect(await page.textContent('[data-testid="energy-scope"]')).toBe('All sites');
    await page.click('[data-testid="language-fr"]');
    await until('French energy screen', async () => (await page.textContent('[data-testid="view-energy"] h1')) === 'Énergie');
    expect(await page.textContent('[data-testid="energy-scope"]')).toBe('Tous les sites');
    expect(await page.textContent('[data-testid="energy-trend-panel"] .panel-title')).toBe('Courbes de tendance');
    expect(await page.textContent('[data-testid="range-today"]')).toBe('Aujourd’hui');
    await page.mouse.move(0, 0);
    await screenshot(page, 'energy-fr.png', true);
    await page.click('[data-testid="nav-overview"]');
    await page.waitForSelector('[data-testid="view-overview"]');
    expect(await page.textContent('[data-testid="site-card-demo-site"] [data-testid="site-count-charging"] .site-count-label')).toBe('En charge');
    expect(await page.textContent('[data-testid="site-card-demo-site"] .site-today')).toContain('Énergie du jour');
    await screenshot(page, 'overview-fr.png');
    await page.click('[data-testid="language-en"]');
    expect(pageErrors).toEqual([]);
  });
});

describe('overview of 50 sites', () => {
  let many: RunningServer;
  let projectDir: string;

  beforeAll(async () => {
    projectDir = mkdtempSync(join(tmpdir(), 'evs-50-sites-'));
    const cities = ['Lyon', 'Paris', 'Lille', 'Nantes', 'Nice', 'Brest', 'Dijon', 'Metz', 'Reims', 'Tours'];
    const project: ProjectFile = {
      formatVersion: 1,
      name: 'Fifty sites',
      sites: Array.from({ length: 50 }, (_, i) => ({
        id: `site-${String(i + 1).padStart(2, '0')}`,
        name: `${cities[i % 10] ?? 'Site'} ${Math.floor(i / 10) + 1}`,
        groups: [{ id: `feeder-${i + 1}`, name: 'Feeder', maxPowerW: 100_000 + i * 10_000 }],
        stations: [1, 2].map((n) => ({ id: `S${String(i + 1).padStart(2, '0')}-CP${n}`, group: `feeder-${i + 1}`, protocol: 'ocpp1.6' as const, kind: 'AC' as const, maxPowerW: 22_000, connectors: 2 })),
      })),
    };
    writeFileSync(join(projectDir, 'project.json'), JSON.stringify(project));
    many = await startServer({ demo: false, extraArgs: ['--project', join(projectDir, 'project.json')] });
  });

  afterAll(async () => {
    await many?.stop();
    if (projectDir) rmSync(projectDir, { recursive: true, force: true });
  });

  test('50 site tiles wrap in a grid, every station counted offline, and the search narrows them', async () => {
    await page.goto(`${many.url}/#/overview`);
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    await page.selectOption('[data-testid="site-selector"]', '');
    const cards = page.locator('[data-testid^="site-card-"]');
    await until('50 site tiles', async () => (await cards.count()) === 50);
    const tops = new Set(await cards.evaluateAll((nodes) => nodes.map((n) => Math.round(n.getBoundingClientRect().top))));
    expect(tops.size).toBeGreaterThan(5);
    const offline = await page.$$eval('[data-testid="site-count-offline"]', (nodes) => nodes.map((n) => Number(n.getAttribute('data-count'))));
    expect(offline).toEqual(Array.from({ length: 50 }, () => 2));
    await page.fill('[data-testid="site-search"]', 'lyon');
    await until('the Lyon sites only', async () => (await cards.count()) === 5);
    expect(await page.$$eval('[data-testid^="site-card-"] .site-card-title', (nodes) => nodes.map((n) => n.textContent))).toEqual(['Lyon 1', 'Lyon 2', 'Lyon 3', 'Lyon 4', 'Lyon 5']);
    await page.fill('[data-testid="site-search"]', '');
    await until('50 site tiles again', async () => (await cards.count()) === 50);
    // Many sites get compact tiles; today's energy arrives from the archive worker.
    expect(await page.getAttribute('[data-testid="site-grid"]', 'class')).toContain('compact');
    await until('energy today on every tile', async () => (await page.$$eval('[data-testid="site-energy-today"]', (nodes) => nodes.every((n) => !(n.textContent ?? '').startsWith('…')))));
    await screenshot(page, 'overview-50-sites.png');

    // A station the project does not declare gets a tile of its own, which opens the stations list.
    const stranger = await RawStation.connect(many.port, 'STRANGER-1');
    try {
      await stranger.boot();
      await page.waitForSelector('[data-testid="site-card-outside"]');
      expect(await page.textContent('[data-testid="site-card-outside"] .site-card-title')).toBe('Not in the project');
      expect(await page.textContent('[data-testid="site-card-outside"] .site-card-header')).toContain('1 station');
      expect(await cards.count()).toBe(51);
      await page.click('[data-testid="site-open-outside"]');
      await page.waitForSelector('[data-testid="view-stations"]');
    } finally {
      await stranger.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
