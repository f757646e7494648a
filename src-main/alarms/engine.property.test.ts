// Properties of the alarm engine over random rules and random event sequences (fast-check):
// it never throws, its states are always legal, every change has exactly one record (replaying
// the records rebuilds the live list), it never touches the state it is given, and the same
// inputs always give the same outputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_STATUSES } from '../../src-shared/domain/index.ts';
import { createAlarmEngineState, step, stepAll, stepBatch, type AlarmEngineState, type StepResult } from './engine.ts';
import { MAX_ACTION_ATTEMPTS } from './rules.ts';
import { MINUTE, SECOND, T0 } from './test-support.ts';
import type { AlarmInput, AlarmRule, AlarmState, AlarmTransition, AutomaticActionPolicy, FlapSuppression, TransitionEvent } from './types.ts';

const STATIONS = ['CP1', 'CP2', 'CP3'];
/** Operator commands name alarms as `#n` (the n-th live alarm when the command runs) or plain ids, some unknown. */
const ALARM_REFS = ['#0', '#1', '#2', '#3', 'A1', 'A2', 'A99'];

const delay = fc.constantFrom(0, 5 * SECOND, MINUTE);
const flap: fc.Arbitrary<FlapSuppression | null> = fc.option(
  fc.record({ maxCycles: fc.integer({ min: 1, max: 3 }), windowMs: fc.constantFrom(MINUTE, 10 * MINUTE, 60 * MINUTE), stableForMs: fc.constantFrom(0, 30 * SECOND, 2 * MINUTE) }),
);
const ladder: fc.Arbitrary<AutomaticActionPolicy | null> = fc.option(
  fc.record({
    steps: fc.array(
      fc.constantFrom(
        { kind: 'reset' as const, type: 'soft' as const },
        { kind: 'reset' as const, type: 'hard' as const },
        { kind: 'unlock' as const },
        { kind: 'triggerMessage' as const, message: 'StatusNotification' as const },
      ),
      { minLength: 1, maxLength: 3 },
    ),
    maxAttempts: fc.integer({ min: 1, max: 4 }),
    spacingMs: fc.constantFrom(SECOND, MINUTE),
    recoveryMs: fc.constantFrom(0, 10 * MINUTE),
    raise: fc.constantFrom('immediately' as const, 'whenExhausted' as const),
  }),
);
const common = fc.record({ onDelayMs: delay, offDelayMs: delay, flapSuppression: flap, automaticActions: ladder, severity: fc.constantFrom('critical' as const, 'minor' as const, 'info' as const) });

const rules: fc.Arbitrary<AlarmRule[]> = fc
  .tuple(common, common, common, common, common, common, common, common)
  .map(([a, b, c, d, e, f, g, h]) => [
    { id: 'comm', name: 'Communication lost', kind: 'communicationLost', missedHeartbeats: 2, ...a },
    { id: 'fault', name: 'Faulted', kind: 'connectorFaulted', ...b },
    { id: 'stall', name: 'Stalled', kind: 'chargeStalled', minPowerW: 100, stalledForMs: MINUTE, ...c },
    { id: 'long', name: 'Too long', kind: 'transactionTooLong', maxDurationMs: 10 * MINUTE, ...d },
    { id: 'volt', name: 'Voltage', kind: 'measurementThreshold', quantity: 'Voltage', comparison: 'above', threshold: 250, hysteresis: 5, ...e },
    { id: 'group', name: 'Group', kind: 'groupLimitExceeded', hysteresisW: 500, ...f },
    { id: 'sec', name: 'Security', kind: 'securityEvent', ...g },
    { id: 'fw', name: 'Firmware', kind: 'firmwareFailed', ...h },
  ]);

const station = fc.constantFrom(...STATIONS);
/** Stands for "the time of the step" in a generated lastSeenAt (see resolve). */
const FRESH = -1;
const evse = fc.integer({ min: 0, max: 2 });
const user = fc.constantFrom('alice', 'bob', 'alice', '', '  ');
const ids = fc.subarray(ALARM_REFS, { minLength: 1, maxLength: 3 });

