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
  type ServerInfo,
  READ_COMMANDS,
  mayUse,
} from '../../src-shared/api/index.ts';
import type { AlarmService } from '../alarms/index.ts';
import type { AccountService, BadgeList } from '../auth/index.ts';
import type { AllocationController } from '../allocation/index.ts';
import { ProjectError, maskSecrets, runSelfTest, type ProjectWorkspace, type SelfTestReport } from '../project/index.ts';
import type { Archive } from '../archive/index.ts';
import type { CentralSystem } from '../ocpp/index.ts';
import type { StationRegistry } from '../stations/index.ts';
import type { EnergyWorker } from '../energy/index.ts';

export interface ApiServices {
  registry: StationRegistry;
  archive: Archive;
  badges: BadgeList;
  central: CentralSystem;
  alarms: AlarmService;
  accounts: AccountService;
  workspace: ProjectWorkspace;
  smartCharging: AllocationController | null;
  info: () => ServerInfo;
  /** Ids of the stations the project declares (the self-test's default set). */
  declaredStations: () => string[];
  /** Sites and energy aggregates (overview and energy dashboard). */
  energy: EnergyWorker;
}

/** Who is calling, through which session. */
export interface CallContext {
  principal: Principal | null;
  /** The session token, for logout. */
  token?: string | null;
}

/** In-process callers (tests, the composition root) act as the system administrator. */
export const SYSTEM: CallContext = { principal: { username: 'system', role: 'administrator' } };

type Handlers = { [K in ApiCommandName]: (request: ApiCommands[K]['request'], ctx: CallContext) => Promise<ApiCommands[K]['response']> | ApiCommands[K]['response'] };

/** Requests as written in the audit log: secrets removed. */
function auditDetail(request: unknown): unknown {
  if (typeof request !== 'object' || request === null) return request;
  const { password: _password, ...rest } = request as Record<string, unknown>;
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

export function createApi(services: ApiServices) {
  const { registry, archive, badges, central, alarms, accounts, workspace, smartCharging } = services;
  const controller = () => {
    if (!smartCharging) throw new ApiError('Unavailable', 'Smart charging is off (no electrical groups in the project, or --no-smart-charging)');
    return smartCharging;
  };
  const groupOr404 = (groupId: string) => {
    if (!controller().hasGroup(groupId)) throw new ApiError('NotFound', `No electrical group ${groupId}`);
    return groupId;
  };
  /** Project errors (bad answers, bad rows, missing versions) are the caller's to fix: 400 with the details. */
  const projectCall = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProjectError) throw new ApiError('BadRequest', error.message);
      throw error;
    }
  };
  const who = (ctx: CallContext) => ctx.principal?.username ?? 'unknown';
  const stationOr404 = (stationId: string) => {
    const station = registry.get(stationId);
    if (!station) throw new ApiError('NotFound', `No station ${stationId}`);
    return station;
  };

  const handlers: Handlers = {
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
    listCommands: ({ stationId, limit }) => archive.commandsOf(stationId, limit ?? 100),
    listTransactions: (query) => archive.queryTransactions(query),
    listBadges: () => badges.list(),
    putBadge: (badge) => badges.put(badge),
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
    getProject: async () => maskSecrets(await workspace.current()),
    listProjectVersions: () => workspace.versions(),
    diffProjectVersions: ({ a, b }) => projectCall(() => workspace.diff(a, b)),
    restoreProjectVersion: ({ id }, ctx) => projectCall(() => workspace.restore(id, who(ctx))),
    generateProject: async ({ answers, save }, ctx) => maskSecrets(await projectCall(() => workspace.generate(answers, who(ctx), save ?? false))),
    listGroups: () => (smartCharging ? smartCharging.listGroups() : []),
    getAllocation: () => (smartCharging ? smartCharging.view() : { at: null, result: null, pushes: {}, defaults: {} }),
    setGroupLimit: ({ groupId, maxW, maxAPerPhase }) => {
      const limit: { maxW?: number; maxAPerPhase?: [number, number, number] } = {};
      if (maxW !== undefined) limit.maxW = maxW;
      if (maxAPerPhase !== undefined) limit.maxAPerPhase = maxAPerPhase;
      return controller().setLimit(groupOr404(groupId), limit);
    },
    setGroupMode: ({ groupId, mode }) => controller().setMode(groupOr404(groupId), mode),
    importStations: ({ format, content }, ctx) =>
      projectCall(() => workspace.importStations(format === 'xlsx' ? new Uint8Array(Buffer.from(content, 'base64')) : content, who(ctx))),
    // ---- Overview (hypervision) and energy dashboard ----
    listSites: () => services.energy.listSites(),
    energySummary: (query) => services.energy.summary(query),
    powerSeries: (query) => services.energy.powerSeries(query),
    meterTrend: (query) => services.energy.meterTrend(query),
  };

  const audit = (command: ApiCommandName, request: unknown, ctx: CallContext, ok: boolean, result: string) => {
    const actor = command === 'login' ? String((request as { username?: unknown }).username ?? '?') : who(ctx);
    const stationId = typeof (request as { stationId?: unknown })?.stationId === 'string' ? (request as { stationId: string }).stationId : null;
    return archive.appendAudit({ at: new Date().toISOString(), actor, role: ctx.principal?.role ?? 'none', action: command, stationId, detail: auditDetail(request), ok, result });
  };

  let lastSelfTest: SelfTestReport | null = null;
  handlers.runSelfTest = async ({ stationIds, remoteStartStop, bootTimeoutS }, ctx) => {
    const ids = stationIds ?? services.declaredStations();
    const options: Parameters<typeof runSelfTest>[2] = { bootTimeoutMs: (bootTimeoutS ?? 60) * 1000 };
    if (remoteStartStop) options.remoteStartStop = remoteStartStop;
    lastSelfTest = await runSelfTest(ids, { station: (id) => registry.get(id), command: (id, command) => central.command(id, command, `self-test (${who(ctx)})`) }, options);
    return lastSelfTest;
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
      const audited = !READ_COMMANDS.has(command) && command !== 'logout';
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
