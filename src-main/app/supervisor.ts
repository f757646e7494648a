// Composition root: opens the archive, builds and wires the services, starts the server
// and (optionally) the demo site, and stops them in reverse order. Used by both shells.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { ServerInfo } from '../../src-shared/api/index.ts';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import { openArchive, type Archive } from '../archive/index.ts';
import { AlarmService, DEFAULT_ALARM_RULES, NotificationDelivery, topologyFromProject, type AlarmRule, type NotificationSettings } from '../alarms/index.ts';
import { AccountService, BadgeList } from '../auth/index.ts';
import { ProjectWorkspace } from '../project/index.ts';
import { AllocationController, type ControllerOptions } from '../allocation/index.ts';
import type { ResolvedProject } from '../../src-shared/project/index.ts';
import { DomainBus } from '../bus/index.ts';
import { CentralSystem, type CentralSystemOptions } from '../ocpp/index.ts';
import { StationRegistry } from '../stations/index.ts';
import { TransactionService } from '../transactions/index.ts';
import { startHost, type Host } from '../host/index.ts';
import { EnergyWorker } from '../energy/index.ts';
import { createApi, type Api } from './api.ts';
import { loadProject } from './project.ts';

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
  alarms: AlarmService;
  smartCharging: AllocationController | null;
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
  const central = new CentralSystem({ registry, transactions, badges, archive, publish: (event) => bus.publish(event) }, log, options.ocpp);
  central.onCommand = (command) => bus.publish({ type: 'command', command });
  const notifications = options.notifications ? new NotificationDelivery(options.notifications, bus, log, options.alarmTickMs) : null;
  const alarms = new AlarmService(archive, bus, (stationId, command, operator) => central.command(stationId, command, operator), log, {
    rules: options.alarmRules ?? DEFAULT_ALARM_RULES,
    onTransitions: notifications ? (transitions) => notifications.offer(transitions) : undefined,
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
    projectName: project?.name ?? null,
  });
  const accounts = new AccountService(archive);
  const workspace = await ProjectWorkspace.open(join(options.dataDir, 'project'), options.projectSource ?? null);
  // The first start with sign-in required creates the administrator (password given or generated, printed once).
  let adminPassword: string | null = null;
  if (!accounts.hasAccounts() && (options.loginRequired || options.adminPassword)) {
    adminPassword = options.adminPassword ?? randomBytes(12).toString('base64url');
    await accounts.put('admin', 'administrator', adminPassword);
  }
  const smartCharging =
    project && options.smartCharging !== false && project.sites.some((s) => s.groups.length > 0)
      ? new AllocationController(project, registry, transactions, bus, (stationId, command, operator) => central.command(stationId, command, operator), log, options.smartChargingOptions)
      : null;
  const declaredStations = () => (project ? project.sites.flatMap((s) => s.stations.map((st) => st.id)) : []);
  const energy = new EnergyWorker({ file: archive.file, project, stationExists: (id) => registry.get(id) !== undefined });
  const api = createApi({ registry, archive, badges, central, alarms, accounts, workspace, smartCharging, info, declaredStations, energy });
  const host = await startHost({
    host: options.host,
    port: options.port,
    apiKey,
    api,
    bus,
    registry,
    central,
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
    alarms,
    smartCharging,
    notifications,
    host,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(staleTimer);
      if (demo) await demo.stop();
      alarms.close();
      smartCharging?.close();
      notifications?.close();
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
