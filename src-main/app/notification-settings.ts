// Reads the notification settings file given to --notifications; errors name the field.
import { readFileSync } from 'node:fs';
import type { NotificationSettings } from '../alarms/index.ts';
import { createAjv } from '../schemas/index.ts';

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
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'url'],
          properties: { kind: { const: 'http' }, url: { type: 'string', format: 'uri' }, method: { enum: ['POST', 'GET'] }, headers: { type: 'object', additionalProperties: { type: 'string' } }, body: { type: 'string' }, maxLength: { type: 'integer', minimum: 1 } },
        },
        { type: 'object', additionalProperties: false, required: ['kind', 'emailDomain'], properties: { kind: { const: 'email' }, emailDomain: { type: 'string' }, maxLength: { type: 'integer', minimum: 1 } } },
      ],
    },
  },
};

const validate = createAjv({ allErrors: true }).compile(schema);

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
