// Smart charging end to end against the real supervisor with the demo site (electrical groups
// feeder-ac and feeder-dc, simulated stations over real OCPP): the tree with phase bars, an
// operator override on a charging session and back to automatic, a what-if preview that
// changes nothing, a profile created in the editor (after a validation message), uploaded to
// a station and accepted, a station's composite schedule drawn, and the French labels.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AllocationInfo, ChargingProfileLibrary, GroupInfo } from '../src-shared/api/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, until } from './support.ts';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

interface SetpointJson {
  sessionId: string;
  stationId: string;
  connectorId: number;
  paused: boolean;
  reason: { kind: string };
}

const setpointsOf = async (): Promise<SetpointJson[]> => ((await server.rest<AllocationInfo>('/allocation')).result as { setpoints?: SetpointJson[] } | null)?.setpoints ?? [];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('smart charging screen', () => {
  test('the tree shows each demo group with its three phase bars', async () => {
    const groups = await server.rest<GroupInfo[]>('/groups');
    expect(groups.map((g) => g.id).sort()).toEqual(['feeder-ac', 'feeder-dc']);
    await page.goto(`${server.url}/#/smartCharging`);
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    for (const g of groups) {
      await page.waitForSelector(`[data-testid="node-${g.id}"]`);
      for (const phase of ['L1', 'L2', 'L3']) expect(await page.locator(`[data-testid="phase-${g.id}-${phase}"] .bar-track`).count()).toBe(1);
    }
    // Engineers (the loopback key is administrator) get the mode switch, showing the mode in force.
    expect(await page.getAttribute('[data-testid="mode-feeder-ac-automatic"]', 'aria-pressed')).toBe('true');
  });

  test('an engineer switches a group to manual and back, each time after a confirmation', async () => {
    const modeOf = async (id: string) => (await server.rest<GroupInfo[]>('/groups')).find((g) => g.id === id)?.mode;
    await page.click('[data-testid="mode-feeder-dc-manual"]');
    // Cancelling the confirmation changes nothing.
    await page.click('[data-testid="confirm-cancel"]');
    expect(await modeOf('feeder-dc')).toBe('automatic');
    await page.click('[data-testid="mode-feeder-dc-manual"]');
    await page.click('[data-testid="confirm-ok"]');
    await until('feeder-dc manual', async () => (await modeOf('feeder-dc')) === 'manual' && (await page.getAttribute('[data-testid="mode-feeder-dc-manual"]', 'aria-pressed')) === 'true');
    await page.click('[data-testid="mode-feeder-dc-automatic"]');
    await page.click('[data-testid="confirm-ok"]');
    await until('feeder-dc automatic', async () => (await modeOf('feeder-dc')) === 'automatic' && (await page.getAttribute('[data-testid="mode-feeder-dc-automatic"]', 'aria-pressed')) === 'true');
  });

  test('an operator override shows reason "manual", then back to automatic', async () => {
    // A running AC session that the engine is not pausing.
    const target = await until('a charging AC session', async () => (await setpointsOf()).find((s) => s.stationId.startsWith('DEMO-AC') && !s.paused && s.reason.kind !== 'manual'));
    const key = `${target.stationId}-${target.connectorId}`;
    await page.waitForSelector(`[data-testid="setpoint-row-${key}"]`);
    await page.click(`[data-testid="override-${key}"]`);
    await page.fill('[data-testid="override-value"]', '10');
    await page.selectOption('[data-testid="override-unit"]', 'A');
    await page.click('[data-testid="override-apply"]');
    await until('reason manual in the table', async () => (await page.getAttribute(`[data-testid="setpoint-reason-${key}"]`, 'data-reason')) === 'manual');
    expect((await setpointsOf()).find((s) => s.sessionId === target.sessionId)?.reason.kind).toBe('manual');

    await page.click(`[data-testid="override-${key}"]`);
    await page.click('[data-testid="override-automatic"]');
    await until('reason automatic again', async () => {
      const reason = await page.getAttribute(`[data-testid="setpoint-reason-${key}"]`, 'data-reason');
      return reason !== null && reason !== 'manual';
    });
    expect((await setpointsOf()).find((s) => s.sessionId === target.sessionId)?.reason.kind).not.toBe('manual');
  });

  test('an operator gives a session its departure and energy: the table shows them as the operator’s with an ETA, then forgets them', async () => {
    const target = await until('a charging AC session', async () => (await setpointsOf()).find((s) => s.stationId.startsWith('DEMO-AC') && !s.paused));
    const key = `${target.stationId}-${target.connectorId}`;
    await page.click(`[data-testid="needs-${key}"]`);
    await page.waitForSelector('[data-testid="needs-editor"]');
    // A departure in the past is refused in the form, nothing is sent.
    await page.fill('[data-testid="needs-departure"]', '2020-01-01T08:00');
    await page.fill('[data-testid="needs-energy"]', '12.5');
    expect(await page.isDisabled('[data-testid="needs-apply"]')).toBe(true);
    const inThreeHours = await page.evaluate(() => {
      const d = new Date(Date.now() + 3 * 3_600_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    });
    await page.fill('[data-testid="needs-departure"]', inThreeHours);
    await page.click('[data-testid="needs-apply"]');
    await until('the operator’s needs in the table', async () => (await page.getAttribute(`[data-testid="needs-departure-${key}"]`, 'data-source')) === 'operator' && (await page.getAttribute(`[data-testid="needs-togo-${key}"]`, 'data-source')) === 'operator');
    const needs = (await server.rest<AllocationInfo>('/allocation')).needs[target.sessionId];
    expect(needs).toMatchObject({ energySource: 'operator', departureSource: 'operator', operator: { energyWh: 12_500 } });
    expect(Math.abs(Date.parse(needs?.departureAt ?? '') - (Date.now() + 3 * 3_600_000))).toBeLessThan(5 * 60_000);
    await until('an ETA', async () => /\d/.test((await page.textContent(`[data-testid="needs-eta-${key}"]`)) ?? ''));
    expect(await page.textContent(`[data-testid="needs-togo-${key}"]`)).toMatch(/kWh/);
    await page.locator(`[data-testid="setpoint-row-${key}"]`).scrollIntoViewIfNeeded();
    await screenshot(page, 'smart-charging-needs.png', true);

    await page.click(`[data-testid="needs-${key}"]`);
    await page.click('[data-testid="needs-clear"]');
    await until('the entry forgotten', async () => (await server.rest<AllocationInfo>('/allocation')).needs[target.sessionId]?.operator === null);
    await until('no operator source in the table', async () => (await page.getAttribute(`[data-testid="needs-departure-${key}"]`, 'data-source')) !== 'operator');
  });

  test('the operator chooses the session columns: the table and its CSV export follow, the station stays, the choice survives a reload', async () => {
    const headers = async () => (await page.$$eval('[data-testid="setpoints-table"] thead th', (ths) => ths.map((th) => (th.textContent ?? '').replace(/[▲▼↕]/g, '').trim())));
    const exported = async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="setpoint-export"]')]);
      return (readFileSync((await download.path()) as string, 'utf8').replace(/^\uFEFF/, '').split('\r\n')[0] ?? '').split(',');
    };
    // Defaults: the setpoint in W and the station's schedule check are hidden (the table fits a screen).
    const before = await headers();
    expect(before).toContain('Reason');
    expect(before).not.toContain('Allowed power');
    expect(await exported()).toEqual(before.filter((h) => h !== 'Actions'));
    await page.click('[data-testid="setpoint-columns"]');
    // The station identifies the row: it cannot be hidden.
    expect(await page.isDisabled('[data-testid="setpoint-columns-menu"] input[data-column="station"]')).toBe(true);
    await page.click('[data-testid="setpoint-columns-menu"] input[data-column="reason"]');
    await page.click('[data-testid="setpoint-columns-menu"] input[data-column="allowed"]');
    await page.keyboard.press('Escape');
    const after = await headers();
    expect(after).not.toContain('Reason');
    expect(after).toContain('Allowed power');
    expect(after[0]).toBe('Station');
    expect(await exported()).toEqual(after.filter((h) => h !== 'Actions'));
    await page.reload();
    await page.waitForSelector('[data-testid="setpoints-table"] tbody tr[data-session]');
    expect(await headers()).toEqual(after);
    // Back to the defaults for the tests that follow.
    await page.click('[data-testid="setpoint-columns"]');
    await page.click('[data-testid="setpoint-columns-menu"] button');
    await page.keyboard.press('Escape');
    expect(await headers()).toEqual(before);
  });

  test('a preview of a lower limit shows the new setpoints and changes no group', async () => {
    const before = await server.rest<GroupInfo[]>('/groups');
    await page.click('[data-testid="limit-edit-feeder-ac"]');
    await page.fill('[data-testid="limit-kw-feeder-ac"]', '20');
    await page.click('[data-testid="limit-preview-feeder-ac"]');
    await page.waitForSelector('[data-testid="limit-preview-result-feeder-ac"] [data-testid="preview-sessions"]');
    // 20 kW cannot carry the demo's AC sessions at full current: some setpoint goes down.
    const values = await page.$$eval('[data-testid^="preview-row-DEMO-AC"]', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent ?? '')));
    expect(values.length).toBeGreaterThan(0);
    expect(values.some(([, , current, preview]) => current !== preview)).toBe(true);
    expect(await page.textContent('[data-testid="preview-node-feeder-ac"]')).toMatch(/kW/);
    expect(await server.rest<GroupInfo[]>('/groups')).toEqual(before);
    await screenshot(page, 'smart-charging.png', true);
    await page.click('[data-testid="preview-cancel"]');
    expect(await page.locator('[data-testid="limit-preview-result-feeder-ac"]').count()).toBe(0);
    expect(await server.rest<GroupInfo[]>('/groups')).toEqual(before);
  });

  test('a profile is created in the editor after a validation message, uploaded and accepted, and a composite schedule is drawn', async () => {
    await page.click('[data-testid="smart-tab-profiles"]');
    await page.waitForSelector('[data-testid="profile-editor"]');
    const id = Number(await page.inputValue('[data-testid="profile-id"]'));
    await page.fill('[data-testid="profile-name"]', 'E2E evening cap');
    // The user categories offered are the project's badge categories.
    expect(await page.$$eval('[data-testid="profile-category"] option', (options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['', 'staff', 'management', 'fleet', 'visitors']);
    await page.selectOption('[data-testid="profile-category"]', 'fleet');
    await page.fill('[data-testid="period-limit-0"]', '16');
    await page.click('[data-testid="period-add"]');
    // A second period starting at 0 s: the main process says where the problem is.
    await page.fill('[data-testid="period-start-1"]', '0');
    await page.fill('[data-testid="period-limit-1"]', '8');
    const message = page.locator('[data-testid="profile-error-periods[1].startS"]');
    await message.waitFor();
    expect(await message.textContent()).toMatch(/previous period/);
    expect(await page.getAttribute('[data-testid="profile-status"]', 'data-valid')).toBe('false');

    await page.fill('[data-testid="period-start-1"]', '3600');
    await page.waitForSelector('[data-testid="profile-status"][data-valid="true"]');
    expect(await message.count()).toBe(0);
    expect(Number(await page.getAttribute('[data-testid="profile-editor-chart"]', 'data-points'))).toBe(3);
    expect(await page.locator('[data-testid="profile-editor-chart"] .recharts-line path').count()).toBeGreaterThan(0);
    await page.click('[data-testid="profile-save"]');
    await page.waitForSelector(`[data-testid="profile-row-${id}"]`);
    const library = await server.rest<ChargingProfileLibrary>('/profiles');
    expect(library.profiles.find((p) => p.id === id)?.periods).toEqual([
      { startS: 0, limit: 16 },
      { startS: 3600, limit: 8 },
    ]);
    expect(library.profiles.find((p) => p.id === id)?.category).toBe('fleet');

    // Upload to one demo station, whole station (EVSE 0).
    await page.click(`[data-testid="profile-row-${id}"]`);
    await page.waitForSelector('[data-testid="profile-selected-chart"] .recharts-line', { state: 'attached' });
    await page.check('[data-testid="upload-station-DEMO-AC-01"]');
    expect(await page.inputValue('[data-testid="upload-evse"]')).toBe('0');
    await page.click('[data-testid="upload-send"]');
    const outcome = page.locator('[data-testid="upload-outcome-DEMO-AC-01"]');
    await outcome.waitFor({ timeout: 60_000 });
    expect(await outcome.getAttribute('data-status')).toBe('accepted');
    expect(await outcome.textContent()).toContain('accepted');
    const uploads = (await server.rest<ChargingProfileLibrary>('/profiles')).uploads;
    expect(uploads.find((u) => u.profileId === id && u.stationId === 'DEMO-AC-01')?.outcome).toBe('accepted');

    // The station's composite schedule over the next 24 h.
    await page.selectOption('[data-testid="composite-station"]', 'DEMO-AC-01');
    await page.click('[data-testid="composite-read"]');
    await page.waitForSelector('[data-testid="composite-chart"] .recharts-line path', { state: 'attached', timeout: 60_000 });
    expect(Number(await page.getAttribute('[data-testid="composite-chart"]', 'data-points'))).toBeGreaterThan(1);
    expect(await page.locator('[data-testid="composite-problem"]').count()).toBe(0);

    // A second transaction default at the same stack level, always valid: sending it to the
    // same station is refused with the clash explained; an engineer may send it anyway.
    const clashing = { id: id + 1, name: 'E2E clashing default', stackLevel: 1, purpose: 'txDefault', kind: 'Relative', unit: 'A', periods: [{ startS: 0, limit: 10 }] };
    await server.rest(`/profiles/${clashing.id}`, { method: 'PUT', body: clashing });
    await page.click('[data-testid="profile-refresh"]');
    await page.click(`[data-testid="profile-row-${clashing.id}"]`);
    await page.check('[data-testid="upload-station-DEMO-AC-01"]');
    await page.click('[data-testid="upload-send"]');
    const conflicts = page.locator('[data-testid="upload-conflicts"]');
    await conflicts.waitFor();
    expect(await conflicts.textContent()).toMatch(new RegExp(`profiles ${id} .* and ${clashing.id} .*stack level 1`));
    expect((await server.rest<ChargingProfileLibrary>('/profiles')).uploads.some((u) => u.profileId === clashing.id)).toBe(false);
    await screenshot(page, 'smart-profiles.png', true);
    await page.click('[data-testid="upload-force"]');
    await page.click('[data-testid="confirm-ok"]');
    await until('forced upload accepted', async () => (await page.getAttribute('[data-testid="upload-outcome-DEMO-AC-01"]', 'data-status')) === 'accepted' && (await page.locator('[data-testid="upload-force"]').count()) === 0);
    expect((await server.rest<ChargingProfileLibrary>('/profiles')).uploads.find((u) => u.profileId === clashing.id)?.outcome).toBe('accepted');
  });

  test('staggered-start settings refuse a bad window and save a good one', async () => {
    await page.click('[data-testid="smart-tab-power"]');
    await page.waitForSelector('[data-testid="stagger-window"]');
    await page.fill('[data-testid="stagger-window"]', '0');
    await page.waitForSelector('[data-testid="stagger-errors"]');
    expect(await page.isDisabled('[data-testid="stagger-save"]')).toBe(true);
    await page.fill('[data-testid="stagger-window"]', '90');
    await page.fill('[data-testid="stagger-spacing"]', '10');
    expect(await page.locator('[data-testid="stagger-errors"]').count()).toBe(0);
    await page.click('[data-testid="stagger-save"]');
    await until('settings stored', async () => (await server.rest<{ staggeredStart: { windowS: number; spacingS?: number } }>('/smart-charging/settings')).staggeredStart.windowS === 90);
    expect((await server.rest<{ staggeredStart: { windowS: number; spacingS?: number } }>('/smart-charging/settings')).staggeredStart.spacingS).toBe(10);
  });

  test('deleting a profile with "also clear" removes it from the library and from the station', async () => {
    const before = await server.rest<ChargingProfileLibrary>('/profiles');
    const victim = before.profiles.find((p) => p.name === 'E2E clashing default');
    if (!victim) throw new Error('the clashing profile is missing');
    expect(before.uploads.some((u) => u.profileId === victim.id && u.outcome === 'accepted')).toBe(true);
    await page.click('[data-testid="smart-tab-profiles"]');
    await page.click(`[data-testid="profile-row-${victim.id}"]`);
    await page.check('[data-testid="profile-clear-on-delete"]');
    await page.click('[data-testid="profile-delete"]');
    expect(await page.textContent('[data-testid="confirm-dialog"]')).toContain('cleared from every station');
    await page.click('[data-testid="confirm-ok"]');
    await until('row gone', async () => (await page.locator(`[data-testid="profile-row-${victim.id}"]`).count()) === 0);
    const after = await server.rest<ChargingProfileLibrary>('/profiles');
    expect(after.profiles.some((p) => p.id === victim.id)).toBe(false);
    expect(after.uploads.some((u) => u.profileId === victim.id)).toBe(false);
    expect(after.profiles.some((p) => p.name === 'E2E evening cap')).toBe(true);
  });

  test('the screen is translated into French', async () => {
    await page.click('[data-testid="language-fr"]');
    await until('French tab label', async () => (await page.textContent('[data-testid="smart-tab-profiles"]')) === 'Profils');
    expect(await page.textContent('[data-testid="composite-read"]')).toBe('Lire le planning');
    await page.click('[data-testid="smart-tab-power"]');
    await until('French power tab', async () => (await page.textContent('[data-testid="stagger-panel"] .panel-title')) === 'Démarrage échelonné');
    await page.waitForSelector('[data-testid="node-feeder-ac"]');
    await screenshot(page, 'smart-charging-fr.png', true);
    await page.click('[data-testid="language-en"]');
    await until('English again', async () => (await page.textContent('[data-testid="smart-tab-power"]')) === 'Dynamic power');
    expect(pageErrors).toEqual([]);
  });
});

