// The one typed contract between the UI and the main process. Electron IPC and the
// server-mode WebSocket bridge are two transports of it; the renderer never knows which.
// Every request is validated at runtime in the main process against `requestSchemas`.
import type {
  Badge,
  CommandRecord,
  CommandResult,
  DomainEvent,
  StationCommand,
  StationState,
  Transaction,
} from '../domain/index.ts';
import type { AlarmInstance, AlarmSeverity, AlarmTransition, CommandOutcome } from '../alarms/types.ts';
import type { Role } from './permissions.ts';
import type { ProjectApplyPlan, ProjectDiff, ProjectFileV2, ProjectVersionInfo, StationTemplate, WizardAnswers } from '../project/index.ts';

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
}

/** Request → response of every command the UI may send. */
export interface ApiCommands {
  getServerInfo: { request: Record<string, never>; response: ServerInfo };
  listStations: { request: Record<string, never>; response: StationState[] };
  getStation: { request: { stationId: string }; response: StationState };
  acceptStation: { request: { stationId: string }; response: StationState };
  rejectStation: { request: { stationId: string }; response: StationState };
  sendCommand: { request: { stationId: string; command: StationCommand }; response: CommandResult };
  listCommands: { request: { stationId: string; limit?: number }; response: CommandRecord[] };
  listTransactions: { request: TransactionQuery; response: Page<Transaction> };
  listBadges: { request: Record<string, never>; response: Badge[] };
  putBadge: { request: Badge; response: Badge };
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
}

export interface SelfTestReportInfo {
  startedAt: string;
  finishedAt: string;
  passed: number;
  failed: number;
  stations: Array<{ stationId: string; ok: boolean; steps: Array<{ name: string; ok: boolean; detail: string | null; ms: number }> }>;
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
