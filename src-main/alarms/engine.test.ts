// The alarm engine over explicit event sequences: delays, flapping, hysteresis, shelving,
// acknowledgement, stalled charges, the automatic action ladder and an alarm flood.
import { describe, expect, it } from 'vitest';
import { createAlarmEngineState, step } from './engine.ts';
import { createNotificationState, groupNotifications, type NotificationMessage, type NotificationPolicy } from './notifications.ts';
import { AlarmHarness, HOUR, MINUTE, SECOND, T0, connected, disconnected, measured, power, status, topologyOf } from './test-support.ts';
import type { AlarmInstance, AlarmRule, AutomaticActionPolicy } from './types.ts';
import { alarmBanner, listAlarms } from './views.ts';

const commLost = (over: Partial<AlarmRule> = {}): AlarmRule =>
  ({ id: 'comm', name: 'Communication lost', kind: 'communicationLost', severity: 'major', ...over }) as AlarmRule;

describe('on-delay and off-delay', () => {
  it('raises nothing for a station that reconnects within the on-delay', () => {
    const h = new AlarmHarness([commLost({ onDelayMs: MINUTE })]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0 + SECOND);
    h.tick(T0 + 30 * SECOND);
    h.feed(connected('CP1', T0 + 40 * SECOND), T0 + 40 * SECOND);
    h.tick(T0 + 5 * MINUTE);
    expect(h.transitions).toEqual([]);
    expect(h.alarms()).toEqual([]);
  });

  it('raises once the condition has lasted the whole on-delay, dated when the delay ran out', () => {
    const h = new AlarmHarness([commLost({ onDelayMs: MINUTE })]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1', 'heartbeat timeout'), T0 + 10 * SECOND);
    h.tick(T0 + 69 * SECOND);
    expect(h.transitions).toEqual([]);
    h.tick(T0 + 70 * SECOND);
    expect(h.story()).toEqual(['raised ∅→activeUnacknowledged']);
    const alarm = h.only();
    expect(alarm).toMatchObject({ state: 'activeUnacknowledged', severity: 'major', raisedAt: T0 + 70 * SECOND, occurrences: 1 });
    expect(alarm.message).toBe('CP1: communication lost (heartbeat timeout)');
    expect(h.transitions[0]).toMatchObject({ at: T0 + 70 * SECOND, alarmId: alarm.id, sourceKey: 'station:CP1', operator: null, value: T0 });
  });

  it('keeps the alarm through a short return within the off-delay and clears after a long one', () => {
    const h = new AlarmHarness([commLost({ offDelayMs: 30 * SECOND })]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0 + SECOND);
    expect(h.story()).toEqual(['raised ∅→activeUnacknowledged']);
    h.feed(connected('CP1', T0 + 10 * SECOND), T0 + 10 * SECOND);
    h.tick(T0 + 39 * SECOND);
    h.feed(disconnected('CP1'), T0 + 39 * SECOND);
    h.feed(connected('CP1', T0 + 50 * SECOND), T0 + 50 * SECOND);
    h.tick(T0 + 79 * SECOND);
    expect(h.story()).toHaveLength(1);
    h.tick(T0 + 80 * SECOND);
    expect(h.story()).toEqual(['raised ∅→activeUnacknowledged', 'cleared activeUnacknowledged→clearedUnacknowledged']);
    expect(h.only()).toMatchObject({ state: 'clearedUnacknowledged', clearedAt: T0 + 80 * SECOND, occurrences: 1 });
  });

  it('applies delays that ran out between two inputs before the later input', () => {
    const h = new AlarmHarness([commLost({ onDelayMs: MINUTE })]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0);
    // No tick in between: the reconnection two minutes later still finds the alarm due first.
    h.feed(connected('CP1', T0 + 2 * MINUTE), T0 + 2 * MINUTE);
    expect(h.story()).toEqual(['raised ∅→activeUnacknowledged', 'cleared activeUnacknowledged→clearedUnacknowledged']);
  });

  it('does not treat a station never seen as lost', () => {
    const h = new AlarmHarness([commLost()]);
    h.feed(disconnected('CP9'), T0);
    expect(h.alarms()).toEqual([]);
  });

  it('detects missed heartbeats on an open socket', () => {
    const h = new AlarmHarness([commLost({ missedHeartbeats: 3 } as Partial<AlarmRule>)]);
    h.feed(connected('CP1', T0, 60), T0);
    h.tick(T0 + 3 * MINUTE);
    expect(h.alarms()).toEqual([]);
    h.tick(T0 + 3 * MINUTE + SECOND);
    expect(h.only().message).toBe('CP1: nothing received for 3 min (3 heartbeats missed)');
    h.feed(connected('CP1', T0 + 4 * MINUTE, 60), T0 + 4 * MINUTE);
    expect(h.only().state).toBe('clearedUnacknowledged');
  });
});

describe('flap suppression', () => {
  const flapping = commLost({ flapSuppression: { maxCycles: 3, windowMs: 10 * MINUTE, stableForMs: 5 * MINUTE } });

  function flap(h: AlarmHarness, cycles: number, start: number): number {
    let at = start;
    for (let i = 0; i < cycles; i++) {
      h.feed(disconnected('CP1'), at);
      h.feed(connected('CP1', at + 5 * SECOND), at + 5 * SECOND);
      at += 10 * SECOND;
    }
    return at;
  }

  it('turns a flapping station into one flapping alarm, then clears it once the station is stable', () => {
    const h = new AlarmHarness([flapping]);
    h.feed(connected('CP1', T0), T0);
    const end = flap(h, 10, T0 + SECOND);
    expect(h.story()).toEqual([
      'raised ∅→activeUnacknowledged',
      'cleared activeUnacknowledged→clearedUnacknowledged',
      'raised clearedUnacknowledged→activeUnacknowledged',
      'cleared activeUnacknowledged→clearedUnacknowledged',
      'raised clearedUnacknowledged→activeUnacknowledged',
      'cleared activeUnacknowledged→clearedUnacknowledged',
      'raised clearedUnacknowledged→activeUnacknowledged',
      'flappingStarted activeUnacknowledged→activeUnacknowledged',
    ]);
    const alarm = h.only();
    expect(alarm).toMatchObject({ flapping: true, state: 'activeUnacknowledged', occurrences: 10 });
    // One acknowledgement is enough for the whole burst.
    h.feed({ kind: 'acknowledge', alarmIds: [alarm.id], user: 'maint', comment: 'switch being replaced' }, end);
    flap(h, 3, end + SECOND);
    expect(h.events().slice(-1)).toEqual(['acknowledged']);
    const lastChange = end + SECOND + 2 * 10 * SECOND + 5 * SECOND;
    h.tick(lastChange + 5 * MINUTE - 1);
    expect(h.only().flapping).toBe(true);
    h.tick(lastChange + 5 * MINUTE);
    expect(h.story().slice(-2)).toEqual(['flappingEnded activeAcknowledged→activeAcknowledged', 'cleared activeAcknowledged→cleared']);
    expect(h.alarms()).toEqual([]);
  });

  it('keeps a flapping alarm active when the station settles disconnected', () => {
    const h = new AlarmHarness([flapping]);
    h.feed(connected('CP1', T0), T0);
    const end = flap(h, 5, T0 + SECOND);
    h.feed(disconnected('CP1'), end);
    h.tick(end + 5 * MINUTE);
    expect(h.events().slice(-1)).toEqual(['flappingEnded']);
    expect(h.only()).toMatchObject({ state: 'activeUnacknowledged', flapping: false });
  });

  it('does not call it flapping when the raises are spread wider than the window', () => {
    const h = new AlarmHarness([flapping]);
    h.feed(connected('CP1', T0), T0);
    for (let i = 0; i < 8; i++) {
      h.feed(disconnected('CP1'), T0 + i * 4 * MINUTE);
      h.feed(connected('CP1', T0 + i * 4 * MINUTE + SECOND), T0 + i * 4 * MINUTE + SECOND);
    }
    expect(h.events()).not.toContain('flappingStarted');
    expect(h.only().occurrences).toBe(8);
  });
});

describe('thresholds with hysteresis', () => {
  const overVoltage: AlarmRule = {
    id: 'volt',
    name: 'Over-voltage',
    kind: 'measurementThreshold',
    severity: 'minor',
    quantity: 'Voltage',
    comparison: 'above',
    threshold: 250,
    hysteresis: 5,
  };

  it('raises above the threshold and clears only below the hysteresis band', () => {
    const h = new AlarmHarness([overVoltage]);
    const values = [249, 250, 251, 248, 251, 246, 245.5, 245, 249, 250.5];
    values.forEach((v, i) => h.feed(measured('CP1', 1, 'Voltage', v, 'L1'), T0 + i * SECOND));
    expect(h.transitions.map((t) => `${t.event}@${t.value}`)).toEqual(['raised@251', 'cleared@245', 'raised@250.5']);
    expect(h.only()).toMatchObject({ sourceKey: 'station:CP1/evse:1/connector:1/phase:L1', occurrences: 2, value: 250.5 });
    expect(h.only().message).toBe('CP1 connector 1: Voltage L1 = 250.5 (above 250)');
  });

  it('follows the measured value while active and keeps its last value in alarm once cleared', () => {
    const h = new AlarmHarness([overVoltage]);
    h.feed(measured('CP1', 1, 'Voltage', 260), T0);
    h.feed(measured('CP1', 1, 'Voltage', 270), T0 + SECOND);
    expect(h.only().value).toBe(270);
    h.feed(measured('CP1', 1, 'Voltage', 230), T0 + 2 * SECOND);
    expect(h.only()).toMatchObject({ state: 'clearedUnacknowledged', value: 270 });
  });

  it('mirrors the band for a lower threshold, and applies it to group limits', () => {
    const lowSoc: AlarmRule = { id: 'soc', name: 'Low SoC', kind: 'measurementThreshold', severity: 'info', quantity: 'SoC', comparison: 'below', threshold: 10, hysteresis: 2 };
    const group: AlarmRule = { id: 'grp', name: 'Group over limit', kind: 'groupLimitExceeded', severity: 'critical', marginW: 1_000, hysteresisW: 2_000 };
    const h = new AlarmHarness([lowSoc, group]);
    [11, 9, 11, 12].forEach((v, i) => h.feed(measured('CP1', 1, 'SoC', v), T0 + i * SECOND));
    [100_500, 101_500, 99_500, 98_999].forEach((w, i) => h.feed({ kind: 'groupLoad', groupId: 'G1', loadW: w, limitW: 100_000 }, T0 + i * SECOND));
    expect(h.transitions.map((t) => `${t.ruleId} ${t.event}@${t.value}`)).toEqual([
      'soc raised@9',
      'soc cleared@12',
      'grp raised@101500',
      'grp cleared@98999',
    ]);
  });
});

describe('shelving', () => {
  function raised(): { h: AlarmHarness; alarm: AlarmInstance } {
    const h = new AlarmHarness([commLost()]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0);
    return { h, alarm: h.only() };
  }

  it('hides a shelved alarm until the shelving expires', () => {
    const { h, alarm } = raised();
    const result = h.feed({ kind: 'shelve', alarmIds: [alarm.id], user: 'alice', reason: 'station under maintenance', durationMs: HOUR }, T0 + MINUTE);
    expect(result.outcome).toEqual({ accepted: [alarm.id], refused: [] });
    expect(h.transitions.at(-1)).toMatchObject({ event: 'shelved', operator: 'alice', comment: 'station under maintenance', shelved: true });
    expect(h.only().shelving).toEqual({ at: T0 + MINUTE, by: 'alice', reason: 'station under maintenance', until: T0 + MINUTE + HOUR });
    expect(listAlarms(h.alarms())).toEqual([]);
    expect(listAlarms(h.alarms(), { includeShelved: true })).toHaveLength(1);
    expect(alarmBanner(h.alarms())).toMatchObject({ unacknowledged: 0, shelved: 1, mostSevereUnacknowledged: null });
    h.tick(T0 + MINUTE + HOUR - 1);
    expect(h.only().shelving).not.toBeNull();
    h.tick(T0 + MINUTE + HOUR);
    expect(h.transitions.at(-1)).toMatchObject({ event: 'shelvingExpired', operator: null, shelved: false });
    expect(alarmBanner(h.alarms()).mostSevereUnacknowledged?.id).toBe(alarm.id);
  });

  it('refuses shelving without a reason, an operator or a sane duration, and unshelves on request', () => {
    const { h, alarm } = raised();
    const ids = [alarm.id];
    expect(h.feed({ kind: 'shelve', alarmIds: ids, user: 'alice', reason: ' ', durationMs: HOUR }, T0).outcome?.refused).toEqual([{ alarmId: alarm.id, reason: 'reasonRequired' }]);
    expect(h.feed({ kind: 'shelve', alarmIds: ids, user: '', reason: 'x', durationMs: HOUR }, T0).outcome?.refused[0]?.reason).toBe('operatorRequired');
    expect(h.feed({ kind: 'shelve', alarmIds: ids, user: 'alice', reason: 'x', durationMs: 0 }, T0).outcome?.refused[0]?.reason).toBe('invalidDuration');
    expect(h.feed({ kind: 'shelve', alarmIds: ids, user: 'alice', reason: 'x', durationMs: 25 * HOUR }, T0).outcome?.refused[0]?.reason).toBe('invalidDuration');
    expect(h.feed({ kind: 'unshelve', alarmIds: ids, user: 'alice' }, T0).outcome?.refused[0]?.reason).toBe('notShelved');
    expect(h.feed({ kind: 'shelve', alarmIds: ['A999'], user: 'alice', reason: 'x', durationMs: HOUR }, T0).outcome?.refused[0]?.reason).toBe('unknownAlarm');
    expect(h.events()).toEqual(['raised']);
    h.feed({ kind: 'shelve', alarmIds: ids, user: 'alice', reason: 'x', durationMs: HOUR }, T0);
    h.feed({ kind: 'unshelve', alarmIds: ids, user: 'bob' }, T0 + MINUTE);
    expect(h.transitions.at(-1)).toMatchObject({ event: 'unshelved', operator: 'bob', shelved: false });
    expect(h.only().shelving).toBeNull();
  });

  it('keeps a shelved alarm shelved when it comes back, and its lifecycle still runs', () => {
    const { h, alarm } = raised();
    h.feed({ kind: 'shelve', alarmIds: [alarm.id], user: 'alice', reason: 'known issue', durationMs: HOUR }, T0);
    h.feed(connected('CP1', T0 + MINUTE), T0 + MINUTE);
    h.feed(disconnected('CP1'), T0 + 2 * MINUTE);
    expect(h.transitions.slice(-2).map((t) => [t.event, t.shelved])).toEqual([
      ['cleared', true],
      ['raised', true],
    ]);
  });
});

describe('acknowledgement', () => {
  it('acknowledged before clearing: the alarm leaves the live list when it clears', () => {
    const h = new AlarmHarness([commLost()]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0);
    const id = h.only().id;
    const result = h.feed({ kind: 'acknowledge', alarmIds: [id], user: 'maint', comment: 'on my way' }, T0 + MINUTE);
    expect(result.outcome).toEqual({ accepted: [id], refused: [] });
    expect(h.only()).toMatchObject({ state: 'activeAcknowledged', acknowledgement: { at: T0 + MINUTE, by: 'maint', comment: 'on my way' } });
    expect(h.feed({ kind: 'acknowledge', alarmIds: [id], user: 'maint', comment: '' }, T0 + MINUTE).outcome?.refused).toEqual([{ alarmId: id, reason: 'alreadyAcknowledged' }]);
    h.feed(connected('CP1', T0 + 2 * MINUTE), T0 + 2 * MINUTE);
    expect(h.story()).toEqual(['raised ∅→activeUnacknowledged', 'acknowledged activeUnacknowledged→activeAcknowledged', 'cleared activeAcknowledged→cleared']);
    expect(h.transitions[1]).toMatchObject({ operator: 'maint', comment: 'on my way' });
    expect(h.alarms()).toEqual([]);
    // The next loss is a new alarm.
    h.feed(disconnected('CP1'), T0 + 3 * MINUTE);
    expect(h.only().id).not.toBe(id);
  });

  it('cleared before acknowledgement: stays visible, comes back as the same alarm, leaves when acknowledged', () => {
    const h = new AlarmHarness([commLost()]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0);
    const id = h.only().id;
    h.feed(connected('CP1', T0 + MINUTE), T0 + MINUTE);
    expect(listAlarms(h.alarms()).map((a) => a.state)).toEqual(['clearedUnacknowledged']);
    h.feed(disconnected('CP1'), T0 + 2 * MINUTE);
    h.feed(connected('CP1', T0 + 3 * MINUTE), T0 + 3 * MINUTE);
    expect(h.only()).toMatchObject({ id, occurrences: 2, firstRaisedAt: T0, raisedAt: T0 + 2 * MINUTE });
    expect(h.feed({ kind: 'acknowledge', alarmIds: [id], user: '  ', comment: '' }, T0 + 4 * MINUTE).outcome?.refused[0]?.reason).toBe('operatorRequired');
    h.feed({ kind: 'acknowledge', alarmIds: [id], user: 'maint', comment: 'rebooted the router' }, T0 + 4 * MINUTE);
    expect(h.story().slice(-1)).toEqual(['acknowledged clearedUnacknowledged→cleared']);
    expect(h.alarms()).toEqual([]);
  });
});

describe('stalled charges and the automatic action ladder', () => {
  const stalled = (actions: AutomaticActionPolicy | null = null): AlarmRule => ({
    id: 'stall',
    name: 'Charge stalled',
    kind: 'chargeStalled',
    severity: 'major',
    minPowerW: 100,
    stalledForMs: 10 * MINUTE,
    automaticActions: actions,
  });

  function charging(h: AlarmHarness, at: number): void {
    h.feed(connected('CP1', at), at);
    h.feed(status('CP1', 1, 'Charging'), at);
    h.feed(power('CP1', 1, 7_000), at);
  }

  it('raises a charge stalled below the power threshold for N minutes, not a suspended one', () => {
    const h = new AlarmHarness([stalled()]);
    charging(h, T0);
    h.feed(power('CP1', 1, 50), T0 + MINUTE);
    h.feed(power('CP1', 1, 20), T0 + 5 * MINUTE);
    h.tick(T0 + 11 * MINUTE - 1);
    expect(h.alarms()).toEqual([]);
    h.tick(T0 + 11 * MINUTE);
    expect(h.only()).toMatchObject({ sourceKey: 'station:CP1/evse:1/connector:1', value: 20, message: 'CP1 connector 1: charging at 20 W, below 100 W' });
    h.feed(power('CP1', 1, 6_000), T0 + 12 * MINUTE);
    expect(h.only().state).toBe('clearedUnacknowledged');

    const suspended = new AlarmHarness([stalled()]);
    charging(suspended, T0);
    suspended.feed(status('CP1', 1, 'SuspendedEV'), T0 + MINUTE);
    suspended.feed(power('CP1', 1, 0), T0 + MINUTE);
    suspended.tick(T0 + HOUR);
    expect(suspended.alarms()).toEqual([]);
  });

  const ladder: AutomaticActionPolicy = {
    steps: [
      { kind: 'reset', type: 'soft' },
      { kind: 'reset', type: 'hard' },
    ],
    maxAttempts: 2,
    spacingMs: 2 * MINUTE,
    recoveryMs: HOUR,
    raise: 'whenExhausted',
  };

  it('tries a soft reset, then a hard reset, then gives up and raises; never more', () => {
    const h = new AlarmHarness([stalled(ladder)]);
    charging(h, T0);
    h.feed(power('CP1', 1, 0), T0 + MINUTE);
    for (let at = T0 + MINUTE; at <= T0 + 2 * HOUR; at += 30 * SECOND) h.tick(at);
    expect(h.actions.map((a) => [a.command, a.attempt, a.stationId])).toEqual([
      [{ kind: 'reset', type: 'soft' }, 1, 'CP1'],
      [{ kind: 'reset', type: 'hard' }, 2, 'CP1'],
    ]);
    expect(h.transitions.map((t) => `${t.event}@${(t.at - T0) / MINUTE}`)).toEqual([
      'actionRequested@11',
      'actionRequested@13',
      'actionsExhausted@15',
      'raised@15',
    ]);
    expect(h.transitions[0]).toMatchObject({ alarmId: null, from: null, to: null, action: h.actions[0] });
    expect(h.only().state).toBe('activeUnacknowledged');
  });

  it('continues the ladder when the stall comes back after a reset, instead of starting over', () => {
    const h = new AlarmHarness([stalled(ladder)]);
    charging(h, T0);
    h.feed(power('CP1', 1, 0), T0);
    h.tick(T0 + 10 * MINUTE);
    expect(h.actions).toHaveLength(1);
    // The soft reset ends the charge; it restarts and stalls again.
    h.feed(status('CP1', 1, 'Preparing'), T0 + 11 * MINUTE);
    expect(h.events()).toEqual(['actionRequested', 'automaticRecovery']);
    h.feed(status('CP1', 1, 'Charging'), T0 + 12 * MINUTE);
    h.tick(T0 + 22 * MINUTE);
    expect(h.actions.map((a) => a.command)).toEqual([
      { kind: 'reset', type: 'soft' },
      { kind: 'reset', type: 'hard' },
    ]);
    h.feed(status('CP1', 1, 'Preparing'), T0 + 23 * MINUTE);
    h.feed(status('CP1', 1, 'Charging'), T0 + 24 * MINUTE);
    h.tick(T0 + 34 * MINUTE);
    expect(h.actions).toHaveLength(2);
    expect(h.events().slice(-2)).toEqual(['actionsExhausted', 'raised']);
  });

  it('starts the ladder afresh after a quiet recovery period', () => {
    const h = new AlarmHarness([stalled(ladder)]);
    charging(h, T0);
    h.feed(power('CP1', 1, 0), T0);
    h.tick(T0 + 10 * MINUTE);
    h.feed(power('CP1', 1, 7_000), T0 + 11 * MINUTE);
    h.feed(power('CP1', 1, 0), T0 + 11 * MINUTE + HOUR);
    h.tick(T0 + 21 * MINUTE + HOUR);
    expect(h.actions.map((a) => a.command)).toEqual([
      { kind: 'reset', type: 'soft' },
      { kind: 'reset', type: 'soft' },
    ]);
  });

  it("with raise 'immediately', raises at detection and records the actions against the alarm", () => {
    const h = new AlarmHarness([stalled({ ...ladder, raise: 'immediately', maxAttempts: 3 })]);
    charging(h, T0);
    h.feed(power('CP1', 1, 0), T0);
    for (let at = T0; at <= T0 + HOUR; at += MINUTE) h.tick(at);
    const id = h.only().id;
    expect(h.transitions.map((t) => [t.event, t.alarmId])).toEqual([
      ['raised', id],
      ['actionRequested', id],
      ['actionRequested', id],
      ['actionRequested', id],
      ['actionsExhausted', id],
    ]);
    expect(h.actions.map((a) => a.command)).toEqual([
      { kind: 'reset', type: 'soft' },
      { kind: 'reset', type: 'hard' },
      { kind: 'reset', type: 'hard' },
    ]);
  });
});

describe('an alarm flood', () => {
  const stations = Array.from({ length: 100 }, (_, i) => `CP${String(i + 1).padStart(3, '0')}`);
  const policy: NotificationPolicy = {
    recipients: [
      { id: 'ops-north', role: 'operator', channels: ['email', 'sms'], siteIds: ['north'], minSeverity: 'minor' },
      { id: 'ops-south', role: 'operator', channels: ['email'], siteIds: ['south'], minSeverity: 'minor' },
    ],
    windowMs: 30 * SECOND,
    rateLimit: { maxMessages: 5, perMs: HOUR },
  };

  it('100 stations dropping at once: 100 alarms, one grouped notification, all cleared when they come back', () => {
    const h = new AlarmHarness({ rules: [commLost({ onDelayMs: 20 * SECOND })], topology: topologyOf({ north: stations, south: ['CP-S1'] }) });
    let notices = createNotificationState();
    const messages: NotificationMessage[] = [];
    const notify = (at: number): void => {
      const out = groupNotifications(notices, h.last?.transitions ?? [], policy, at);
      notices = out.state;
      messages.push(...out.messages);
    };
    stations.forEach((id) => h.feed(connected(id, T0), T0));
    stations.forEach((id, i) => {
      h.feed(disconnected(id), T0 + MINUTE + i * 10);
      notify(T0 + MINUTE + i * 10);
    });
    for (let at = T0 + MINUTE; at <= T0 + 3 * MINUTE; at += SECOND) {
      h.tick(at);
      notify(at);
    }
    expect(h.alarms()).toHaveLength(100);
    expect(h.events().filter((e) => e === 'raised')).toHaveLength(100);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message).toMatchObject({ recipientId: 'ops-north', severity: 'major', count: 100, siteIds: ['north'], channels: ['email', 'sms'] });
    expect(message?.subject).toBe('[MAJOR] 100 alarms: Communication lost ×100');
    expect(message?.alarmIds).toHaveLength(100);
    expect(message?.body.split('\n').at(-1)).toBe('... and 80 more');
    expect(alarmBanner(h.alarms()).counts.major).toEqual({ active: 100, unacknowledged: 100 });

    stations.forEach((id) => {
      h.feed(connected(id, T0 + 5 * MINUTE), T0 + 5 * MINUTE);
      notify(T0 + 5 * MINUTE);
    });
    notify(T0 + 10 * MINUTE);
    expect(h.alarms().every((a) => a.state === 'clearedUnacknowledged')).toBe(true);
    expect(h.events().filter((e) => e === 'cleared')).toHaveLength(100);
    expect(messages).toHaveLength(1);

    const ack = h.feed({ kind: 'acknowledge', alarmIds: h.alarms().map((a) => a.id), user: 'maint', comment: 'switch replaced' }, T0 + 11 * MINUTE);
    expect(ack.outcome?.accepted).toHaveLength(100);
    expect(h.alarms()).toEqual([]);
  });
});

