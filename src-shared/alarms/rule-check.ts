// Checking one alarm rule as the rule editor sends it: pure, shared by the main process (which
// refuses a bad rule and changes nothing) and the UI (which shows the same problems live, in the
// operator's language). Each problem names the faulty field (a dotted path such as
// "automaticActions.maxAttempts"), a message key with its values for translation, and the
// English sentence for REST callers and logs.
import { ALARM_RULE_KINDS, ALARM_SEVERITIES, type AlarmRule, type AlarmRuleKind } from './types.ts';

/** Quantities the supervisor measures and feeds to threshold rules (per connector; current per phase). */
export const THRESHOLD_QUANTITIES = ['Power.Active.Import', 'Current.Import', 'SoC', 'Energy.Active.Import.Register'] as const;
export type ThresholdQuantity = (typeof THRESHOLD_QUANTITIES)[number];
/** Unit of each quantity, as the domain model normalises it. */
export const QUANTITY_UNITS: Record<ThresholdQuantity, string> = {
  'Power.Active.Import': 'W',
  'Current.Import': 'A',
  SoC: '%',
  'Energy.Active.Import.Register': 'Wh',
};

export const AUTOMATIC_ACTION_KINDS = ['reset', 'triggerMessage', 'unlock', 'changeAvailability'] as const;
export const TRIGGER_MESSAGES = ['BootNotification', 'Heartbeat', 'StatusNotification', 'MeterValues'] as const;
/** Bounds of automatic actions (the engine clamps to the same values). */
export const MAX_ACTION_ATTEMPTS = 10;
export const MIN_ACTION_SPACING_MS = 1_000;
/** Longest delay a rule may ask for: a week. */
export const MAX_DELAY_MS = 7 * 24 * 3_600_000;
export const RULE_ID_PATTERN = /^[A-Za-z0-9._~-]{1,64}$/;

export const RULE_PROBLEM_KEYS = [
  'required',
  'idFormat',
  'idTaken',
  'unknownKind',
  'unknownSeverity',
  'tooLong',
  'notBoolean',
  'duration',
  'nonNegative',
  'positive',
  'number',
  'wholeNumber',
  'unknownQuantity',
  'comparison',
  'phase',
  'list',
  'emptyList',
  'unknownStation',
  'unknownSite',
  'actionKind',
  'actionParameter',
  'maxAttempts',
  'spacing',
  'raiseMode',
  'groupActions',
] as const;
export type RuleProblemKey = (typeof RULE_PROBLEM_KEYS)[number];

export interface AlarmRuleProblem {
  /** Dotted path of the faulty field ("threshold", "scope.stationIds.2", "automaticActions.steps.0.type"). */
  field: string;
  key: RuleProblemKey;
  params: Record<string, string | number>;
  /** The same in English: "threshold must be a number". */
  message: string;
}

/** What the checker knows of the installation, to catch a scope naming nothing. */
export interface RuleCheckContext {
  /** Other rules (the one being edited excluded), for id uniqueness. */
  otherRuleIds: readonly string[];
  /** Known station and site ids; absent = not checked. */
  stationIds?: readonly string[];
  siteIds?: readonly string[];
}

const ENGLISH: Record<RuleProblemKey, string> = {
  required: 'is required',
  idFormat: 'must be 1 to 64 letters, digits, dots, dashes, underscores or tildes',
  idTaken: 'is already the id of another rule',
  unknownKind: 'must be one of {allowed}',
  unknownSeverity: 'must be one of {allowed}',
  tooLong: 'must be at most {max} characters',
  notBoolean: 'must be true or false',
  duration: 'must be a duration from 0 to {max} ms',
  nonNegative: 'must be 0 or more',
  positive: 'must be more than 0',
  number: 'must be a number',
  wholeNumber: 'must be a whole number from {min} to {max}',
  unknownQuantity: 'must be one of the measured quantities: {allowed}',
  comparison: "must be 'above' or 'below'",
  phase: 'must be L1, L2, L3 or empty (any phase)',
  list: 'must be a list of ids',
  emptyList: 'must name at least one id (or remove the filter to mean all)',
  unknownStation: 'names station {id}, which the supervisor does not know',
  unknownSite: 'names site {id}, which the project does not declare',
  actionKind: 'must be one of {allowed}',
  actionParameter: 'must be one of {allowed}',
  maxAttempts: 'must be a whole number from 1 to {max}',
  spacing: 'must be at least {min} ms',
  raiseMode: "must be 'immediately' or 'whenExhausted'",
  groupActions: 'does not apply: a group has no station to act on',
};

