// Grouping of alarm transitions into notification messages, pure. An alarm flood (200 stations
// dropping off when a switch fails) must reach each person as ONE message, and nobody may be
// sent more than the rate limit allows; a message that cannot go yet is not lost, it keeps
// collecting and leaves as soon as the limit allows.
//
// The shell calls `groupNotifications` with the transitions of each engine step (and with none
// on its periodic tick, so open batches get flushed), then hands the messages to the channels
// (SMTP, SMS gateway, push). Addresses are the shell's business: messages name recipients by id.
import { severityRank } from './views.ts';
import type { AlarmSeverity, AlarmTransition, DurationMs, EpochMs, TransitionEvent } from './types.ts';

export type NotificationChannel = 'email' | 'sms' | 'push';

export interface NotificationRecipient {
  id: string;
  /** Operator role (viewer, operator, maintenance, engineer, administrator...). */
  role: string;
  channels: readonly NotificationChannel[];
  /** Sites this person looks after; null = all sites. */
  siteIds: readonly string[] | null;
  /** Least severe alarm this person is told about. */
  minSeverity: AlarmSeverity;
}

export interface NotificationPolicy {
  recipients: readonly NotificationRecipient[];
  /** A batch opens with its first alarm and is sent this long after. */
  windowMs: DurationMs;
  /** At most `maxMessages` per recipient in any `perMs`; 0 disables the limit. */
  rateLimit: { maxMessages: number; perMs: DurationMs };
  /** Which events are worth telling people; default: raised, flappingStarted, actionsExhausted. */
  events?: readonly TransitionEvent[];
  /** Rule id → roles told about it; a rule not listed is told to every role. */
  ruleRoles?: Readonly<Record<string, readonly string[]>>;
  /** Lines listed in one message before "... and N more". Default 20. */
  maxListedAlarms?: number;
}

export const DEFAULT_NOTIFIED_EVENTS: readonly TransitionEvent[] = ['raised', 'flappingStarted', 'actionsExhausted'];
const DEFAULT_MAX_LISTED = 20;

/** One transition waiting in a recipient's batch. */
export interface NotifiedAlarm {
  seq: number;
  at: EpochMs;
  alarmId: string | null;
  event: TransitionEvent;
  ruleId: string;
  ruleName: string;
  severity: AlarmSeverity;
  siteId: string | null;
  stationId: string | null;
  message: string;
}

export interface PendingBatch {
  openedAt: EpochMs;
  items: readonly NotifiedAlarm[];
}

export interface NotificationState {
  /** Open batch per recipient id. */
  batches: ReadonlyMap<string, PendingBatch>;
  /** Send times per recipient id, within the rate-limit period. */
  sent: ReadonlyMap<string, readonly EpochMs[]>;
}

export interface NotificationMessage {
  recipientId: string;
  role: string;
  channels: readonly NotificationChannel[];
  /** The most severe alarm in the message. */
  severity: AlarmSeverity;
  subject: string;
  body: string;
  alarmIds: string[];
  siteIds: string[];
  /** Sequence numbers of the records the message reports (for the archive's delivery log). */
  transitionSeqs: number[];
  /** Number of distinct events reported. */
  count: number;
  createdAt: EpochMs;
}

export function createNotificationState(): NotificationState {
  return { batches: new Map(), sent: new Map() };
}

const EVENT_PREFIX: Partial<Record<TransitionEvent, string>> = {
  flappingStarted: 'FLAPPING ',
  actionsExhausted: 'AUTOMATIC ACTIONS FAILED ',
  cleared: 'CLEARED ',
  acknowledged: 'ACKNOWLEDGED ',
};

function isFor(recipient: NotificationRecipient, t: AlarmTransition, policy: NotificationPolicy): boolean {
  if (severityRank(t.severity) > severityRank(recipient.minSeverity)) return false;
  if (recipient.siteIds !== null && (t.source.siteId === null || !recipient.siteIds.includes(t.source.siteId))) return false;
  const roles = policy.ruleRoles && Object.hasOwn(policy.ruleRoles, t.ruleId) ? policy.ruleRoles[t.ruleId] : undefined;
  return roles === undefined || roles.includes(recipient.role);
}

function sameEvent(a: NotifiedAlarm, b: NotifiedAlarm): boolean {
  return a.alarmId !== null && a.alarmId === b.alarmId && a.event === b.event && a.ruleId === b.ruleId;
}

function iso(at: EpochMs): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : date.toISOString();
}