describe('other sources', () => {
  it('raises a connector Faulted with its error code, filtered by code and level', () => {
    const rule: AlarmRule = { id: 'fault', name: 'Faulted', kind: 'connectorFaulted', severity: 'major', errorCodes: ['GroundFailure', 'HighTemperature'], level: 'connector' };
    const h = new AlarmHarness([rule]);
    h.feed(status('CP1', 0, 'Faulted', 'GroundFailure'), T0);
    h.feed(status('CP1', 1, 'Faulted', 'EVCommunicationError'), T0);
    expect(h.alarms()).toEqual([]);
    h.feed(status('CP1', 2, 'Faulted', 'GroundFailure'), T0);
    expect(h.only()).toMatchObject({ value: 'GroundFailure', message: 'CP1 connector 2: Faulted (GroundFailure)', source: { stationId: 'CP1', evseId: 2, connectorId: 2 } });
    h.feed(status('CP1', 2, 'Available'), T0 + MINUTE);
    expect(h.only().state).toBe('clearedUnacknowledged');
  });

  it('raises a transaction open too long on the tick that finds it', () => {
    const rule: AlarmRule = { id: 'long', name: 'Transaction too long', kind: 'transactionTooLong', severity: 'warning', maxDurationMs: 12 * HOUR };
    const h = new AlarmHarness([rule]);
    h.feed({ kind: 'transaction', stationId: 'CP1', evseId: 1, connectorId: 1, transactionId: 7, startedAt: T0, stoppedAt: null }, T0);
    h.tick(T0 + 12 * HOUR - 1);
    expect(h.alarms()).toEqual([]);
    h.tick(T0 + 12 * HOUR);
    expect(h.only()).toMatchObject({ value: 720, message: 'CP1 connector 1: transaction 7 open for 12 h 0 min' });
    // A late stop of another transaction does not end this one.
    h.feed({ kind: 'transaction', stationId: 'CP1', evseId: 1, connectorId: 1, transactionId: 6, startedAt: T0 - HOUR, stoppedAt: T0 }, T0 + 13 * HOUR);
    expect(h.only().state).toBe('activeUnacknowledged');
    h.feed({ kind: 'transaction', stationId: 'CP1', evseId: 1, connectorId: 1, transactionId: 7, startedAt: T0, stoppedAt: T0 + 13 * HOUR }, T0 + 13 * HOUR);
    expect(h.only().state).toBe('clearedUnacknowledged');
  });

  it('treats security events as momentary: visible until acknowledged, repeated ones counted', () => {
    const rule: AlarmRule = { id: 'sec', name: 'Security', kind: 'securityEvent', severity: 'critical', eventTypes: ['InvalidFirmwareSignature', 'TamperDetectionActivated'] };
    const h = new AlarmHarness([rule]);
    h.feed({ kind: 'securityEvent', stationId: 'CP1', eventType: 'SettingSystemTime', techInfo: null }, T0);
    h.feed({ kind: 'securityEvent', stationId: 'CP1', eventType: 'TamperDetectionActivated', techInfo: 'door open' }, T0);
    h.feed({ kind: 'securityEvent', stationId: 'CP1', eventType: 'TamperDetectionActivated', techInfo: 'door open' }, T0 + MINUTE);
    expect(h.story()).toEqual([
      'raised ∅→activeUnacknowledged',
      'cleared activeUnacknowledged→clearedUnacknowledged',
      'raised clearedUnacknowledged→activeUnacknowledged',
      'cleared activeUnacknowledged→clearedUnacknowledged',
    ]);
    expect(h.only()).toMatchObject({ occurrences: 2, severity: 'critical', message: 'CP1: security event TamperDetectionActivated (door open)' });
  });

  it('raises firmware and diagnostics failures and profiles not applied, and clears them on success', () => {
    const rules: AlarmRule[] = [
      { id: 'fw', name: 'Firmware failed', kind: 'firmwareFailed', severity: 'minor' },
      { id: 'diag', name: 'Diagnostics failed', kind: 'diagnosticsFailed', severity: 'warning' },
      { id: 'prof', name: 'Profile not applied', kind: 'profileNotApplied', severity: 'major' },
    ];
    const h = new AlarmHarness(rules);
    h.feed({ kind: 'firmwareStatus', stationId: 'CP1', status: 'Downloading' }, T0);
    h.feed({ kind: 'firmwareStatus', stationId: 'CP1', status: 'InstallationFailed' }, T0);
    h.feed({ kind: 'diagnosticsStatus', stationId: 'CP1', status: 'UploadFailed' }, T0);
    h.feed({ kind: 'profileVerification', stationId: 'CP1', evseId: 1, applied: false, detail: 'limit 32 A, expected 16 A' }, T0);
    expect(listAlarms(h.alarms()).map((a) => `${a.ruleId}:${a.value}`)).toEqual(['prof:limit 32 A, expected 16 A', 'fw:InstallationFailed', 'diag:UploadFailed']);
    h.feed({ kind: 'firmwareStatus', stationId: 'CP1', status: 'Installed' }, T0 + MINUTE);
    h.feed({ kind: 'profileVerification', stationId: 'CP1', evseId: 1, applied: true, detail: null }, T0 + MINUTE);
    expect(h.alarms().filter((a) => a.state === 'clearedUnacknowledged').map((a) => a.ruleId).sort()).toEqual(['fw', 'prof']);
  });

  it('clears the alarms of a removed station', () => {
    const h = new AlarmHarness([commLost()]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0);
    h.feed({ kind: 'stationRemoved', stationId: 'CP1' }, T0 + MINUTE);
    expect(h.only().state).toBe('clearedUnacknowledged');
    expect(h.state.stations.has('CP1')).toBe(false);
  });

  it('only watches the stations of a rule scope', () => {
    const h = new AlarmHarness({ rules: [commLost({ scope: { siteIds: ['north'] } })], topology: topologyOf({ north: ['N1'], south: ['S1'] }) });
    for (const id of ['N1', 'S1']) {
      h.feed(connected(id, T0), T0);
      h.feed(disconnected(id), T0);
    }
    expect(h.only().source).toMatchObject({ stationId: 'N1', siteId: 'north', groupId: 'north-main' });
  });
});

