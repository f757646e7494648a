// The implementation of the API contract (src-shared/api) over the running services.
// Both transports (server-mode WebSocket bridge, Electron IPC) call `dispatch`, which
// validates the request against the contract's schema before any service sees it.
import { createAjv, type ValidateFunction } from '../schemas/index.ts';
import {
  ApiError,
  requestSchemas,
  type ApiCommandName,
  type ApiCommands,
  type ApiRequest,
  type ApiResponse,
  type Principal,
  type SelfTestProgress,
  type ServerInfo,
  type SmartChargingSettings,
  READ_COMMANDS,
  UNAUDITED_COMMANDS,
  mayUse,
} from '../../src-shared/api/index.ts';
import { AlarmRuleRejected, DEFAULT_ALARM_RULES, UnknownAlarmRule, type AlarmRuleEditor, type AlarmService } from '../alarms/index.ts';
import { NotificationSettingsRejected, type NotificationSettingsEditor } from './notification-settings.ts';
import type { AccountService, BadgeList, DownloadTickets } from '../auth/index.ts';
import { SessionNotControlledError, type AllocationController, type ProfileLibrary } from '../allocation/index.ts';
import { ProjectError, loadTemplateLibrary, maskSecrets, runSelfTest, selfTestHtml, type GroundPlanStore, type ProjectWorkspace, type SelfTestReport } from '../project/index.ts';
import type { Archive } from '../archive/index.ts';
import type { CentralSystem, FrameWatches } from '../ocpp/index.ts';
import { maskFrameSecrets, maskPayloadSecrets } from '../ocpp/index.ts';
import type { PowerHistory } from '../../src-shared/api/index.ts';
import type { StationRegistry } from '../stations/index.ts';
import type { EnergyWorker } from '../energy/index.ts';
import type { LiveProject } from './live-project.ts';
import type { ReservationBook } from '../reservations/index.ts';
// Template library, project bundle, add EV charging (issue 7)
import { ProjectEditor, type ChargingLibrary } from '../project/index.ts';
import { SymbolStore } from '../project/index.ts';
// Badge categories (issue 4)
import { BadgeCategoryEditor, ProjectSettingsEditor } from '../project/index.ts';

export interface ApiServices {
  registry: StationRegistry;
  archive: Archive;
  badges: BadgeList;
  central: CentralSystem;
  alarms: AlarmService;
  accounts: AccountService;
  workspace: ProjectWorkspace;
  /** The charging-profile library (works with or without the allocation controller). */
  profiles: ProfileLibrary;
  /** Smart-charging settings the operator may change, kept across restarts. */
  smartChargingSettings: { get(): SmartChargingSettings; put(settings: SmartChargingSettings): Promise<SmartChargingSettings> };
  /** The smart-charging controller now (a live apply may start it). */
  smartCharging: () => AllocationController | null;
  /** The project the supervisor runs, and its live apply. */
  live: LiveProject;
  info: () => ServerInfo;
  /** One-time tickets for streamed downloads from the UI (transactions export). */
  tickets: DownloadTickets;
  /** Ids of the stations the project declares (the self-test's default set). */
  declaredStations: () => string[];
  /** Sites and energy aggregates (overview and energy dashboard). */
  energy: EnergyWorker;
  /** Alarm rule editor and notification settings (issue 5). */
  alarmRules: AlarmRuleEditor;
  notificationSettings: NotificationSettingsEditor;
  /** Ground plans per park (issue 3). */
  groundPlans: GroundPlanStore;
  /** Reservations (R-6.3.1). */
  reservations: ReservationBook;
}

/** Who is calling, through which session. */
export interface CallContext {
  principal: Principal | null;
  /** The session token, for logout. */
  token?: string | null;
  /** The stations whose live OCPP frames this connection receives (bridge connections only). */
  frames?: FrameWatches;
}

/** In-process callers (tests, the composition root) act as the system administrator. */
export const SYSTEM: CallContext = { principal: { username: 'system', role: 'administrator' } };

type Handlers = { [K in ApiCommandName]: (request: ApiCommands[K]['request'], ctx: CallContext) => Promise<ApiCommands[K]['response']> | ApiCommands[K]['response'] };

/**
 * Requests as written in the audit log: secrets removed at any depth (account and SMTP
 * passwords), uploaded files (station lists) as their size.
 */