function inputs(ruleSet: AlarmRule[]): fc.Arbitrary<AlarmInput> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant<AlarmInput>({ kind: 'tick' }) },
    {
      weight: 10,
      arbitrary: fc.record({ stationId: station, connected: fc.boolean(), lastSeenAt: fc.constantFrom(FRESH, FRESH, T0, null) }).map(
        ({ stationId, connected, lastSeenAt }): AlarmInput => ({ kind: 'stationConnection', stationId, connected, lastSeenAt, heartbeatIntervalS: 30 }),
      ),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({ stationId: station, evseId: evse, status: fc.constantFrom(...CONNECTOR_STATUSES), errorCode: fc.constantFrom(null, 'GroundFailure', 'OtherError') })
        .map((o): AlarmInput => ({ kind: 'connectorStatus', connectorId: o.evseId, ...o })),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({
          stationId: station,
          evseId: evse,
          quantity: fc.constantFrom('Power.Active.Import', 'Voltage'),
          value: fc.oneof(fc.constantFrom(0, 50, 245, 248, 251, 7_000), fc.double({ noNaN: false })),
          phase: fc.constantFrom(null, 'L1'),
        })
        .map((o): AlarmInput => ({ kind: 'measurement', connectorId: o.evseId, ...o })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({ stationId: station, evseId: evse, transactionId: fc.integer({ min: 1, max: 3 }), stopped: fc.boolean() })
        .map((o): AlarmInput => ({ kind: 'transaction', stationId: o.stationId, evseId: o.evseId, connectorId: o.evseId, transactionId: o.transactionId, startedAt: T0, stoppedAt: o.stopped ? T0 : null })),
    },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 3_000 }).map((loadW): AlarmInput => ({ kind: 'groupLoad', groupId: 'G1', loadW, limitW: 2_000 })) },
    { weight: 1, arbitrary: station.map((stationId): AlarmInput => ({ kind: 'securityEvent', stationId, eventType: 'TamperDetectionActivated', techInfo: null })) },
    { weight: 1, arbitrary: fc.record({ stationId: station, status: fc.constantFrom('Downloading', 'InstallationFailed', 'Installed') }).map((o): AlarmInput => ({ kind: 'firmwareStatus', ...o })) },
    { weight: 1, arbitrary: fc.record({ stationId: station, evseId: evse, applied: fc.boolean() }).map((o): AlarmInput => ({ kind: 'profileVerification', detail: null, ...o })) },
    { weight: 1, arbitrary: station.map((stationId): AlarmInput => ({ kind: 'stationRemoved', stationId })) },
    { weight: 4, arbitrary: fc.record({ alarmIds: ids, user, comment: fc.string({ maxLength: 5 }) }).map((o): AlarmInput => ({ kind: 'acknowledge', ...o })) },
    {
      weight: 3,
      arbitrary: fc
        .record({
          alarmIds: ids,
          user,
          reason: fc.constantFrom('', 'maintenance', 'known issue'),
          durationMs: fc.constantFrom(-1, 0, 30 * SECOND, 5 * MINUTE, 5 * MINUTE, 48 * 3_600_000, Number.NaN),
        })
        .map((o): AlarmInput => ({ kind: 'shelve', ...o })),
    },
    { weight: 1, arbitrary: fc.record({ alarmIds: ids, user }).map((o): AlarmInput => ({ kind: 'unshelve', ...o })) },
    { weight: 1, arbitrary: fc.subarray(ruleSet).map((subset): AlarmInput => ({ kind: 'configure', config: { rules: subset } })) },
  );
}

/** Time steps, mostly forward, sometimes none, sometimes back (a clock set backwards). */
const timeStep = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 * SECOND }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 90 * SECOND }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 20 * MINUTE }) },
  { weight: 1, arbitrary: fc.integer({ min: -MINUTE, max: 0 }) },
);

const scenario = rules.chain((ruleSet) =>
  fc.record({ rules: fc.constant(ruleSet), events: fc.array(fc.tuple(inputs(ruleSet), timeStep), { minLength: 1, maxLength: 100, size: 'max' }) }),
);

/**
 * Fills what a generator cannot know in advance: `#n` references of an operator command become
 * the id of the n-th live alarm (or an unknown id), a FRESH lastSeenAt becomes the step's time.
 */
function resolve(input: AlarmInput, state: AlarmEngineState, now: number): AlarmInput {
  if (input.kind === 'stationConnection' && input.lastSeenAt === FRESH) return { ...input, lastSeenAt: now };
  if (input.kind !== 'acknowledge' && input.kind !== 'shelve' && input.kind !== 'unshelve') return input;
  const live = [...state.alarms.keys()];
  const alarmIds = input.alarmIds.map((ref) => (ref.startsWith('#') ? (live[Number(ref.slice(1))] ?? 'A404') : ref));
  return { ...input, alarmIds };
}

