// The alarm engine: a pure state machine. `step(state, input, now)` returns the next state, the
// sequence-of-events records of every change and the automatic commands to send; it never reads
// a clock, never throws on bad input and never changes the state it was given.
//
// Model: each (rule, source) pair is a *point*. Rule evaluation (conditions.ts) says whether the
// point's condition holds now; the point debounces it with the on- and off-delays, counts raises
// for flap suppression, runs the automatic action ladder, and drives at most one live *alarm
// instance* through its lifecycle (see AlarmState in types.ts).
import { securityReading, groupReadings, stationReadings, type SourceReading } from './conditions.ts';
import { emptyStationFacts, updateStationFacts, type GroupFacts, type StationFacts } from './facts.ts';
import { normalizeConfig, type NormalizedConfig, type NormalizedRule } from './rules.ts';
import type {
  AlarmMessageKey,
  AlarmMessageParams,
  AlarmActionRequest,
  AlarmEngineConfig,
  AlarmInput,
  AlarmInstance,
  AlarmObservation,
  AlarmSource,
  AlarmState,
  AlarmTransition,
  AlarmValue,
  AutomaticActionStep,
  CommandOutcome,
  EpochMs,
  OperatorCommand,
  TransitionEvent,
} from './types.ts';
import type { StationCommand } from '../../src-shared/domain/index.ts';

/** Progress of a point's automatic action ladder. */
export interface LadderProgress {
  attempts: number;
  lastAttemptAt: EpochMs | null;
  givenUp: boolean;
  /** When the condition last went away; null while it is present. */
  quietSince: EpochMs | null;
}

export interface AlarmPoint {
  /** `${ruleId}|${sourceKey}` */
  key: string;
  ruleId: string;
  sourceKey: string;
  source: AlarmSource;
  /** The raw condition, as rule evaluation last said. */
  condition: boolean;
  conditionSince: EpochMs;
  /** The condition after the on- and off-delays: what the lifecycle follows. */
  debounced: boolean;
  value: AlarmValue;
  message: string;
  messageKey?: AlarmMessageKey;
  messageParams?: AlarmMessageParams;
  /** The live instance of this point, if any. */
  alarmId: string | null;
  /** Debounced raises still inside the flap window. */
  raiseTimes: readonly EpochMs[];
  ladder: LadderProgress | null;
}

export interface AlarmEngineState {
  /** The configuration as given (what the rule editor reads back). */
  config: AlarmEngineConfig;
  settings: NormalizedConfig;
  /** Latest time seen; the engine's clock never goes back. */
  clock: EpochMs;
  stations: ReadonlyMap<string, StationFacts>;
  groups: ReadonlyMap<string, GroupFacts>;
  points: ReadonlyMap<string, AlarmPoint>;
  /** Live instances (every state but 'cleared'), by id. */
  alarms: ReadonlyMap<string, AlarmInstance>;
  nextAlarmNumber: number;
  nextTransitionSeq: number;
  /**
   * No delay, ladder step, flapping end or shelving expiry falls due before this time (a lower
   * bound: it may be early, never late). Steps before it skip the scan of every point, which is
   * what keeps a step cheap when thousands of alarms are standing.
   */
  dueAt: EpochMs;
}

export interface StepResult {
  state: AlarmEngineState;
  transitions: AlarmTransition[];
  actions: AlarmActionRequest[];
  /** Per-alarm result of an operator command; null for other inputs. */
  outcome: CommandOutcome | null;
}

export interface RestoreOptions {
  /** Live alarms read back from the archive after a restart. */
  alarms?: readonly AlarmInstance[];
  /** Next free alarm number / record sequence (max in the archive + 1), so ids are never reused. */
  nextAlarmNumber?: number;
  nextTransitionSeq?: number;
  now?: EpochMs;
}

const ACTIVE_STATES: readonly AlarmState[] = ['activeUnacknowledged', 'activeAcknowledged'];

export function isActive(state: AlarmState): boolean {
  return ACTIVE_STATES.includes(state);
}

function pointKey(ruleId: string, sourceKey: string): string {
  return `${ruleId}|${sourceKey}`;
}

/**
 * When the point last moved: its raw condition or its latest raise. Stability for flapping is
 * counted from both, otherwise an on-delay longer than the stable time would end flapping at the
 * very raise that started it.
 */
function lastChangeAt(point: AlarmPoint): EpochMs {
  return Math.max(point.conditionSince, point.raiseTimes.at(-1) ?? Number.NEGATIVE_INFINITY);
}

function sameSource(a: AlarmSource, b: AlarmSource): boolean {
  return (
    a.stationId === b.stationId &&
    a.evseId === b.evseId &&
    a.connectorId === b.connectorId &&
    a.groupId === b.groupId &&
    a.siteId === b.siteId &&
    a.detail === b.detail
  );
}

