// Rule checking for the editor (validateRules) and the defensive normalisation the engine runs
// on whatever configuration it is given: a bad rule must never make the engine throw, so every
// number is clamped to something sane here, once, instead of being checked at each step.
import type { ProjectFile } from '../../src-shared/project/index.ts';
import {
  ALARM_RULE_KINDS,
  ALARM_SEVERITIES,
  type AlarmEngineConfig,
  type AlarmRule,
  type AlarmTopology,
  type AutomaticActionPolicy,
  type DurationMs,
  type FlapSuppression,
} from './types.ts';

/** No ladder may ask for more automatic commands than this, whatever the rule says. */
export const MAX_ACTION_ATTEMPTS = 10;
/** Automatic commands are never closer than this, so a misconfigured ladder cannot hammer a station. */
export const MIN_ACTION_SPACING_MS = 1_000;
export const DEFAULT_MAX_SHELVE_MS = 24 * 3_600_000;
export const DEFAULT_ALARM_ID_PREFIX = 'A';

/** A reasonable default for communication alarms: 4 cycles in 10 min, stable for 5 min. */
export const DEFAULT_FLAP_SUPPRESSION: FlapSuppression = { maxCycles: 4, windowMs: 600_000, stableForMs: 300_000 };

export const EMPTY_TOPOLOGY: AlarmTopology = { stations: {}, groups: {} };

/** A rule with every default filled and every number made safe. */
export interface NormalizedRule {
  rule: AlarmRule;
  /** Effective on-delay: the rule's, plus the stall duration for chargeStalled, 0 for momentary rules. */
  onDelayMs: DurationMs;
  offDelayMs: DurationMs;
  flap: FlapSuppression | null;
  actions: AutomaticActionPolicy | null;
  /** Raised and cleared by one event (security events). */
  momentary: boolean;
  /** Depends on elapsed time, not only on observations: re-evaluated on every tick. */
  timed: boolean;
  /** Sources are groups, not stations. */
  groupScoped: boolean;
}

export interface NormalizedConfig {
  rules: readonly NormalizedRule[];
  ruleById: ReadonlyMap<string, NormalizedRule>;
  topology: AlarmTopology;
  maxShelveMs: DurationMs;
  alarmIdPrefix: string;
}