function auditDetail(request: unknown): unknown {
  if (Array.isArray(request)) return request.map(auditDetail);
  if (typeof request !== 'object' || request === null) return request;
  const rest = Object.fromEntries(
    Object.entries(request as Record<string, unknown>)
      .filter(([key]) => key !== 'password')
      .map(([key, value]) => (key === 'content' && typeof value === 'string' ? ['contentChars', value.length] : [key, auditDetail(value)])),
  );
  // A ground plan's background image is kept by its size, not its bytes.
  const background = rest.background as { contentType?: unknown; data?: unknown } | null | undefined;
  if (background && typeof background.data === 'string') rest.background = { contentType: background.contentType, bytes: Buffer.byteLength(background.data, 'base64') };
  return rest;
}

function auditResult(response: unknown): string {
  if (typeof response !== 'object' || response === null) return 'ok';
  const r = response as { outcome?: unknown; status?: unknown; accepted?: unknown[]; refused?: unknown[] };
  if (typeof r.outcome === 'string') return `${r.outcome}${typeof r.status === 'string' ? ` (${r.status})` : ''}`;
  if (Array.isArray(r.accepted)) return `accepted ${r.accepted.length}, refused ${r.refused?.length ?? 0}`;
  return 'ok';
}

const ajv = createAjv();
const validators = Object.fromEntries(
  Object.entries(requestSchemas).map(([name, schema]) => [name, ajv.compile(schema)]),
) as Record<ApiCommandName, ValidateFunction>;

export function isApiCommand(name: string): name is ApiCommandName {
  return Object.hasOwn(requestSchemas, name);
}

/** Throws ApiError(BadRequest) naming the first problem when `request` does not match the contract. */
export function validateRequest(command: ApiCommandName, request: unknown): void {
  const validate = validators[command];
  if (!validate(request)) {
    const e = validate.errors?.[0];
    throw new ApiError('BadRequest', `${command}: ${e ? `${e.instancePath || 'request'} ${e.message ?? 'is invalid'}` : 'invalid request'}`);
  }
}

/** Purpose of the download tickets the transactions export redeems. */
export const TRANSACTIONS_EXPORT = 'transactions-export';

const MAX_POWER_HISTORY_MS = 31 * 24 * 3_600_000;