describe('smart charging for an operator (sign-in required)', () => {
  const password = 'operator-e2e-Pa55word';
  let secured: RunningServer;
  let operatorPage: Page;

  beforeAll(async () => {
    await server.stop();
    secured = await startServer({ extraArgs: ['--require-login', '--admin-password', 'admin-e2e-Pa55word'] });
    await secured.rest('/accounts/op1', { method: 'PUT', body: { role: 'operator', password } });
    ({ page: operatorPage } = await openPage(browser));
  });

  afterAll(async () => {
    await secured?.stop();
  });

  test('an operator may override sessions and read schedules, not change modes, limits, settings or profiles', async () => {
    const p = operatorPage;
    await p.goto(`${secured.url}/#/smartCharging`);
    await p.waitForSelector('[data-testid="login-form"]');
    await p.fill('[data-testid="login-username"]', 'op1');
    await p.fill('[data-testid="login-password"]', password);
    await p.click('[data-testid="login-submit"]');
    await p.waitForSelector('[data-testid="user-badge"][data-username="op1"]');
    await p.waitForSelector('[data-testid="node-feeder-ac"]');
    expect(await p.getAttribute('[data-testid="mode-pill-feeder-ac"]', 'data-status')).toBe('automatic');
    expect(await p.locator('[data-testid="mode-switch-feeder-ac"]').count()).toBe(0);
    expect(await p.locator('[data-testid="limit-edit-feeder-ac"]').count()).toBe(0);
    await p.waitForSelector('[data-testid^="override-DEMO-"]');
    await p.waitForSelector('[data-testid="stagger-window"]');
    expect(await p.isDisabled('[data-testid="stagger-window"]')).toBe(true);
    expect(await p.locator('[data-testid="stagger-save"]').count()).toBe(0);

    await p.click('[data-testid="smart-tab-profiles"]');
    await p.waitForSelector('[data-testid="profile-editor"]');
    for (const id of ['profile-new', 'profile-save', 'profile-delete', 'profile-upload']) expect(await p.locator(`[data-testid="${id}"]`).count()).toBe(0);
    expect(await p.isDisabled('[data-testid="profile-name"]')).toBe(true);
    expect(await p.isDisabled('[data-testid="composite-read"]')).toBe(false);
  });
});
