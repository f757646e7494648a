// Notification delivery, the I/O shell around `groupNotifications`: e-mail through SMTP
// (nodemailer), SMS through an HTTP gateway (a request template) or e-mail-to-SMS, and push to
// connected clients through the bus. Every delivery attempt is logged with its result.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { AlarmTransition } from '../../src-shared/alarms/types.ts';
import type { DomainBus } from '../bus/index.ts';
import { createNotificationState, groupNotifications, type NotificationMessage, type NotificationPolicy, type NotificationState } from './notifications.ts';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  user?: string;
  password?: string;
  from: string;
}

/**
 * An SMS gateway reached over HTTP: `{to}` and `{text}` in the URL, headers and body are
 * replaced by the (URL- or JSON-escaped) number and text. Or e-mail-to-SMS: mail to
 * `<number>@<emailDomain>` through the SMTP settings.
 */
export type SmsSettings =
  | { kind: 'http'; url: string; method?: 'POST' | 'GET'; headers?: Record<string, string>; body?: string; maxLength?: number }
  | { kind: 'email'; emailDomain: string; maxLength?: number };

export interface Contact {
  email?: string;
  phone?: string;
}

export interface NotificationSettings {
  policy: NotificationPolicy;
  /** Recipient id → addresses. */
  contacts: Record<string, Contact>;
  smtp?: SmtpSettings;
  sms?: SmsSettings;
}

export interface DeliveryRecord {
  at: string;
  recipientId: string;
  channel: 'email' | 'sms' | 'push';
  address: string | null;
  subject: string;
  ok: boolean;
  error: string | null;
}

