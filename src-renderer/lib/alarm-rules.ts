// Pure helpers of the alarm rule editor: the condition in words, the draft a new rule starts
// from, and the translation of a checker problem (field + key) into the operator's language.
import type { TFunction } from 'i18next';
import type { AlarmRule, AutomaticActionStep } from '../../src-shared/alarms/types.ts';
import type { AlarmRuleProblem } from '../../src-shared/alarms/rule-check.ts';
import { quantityKey, quantityUnit } from './alarm-texts.ts';
import { formatNumber } from './format.ts';

/** "30 s", "5 min", "2 h", "1 h 30 min"; 0 is "at once". */
export function delayText(ms: number | undefined, t: TFunction): string {
  const total = Math.round((ms ?? 0) / 1000);
  if (total <= 0) return t('alarmRules.preview.atOnce');
  if (total < 60) return `${total} s`;
  if (total < 3600) return total % 60 === 0 ? `${total / 60} min` : `${Math.floor(total / 60)} min ${total % 60} s`;
  const h = Math.floor(total / 3600);
  const m = Math.round((total % 3600) / 60);
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function scopeText(rule: AlarmRule, t: TFunction): string {
  const scope = rule.scope;
  if (scope?.stationIds && scope.stationIds.length > 0) return t('alarmRules.preview.stations', { ids: scope.stationIds.join(', ') });
  if (scope?.siteIds && scope.siteIds.length > 0) return t('alarmRules.preview.sites', { ids: scope.siteIds.join(', ') });
  return t('alarmRules.preview.everyStation');
}

export function actionStepText(step: AutomaticActionStep | undefined, t: TFunction): string {
  if (!step) return t('alarmRules.form.actionNone');
  switch (step.kind) {
    case 'reset':
      return step.type === 'hard' ? t('alarmRules.form.actionHardReset') : t('alarmRules.form.actionReset');
    case 'triggerMessage':
      return t('alarmRules.form.actionTrigger');
    case 'unlock':
      return t('alarmRules.form.actionUnlock');
    case 'changeAvailability':
      return step.kind;
  }
}

/** The condition of a rule in one sentence: "Power of P1-CP01 below 100 W for 5 min". */
export function rulePreview(rule: AlarmRule, t: TFunction, locale: string): string {
  const scope = scopeText(rule, t);
  const delay = delayText(rule.onDelayMs, t);
  const n = (v: number | undefined) => formatNumber(v ?? 0, locale, Number.isInteger(v ?? 0) ? 0 : 2);
  let text: string;
  switch (rule.kind) {
    case 'communicationLost':
      text =
        (rule.missedHeartbeats ?? 0) > 0
          ? t('alarmRules.preview.communicationSilent', { scope, missed: rule.missedHeartbeats ?? 0 })
          : t('alarmRules.preview.communicationLost', { scope, delay });
      break;
    case 'connectorFaulted':
      text = t('alarmRules.preview.connectorFaulted', { scope, delay });
      break;
    case 'chargeStalled':
      text = t('alarmRules.preview.chargeStalled', { scope, minPowerW: n(rule.minPowerW), delay: delayText((rule.onDelayMs ?? 0) + (rule.stalledForMs ?? 0), t) });
      break;
    case 'transactionTooLong':
      text = t('alarmRules.preview.transactionTooLong', { scope, duration: delayText(rule.maxDurationMs, t) });
      break;
    case 'groupLimitExceeded':
      text = t('alarmRules.preview.groupLimitExceeded', { marginW: n(rule.marginW), delay });
      break;
    case 'profileNotApplied':
    case 'firmwareFailed':
    case 'diagnosticsFailed':
    case 'securityEvent':
      text = t(`alarmRules.preview.${rule.kind}`, { scope });
      break;
    case 'measurementThreshold': {
      const q = quantityKey(rule.quantity);
      const phase = rule.phase ? ` ${rule.phase}` : '';
      text = t('alarmRules.preview.measurementThreshold', {
        quantity: `${q ? t(`alarmRules.quantity.${q}`) : String(rule.quantity)}${phase}`,
        scope,
        comparison: rule.comparison === 'below' ? t('alarmTexts.comparison.below') : t('alarmTexts.comparison.above'),
        threshold: n(rule.threshold),
        unit: quantityUnit(rule.quantity),
        delay,
      });
      break;
    }
  }
  // Sentence case: the scope may open the sentence ("every station reports...").
  text = text.charAt(0).toUpperCase() + text.slice(1);
  const actions = rule.automaticActions;
  if (actions && actions.steps.length > 0) {
    text += t('alarmRules.preview.then', { action: actionStepText(actions.steps[0], t).toLowerCase(), count: actions.maxAttempts, spacing: delayText(actions.spacingMs, t) });
  }
  return rule.enabled === false ? `${text} ${t('alarmRules.preview.disabled')}` : text;
}

/** What "New threshold rule" starts from: power above a threshold on every station, no delay. */
export function newThresholdRule(existingIds: readonly string[]): AlarmRule {
  let n = 1;
  while (existingIds.includes(`threshold-${n}`)) n += 1;
  return {
    id: `threshold-${n}`,
    kind: 'measurementThreshold',
    name: '',
    severity: 'warning',
    enabled: true,
    quantity: 'Power.Active.Import',
    comparison: 'above',
    threshold: 0,
    hysteresis: 0,
    onDelayMs: 0,
  };
}

const FIELD_KEYS = [
  'id',
  'name',
  'kind',
  'severity',
  'enabled',
  'onDelayMs',
  'offDelayMs',
  'quantity',
  'comparison',
  'threshold',
  'hysteresis',
  'phase',
  'scope',
  'minPowerW',
  'stalledForMs',
  'maxDurationMs',
  'missedHeartbeats',
  'marginW',
  'hysteresisW',
  'automaticActions',
] as const;
type FieldKey = (typeof FIELD_KEYS)[number];

/** The form field a problem belongs to ("scope.stationIds.1" → "scope"). */
export function problemField(problem: AlarmRuleProblem): FieldKey | null {
  const head = problem.field.split('.')[0] ?? '';
  return (FIELD_KEYS as readonly string[]).includes(head) ? (head as FieldKey) : null;
}

/** "Threshold: must be a number" in the current language. */
export function problemText(problem: AlarmRuleProblem, t: TFunction): string {
  const field = problemField(problem);
  const label = field ? t(`alarmRules.field.${field}`) : problem.field;
  const params = { max: '', min: '', id: '', allowed: '', ...problem.params };
  return t('alarmRules.fieldProblem', { field: label, problem: t(`alarmRules.problem.${problem.key}`, params) });
}
