// Notification grouping: one message per person per window, routed by site, severity and role,
// within the rate limit, and nothing lost when the limit holds a message back.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNotificationState, groupNotifications, type NotificationMessage, type NotificationPolicy, type NotificationState } from './notifications.ts';
import { HOUR, MINUTE, SECOND, T0 } from './test-support.ts';
import type { AlarmSeverity, AlarmTransition, TransitionEvent } from './types.ts';

let seq = 0;
function transition(over: { alarmId?: string; severity?: AlarmSeverity; siteId?: string | null; ruleId?: string; event?: TransitionEvent; shelved?: boolean; at?: number } = {}): AlarmTransition {
  seq += 1;
  const alarmId = over.alarmId ?? `A${seq}`;
  return {
    seq,
    at: over.at ?? T0,
    alarmId,
    ruleId: over.ruleId ?? 'comm',
    ruleKind: 'communicationLost',
    ruleName: over.ruleId === 'fault' ? 'Connector faulted' : 'Communication lost',
    sourceKey: `station:${alarmId}`,
    source: { stationId: alarmId, evseId: null, connectorId: null, groupId: null, siteId: over.siteId === undefined ? 'north' : over.siteId, detail: null },
    severity: over.severity ?? 'major',
    event: over.event ?? 'raised',
    from: null,
    to: 'activeUnacknowledged',
    shelved: over.shelved ?? false,
    flapping: false,
    value: null,
    message: `${alarmId}: communication lost`,
    operator: null,
    comment: null,
    action: null,
  };
}

const policy: NotificationPolicy = {
  recipients: [
    { id: 'north-ops', role: 'operator', channels: ['email'], siteIds: ['north'], minSeverity: 'minor' },
    { id: 'north-maint', role: 'maintenance', channels: ['sms'], siteIds: ['north'], minSeverity: 'critical' },
    { id: 'boss', role: 'engineer', channels: ['email'], siteIds: null, minSeverity: 'major' },
  ],
  windowMs: MINUTE,
  rateLimit: { maxMessages: 1, perMs: 10 * MINUTE },
};

function feed(state: NotificationState, transitions: AlarmTransition[], at: number, p: NotificationPolicy = policy): { state: NotificationState; messages: NotificationMessage[] } {
  return groupNotifications(state, transitions, p, at);
}

