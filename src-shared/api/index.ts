// The one typed contract between the UI and the main process. Electron IPC and the
// server-mode WebSocket bridge are two transports of it; the renderer never knows which.
// Every request is validated at runtime in the main process against `requestSchemas`.
import type {
  ArchiveHealth,
  Badge,
  BadgeInput,
  ChargingProfileDefinition,
  CommandRecord,
  OcppFrameRecord,
  CommandResult,
  DomainEvent,
  ProfileConflict,
  ProfileUpload,
  StationCommand,
  StationState,
  Transaction,
} from '../domain/index.ts';
import type { AlarmInstance, AlarmRule, AlarmSeverity, AlarmTransition, CommandOutcome } from '../alarms/types.ts';
import type { AlarmRulesInfo, NotificationChannelName, NotificationSettingsDoc, NotificationSettingsInfo, NotificationTestResult } from '../alarms/editor.ts';
import type { AlarmRuleProblem } from '../alarms/rule-check.ts';
import type { Role } from './permissions.ts';
import type { EnergySummary, EnergySummaryQuery, MeterTrend, MeterTrendQuery, PowerSeries, PowerSeriesQuery, SiteInfo } from './energy.ts';
import type { ProjectApplyPlan, ProjectDiff, ProjectFileV2, ProjectVersionInfo, StationTemplate, WizardAnswers } from '../project/index.ts';
// Template library, project bundle, add EV charging (issue 7): commands declared in ./templates.ts.
import type { TemplateCommands } from './templates.ts';
// Badge categories (issue 4): commands declared in ./badge-categories.ts.
import type { BadgeCategoryCommands } from './badge-categories.ts';
import type { ProjectSettingsCommands } from './project-settings.ts';
import type { ReservationCommands } from './reservations.ts';
import type { PlanSymbol, SymbolLibraryInfo } from '../project/symbols.ts';

export type SortDirection = 'asc' | 'desc';

export interface TransactionQuery {
  stationId?: string;
  idTag?: string;
  /** ISO time: transactions started at or after. */
  from?: string;
  /** ISO time: transactions started before. */
  to?: string;
  /** Only open (true) or only closed (false). */
  open?: boolean;
  sort?: 'startedAt' | 'stoppedAt' | 'energyWh' | 'stationId' | 'idTag' | 'id';
  direction?: SortDirection;
  offset?: number;
  limit?: number;
}

export interface AlarmQuery {
  stationId?: string;
  severities?: AlarmSeverity[];
  includeShelved?: boolean;
}

export interface AlarmHistoryQuery {
  stationId?: string;
  alarmId?: string;
  /** ISO time: records at or after. */
  from?: string;
  /** ISO time: records before. */
  to?: string;
  offset?: number;
  limit?: number;
}

export interface Principal {
  username: string;
  role: Role;
}

export interface SessionInfo extends Principal {
  token: string;
  expiresAt: string;
}

