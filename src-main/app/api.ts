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
  type ServerInfo,
} from '../../src-shared/api/index.ts';
import type { AlarmService } from '../alarms/index.ts';
import type { BadgeList } from '../auth/index.ts';
import type { Archive } from '../archive/index.ts';
import type { CentralSystem } from '../ocpp/index.ts';
import type { StationRegistry } from '../stations/index.ts';

export interface ApiServices {
  registry: StationRegistry;
  archive: Archive;
  badges: BadgeList;
  central: CentralSystem;
  alarms: AlarmService;
  info: () => ServerInfo;
}

type Handlers = { [K in ApiCommandName]: (request: ApiCommands[K]['request'], operator: string | null) => Promise<ApiCommands[K]['response']> | ApiCommands[K]['response'] };

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
  const { registry, archive, badges, central, alarms } = services;
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
    sendCommand: ({ stationId, command }, operator) => {
      stationOr404(stationId);
      return central.command(stationId, command, operator);
    },
    listCommands: ({ stationId, limit }) => archive.commandsOf(stationId, limit ?? 100),
    listTransactions: (query) => archive.queryTransactions(query),
    listBadges: () => badges.list(),
    putBadge: (badge) => badges.put(badge),
    listAlarms: (query) => alarms.list(query),
    alarmHistory: (query) => alarms.history(query),
    acknowledgeAlarms: ({ alarmIds, comment }, operator) => alarms.acknowledge(alarmIds, operator ?? 'unknown', comment ?? ''),
    shelveAlarms: ({ alarmIds, minutes, reason }, operator) => alarms.shelve(alarmIds, operator ?? 'unknown', reason, minutes * 60_000),
    unshelveAlarms: ({ alarmIds }, operator) => alarms.unshelve(alarmIds, operator ?? 'unknown'),
  };

  return {
    /** Validates and runs one command of the contract. */
    async dispatch<K extends ApiCommandName>(command: K, request: ApiRequest<K>, operator: string | null = null): Promise<ApiResponse<K>> {
      validateRequest(command, request);
      const handler = handlers[command] as (r: ApiRequest<K>, op: string | null) => Promise<ApiResponse<K>> | ApiResponse<K>;
      return handler(request, operator);
    },
  };
}

export type Api = ReturnType<typeof createApi>;
