import { describe, expect, it } from 'vitest';
import { checkAlarmRule, cleanAlarmRule } from './rule-check.ts';
import type { AlarmRule } from './types.ts';

const CONTEXT = { otherRuleIds: ['comm-lost'], stationIds: ['P1-CP01', 'P1-CP02'], siteIds: ['site-a'] };
const GOOD = {
  id: 'p1-power',
  name: 'P1-CP01 idle while charging',
  kind: 'measurementThreshold',
  severity: 'minor',
  quantity: 'Power.Active.Import',
  comparison: 'below',
  threshold: 100,
  hysteresis: 20,
  onDelayMs: 300_000,
  scope: { stationIds: ['P1-CP01'] },
};

const fields = (rule: unknown) => checkAlarmRule(rule, CONTEXT).map((p) => p.field);

describe('checkAlarmRule', () => {
  it('accepts a complete threshold rule', () => {
    expect(checkAlarmRule(GOOD, CONTEXT)).toEqual([]);
  });

  it('names the faulty field of each common problem, in English and as a key for translation', () => {
    const problems = checkAlarmRule({ ...GOOD, id: 'comm-lost', name: ' ', severity: 'loud', onDelayMs: -1 }, CONTEXT);
    expect(problems.map((p) => [p.field, p.key])).toEqual([
      ['id', 'idTaken'],
      ['name', 'required'],
      ['severity', 'unknownSeverity'],
      ['onDelayMs', 'duration'],
    ]);
    expect(problems[2]?.message).toBe('severity must be one of critical, major, minor, warning, info');
    expect(problems[2]?.params).toEqual({ allowed: 'critical, major, minor, warning, info' });
  });

  it('names threshold fields: unknown quantity, comparison, phase', () => {
    expect(fields({ ...GOOD, quantity: 'Temperature', comparison: 'equal', phase: 'L4' })).toEqual(['quantity', 'comparison', 'phase']);
  });

  it('points at the scope entry that names an unknown station or site, and refuses an empty list', () => {
    const problems = checkAlarmRule({ ...GOOD, scope: { stationIds: ['P1-CP01', 'P9-CP99'], siteIds: [] } }, CONTEXT);
    expect(problems.map((p) => p.field)).toEqual(['scope.stationIds.1', 'scope.siteIds']);
    expect(problems[0]?.message).toBe('scope.stationIds.1 names station P9-CP99, which the supervisor does not know');
  });

  it('bounds automatic actions: attempts, spacing, step parameters, and none on group rules', () => {
    const actions = { steps: [{ kind: 'reset', type: 'very hard' }], maxAttempts: 50, spacingMs: 10, recoveryMs: 0, raise: 'later' };
    expect(fields({ ...GOOD, automaticActions: actions })).toEqual([
      'automaticActions.steps.0.type',
      'automaticActions.maxAttempts',
      'automaticActions.spacingMs',
      'automaticActions.raise',
    ]);
    expect(fields({ id: 'g', name: 'G', kind: 'groupLimitExceeded', severity: 'major', automaticActions: { ...actions, steps: [] } })).toEqual(['automaticActions']);
  });

  it('checks the parameters of the built-in kinds', () => {
    expect(fields({ id: 's', name: 'S', kind: 'chargeStalled', severity: 'minor', minPowerW: -1 })).toEqual(['minPowerW', 'stalledForMs']);
    expect(fields({ id: 't', name: 'T', kind: 'transactionTooLong', severity: 'info', maxDurationMs: 0 })).toEqual(['maxDurationMs']);
    expect(fields({ id: 'x', name: 'X', kind: 'smoke', severity: 'info' })).toEqual(['kind']);
  });

  it('cleanAlarmRule keeps only the fields of the rule kind', () => {
    const messy = { ...GOOD, kind: 'chargeStalled', minPowerW: 50, stalledForMs: 1000 } as unknown as AlarmRule;
    expect(Object.keys(cleanAlarmRule(messy)).sort()).toEqual(['id', 'kind', 'minPowerW', 'name', 'onDelayMs', 'scope', 'severity', 'stalledForMs']);
  });
});