describe('configuration and restart', () => {
  it('clears the alarms of a rule that is removed, and watches with the new rules at once', () => {
    const h = new AlarmHarness([commLost()]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0);
    const fault: AlarmRule = { id: 'fault', name: 'Faulted', kind: 'connectorFaulted', severity: 'major' };
    h.feed(status('CP1', 1, 'Faulted', 'OtherError'), T0);
    h.feed({ kind: 'configure', config: { rules: [fault] } }, T0 + MINUTE);
    const [comm, faulted] = listAlarms(h.alarms(), { includeShelved: true }).sort((a, b) => a.id.localeCompare(b.id));
    expect(comm).toMatchObject({ ruleId: 'comm', state: 'clearedUnacknowledged', message: 'CP1: communication lost (rule removed or disabled)' });
    expect(faulted).toMatchObject({ ruleId: 'fault', state: 'activeUnacknowledged' });
    expect(h.state.config.rules).toEqual([fault]);
  });

  it('restores live alarms after a restart without reusing their ids', () => {
    const h = new AlarmHarness([commLost()]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0);
    const before = h.only();
    const restored = createAlarmEngineState({ rules: [commLost()] }, { alarms: [before], nextTransitionSeq: 50, now: T0 + HOUR });
    let result = step(restored, connected('CP1', T0 + HOUR), T0 + HOUR);
    expect(result.transitions.map((t) => [t.seq, t.event, t.alarmId])).toEqual([[50, 'cleared', before.id]]);
    result = step(result.state, disconnected('CP1'), T0 + HOUR);
    expect(result.transitions.map((t) => [t.event, t.from])).toEqual([['raised', 'clearedUnacknowledged']]);
    result = step(result.state, { kind: 'acknowledge', alarmIds: [before.id], user: 'maint', comment: '' }, T0 + HOUR);
    result = step(result.state, connected('CP1', T0 + HOUR), T0 + HOUR);
    result = step(result.state, disconnected('CP1'), T0 + HOUR);
    expect([...result.state.alarms.keys()]).toEqual(['A2']);
  });

  it('never lets its clock go back, and returns the same state object when nothing changes', () => {
    const h = new AlarmHarness([commLost({ onDelayMs: MINUTE })]);
    h.feed(connected('CP1', T0), T0);
    h.feed(disconnected('CP1'), T0 + MINUTE);
    h.tick(T0);
    expect(h.state.clock).toBe(T0 + MINUTE);
    h.tick(T0 + 2 * MINUTE);
    expect(h.only().raisedAt).toBe(T0 + 2 * MINUTE);
    const state = h.state;
    expect(step(state, { kind: 'tick' }, T0 + 2 * MINUTE).state).toBe(state);
  });
});