describe('groupNotifications', () => {
  it('holds the first alarm for the window and sends everything that came meanwhile as one message', () => {
    let state = createNotificationState();
    let out = feed(state, [transition({ at: T0 })], T0);
    expect(out.messages).toEqual([]);
    state = out.state;
    out = feed(state, [transition({ at: T0 + 30 * SECOND }), transition({ at: T0 + 30 * SECOND, ruleId: 'fault', severity: 'critical' })], T0 + 30 * SECOND);
    expect(out.messages).toEqual([]);
    out = feed(out.state, [], T0 + MINUTE);
    const byRecipient = Object.fromEntries(out.messages.map((m) => [m.recipientId, m]));
    expect(Object.keys(byRecipient)).toEqual(['north-ops', 'boss']);
    expect(byRecipient['north-ops']).toMatchObject({ severity: 'critical', count: 3, subject: '[CRITICAL] 3 alarms: Connector faulted ×1, Communication lost ×2' });
    expect(byRecipient['north-ops']?.body.split('\n')[0]).toBe('3 alarms between 2025-01-06T08:00:00.000Z and 2025-01-06T08:00:30.000Z');
    // The critical one opened its own window for the maintenance crew, 30 s later.
    out = feed(out.state, [], T0 + 90 * SECOND);
    expect(out.messages.map((m) => [m.recipientId, m.subject, m.channels])).toEqual([['north-maint', '[CRITICAL] A3: communication lost', ['sms']]]);
  });

  it('routes by site, severity and role', () => {
    const routed: NotificationPolicy = { ...policy, windowMs: 0, ruleRoles: { fault: ['maintenance'] } };
    const out = feed(
      createNotificationState(),
      [
        transition({ siteId: 'south', severity: 'critical' }),
        transition({ siteId: 'north', severity: 'warning' }),
        transition({ siteId: 'north', severity: 'critical', ruleId: 'fault' }),
      ],
      T0,
      routed,
    );
    expect(out.messages.map((m) => [m.recipientId, m.count, m.siteIds])).toEqual([
      ['north-maint', 1, ['north']],
      ['boss', 1, ['south']],
    ]);
  });

  it('tells nobody about shelved alarms or events outside the policy', () => {
    const out = feed(createNotificationState(), [transition({ shelved: true }), transition({ event: 'cleared' }), transition({ event: 'acknowledged' })], T0 + HOUR, { ...policy, windowMs: 0 });
    expect(out.messages).toEqual([]);
    const flapping = feed(createNotificationState(), [transition({ event: 'flappingStarted' })], T0, { ...policy, windowMs: 0 });
    expect(flapping.messages[0]?.subject).toMatch(/^\[MAJOR\] FLAPPING A\d+: communication lost$/);
  });

  it('reports an alarm raised twice in one window once', () => {
    const out = feed(createNotificationState(), [transition({ alarmId: 'A7' }), transition({ alarmId: 'A7' })], T0, { ...policy, windowMs: 0 });
    expect(out.messages.find((m) => m.recipientId === 'north-ops')).toMatchObject({ count: 1, alarmIds: ['A7'] });
  });

  it('defers a message the rate limit holds back, then sends it with everything gathered meanwhile', () => {
    const p: NotificationPolicy = { ...policy, recipients: [policy.recipients[0] as NotificationPolicy['recipients'][number]] };
    let out = feed(createNotificationState(), [transition()], T0, p);
    out = feed(out.state, [], T0 + MINUTE, p);
    expect(out.messages).toHaveLength(1);
    out = feed(out.state, [transition()], T0 + 2 * MINUTE, p);
    out = feed(out.state, [], T0 + 5 * MINUTE, p);
    expect(out.messages).toEqual([]);
    out = feed(out.state, [transition()], T0 + 8 * MINUTE, p);
    out = feed(out.state, [], T0 + 11 * MINUTE - 1, p);
    expect(out.messages).toEqual([]);
    out = feed(out.state, [], T0 + 11 * MINUTE, p);
    expect(out.messages.map((m) => m.count)).toEqual([2]);
  });

  it('forgets the batches of people removed from the policy', () => {
    const out = feed(createNotificationState(), [transition()], T0);
    const next = groupNotifications(out.state, [], { ...policy, recipients: [] }, T0 + HOUR);
    expect(next.messages).toEqual([]);
    expect(next.state.batches.size).toBe(0);
  });

  it('never loses an event and never exceeds the rate limit (property)', () => {
    const recipient = { id: 'r', role: 'operator', channels: ['email' as const], siteIds: null, minSeverity: 'info' as const };
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 * MINUTE }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 2 * MINUTE }),
        fc.integer({ min: 1, max: 3 }),
        (calls, windowMs, maxMessages) => {
          const p: NotificationPolicy = { recipients: [recipient], windowMs, rateLimit: { maxMessages, perMs: 10 * MINUTE } };
          let state = createNotificationState();
          let now = T0;
          const expected = new Set<string>();
          const messages: NotificationMessage[] = [];
          for (const [dt, count] of calls) {
            now += dt;
            const batch = Array.from({ length: count }, () => transition({ at: now }));
            batch.forEach((t) => expected.add(t.alarmId ?? ''));
            const out = groupNotifications(state, batch, p, now);
            state = out.state;
            messages.push(...out.messages);
          }
          for (let i = 1; i <= 10; i++) {
            const out = groupNotifications(state, [], p, now + i * 10 * MINUTE);
            state = out.state;
            messages.push(...out.messages);
          }
          const told = messages.flatMap((m) => m.alarmIds);
          expect(new Set(told)).toEqual(expected);
          expect(told).toHaveLength(expected.size);
          const times = messages.map((m) => m.createdAt);
          for (const t of times) expect(times.filter((u) => u > t - 10 * MINUTE && u <= t).length).toBeLessThanOrEqual(maxMessages);
        },
      ),
      { numRuns: 200 },
    );
  });
});
