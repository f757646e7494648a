// The thin shell around the pure alarm engine: feeds it domain events and time, stores every
// transition (sequence of events) and the live list, publishes alarm events, runs automatic
// actions, and serves operator commands. An operator's "ok" goes out only once the record of
// it is stored.
import type { Logger } from 'pino';
import type { AlarmHistoryQuery, AlarmQuery, Page } from '../../src-shared/api/index.ts';
import type { AlarmInstance, AlarmRule, AlarmTopology, AlarmTransition, CommandOutcome } from '../../src-shared/alarms/types.ts';
import { listAlarms } from '../../src-shared/alarms/views.ts';
import type { CommandResult, StationCommand } from '../../src-shared/domain/index.ts';
import type { Archive } from '../archive/index.ts';
import type { DomainBus } from '../bus/index.ts';
import { createAlarmEngineState, stepBatch, type AlarmEngineState } from './engine.ts';
import { observationsFromDomainEvent } from './observations.ts';
import type { AlarmInput } from './types.ts';

export type StationCommandRunner = (stationId: string, command: StationCommand, operator: string) => Promise<CommandResult>;

export interface AlarmServiceOptions {
  rules: readonly AlarmRule[];
  topology: AlarmTopology;
  /** How often time advances in the engine (delays, stalled charges, shelving expiry), ms. */
  tickMs?: number;
  /** Receives every step's transitions (notification grouping). */
  onTransitions?: (transitions: readonly AlarmTransition[]) => void;
}

/** The operator name automatic actions are logged under. */
export const ALARM_ENGINE_OPERATOR = 'alarm engine';

/** Rules a fresh project runs with until the engineer edits them. */
export const DEFAULT_ALARM_RULES: AlarmRule[] = [
  { id: 'comm-lost', kind: 'communicationLost', name: 'Communication lost', severity: 'major', onDelayMs: 30_000, offDelayMs: 5_000 },
  { id: 'faulted', kind: 'connectorFaulted', name: 'Station or connector faulted', severity: 'major', onDelayMs: 0 },
  { id: 'stalled', kind: 'chargeStalled', name: 'Charge stalled', severity: 'minor', minPowerW: 100, stalledForMs: 10 * 60_000 },
  { id: 'tx-too-long', kind: 'transactionTooLong', name: 'Transaction open too long', severity: 'warning', maxDurationMs: 24 * 3_600_000 },
  { id: 'group-limit', kind: 'groupLimitExceeded', name: 'Group limit exceeded', severity: 'major', onDelayMs: 10_000, marginW: 0, hysteresisW: 500 },
  { id: 'firmware', kind: 'firmwareFailed', name: 'Firmware update failed', severity: 'minor' },
  { id: 'diagnostics', kind: 'diagnosticsFailed', name: 'Diagnostics upload failed', severity: 'warning' },
  { id: 'profile', kind: 'profileNotApplied', name: 'Charging profile not applied', severity: 'major' },
  { id: 'security', kind: 'securityEvent', name: 'Security event', severity: 'major' },
];

export class AlarmService {
  private state: AlarmEngineState;
  private readonly archive: Archive;
  private readonly bus: DomainBus;
  private readonly runCommand: StationCommandRunner;
  private readonly log: Logger;
  private readonly unsubscribe: () => void;
  private readonly ticker: NodeJS.Timeout;
  private readonly onTransitions: ((transitions: readonly AlarmTransition[]) => void) | null;
  /** Observations waiting for the end of this event-loop turn. */
  private pending: AlarmInput[] = [];
  private flushQueued = false;
  private rules: readonly AlarmRule[];
  private topology: AlarmTopology;

  constructor(archive: Archive, bus: DomainBus, runCommand: StationCommandRunner, log: Logger, options: AlarmServiceOptions) {
    this.archive = archive;
    this.bus = bus;
    this.runCommand = runCommand;
    this.log = log;
    this.onTransitions = options.onTransitions ?? null;
    this.rules = options.rules;
    this.topology = options.topology;
    const counters = archive.alarmCounters();
    this.state = createAlarmEngineState(
      { rules: options.rules, topology: options.topology },
      { alarms: archive.liveAlarms(), nextAlarmNumber: counters.lastAlarmNumber + 1, nextTransitionSeq: counters.lastSeq + 1, now: Date.now() },
    );
    this.unsubscribe = bus.subscribe((event) => {
      for (const observation of observationsFromDomainEvent(event)) this.pending.push(observation);
      if (this.pending.length > 0 && !this.flushQueued) {
        this.flushQueued = true;
        setImmediate(() => this.flush());
      }
    });
    this.ticker = setInterval(() => this.apply({ kind: 'tick' }), options.tickMs ?? 1000);
    this.ticker.unref();
  }

