// Plain data of the alarm engine: rules, observations, operator commands, alarm instances and
// the sequence-of-events records. Nothing here imports Node or the rest of src-main, so the
// file can move to src-shared when the UI (banner, alarm list, rule editor) needs the types.
//
// Time: every instant is a number of milliseconds since the Unix epoch (UTC), every duration a
// number of milliseconds. The engine does arithmetic on delays; the shell converts to ISO text
// at its edges (archive, REST), as the domain model does.
import type { ConnectorStatus, Measurand, StationCommand } from '../domain/index.ts';

export type EpochMs = number;
export type DurationMs = number;

// ---------------------------------------------------------------------------------------------
// Severities and rule kinds

/** Ordered from the most to the least severe; the order is used for sorting and filters. */
export const ALARM_SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

export const ALARM_RULE_KINDS = [
  'communicationLost',
  'connectorFaulted',
  'chargeStalled',
  'transactionTooLong',
  'groupLimitExceeded',
  'profileNotApplied',
  'firmwareFailed',
  'diagnosticsFailed',
  'securityEvent',
  'measurementThreshold',
] as const;
export type AlarmRuleKind = (typeof ALARM_RULE_KINDS)[number];

/** Firmware statuses (1.6 and 2.0.1) that mean the update failed. Any other status clears the alarm. */
export const FIRMWARE_FAILURE_STATUSES: readonly string[] = [
  'DownloadFailed',
  'InstallationFailed',
  'InstallVerificationFailed',
  'InvalidSignature',
  'InvalidCertificate',
  'RevokedCertificate',
];

/** Diagnostics / log upload statuses (1.6 and 2.0.1) that mean the upload failed. */
export const DIAGNOSTICS_FAILURE_STATUSES: readonly string[] = [
  'UploadFailed',
  'UploadFailure',
  'BadMessage',
  'PermissionDenied',
  'NotSupportedOperation',
];

// ---------------------------------------------------------------------------------------------
// Rules

/**
 * Flap suppression: a source that raises more than `maxCycles` times within `windowMs` is put in
 * one 'flapping' alarm that stays active (no further raise/clear records, no notifications) until
 * its condition has not changed for `stableForMs`.
 */
export interface FlapSuppression {
  maxCycles: number;
  windowMs: DurationMs;
  stableForMs: DurationMs;
}

/** A remedy the engine may request for a station-scoped alarm; evse/connector come from the source. */
export type AutomaticActionStep =
  | { kind: 'reset'; type: 'soft' | 'hard' }
  | { kind: 'triggerMessage'; message: 'BootNotification' | 'Heartbeat' | 'StatusNotification' | 'MeterValues' }
  | { kind: 'unlock' }
  | { kind: 'changeAvailability'; operative: boolean };

/**
 * A bounded ladder of automatic actions. Attempt n (1-based) uses `steps[n-1]`, the last step
 * repeating, until `maxAttempts`; attempts are at least `spacingMs` apart. When the condition is
 * still there after the last attempt plus `spacingMs`, the engine gives up ('actionsExhausted').
 */
export interface AutomaticActionPolicy {
  steps: readonly AutomaticActionStep[];
  maxAttempts: number;
  spacingMs: DurationMs;
  /**
   * A remedy often makes the condition vanish for a while (a reset drops the charge), then it
   * comes back. The ladder therefore restarts from its first step only after the condition has
   * stayed away this long; a recurrence before that continues with the next step, so the
   * number of resets stays bounded.
   */
  recoveryMs: DurationMs;
  /** 'immediately': raise the alarm at detection and act meanwhile; 'whenExhausted': raise only on giving up. */
  raise: 'immediately' | 'whenExhausted';
}

/** Limits a rule to part of the installation; every filter given must match (absent = all). */
export interface AlarmScope {
  stationIds?: readonly string[];
  groupIds?: readonly string[];
  siteIds?: readonly string[];
}

