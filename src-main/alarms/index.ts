// Public face of the alarm service. Today: the pure engine (rules → alarms → records and
// automatic actions), the notification grouping and the views. The shell that wires it to the
// bus, the archive, the mail/SMS channels and the API comes next and will live here too.
export type * from './types.ts';
export {
  ALARM_RULE_KINDS,
  ALARM_SEVERITIES,
  ALARM_STATES,
  DIAGNOSTICS_FAILURE_STATUSES,
  FIRMWARE_FAILURE_STATUSES,
  TRANSITION_EVENTS,
} from './types.ts';
export {
  createAlarmEngineState,
  isActive,
  step,
  stepAll,
  stepBatch,
  type BatchOptions,
  type AlarmEngineState,
  type AlarmPoint,
  type LadderProgress,
  type RestoreOptions,
  type StepResult,
} from './engine.ts';
export {
  DEFAULT_FLAP_SUPPRESSION,
  DEFAULT_MAX_SHELVE_MS,
  MAX_ACTION_ATTEMPTS,
  MIN_ACTION_SPACING_MS,
  topologyFromProject,
  validateRules,
  type RuleProblem,
} from './rules.ts';
export { beyondThreshold, sourceLabel } from './conditions.ts';
export { observationFromTransaction, observationsFromDomainEvent, observationsFromStation } from './observations.ts';
export {
  DEFAULT_NOTIFIED_EVENTS,
  createNotificationState,
  groupNotifications,
  type NotificationChannel,
  type NotificationMessage,
  type NotificationPolicy,
  type NotificationRecipient,
  type NotificationState,
  type NotifiedAlarm,
  type PendingBatch,
} from './notifications.ts';
export { alarmBanner, compareAlarms, isUnacknowledged, listAlarms, severityRank, type AlarmBanner, type AlarmFilter } from './views.ts';
export { AlarmService, DEFAULT_ALARM_RULES, ALARM_ENGINE_OPERATOR, type AlarmServiceOptions, type StationCommandRunner } from './service.ts';
export { NotificationDelivery, type NotificationSettings, type SmtpSettings, type SmsSettings, type Contact, type DeliveryRecord } from './delivery.ts';
export { AlarmRuleStore, ALARM_RULES_FILE, type StoredAlarmRules } from './rule-store.ts';
export { AlarmRuleEditor, AlarmRuleRejected, UnknownAlarmRule, type RuleEditorOptions } from './rule-editor.ts';
