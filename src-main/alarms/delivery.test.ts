// Notifications against real servers started here: an SMTP server (smtp-server) and an HTTP
// SMS gateway. 100 real stations drop at once: 100 alarms, ONE grouped e-mail, ONE SMS, one
// push; all alarms clear when the stations come back.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestSmtp, type ReceivedMail, type TestSmtpServer } from './test-smtp.ts';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmRule } from '../../src-shared/alarms/types.ts';
import type { DomainEvent, PushNotification } from '../../src-shared/domain/index.ts';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { connectRaw, eventually, startTestSupervisor, type RawStation, type TestSupervisor } from '../app/test-support.ts';
import type { NotificationSettings } from './delivery.ts';


let mails: ReceivedMail[] = [];
const smsRequests: Array<{ url: string; body: string; auth: string | undefined }> = [];
let smtp: TestSmtpServer;
let smtpPort = 0;
let gateway: Server;
let gatewayPort = 0;

beforeAll(async () => {
  smtp = await startTestSmtp();
  mails = smtp.mails;
  smtpPort = smtp.port;
  gateway = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      smsRequests.push({ url: req.url ?? '', body, auth: req.headers.authorization });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"queued":true}');
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayPort = (gateway.address() as AddressInfo).port;
});

afterAll(async () => {
  await smtp.close();
  await new Promise<void>((resolve) => gateway.close(() => resolve()));
});

const RULES: AlarmRule[] = [{ id: 'comm-lost', kind: 'communicationLost', name: 'Communication lost', severity: 'major', onDelayMs: 100, offDelayMs: 0, flapSuppression: null }];

function settings(): NotificationSettings {
  return {
    policy: {
      recipients: [{ id: 'maint', role: 'maintenance', channels: ['email', 'sms', 'push'], siteIds: null, minSeverity: 'minor' }],
      windowMs: 3000,
      rateLimit: { maxMessages: 10, perMs: 3_600_000 },
    },
    contacts: { maint: { email: 'maintenance@park.test', phone: '+33600000001' } },
    smtp: { host: '127.0.0.1', port: smtpPort, from: 'supervisor@park.test' },
    sms: { kind: 'http', url: `http://127.0.0.1:${gatewayPort}/send?to={to}`, headers: { Authorization: 'Bearer sms-token' }, body: '{"text":"{text}"}' },
  };
}

function project(count: number): ProjectFile {
  return {
    formatVersion: 1,
    name: 'flood',
    sites: [
      {
        id: 'site-a',
        name: 'Site A',
        groups: [{ id: 'g', name: 'g', maxPowerW: 1e6 }],
        stations: Array.from({ length: count }, (_, i) => ({ id: `F-${String(i + 1).padStart(3, '0')}`, group: 'g', protocol: 'ocpp1.6' as const, kind: 'AC' as const, maxPowerW: 22_000, connectors: 1 })),
      },
    ],
  };
}

describe('notifications', () => {
  let sup: TestSupervisor;

  it('100 stations dropping at once send ONE e-mail, ONE SMS and one push, and every alarm clears when they return', async () => {
    sup = await startTestSupervisor({ project: project(100), alarmRules: RULES, alarmTickMs: 50, notifications: settings() });
    try {
      const pushes: PushNotification[] = [];
      sup.bus.subscribe((e: DomainEvent) => {
        if (e.type === 'notification') pushes.push(e.notification);
      });
      const ids = Array.from({ length: 100 }, (_, i) => `F-${String(i + 1).padStart(3, '0')}`);
      const connect = async () => {
        const list: RawStation[] = [];
        for (const id of ids) {
          const s = await connectRaw(sup.ocppUrl, id, 'ocpp1.6', null);
          await s.call('BootNotification', { chargePointVendor: 'A', chargePointModel: 'B' });
          list.push(s);
        }
        return list;
      };
      const stations = await connect();
      await Promise.all(stations.map((s) => s.close()));
      await eventually(() => sup.alarms.list().filter((a) => a.state === 'activeUnacknowledged').length === 100, 10_000);
      await eventually(() => mails.length >= 1 && smsRequests.length >= 1 && pushes.length >= 1, 10_000);
      // The window closed once: give a late duplicate the chance to show up, then count.
      await new Promise((r) => setTimeout(r, 1200));
      expect(mails).toHaveLength(1);
      expect(mails[0]?.to).toEqual(['maintenance@park.test']);
      const mail = await simpleParser(mails[0]?.raw ?? '');
      expect(mail.subject).toContain('100 alarms');
      // The first 20 alarms are listed, then the remainder is counted.
      expect(mail.text?.match(/Communication lost: F-\d{3}/g)).toHaveLength(20);
      expect(mail.text).toMatch(/80 more/);
      expect(smsRequests).toHaveLength(1);
      expect(smsRequests[0]?.url).toBe('/send?to=%2B33600000001');
      expect(smsRequests[0]?.auth).toBe('Bearer sms-token');
      expect(JSON.parse(smsRequests[0]?.body ?? '{}').text).toContain('100');
      expect(pushes).toHaveLength(1);
      expect(pushes[0]?.alarmIds).toHaveLength(100);
      expect(sup.notifications?.deliveries.filter((d) => d.ok).map((d) => d.channel).sort()).toEqual(['email', 'push', 'sms']);

      const back = await connect();
      await eventually(() => sup.alarms.list().every((a) => a.state === 'clearedUnacknowledged'), 10_000);
      expect(sup.alarms.list()).toHaveLength(100);
      const outcome = await sup.api.dispatch('acknowledgeAlarms', { alarmIds: sup.alarms.list().map((a) => a.id), comment: 'switch replaced' }, { principal: { username: 'maintenance', role: 'maintenance' } });
      expect(outcome.accepted).toHaveLength(100);
      expect(sup.alarms.list()).toEqual([]);
      await Promise.all(back.map((s) => s.close()));
    } finally {
      await sup.dispose();
    }
  });

  it('the test-send button reaches the SMTP server, and a wrong SMTP address is reported, not thrown', async () => {
    sup = await startTestSupervisor({ notifications: settings() });
    const broken = await startTestSupervisor({ notifications: { ...settings(), smtp: { host: '127.0.0.1', port: 1, from: 'x@park.test' } } });
    try {
      const before = mails.length;
      const ok = await sup.notifications?.sendTest('email', 'engineer@park.test');
      expect(ok).toMatchObject({ ok: true, channel: 'email', address: 'engineer@park.test' });
      expect(mails.length).toBe(before + 1);
      expect((await simpleParser(mails.at(-1)?.raw ?? '')).subject).toContain('test notification');
      const failed = await broken.notifications?.sendTest('email', 'engineer@park.test');
      expect(failed?.ok).toBe(false);
      expect(failed?.error).toMatch(/ECONNREFUSED|connect/i);
    } finally {
      await sup.dispose();
      await broken.dispose();
    }
  });
});
