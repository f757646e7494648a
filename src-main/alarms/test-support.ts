// Helpers for the alarm tests: a harness that feeds inputs at explicit times and keeps every
// record and action, and short builders for the usual observations. No timers anywhere.
import type { ConnectorStatus } from '../../src-shared/domain/index.ts';
import { createAlarmEngineState, step, type AlarmEngineState, type StepResult } from './engine.ts';
import type {
  AlarmActionRequest,
  AlarmEngineConfig,
  AlarmInput,
  AlarmInstance,
  AlarmObservation,
  AlarmRule,
  AlarmTopology,
  AlarmTransition,
  EpochMs,
} from './types.ts';

export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
/** 2025-01-06 08:00:00Z, a Monday morning. */
export const T0: EpochMs = Date.UTC(2025, 0, 6, 8, 0, 0);

export class AlarmHarness {
  state: AlarmEngineState;
  readonly transitions: AlarmTransition[] = [];
  readonly actions: AlarmActionRequest[] = [];
  last: StepResult | null = null;

  constructor(config: AlarmEngineConfig | readonly AlarmRule[]) {
    this.state = createAlarmEngineState(Array.isArray(config) ? { rules: config } : (config as AlarmEngineConfig));
  }

  /** Feeds one input at `at`; returns what that step produced. */
  feed(input: AlarmInput, at: EpochMs): StepResult {
    const result = step(this.state, input, at);
    this.state = result.state;
    this.transitions.push(...result.transitions);
    this.actions.push(...result.actions);
    this.last = result;
    return result;
  }

  tick(at: EpochMs): StepResult {
    return this.feed({ kind: 'tick' }, at);
  }

  alarms(): AlarmInstance[] {
    return [...this.state.alarms.values()];
  }

  only(): AlarmInstance {
    const alarms = this.alarms();
    if (alarms.length !== 1) throw new Error(`expected one alarm, found ${alarms.length}`);
    return alarms[0] as AlarmInstance;
  }

  /** "event from→to" lines, the easiest shape to compare in a test. */
  story(): string[] {
    return this.transitions.map((t) => `${t.event} ${t.from ?? '∅'}→${t.to ?? '∅'}`);
  }

  events(): string[] {
    return this.transitions.map((t) => t.event);
  }
}

export function connected(stationId: string, at: EpochMs, heartbeatIntervalS = 60): AlarmObservation {
  return { kind: 'stationConnection', stationId, connected: true, lastSeenAt: at, heartbeatIntervalS };
}

export function disconnected(stationId: string, reason: string | null = null): AlarmObservation {
  return { kind: 'stationConnection', stationId, connected: false, lastSeenAt: null, heartbeatIntervalS: null, reason };
}

export function status(stationId: string, evseId: number, value: ConnectorStatus, errorCode: string | null = null): AlarmObservation {
  return { kind: 'connectorStatus', stationId, evseId, connectorId: evseId, status: value, errorCode };
}

export function measured(stationId: string, evseId: number, quantity: string, value: number, phase: string | null = null): AlarmObservation {
  return { kind: 'measurement', stationId, evseId, connectorId: evseId, quantity, phase, value };
}

export function power(stationId: string, evseId: number, watts: number): AlarmObservation {
  return measured(stationId, evseId, 'Power.Active.Import', watts);
}

export function topologyOf(sites: Record<string, string[]>): AlarmTopology {
  const stations: Record<string, { groupId: string | null; siteId: string | null }> = {};
  const groups: Record<string, { siteId: string | null }> = {};
  for (const [siteId, ids] of Object.entries(sites)) {
    groups[`${siteId}-main`] = { siteId };
    for (const id of ids) stations[id] = { groupId: `${siteId}-main`, siteId };
  }
  return { stations, groups };
}