  /**
   * Observations of one event-loop turn run through the engine together (one copy of its state
   * per batch, not per event: a burst from thousands of stations stays linear). Anything that
   * reads or commands the engine flushes first, so it never sees a stale state.
   */
  private flush(): void {
    this.flushQueued = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    void this.run(batch).catch(() => undefined); // a storage failure is logged in run()
  }

  private apply(input: AlarmInput): Promise<CommandOutcome | null> {
    this.flush();
    return this.run([input]);
  }

  /** Runs inputs through the engine; resolves with the outcome once their records are stored. */
  private run(inputs: AlarmInput[]): Promise<CommandOutcome | null> {
    const before = this.state;
    let result;
    try {
      // The service keeps only the result: the engine may update the big maps in place.
      result = stepBatch(before, inputs, Date.now(), { consume: true });
    } catch (error) {
      this.log.error({ err: error, inputs: inputs.length, first: inputs[0]?.kind }, 'alarm engine step failed');
      return Promise.resolve(null);
    }
    this.state = result.state;
    if (result.transitions.length === 0 && result.actions.length === 0) return Promise.resolve(result.outcome);
    const changed = this.changedAlarms(before, result.transitions);
    const stored = this.archive.saveAlarmStep(result.transitions, changed);
    for (const alarm of changed) this.bus.publish({ type: 'alarm', alarm });
    if (result.transitions.length > 0) this.onTransitions?.(result.transitions);
    for (const action of result.actions) {
      this.runCommand(action.stationId, action.command, ALARM_ENGINE_OPERATOR).then(
        (outcome) => this.log.info({ station: action.stationId, command: action.command.kind, attempt: action.attempt, outcome: outcome.status }, 'automatic action'),
        (error: unknown) => this.log.warn({ station: action.stationId, err: error }, 'automatic action failed'),
      );
    }
    return stored.then(
      () => result.outcome,
      (error: unknown) => {
        this.log.error({ err: error }, 'alarm records not stored');
        throw error;
      },
    );
  }

  /** The alarms a step touched, as they are now ('cleared' ones taken from before, marked cleared). */
  private changedAlarms(before: AlarmEngineState, transitions: readonly AlarmTransition[]): AlarmInstance[] {
    const ids = new Set(transitions.map((t) => t.alarmId).filter((id): id is string => id !== null));
    const out: AlarmInstance[] = [];
    for (const id of ids) {
      const now = this.state.alarms.get(id);
      if (now) out.push(now);
      else {
        const previous = before.alarms.get(id);
        const last = [...transitions].reverse().find((t) => t.alarmId === id);
        if (previous) out.push({ ...previous, state: 'cleared', clearedAt: previous.clearedAt ?? last?.at ?? Date.now() });
      }
    }
    return out;
  }

  /** The rule set the engine runs (as given, disabled rules included). */
  ruleSet(): readonly AlarmRule[] {
    return this.rules;
  }

  /**
   * Swaps the rule set live. Active alarms of rules that stay keep their state; an alarm whose
   * rule is gone or disabled clears ("rule removed or disabled") and stays until acknowledged.
   * Resolves once the resulting records are stored.
   */
  async setRules(rules: readonly AlarmRule[]): Promise<void> {
    this.rules = rules;
    await this.apply({ kind: 'configure', config: { rules, topology: this.topology } });
  }

  /**
   * Swaps the site/group topology live (a project version applied without restart): new
   * stations get their site and group, so that rules scoped to a site or a group see them.
   */
  async setTopology(topology: AlarmTopology): Promise<void> {
    this.topology = topology;
    await this.apply({ kind: 'configure', config: { rules: this.rules, topology } });
  }

  list(query: AlarmQuery = {}): AlarmInstance[] {
    this.flush();
    const filter: Parameters<typeof listAlarms>[1] = { includeShelved: query.includeShelved ?? false };
    if (query.stationId) filter.stationIds = [query.stationId];
    if (query.severities) filter.severities = query.severities;
    return listAlarms(this.state.alarms.values(), filter);
  }

  history(query: AlarmHistoryQuery): Page<AlarmTransition> {
    return this.archive.alarmHistory(query);
  }

  async acknowledge(alarmIds: string[], user: string, comment: string): Promise<CommandOutcome> {
    return (await this.apply({ kind: 'acknowledge', alarmIds, user, comment })) ?? { accepted: [], refused: [] };
  }

  async shelve(alarmIds: string[], user: string, reason: string, durationMs: number): Promise<CommandOutcome> {
    return (await this.apply({ kind: 'shelve', alarmIds, user, reason, durationMs })) ?? { accepted: [], refused: [] };
  }

  async unshelve(alarmIds: string[], user: string): Promise<CommandOutcome> {
    return (await this.apply({ kind: 'unshelve', alarmIds, user })) ?? { accepted: [], refused: [] };
  }

  close(): void {
    this.flush();
    clearInterval(this.ticker);
    this.unsubscribe();
  }
}