function sentence(field: string, key: RuleProblemKey, params: Record<string, string | number>): string {
  return `${field} ${ENGLISH[key].replace(/\{(\w+)\}/g, (_m, name: string) => String(params[name] ?? ''))}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Kind-specific fields each kind may carry (besides the common ones). */
const KIND_FIELDS: Record<AlarmRuleKind, readonly string[]> = {
  communicationLost: ['missedHeartbeats'],
  connectorFaulted: ['errorCodes', 'level'],
  chargeStalled: ['minPowerW', 'stalledForMs'],
  transactionTooLong: ['maxDurationMs'],
  groupLimitExceeded: ['marginW', 'hysteresisW'],
  profileNotApplied: [],
  firmwareFailed: [],
  diagnosticsFailed: [],
  securityEvent: ['eventTypes'],
  measurementThreshold: ['quantity', 'comparison', 'threshold', 'hysteresis', 'phase'],
};
export const KIND_PARAMETERS = KIND_FIELDS;

/** Every problem of `rule`, in the order of the form; empty when the rule may be saved. */
export function checkAlarmRule(rule: unknown, context: RuleCheckContext): AlarmRuleProblem[] {
  const problems: AlarmRuleProblem[] = [];
  const report = (field: string, key: RuleProblemKey, params: Record<string, string | number> = {}): void => {
    problems.push({ field, key, params, message: sentence(field, key, params) });
  };
  if (!isObject(rule)) {
    report('rule', 'required');
    return problems;
  }
  const duration = (field: string, value: unknown, required = false): void => {
    if (value === undefined && !required) return;
    if (!isFiniteNumber(value) || value < 0 || value > MAX_DELAY_MS) report(field, 'duration', { max: MAX_DELAY_MS });
  };

  // Common fields
  if (typeof rule.id !== 'string' || rule.id === '') report('id', 'required');
  else if (!RULE_ID_PATTERN.test(rule.id)) report('id', 'idFormat');
  else if (context.otherRuleIds.includes(rule.id)) report('id', 'idTaken');
  if (typeof rule.name !== 'string' || rule.name.trim() === '') report('name', 'required');
  else if (rule.name.length > 120) report('name', 'tooLong', { max: 120 });
  const kind = rule.kind;
  const knownKind = typeof kind === 'string' && (ALARM_RULE_KINDS as readonly string[]).includes(kind);
  if (!knownKind) report('kind', 'unknownKind', { allowed: ALARM_RULE_KINDS.join(', ') });
  if (!(ALARM_SEVERITIES as readonly string[]).includes(rule.severity as string)) report('severity', 'unknownSeverity', { allowed: ALARM_SEVERITIES.join(', ') });
  if (rule.enabled !== undefined && typeof rule.enabled !== 'boolean') report('enabled', 'notBoolean');
  duration('onDelayMs', rule.onDelayMs);
  duration('offDelayMs', rule.offDelayMs);

  // Kind-specific fields
  if (knownKind) {
    switch (kind as AlarmRuleKind) {
      case 'communicationLost':
        if (rule.missedHeartbeats !== undefined && !(Number.isInteger(rule.missedHeartbeats) && (rule.missedHeartbeats as number) >= 0 && (rule.missedHeartbeats as number) <= 100)) {
          report('missedHeartbeats', 'wholeNumber', { min: 0, max: 100 });
        }
        break;
      case 'chargeStalled':
        if (!isFiniteNumber(rule.minPowerW)) report('minPowerW', 'number');
        else if (rule.minPowerW < 0) report('minPowerW', 'nonNegative');
        duration('stalledForMs', rule.stalledForMs, true);
        break;
      case 'transactionTooLong':
        if (!isFiniteNumber(rule.maxDurationMs)) report('maxDurationMs', 'number');
        else if (rule.maxDurationMs <= 0) report('maxDurationMs', 'positive');
        break;
      case 'groupLimitExceeded':
        if (rule.marginW !== undefined && !isFiniteNumber(rule.marginW)) report('marginW', 'number');
        if (rule.hysteresisW !== undefined && !(isFiniteNumber(rule.hysteresisW) && rule.hysteresisW >= 0)) report('hysteresisW', 'nonNegative');
        break;
      case 'measurementThreshold':
        if (rule.quantity === undefined || rule.quantity === '') report('quantity', 'required');
        else if (!(THRESHOLD_QUANTITIES as readonly unknown[]).includes(rule.quantity)) report('quantity', 'unknownQuantity', { allowed: THRESHOLD_QUANTITIES.join(', ') });
        if (rule.comparison !== 'above' && rule.comparison !== 'below') report('comparison', 'comparison');
        if (!isFiniteNumber(rule.threshold)) report('threshold', 'number');
        if (!isFiniteNumber(rule.hysteresis)) report('hysteresis', 'number');
        else if (rule.hysteresis < 0) report('hysteresis', 'nonNegative');
        if (rule.phase !== undefined && rule.phase !== null && !['L1', 'L2', 'L3'].includes(rule.phase as string)) report('phase', 'phase');
        break;
      default:
        break;
    }
  }

  // Scope
  if (rule.scope !== undefined) {
    if (!isObject(rule.scope)) report('scope', 'list');
    else {
      const scope = rule.scope;
      const ids = (name: 'stationIds' | 'siteIds' | 'groupIds', known: readonly string[] | undefined, unknownKey: RuleProblemKey): void => {
        const list = scope[name];
        if (list === undefined) return;
        if (!Array.isArray(list) || !list.every((x) => typeof x === 'string' && x !== '')) return report(`scope.${name}`, 'list');
        if (list.length === 0) return report(`scope.${name}`, 'emptyList');
        if (known) list.forEach((id: string, i) => known.includes(id) || report(`scope.${name}.${i}`, unknownKey, { id }));
      };
      ids('stationIds', context.stationIds, 'unknownStation');
      ids('siteIds', context.siteIds, 'unknownSite');
      ids('groupIds', undefined, 'list');
    }
  }

  // Automatic actions
  const actions = rule.automaticActions;
  if (actions !== undefined && actions !== null) {
    if (kind === 'groupLimitExceeded') report('automaticActions', 'groupActions');
    else if (!isObject(actions)) report('automaticActions', 'required');
    else {
      if (!Array.isArray(actions.steps) || actions.steps.length === 0) report('automaticActions.steps', 'emptyList');
      else {
        actions.steps.forEach((step: unknown, i) => {
          const at = `automaticActions.steps.${i}`;
          if (!isObject(step) || !(AUTOMATIC_ACTION_KINDS as readonly unknown[]).includes(step.kind)) return report(`${at}.kind`, 'actionKind', { allowed: AUTOMATIC_ACTION_KINDS.join(', ') });
          if (step.kind === 'reset' && step.type !== 'soft' && step.type !== 'hard') report(`${at}.type`, 'actionParameter', { allowed: 'soft, hard' });
          if (step.kind === 'triggerMessage' && !(TRIGGER_MESSAGES as readonly unknown[]).includes(step.message)) report(`${at}.message`, 'actionParameter', { allowed: TRIGGER_MESSAGES.join(', ') });
          if (step.kind === 'changeAvailability' && typeof step.operative !== 'boolean') report(`${at}.operative`, 'notBoolean');
        });
      }
      if (!(Number.isInteger(actions.maxAttempts) && (actions.maxAttempts as number) >= 1 && (actions.maxAttempts as number) <= MAX_ACTION_ATTEMPTS)) {
        report('automaticActions.maxAttempts', 'maxAttempts', { max: MAX_ACTION_ATTEMPTS });
      }
      if (!isFiniteNumber(actions.spacingMs) || actions.spacingMs < MIN_ACTION_SPACING_MS) report('automaticActions.spacingMs', 'spacing', { min: MIN_ACTION_SPACING_MS });
      duration('automaticActions.recoveryMs', actions.recoveryMs, true);
      if (actions.raise !== 'immediately' && actions.raise !== 'whenExhausted') report('automaticActions.raise', 'raiseMode');
    }
  }
  return problems;
}

/** The rule with only the fields its kind uses (what is stored). */
export function cleanAlarmRule(rule: AlarmRule): AlarmRule {
  const common = ['id', 'name', 'kind', 'severity', 'enabled', 'onDelayMs', 'offDelayMs', 'flapSuppression', 'automaticActions', 'scope'];
  const keep = new Set([...common, ...KIND_FIELDS[rule.kind]]);
  return Object.fromEntries(Object.entries(rule).filter(([k, v]) => keep.has(k) && v !== undefined)) as unknown as AlarmRule;
}