export interface AlarmRuleBase {
  /** Stable identifier (archive key); changing it makes a new rule. */
  id: string;
  /** Shown to people (alarm list, notifications). */
  name: string;
  severity: AlarmSeverity;
  /** Absent means enabled. */
  enabled?: boolean;
  /** The condition must hold this long before the alarm is raised. */
  onDelayMs?: DurationMs;
  /** The condition must be gone this long before the alarm is cleared. */
  offDelayMs?: DurationMs;
  flapSuppression?: FlapSuppression | null;
  automaticActions?: AutomaticActionPolicy | null;
  scope?: AlarmScope;
}

/** Socket closed, or (with `missedHeartbeats`) nothing heard for that many heartbeat intervals. */
export interface CommunicationLostRule extends AlarmRuleBase {
  kind: 'communicationLost';
  missedHeartbeats?: number;
}

/** A connector (or the station itself, evse 0) reports Faulted; `errorCodes` restricts which codes raise. */
export interface ConnectorFaultedRule extends AlarmRuleBase {
  kind: 'connectorFaulted';
  errorCodes?: readonly string[];
  /** Which levels are watched; absent means both. */
  level?: 'station' | 'connector' | 'both';
}

/** The connector says Charging but delivers less than `minPowerW` for `stalledForMs`. */
export interface ChargeStalledRule extends AlarmRuleBase {
  kind: 'chargeStalled';
  minPowerW: number;
  stalledForMs: DurationMs;
}

export interface TransactionTooLongRule extends AlarmRuleBase {
  kind: 'transactionTooLong';
  maxDurationMs: DurationMs;
}

/** Group load above its limit plus `marginW`; it clears below that level minus `hysteresisW`. */
export interface GroupLimitExceededRule extends AlarmRuleBase {
  kind: 'groupLimitExceeded';
  marginW?: number;
  hysteresisW?: number;
}

/** Smart charging verified that a station does not apply the profile it was sent. */
export interface ProfileNotAppliedRule extends AlarmRuleBase {
  kind: 'profileNotApplied';
}

export interface FirmwareFailedRule extends AlarmRuleBase {
  kind: 'firmwareFailed';
}

export interface DiagnosticsFailedRule extends AlarmRuleBase {
  kind: 'diagnosticsFailed';
}

/**
 * Security events are instantaneous: each one raises the alarm and clears it at once, so it
 * stays visible (cleared, unacknowledged) until someone acknowledges it. Delays do not apply.
 */
export interface SecurityEventRule extends AlarmRuleBase {
  kind: 'securityEvent';
  /** Event types that raise (OCPP 2.0.1 SecurityEventNotification.type); absent = all. */
  eventTypes?: readonly string[];
}

/**
 * Any measured quantity crossing a threshold. 'above' raises when value > threshold and clears
 * when value <= threshold - hysteresis; 'below' is the mirror image.
 */
export interface MeasurementThresholdRule extends AlarmRuleBase {
  kind: 'measurementThreshold';
  quantity: Measurand;
  comparison: 'above' | 'below';
  threshold: number;
  hysteresis: number;
  /** Only samples of this phase; absent = any phase, each phase being its own source. */
  phase?: string | null;
}

export type AlarmRule =
  | CommunicationLostRule
  | ConnectorFaultedRule
  | ChargeStalledRule
  | TransactionTooLongRule
  | GroupLimitExceededRule
  | ProfileNotAppliedRule
  | FirmwareFailedRule
  | DiagnosticsFailedRule
  | SecurityEventRule
  | MeasurementThresholdRule;

/** Where stations and groups sit, for scopes and for routing notifications by site. */
export interface AlarmTopology {
  stations: Readonly<Record<string, { groupId: string | null; siteId: string | null }>>;
  groups: Readonly<Record<string, { siteId: string | null }>>;
}

export interface AlarmEngineConfig {
  rules: readonly AlarmRule[];
  topology?: AlarmTopology;
  /** Longest shelving an operator may ask for; longer requests are refused. */
  maxShelveMs?: DurationMs;
  /** Prefix of alarm ids, so that several acquisition nodes never hand out the same id. */
  alarmIdPrefix?: string;
}

// ---------------------------------------------------------------------------------------------
// Inputs: observations, time, operator commands

