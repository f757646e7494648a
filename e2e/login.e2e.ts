// Accounts in the browser (server started with --require-login): sign-in screen, session kept
// across a reload, accounts created by the administrator, role-dependent screens, audit trail.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { StationState } from '../src-shared/domain/index.ts';
import { launchBrowser, openPage } from './browser.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, signIn } from './support.ts';

const ADMIN_PASSWORD = 'admin-e2e-Pa55word';
const MAINT_PASSWORD = 'maint-e2e-Pa55word';
const VIEWER_PASSWORD = 'viewer-e2e-Pa55word';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];


async function signOut(p: Page): Promise<void> {
  await p.click('[data-testid="sign-out"]');
  await p.waitForSelector('[data-testid="login-form"]');
  expect(await p.locator('[data-testid="user-badge"]').count()).toBe(0);
}

async function createAccount(p: Page, username: string, role: string, password: string): Promise<void> {
  await p.fill('[data-testid="account-username"]', username);
  await p.selectOption('[data-testid="account-role"]', role);
  await p.fill('[data-testid="account-password"]', password);
  await p.click('[data-testid="account-save"]');
  await p.waitForSelector(`[data-testid="account-row-${username}"][data-role="${role}"]`);
}

beforeAll(async () => {
  server = await startServer({ extraArgs: ['--require-login', '--admin-password', ADMIN_PASSWORD] });
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('sign-in and accounts', () => {
  test('asks to sign in, refuses a wrong password, signs in as admin and keeps the session on reload', async () => {
    await page.goto(`${server.url}/#/settings`);
    await page.waitForSelector('[data-testid="login-form"]');
    await screenshot(page, 'login.png');

    await page.fill('[data-testid="login-username"]', 'admin');
    await page.fill('[data-testid="login-password"]', 'not-the-password');
    await page.click('[data-testid="login-submit"]');
    await page.waitForSelector('[data-testid="login-error"]');
    expect(await page.textContent('[data-testid="login-error"]')).toMatch(/refused/i);

    await signIn(page, 'admin', ADMIN_PASSWORD);
    expect(await page.getAttribute('[data-testid="user-badge"]', 'data-role')).toBe('administrator');
    // Live data streams once signed in: the demo stations load.
    await page.click('[data-testid="nav-stations"]');
    await expect.poll(() => page.locator('[data-testid^="station-row-"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    await page.reload();
    await page.waitForSelector('[data-testid="user-badge"][data-username="admin"]');
    expect(await page.locator('[data-testid="login-form"]').count()).toBe(0);
  });

  test('the administrator creates a maintenance and a viewer account', async () => {
    await page.click('[data-testid="nav-settings"]');
    await page.click('[data-testid="settings-tab-accounts"]');
    await page.waitForSelector('[data-testid="account-row-admin"]');
    // The password rule is enforced before sending.
    await page.fill('[data-testid="account-username"]', 'maint');
    await page.fill('[data-testid="account-password"]', 'short');
    expect(await page.isDisabled('[data-testid="account-save"]')).toBe(true);
    await createAccount(page, 'maint', 'maintenance', MAINT_PASSWORD);
    await createAccount(page, 'watcher', 'viewer', VIEWER_PASSWORD);
    await screenshot(page, 'accounts.png');
    await signOut(page);
  });

  test('maint signs in: audit tab but no accounts tab; the audit shows the account creation by admin', async () => {
    await signIn(page, 'maint', MAINT_PASSWORD);
    expect(await page.getAttribute('[data-testid="user-badge"]', 'data-role')).toBe('maintenance');
    await page.click('[data-testid="nav-settings"]');
    await page.waitForSelector('[data-testid="settings-tab-audit"]');
    expect(await page.locator('[data-testid="settings-tab-accounts"]').count()).toBe(0);
    await page.click('[data-testid="settings-tab-audit"]');
    await page.fill('[data-testid="audit-filter-action"]', 'putAccount');
    const rows = page.locator('[data-testid="audit-table"] tbody tr[data-action="putAccount"]');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    expect(await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-actor')))).toEqual(['admin', 'admin']);
    expect(await page.innerText('[data-testid="audit-table"]')).toContain('maint');
    // The password never reaches the audit trail.
    expect(await page.innerText('[data-testid="audit-table"]')).not.toContain(MAINT_PASSWORD);

    // CSV export of the filtered audit.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="audit-export"]')]);
    expect(download.suggestedFilename()).toMatch(/^audit-\d{8}-\d{4}\.csv$/);
    await page.fill('[data-testid="audit-filter-action"]', '');
    await expect.poll(() => page.locator('[data-testid="audit-table"] tbody tr[data-action="login"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await screenshot(page, 'audit.png');
  });

  test('commands the role may not send are hidden: maintenance sees reset, a viewer sees no station command', async () => {
    const stations = await server.rest<StationState[]>('/stations');
    const id = stations[0]?.id ?? '';
    await page.goto(`${server.url}/#/stations/${encodeURIComponent(id)}`);
    await page.waitForSelector('[data-testid="command-reset"]');
    expect(await page.locator('[data-testid="command-remoteStart"]').count()).toBe(1);
    // Engineer-only commands are not offered to maintenance.
    expect(await page.locator('[data-testid="command-changeConfiguration"]').count()).toBe(0);
    await signOut(page);

    await signIn(page, 'watcher', VIEWER_PASSWORD);
    await page.waitForSelector('[data-testid="connector-card-' + id + '-1"]');
    expect(await page.locator('[data-testid^="command-"][data-testid$="Start"], [data-testid="command-reset"]').count()).toBe(0);
    expect(await page.locator('form.command-card').count()).toBe(0);
    await page.click('[data-testid="nav-settings"]');
    await page.waitForSelector('[data-testid="server-info"]');
    expect(await page.locator('[data-testid^="settings-tab-"]').count()).toBe(0);
    // Refused sockets and the wrong password's answer are the only console noise allowed.
    expect(pageErrors.filter((e) => !/WebSocket|Sign in first|Forbidden/i.test(e))).toEqual([]);
  });
});