export interface Account {
  username: string;
  role: Role;
  disabled: boolean;
  /** Set after too many wrong passwords; sign-in refused until then. */
  lockedUntil: string | null;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  stationId: string | null;
  /** The request, without secrets. */
  detail: unknown;
  ok: boolean;
  /** Outcome in words (status, error message). */
  result: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  stationId?: string;
  from?: string;
  to?: string;
  offset?: number;
  limit?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface ServerInfo {
  name: string;
  version: string;
  ocppUrl: string;
  startedAt: string;
  autoAccept: boolean;
  projectName: string | null;
  /** Whether the archive stores what arrives (the header warns when it does not). */
  archive: ArchiveHealth;
}

/** Request → response of every command the UI may send. */
export interface ApiCommands extends TemplateCommands, BadgeCategoryCommands, ProjectSettingsCommands, ReservationCommands {
  getServerInfo: { request: Record<string, never>; response: ServerInfo };
  listStations: { request: Record<string, never>; response: StationState[] };
  getStation: { request: { stationId: string }; response: StationState };
  acceptStation: { request: { stationId: string }; response: StationState };
  rejectStation: { request: { stationId: string }; response: StationState };
  sendCommand: { request: { stationId: string; command: StationCommand }; response: CommandResult };
  listCommands: { request: { stationId: string; limit?: number }; response: CommandRecord[] };
  listTransactions: { request: TransactionQuery; response: Page<Transaction> };
  listBadges: { request: Record<string, never>; response: Badge[] };
  putBadge: { request: BadgeInput; response: Badge };
  listAlarms: { request: AlarmQuery; response: AlarmInstance[] };
  alarmHistory: { request: AlarmHistoryQuery; response: Page<AlarmTransition> };
  acknowledgeAlarms: { request: { alarmIds: string[]; comment?: string }; response: CommandOutcome };
  shelveAlarms: { request: { alarmIds: string[]; minutes: number; reason: string }; response: CommandOutcome };
  unshelveAlarms: { request: { alarmIds: string[] }; response: CommandOutcome };
  login: { request: { username: string; password: string }; response: SessionInfo };
  logout: { request: Record<string, never>; response: { ok: true } };
  whoAmI: { request: Record<string, never>; response: Principal | null };
  listAudit: { request: AuditQuery; response: Page<AuditEntry> };
  listAccounts: { request: Record<string, never>; response: Account[] };
  putAccount: { request: { username: string; role: Role; password?: string; disabled?: boolean }; response: Account };
  /** The project the supervisor runs (latest version), secrets masked. */
  getProject: { request: Record<string, never>; response: { version: ProjectVersionInfo | null; project: ProjectFileV2 | null; running: number | null } };
  listProjectVersions: { request: Record<string, never>; response: ProjectVersionInfo[] };
  diffProjectVersions: { request: { a: number; b: number }; response: ProjectDiff };
  restoreProjectVersion: { request: { id: number }; response: ProjectVersionInfo };
  /** The wizard's answers → a complete project; `save` makes it the next version and applies it to the running supervisor at once. */
  generateProject: {
    request: { answers: WizardAnswers; save?: boolean };
    response: { project: ProjectFileV2; version: ProjectVersionInfo | null; applied: ProjectApplyPlan | null };
  };
  /** A CSV (text) or XLSX (base64) station list imported into the project as one new version. */
  importStations: {
    /** `skipBadRows`: import the good rows and list the bad ones (default: a bad row refuses the whole list). */
    request: { format: 'csv' | 'xlsx'; content: string; skipBadRows?: boolean };
    response: { version: ProjectVersionInfo; added: string[]; updated: string[]; skipped: StationImportRowError[] };
  };
  /** Commissioning self-test of the given stations (default: every declared station). */
  runSelfTest: { request: { stationIds?: string[]; remoteStartStop?: { idTag: string }; bootTimeoutS?: number }; response: SelfTestReportInfo };
  // ---- Project screen (issue 7): live apply, station-list check, self-test progress and report ----
  /** What applying a version (default: the latest) to the running supervisor would change; changes nothing. */
  previewProjectApply: { request: { versionId?: number }; response: ProjectApplyPlan };
  /** Applies a version (default: the latest) to the running supervisor without a restart. */
  applyProject: { request: { versionId?: number }; response: ProjectApplyPlan };
  /** Dry run of importStations: every bad row, or what would be added and updated. Saves nothing. */
  checkStationImport: { request: { format: 'csv' | 'xlsx'; content: string }; response: StationImportCheck };
  /** The self-test running now (or the last one): stations done out of the total. */
  getSelfTestProgress: { request: Record<string, never>; response: SelfTestProgress };
  /** The last self-test report as a printable HTML page. */
  getSelfTestReportHtml: { request: Record<string, never>; response: { html: string } };
  /** The station template library the wizard and station lists may name. */
  listStationTemplates: { request: Record<string, never>; response: StationTemplate[] };
  // ---- end of the project screen's commands ----
  /** Smart charging: the electrical groups with their limits and modes. */
  listGroups: { request: Record<string, never>; response: GroupInfo[] };
  /** Smart charging: per node limit/allocated/measured per phase, per session setpoint, reason and push state. */
  getAllocation: { request: Record<string, never>; response: AllocationInfo };
  setGroupLimit: { request: { groupId: string; maxW?: number; maxAPerPhase?: [number, number, number] }; response: GroupInfo };
  setGroupMode: { request: { groupId: string; mode: 'automatic' | 'manual' }; response: GroupInfo };
  // --- Smart charging: operator setpoints, what-if, staggered start, profile library (issue 4) ---
  /** Operator setpoint for a running session (value null = back to automatic); clamped to every limit. */
  setSessionSetpoint: { request: { transactionId: number; value: number | null; unit?: 'A' | 'W' }; response: SessionSetpointInfo };
  /**
   * What the operator knows of a running session: its departure and the energy it still needs
   * (from now on). Both null = back to what the vehicle, badge category or history say.
   */
  setSessionNeeds: { request: { transactionId: number; departureAt: string | null; energyWh: number | null }; response: SessionNeedsInfo };
  /** What-if: the allocation with changed limits or modes, computed on live demand, not applied. */
  previewAllocation: { request: { limits?: GroupLimitChange[]; modes?: Array<{ groupId: string; mode: 'automatic' | 'manual' }> }; response: AllocationPreview };
  getSmartChargingSettings: { request: Record<string, never>; response: SmartChargingSettings };
  putSmartChargingSettings: { request: SmartChargingSettings; response: SmartChargingSettings };
  listChargingProfiles: { request: Record<string, never>; response: ChargingProfileLibrary };
  validateChargingProfile: { request: { profile: ChargingProfileDefinition; targets?: ProfileTarget[] }; response: ProfileValidation };
  putChargingProfile: { request: ChargingProfileDefinition; response: ChargingProfileDefinition };
  /** Removes a profile from the library; with clearFromStations, also from every station that accepted it. */
  deleteChargingProfile: { request: { id: number; clearFromStations?: boolean }; response: { id: number; cleared: ProfileUpload[] } };
  /** Sends a library profile to stations; refused as a whole (Conflict) when it would clash, unless force. */
  uploadChargingProfile: { request: { id: number; targets: ProfileTarget[]; force?: boolean }; response: { results: ProfileUpload[]; conflicts: ProfileConflict[] } };
  // ---- Overview (hypervision) and energy dashboard (issue 3) ----------------------------------
  /** The running project's sites with their stations, parks, groups and power limit. */
  listSites: { request: Record<string, never>; response: SiteInfo[] };
  /** Energy (meter-register deltas) and sessions per calendar bucket, per site, group or station. */
  energySummary: { request: EnergySummaryQuery; response: EnergySummary };
  /** Summed power of a site, a station or everything in equal steps (at most maxPoints). */
  powerSeries: { request: PowerSeriesQuery; response: PowerSeries };
  /** One measured quantity of one station per connector, downsampled to at most maxPoints. */
  meterTrend: { request: MeterTrendQuery; response: MeterTrend };
  // ---- end of overview and energy dashboard ---------------------------------------------------
  // ---- station page (issue 3): power history, OCPP message log --------------------------
  /** Active power per connector from the archive, averaged into at most `maxPoints` buckets (default: the last hour, 360 points). */
  stationPowerHistory: { request: { stationId: string; from?: string; to?: string; maxPoints?: number }; response: PowerHistory };
  /** The station's recent OCPP frames from the archive's log, newest first; `beforeId` pages back. */
  stationFrames: { request: { stationId: string; limit?: number; beforeId?: number }; response: OcppFrameRecord[] };
  /** Starts (watch: true) or stops live `ocppFrame` events of one station for this connection only. */
  watchStationFrames: { request: { stationId: string; watch: boolean }; response: { watching: string[] } };
  /** A one-time ticket (60 s) for GET /api/v1/transactions/export?ticket=… (streamed CSV/XLSX download from the UI). */
  transactionsExportTicket: { request: Record<string, never>; response: { ticket: string; expiresAt: string } };
  // ---- Alarm rule editor and notification settings (issue 5) ----
  /** The running alarm rule set, where it came from, and the ids a scope may name. */
  listAlarmRules: { request: Record<string, never>; response: AlarmRulesInfo };
  /** Adds a rule, or replaces the rule `replaces` (default: same id); stored, then applied live. */
  putAlarmRule: { request: { rule: AlarmRule; replaces?: string }; response: AlarmRulesInfo };
  /** Removes a rule; its alarms clear with "rule removed or disabled". */
  deleteAlarmRule: { request: { ruleId: string }; response: AlarmRulesInfo };
  /** The problems a rule would be refused for (empty = it may be saved); changes nothing. */
  validateAlarmRule: { request: { rule: Record<string, unknown>; replaces?: string }; response: { problems: AlarmRuleProblem[] } };
  /** Recipients, contacts, SMTP, SMS gateway, grouping and rate limit (SMTP password masked). */
  getNotificationSettings: { request: Record<string, never>; response: NotificationSettingsInfo };
  putNotificationSettings: { request: { settings: NotificationSettingsDoc }; response: NotificationSettingsInfo };
  /** One test message through one channel to one address; answers delivered or the channel's error. */
  testNotification: { request: { channel: NotificationChannelName; to: string }; response: NotificationTestResult };
  // ---- end of issue 5 ----
  // --- Ground plans per park: positions from the project, edit mode, backgrounds (issue 3) ---
  /** One plan per park of the running project: placed stations (in % of the plan), unplaced ones, background. */
  listGroundPlans: { request: Record<string, never>; response: GroundPlanInfo[] };
  /** The park's background image (the stored one, or the default drawing) as a data URL. */
  getGroundPlanBackground: { request: { parkId: string }; response: GroundPlanBackground };
  /**
   * Moves stations of one park (positions in % of the plan) as a new project version, and/or sets
   * (`{contentType, data}`) or removes (`null`) the park's background image; applied at once.
   */
  saveGroundPlan: { request: SaveGroundPlanRequest; response: { plan: GroundPlanInfo; version: ProjectVersionInfo | null } };
  // ---- Ground-plan symbol library (issue 7) ----
  /** The effective symbol library (built-in + the project's), who uses each symbol, and every station's symbol. */
  listSymbols: { request: Record<string, never>; response: SymbolLibraryInfo };
  /** Adds or replaces a project symbol (an edited built-in one is kept as the project's copy): a new project version, applied live. */
  putSymbol: { request: { symbol: PlanSymbol; baseVersion?: number | null }; response: SymbolSaveInfo };
  /** Deletes a project symbol (refused while a template or station uses it); an edited built-in one goes back to the original. */
  deleteSymbol: { request: { id: string; baseVersion?: number | null }; response: SymbolSaveInfo & { reverted: boolean } };
  // ---- end of the symbol library ----
}

/** What a symbol save answers: the library after it, the new project version, and whether it runs now. */
export interface SymbolSaveInfo {
  library: SymbolLibraryInfo;
  version: ProjectVersionInfo;
  applied: boolean;
}

/** One connector's power curve: [time (ms since epoch, bucket middle), average W]. */
export interface ConnectorPowerSeries {
  evseId: number;
  connectorId: number;
  points: Array<[number, number]>;
}

export interface PowerHistory {
  from: string;
  to: string;
  bucketMs: number;
  series: ConnectorPowerSeries[];
}

// --- Ground plans per park (issue 3) ---
/** A station's place on a plan: centre of its symbol, in % of the plan's width and height (0..100). */
export interface GroundPlanPlacement {
  stationId: string;
  x: number;
  y: number;
}

export interface GroundPlanInfo {
  siteId: string;
  siteName: string;
  parkId: string;
  name: string;
  /** REST address of the background image (the park's own, or the default drawing). */
  background: string;
  /** True when the park has its own background image (false: the default drawing). */
  customBackground: boolean;
  /** Width ÷ height of the plan. */
  aspect: number;
  placements: GroundPlanPlacement[];
  /** Stations of the park without a place on the plan. */
  unplaced: string[];
  /** The project version the positions come from (null: the project started with, never saved). */
  version: number | null;
}

export const GROUND_PLAN_BACKGROUND_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;
export type GroundPlanBackgroundType = (typeof GROUND_PLAN_BACKGROUND_TYPES)[number];
/** Largest background image, bytes. */
export const GROUND_PLAN_BACKGROUND_MAX_BYTES = 2 * 1024 * 1024;

export interface GroundPlanBackground {
  parkId: string;
  contentType: GroundPlanBackgroundType;
  /** data:<type>;base64,... */
  dataUrl: string;
  custom: boolean;
}

export interface SaveGroundPlanRequest {
  parkId: string;
  placements: GroundPlanPlacement[];
  /** A new background image (base64 `data`), or null to go back to the default drawing; absent = unchanged. */
  background?: { contentType: GroundPlanBackgroundType; data: string } | null;
  /** Stations of the park to take off the plan (they become unplaced). */
  unplace?: string[];
  /** The `version` the edit started from: refused (Conflict) when the project has changed since. */
  baseVersion?: number | null;
}

export interface SelfTestReportInfo {
  startedAt: string;
  finishedAt: string;
  passed: number;
  failed: number;
  stations: Array<{ stationId: string; ok: boolean; steps: Array<{ name: string; ok: boolean; detail: string | null; ms: number }> }>;
}

export interface GroupLimitChange {
  groupId: string;
  maxW?: number;
  maxAPerPhase?: [number, number, number];
}

export interface SessionSetpointInfo {
  transactionId: number;
  manual: { value: number; unit: 'A' | 'W' } | null;
}

export interface AllocationPreview {
  /** The engine's result with the changes (structure owned by src-main/allocation, like AllocationInfo.result). */
  result: unknown;
  /** The result in force now, for comparison. */
  current: unknown;
  /** Limits the preview would break (must be none: the engine never exceeds a limit). */
  violations: string[];
}

export interface SmartChargingSettings {
  staggeredStart: { enabled: boolean; mode: 'ordered' | 'random'; windowS: number; spacingS?: number; minOccupancy?: number };
}

export interface ProfileTarget {
  stationId: string;
  /** 0 = the whole station. */
  evseId: number;
}

export interface ChargingProfileLibrary {
  profiles: ChargingProfileDefinition[];
  uploads: ProfileUpload[];
  conflicts: ProfileConflict[];
}

export interface ProfileValidation {
  errors: Array<{ path: string; message: string }>;
  conflicts: ProfileConflict[];
}

export interface StationImportRowError {
  /** Row number in the sheet (1 = first line); null for a problem of the whole list. */
  row: number | null;
  column: string | null;
  value?: string;
  message: string;
}

export interface StationImportCheck {
  ok: boolean;
  rows: number;
  errors: StationImportRowError[];
  added: string[];
  updated: string[];
}

export interface SelfTestProgress {
  running: boolean;
  total: number;
  done: number;
  passed: number;
  failed: number;
}

export interface GroupInfo {
  id: string;
  name: string;
  parentId: string | null;
  maxW: number | null;
  maxAPerPhase: [number, number, number] | null;
  mode: 'automatic' | 'manual';
  stationIds: string[];
}

/** The engine's last result as the UI reads it (structure owned by src-main/allocation). */
export interface ProfilePush {
  stationId: string;
  value: number;
  unit: 'A' | 'W';
  at: string;
  status: 'pending' | 'accepted' | 'rejected' | 'error';
  detail: string | null;
}

export interface AllocationInfo {
  at: string | null;
  result: unknown;
  pushes: Record<string, ProfilePush>;
  defaults: Record<string, ProfilePush>;
  /** Per session (transaction id): what smart charging knows of its needs, and its ETA. */
  needs: Record<string, SessionNeedsView>;
}

/** Where a session's need or departure comes from, most trusted first. */
export type NeedSource = 'operator' | 'vehicle' | 'reservation' | 'category' | 'history';

/** What smart charging knows of one session's needs at the last allocation. */
export interface SessionNeedsView {
  /** Energy still to deliver, Wh (null: unknown). */
  remainingWh: number | null;
  /** 'soc': from the state of charge the vehicle reports and its category's target and battery. */
  energySource: NeedSource | 'soc' | null;
  /** Expected departure, ISO (null: unknown). */
  departureAt: string | null;
  departureSource: NeedSource | null;
  /** When the need is met at the present setpoint (null: unknown need, nothing left, or paused). */
  etaAt: string | null;
  /** The badge's category id, if it has one. */
  category: string | null;
  /** What an operator entered for this session, if anything. */
  operator: OperatorNeeds | null;
}

export interface OperatorNeeds {
  departureAt: string | null;
  /** Energy still needed when entered, Wh. */
  energyWh: number | null;
  /** Energy the session had delivered by then, Wh: the need counts from there. */
  deliveredWhAtEntry: number;
  setBy: string;
  setAt: string;
}

export interface SessionNeedsInfo {
  transactionId: number;
  operator: OperatorNeeds | null;
}

export type ApiCommandName = keyof ApiCommands;
export type ApiRequest<K extends ApiCommandName> = ApiCommands[K]['request'];
export type ApiResponse<K extends ApiCommandName> = ApiCommands[K]['response'];

/** Wire messages of the bridge (WebSocket in server mode, IPC in Electron). */
export type ClientMessage = { kind: 'call'; id: number; command: ApiCommandName; request: unknown };
export type ServerMessage =
  | { kind: 'result'; id: number; ok: true; response: unknown }
  | { kind: 'result'; id: number; ok: false; error: { code: ApiErrorCode; message: string } }
  | { kind: 'event'; event: DomainEvent };

export type ApiErrorCode = 'BadRequest' | 'NotFound' | 'Conflict' | 'Unavailable' | 'Forbidden' | 'Internal';

/** The transport-agnostic client the renderer uses. */
export interface ApiClient {
  call<K extends ApiCommandName>(command: K, request: ApiRequest<K>): Promise<ApiResponse<K>>;
  /** Subscribe to domain events; returns an unsubscribe function. */
  onEvent(listener: (event: DomainEvent) => void): () => void;
  /** Connection state of the workstation to the main process. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

/** The codes of a request refused for a reason the caller can fix (services' own refusals). */
export type RefusalCode = Extract<ApiErrorCode, 'BadRequest' | 'NotFound' | 'Conflict'>;

/**
 * A refused command: its code (the HTTP status follows) and what to do. Services throw their own
 * subclasses (GroundPlanError, ProfileLibraryError...), which reach the caller as they are.
 */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'ApiError';
  }
}

export { ROLES, READ_COMMANDS, UNAUDITED_COMMANDS, PUBLIC_COMMANDS, STATION_COMMAND_ROLE, mayUse, atLeast, type Role } from './permissions.ts';
export { requestSchemas, stationCommandSchema, badgeSchema, transactionQuerySchema, alarmHistoryQuerySchema } from './schemas.ts';
export { energySummaryQuerySchema, powerSeriesQuerySchema, meterTrendQuerySchema } from './schemas.ts';
export * from './energy.ts';
export * from './templates.ts';
export * from './badge-categories.ts';
export * from './project-settings.ts';
export * from './reservations.ts';