export type AlarmObservation =
  | {
      kind: 'stationConnection';
      stationId: string;
      connected: boolean;
      /** Last frame received from the station; null when unknown. */
      lastSeenAt: EpochMs | null;
      heartbeatIntervalS: number | null;
      /** Why the central system closed the link, if it did (shown in the alarm message). */
      reason?: string | null;
    }
  | { kind: 'stationRemoved'; stationId: string }
  | {
      kind: 'connectorStatus';
      stationId: string;
      /** 0 = the station itself. */
      evseId: number;
      connectorId: number;
      status: ConnectorStatus;
      errorCode: string | null;
    }
  | {
      kind: 'measurement';
      stationId: string;
      evseId: number;
      connectorId: number;
      quantity: Measurand;
      phase: string | null;
      /** Base units (W, Wh, A, V, %), as the domain model normalises them. */
      value: number;
    }
  | {
      kind: 'transaction';
      stationId: string;
      evseId: number;
      connectorId: number;
      transactionId: number;
      startedAt: EpochMs;
      stoppedAt: EpochMs | null;
    }
  | { kind: 'groupLoad'; groupId: string; loadW: number; limitW: number }
  | { kind: 'profileVerification'; stationId: string; evseId: number; applied: boolean; detail: string | null }
  | { kind: 'firmwareStatus'; stationId: string; status: string }
  | { kind: 'diagnosticsStatus'; stationId: string; status: string }
  | { kind: 'securityEvent'; stationId: string; eventType: string; techInfo: string | null }
  /**
   * One station snapshot (connection, statuses and measurements of one instant): its parts are
   * taken in together and the station's rules evaluated once, not after each part (which also
   * judged half-updated states and cost a full evaluation per measurement).
   */
  | { kind: 'stationSnapshot'; stationId: string; parts: StationSnapshotPart[] };

/** What a station snapshot is made of. */
export type StationSnapshotPart = Extract<AlarmObservation, { kind: 'stationConnection' | 'connectorStatus' | 'measurement' }>;

export type AlarmObservationKind = AlarmObservation['kind'];

/** Time passes: delays elapse, shelving expires, timed conditions are re-evaluated. */
export interface AlarmTick {
  kind: 'tick';
}

export type OperatorCommand =
  | { kind: 'acknowledge'; alarmIds: readonly string[]; user: string; comment: string }
  | { kind: 'shelve'; alarmIds: readonly string[]; user: string; reason: string; durationMs: DurationMs }
  | { kind: 'unshelve'; alarmIds: readonly string[]; user: string };

/** Replace the rules (rule editor) or the topology (project edited). */
export interface AlarmReconfigure {
  kind: 'configure';
  config: AlarmEngineConfig;
}

export type AlarmInput = AlarmObservation | AlarmTick | OperatorCommand | AlarmReconfigure;

// ---------------------------------------------------------------------------------------------
// Alarm instances

/**
 * Lifecycle: activeUnacknowledged → activeAcknowledged → cleared, or activeUnacknowledged →
 * clearedUnacknowledged (still shown) → cleared. 'cleared' (gone and acknowledged) is terminal:
 * the instance leaves the live list and lives on in the archive only.
 */
