// Notification settings through the API contract against real servers started here: an SMTP
// server (smtp-server) and an HTTP SMS gateway. The test buttons deliver, or say why not.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestSmtp, type ReceivedMail, type TestSmtpServer } from '../alarms/test-smtp.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api/index.ts';
import type { NotificationSettingsDoc } from '../../src-shared/alarms/editor.ts';
import type { DomainEvent } from '../../src-shared/domain/index.ts';
import type { CallContext } from './api.ts';
import { startTestSupervisor, type TestSupervisor } from './test-support.ts';

const ENGINEER: CallContext = { principal: { username: 'eve', role: 'engineer' } };
let mails: ReceivedMail[] = [];
const sms: Array<{ url: string; body: string }> = [];
let smtp: TestSmtpServer;
let smtpPort = 0;
let gateway: Server;
let gatewayPort = 0;
/** What the gateway answers next (the test of a failing gateway sets 503). */
let gatewayStatus = 200;

beforeAll(async () => {
  smtp = await startTestSmtp({ user: 'mailer', password: 'smtp-secret' });
  mails = smtp.mails;
  smtpPort = smtp.port;
  gateway = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      sms.push({ url: req.url ?? '', body });
      res.writeHead(gatewayStatus, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayPort = (gateway.address() as AddressInfo).port;
});

afterAll(async () => {
  await smtp.close();
  await new Promise<void>((resolve) => gateway.close(() => resolve()));
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function settings(): NotificationSettingsDoc {
  return {
    policy: {
      recipients: [{ id: 'maint', role: 'maintenance', channels: ['email', 'sms', 'push'], siteIds: ['site'], minSeverity: 'major' }],
      windowMs: 30_000,
      rateLimit: { maxMessages: 10, perMs: 3_600_000 },
    },
    contacts: { maint: { email: 'maintenance@park.test', phone: '+33600000000' } },
    smtp: { host: '127.0.0.1', port: smtpPort, user: 'mailer', password: 'smtp-secret', from: 'supervisor@park.test' },
    sms: { kind: 'http', url: `http://127.0.0.1:${gatewayPort}/send?to={to}`, method: 'POST', body: '{"text":"{text}"}' },
  };
}

async function supervisor(): Promise<TestSupervisor> {
  const sup = await startTestSupervisor({ alarmTickMs: 50 });
  cleanups.push(() => sup.dispose());
  return sup;
}

describe('notification settings', () => {
  it('stores the settings in DATA, masks the SMTP password when read back, and keeps it when the mask is sent back', async () => {
    const sup = await supervisor();
    const saved = await sup.api.dispatch('putNotificationSettings', { settings: settings() }, ENGINEER);
    expect(saved.path).toBe(join(sup.dataDir, 'notifications.json'));
    expect(saved.settings.smtp?.password).toBe('********');
    expect(JSON.parse(readFileSync(saved.path, 'utf8')).smtp.password).toBe('smtp-secret');

    const edited = (await sup.api.dispatch('getNotificationSettings', {}, ENGINEER)).settings;
    edited.policy.windowMs = 60_000;
    await sup.api.dispatch('putNotificationSettings', { settings: edited }, ENGINEER);
    const stored = JSON.parse(readFileSync(saved.path, 'utf8')) as NotificationSettingsDoc;
    expect(stored.policy.windowMs).toBe(60_000);
    expect(stored.smtp?.password).toBe('smtp-secret');
    // The audit log records the change, never the password.
    const audit = sup.archive.audit({ action: 'putNotificationSettings' });
    expect(audit.items).toHaveLength(2);
    expect(JSON.stringify(audit.items)).not.toContain('smtp-secret');
  });

  it('refuses bad settings naming the field, and changes nothing', async () => {
    const sup = await supervisor();
    const bad = settings();
    bad.smtp = { host: '127.0.0.1', port: 70_000, from: 'x@park.test' };
    bad.contacts = { maint: { phone: '+33600000000' } };
    const error = await sup.api.dispatch('putNotificationSettings', { settings: bad }, ENGINEER).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('BadRequest');
    expect((error as ApiError).message).toMatch(/\/smtp\/port must be <= 65535/);
    expect(existsSync(join(sup.dataDir, 'notifications.json'))).toBe(false);
    const missingMail = settings();
    missingMail.contacts = { maint: { phone: '+33600000000' } };
    await expect(sup.api.dispatch('putNotificationSettings', { settings: missingMail }, ENGINEER)).rejects.toThrow(/\/contacts\/maint\/email is required/);
    expect((await sup.api.dispatch('getNotificationSettings', {}, ENGINEER)).settings.policy.recipients).toEqual([]);
  });

  it('test-sends an e-mail through the real SMTP server (with its login), an SMS through the real gateway and a push, each reported delivered', async () => {
    const sup = await supervisor();
    await sup.api.dispatch('putNotificationSettings', { settings: settings() }, ENGINEER);
    const pushes: DomainEvent[] = [];
    sup.bus.subscribe((e) => e.type === 'notification' && pushes.push(e));

    const mail = await sup.api.dispatch('testNotification', { channel: 'email', to: 'engineer@park.test' }, ENGINEER);
    expect(mail).toMatchObject({ channel: 'email', address: 'engineer@park.test', ok: true, error: null });
    const received = mails.find((m) => m.to.includes('engineer@park.test'));
    expect(received?.raw).toMatch(/Subject: EV Supervisor: test notification/);
    expect(received?.user).toBe('mailer');

    const text = await sup.api.dispatch('testNotification', { channel: 'sms', to: '+33611111111' }, ENGINEER);
    expect(text).toMatchObject({ channel: 'sms', ok: true, error: null });
    expect(sms.at(-1)?.url).toBe('/send?to=%2B33611111111');
    expect(sms.at(-1)?.body).toBe('{"text":"EV Supervisor: test notification"}');

    const push = await sup.api.dispatch('testNotification', { channel: 'push', to: '' }, ENGINEER);
    expect(push).toMatchObject({ channel: 'push', ok: true });
    expect(pushes).toHaveLength(1);
    expect(sup.archive.audit({ action: 'testNotification' }).items).toHaveLength(3);
  });

  it('reports the error text when the gateway fails, the SMTP login is wrong, or no SMTP server is configured', async () => {
    const sup = await supervisor();
    const noSmtp = await sup.api.dispatch('testNotification', { channel: 'email', to: 'engineer@park.test' }, ENGINEER);
    expect(noSmtp).toMatchObject({ ok: false, error: 'SMTP is not configured' });

    const wrong = settings();
    if (wrong.smtp) wrong.smtp.password = 'not-the-secret';
    await sup.api.dispatch('putNotificationSettings', { settings: wrong }, ENGINEER);
    const refused = await sup.api.dispatch('testNotification', { channel: 'email', to: 'engineer@park.test' }, ENGINEER);
    expect(refused.ok).toBe(false);
    expect(refused.error).toMatch(/Invalid login|Invalid username or password/);

    gatewayStatus = 503;
    try {
      const failed = await sup.api.dispatch('testNotification', { channel: 'sms', to: '+33611111111' }, ENGINEER);
      expect(failed).toMatchObject({ ok: false, error: 'gateway answered HTTP 503' });
    } finally {
      gatewayStatus = 200;
    }
    await expect(sup.api.dispatch('testNotification', { channel: 'sms', to: ' ' }, ENGINEER)).rejects.toThrow(/to is required/);
  });
});
