// Composition root: opens the archive, builds and wires the services, starts the server
// and (optionally) the demo site, and stops them in reverse order. Used by both shells.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { ServerInfo, SmartChargingSettings } from '../../src-shared/api/index.ts';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { openArchive, type Archive } from '../archive/index.ts';
import {
  AlarmRuleEditor,
  AlarmRuleStore,
  AlarmService,
  DEFAULT_ALARM_RULES,
  NotificationDelivery,
  topologyFromProject,
  type AlarmRule,
  type NotificationSettings,
} from '../alarms/index.ts';
import type { AlarmRuleOrigin } from '../../src-shared/alarms/editor.ts';
import { effectiveAlarmRules } from '../project/index.ts';
import { EMPTY_NOTIFICATION_SETTINGS, NotificationSettingsEditor, loadNotificationSettings } from './notification-settings.ts';
import { AccountService, BadgeList, DownloadTickets } from '../auth/index.ts';
import { GroundPlanStore, ProjectWorkspace, checkProject } from '../project/index.ts';
import { AllocationController, ProfileLibrary, type ControllerOptions } from '../allocation/index.ts';
import { loadSmartChargingSettings, operatorNeedsFile, saveSmartChargingSettings } from './smart-charging-settings.ts';
import type { ResolvedProject } from '../../src-shared/project/index.ts';
import { DomainBus } from '../bus/index.ts';
import { CentralSystem, FrameTap, type CentralSystemOptions } from '../ocpp/index.ts';
import { StationRegistry } from '../stations/index.ts';
import { TransactionService } from '../transactions/index.ts';
import { startHost, type Host } from '../host/index.ts';
import { EnergyWorker } from '../energy/index.ts';
import { createApi, type Api } from './api.ts';
import { ReservationBook } from '../reservations/index.ts';
import { loadProject } from './project.ts';
import { LiveProject, unavailableArchive, type RunningProject } from './live-project.ts';

export const PRODUCT_VERSION = '0.1.0';

export interface SupervisorOptions {
  dataDir: string;
  host: string;
  port: number;
  /** Project file to run; null runs without declared stations. */
  project: ProjectFile | null;
  /** Start the simulated demo stations of the project. */
  demo: boolean;
  autoAccept?: boolean;
  apiKey?: string;
  logLevel?: string;
  ocpp?: CentralSystemOptions;
  /** Directory of the built renderer; absent = no UI served. */
  rendererDir?: string | null;
  /** Cap on the archive size, bytes (past it new work is refused, never acknowledged). */
  archiveMaxBytes?: number;
  /** Run the smart-charging controller on the project's electrical groups (default true). */
  smartCharging?: boolean;
  smartChargingOptions?: ControllerOptions;
  /** Where the project came from, to keep it in the version history (data/project). */
  projectSource?: { path: string; resolved: ResolvedProject };
  /** UI sessions must sign in with an account (default false while the UI's login screen lands). */
  loginRequired?: boolean;
  /** Password of the 'admin' account created at first start (generated when absent). */
  adminPassword?: string;
  /** Who is told about alarms, and how (SMTP, SMS gateway, push); absent = nobody. */
  notifications?: NotificationSettings;
  /** The file `notifications` came from (--notifications): the settings screen saves there; default DATA/notifications.json. */
  notificationsFile?: string;
  /** Alarm rules (default: DEFAULT_ALARM_RULES until projects carry their own). */
  alarmRules?: AlarmRule[];
  /** How often time advances in the alarm engine, ms (default 1,000). */
  alarmTickMs?: number;
  /** How often the stale-transaction rule runs, ms. */
  staleCheckIntervalMs?: number;
  logger?: Logger;
}