function compose(recipient: NotificationRecipient, items: readonly NotifiedAlarm[], policy: NotificationPolicy, now: EpochMs): NotificationMessage {
  const sorted = [...items].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.at - b.at || a.seq - b.seq);
  const first = sorted[0];
  const severity = first?.severity ?? 'info';
  const tag = `[${severity.toUpperCase()}]`;
  const line = (item: NotifiedAlarm): string => `${EVENT_PREFIX[item.event] ?? ''}${item.message}`;
  let subject: string;
  if (sorted.length === 1 && first) {
    subject = `${tag} ${line(first)}`;
  } else {
    // "Communication lost ×100, Connector faulted ×2": the flood described in one line.
    const byRule = new Map<string, number>();
    for (const item of sorted) byRule.set(item.ruleName, (byRule.get(item.ruleName) ?? 0) + 1);
    subject = `${tag} ${sorted.length} alarms: ${[...byRule].map(([name, n]) => `${name} ×${n}`).join(', ')}`;
  }
  const maxListed = Math.max(1, Math.floor(policy.maxListedAlarms ?? DEFAULT_MAX_LISTED));
  const listed = sorted.slice(0, maxListed).map((item) => `- ${iso(item.at)} [${item.severity}] ${item.ruleName}: ${line(item)}${item.alarmId ? ` (${item.alarmId})` : ''}`);
  if (sorted.length > maxListed) listed.push(`... and ${sorted.length - maxListed} more`);
  const times = sorted.map((item) => item.at);
  const header =
    sorted.length === 1
      ? `1 alarm at ${iso(times[0] ?? now)}`
      : `${sorted.length} alarms between ${iso(Math.min(...times))} and ${iso(Math.max(...times))}`;
  const unique = <T>(values: Array<T | null>): T[] => [...new Set(values.filter((v): v is T => v !== null))];
  return {
    recipientId: recipient.id,
    role: recipient.role,
    channels: recipient.channels,
    severity,
    subject,
    body: [header, '', ...listed].join('\n'),
    alarmIds: unique(sorted.map((item) => item.alarmId)),
    siteIds: unique(sorted.map((item) => item.siteId)),
    transitionSeqs: sorted.map((item) => item.seq),
    count: sorted.length,
    createdAt: now,
  };
}

/**
 * Adds the notifiable transitions to each recipient's batch, then sends every batch whose
 * window has passed and whose recipient is under the rate limit.
 */
export function groupNotifications(
  state: NotificationState,
  transitions: readonly AlarmTransition[],
  policy: NotificationPolicy,
  now: EpochMs,
): { state: NotificationState; messages: NotificationMessage[] } {
  const events = policy.events ?? DEFAULT_NOTIFIED_EVENTS;
  const recipients = policy.recipients.filter((r, index) => policy.recipients.findIndex((other) => other.id === r.id) === index);
  const batches = new Map<string, PendingBatch>();
  // Batches of people no longer in the policy are dropped with them.
  for (const r of recipients) {
    const batch = state.batches.get(r.id);
    if (batch) batches.set(r.id, batch);
  }
  for (const t of transitions) {
    // Shelved alarms are hidden on purpose; notifying them would defeat shelving.
    if (!events.includes(t.event) || t.shelved) continue;
    const item: NotifiedAlarm = {
      seq: t.seq,
      at: t.at,
      alarmId: t.alarmId,
      event: t.event,
      ruleId: t.ruleId,
      ruleName: t.ruleName,
      severity: t.severity,
      siteId: t.source.siteId,
      stationId: t.source.stationId,
      message: t.message,
    };
    for (const r of recipients) {
      if (!isFor(r, t, policy)) continue;
      const batch = batches.get(r.id);
      if (!batch) {
        batches.set(r.id, { openedAt: now, items: [item] });
        continue;
      }
      // An alarm raised twice in one window (raised, cleared, raised) is reported once, as its latest.
      const items = batch.items.filter((existing) => !sameEvent(existing, item));
      batches.set(r.id, { openedAt: batch.openedAt, items: [...items, item] });
    }
  }

  const windowMs = Number.isFinite(policy.windowMs) && policy.windowMs > 0 ? policy.windowMs : 0;
  const { maxMessages, perMs } = policy.rateLimit;
  const limited = Number.isFinite(maxMessages) && maxMessages > 0 && Number.isFinite(perMs) && perMs > 0;
  const sent = new Map<string, readonly EpochMs[]>();
  const messages: NotificationMessage[] = [];
  for (const r of recipients) {
    const recent = (state.sent.get(r.id) ?? []).filter((at) => limited && now - at < perMs);
    const batch = batches.get(r.id);
    if (batch && now - batch.openedAt >= windowMs && (!limited || recent.length < maxMessages)) {
      messages.push(compose(r, batch.items, policy, now));
      batches.delete(r.id);
      recent.push(now);
    }
    if (recent.length > 0) sent.set(r.id, recent);
  }
  return { state: { batches, sent }, messages };
}