function sameReading(point: AlarmPoint, reading: SourceReading): boolean {
  return point.condition === reading.active && point.value === reading.value && point.message === reading.message && sameSource(point.source, reading.source);
}

/** The translatable form of a message, only when there is one (records of older versions have none). */
function messageTextOf(from: { messageKey?: AlarmMessageKey; messageParams?: AlarmMessageParams }): { messageKey?: AlarmMessageKey; messageParams?: AlarmMessageParams } {
  return from.messageKey === undefined ? {} : { messageKey: from.messageKey, messageParams: from.messageParams ?? {} };
}

function alarmDueAt(alarm: AlarmInstance): EpochMs {
  return alarm.shelving ? alarm.shelving.until : Number.POSITIVE_INFINITY;
}

function wholeNumber(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

/**
 * A fresh engine state, optionally carrying the live alarms of a previous run. A restored active
 * alarm is assumed still present until an observation says otherwise.
 */
export function createAlarmEngineState(config: AlarmEngineConfig, restore: RestoreOptions = {}): AlarmEngineState {
  const settings = normalizeConfig(config);
  const alarms = new Map<string, AlarmInstance>();
  const points = new Map<string, AlarmPoint>();
  let highestNumber = 0;
  for (const alarm of restore.alarms ?? []) {
    if (alarm.state === 'cleared' || alarms.has(alarm.id)) continue;
    alarms.set(alarm.id, alarm);
    const number = Number(alarm.id.slice(settings.alarmIdPrefix.length));
    if (alarm.id.startsWith(settings.alarmIdPrefix) && Number.isSafeInteger(number)) highestNumber = Math.max(highestNumber, number);
    if (!settings.ruleById.has(alarm.ruleId)) continue;
    const active = isActive(alarm.state);
    points.set(pointKey(alarm.ruleId, alarm.sourceKey), {
      key: pointKey(alarm.ruleId, alarm.sourceKey),
      ruleId: alarm.ruleId,
      sourceKey: alarm.sourceKey,
      source: alarm.source,
      condition: active,
      conditionSince: active ? alarm.raisedAt : (alarm.clearedAt ?? alarm.raisedAt),
      debounced: active,
      value: alarm.value,
      message: alarm.message,
      ...messageTextOf(alarm),
      alarmId: alarm.id,
      raiseTimes: [],
      ladder: null,
    });
  }
  return {
    config,
    settings,
    clock: typeof restore.now === 'number' && Number.isFinite(restore.now) ? restore.now : 0,
    stations: new Map(),
    groups: new Map(),
    points,
    alarms,
    nextAlarmNumber: Math.max(wholeNumber(restore.nextAlarmNumber, 1), highestNumber + 1),
    nextTransitionSeq: wholeNumber(restore.nextTransitionSeq, 1),
    // The first step scans everything (restored alarms may need settling or retiring).
    dueAt: Number.NEGATIVE_INFINITY,
  };
}

// ---------------------------------------------------------------------------------------------
// One step

/**
 * Advances the engine to `now` (due delays, ladder steps, flapping ends and shelving expiries
 * first, so they are dated before the input), then applies the input.
 */
export function step(state: AlarmEngineState, input: AlarmInput, now: EpochMs): StepResult {
  const run = new StepRun(state, now);
  run.settleAll();
  return run.result(applyInput(run, input));
}

function applyInput(run: StepRun, input: AlarmInput): CommandOutcome | null {
  switch (input.kind) {
    case 'tick':
      run.evaluateTimedRules();
      run.forgetIdlePoints();
      return null;
    case 'acknowledge':
    case 'shelve':
    case 'unshelve':
      return run.command(input);
    case 'configure':
      run.configure(input.config);
      return null;
    default:
      run.observe(input);
      return null;
  }
}

export interface BatchOptions {
  /**
   * The caller gives up `state` (it keeps only the result): the large station, group and point
   * maps are then updated in place instead of copied, so a batch costs what it changes, not the
   * size of the site. The alarm map is still copied (callers compare alarms before and after).
   */
  consume?: boolean;
}

/**
 * Several inputs at the same instant in ONE working copy: the same result as `stepAll`, but
 * the state's maps are copied once for the batch instead of once per input (a burst of a
 * thousand status notifications would otherwise copy the station map a thousand times).
 */
export function stepBatch(state: AlarmEngineState, inputs: readonly AlarmInput[], now: EpochMs, options: BatchOptions = {}): StepResult {
  const run = new StepRun(state, now, options.consume ?? false);
  let outcome: CommandOutcome | null = null;
  for (const input of inputs) {
    run.foldTouchedDueTimes();
    run.settleAll();
    const result = applyInput(run, input);
    if (result) {
      outcome = outcome ?? { accepted: [], refused: [] };
      outcome.accepted.push(...result.accepted);
      outcome.refused.push(...result.refused);
    }
  }
  return run.result(outcome);
}

/** Feeds several inputs at the same time, concatenating what they produce. */
export function stepAll(state: AlarmEngineState, inputs: readonly AlarmInput[], now: EpochMs): StepResult {
  let current = state;
  const transitions: AlarmTransition[] = [];
  const actions: AlarmActionRequest[] = [];
  let outcome: CommandOutcome | null = null;
  for (const input of inputs) {
    const result = step(current, input, now);
    current = result.state;
    transitions.push(...result.transitions);
    actions.push(...result.actions);
    if (result.outcome) {
      outcome = outcome ?? { accepted: [], refused: [] };
      outcome.accepted.push(...result.outcome.accepted);
      outcome.refused.push(...result.outcome.refused);
    }
  }
  return { state: current, transitions, actions, outcome };
}

function commandFor(actionStep: AutomaticActionStep, source: AlarmSource): StationCommand | null {
  switch (actionStep.kind) {
    case 'reset':
      return { kind: 'reset', type: actionStep.type };
    case 'triggerMessage':
      return source.evseId === null ? { kind: 'triggerMessage', message: actionStep.message } : { kind: 'triggerMessage', message: actionStep.message, evseId: source.evseId };
    case 'changeAvailability':
      // evse 0 is the whole station in both OCPP versions.
      return { kind: 'changeAvailability', evseId: source.evseId ?? 0, operative: actionStep.operative };
    case 'unlock':
      if (source.evseId === null) return null;
      return { kind: 'unlock', evseId: source.evseId, connectorId: source.connectorId ?? source.evseId };
  }
}

/**
 * The working copy of one step. Maps are copied on first write and every object changed during
 * the step is a fresh copy (tracked in `own`), so the input state is never touched.
 */
class StepRun {
  private readonly base: AlarmEngineState;
  private readonly now: EpochMs;
  private settings: NormalizedConfig;
  private config: AlarmEngineConfig;
  private stations: ReadonlyMap<string, StationFacts>;
  private groups: ReadonlyMap<string, GroupFacts>;
  private points: ReadonlyMap<string, AlarmPoint>;
  private alarms: ReadonlyMap<string, AlarmInstance>;
  private readonly copied = new Set<string>();
  private readonly own = new WeakSet<object>();
  /** Points and alarms changed in this step, whose due times may have moved earlier. */
  private readonly touchedPoints = new Set<string>();
  private readonly touchedAlarms = new Set<string>();
  private dueAt: EpochMs;
  private nextAlarmNumber: number;
  private nextTransitionSeq: number;
  private readonly transitions: AlarmTransition[] = [];
  private readonly actions: AlarmActionRequest[] = [];

  /** Maps updated in place (the caller consumed the input state). */
  private readonly inPlace: boolean;

  constructor(state: AlarmEngineState, now: EpochMs, consume = false) {
    this.inPlace = consume;
    this.base = state;
    this.now = typeof now === 'number' && Number.isFinite(now) ? Math.max(now, state.clock) : state.clock;
    this.settings = state.settings;
    this.config = state.config;
    this.stations = state.stations;
    this.groups = state.groups;
    this.points = state.points;
    this.alarms = state.alarms;
    this.nextAlarmNumber = state.nextAlarmNumber;
    this.nextTransitionSeq = state.nextTransitionSeq;
    this.dueAt = state.dueAt;
  }

  /** Moves `dueAt` earlier for what this run changed (so a batch settles it like separate steps). */
  foldTouchedDueTimes(): void {
    for (const key of this.touchedPoints) {
      const point = this.points.get(key);
      if (point) this.dueAt = Math.min(this.dueAt, this.pointDueAt(point));
    }
    for (const id of this.touchedAlarms) {
      const alarm = this.alarms.get(id);
      if (alarm) this.dueAt = Math.min(this.dueAt, alarmDueAt(alarm));
    }
    // Folded: a later change touches them again. An early dueAt is harmless (settleAll recomputes it).
    this.touchedPoints.clear();
    this.touchedAlarms.clear();
  }

  result(outcome: CommandOutcome | null): StepResult {
    this.foldTouchedDueTimes();
    const unchanged =
      this.copied.size === 0 && this.transitions.length === 0 && this.now === this.base.clock && this.config === this.base.config && this.dueAt === this.base.dueAt;
    const state: AlarmEngineState = unchanged
      ? this.base
      : {
          config: this.config,
          settings: this.settings,
          clock: this.now,
          stations: this.stations,
          groups: this.groups,
          points: this.points,
          alarms: this.alarms,
          nextAlarmNumber: this.nextAlarmNumber,
          nextTransitionSeq: this.nextTransitionSeq,
          dueAt: this.dueAt,
        };
    return { state, transitions: this.transitions, actions: this.actions, outcome };
  }

  // ----- copy-on-write helpers

  private writable<K, V>(name: 'stations' | 'groups' | 'points' | 'alarms', map: ReadonlyMap<K, V>): Map<K, V> {
    if (this.copied.has(name)) return map as Map<K, V>;
    this.copied.add(name);
    return this.inPlace && name !== 'alarms' ? (map as Map<K, V>) : new Map(map);
  }

  private setStation(facts: StationFacts): void {
    const map = this.writable('stations', this.stations);
    map.set(facts.stationId, facts);
    this.stations = map;
  }

  private deleteStation(stationId: string): void {
    if (!this.stations.has(stationId)) return;
    const map = this.writable('stations', this.stations);
    map.delete(stationId);
    this.stations = map;
  }

  private setGroup(facts: GroupFacts): void {
    const map = this.writable('groups', this.groups);
    map.set(facts.groupId, facts);
    this.groups = map;
  }

  /** A point that may be changed in place during this step. */
  private editPoint(key: string): AlarmPoint | undefined {
    const point = this.points.get(key);
    if (!point) return point;
    // Touched on every edit, not only the first: a batch folds due times between inputs.
    this.touchedPoints.add(key);
    if (this.own.has(point)) return point;
    const copy: AlarmPoint = { ...point, ladder: point.ladder ? { ...point.ladder } : null };
    this.own.add(copy);
    this.touchedPoints.add(key);
    const map = this.writable('points', this.points);
    map.set(key, copy);
    this.points = map;
    return copy;
  }

  private addPoint(point: AlarmPoint): AlarmPoint {
    this.own.add(point);
    this.touchedPoints.add(point.key);
    const map = this.writable('points', this.points);
    map.set(point.key, point);
    this.points = map;
    return point;
  }

  private deletePoint(key: string): void {
    if (!this.points.has(key)) return;
    const map = this.writable('points', this.points);
    map.delete(key);
    this.points = map;
  }

  /** An alarm that may be changed in place during this step. */
  private editAlarm(id: string | null): AlarmInstance | undefined {
    if (id === null) return undefined;
    const alarm = this.alarms.get(id);
    if (!alarm) return alarm;
    this.touchedAlarms.add(id);
    if (this.own.has(alarm)) return alarm;
    const copy: AlarmInstance = { ...alarm };
    this.own.add(copy);
    this.touchedAlarms.add(id);
    const map = this.writable('alarms', this.alarms);
    map.set(id, copy);
    this.alarms = map;
    return copy;
  }

  private addAlarm(alarm: AlarmInstance): AlarmInstance {
    this.own.add(alarm);
    this.touchedAlarms.add(alarm.id);
    const map = this.writable('alarms', this.alarms);
    map.set(alarm.id, alarm);
    this.alarms = map;
    return alarm;
  }

  /** A 'cleared' instance leaves the live list; the archive keeps it through its records. */
  private retireAlarm(alarm: AlarmInstance): void {
    const map = this.writable('alarms', this.alarms);
    map.delete(alarm.id);
    this.alarms = map;
    const point = this.editPoint(pointKey(alarm.ruleId, alarm.sourceKey));
    if (point && point.alarmId === alarm.id) point.alarmId = null;
  }

  // ----- records

  private record(
    event: TransitionEvent,
    point: AlarmPoint | null,
    alarm: AlarmInstance | null,
    from: AlarmState | null,
    extra: { operator?: string | null; comment?: string | null; action?: AlarmActionRequest | null; ruleId?: string } = {},
  ): void {
    const ruleId = alarm?.ruleId ?? point?.ruleId ?? extra.ruleId ?? '';
    const rule = this.settings.ruleById.get(ruleId)?.rule;
    this.transitions.push({
      seq: this.nextTransitionSeq++,
      at: this.now,
      alarmId: alarm?.id ?? null,
      ruleId,
      ruleKind: alarm?.ruleKind ?? rule?.kind ?? 'communicationLost',
      ruleName: alarm?.ruleName ?? rule?.name ?? ruleId,
      sourceKey: alarm?.sourceKey ?? point?.sourceKey ?? '',
      source: alarm?.source ?? point?.source ?? { stationId: null, evseId: null, connectorId: null, groupId: null, siteId: null, detail: null },
      severity: alarm?.severity ?? rule?.severity ?? 'info',
      event,
      from,
      to: alarm ? alarm.state : null,
      shelved: alarm?.shelving != null,
      flapping: alarm?.flapping ?? false,
      // The point holds the reading that caused the event (the value that cleared an alarm);
      // operator events pass no point and report the alarm's own value.
      value: point ? point.value : (alarm?.value ?? null),
      message: point ? point.message : (alarm?.message ?? ''),
      ...messageTextOf(point ?? alarm ?? {}),
      operator: extra.operator ?? null,
      comment: extra.comment ?? null,
      action: extra.action ?? null,
    });
  }

  // ----- time

  /** When this point next needs attention without any new input (Infinity: never). */
  private pointDueAt(point: AlarmPoint): EpochMs {
    const rule = this.settings.ruleById.get(point.ruleId);
    if (!rule) return Number.POSITIVE_INFINITY;
    let due = Number.POSITIVE_INFINITY;
    if (point.condition && !point.debounced) due = point.conditionSince + rule.onDelayMs;
    if (!point.condition && point.debounced) due = point.conditionSince + rule.offDelayMs;
    const ladder = point.ladder;
    if (point.debounced && ladder && !ladder.givenUp && rule.actions) {
      due = Math.min(due, ladder.lastAttemptAt === null ? this.now : ladder.lastAttemptAt + rule.actions.spacingMs);
    }
    const alarm = point.alarmId !== null ? this.alarms.get(point.alarmId) : undefined;
    if (alarm?.flapping) due = Math.min(due, rule.flap ? lastChangeAt(point) + rule.flap.stableForMs : this.now);
    return due;
  }

  /** Everything that falls due by `now`, before the input is applied. */
  settleAll(): void {
    if (this.now < this.dueAt) return;
    for (const key of [...this.points.keys()]) this.settle(key);
    for (const alarm of [...this.alarms.values()]) {
      if (alarm.shelving && this.now >= alarm.shelving.until) {
        const edited = this.editAlarm(alarm.id);
        if (!edited) continue;
        edited.shelving = null;
        this.record('shelvingExpired', null, edited, edited.state);
      }
      // An alarm restored from the archive whose rule has since gone cannot be evaluated any more.
      if (isActive(alarm.state) && !this.settings.ruleById.has(alarm.ruleId)) this.retireRuleless(alarm.id);
    }
    let due = Number.POSITIVE_INFINITY;
    for (const point of this.points.values()) due = Math.min(due, this.pointDueAt(point));
    for (const alarm of this.alarms.values()) due = Math.min(due, alarmDueAt(alarm));
    this.dueAt = due;
  }

  evaluateTimedRules(): void {
    const timed = this.settings.rules.filter((r) => r.timed);
    if (timed.length === 0) return;
    for (const facts of this.stations.values()) this.evaluateStation(facts, timed);
  }

  /** Drops points that remember nothing useful any more, so memory follows the live situation. */
  forgetIdlePoints(): void {
    for (const point of [...this.points.values()]) {
      if (point.condition || point.debounced || point.alarmId !== null) continue;
      const rule = this.settings.ruleById.get(point.ruleId);
      if (!rule) {
        this.deletePoint(point.key);
        continue;
      }
      const flapMemory = rule.flap !== null && point.raiseTimes.some((t) => this.now - t < (rule.flap?.windowMs ?? 0));
      const ladder = point.ladder;
      const ladderMemory =
        ladder !== null && rule.actions !== null && (ladder.attempts > 0 || ladder.givenUp) && (ladder.quietSince === null || this.now - ladder.quietSince < rule.actions.recoveryMs);
      if (!flapMemory && !ladderMemory) this.deletePoint(point.key);
    }
  }

  // ----- observations

  observe(observation: AlarmObservation): void {
    switch (observation.kind) {
      case 'groupLoad': {
        if (typeof observation.groupId !== 'string' || !Number.isFinite(observation.loadW) || !Number.isFinite(observation.limitW)) return;
        const facts: GroupFacts = { groupId: observation.groupId, loadW: observation.loadW, limitW: observation.limitW };
        this.setGroup(facts);
        for (const rule of this.settings.rules) {
          if (rule.groupScoped) for (const reading of groupReadings(rule, facts, this.settings.topology, this.wasActive(rule))) this.apply(rule, reading);
        }
        return;
      }
      case 'securityEvent':
        for (const rule of this.settings.rules) {
          const reading = securityReading(rule, observation, this.settings.topology);
          if (!reading) continue;
          // Momentary: the event raises and is gone in the same instant.
          this.apply(rule, reading);
          this.apply(rule, { ...reading, active: false });
        }
        return;
      case 'stationRemoved':
        this.deleteStation(observation.stationId);
        for (const point of [...this.points.values()]) {
          if (point.source.stationId === observation.stationId) this.applyInactive(point.key);
        }
        return;
      default: {
        if (typeof observation.stationId !== 'string') return;
        const before = this.stations.get(observation.stationId) ?? emptyStationFacts(observation.stationId);
        // A snapshot's parts are taken in together, then the rules run once (facts.ts).
        const facts = updateStationFacts(before, observation);
        if (facts !== before || !this.stations.has(observation.stationId)) this.setStation(facts);
        this.evaluateStation(facts, this.settings.rules);
      }
    }
  }

  private wasActive(rule: NormalizedRule): (sourceKey: string) => boolean {
    return (sourceKey) => this.points.get(pointKey(rule.rule.id, sourceKey))?.condition ?? false;
  }

  private evaluateStation(facts: StationFacts, rules: readonly NormalizedRule[], visited?: Set<string>): void {
    for (const rule of rules) {
      if (rule.groupScoped || rule.momentary) continue;
      for (const reading of stationReadings(rule, facts, this.settings.topology, this.wasActive(rule), this.now)) {
        visited?.add(pointKey(rule.rule.id, reading.sourceKey));
        this.apply(rule, reading);
      }
    }
  }

  /** Takes a fresh verdict for a point, then lets the point react. */
  private apply(rule: NormalizedRule, reading: SourceReading): void {
    const key = pointKey(rule.rule.id, reading.sourceKey);
    const existing = this.points.get(key);
    if (existing && sameReading(existing, reading)) {
      // Most samples change nothing: skip the copy and only let time do its work.
      this.settle(key);
      return;
    }
    let point = this.editPoint(key);
    if (!point) {
      // Sources in the normal state leave no trace: points exist only where something is going on.
      if (!reading.active) return;
      point = this.addPoint({
        key,
        ruleId: rule.rule.id,
        sourceKey: reading.sourceKey,
        source: reading.source,
        condition: false,
        conditionSince: this.now,
        debounced: false,
        value: reading.value,
        message: reading.message,
        messageKey: reading.messageKey,
        messageParams: reading.messageParams,
        alarmId: null,
        raiseTimes: [],
        ladder: null,
      });
    }
    if (point.condition !== reading.active) {
      point.condition = reading.active;
      point.conditionSince = this.now;
    }
    point.source = reading.source;
    point.value = reading.value;
    point.message = reading.message;
    point.messageKey = reading.messageKey;
    point.messageParams = reading.messageParams;
    // A cleared alarm keeps the value that raised it; an active one follows the measurement.
    const alarm = point.alarmId !== null ? this.alarms.get(point.alarmId) : undefined;
    if (alarm && reading.active && isActive(alarm.state) && (alarm.value !== reading.value || alarm.message !== reading.message)) {
      const edited = this.editAlarm(alarm.id);
      if (edited) {
        edited.value = reading.value;
        edited.message = reading.message;
        Object.assign(edited, messageTextOf(reading));
      }
    }
    this.settle(key);
  }

  private applyInactive(key: string): void {
    const point = this.points.get(key);
    const rule = point ? this.settings.ruleById.get(point.ruleId) : undefined;
    if (!point || !rule) return;
    this.apply(rule, {
      sourceKey: point.sourceKey,
      source: point.source,
      active: false,
      value: point.value,
      message: point.message,
      messageKey: point.messageKey ?? 'communicationLost',
      messageParams: point.messageParams ?? {},
    });
  }

  // ----- the point's reaction: delays, ladder, flapping

  private settle(key: string): void {
    const rule = this.settings.ruleById.get(this.points.get(key)?.ruleId ?? '');
    if (!rule) return;
    const point = this.points.get(key);
    if (!point) return;
    const elapsed = this.now - point.conditionSince;
    if (point.condition && !point.debounced && elapsed >= rule.onDelayMs) {
      const edited = this.editPoint(key);
      if (!edited) return;
      edited.debounced = true;
      this.onDebouncedRaise(rule, edited);
    } else if (!point.condition && point.debounced && elapsed >= rule.offDelayMs) {
      const edited = this.editPoint(key);
      if (!edited) return;
      edited.debounced = false;
      this.onDebouncedClear(edited);
    }
    const current = this.points.get(key);
    if (current?.debounced && current.ladder && !current.ladder.givenUp && rule.actions) this.runLadder(rule, key);
    const settled = this.points.get(key);
    const alarm = settled?.alarmId != null ? this.alarms.get(settled.alarmId) : undefined;
    if (settled && alarm?.flapping && (rule.flap === null || this.now - lastChangeAt(settled) >= rule.flap.stableForMs)) {
      const edited = this.editAlarm(alarm.id);
      if (!edited) return;
      const from = edited.state;
      edited.flapping = false;
      this.record('flappingEnded', settled, edited, from);
      if (!settled.debounced) this.clearAlarm(edited, settled);
    }
  }

  private onDebouncedRaise(rule: NormalizedRule, point: AlarmPoint): void {
    const actions = rule.actions;
    if (!actions || point.source.stationId === null) {
      this.raiseAlarm(rule, point);
      return;
    }
    let ladder = point.ladder ?? { attempts: 0, lastAttemptAt: null, givenUp: false, quietSince: null };
    if (ladder.quietSince !== null && this.now - ladder.quietSince >= actions.recoveryMs) {
      ladder = { attempts: 0, lastAttemptAt: null, givenUp: false, quietSince: null };
    }
    point.ladder = { ...ladder, quietSince: null };
    // When the ladder has already failed recently, there is nothing left to try: tell people now.
    if (actions.raise === 'immediately' || point.ladder.givenUp) this.raiseAlarm(rule, point);
  }

  private onDebouncedClear(point: AlarmPoint): void {
    if (point.ladder) {
      if (point.ladder.attempts > 0 && !point.ladder.givenUp) {
        this.record('automaticRecovery', point, this.alarmOf(point), this.alarmOf(point)?.state ?? null);
      }
      point.ladder.quietSince = this.now;
    }
    const alarm = this.alarmOf(point);
    // A flapping alarm stays up until the source is stable (see settle).
    if (alarm && !alarm.flapping && isActive(alarm.state)) {
      const edited = this.editAlarm(alarm.id);
      if (edited) this.clearAlarm(edited, point);
    }
  }

  private alarmOf(point: AlarmPoint): AlarmInstance | null {
    return point.alarmId !== null ? (this.alarms.get(point.alarmId) ?? null) : null;
  }

  private runLadder(rule: NormalizedRule, key: string): void {
    const actions = rule.actions;
    const point = this.editPoint(key);
    if (!actions || !point?.ladder || point.source.stationId === null) return;
    const ladder = point.ladder;
    // Bounded twice: by maxAttempts, and by the spacing (at most one attempt per instant).
    while (!ladder.givenUp && (ladder.lastAttemptAt === null || this.now >= ladder.lastAttemptAt + actions.spacingMs)) {
      const alarm = this.alarmOf(point);
      if (ladder.attempts >= actions.maxAttempts) {
        ladder.givenUp = true;
        this.record('actionsExhausted', point, alarm, alarm?.state ?? null);
        if (actions.raise === 'whenExhausted') this.raiseAlarm(rule, point);
        return;
      }
      ladder.attempts += 1;
      ladder.lastAttemptAt = this.now;
      const stepIndex = Math.min(ladder.attempts, actions.steps.length) - 1;
      const stepSpec = actions.steps[stepIndex];
      const command = stepSpec ? commandFor(stepSpec, point.source) : null;
      const request: AlarmActionRequest | null = command
        ? { alarmId: alarm?.id ?? null, ruleId: rule.rule.id, sourceKey: point.sourceKey, stationId: point.source.stationId, command, attempt: ladder.attempts, maxAttempts: actions.maxAttempts }
        : null;
      if (request) this.actions.push(request);
      // A step that cannot apply to this source (unlock on a whole station) still uses its attempt.
      this.record('actionRequested', point, alarm, alarm?.state ?? null, { action: request, comment: request ? null : `${stepSpec?.kind ?? 'step'} does not apply to this source` });
    }
  }

  // ----- the alarm instance's lifecycle

  private raiseAlarm(rule: NormalizedRule, point: AlarmPoint): void {
    const flap = rule.flap;
    point.raiseTimes = flap ? [...point.raiseTimes.filter((t) => this.now - t < flap.windowMs), this.now] : [];
    let alarm = this.alarmOf(point) ? this.editAlarm(point.alarmId) : undefined;
    if (alarm?.flapping) {
      // Suppressed: counted, not recorded, not notified.
      alarm.occurrences += 1;
      return;
    }
    if (!alarm) {
      alarm = this.addAlarm({
        id: `${this.settings.alarmIdPrefix}${this.nextAlarmNumber++}`,
        ruleId: rule.rule.id,
        ruleKind: rule.rule.kind,
        ruleName: rule.rule.name,
        source: point.source,
        sourceKey: point.sourceKey,
        state: 'activeUnacknowledged',
        severity: rule.rule.severity,
        firstRaisedAt: this.now,
        raisedAt: this.now,
        clearedAt: null,
        acknowledgement: null,
        shelving: null,
        flapping: false,
        value: point.value,
        message: point.message,
        ...messageTextOf(point),
        occurrences: 1,
      });
      point.alarmId = alarm.id;
      this.record('raised', point, alarm, null);
    } else if (alarm.state === 'clearedUnacknowledged') {
      alarm.state = 'activeUnacknowledged';
      alarm.raisedAt = this.now;
      alarm.clearedAt = null;
      alarm.occurrences += 1;
      alarm.value = point.value;
      alarm.message = point.message;
      Object.assign(alarm, messageTextOf(point));
      this.record('raised', point, alarm, 'clearedUnacknowledged');
    }
    if (flap && point.raiseTimes.length > flap.maxCycles && !alarm.flapping) {
      alarm.flapping = true;
      this.record('flappingStarted', point, alarm, alarm.state);
    }
  }

  /** `alarm` must be an own (editable) copy; `cause` is the point whose reading cleared it, if any. */
  private clearAlarm(alarm: AlarmInstance, cause: AlarmPoint | null): void {
    if (!isActive(alarm.state)) return;
    const from = alarm.state;
    alarm.clearedAt = this.now;
    alarm.state = from === 'activeAcknowledged' ? 'cleared' : 'clearedUnacknowledged';
    this.record('cleared', cause, alarm, from);
    if (alarm.state === 'cleared') this.retireAlarm(alarm);
  }

  private retireRuleless(alarmId: string): void {
    const alarm = this.editAlarm(alarmId);
    if (!alarm) return;
    if (alarm.flapping) {
      alarm.flapping = false;
      this.record('flappingEnded', null, alarm, alarm.state);
    }
    alarm.message = `${alarm.message} (rule removed or disabled)`;
    alarm.messageParams = { ...(alarm.messageParams ?? {}), ruleRemoved: 1 };
    this.clearAlarm(alarm, null);
  }

  // ----- operator commands

  command(command: OperatorCommand): CommandOutcome {
    const outcome: CommandOutcome = { accepted: [], refused: [] };
    const ids = Array.isArray(command.alarmIds) ? command.alarmIds : [];
    const user = typeof command.user === 'string' ? command.user.trim() : '';
    for (const alarmId of [...new Set(ids)]) {
      const refusal = (reason: CommandOutcome['refused'][number]['reason']): void => {
        outcome.refused.push({ alarmId, reason });
      };
      const alarm = typeof alarmId === 'string' ? this.alarms.get(alarmId) : undefined;
      if (!alarm) {
        refusal('unknownAlarm');
        continue;
      }
      // Every operator action must say who did it: the archive is the proof.
      if (user === '') {
        refusal('operatorRequired');
        continue;
      }
      switch (command.kind) {
        case 'acknowledge': {
          if (alarm.state !== 'activeUnacknowledged' && alarm.state !== 'clearedUnacknowledged') {
            refusal('alreadyAcknowledged');
            continue;
          }
          const edited = this.editAlarm(alarm.id);
          if (!edited) continue;
          const from = edited.state;
          const comment = typeof command.comment === 'string' ? command.comment : '';
          edited.acknowledgement = { at: this.now, by: user, comment };
          edited.state = from === 'activeUnacknowledged' ? 'activeAcknowledged' : 'cleared';
          this.record('acknowledged', null, edited, from, { operator: user, comment });
          if (edited.state === 'cleared') this.retireAlarm(edited);
          break;
        }
        case 'shelve': {
          const reason = typeof command.reason === 'string' ? command.reason.trim() : '';
          if (reason === '') {
            refusal('reasonRequired');
            continue;
          }
          const duration = command.durationMs;
          if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0 || duration > this.settings.maxShelveMs) {
            refusal('invalidDuration');
            continue;
          }
          const edited = this.editAlarm(alarm.id);
          if (!edited) continue;
          edited.shelving = { at: this.now, by: user, reason, until: this.now + duration };
          this.record('shelved', null, edited, edited.state, { operator: user, comment: reason });
          break;
        }
        case 'unshelve': {
          if (!alarm.shelving) {
            refusal('notShelved');
            continue;
          }
          const edited = this.editAlarm(alarm.id);
          if (!edited) continue;
          edited.shelving = null;
          this.record('unshelved', null, edited, edited.state, { operator: user });
          break;
        }
      }
      outcome.accepted.push(alarmId);
    }
    return outcome;
  }

  // ----- configuration

  configure(config: AlarmEngineConfig): void {
    this.config = config;
    this.settings = normalizeConfig(config);
    // Delays may have changed for points this step does not touch: rescan at the next step.
    this.dueAt = Number.NEGATIVE_INFINITY;
    // Points of rules that are gone: their alarms clear (and stay visible if unacknowledged).
    for (const point of [...this.points.values()]) {
      if (this.settings.ruleById.has(point.ruleId)) continue;
      if (point.alarmId !== null && this.alarms.has(point.alarmId)) this.retireRuleless(point.alarmId);
      this.deletePoint(point.key);
    }
    // Re-evaluate everything under the new rules; points no rule reaches any more (scope
    // changed, source gone) lose their condition.
    const visited = new Set<string>();
    for (const facts of [...this.stations.values()]) this.evaluateStation(facts, this.settings.rules, visited);
    for (const group of [...this.groups.values()]) {
      for (const rule of this.settings.rules) {
        if (!rule.groupScoped) continue;
        for (const reading of groupReadings(rule, group, this.settings.topology, this.wasActive(rule))) {
          visited.add(pointKey(rule.rule.id, reading.sourceKey));
          this.apply(rule, reading);
        }
      }
    }
    for (const key of [...this.points.keys()]) {
      if (!visited.has(key)) this.applyInactive(key);
      else this.settle(key);
    }
  }
}