export interface Supervisor {
  url: string;
  ocppUrl: string;
  apiKey: string;
  apiKeyGenerated: boolean;
  /** Set when this start created the 'admin' account: its password, to show once. */
  createdAdminPassword: string | null;
  accounts: AccountService;
  api: Api;
  bus: DomainBus;
  archive: Archive;
  registry: StationRegistry;
  transactions: TransactionService;
  central: CentralSystem;
  /** Live OCPP frames of watched stations (station page log). */
  frames: FrameTap;
  alarms: AlarmService;
  /** The smart-charging controller (a live apply may start it). */
  readonly smartCharging: AllocationController | null;
  /** The project it runs, and its live apply. */
  live: LiveProject;
  notifications: NotificationDelivery | null;
  host: Host;
  close(): Promise<void>;
}

/** The API key: given, or stored in the data directory, or generated (and stored) at first start. */
function resolveApiKey(dataDir: string, given: string | undefined): { key: string; generated: boolean } {
  if (given) return { key: given, generated: false };
  const file = join(dataDir, 'api-key.txt');
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), generated: false };
  const key = randomBytes(24).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return { key, generated: true };
}

/**
 * The project run at start as the live apply sees it: the latest version when it is the project
 * started with (ProjectWorkspace.open saved it), else the project alone (not in the history).
 */
async function runningProject(workspace: ProjectWorkspace, runtime: ProjectFile | null, source: ResolvedProject | null): Promise<RunningProject> {
  if (!runtime) return { version: null, resolved: null, runtime: null };
  const { version, project } = await workspace.current();
  if (source && version && JSON.stringify(project) === JSON.stringify(source.project)) return { version: version.id, resolved: source, runtime };
  let resolved: ResolvedProject | null = source;
  try {
    resolved ??= checkProject(runtime, 'running project');
  } catch {
    resolved = null;
  }
  return { version: null, resolved, runtime };
}

