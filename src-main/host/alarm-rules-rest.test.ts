// REST for the alarm rule editor and the notification settings (issue 5), against a real
// in-process server: every answer, and that a refused request changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmRulesInfo, NotificationSettingsInfo } from '../../src-shared/alarms/editor.ts';
import type { AlarmRuleProblem } from '../../src-shared/alarms/rule-check.ts';
import { startTestSupervisor, type TestSupervisor } from '../app/test-support.ts';

let sup: TestSupervisor;
beforeEach(async () => {
  sup = await startTestSupervisor();
});
afterEach(async () => {
  await sup.dispose();
});

async function rest<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${sup.url}/api/v1${path}`, {
    method,
    headers: { Authorization: 'Bearer test-key', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const RULE = { name: 'CP16 hot current', kind: 'measurementThreshold', severity: 'major', quantity: 'Current.Import', comparison: 'above', threshold: 32, hysteresis: 2, phase: 'L1' };

describe('REST alarm rules and notification settings', () => {
  it('lists the defaults, adds a rule by PUT, replaces it, deletes it; 404 for an unknown rule', async () => {
    const listed = await rest<AlarmRulesInfo>('GET', '/alarm-rules');
    expect(listed.status).toBe(200);
    expect(listed.body.origin).toBe('defaults');
    expect(listed.body.rules.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['communicationLost', 'connectorFaulted', 'chargeStalled', 'transactionTooLong', 'groupLimitExceeded', 'profileNotApplied', 'firmwareFailed', 'diagnosticsFailed', 'securityEvent']),
    );

    const added = await rest<AlarmRulesInfo>('PUT', '/alarm-rules/hot-current', RULE);
    expect(added.status).toBe(200);
    expect(added.body.rules.find((r) => r.id === 'hot-current')).toMatchObject({ threshold: 32, phase: 'L1' });
    const replaced = await rest<AlarmRulesInfo>('PUT', '/alarm-rules/hot-current', { ...RULE, threshold: 40 });
    expect(replaced.body.rules.filter((r) => r.id === 'hot-current')).toEqual([expect.objectContaining({ threshold: 40 })]);
    expect(sup.alarms.ruleSet().find((r) => r.id === 'hot-current')).toMatchObject({ threshold: 40 });

    const deleted = await rest<AlarmRulesInfo>('DELETE', '/alarm-rules/hot-current');
    expect(deleted.status).toBe(200);
    expect(deleted.body.rules.some((r) => r.id === 'hot-current')).toBe(false);
    const again = await rest<{ error: string; message: string }>('DELETE', '/alarm-rules/hot-current');
    expect(again).toEqual({ status: 404, body: { error: 'NotFound', message: 'No alarm rule hot-current' } });
  });

  it('answers 400 naming every bad field and changes nothing; validate answers the problems without saving', async () => {
    const refused = await rest<{ error: string; message: string }>('PUT', '/alarm-rules/bad', { ...RULE, severity: 'urgent', threshold: null });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('The alarm rule is not valid: severity must be one of critical, major, minor, warning, info; threshold must be a number');
    expect(sup.alarms.ruleSet().some((r) => r.id === 'bad')).toBe(false);

    const checked = await rest<{ problems: AlarmRuleProblem[] }>('POST', '/alarm-rules/validate', { ...RULE, id: 'hot current', automaticActions: { steps: [{ kind: 'reset', type: 'soft' }], maxAttempts: 11, spacingMs: 1000, recoveryMs: 0, raise: 'immediately' } });
    expect(checked.status).toBe(200);
    expect(checked.body.problems.map((p) => [p.field, p.key])).toEqual([
      ['id', 'idFormat'],
      ['automaticActions.maxAttempts', 'maxAttempts'],
    ]);
  });

  it('reads and writes the notification settings, and test-sends a push', async () => {
    const empty = await rest<NotificationSettingsInfo>('GET', '/notifications/settings');
    expect(empty.body.settings.policy.recipients).toEqual([]);
    const bad = await rest<{ message: string }>('PUT', '/notifications/settings', { ...empty.body.settings, policy: { ...empty.body.settings.policy, windowMs: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('/policy/windowMs must be >= 0');
    const put = await rest<NotificationSettingsInfo>('PUT', '/notifications/settings', { ...empty.body.settings, policy: { ...empty.body.settings.policy, windowMs: 5000 } });
    expect(put.body.settings.policy.windowMs).toBe(5000);
    const push = await rest<{ ok: boolean; channel: string }>('POST', '/notifications/test', { channel: 'push', to: '' });
    expect(push).toMatchObject({ status: 200, body: { ok: true, channel: 'push' } });
  });
});