export const ALARM_STATES = ['activeUnacknowledged', 'activeAcknowledged', 'clearedUnacknowledged', 'cleared'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/** What an alarm is about. Station-level sources have evse/connector null; group sources have no station. */
export interface AlarmSource {
  stationId: string | null;
  evseId: number | null;
  connectorId: number | null;
  groupId: string | null;
  siteId: string | null;
  /** Extra qualifier that makes the source unique (the phase of a measurement). */
  detail: string | null;
}

export interface Acknowledgement {
  at: EpochMs;
  by: string;
  comment: string;
}

export interface Shelving {
  at: EpochMs;
  by: string;
  reason: string;
  until: EpochMs;
}

export type AlarmValue = number | string | null;

/**
 * The message as a key and values, so the UI can say it in the operator's language (the English
 * `message` stays for REST, e-mail and the archive). Keys: see ALARM_MESSAGE_KEYS; the source is
 * not a value, the UI words it from `source`. `ruleRemoved: 1` marks an alarm cleared because
 * its rule was deleted or disabled.
 */
export const ALARM_MESSAGE_KEYS = [
  'communicationLost',
  'communicationSilent',
  'faulted',
  'chargeStalled',
  'transactionTooLong',
  'noTransaction',
  'profileApplied',
  'profileNotApplied',
  'firmwareStatus',
  'diagnosticsStatus',
  'threshold',
  'groupLoad',
  'securityEvent',
] as const;
export type AlarmMessageKey = (typeof ALARM_MESSAGE_KEYS)[number];
export type AlarmMessageParams = Readonly<Record<string, string | number>>;

export interface AlarmInstance {
  id: string;
  ruleId: string;
  ruleKind: AlarmRuleKind;
  /** Rule name when raised: the archive must read the same after the rule is renamed. */
  ruleName: string;
  source: AlarmSource;
  /** Text key of the source, unique per rule (e.g. `station:CP1/evse:1/connector:1`). */
  sourceKey: string;
  state: AlarmState;
  severity: AlarmSeverity;
  /** First activation of this instance. */
  firstRaisedAt: EpochMs;
  /** Latest activation (a cleared-unacknowledged alarm that comes back is re-raised). */
  raisedAt: EpochMs;
  clearedAt: EpochMs | null;
  acknowledgement: Acknowledgement | null;
  shelving: Shelving | null;
  flapping: boolean;
  /** Latest value of the condition (measured value, error code, status...). */
  value: AlarmValue;
  message: string;
  /** The message as key and values (absent on records written before translatable messages). */
  messageKey?: AlarmMessageKey;
  messageParams?: AlarmMessageParams;
  /** How many times the condition came (including the raises hidden while flapping). */
  occurrences: number;
}

// ---------------------------------------------------------------------------------------------
// Outputs: sequence-of-events records and action requests

export const TRANSITION_EVENTS = [
  'raised',
  'cleared',
  'acknowledged',
  'shelved',
  'unshelved',
  'shelvingExpired',
  'flappingStarted',
  'flappingEnded',
  'actionRequested',
  'actionsExhausted',
  'automaticRecovery',
] as const;
export type TransitionEvent = (typeof TRANSITION_EVENTS)[number];

/** An automatic remedy the shell should send; `command` is the domain command as is. */
export interface AlarmActionRequest {
  alarmId: string | null;
  ruleId: string;
  sourceKey: string;
  stationId: string;
  command: StationCommand;
  /** 1-based attempt number within the ladder. */
  attempt: number;
  maxAttempts: number;
}

/**
 * One line of the sequence-of-events archive. `from`/`to` are the lifecycle states around the
 * event (equal for events that do not move the lifecycle, such as shelving); both are null for
 * ladder events of a rule that raises only when exhausted, before any instance exists.
 * `shelved` and `flapping` are the instance's flags after the event.
 */
export interface AlarmTransition {
  /** Monotonic sequence number, unique per engine state lineage. */
  seq: number;
  at: EpochMs;
  alarmId: string | null;
  ruleId: string;
  ruleKind: AlarmRuleKind;
  ruleName: string;
  sourceKey: string;
  source: AlarmSource;
  severity: AlarmSeverity;
  event: TransitionEvent;
  from: AlarmState | null;
  to: AlarmState | null;
  shelved: boolean;
  flapping: boolean;
  value: AlarmValue;
  message: string;
  messageKey?: AlarmMessageKey;
  messageParams?: AlarmMessageParams;
  /** The user behind an operator command; null for what the engine did by itself. */
  operator: string | null;
  /** Acknowledgement comment or shelving reason. */
  comment: string | null;
  action: AlarmActionRequest | null;
}

export type CommandRefusal =
  | 'unknownAlarm'
  | 'operatorRequired'
  | 'alreadyAcknowledged'
  | 'reasonRequired'
  | 'invalidDuration'
  | 'notShelved';

/** Result of an operator command, per alarm id, for the REST answer. */
export interface CommandOutcome {
  accepted: string[];
  refused: Array<{ alarmId: string; reason: CommandRefusal }>;
}