/** Power per connector over [fromMs, toMs), averaged in SQL into at most `maxPoints` buckets. */
export function powerHistory(archive: Archive, stationId: string, fromMs: number, toMs: number, maxPoints: number): PowerHistory {
  // Whole seconds, so bucket edges are stable from one refresh to the next.
  const bucketMs = Math.max(1000, Math.ceil((toMs - fromMs) / maxPoints / 1000) * 1000);
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  const series = new Map<string, PowerHistory['series'][number]>();
  for (const row of archive.powerHistory(stationId, from, to, bucketMs)) {
    const key = `${row.evseId}/${row.connectorId}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { evseId: row.evseId, connectorId: row.connectorId, points: [] }));
    s.points.push([row.t, Math.round(row.w)]);
  }
  return { from, to, bucketMs, series: [...series.values()] };
}

export function createApi(services: ApiServices) {
  const { registry, archive, badges, central, alarms, accounts, workspace, profiles, live } = services;
  const controller = () => {
    const smartCharging = services.smartCharging();
    if (!smartCharging) throw new ApiError('Unavailable', 'Smart charging is off (no electrical groups in the project, or --no-smart-charging)');
    return smartCharging;
  };
  const groupOr404 = (groupId: string) => {
    if (!controller().hasGroup(groupId)) throw new ApiError('NotFound', `No electrical group ${groupId}`);
    return groupId;
  };
  /**
   * Project errors (bad answers, bad rows, missing versions) are the caller's to fix: 400 with the
   * details. The services' own refusals (ApiError subclasses: GroundPlanError, SymbolError,
   * TemplateEditError, BadgeCategoryError, ProfileLibraryError) carry their code and pass as they are.
   */
  const projectCall = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProjectError) throw new ApiError('BadRequest', error.message);
      throw error;
    }
  };
  const who = (ctx: CallContext) => ctx.principal?.username ?? 'unknown';
  // ---- Ground-plan symbol library (issue 7): saved as project versions, applied live ----
  const symbols = new SymbolStore({ workspace, runtime: () => live.runtime, live: { get version() { return live.version; }, apply: (id) => live.apply(id) } });
  /** Refused rules and settings are the caller's to fix: 400 naming every problem; unknown rules 404. */
  const editorCall = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AlarmRuleRejected || error instanceof NotificationSettingsRejected) throw new ApiError('BadRequest', error.message);
      if (error instanceof UnknownAlarmRule) throw new ApiError('NotFound', error.message);
      throw error;
    }
  };
  const stationOr404 = (stationId: string) => {
    const station = registry.get(stationId);
    if (!station) throw new ApiError('NotFound', `No station ${stationId}`);
    return station;
  };

  // Template library, project bundle, add EV charging (issue 7)
  const editor = new ProjectEditor(workspace);
  /** The EV-charging library "add EV charging" merges: the shipped templates and the default alarm rules. */
  const chargingLibrary = (): ChargingLibrary => ({ templates: loadTemplateLibrary(), alarmRules: structuredClone(DEFAULT_ALARM_RULES) as unknown as ChargingLibrary['alarmRules'] });

  // ---- Badge categories (issue 4): edits are project versions, applied live like templates ----
  const categoryEditor = new BadgeCategoryEditor(workspace, () => badges.list(), () => live.runtime);
  /** A library profile is meant for one of the running project's badge categories, or none: the message when not. */
  const unknownProfileCategory = (category: string | undefined): string | null => {
    if (category === undefined) return null;
    const known = categoryEditor.runningIds();
    return known.includes(category) ? null : `"${category}" is not a badge category of the project (${known.length > 0 ? `choose one of: ${known.join(', ')}` : 'it has none yet: create them under Project → Badge categories'}, or none)`;
  };
  /** An operator badge joins one of the running project's categories, or none; an unknown one is refused with the choices. */
  const putBadgeInCategory = (badge: ApiCommands['putBadge']['request']) => {
    if (typeof badge.category === 'string') {
      const known = categoryEditor.runningIds();
      if (!known.includes(badge.category)) {
        throw new ApiError('BadRequest', `"${badge.category}" is not a badge category of the project (${known.length > 0 ? `choose one of: ${known.join(', ')}` : 'it has none yet: create them under Project → Badge categories'}, or none); nothing was saved`);
      }
    }
    return badges.put(badge);
  };
  const categoryHandlers: Pick<Handlers, 'listBadgeCategories' | 'checkBadgeCategory' | 'putBadgeCategory' | 'deleteBadgeCategory'> = {
    listBadgeCategories: () => projectCall(() => categoryEditor.list()),
    checkBadgeCategory: ({ category, create }) => projectCall(async () => ({ problems: await categoryEditor.check(category, create) })),
    putBadgeCategory: ({ category, create, baseVersion }, ctx) =>
      projectCall(async () => {
        const version = await categoryEditor.put(category, who(ctx), { create, baseVersion });
        return { version, applied: await live.apply(version.id) };
      }),
    deleteBadgeCategory: ({ categoryId, baseVersion }, ctx) =>
      projectCall(async () => {
        const version = await categoryEditor.remove(categoryId, who(ctx), baseVersion);
        return { version, applied: await live.apply(version.id) };
      }),
  };

  // ---- Project settings: a new project version, applied live ----
  const settingsEditor = new ProjectSettingsEditor(workspace, () => live.runtime);
  const settingsHandlers: Pick<Handlers, 'getProjectSettings' | 'putProjectSettings'> = {
    getProjectSettings: () => projectCall(() => settingsEditor.get()),
    putProjectSettings: ({ settings, baseVersion }, ctx) =>
      projectCall(async () => {
        const version = await settingsEditor.put(settings, who(ctx), baseVersion);
        return { version, applied: await live.apply(version.id) };
      }),
  };

  const handlers: Handlers = {
    ...categoryHandlers,
    ...settingsHandlers,
    getServerInfo: () => services.info(),
    listStations: () => registry.list(),
    getStation: ({ stationId }) => structuredClone(stationOr404(stationId)),
    acceptStation: async ({ stationId }) => {
      stationOr404(stationId);
      const station = await registry.setRegistration(stationId, 'accepted');
      return structuredClone(station ?? stationOr404(stationId));
    },
    rejectStation: async ({ stationId }) => {
      stationOr404(stationId);
      const station = await registry.setRegistration(stationId, 'rejected');
      return structuredClone(station ?? stationOr404(stationId));
    },
    sendCommand: ({ stationId, command }, ctx) => {
      stationOr404(stationId);
      return central.command(stationId, command, ctx.principal?.username ?? null);
    },
    // Secrets (AuthorizationKey, BasicAuthPassword) never leave in what every role may read.
    listCommands: ({ stationId, limit }) => archive.commandsOf(stationId, limit ?? 100).map((c) => ({ ...c, request: maskPayloadSecrets(c.request), response: maskPayloadSecrets(c.response) })),
    listTransactions: (query) => archive.queryTransactions(query),
    listBadges: () => badges.list(),
    putBadge: (badge) => putBadgeInCategory(badge),
    listAlarms: (query) => alarms.list(query),
    alarmHistory: (query) => alarms.history(query),
    acknowledgeAlarms: ({ alarmIds, comment }, ctx) => alarms.acknowledge(alarmIds, who(ctx), comment ?? ''),
    shelveAlarms: ({ alarmIds, minutes, reason }, ctx) => alarms.shelve(alarmIds, who(ctx), reason, minutes * 60_000),
    unshelveAlarms: ({ alarmIds }, ctx) => alarms.unshelve(alarmIds, who(ctx)),
    login: ({ username, password }) => accounts.login(username, password),
    logout: (_request, ctx) => {
      if (ctx.token) accounts.logout(ctx.token);
      return { ok: true };
    },
    whoAmI: (_request, ctx) => ctx.principal,
    listAudit: (query) => archive.audit(query),
    listAccounts: () => accounts.list(),
    putAccount: ({ username, role, password, disabled }) => accounts.put(username, role, password, disabled ?? false),
    // Set below, where the last report is kept.
    runSelfTest: () => Promise.reject(new ApiError('Internal', 'self-test not wired')),
    getProject: async () => maskSecrets({ ...(await workspace.current()), running: live.version }),
    listProjectVersions: () => workspace.versions(),
    diffProjectVersions: ({ a, b }) => projectCall(() => workspace.diff(a, b)),
    restoreProjectVersion: ({ id }, ctx) => projectCall(() => workspace.restore(id, who(ctx))),
    generateProject: async ({ answers, save }, ctx) => {
      const generated = await projectCall(() => workspace.generate(answers, who(ctx), save ?? false));
      // A saved project runs at once (live apply).
      const applied = generated.version ? await projectCall(() => live.apply(generated.version?.id)) : null;
      return maskSecrets({ ...generated, applied });
    },
    listGroups: () => services.smartCharging()?.listGroups() ?? [],
    getAllocation: () => services.smartCharging()?.view() ?? { at: null, result: null, pushes: {}, defaults: {}, needs: {} },
    setGroupLimit: ({ groupId, maxW, maxAPerPhase }) => {
      const limit: { maxW?: number; maxAPerPhase?: [number, number, number] } = {};
      if (maxW !== undefined) limit.maxW = maxW;
      if (maxAPerPhase !== undefined) limit.maxAPerPhase = maxAPerPhase;
      return controller().setLimit(groupOr404(groupId), limit);
    },
    setGroupMode: ({ groupId, mode }) => controller().setMode(groupOr404(groupId), mode),
    // --- Smart charging: operator setpoints, what-if, staggered start, profile library (issue 4) ---
    setSessionSetpoint: async ({ transactionId, value, unit }) => {
      const c = controller();
      const tx = archive.transactionById(transactionId);
      if (!tx) throw new ApiError('NotFound', `No transaction ${transactionId}`);
      if (tx.stoppedAt !== null) throw new ApiError('Conflict', `Transaction ${transactionId} has ended`);
      if (value !== null && unit === undefined) throw new ApiError('BadRequest', 'setSessionSetpoint: give the unit (A or W) with the value');
      try {
        const manual = await c.setManual(transactionId, value === null ? null : { value, unit: unit as 'A' | 'W' });
        return { transactionId, manual };
      } catch (error) {
        throw new ApiError('Conflict', error instanceof Error ? error.message : String(error));
      }
    },
    setSessionNeeds: async ({ transactionId, departureAt, energyWh }, ctx) => {
      const c = controller();
      const tx = archive.transactionById(transactionId);
      if (!tx) throw new ApiError('NotFound', `No transaction ${transactionId}`);
      if (tx.stoppedAt !== null) throw new ApiError('Conflict', `Transaction ${transactionId} has ended`);
      if (departureAt !== null) {
        const at = Date.parse(departureAt);
        // A departure already past or more than a week ahead is a typing mistake, not a plan.
        if (at < Date.now() - 60_000) throw new ApiError('BadRequest', `setSessionNeeds: the departure ${departureAt} is in the past`);
        if (at > Date.now() + 7 * 86_400_000) throw new ApiError('BadRequest', `setSessionNeeds: the departure ${departureAt} is more than 7 days ahead`);
      }
      try {
        const operator = await c.setOperatorNeeds(transactionId, { departureAt, energyWh }, who(ctx));
        return { transactionId, operator };
      } catch (error) {
        if (error instanceof SessionNotControlledError) throw new ApiError('Conflict', error.message);
        // Not stored (data folder full or read-only): not applied either.
        throw new ApiError('Unavailable', `The session needs could not be stored in the data folder (${error instanceof Error ? error.message : String(error)}); nothing changed`);
      }
    },
    previewAllocation: ({ limits = [], modes = [] }) => {
      const c = controller();
      for (const l of limits) groupOr404(l.groupId);
      for (const m of modes) groupOr404(m.groupId);
      const limitMap = new Map(
        limits.map((l) => {
          const limit: { maxW?: number; maxAPerPhase?: [number, number, number] } = {};
          if (l.maxW !== undefined) limit.maxW = l.maxW;
          if (l.maxAPerPhase !== undefined) limit.maxAPerPhase = l.maxAPerPhase;
          return [l.groupId, limit] as const;
        }),
      );
      return c.preview(limitMap, new Map(modes.map((m) => [m.groupId, m.mode] as const)));
    },
    getSmartChargingSettings: () => services.smartChargingSettings.get(),
    putSmartChargingSettings: (settings) => {
      const st = settings.staggeredStart;
      if (st.spacingS !== undefined && st.spacingS > st.windowS) throw new ApiError('BadRequest', `staggeredStart.spacingS (${st.spacingS} s) must not exceed windowS (${st.windowS} s)`);
      return services.smartChargingSettings.put(settings);
    },
    listChargingProfiles: () => profiles.list(),
    validateChargingProfile: ({ profile, targets }) => {
      const validation = profiles.validate(profile, targets ?? []);
      const unknown = unknownProfileCategory(profile.category);
      return unknown ? { ...validation, errors: [...validation.errors, { path: 'category', message: unknown }] } : validation;
    },
    putChargingProfile: (profile) => {
      const unknown = unknownProfileCategory(profile.category);
      if (unknown) throw new ApiError('BadRequest', `category: ${unknown}; nothing was saved`);
      return profiles.put(profile);
    },
    deleteChargingProfile: async ({ id, clearFromStations }, ctx) => ({ id, cleared: await profiles.remove(id, clearFromStations ?? false, who(ctx)) }),
    uploadChargingProfile: ({ id, targets, force }, ctx) => {
      for (const t of targets) stationOr404(t.stationId);
      return profiles.upload(id, targets, force ?? false, who(ctx));
    },
    // ---- Overview (hypervision) and energy dashboard ----
    listSites: () => services.energy.listSites(),
    energySummary: (query) => services.energy.summary(query),
    powerSeries: (query) => services.energy.powerSeries(query),
    meterTrend: (query) => services.energy.meterTrend(query),
    // ---- station page (issue 3) ----
    stationPowerHistory: ({ stationId, from, to, maxPoints }) => {
      stationOr404(stationId);
      const toMs = to === undefined ? Date.now() : Date.parse(to);
      const fromMs = from === undefined ? toMs - 3_600_000 : Date.parse(from);
      if (!(fromMs < toMs)) throw new ApiError('BadRequest', 'stationPowerHistory: "from" must be before "to"');
      if (toMs - fromMs > MAX_POWER_HISTORY_MS) throw new ApiError('BadRequest', 'stationPowerHistory: ask for at most 31 days at once');
      return powerHistory(archive, stationId, fromMs, toMs, maxPoints ?? 360);
    },
    stationFrames: ({ stationId, limit, beforeId }) => {
      stationOr404(stationId);
      return archive.stationFrames(stationId, limit ?? 200, beforeId).map((f) => ({ ...f, frame: maskFrameSecrets(f.frame), stationId }));
    },
    watchStationFrames: ({ stationId, watch }, ctx) => {
      if (!ctx.frames) throw new ApiError('Unavailable', 'Live OCPP frames are streamed over the UI connection only (WebSocket or Electron), not over REST');
      if (!watch) {
        ctx.frames.remove(stationId);
        return { watching: ctx.frames.list() };
      }
      stationOr404(stationId);
      if (!ctx.frames.add(stationId)) throw new ApiError('Conflict', `This connection already watches ${ctx.frames.limit} stations: stop watching one first`);
      return { watching: ctx.frames.list() };
    },
    transactionsExportTicket: (_request, ctx) => {
      if (!ctx.principal) throw new ApiError('Forbidden', 'Sign in first');
      return services.tickets.issue(ctx.principal, TRANSACTIONS_EXPORT);
    },
    // ---- Alarm rule editor and notification settings (issue 5)
    listAlarmRules: () => services.alarmRules.list(),
    putAlarmRule: ({ rule, replaces }, ctx) => editorCall(() => services.alarmRules.put(rule, who(ctx), replaces)),
    deleteAlarmRule: ({ ruleId }, ctx) => editorCall(() => services.alarmRules.delete(ruleId, who(ctx))),
    validateAlarmRule: ({ rule, replaces }) => ({ problems: services.alarmRules.validate(rule, replaces) }),
    getNotificationSettings: () => services.notificationSettings.get(),
    putNotificationSettings: ({ settings }) => editorCall(() => services.notificationSettings.put(settings)),
    testNotification: ({ channel, to }) => {
      if (channel !== 'push' && to.trim() === '') throw new ApiError('BadRequest', `testNotification: to is required for ${channel === 'email' ? 'an e-mail address' : 'a phone number'}`);
      return services.notificationSettings.test(channel, to.trim());
    },
    importStations: ({ format, content, skipBadRows }, ctx) =>
      projectCall(() => workspace.importStations(format === 'xlsx' ? new Uint8Array(Buffer.from(content, 'base64')) : content, who(ctx), { skipBadRows: skipBadRows ?? false })),
    // ---- Project screen (issue 7) ----
    previewProjectApply: ({ versionId }) => projectCall(() => live.preview(versionId)),
    applyProject: ({ versionId }) => projectCall(() => live.apply(versionId)),
    checkStationImport: ({ format, content }) => projectCall(() => workspace.checkImport(format === 'xlsx' ? new Uint8Array(Buffer.from(content, 'base64')) : content)),
    getSelfTestProgress: () => ({ ...selfTestProgress }),
    listStationTemplates: () => loadTemplateLibrary(),
    getSelfTestReportHtml: () => {
      if (!lastSelfTest) throw new ApiError('NotFound', 'No self-test has run yet: run one first');
      return { html: selfTestHtml(lastSelfTest, services.info().projectName ?? 'project') };
    },
    // --- Ground plans per park: positions from the project, edit mode, backgrounds (issue 3) ---
    listGroundPlans: () => projectCall(() => services.groundPlans.list()),
    getGroundPlanBackground: ({ parkId }) =>
      projectCall(async () => {
        const { bytes: _bytes, ...background } = await services.groundPlans.background(parkId);
        return background;
      }),
    saveGroundPlan: (request, ctx) => projectCall(() => projectCall(() => services.groundPlans.save(request, who(ctx)))),
    // ---- Template library, project bundle, add EV charging (issue 7) ----
    // A saved template or merged library is a new version, applied to the running supervisor at once.
    listProjectTemplates: () => projectCall(() => editor.templates()),
    checkTemplate: ({ template, create }) => projectCall(() => editor.checkTemplate(template, create ?? false)),
    saveTemplate: ({ template, create, baseVersion }, ctx) =>
      projectCall(async () => {
        const { version, changes } = await editor.saveTemplate(template, create ?? false, who(ctx), baseVersion);
        return { version, changes, applied: await live.apply(version.id) };
      }),
    deleteTemplate: ({ templateId, baseVersion }, ctx) =>
      projectCall(async () => {
        const { version } = await editor.deleteTemplate(templateId, who(ctx), baseVersion);
        return { version, applied: await live.apply(version.id) };
      }),
    exportProjectBundle: () => projectCall(() => editor.exportBundle()),
    importProjectBundle: ({ content, fileName }, ctx) => projectCall(() => editor.importBundle(content, who(ctx), fileName ?? 'bundle')),
    previewAddCharging: (request) => projectCall(() => editor.previewAddCharging(chargingLibrary(), request)),
    addCharging: (request, ctx) =>
      projectCall(async () => {
        const { report, version } = await editor.addCharging(chargingLibrary(), who(ctx), request);
        return { report, version, applied: version ? await live.apply(version.id) : null };
      }),
    // ---- Reservations (R-6.3.1) ----
    listReservations: (query) => services.reservations.list(query),
    // The book refuses an unknown station (404) itself.
    createReservation: (request, ctx) => services.reservations.reserve(request, who(ctx)),
    cancelReservation: ({ reservationId }, ctx) => services.reservations.cancel(reservationId, who(ctx)),
    // ---- Ground-plan symbol library (issue 7) ----
    listSymbols: () => projectCall(() => symbols.list()),
    putSymbol: ({ symbol, baseVersion }, ctx) => projectCall(() => symbols.put(symbol, who(ctx), baseVersion)),
    deleteSymbol: ({ id, baseVersion }, ctx) => projectCall(() => symbols.delete(id, who(ctx), baseVersion)),
  };

  let lastSelfTest: SelfTestReport | null = null;
  let selfTestProgress: SelfTestProgress = { running: false, total: 0, done: 0, passed: 0, failed: 0 };

  const audit = (command: ApiCommandName, request: unknown, ctx: CallContext, ok: boolean, result: string) => {
    const actor = command === 'login' ? String((request as { username?: unknown }).username ?? '?') : who(ctx);
    const stationId = typeof (request as { stationId?: unknown })?.stationId === 'string' ? (request as { stationId: string }).stationId : null;
    return archive.appendAudit({ at: new Date().toISOString(), actor, role: ctx.principal?.role ?? 'none', action: command, stationId, detail: auditDetail(request), ok, result });
  };

  handlers.runSelfTest = async ({ stationIds, remoteStartStop, bootTimeoutS }, ctx) => {
    if (selfTestProgress.running) throw new ApiError('Conflict', 'A self-test is already running: wait for it to end');
    const ids = stationIds ?? services.declaredStations();
    selfTestProgress = { running: true, total: ids.length, done: 0, passed: 0, failed: 0 };
    const options: Parameters<typeof runSelfTest>[2] = {
      bootTimeoutMs: (bootTimeoutS ?? 60) * 1000,
      onStation: (result) => {
        selfTestProgress.done++;
        if (result.ok) selfTestProgress.passed++;
        else selfTestProgress.failed++;
      },
    };
    if (remoteStartStop) options.remoteStartStop = remoteStartStop;
    try {
      lastSelfTest = await runSelfTest(ids, { station: (id) => registry.get(id), command: (id, command) => central.command(id, command, `self-test (${who(ctx)})`) }, options);
      return lastSelfTest;
    } finally {
      selfTestProgress.running = false;
    }
  };

  return {
    /** The last self-test report (for its HTML export). */
    lastSelfTest: () => lastSelfTest,
    /**
     * Validates, authorises and runs one command of the contract. Every command that changes
     * something is written to the audit log with its result (refusals included).
     */
    async dispatch<K extends ApiCommandName>(command: K, request: ApiRequest<K>, ctx: CallContext = SYSTEM): Promise<ApiResponse<K>> {
      validateRequest(command, request);
      const audited = !READ_COMMANDS.has(command) && !UNAUDITED_COMMANDS.has(command) && command !== 'logout';
      if (ctx.principal === null ? command !== 'getServerInfo' && command !== 'login' && command !== 'logout' : !mayUse(ctx.principal.role, command, request)) {
        const error = new ApiError('Forbidden', ctx.principal === null ? 'Sign in first' : `The ${ctx.principal.role} role may not use ${command}`);
        if (audited) await audit(command, request, ctx, false, error.message);
        throw error;
      }
      const handler = handlers[command] as (r: ApiRequest<K>, c: CallContext) => Promise<ApiResponse<K>> | ApiResponse<K>;
      if (!audited) return handler(request, ctx);
      try {
        const response = await handler(request, ctx);
        await audit(command, request, ctx, true, auditResult(response));
        return response;
      } catch (error) {
        await audit(command, request, ctx, false, error instanceof Error ? error.message : String(error));
        throw error;
      }
    },
  };
}

export type Api = ReturnType<typeof createApi>;