/** Runs a scenario; `fullScan` disables the due-time shortcut, so every step scans every point. */
function run(ruleSet: AlarmRule[], events: Array<[AlarmInput, number]>, fullScan = false): StepResult[] {
  let state = createAlarmEngineState({ rules: ruleSet, topology: { stations: {}, groups: {} } });
  let now = T0;
  const results: StepResult[] = [];
  for (const [input, dt] of events) {
    now += dt;
    const given = fullScan ? { ...state, dueAt: Number.NEGATIVE_INFINITY } : state;
    const result = step(given, resolve(input, state, now), now);
    results.push(result);
    state = result.state;
  }
  return results;
}

const LIFECYCLE_EVENTS: readonly TransitionEvent[] = ['raised', 'cleared', 'acknowledged'];
const SHELVING_EVENTS: readonly TransitionEvent[] = ['shelved', 'unshelved', 'shelvingExpired'];
const FLAPPING_EVENTS: readonly TransitionEvent[] = ['flappingStarted', 'flappingEnded'];

interface Replayed {
  state: AlarmState;
  shelved: boolean;
  flapping: boolean;
}

/** Replays one record onto the model of the live list; fails on any record that does not follow. */
function replay(model: Map<string, Replayed>, t: AlarmTransition): void {
  if (t.alarmId === null) {
    expect(t.from).toBeNull();
    expect(t.to).toBeNull();
    expect(['actionRequested', 'actionsExhausted', 'automaticRecovery']).toContain(t.event);
    return;
  }
  const before = model.get(t.alarmId);
  if (t.from === null) {
    expect(before).toBeUndefined();
    expect(t.event).toBe('raised');
  } else {
    expect(before?.state).toBe(t.from);
  }
  const after: Replayed = { state: t.to as AlarmState, shelved: t.shelved, flapping: t.flapping };
  // Each kind of change is carried by its own kind of record, never as a side effect of another.
  if (t.from !== t.to) expect(LIFECYCLE_EVENTS).toContain(t.event);
  if ((before?.shelved ?? false) !== after.shelved) expect(SHELVING_EVENTS).toContain(t.event);
  if ((before?.flapping ?? false) !== after.flapping) expect(FLAPPING_EVENTS).toContain(t.event);
  if (after.state === 'cleared') model.delete(t.alarmId);
  else model.set(t.alarmId, after);
}

function checkLegal(state: AlarmEngineState): void {
  for (const [id, alarm] of state.alarms) {
    expect(alarm.id).toBe(id);
    expect(alarm.state).not.toBe('cleared');
    const active = alarm.state === 'activeUnacknowledged' || alarm.state === 'activeAcknowledged';
    // A cleared alarm is never active, and an active one has no clearing time.
    expect(alarm.clearedAt === null).toBe(active);
    // Acknowledged always by someone; unacknowledged never carries an acknowledgement.
    if (alarm.state === 'activeAcknowledged') expect(alarm.acknowledgement?.by.trim()).toBeTruthy();
    else expect(alarm.acknowledgement).toBeNull();
    if (alarm.flapping) expect(active).toBe(true);
    if (alarm.shelving) {
      expect(alarm.shelving.by.trim()).toBeTruthy();
      expect(alarm.shelving.reason.trim()).toBeTruthy();
      expect(alarm.shelving.until).toBeGreaterThan(state.clock);
    }
    expect(alarm.occurrences).toBeGreaterThanOrEqual(1);
    expect(alarm.raisedAt).toBeGreaterThanOrEqual(alarm.firstRaisedAt);
  }
  for (const point of state.points.values()) {
    if (point.alarmId !== null) expect(state.alarms.get(point.alarmId)?.sourceKey).toBe(point.sourceKey);
    if (point.ladder) expect(point.ladder.attempts).toBeLessThanOrEqual(MAX_ACTION_ATTEMPTS);
  }
}

