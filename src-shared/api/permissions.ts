// Roles and what each may do. Checked in the main process on every command (the UI only
// hides what the role cannot do); one table so that it is easy to audit.
import type { StationCommandKind } from '../domain/index.ts';
import type { ApiCommandName } from './index.ts';

export const ROLES = ['viewer', 'operator', 'maintenance', 'engineer', 'administrator'] as const;
export type Role = (typeof ROLES)[number];

/** Commands that read only; every signed-in role may use them. */
export const READ_COMMANDS: ReadonlySet<ApiCommandName> = new Set<ApiCommandName>([
  'getServerInfo',
  'whoAmI',
  'listStations',
  'getStation',
  'listCommands',
  'listTransactions',
  'listBadges',
  'listAlarms',
  'alarmHistory',
  'listGroups',
  'getAllocation',
  // Smart charging (issue 4): reading and trying does not change anything.
  'previewAllocation',
  'listChargingProfiles',
  'validateChargingProfile',
  'getSmartChargingSettings',
  // Overview (hypervision) and energy dashboard
  'listSites',
  'energySummary',
  'powerSeries',
  'meterTrend',
  // station page (issue 3)
  'stationPowerHistory',
  'stationFrames',
  'watchStationFrames',
  'transactionsExportTicket',
  // Alarm rule editor (issue 5): reading the rules and checking a draft change nothing.
  'listAlarmRules',
  'validateAlarmRule',
  // Project screen (issue 7): every role reads the project and its history; only engineers change it.
  'getProject',
  'listProjectVersions',
  'diffProjectVersions',
  // Template library (issue 7): every role sees the templates and their instance counts.
  'listProjectTemplates',
  // Ground plans (issue 3): every role sees the plans.
  'listGroundPlans',
  'getGroundPlanBackground',
  // Ground-plan symbol library (issue 7): every role sees the symbols.
  'listSymbols',
  // Badge categories (issue 4): every role sees the categories and the badges in each.
  'listBadgeCategories',
  // Project settings: every role sees them (the time zone says how departure times are read).
  'getProjectSettings',
  // Reservations: every role sees them.
  'listReservations',
]);

/**
 * Project screen (issue 7): reads kept to a role (engineer) that change nothing. Checked like any
 * command but not written to the audit log (the self-test progress is polled twice a second).
 */
export const UNAUDITED_COMMANDS: ReadonlySet<ApiCommandName> = new Set<ApiCommandName>([
  'previewProjectApply',
  'checkStationImport',
  'getSelfTestProgress',
  'getSelfTestReportHtml',
  'listStationTemplates',
  // Template library and add EV charging (issue 7): checks and previews change nothing.
  'checkTemplate',
  'previewAddCharging',
  // Badge categories (issue 4): checking a draft changes nothing.
  'checkBadgeCategory',
]);

/** Commands anyone may send before signing in. */
export const PUBLIC_COMMANDS: ReadonlySet<ApiCommandName> = new Set<ApiCommandName>(['getServerInfo', 'login', 'logout']);

const RANK: Record<Role, number> = { viewer: 0, operator: 1, maintenance: 2, engineer: 3, administrator: 4 };

/** The least role that may send each state-changing command. */
const MINIMUM_ROLE: Partial<Record<ApiCommandName, Role>> = {
  acknowledgeAlarms: 'maintenance',
  shelveAlarms: 'maintenance',
  unshelveAlarms: 'maintenance',
  acceptStation: 'engineer',
  rejectStation: 'engineer',
  putBadge: 'engineer',
  listAudit: 'maintenance',
  listAccounts: 'administrator',
  putAccount: 'administrator',
  restoreProjectVersion: 'engineer',
  generateProject: 'engineer',
  importStations: 'engineer',
  setGroupLimit: 'engineer',
  runSelfTest: 'engineer',
  setGroupMode: 'engineer',
  // Smart charging (issue 4): an operator may steer a session; the rest is engineering.
  setSessionSetpoint: 'operator',
  setSessionNeeds: 'operator',
  putSmartChargingSettings: 'engineer',
  putChargingProfile: 'engineer',
  deleteChargingProfile: 'engineer',
  uploadChargingProfile: 'engineer',
  // Alarm rule editor and notification settings (issue 5)
  putAlarmRule: 'engineer',
  deleteAlarmRule: 'engineer',
  getNotificationSettings: 'engineer',
  putNotificationSettings: 'engineer',
  testNotification: 'engineer',
  // Project screen (issue 7)
  previewProjectApply: 'engineer',
  applyProject: 'engineer',
  checkStationImport: 'engineer',
  getSelfTestProgress: 'engineer',
  getSelfTestReportHtml: 'engineer',
  listStationTemplates: 'engineer',
  // Template library, bundle (carries station passwords), add EV charging (issue 7)
  checkTemplate: 'engineer',
  saveTemplate: 'engineer',
  deleteTemplate: 'engineer',
  exportProjectBundle: 'engineer',
  importProjectBundle: 'engineer',
  previewAddCharging: 'engineer',
  addCharging: 'engineer',
  // Ground plans (issue 3): placing stations changes the project.
  saveGroundPlan: 'engineer',
  // Ground-plan symbol library (issue 7): editing symbols changes the project.
  putSymbol: 'engineer',
  deleteSymbol: 'engineer',
  // Badge categories (issue 4): a category edit is a new project version.
  checkBadgeCategory: 'engineer',
  putBadgeCategory: 'engineer',
  deleteBadgeCategory: 'engineer',
  // Project settings: a new project version.
  putProjectSettings: 'engineer',
  // Reservations: the control room books and cancels them for drivers.
  createReservation: 'operator',
  cancelReservation: 'operator',
};

/** The least role for each operator command sent to a station. */
export const STATION_COMMAND_ROLE: Record<StationCommandKind, Role> = {
  remoteStart: 'operator',
  remoteStop: 'operator',
  triggerMessage: 'operator',
  getConfiguration: 'operator',
  reset: 'maintenance',
  unlock: 'maintenance',
  changeAvailability: 'maintenance',
  clearCache: 'maintenance',
  changeConfiguration: 'engineer',
  dataTransfer: 'engineer',
  setChargingLimit: 'engineer',
  setDefaultLimit: 'engineer',
  clearProfile: 'engineer',
  setProfile: 'engineer',
  getCompositeSchedule: 'operator',
  // Sent by the reservation book (createReservation / cancelReservation), which keeps their record.
  reserveNow: 'operator',
  cancelReservation: 'operator',
};

export function atLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** Whether `role` may send `command` (with its request, for station commands). */
export function mayUse(role: Role, command: ApiCommandName, request: unknown): boolean {
  if (PUBLIC_COMMANDS.has(command) || READ_COMMANDS.has(command)) return true;
  if (command === 'sendCommand') {
    const kind = (request as { command?: { kind?: StationCommandKind } } | null)?.command?.kind;
    return kind !== undefined && Object.hasOwn(STATION_COMMAND_ROLE, kind) && atLeast(role, STATION_COMMAND_ROLE[kind]);
  }
  const minimum = MINIMUM_ROLE[command];
  return minimum !== undefined && atLeast(role, minimum);
}