function createMailer(settings: NotificationSettings): Transporter | null {
  return settings.smtp
    ? nodemailer.createTransport({
        host: settings.smtp.host,
        port: settings.smtp.port,
        secure: settings.smtp.secure ?? false,
        auth: settings.smtp.user ? { user: settings.smtp.user, pass: settings.smtp.password ?? '' } : undefined,
        // A control room must not hang on a dead mail server.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      })
    : null;
}

function fill(template: string, values: Record<string, string>, escape: (v: string) => string): string {
  return template.replace(/\{(to|text|subject)\}/g, (_m, key: string) => escape(values[key] ?? ''));
}

export class NotificationDelivery {
  private state: NotificationState = createNotificationState();
  private settings: NotificationSettings;
  private readonly bus: DomainBus;
  private readonly log: Logger;
  private mailer: Transporter | null;
  private readonly ticker: NodeJS.Timeout;
  /** Recent delivery attempts, newest last (bounded), for the settings screen and tests. */
  readonly deliveries: DeliveryRecord[] = [];

  constructor(settings: NotificationSettings, bus: DomainBus, log: Logger, tickMs = 1000) {
    this.settings = settings;
    this.bus = bus;
    this.log = log;
    this.mailer = createMailer(settings);
    this.ticker = setInterval(() => this.offer([]), tickMs);
    this.ticker.unref();
  }

  /** Hands a step's transitions to the grouping; messages that are due leave at once. */
  offer(transitions: readonly AlarmTransition[]): void {
    const { state, messages } = groupNotifications(this.state, transitions, this.settings.policy, Date.now());
    this.state = state;
    for (const message of messages) void this.deliver(message);
  }

  private async deliver(message: NotificationMessage): Promise<void> {
    const contact = this.settings.contacts[message.recipientId] ?? {};
    const jobs: Array<Promise<unknown>> = [];
    for (const channel of message.channels) {
      if (channel === 'push') {
        this.bus.publish({ type: 'notification', notification: { recipientId: message.recipientId, severity: message.severity, subject: message.subject, body: message.body, alarmIds: message.alarmIds } });
        this.record(message, 'push', null, true, null);
      } else if (channel === 'email') {
        if (contact.email) jobs.push(this.sendEmail(message, contact.email));
        else this.record(message, 'email', null, false, 'no e-mail address for this recipient');
      } else if (channel === 'sms') {
        if (contact.phone) jobs.push(this.sendSms(message, contact.phone));
        else this.record(message, 'sms', null, false, 'no phone number for this recipient');
      }
    }
    await Promise.all(jobs);
  }

  private async sendEmail(message: Pick<NotificationMessage, 'recipientId' | 'subject' | 'body'>, to: string): Promise<void> {
    if (!this.mailer || !this.settings.smtp) {
      this.record(message, 'email', to, false, 'SMTP is not configured');
      return;
    }
    try {
      await this.mailer.sendMail({ from: this.settings.smtp.from, to, subject: message.subject, text: message.body });
      this.record(message, 'email', to, true, null);
    } catch (error) {
      this.record(message, 'email', to, false, error instanceof Error ? error.message : String(error));
    }
  }

  private async sendSms(message: Pick<NotificationMessage, 'recipientId' | 'subject' | 'body'>, to: string): Promise<void> {
    const sms = this.settings.sms;
    if (!sms) {
      this.record(message, 'sms', to, false, 'no SMS gateway is configured');
      return;
    }
    const text = `${message.subject}`.slice(0, sms.maxLength ?? 160);
    try {
      if (sms.kind === 'email') {
        await this.sendEmail({ ...message, body: text }, `${to.replace(/[^+\d]/g, '')}@${sms.emailDomain}`);
        return;
      }
      const values = { to, text, subject: message.subject };
      const url = fill(sms.url, values, encodeURIComponent);
      const headers = Object.fromEntries(Object.entries(sms.headers ?? {}).map(([k, v]) => [k, fill(v, values, (x) => x)]));
      const body = sms.body === undefined ? undefined : fill(sms.body, values, (x) => JSON.stringify(x).slice(1, -1));
      const response = await fetch(url, { method: sms.method ?? 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`gateway answered HTTP ${response.status}`);
      this.record(message, 'sms', to, true, null);
    } catch (error) {
      this.record(message, 'sms', to, false, error instanceof Error ? error.message : String(error));
    }
  }

  /** The settings in force (secrets included: the caller masks them). */
  current(): NotificationSettings {
    return this.settings;
  }

  /** New settings, applied at once; batches waiting for their window keep waiting under the new policy. */
  reconfigure(settings: NotificationSettings): void {
    this.mailer?.close();
    this.settings = settings;
    this.mailer = createMailer(settings);
  }

  /** The settings screen's test button: one message through one channel to one address (push: to every connected client). */
  async sendTest(channel: 'email' | 'sms' | 'push', to: string, recipientId = 'test'): Promise<DeliveryRecord> {
    const message = { recipientId, subject: 'EV Supervisor: test notification', body: 'This is a test message sent from the notification settings.' };
    if (channel === 'email') await this.sendEmail(message, to);
    else if (channel === 'sms') await this.sendSms(message, to);
    else {
      this.bus.publish({ type: 'notification', notification: { recipientId, severity: 'info', subject: message.subject, body: message.body, alarmIds: [] } });
      this.record(message, 'push', null, true, null);
    }
    return this.deliveries[this.deliveries.length - 1] as DeliveryRecord;
  }

  private record(message: Pick<NotificationMessage, 'recipientId' | 'subject'>, channel: DeliveryRecord['channel'], address: string | null, ok: boolean, error: string | null): void {
    const entry: DeliveryRecord = { at: new Date().toISOString(), recipientId: message.recipientId, channel, address, subject: message.subject, ok, error };
    this.deliveries.push(entry);
    if (this.deliveries.length > 500) this.deliveries.shift();
    if (ok) this.log.info({ recipient: entry.recipientId, channel, address }, 'notification sent');
    else this.log.warn({ recipient: entry.recipientId, channel, address, error }, 'notification not sent');
  }

  close(): void {
    clearInterval(this.ticker);
    this.mailer?.close();
  }
}