describe('alarm engine properties', () => {
  it('never throws, keeps every state legal and records every change exactly once', () => {
    fc.assert(
      fc.property(scenario, ({ rules: ruleSet, events }) => {
        let state = createAlarmEngineState({ rules: ruleSet });
        let now = T0;
        const model = new Map<string, Replayed>();
        for (const [input, dt] of events) {
          now += dt;
          const frozen = structuredClone(state);
          const result = step(state, resolve(input, state, now), now);
          // The given state is never modified.
          expect(state).toEqual(frozen);
          // Records are numbered without gaps, dated at the engine's clock.
          result.transitions.forEach((t, i) => {
            expect(t.seq).toBe(state.nextTransitionSeq + i);
            expect(t.at).toBe(result.state.clock);
            replay(model, t);
          });
          expect(result.state.nextTransitionSeq).toBe(state.nextTransitionSeq + result.transitions.length);
          // Every automatic command is logged by exactly one record.
          const logged = result.transitions.filter((t) => t.event === 'actionRequested' && t.action !== null).map((t) => t.action);
          expect(logged).toEqual(result.actions);
          // Operator commands name who did them.
          for (const t of result.transitions) {
            if (['acknowledged', 'shelved', 'unshelved'].includes(t.event)) expect(t.operator?.trim()).toBeTruthy();
            else expect(t.operator).toBeNull();
          }
          state = result.state;
          checkLegal(state);
          // Replaying the records gives exactly the live list.
          expect(new Map([...state.alarms].map(([id, a]) => [id, { state: a.state, shelved: a.shelving !== null, flapping: a.flapping }]))).toEqual(model);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('bounds the automatic actions of a point by its ladder', () => {
    fc.assert(
      fc.property(scenario, ({ rules: ruleSet, events }) => {
        const results = run(ruleSet, events);
        for (const result of results) {
          for (const point of result.state.points.values()) {
            const rule = ruleSet.find((r) => r.id === point.ruleId);
            if (point.ladder && rule?.automaticActions) expect(point.ladder.attempts).toBeLessThanOrEqual(rule.automaticActions.maxAttempts);
          }
          // At most one command per point per instant, whatever the spacing.
          const perPoint = new Map<string, number>();
          for (const a of result.actions) perPoint.set(`${a.ruleId}|${a.sourceKey}`, (perPoint.get(`${a.ruleId}|${a.sourceKey}`) ?? 0) + 1);
          for (const count of perPoint.values()) expect(count).toBe(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('misses nothing by skipping the scan of points before the next due time', () => {
    fc.assert(
      fc.property(scenario, ({ rules: ruleSet, events }) => {
        const shortcut = run(ruleSet, events);
        const full = run(ruleSet, events, true);
        expect(shortcut.map((r) => [r.transitions, r.actions, r.outcome, [...r.state.alarms.values()]])).toEqual(
          full.map((r) => [r.transitions, r.actions, r.outcome, [...r.state.alarms.values()]]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('gives the same outputs for the same inputs', () => {
    fc.assert(
      fc.property(scenario, ({ rules: ruleSet, events }) => {
        const first = run(ruleSet, events);
        const second = run(ruleSet, events);
        expect(second.map((r) => [r.transitions, r.actions, r.outcome])).toEqual(first.map((r) => [r.transitions, r.actions, r.outcome]));
        expect([...(second.at(-1)?.state.alarms.values() ?? [])]).toEqual([...(first.at(-1)?.state.alarms.values() ?? [])]);
      }),
      { numRuns: 100 },
    );
  });

  for (const consume of [false, true]) {
    it(`a${consume ? ' consumed' : ''} batch of inputs at one instant gives exactly what the same inputs give one step at a time${consume ? ' (maps updated in place, alarm map never)' : ''}`, () => {
      fc.assert(
        fc.property(scenario, fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 30 }), ({ rules: ruleSet, events }, sizes) => {
          let one = createAlarmEngineState({ rules: ruleSet });
          let batched = createAlarmEngineState({ rules: ruleSet });
          let now = T0;
          let at = 0;
          for (let b = 0; at < events.length; b++) {
            const chunk = events.slice(at, at + (sizes[b % sizes.length] as number));
            at += chunk.length;
            now += (chunk[0] as [AlarmInput, number])[1];
            const inputs = chunk.map(([input]) => resolve(input, one, now));
            const a = stepAll(one, inputs, now);
            // Pure mode never touches its input; consumed mode still never touches the alarm map.
            const watched = consume ? batched.alarms : batched;
            const frozen = structuredClone(watched);
            const c = stepBatch(batched, inputs, now, { consume });
            expect(watched).toEqual(frozen);
            expect(c.transitions).toEqual(a.transitions);
            expect(c.actions).toEqual(a.actions);
            expect(c.outcome).toEqual(a.outcome);
            expect([...c.state.alarms.values()]).toEqual([...a.state.alarms.values()]);
            expect([...c.state.points.values()]).toEqual([...a.state.points.values()]);
            expect(c.state.nextTransitionSeq).toBe(a.state.nextTransitionSeq);
            one = a.state;
            batched = c.state;
          }
        }),
        { numRuns: 200 },
      );
    });
  }
});
