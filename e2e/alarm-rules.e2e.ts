// Alarm rules and notifications end to end: the real supervisor with the demo site and
// --require-login, a bare OCPP 1.6 station of our own, Debian's Chromium. A maintenance account
// acknowledges from the banner and the history names it; an engineer writes a threshold rule in
// the editor (live validation, the condition in words), sees its alarm in the banner, switches the
// rule off and sees the alarm clear; the notification settings send a real test e-mail to an SMTP
// server started here; French labels.
import type { Browser, Page } from 'playwright-core';
import { startTestSmtp, type ReceivedMail, type TestSmtpServer } from '../src-main/alarms/test-smtp.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page as ResultPage } from '../src-shared/api/index.ts';
import type { AlarmInstance, AlarmTransition } from '../src-shared/alarms/types.ts';
import type { AlarmRulesInfo } from '../src-shared/alarms/editor.ts';
import { launchBrowser, openPage } from './browser.ts';
import { RawStation } from './ocpp-station.ts';
import { startServer, type RunningServer } from './server.ts';
import { screenshot, signIn, signOut, until } from './support.ts';

const ADMIN_PASSWORD = 'admin-e2e-Pa55word';
const MAINT_PASSWORD = 'maint-e2e-Pa55word';
const ENGINEER_PASSWORD = 'engin-e2e-Pa55word';
const STATION = 'E2E-RULES-01';

let server: RunningServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let station: RawStation;
let smtp: TestSmtpServer;
let smtpPort = 0;
let mails: ReceivedMail[] = [];



function power(watts: number): Promise<unknown> {
  return station.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(watts), measurand: 'Power.Active.Import', unit: 'W' }] }] });
}

const activeAlarms = () => server.rest<AlarmInstance[]>('/alarms?state=active');

beforeAll(async () => {
  smtp = await startTestSmtp();
  mails = smtp.mails;
  smtpPort = smtp.port;
  server = await startServer({ extraArgs: ['--require-login', '--admin-password', ADMIN_PASSWORD] });
  await server.rest('/accounts/maint', { method: 'PUT', body: { role: 'maintenance', password: MAINT_PASSWORD } });
  await server.rest('/accounts/engin', { method: 'PUT', body: { role: 'engineer', password: ENGINEER_PASSWORD } });
  station = await RawStation.connect(server.port, STATION);
  expect((await station.boot()).status).toBe('Pending');
  await server.rest(`/stations/${STATION}/accept`, { method: 'POST' });
  expect((await station.boot()).status).toBe('Accepted');
  await station.status(1, 'Available');
  browser = await launchBrowser();
  ({ page, errors: pageErrors } = await openPage(browser));
});

afterAll(async () => {
  await station?.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await smtp?.close();
});