function nonNegative(value: number | undefined, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function normalizeFlap(flap: FlapSuppression | null | undefined): FlapSuppression | null {
  if (!flap) return null;
  const windowMs = nonNegative(flap.windowMs);
  if (windowMs === 0) return null;
  return {
    maxCycles: Math.max(1, Math.floor(nonNegative(flap.maxCycles, 1))),
    windowMs,
    stableForMs: nonNegative(flap.stableForMs),
  };
}

function normalizeActions(actions: AutomaticActionPolicy | null | undefined): AutomaticActionPolicy | null {
  if (!actions || !Array.isArray(actions.steps) || actions.steps.length === 0) return null;
  const maxAttempts = Math.min(MAX_ACTION_ATTEMPTS, Math.floor(nonNegative(actions.maxAttempts)));
  if (maxAttempts === 0) return null;
  return {
    steps: actions.steps,
    maxAttempts,
    spacingMs: Math.max(MIN_ACTION_SPACING_MS, nonNegative(actions.spacingMs)),
    recoveryMs: nonNegative(actions.recoveryMs),
    raise: actions.raise === 'whenExhausted' ? 'whenExhausted' : 'immediately',
  };
}

function isKnownRule(rule: AlarmRule): boolean {
  return (
    typeof rule === 'object' &&
    rule !== null &&
    typeof rule.id === 'string' &&
    rule.id !== '' &&
    (ALARM_RULE_KINDS as readonly string[]).includes(rule.kind) &&
    (ALARM_SEVERITIES as readonly string[]).includes(rule.severity)
  );
}

export function normalizeRule(rule: AlarmRule): NormalizedRule {
  const momentary = rule.kind === 'securityEvent';
  const groupScoped = rule.kind === 'groupLimitExceeded';
  const stallMs = rule.kind === 'chargeStalled' ? nonNegative(rule.stalledForMs) : 0;
  return {
    rule,
    // A stalled charge is "charging below the threshold" held for stalledForMs: exactly what an
    // on-delay does, so the stall duration is folded into it instead of timed separately.
    onDelayMs: momentary ? 0 : nonNegative(rule.onDelayMs) + stallMs,
    offDelayMs: momentary ? 0 : nonNegative(rule.offDelayMs),
    flap: normalizeFlap(rule.flapSuppression),
    // Commands go to stations; a group has no station to reset.
    actions: groupScoped ? null : normalizeActions(rule.automaticActions),
    momentary,
    timed: rule.kind === 'transactionTooLong' || (rule.kind === 'communicationLost' && nonNegative(rule.missedHeartbeats) > 0),
    groupScoped,
  };
}

/** Keeps enabled, well-formed rules; of two rules with the same id the first wins. */
export function normalizeConfig(config: AlarmEngineConfig): NormalizedConfig {
  const rules: NormalizedRule[] = [];
  const ruleById = new Map<string, NormalizedRule>();
  for (const rule of Array.isArray(config.rules) ? config.rules : []) {
    if (!isKnownRule(rule) || rule.enabled === false || ruleById.has(rule.id)) continue;
    const normalized = normalizeRule(rule);
    rules.push(normalized);
    ruleById.set(rule.id, normalized);
  }
  const maxShelveMs = nonNegative(config.maxShelveMs, DEFAULT_MAX_SHELVE_MS);
  return {
    rules,
    ruleById,
    topology: config.topology ?? EMPTY_TOPOLOGY,
    maxShelveMs: maxShelveMs > 0 ? maxShelveMs : DEFAULT_MAX_SHELVE_MS,
    alarmIdPrefix: typeof config.alarmIdPrefix === 'string' ? config.alarmIdPrefix : DEFAULT_ALARM_ID_PREFIX,
  };
}

// ---------------------------------------------------------------------------------------------
// Scope and topology

export function stationPlace(topology: AlarmTopology, stationId: string): { groupId: string | null; siteId: string | null } {
  const place = Object.hasOwn(topology.stations, stationId) ? topology.stations[stationId] : undefined;
  return { groupId: place?.groupId ?? null, siteId: place?.siteId ?? null };
}

export function groupSite(topology: AlarmTopology, groupId: string): string | null {
  const group = Object.hasOwn(topology.groups, groupId) ? topology.groups[groupId] : undefined;
  return group?.siteId ?? null;
}

export function stationInScope(rule: AlarmRule, topology: AlarmTopology, stationId: string): boolean {
  const scope = rule.scope;
  if (!scope) return true;
  const place = stationPlace(topology, stationId);
  if (scope.stationIds && !scope.stationIds.includes(stationId)) return false;
  if (scope.groupIds && (place.groupId === null || !scope.groupIds.includes(place.groupId))) return false;
  if (scope.siteIds && (place.siteId === null || !scope.siteIds.includes(place.siteId))) return false;
  return true;
}

export function groupInScope(rule: AlarmRule, topology: AlarmTopology, groupId: string): boolean {
  const scope = rule.scope;
  if (!scope) return true;
  if (scope.stationIds) return false;
  if (scope.groupIds && !scope.groupIds.includes(groupId)) return false;
  const siteId = groupSite(topology, groupId);
  if (scope.siteIds && (siteId === null || !scope.siteIds.includes(siteId))) return false;
  return true;
}

/** Where each declared station and group sits, from the project file. */
export function topologyFromProject(project: ProjectFile): AlarmTopology {
  const stations: Record<string, { groupId: string | null; siteId: string | null }> = {};
  const groups: Record<string, { siteId: string | null }> = {};
  for (const site of project.sites) {
    for (const group of site.groups) groups[group.id] = { siteId: site.id };
    for (const station of site.stations) stations[station.id] = { groupId: station.group, siteId: site.id };
  }
  return { stations, groups };
}

// ---------------------------------------------------------------------------------------------
// Validation for the rule editor

export interface RuleProblem {
  /** Index of the rule in the list (ids may be missing or duplicated). */
  index: number;
  ruleId: string | null;
  field: string;
  problem: string;
}

/** Everything wrong with a rule list, in words an engineer can act on; empty when all is well. */
export function validateRules(rules: readonly AlarmRule[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    const ruleId = typeof rule.id === 'string' && rule.id !== '' ? rule.id : null;
    const report = (field: string, problem: string): void => {
      problems.push({ index, ruleId, field, problem });
    };
    const duration = (field: string, value: number | undefined, required = false): void => {
      if (value === undefined && !required) return;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) report(field, 'must be a duration of 0 ms or more');
    };
    if (ruleId === null) report('id', 'is required');
    else if (seen.has(ruleId)) report('id', 'is used by another rule');
    else seen.add(ruleId);
    if (typeof rule.name !== 'string' || rule.name.trim() === '') report('name', 'is required');
    if (!(ALARM_SEVERITIES as readonly string[]).includes(rule.severity)) report('severity', `must be one of ${ALARM_SEVERITIES.join(', ')}`);
    if (!(ALARM_RULE_KINDS as readonly string[]).includes(rule.kind)) {
      report('kind', `must be one of ${ALARM_RULE_KINDS.join(', ')}`);
      return;
    }
    duration('onDelayMs', rule.onDelayMs);
    duration('offDelayMs', rule.offDelayMs);
    if (rule.kind === 'securityEvent' && ((rule.onDelayMs ?? 0) > 0 || (rule.offDelayMs ?? 0) > 0)) {
      report('onDelayMs', 'security events are instantaneous: delays are ignored');
    }
    const flap = rule.flapSuppression;
    if (flap) {
      if (!Number.isInteger(flap.maxCycles) || flap.maxCycles < 1) report('flapSuppression.maxCycles', 'must be a whole number of 1 or more');
      if (!(flap.windowMs > 0)) report('flapSuppression.windowMs', 'must be more than 0 ms');
      duration('flapSuppression.stableForMs', flap.stableForMs, true);
    }
    const actions = rule.automaticActions;
    if (actions) {
      if (rule.kind === 'groupLimitExceeded') report('automaticActions', 'a group has no station to send commands to');
      if (!Array.isArray(actions.steps) || actions.steps.length === 0) report('automaticActions.steps', 'needs at least one step');
      if (!Number.isInteger(actions.maxAttempts) || actions.maxAttempts < 1 || actions.maxAttempts > MAX_ACTION_ATTEMPTS) {
        report('automaticActions.maxAttempts', `must be a whole number from 1 to ${MAX_ACTION_ATTEMPTS}`);
      }
      if (!(actions.spacingMs >= MIN_ACTION_SPACING_MS)) report('automaticActions.spacingMs', `must be at least ${MIN_ACTION_SPACING_MS} ms`);
      duration('automaticActions.recoveryMs', actions.recoveryMs, true);
    }
    switch (rule.kind) {
      case 'communicationLost':
        if (rule.missedHeartbeats !== undefined && !(rule.missedHeartbeats >= 0)) report('missedHeartbeats', 'must be 0 (socket only) or more');
        break;
      case 'chargeStalled':
        if (!(rule.minPowerW >= 0)) report('minPowerW', 'must be 0 W or more');
        duration('stalledForMs', rule.stalledForMs, true);
        break;
      case 'transactionTooLong':
        if (!(rule.maxDurationMs > 0)) report('maxDurationMs', 'must be more than 0 ms');
        break;
      case 'groupLimitExceeded':
        if (rule.marginW !== undefined && !Number.isFinite(rule.marginW)) report('marginW', 'must be a number of W');
        if (rule.hysteresisW !== undefined && !(rule.hysteresisW >= 0)) report('hysteresisW', 'must be 0 W or more');
        break;
      case 'measurementThreshold':
        if (typeof rule.quantity !== 'string' || rule.quantity === '') report('quantity', 'is required');
        if (rule.comparison !== 'above' && rule.comparison !== 'below') report('comparison', "must be 'above' or 'below'");
        if (!Number.isFinite(rule.threshold)) report('threshold', 'must be a number');
        if (!(rule.hysteresis >= 0)) report('hysteresis', 'must be 0 or more');
        break;
      default:
        break;
    }
  });
  return problems;
}