export async function startSupervisor(options: SupervisorOptions): Promise<Supervisor> {
  mkdirSync(options.dataDir, { recursive: true });
  const log = options.logger ?? pino({ level: options.logLevel ?? 'info', base: undefined });
  const project = options.project;
  const settings = project?.settings ?? {};
  const archive = openArchive(options.dataDir, options.archiveMaxBytes ? { maxSizeBytes: options.archiveMaxBytes } : {});
  const bus = new DomainBus();
  const registry = new StationRegistry(archive, bus, {
    autoAccept: options.autoAccept ?? settings.autoAccept ?? false,
    heartbeatIntervalS: settings.heartbeatIntervalS ?? 300,
  });
  const transactions = new TransactionService(archive, bus, registry, { staleTransactionHours: settings.staleTransactionHours ?? 24 });
  const badges = new BadgeList(archive, bus);
  if (project) {
    await registry.declare(project.sites.flatMap((s) => s.stations));
    if (project.badges) await badges.seed(project.badges);
  }
  const frames = new FrameTap((event) => bus.publish(event));
  const central = new CentralSystem({ registry, transactions, badges, archive, publish: (event) => bus.publish(event), frames }, log, options.ocpp);
  central.onCommand = (command) => bus.publish({ type: 'command', command });
  // Notification settings: --notifications FILE, else what the settings screen saved in DATA.
  const notificationsFile = options.notificationsFile ?? join(options.dataDir, 'notifications.json');
  const notificationSettings =
    options.notifications ?? (existsSync(notificationsFile) ? loadNotificationSettings(notificationsFile) : structuredClone(EMPTY_NOTIFICATION_SETTINGS));
  const notifications = new NotificationDelivery(notificationSettings, bus, log, options.alarmTickMs);
  // Alarm rules: edited in the UI (DATA/alarm-rules.json), else the project's, else the defaults.
  const ruleStore = new AlarmRuleStore(options.dataDir);
  const storedRules = ruleStore.load();
  const projectRules = options.alarmRules ?? (options.projectSource ? (effectiveAlarmRules(options.projectSource.resolved) as unknown as AlarmRule[]) : []);
  const ruleOrigin: AlarmRuleOrigin = storedRules ? 'edited' : projectRules.length > 0 ? 'project' : 'defaults';
  const alarms = new AlarmService(archive, bus, (stationId, command, operator) => central.command(stationId, command, operator), log, {
    rules: storedRules?.rules ?? (projectRules.length > 0 ? projectRules : DEFAULT_ALARM_RULES),
    onTransitions: (transitions) => notifications.offer(transitions),
    topology: project ? topologyFromProject(project) : { stations: {}, groups: {} },
    tickMs: options.alarmTickMs,
  });
  const { key: apiKey, generated } = resolveApiKey(options.dataDir, options.apiKey);
  const startedAt = new Date().toISOString();
  let ocppUrl = '';
  const info = (): ServerInfo => ({
    name: 'EV Supervisor',
    version: PRODUCT_VERSION,
    ocppUrl,
    startedAt,
    autoAccept: registry.autoAccept,
    projectName: live.runtime?.name ?? null,
    archive: archive.health(),
  });
  // The control room learns at once when the archive stops storing (and when it stores again).
  archive.onHealthChange((health) => {
    if (health.storing) log.info('the archive stores again');
    else log.error({ reason: health.reason }, 'the archive is not storing: stations get InternalError and retry');
    bus.publish({ type: 'archive', archive: health });
  });
  const accounts = new AccountService(archive);
  const workspace = await ProjectWorkspace.open(join(options.dataDir, 'project'), options.projectSource ?? null);
  // Every client's version list follows a save, applied or not (an applied one also sends projectApplied).
  workspace.onSaved = (version) => bus.publish({ type: 'projectSaved', version: version.id });
  // The first start with sign-in required creates the administrator (password given or generated, printed once).
  let adminPassword: string | null = null;
  if (!accounts.hasAccounts() && (options.loginRequired || options.adminPassword)) {
    adminPassword = options.adminPassword ?? randomBytes(12).toString('base64url');
    await accounts.put('admin', 'administrator', adminPassword);
  }
  // Reservations: the driver's declared departure and energy feed smart charging.
  const reservations = new ReservationBook({
    archive,
    bus,
    station: (stationId) => registry.get(stationId) ?? null,
    badgeStatus: (idTag) => badges.authorize(idTag).status,
    command: (stationId, command, operator) => central.command(stationId, command, operator),
  });
  const profiles = new ProfileLibrary({ file: join(options.dataDir, 'charging-profiles.json'), run: (stationId, command, operator) => central.command(stationId, command, operator) });
  const settingsFile = join(options.dataDir, 'smart-charging.json');
  let smartChargingSettings = loadSmartChargingSettings(settingsFile);
  // A controller (at start or when a live apply brings the first groups) starts with the operator's settings.
  const startSmartCharging = (running: ProjectFile): AllocationController | null => {
    if (options.smartCharging === false || !running.sites.some((s) => s.groups.length > 0)) return null;
    const controllerOptions: ControllerOptions = {
      operatorNeedsStore: operatorNeedsFile(join(options.dataDir, 'session-needs.json'), (message) => log.warn(message)),
      // Badge categories (issue 4): an operator-managed badge's category, as the Badges view set it.
      categoryOfBadge: (idTag) => archive.badge(idTag)?.category ?? null,
      reservationNeedsOf: (transactionId) => reservations.needsOf(transactionId),
      ...options.smartChargingOptions,
      settings: { ...options.smartChargingOptions?.settings, staggeredStart: smartChargingSettings.staggeredStart },
    };
    return new AllocationController(running, registry, transactions, bus, (stationId, command, operator) => central.command(stationId, command, operator), log, controllerOptions);
  };
  let smartCharging = project ? startSmartCharging(project) : null;
  const smartChargingSettingsStore = {
    get: () => structuredClone(smartChargingSettings),
    put: async (next: SmartChargingSettings) => {
      saveSmartChargingSettings(settingsFile, next);
      smartChargingSettings = structuredClone(next);
      if (smartCharging) await smartCharging.setStaggeredStart(next.staggeredStart);
      return structuredClone(next);
    },
  };
  const energy = new EnergyWorker({ file: archive.file, project, stationExists: (id) => registry.get(id) !== undefined });
  const tickets = new DownloadTickets();
  const live = new LiveProject(
    {
      workspace,
      registry,
      smartCharging: () => smartCharging,
      startSmartCharging: (running) => (smartCharging = startSmartCharging(running)),
      configure: async (running) => {
        // --auto-accept on the command line wins over the project's setting.
        registry.configure({ autoAccept: options.autoAccept ?? running.settings?.autoAccept ?? false, heartbeatIntervalS: running.settings?.heartbeatIntervalS ?? 300 });
        transactions.setStaleTransactionHours(running.settings?.staleTransactionHours ?? 24);
        if (running.badges) await badges.seed(running.badges);
        // Services that read the project's sites and groups follow the version that now runs.
        energy.useProject(running);
        await alarms.setTopology(topologyFromProject(running));
      },
      onApplied: (version) => bus.publish({ type: 'projectApplied', version }),
      log,
    },
    await runningProject(workspace, project, options.projectSource?.resolved ?? null),
  );
  const archiveProblem = unavailableArchive(options.projectSource?.resolved ?? null);
  if (archiveProblem) log.warn(archiveProblem);
  const declaredStations = () => live.stationIds();
  const groundPlans = new GroundPlanStore({ workspace, runtime: project, dir: join(options.dataDir, 'ground-plans') });
  const alarmRules = new AlarmRuleEditor(alarms, ruleStore, {
    origin: ruleOrigin,
    savedAt: storedRules?.savedAt ?? null,
    savedBy: storedRules?.savedBy ?? null,
    stationIds: () => [...new Set([...declaredStations(), ...registry.list().map((s) => s.id)])],
    siteIds: project ? project.sites.map((s) => s.id) : [],
  });
  const api = createApi({
    registry,
    archive,
    badges,
    central,
    alarms,
    accounts,
    workspace,
    smartCharging: () => smartCharging,
    live,
    profiles,
    reservations,
    smartChargingSettings: smartChargingSettingsStore,
    info,
    declaredStations,
    energy,
    tickets,
    alarmRules,
    notificationSettings: new NotificationSettingsEditor(notifications, notificationsFile),
    groundPlans,
  });
  const host = await startHost({
    host: options.host,
    port: options.port,
    apiKey,
    api,
    bus,
    registry,
    central,
    frames,
    tickets,
    accounts,
    archive,
    loginRequired: options.loginRequired ?? false,
    log,
    rendererDir: options.rendererDir ?? null,
  });
  ocppUrl = `ws://${host.address}/ocpp`;

  const staleTimer = setInterval(() => {
    transactions.closeStale().catch((error: unknown) => log.error({ err: error }, 'stale transaction check failed'));
  }, options.staleCheckIntervalMs ?? 10 * 60_000);
  staleTimer.unref();
  await transactions.closeStale();

  let demo: { stop(): Promise<void> | void } | null = null;
  if (options.demo && project) {
    const { runDemoSite } = await import('../simulator/index.ts');
    demo = await runDemoSite(project, { baseUrl: ocppUrl });
  }

  let closed = false;
  return {
    url: `http://${host.address}`,
    ocppUrl,
    apiKey,
    apiKeyGenerated: generated,
    createdAdminPassword: options.adminPassword ? null : adminPassword,
    accounts,
    api,
    bus,
    archive,
    registry,
    transactions,
    central,
    frames,
    alarms,
    get smartCharging() {
      return smartCharging;
    },
    live,
    notifications,
    host,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(staleTimer);
      if (demo) await demo.stop();
      alarms.close();
      reservations.close();
      smartCharging?.close();
      notifications.close();
      await central.close();
      await host.close();
      await energy.close();
      await transactions.close();
      registry.close();
      archive.close();
    },
  };
}

export { loadProject };