describe('alarm rules, notifications and translated alarm texts', () => {
  test('a maintenance account acknowledges a new alarm from the banner and the history shows its name', async () => {
    await page.goto(`${server.url}/#/alarms`);
    await signIn(page, 'maint', MAINT_PASSWORD);
    await page.waitForSelector('[data-testid="connection-state"][data-state="open"]');
    // Rules and notifications are for engineers: not offered to maintenance.
    await page.waitForSelector('[data-testid="alarm-tab-history"]');
    expect(await page.locator('[data-testid="alarm-tab-rules"], [data-testid="alarm-tab-notifications"]').count()).toBe(0);

    await station.status(1, 'Faulted', 'GroundFailure');
    const alarm = await until('the fault alarm', async () => (await activeAlarms()).find((a) => a.source.stationId === STATION && a.ruleId === 'faulted'), 10_000);
    await until('the fault on top of the banner', async () => (await page.getAttribute('[data-testid="banner-top"]', 'data-alarm-id')) === alarm.id, 10_000, 50);
    // The message comes from its key and values: the station and the code, in the UI's words.
    expect(await page.innerText('[data-testid="banner-message"]')).toBe(`${STATION} · 1: Faulted (GroundFailure)`);
    await page.click('[data-testid="banner-ack"]');
    await until('the acknowledgement', async () => (await activeAlarms()).find((a) => a.id === alarm.id)?.state === 'activeAcknowledged', 10_000);

    const history = await server.rest<ResultPage<AlarmTransition>>(`/alarms?state=history&stationId=${STATION}`);
    const ack = history.items.find((r) => r.alarmId === alarm.id && r.event === 'acknowledged');
    expect(ack?.operator).toBe('maint');
    await page.click('[data-testid="alarm-tab-history"]');
    const row = page.locator(`[data-testid="alarm-history-row-${ack?.seq ?? -1}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-operator')).toBe('maint');
    expect(await row.innerText()).toContain('maint');
    await station.status(1, 'Available');
    await signOut(page);
  });

  test('an engineer writes a threshold rule with live validation, sees its alarm in the banner, switches it off and sees it clear', async () => {
    await signIn(page, 'engin', ENGINEER_PASSWORD);
    await page.goto(`${server.url}/#/alarms`);
    await page.click('[data-testid="alarm-tab-rules"]');
    await page.waitForSelector('[data-testid="rule-row-comm-lost"]');
    expect(await page.getAttribute('[data-testid="alarm-rules-origin"]', 'data-origin')).toBe('defaults');
    // The built-in sources are there, each said in words.
    for (const id of ['comm-lost', 'faulted', 'stalled', 'tx-too-long', 'group-limit', 'profile', 'firmware', 'diagnostics', 'security']) {
      expect(await page.locator(`[data-testid="rule-row-${id}"]`).count()).toBe(1);
    }
    expect(await page.innerText('[data-testid="rule-condition-stalled"]')).toBe('Power of every station below 100 W for 10 min while charging');
    // Filter and sort work on the rules.
    await page.fill('[data-testid="rules-filter"]', 'firmware');
    await until('one rule shown', async () => (await page.locator('[data-testid^="rule-row-"]').count()) === 1);
    await page.fill('[data-testid="rules-filter"]', '');

    await page.click('[data-testid="rule-add"]');
    await page.waitForSelector('[data-testid="alarm-rule-form"]');
    // Nothing named yet: the form says what is missing and will not save.
    expect(await page.innerText('[data-testid="rule-problems"]')).toContain('Name: is required');
    expect(await page.isDisabled('[data-testid="rule-save"]')).toBe(true);
    // A new rule may not take the id of an existing one.
    await page.fill('[data-testid="rule-id"]', 'comm-lost');
    expect(await page.innerText('[data-testid="rule-problems"]')).toContain('Identifier: is already the identifier of another rule');
    await page.fill('[data-testid="rule-id"]', 'e2e-power');
    await page.fill('[data-testid="rule-name"]', 'E2E station draws power');
    await page.selectOption('[data-testid="rule-severity"]', 'critical');
    await page.fill('[data-testid="rule-threshold"]', 'one');
    expect(await page.innerText('[data-testid="rule-problems"]')).toContain('Threshold: must be a number');
    await page.fill('[data-testid="rule-threshold"]', '1');
    await page.selectOption('[data-testid="rule-scope"]', 'stations');
    await page.fill('[data-testid="rule-scope-ids"]', 'NO-SUCH-STATION');
    expect(await page.innerText('[data-testid="rule-problems"]')).toContain('names station NO-SUCH-STATION, which the supervisor does not know');
    await page.fill('[data-testid="rule-scope-ids"]', STATION);
    await page.fill('[data-testid="rule-onDelay"]', '0');
    expect(await page.locator('[data-testid="rule-problems"]').count()).toBe(0);
    expect(await page.innerText('[data-testid="rule-preview"]')).toBe(`Power of ${STATION} above 1 W for 0 s (at once)`);
    await screenshot(page, 'alarm-rules.png');
    await page.click('[data-testid="rule-save"]');
    await page.waitForSelector('[data-testid="rule-row-e2e-power"][data-enabled="true"]');
    const rules = await server.rest<AlarmRulesInfo>('/alarm-rules');
    expect(rules.origin).toBe('edited');
    expect(rules.rules.find((r) => r.id === 'e2e-power')).toMatchObject({ kind: 'measurementThreshold', threshold: 1, severity: 'critical', scope: { stationIds: [STATION] } });

    await power(2500);
    const alarm = await until('the threshold alarm', async () => (await activeAlarms()).find((a) => a.ruleId === 'e2e-power'), 10_000);
    await until('the threshold alarm on top of the banner', async () => (await page.getAttribute('[data-testid="banner-top"]', 'data-alarm-id')) === alarm.id, 10_000, 50);
    expect(await page.innerText('[data-testid="banner-message"]')).toBe(`${STATION} · 1: power 2,500 W (above 1 W)`);
    expect(Number(await page.getAttribute('[data-testid="banner-count-critical"]', 'data-active'))).toBeGreaterThanOrEqual(1);

    await page.click('[data-testid="rule-toggle-e2e-power"]');
    await page.waitForSelector('[data-testid="rule-row-e2e-power"][data-enabled="false"]');
    await until('the alarm to clear', async () => (await activeAlarms()).find((a) => a.id === alarm.id)?.state === 'clearedUnacknowledged', 10_000);
    await until('the banner to say so', async () => (await page.innerText('[data-testid="banner-message"]').catch(() => '')).includes('(rule removed or disabled)'), 10_000);
    expect(Number(await page.getAttribute('[data-testid="banner-count-critical"]', 'data-active'))).toBe(0);
  });

  test('notification settings: an SMTP server entered in the screen, saved, and a test e-mail delivered', async () => {
    await page.click('[data-testid="alarm-tab-notifications"]');
    await page.waitForSelector('[data-testid="notification-settings"]');
    await page.click('[data-testid="recipient-add"]');
    await page.fill('[data-testid="recipient-id-0"]', 'maintenance-team');
    await page.selectOption('[data-testid="recipient-role-0"]', 'maintenance');
    await page.fill('[data-testid="recipient-email-0"]', 'maintenance@park.test');
    await page.check('[data-testid="recipient-channel-0-push"]');
    await page.fill('[data-testid="smtp-host"]', '127.0.0.1');
    await page.fill('[data-testid="smtp-port"]', String(smtpPort));
    await page.fill('[data-testid="smtp-from"]', 'supervisor@park.test');
    await page.fill('[data-testid="policy-window"]', '60');
    await page.click('[data-testid="notification-save"]');
    const saved = await until(
      'the settings saved',
      async () => {
        const info = await server.rest<{ settings: { policy: { windowMs: number }; smtp?: { port: number } } }>('/notifications/settings');
        return info.settings.policy.windowMs === 60_000 && info.settings.smtp?.port === smtpPort ? info : null;
      },
      10_000,
    );
    expect(saved.settings.smtp).toMatchObject({ host: '127.0.0.1', from: 'supervisor@park.test' });
    expect(await page.locator('[data-testid="notification-save-error"]').count()).toBe(0);

    await page.fill('[data-testid="test-to"]', 'engineer@park.test');
    await page.click('[data-testid="test-send"]');
    await page.waitForSelector('[data-testid="test-result"]', { timeout: 20_000 });
    expect(await page.getAttribute('[data-testid="test-result"]', 'data-ok')).toBe('true');
    expect(await page.innerText('[data-testid="test-result"]')).toContain('Delivered to engineer@park.test');
    expect(mails.some((m) => m.to.includes('engineer@park.test') && m.raw.includes('EV Supervisor: test notification'))).toBe(true);
    await screenshot(page, 'notifications.png', true);

    // A dead gateway address: the error the channel gave is shown.
    await page.selectOption('[data-testid="sms-kind"]', 'http');
    await page.fill('[data-testid="sms-url"]', 'http://127.0.0.1:9/send?to={to}');
    await page.click('[data-testid="notification-save"]');
    await until('the gateway saved', async () => (await server.rest<{ settings: { sms?: { url: string } } }>('/notifications/settings')).settings.sms?.url.includes(':9/'), 10_000);
    await page.selectOption('[data-testid="test-channel"]', 'sms');
    await page.fill('[data-testid="test-to"]', '+33611111111');
    await page.click('[data-testid="test-send"]');
    await until('the SMS result', async () => (await page.getAttribute('[data-testid="test-result"]', 'data-ok').catch(() => null)) === 'false', 20_000);
    expect(await page.innerText('[data-testid="test-result"]')).toMatch(/^Not delivered: .+/);
  });

  test('in French: tabs, rule conditions, form labels and the alarm text', async () => {
    await page.click('[data-testid="language-fr"]');
    await page.click('[data-testid="alarm-tab-rules"]');
    expect(await page.innerText('[data-testid="alarm-tab-rules"]')).toBe('Règles');
    expect(await page.innerText('[data-testid="alarm-tab-notifications"]')).toBe('Notifications');
    expect(await page.innerText('[data-testid="rule-condition-e2e-power"]')).toBe(`Puissance de ${STATION} au-dessus de 1 W pendant 0 s (immédiatement) (désactivée)`);
    await screenshot(page, 'alarm-rules-fr.png');
    await page.click('[data-testid="rule-edit-e2e-power"]');
    await page.waitForSelector('[data-testid="alarm-rule-form"]');
    expect(await page.textContent('[data-testid="alarm-rule-form"]')).toContain('Délai avant levée (s)');
    await page.fill('[data-testid="rule-threshold"]', '-');
    expect(await page.innerText('[data-testid="rule-problems"]')).toContain('Seuil : doit être un nombre');
    await page.click('[data-testid="rule-cancel"]');
    const banner = (await page.innerText('[data-testid="banner-message"]')).replace(/[\u202f\u00a0]/g, ' ');
    expect(banner).toBe(`${STATION} · 1 : puissance 2 500 W (au-dessus de 1 W) (règle supprimée ou désactivée)`);
    await page.click('[data-testid="language-en"]');
    expect(pageErrors.filter((e) => !/WebSocket|Sign in first|Forbidden/i.test(e))).toEqual([]);
  });
});
