// Reads the notification settings file given to --notifications (or DATA/notifications.json, the
// one the settings screen writes); errors name the field.
import { readFileSync } from 'node:fs';
import type { NotificationChannelName, NotificationSettingsDoc, NotificationSettingsInfo, NotificationTestResult } from '../../src-shared/alarms/editor.ts';
import type { NotificationDelivery, NotificationSettings } from '../alarms/index.ts';
import { createAjv } from '../schemas/index.ts';
import { replaceFile } from '../files/index.ts';

const severity = { enum: ['critical', 'major', 'minor', 'warning', 'info'] };
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['policy', 'contacts'],
  properties: {
    policy: {
      type: 'object',
      required: ['recipients', 'windowMs', 'rateLimit'],
      properties: {
        recipients: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'role', 'channels', 'siteIds', 'minSeverity'],
            properties: {
              id: { type: 'string', minLength: 1 },
              role: { type: 'string', minLength: 1 },
              channels: { type: 'array', items: { enum: ['email', 'sms', 'push'] } },
              siteIds: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: 'string' } }] },
              minSeverity: severity,
            },
          },
        },
        windowMs: { type: 'integer', minimum: 0 },
        rateLimit: { type: 'object', required: ['maxMessages', 'perMs'], properties: { maxMessages: { type: 'integer', minimum: 0 }, perMs: { type: 'integer', minimum: 0 } } },
      },
    },
    contacts: {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: false, properties: { email: { type: 'string', format: 'email' }, phone: { type: 'string', pattern: '^\\+?[0-9 ]{6,20}$' } } },
    },
    smtp: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'port', 'from'],
      properties: { host: { type: 'string' }, port: { type: 'integer', minimum: 1, maximum: 65535 }, secure: { type: 'boolean' }, user: { type: 'string' }, password: { type: 'string' }, from: { type: 'string' } },
    },
    sms: {
      // if/then rather than oneOf: a mistake in an HTTP gateway is reported against the HTTP fields only.
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: ['http', 'email'] } },
      allOf: [
        {
          if: { properties: { kind: { const: 'http' } } },
          then: {
            additionalProperties: false,
            required: ['kind', 'url'],
            // {to} and {text} may sit in the URL, so it is checked as http(s)://... rather than as a strict URI.
            properties: { kind: { const: 'http' }, url: { type: 'string', pattern: '^https?://[^\\s]+$' }, method: { enum: ['POST', 'GET'] }, headers: { type: 'object', additionalProperties: { type: 'string' } }, body: { type: 'string' }, maxLength: { type: 'integer', minimum: 1 } },
          },
        },
        {
          if: { properties: { kind: { const: 'email' } } },
          then: { additionalProperties: false, required: ['kind', 'emailDomain'], properties: { kind: { const: 'email' }, emailDomain: { type: 'string', minLength: 1 }, maxLength: { type: 'integer', minimum: 1 } } },
        },
      ],
    },
  },
};

const validate = createAjv({ allErrors: true }).compile(schema);

/** Nobody told, nothing configured: what runs until someone fills the settings in. */
export const EMPTY_NOTIFICATION_SETTINGS: NotificationSettings = { policy: { recipients: [], windowMs: 30_000, rateLimit: { maxMessages: 10, perMs: 3_600_000 } }, contacts: {} };

/** What shows instead of a stored password; sending it back keeps the stored one. */
export const MASKED_SECRET = '********';

/** Every problem of a settings document, each naming its field ("/smtp/port must be <= 65535"); empty when valid. */
export function notificationSettingsProblems(data: unknown): string[] {
  if (validate(data)) {
    const settings = data as unknown as NotificationSettings;
    const ids = settings.policy.recipients.map((r) => r.id);
    const problems = ids.filter((id, i) => ids.indexOf(id) !== i).map((id) => `/policy/recipients: the id ${id} is used twice`);
    settings.policy.recipients.forEach((r, i) => {
      const contact = settings.contacts[r.id];
      if (r.channels.includes('email') && !contact?.email) problems.push(`/contacts/${r.id}/email is required: recipient ${i + 1} (${r.id}) is told by e-mail`);
      if (r.channels.includes('sms') && !contact?.phone) problems.push(`/contacts/${r.id}/phone is required: recipient ${i + 1} (${r.id}) is told by SMS`);
    });
    return problems;
  }
  const seen = new Set<string>();
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`)
    .filter((text) => !seen.has(text) && seen.add(text))
    .slice(0, 10);
}

/** A copy fit to show: the SMTP password replaced by MASKED_SECRET. */
export function maskNotificationSettings(settings: NotificationSettings): NotificationSettings {
  const copy = structuredClone(settings);
  if (copy.smtp?.password) copy.smtp.password = MASKED_SECRET;
  return copy;
}

/** `next` as sent by the screen, with a masked password put back to the stored one. */
export function unmaskNotificationSettings(next: NotificationSettings, stored: NotificationSettings): NotificationSettings {
  const copy = structuredClone(next);
  if (copy.smtp && copy.smtp.password === MASKED_SECRET) {
    if (stored.smtp?.password) copy.smtp.password = stored.smtp.password;
    else delete copy.smtp.password;
  }
  return copy;
}

export async function saveNotificationSettings(path: string, settings: NotificationSettings): Promise<void> {
  // It may hold the SMTP password: readable by the supervisor's account only.
  await replaceFile(path, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}

export function loadNotificationSettings(path: string): NotificationSettings {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: cannot read the notification settings: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!validate(data)) {
    const problems = (validate.errors ?? []).slice(0, 10).map((e) => `  ${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
    throw new Error(`${path} is not valid notification settings:\n${problems.join('\n')}`);
  }
  return data as unknown as NotificationSettings;
}

/** A settings document the screen sent that cannot be used: every problem, each naming its field. */
export class NotificationSettingsRejected extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`The notification settings are not valid: ${problems.join('; ')}`);
    this.name = 'NotificationSettingsRejected';
    this.problems = problems;
  }
}

/** The notification settings screen's server side: read (masked), check, store, apply live, test-send. */
export class NotificationSettingsEditor {
  private readonly delivery: NotificationDelivery;
  readonly path: string;

  constructor(delivery: NotificationDelivery, path: string) {
    this.delivery = delivery;
    this.path = path;
  }

  get(): NotificationSettingsInfo {
    return { settings: maskNotificationSettings(this.delivery.current()) as unknown as NotificationSettingsDoc, path: this.path };
  }

  /** Checked, stored, then applied; a bad document changes nothing. */
  async put(next: NotificationSettingsDoc): Promise<NotificationSettingsInfo> {
    const settings = unmaskNotificationSettings(next as unknown as NotificationSettings, this.delivery.current());
    const problems = notificationSettingsProblems(settings);
    if (problems.length > 0) throw new NotificationSettingsRejected(problems);
    await saveNotificationSettings(this.path, settings);
    this.delivery.reconfigure(settings);
    return this.get();
  }

  /** One test message through one channel; the answer says delivered or why not. */
  async test(channel: NotificationChannelName, to: string): Promise<NotificationTestResult> {
    const record = await this.delivery.sendTest(channel, to);
    return { at: record.at, channel: record.channel, address: record.address, ok: record.ok, error: record.error };
  }
}
