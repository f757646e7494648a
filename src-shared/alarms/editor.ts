// What the alarm rule editor and the notification settings screen exchange with the main process
// (the API contract's types for issue 5). Plain data only.
import type { AlarmRule, AlarmSeverity } from './types.ts';

/** Where the running rule set came from: edited in the UI (DATA/alarm-rules.json), the project's `alarmRules`, or the built-in defaults. */
export type AlarmRuleOrigin = 'edited' | 'project' | 'defaults';

export interface AlarmRulesInfo {
  rules: AlarmRule[];
  origin: AlarmRuleOrigin;
  savedAt: string | null;
  savedBy: string | null;
  /** Ids the scope may name (declared stations, sites). */
  stationIds: string[];
  siteIds: string[];
}

export type NotificationChannelName = 'email' | 'sms' | 'push';
export const NOTIFICATION_CHANNELS: readonly NotificationChannelName[] = ['email', 'sms', 'push'];

export interface NotificationRecipientSettings {
  id: string;
  /** Operator role (viewer, operator, maintenance, engineer, administrator). */
  role: string;
  channels: NotificationChannelName[];
  /** Sites this person looks after; null = all sites. */
  siteIds: string[] | null;
  /** Least severe alarm this person is told about. */
  minSeverity: AlarmSeverity;
}

export interface SmtpSettingsDoc {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  /** Shown as '********'; sending that back keeps the stored password. */
  password?: string;
  from: string;
}

export type SmsSettingsDoc =
  | { kind: 'http'; url: string; method?: 'POST' | 'GET'; headers?: Record<string, string>; body?: string; maxLength?: number }
  | { kind: 'email'; emailDomain: string; maxLength?: number };

/** The notification settings as stored (the --notifications file format, README). */
export interface NotificationSettingsDoc {
  policy: {
    recipients: NotificationRecipientSettings[];
    /** Alarms raised within this window reach each recipient as one message, ms. */
    windowMs: number;
    /** At most maxMessages per recipient in any perMs (0 = no limit). */
    rateLimit: { maxMessages: number; perMs: number };
  };
  contacts: Record<string, { email?: string; phone?: string }>;
  smtp?: SmtpSettingsDoc;
  sms?: SmsSettingsDoc;
}

export interface NotificationSettingsInfo {
  settings: NotificationSettingsDoc;
  /** The file the settings are saved to. */
  path: string;
}

/** The answer of a test send: delivered, or the error the channel gave. */
export interface NotificationTestResult {
  at: string;
  channel: NotificationChannelName;
  address: string | null;
  ok: boolean;
  error: string | null;
}
