// Rule validation for the editor, defensive normalisation, topology and the banner view.
import { describe, expect, it } from 'vitest';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { createAlarmEngineState, step } from './engine.ts';
import { MAX_ACTION_ATTEMPTS, MIN_ACTION_SPACING_MS, normalizeRule, topologyFromProject, validateRules } from './rules.ts';
import { AlarmHarness, MINUTE, T0, connected, disconnected } from './test-support.ts';
import type { AlarmRule } from './types.ts';
import { alarmBanner, listAlarms } from './views.ts';

describe('validateRules', () => {
  it('accepts a sound rule set', () => {
    const rules: AlarmRule[] = [
      { id: 'comm', name: 'Communication lost', kind: 'communicationLost', severity: 'major', onDelayMs: 60_000, flapSuppression: { maxCycles: 4, windowMs: 600_000, stableForMs: 300_000 } },
      {
        id: 'stall',
        name: 'Stalled',
        kind: 'chargeStalled',
        severity: 'minor',
        minPowerW: 100,
        stalledForMs: 600_000,
        automaticActions: { steps: [{ kind: 'reset', type: 'soft' }], maxAttempts: 2, spacingMs: 120_000, recoveryMs: 3_600_000, raise: 'whenExhausted' },
      },
    ];
    expect(validateRules(rules)).toEqual([]);
  });

  it('says what is wrong, field by field', () => {
    const rules = [
      { id: 'a', name: '', kind: 'communicationLost', severity: 'urgent', onDelayMs: -1 },
      { id: 'a', name: 'dup', kind: 'groupLimitExceeded', severity: 'info', automaticActions: { steps: [], maxAttempts: 20, spacingMs: 10, recoveryMs: 0, raise: 'immediately' } },
      { id: 'm', name: 'm', kind: 'measurementThreshold', severity: 'info', quantity: '', comparison: 'over', threshold: Number.NaN, hysteresis: -1 },
      { id: 'x', name: 'x', kind: 'nonsense', severity: 'info' },
    ] as unknown as AlarmRule[];
    expect(validateRules(rules).map((p) => `${p.index}:${p.field}`)).toEqual([
      '0:name',
      '0:severity',
      '0:onDelayMs',
      '1:id',
      '1:automaticActions',
      '1:automaticActions.steps',
      '1:automaticActions.maxAttempts',
      '1:automaticActions.spacingMs',
      '2:quantity',
      '2:comparison',
      '2:threshold',
      '2:hysteresis',
      '3:kind',
    ]);
  });
});

describe('normalisation', () => {
  it('clamps what could hurt: negative delays, endless ladders, hammering', () => {
    const rule = normalizeRule({
      id: 's',
      name: 's',
      kind: 'chargeStalled',
      severity: 'info',
      minPowerW: 100,
      stalledForMs: 60_000,
      onDelayMs: -5,
      offDelayMs: Number.NaN,
      automaticActions: { steps: [{ kind: 'reset', type: 'soft' }], maxAttempts: 1_000, spacingMs: 0, recoveryMs: -1, raise: 'immediately' },
    });
    expect(rule).toMatchObject({ onDelayMs: 60_000, offDelayMs: 0, actions: { maxAttempts: MAX_ACTION_ATTEMPTS, spacingMs: MIN_ACTION_SPACING_MS, recoveryMs: 0 } });
  });

  it('ignores disabled, malformed and duplicated rules instead of throwing', () => {
    const rules = [
      { id: 'comm', name: 'first', kind: 'communicationLost', severity: 'major' },
      { id: 'comm', name: 'second', kind: 'communicationLost', severity: 'critical' },
      { id: 'off', name: 'off', kind: 'communicationLost', severity: 'major', enabled: false },
      null,
      { name: 'no id', kind: 'communicationLost', severity: 'major' },
    ] as unknown as AlarmRule[];
    const state = createAlarmEngineState({ rules });
    expect(state.settings.rules.map((r) => r.rule.name)).toEqual(['first']);
    const result = step(step(state, connected('CP1', T0), T0).state, disconnected('CP1'), T0);
    expect(result.transitions.map((t) => [t.ruleName, t.severity])).toEqual([['first', 'major']]);
  });
});

describe('topology and views', () => {
  it('places stations and groups from the project file', () => {
    const project: ProjectFile = {
      formatVersion: 1,
      name: 'demo',
      sites: [
        {
          id: 'north',
          name: 'North',
          groups: [{ id: 'g1', name: 'G1', maxPowerW: 100_000 }],
          stations: [{ id: 'CP1', group: 'g1', protocol: 'ocpp1.6', kind: 'AC', maxPowerW: 22_000, connectors: 2 }],
        },
      ],
    };
    expect(topologyFromProject(project)).toEqual({ stations: { CP1: { groupId: 'g1', siteId: 'north' } }, groups: { g1: { siteId: 'north' } } });
  });

  it('counts the banner per severity and points at the most severe unacknowledged alarm', () => {
    const h = new AlarmHarness([
      { id: 'comm', name: 'Communication lost', kind: 'communicationLost', severity: 'major' },
      { id: 'fw', name: 'Firmware', kind: 'firmwareFailed', severity: 'critical' },
    ]);
    for (const id of ['CP1', 'CP2', 'CP3']) {
      h.feed(connected(id, T0), T0);
      h.feed(disconnected(id), T0);
    }
    h.feed({ kind: 'firmwareStatus', stationId: 'CP2', status: 'DownloadFailed' }, T0 + MINUTE);
    h.feed({ kind: 'firmwareStatus', stationId: 'CP2', status: 'Idle' }, T0 + 2 * MINUTE);
    const [first] = h.alarms();
    h.feed({ kind: 'acknowledge', alarmIds: [first?.id ?? ''], user: 'maint', comment: '' }, T0 + 2 * MINUTE);
    const banner = alarmBanner(h.alarms());
    expect(banner.counts.major).toEqual({ active: 3, unacknowledged: 2 });
    expect(banner.counts.critical).toEqual({ active: 0, unacknowledged: 1 });
    expect(banner.mostSevereUnacknowledged?.ruleId).toBe('fw');
    expect(listAlarms(h.alarms(), { states: ['activeUnacknowledged'] }).map((a) => a.source.stationId)).toEqual(['CP2', 'CP3']);
  });
});
