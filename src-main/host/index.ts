// Server mode: one HTTP server carrying the OCPP endpoint (/ocpp/<id>), the public REST API
// (/api/v1, OpenAPI at /api/v1/openapi.json), the server-sent event stream, the WebSocket
// bridge of the UI contract (/api/ws) and the built renderer (/).
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import { WebSocketServer, type WebSocket } from 'ws';
import { createAjv } from '../schemas/index.ts';
import type { Logger } from 'pino';
import {
  ApiError,
  GROUND_PLAN_BACKGROUND_MAX_BYTES,
  GROUND_PLAN_BACKGROUND_TYPES,
  atLeast,
  badgeSchema,
  energySummaryQuerySchema,
  meterTrendQuerySchema,
  powerSeriesQuerySchema,
  requestSchemas,
  transactionQuerySchema,
  type AddChargingRequest,
  type ApiCommandName,
  type ClientMessage,
  type GroundPlanBackgroundType,
  type Principal,
  type Role,
  type ServerMessage,
  type SessionInfo,
} from '../../src-shared/api/index.ts';
import type { DomainEvent, StationState } from '../../src-shared/domain/index.ts';
import type { Api, CallContext } from '../app/api.ts';
import type { AccountService, DownloadTickets } from '../auth/index.ts';
import { exportTransactions, type Archive } from '../archive/index.ts';
import { TRANSACTIONS_EXPORT, isApiCommand } from '../app/api.ts';
import type { DomainBus } from '../bus/index.ts';
import { CallTimeoutError, FrameWatches, RpcError, StationCallError, StationOfflineError, type CentralSystem, type FrameTap } from '../ocpp/index.ts';
import type { StationRegistry } from '../stations/index.ts';

export interface HostOptions {
  accounts: AccountService;
  /** One-time tickets the UI puts in a download URL (transactions export). */
  tickets: DownloadTickets;
  archive: Archive;
  /** UI sessions must sign in (otherwise a loopback UI acts as the local operator). */
  loginRequired: boolean;
  host: string;
  port: number;
  apiKey: string;
  api: Api;
  bus: DomainBus;
  registry: StationRegistry;
  central: CentralSystem;
  /** Live OCPP frames for the clients that watch a station (station page log). */
  frames: FrameTap;
  log: Logger;
  rendererDir: string | null;
}

export interface Host {
  /** host:port actually bound. */
  address: string;
  port: number;
  close(): Promise<void>;
}

/** The API key's holder: integrators and our own acceptance checks. */
const API_PRINCIPAL: Principal = { username: 'api', role: 'administrator' };
/** The workstation user on loopback while sign-in is not required. */
const LOCAL_OPERATOR: Principal = { username: 'operator', role: 'administrator' };
const auditQuerySchema = { ...(requestSchemas.listAudit as object), properties: { ...((requestSchemas.listAudit as { properties: object }).properties), key: { type: 'string' } } };

const HTTP_STATUS: Record<ApiError['code'], number> = {
  BadRequest: 400,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  Unavailable: 503,
  Internal: 500,
};

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

const stationParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 48 } } };
const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } };

export async function startHost(options: HostOptions): Promise<Host> {
  const { api, bus, registry, central, log } = options;
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  // Query strings and path parameters are text and need coercion; JSON bodies are taken as
  // sent, so a wrong type is an error rather than silently converted.
  const coercing = createAjv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false });
  const exact = createAjv({ coerceTypes: false, removeAdditional: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? exact : coercing).compile(schema));

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'EV Supervisor REST API', version: '1.0.0', description: 'Stations, transactions, badges and commands of the EV Supervisor central system.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  // REST callers authenticate with the API key (administrator) or a session token from
  // POST /api/v1/login (the account's role). The context travels with the request.
  const contexts = new WeakMap<FastifyRequest, CallContext>();
  const contextOf = (request: FastifyRequest): CallContext => contexts.get(request) ?? { principal: null };
  const authenticate = (request: FastifyRequest): CallContext | null => {
    const header = request.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
    const query = request.query as { key?: unknown; ticket?: unknown } | undefined;
    // A one-time ticket from the UI opens the export download (and nothing else).
    if (typeof query?.ticket === 'string' && bearer === null && (request.url.split('?')[0] ?? '') === '/api/v1/transactions/export') {
      const principal = options.tickets.redeem(query.ticket, TRANSACTIONS_EXPORT);
      return principal ? { principal } : null;
    }
    const key = query?.key;
    const given = bearer ?? (typeof key === 'string' ? key : null);
    if (given === null) return null;
    if (sameKey(given, options.apiKey)) return { principal: API_PRINCIPAL };
    const principal = options.accounts.resume(given);
    return principal ? { principal, token: given } : null;
  };

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/v1/') || path === '/api/v1/health' || path === '/api/v1/openapi.json' || path === '/api/v1/login') return;
    const ctx = authenticate(request);
    if (!ctx) {
      await reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'Unauthorized', message: 'Missing or wrong API key or session: send Authorization: Bearer <key or session token>' });
      return;
    }
    contexts.set(request, ctx);
  });

  app.setErrorHandler((error: Error & { validation?: unknown; statusCode?: number }, _request, reply) => {
    if (error instanceof ApiError) return reply.code(HTTP_STATUS[error.code]).send({ error: error.code, message: error.message });
    if (error.validation) return reply.code(400).send({ error: 'BadRequest', message: error.message });
    if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send({ error: 'BadRequest', message: error.message });
    log.error({ err: error }, 'REST request failed');
    return reply.code(500).send({ error: 'Internal', message: 'Internal error' });
  });

  // Event-loop delay is the first sign of an overloaded process; health reports it.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  app.get<{ Querystring: { reset?: string } }>('/api/v1/health', { schema: { hide: true } }, async (request) => {
    const archiveHealth = options.archive.health();
    const body = {
      // degraded: the archive refuses writes (stations get InternalError and retry): monitoring should alert.
      status: archiveHealth.storing ? 'ok' : 'degraded',
      archive: archiveHealth,
      stationsConnected: central.connectedCount(),
      eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      memoryRssBytes: process.memoryUsage.rss(),
    };
    if (request.query.reset !== undefined) loopDelay.reset();
    return body;
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // REST adds `version` (the OCPP version number) for integrators who do not parse subprotocols.
  const withVersion = (s: StationState) => ({ ...s, version: s.protocol === null ? null : s.protocol.slice(4) });
  app.get('/api/v1/stations', { schema: { summary: 'All stations with connectors, status, OCPP version and connection state' } }, async (request) =>
    (await api.dispatch('listStations', {}, contextOf(request))).map(withVersion),
  );
  app.get<{ Params: { id: string } }>('/api/v1/stations/:id', { schema: { summary: 'One station', params: stationParams, response: { 404: errorBody } } }, async (request) =>
    withVersion(await api.dispatch('getStation', { stationId: request.params.id }, contextOf(request))),
  );
  app.post<{ Params: { id: string } }>('/api/v1/stations/:id/accept', { schema: { summary: 'Accept a pending station', params: stationParams } }, async (request) =>
    api.dispatch('acceptStation', { stationId: request.params.id }, contextOf(request)),
  );
  app.post<{ Params: { id: string } }>('/api/v1/stations/:id/reject', { schema: { summary: 'Reject a pending station', params: stationParams } }, async (request) =>
    api.dispatch('rejectStation', { stationId: request.params.id }, contextOf(request)),
  );
  app.post<{ Params: { id: string; action: string }; Body: unknown }>(
    '/api/v1/stations/:id/commands/:action',
    {
      schema: {
        summary: "Send any central-system OCPP action of the station's version; the body is the OCPP payload",
        params: { type: 'object', required: ['id', 'action'], properties: { id: { type: 'string' }, action: { type: 'string', pattern: '^[A-Za-z0-9]+$' } } },
        body: { type: 'object' },
      },
    },
    async (request, reply) => {
      const { id, action } = request.params;
      const ctx = contextOf(request);
      // Raw OCPP actions bypass the neutral command set: engineers and administrators only.
      if (!ctx.principal || !atLeast(ctx.principal.role, 'engineer')) throw new ApiError('Forbidden', 'Raw OCPP commands need the engineer role');
      if (!registry.get(id)) throw new ApiError('NotFound', `No station ${id}`);
      const actions = central.outboundActions(id);
      if (!actions) throw new ApiError('Conflict', `Station ${id} is not connected`);
      if (!actions.has(action)) throw new ApiError('BadRequest', `${action} is not a central-system action of this station's OCPP version (${[...actions].join(', ')})`);
      try {
        const response = await central.rawCommand(id, action, (request.body ?? {}) as object, ctx.principal.username);
        return { response };
      } catch (error) {
        if (error instanceof RpcError) return reply.code(400).send({ error: 'BadRequest', message: error.message });
        if (error instanceof StationOfflineError) return reply.code(409).send({ error: 'Conflict', message: error.message });
        if (error instanceof CallTimeoutError) return reply.code(504).send({ error: 'Timeout', message: error.message });
        if (error instanceof StationCallError) return reply.code(502).send({ error: 'StationError', code: error.code, message: error.message, details: error.details });
        throw error;
      }
    },
  );
  app.get<{ Querystring: Record<string, unknown> }>(
    '/api/v1/transactions',
    {
      schema: {
        summary: 'Transactions with server-side filter, sort and paging: {items, total}',
        querystring: { ...transactionQuerySchema, properties: { ...(transactionQuerySchema.properties as object), key: { type: 'string' } } },
      },
    },
    async (request) => {
      const { key: _key, ...query } = request.query;
      return api.dispatch('listTransactions', query, contextOf(request));
    },
  );
  app.get<{ Querystring: Record<string, unknown> }>(
    '/api/v1/transactions/export',
    {
      schema: {
        summary: 'The filtered transactions as CSV or Excel (.xlsx), streamed, newest first',
        querystring: {
          ...transactionQuerySchema,
          properties: { ...(transactionQuerySchema.properties as object), format: { enum: ['csv', 'xlsx'] }, key: { type: 'string' }, ticket: { type: 'string' } },
        },
      },
    },
    async (request, reply) => {
      const { key: _key, ticket: _ticket, format = 'csv', sort: _sort, direction: _direction, offset: _offset, limit: _limit, ...filter } = request.query;
      // Validated like any listing (same contract), then streamed; the total lets a UI show progress.
      const { total } = await api.dispatch('listTransactions', { ...filter, limit: 1 }, contextOf(request));
      const xlsx = format === 'xlsx';
      const name = `transactions-${new Date().toISOString().slice(0, 10)}.${xlsx ? 'xlsx' : 'csv'}`;
      reply.hijack();
      reply.raw.writeHead(200, {
        'Content-Type': xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}"`,
        'X-Total-Rows': String(total),
        'Access-Control-Expose-Headers': 'X-Total-Rows, Content-Disposition',
      });
      const aborted = new AbortController();
      // The client went away (Cancel in the UI, closed tab) before the end: stop reading.
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) aborted.abort();
      });
      try {
        const rows = await exportTransactions(options.archive, filter as never, xlsx ? 'xlsx' : 'csv', reply.raw, aborted.signal);
        if (aborted.signal.aborted) log.info({ rows, total, format }, 'transactions export cancelled by the client');
      } catch (error) {
        log.error({ err: error }, 'export failed');
        reply.raw.destroy();
      }
    },
  );
  app.get('/api/v1/badges', { schema: { summary: 'The badge list Authorize checks' } }, async (request) => api.dispatch('listBadges', {}, contextOf(request)));
  app.put<{ Params: { idTag: string }; Body: Record<string, unknown> }>(
    '/api/v1/badges/:idTag',
    {
      schema: {
        summary: 'Create or replace a badge',
        params: { type: 'object', required: ['idTag'], properties: { idTag: { type: 'string', minLength: 1, maxLength: 20 } } },
        body: { ...badgeSchema, required: ['status'] },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.idTag !== undefined && body.idTag !== request.params.idTag) throw new ApiError('BadRequest', 'idTag in the body differs from the one in the path');
      return api.dispatch('putBadge', { expiresAt: null, parentIdTag: null, label: null, ...body, idTag: request.params.idTag } as never, contextOf(request));
    },
  );
  app.get<{ Querystring: { state?: string; stationId?: string; from?: string; to?: string; offset?: number; limit?: number; key?: string } }>(
    '/api/v1/alarms',
    {
      schema: {
        summary: 'Alarms: state=active (default) lists the live alarms; state=history pages through the archived sequence of events',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { enum: ['active', 'history'] },
            stationId: { type: 'string' },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            offset: { type: 'integer', minimum: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 10_000 },
            key: { type: 'string' },
          },
        },
      },
    },
    async (request) => {
      const { state, key: _key, ...query } = request.query;
      if (state === 'history') return api.dispatch('alarmHistory', query, contextOf(request));
      return api.dispatch('listAlarms', query.stationId ? { stationId: query.stationId, includeShelved: true } : { includeShelved: true }, contextOf(request));
    },
  );
  const alarmParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } };
  const outcomeReply = async (outcome: { accepted: string[]; refused: Array<{ alarmId: string; reason: string }> }, reply: FastifyReply) => {
    if (outcome.accepted.length > 0) return outcome;
    const reason = outcome.refused[0]?.reason ?? 'unknownAlarm';
    const code = reason === 'unknownAlarm' ? 404 : reason === 'alreadyAcknowledged' || reason === 'notShelved' ? 409 : 400;
    return reply.code(code).send({ error: reason, message: `Refused: ${reason}`, refused: outcome.refused });
  };
  app.post<{ Params: { id: string }; Body: { comment?: string } }>(
    '/api/v1/alarms/:id/ack',
    { schema: { summary: 'Acknowledge an alarm', params: alarmParams, body: { type: 'object', additionalProperties: false, properties: { comment: { type: 'string', maxLength: 1000 } } } } },
    async (request, reply) => outcomeReply(await api.dispatch('acknowledgeAlarms', { alarmIds: [request.params.id], comment: request.body?.comment ?? '' }, contextOf(request)), reply),
  );
  app.post<{ Params: { id: string }; Body: { minutes: number; reason: string } }>(
    '/api/v1/alarms/:id/shelve',
    {
      schema: {
        summary: 'Shelve an alarm for a time, with a reason',
        params: alarmParams,
        body: { type: 'object', additionalProperties: false, required: ['minutes', 'reason'], properties: { minutes: { type: 'number', exclusiveMinimum: 0 }, reason: { type: 'string', minLength: 1 } } },
      },
    },
    async (request, reply) => outcomeReply(await api.dispatch('shelveAlarms', { alarmIds: [request.params.id], minutes: request.body.minutes, reason: request.body.reason }, contextOf(request)), reply),
  );
  app.post<{ Body: { username: string; password: string } }>(
    '/api/v1/login',
    {
      schema: {
        summary: 'Sign in: returns a session token to send as Authorization: Bearer <token>',
        security: [],
        body: { type: 'object', additionalProperties: false, required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } },
      },
    },
    async (request) => api.dispatch('login', request.body, { principal: null }),
  );
  app.post('/api/v1/logout', { schema: { summary: 'End the session of the token sent' } }, async (request) => api.dispatch('logout', {}, contextOf(request)));
  app.get<{ Querystring: Record<string, unknown> }>(
    '/api/v1/audit',
    { schema: { summary: 'Audit log of operator actions (who, when, what, on which station, result), newest first', querystring: auditQuerySchema } },
    async (request) => {
      const { key: _key, ...query } = request.query;
      return api.dispatch('listAudit', query, contextOf(request));
    },
  );
  app.get('/api/v1/accounts', { schema: { summary: 'Operator accounts (administrator)' } }, async (request) => api.dispatch('listAccounts', {}, contextOf(request)));
  app.put<{ Params: { username: string }; Body: { role: Role; password?: string; disabled?: boolean } }>(
    '/api/v1/accounts/:username',
    {
      schema: {
        summary: 'Create or change an operator account (administrator)',
        params: { type: 'object', required: ['username'], properties: { username: { type: 'string' } } },
        body: { type: 'object', additionalProperties: false, required: ['role'], properties: { role: { type: 'string' }, password: { type: 'string' }, disabled: { type: 'boolean' } } },
      },
    },
    async (request) => api.dispatch('putAccount', { ...request.body, username: request.params.username }, contextOf(request)),
  );
  // ---- smart charging ----------------------------------------------------------------------
  app.get('/api/v1/groups', { schema: { summary: 'The electrical groups with their limits and control modes' } }, async (request) => api.dispatch('listGroups', {}, contextOf(request)));
  app.put<{ Params: { id: string }; Body: { maxW?: number; maxAPerPhase?: [number, number, number] } }>(
    '/api/v1/groups/:id/limit',
    {
      schema: {
        summary: 'Change a group limit ({"maxW"?: n, "maxAPerPhase"?: [l1, l2, l3]}): applied at once, audited',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        body: {
          type: 'object',
          additionalProperties: false,
          anyOf: [{ required: ['maxW'] }, { required: ['maxAPerPhase'] }],
          properties: { maxW: { type: 'number', minimum: 0 }, maxAPerPhase: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'number', minimum: 0 } } },
        },
      },
    },
    async (request) => api.dispatch('setGroupLimit', { groupId: request.params.id, ...request.body }, contextOf(request)),
  );
  app.put<{ Params: { id: string }; Body: { mode: 'automatic' | 'manual' } }>(
    '/api/v1/groups/:id/mode',
    {
      schema: {
        summary: 'Automatic (the engine shares) or manual (operator setpoints) control of a group',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        body: { type: 'object', additionalProperties: false, required: ['mode'], properties: { mode: { enum: ['automatic', 'manual'] } } },
      },
    },
    async (request) => api.dispatch('setGroupMode', { groupId: request.params.id, mode: request.body.mode }, contextOf(request)),
  );
  app.get('/api/v1/allocation', { schema: { summary: 'Per node: limit, measured and allocated load per phase; per session: setpoint, unit, reason, push state' } }, async (request, reply) => {
    const view = await api.dispatch('getAllocation', {}, contextOf(request));
    return reply.type('application/json; charset=utf-8').send(sharedAnswerJson('getAllocation', view) ?? JSON.stringify(view));
  });

  const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } };
  app.put<{ Params: { transactionId: number }; Body: { value: number | null; unit?: 'A' | 'W' } }>(
    '/api/v1/sessions/:transactionId/setpoint',
    {
      schema: {
        summary: 'Operator setpoint of a running session ({"value": n, "unit": "A"|"W"}; {"value": null} = automatic again); clamped to every limit, audited',
        params: { type: 'object', required: ['transactionId'], properties: { transactionId: { type: 'integer', minimum: 1 } } },
      },
    },
    async (request) => api.dispatch('setSessionSetpoint', { ...request.body, transactionId: request.params.transactionId }, contextOf(request)),
  );
  app.put<{ Params: { transactionId: number }; Body: { departureAt: string | null; energyWh: number | null } }>(
    '/api/v1/sessions/:transactionId/needs',
    {
      schema: {
        summary:
          'What the operator knows of a running session ({"departureAt": ISO | null, "energyWh": energy still needed from now | null}; both null = back to the vehicle, badge category or history); applied at once, kept until the transaction ends, audited',
        params: { type: 'object', required: ['transactionId'], properties: { transactionId: { type: 'integer', minimum: 1 } } },
      },
    },
    async (request) => api.dispatch('setSessionNeeds', { ...request.body, transactionId: request.params.transactionId }, contextOf(request)),
  );
  // ---- Reservations (R-6.3.1) ----
  app.get<{ Querystring: { stationId?: string; live?: boolean; limit?: number; key?: string } }>(
    '/api/v1/reservations',
    {
      schema: {
        summary: 'Reservations, newest first (?stationId=, ?live=true: only those still held, ?limit=)',
        querystring: { type: 'object', properties: { stationId: { type: 'string' }, live: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 5000 }, key: { type: 'string' } } },
      },
    },
    async (request) => {
      const { key: _key, ...query } = request.query;
      return api.dispatch('listReservations', query, contextOf(request));
    },
  );
  app.post<{ Body: Record<string, unknown> }>(
    '/api/v1/reservations',
    {
      schema: {
        summary:
          'Reserve an EVSE for a badge ({"stationId", "evseId" (0 = any), "idTag", "expiresAt", "departureAt"?, "energyWh"?}): sends ReserveNow and answers with the station\'s verdict (status accepted or rejected, detail); the departure and energy become the session\'s needs when the badge charges there; audited',
      },
    },
    async (request) => api.dispatch('createReservation', (request.body ?? {}) as never, contextOf(request)),
  );
  app.delete<{ Params: { id: number } }>(
    '/api/v1/reservations/:id',
    { schema: { summary: 'Cancel a reservation still held (CancelReservation); audited', params: idParam } },
    async (request) => api.dispatch('cancelReservation', { reservationId: request.params.id }, contextOf(request)),
  );
  app.post<{ Body: Record<string, unknown> }>(
    '/api/v1/allocation/preview',
    { schema: { summary: 'What-if: the allocation with changed group limits or modes ({"limits": [{"groupId", "maxW"?, "maxAPerPhase"?}], "modes": [...]}), not applied' } },
    async (request) => api.dispatch('previewAllocation', (request.body ?? {}) as never, contextOf(request)),
  );
  app.get('/api/v1/smart-charging/settings', { schema: { summary: 'Smart-charging settings (staggered start)' } }, async (request) => api.dispatch('getSmartChargingSettings', {}, contextOf(request)));
  app.put<{ Body: Record<string, unknown> }>('/api/v1/smart-charging/settings', { schema: { summary: 'Change the smart-charging settings (applied at once, kept across restarts, audited)' } }, async (request) =>
    api.dispatch('putSmartChargingSettings', request.body as never, contextOf(request)),
  );
  app.get<{ Params: { id: string }; Querystring: { evseId?: number; durationS?: number; unit?: 'A' | 'W' } }>(
    '/api/v1/stations/:id/composite-schedule',
    {
      schema: {
        summary: 'The schedule the station will apply (GetCompositeSchedule) on an EVSE (0 = whole station)',
        params: stationParams,
        querystring: { type: 'object', properties: { evseId: { type: 'integer', minimum: 0 }, durationS: { type: 'integer', minimum: 1 }, unit: { enum: ['A', 'W'] } } },
      },
    },
    async (request) => {
      const command: { kind: 'getCompositeSchedule'; evseId: number; durationS: number; unit?: 'A' | 'W' } = { kind: 'getCompositeSchedule', evseId: request.query.evseId ?? 0, durationS: request.query.durationS ?? 86_400 };
      if (request.query.unit) command.unit = request.query.unit;
      return api.dispatch('sendCommand', { stationId: request.params.id, command }, contextOf(request));
    },
  );
  app.get('/api/v1/profiles', { schema: { summary: 'The charging-profile library, where each profile was sent, and the conflicts found' } }, async (request) =>
    api.dispatch('listChargingProfiles', {}, contextOf(request)),
  );
  app.post<{ Body: Record<string, unknown> }>('/api/v1/profiles/validate', { schema: { summary: 'Check a profile ({"profile", "targets"?}): field errors and conflicts, nothing stored' } }, async (request) =>
    api.dispatch('validateChargingProfile', request.body as never, contextOf(request)),
  );
  app.put<{ Params: { id: number }; Body: Record<string, unknown> }>('/api/v1/profiles/:id', { schema: { summary: 'Create or replace a library profile', params: idParam } }, async (request) =>
    api.dispatch('putChargingProfile', { ...request.body, id: request.params.id } as never, contextOf(request)),
  );
  app.delete<{ Params: { id: number }; Querystring: { clearFromStations?: boolean } }>(
    '/api/v1/profiles/:id',
    { schema: { summary: 'Remove a library profile (clearFromStations=true: also from the stations that hold it)', params: idParam, querystring: { type: 'object', properties: { clearFromStations: { type: 'boolean' } } } } },
    async (request) => api.dispatch('deleteChargingProfile', { id: request.params.id, clearFromStations: request.query.clearFromStations ?? false }, contextOf(request)),
  );
  app.post<{ Params: { id: number }; Body: { targets: Array<{ stationId: string; evseId: number }>; force?: boolean } }>(
    '/api/v1/profiles/:id/upload',
    { schema: { summary: 'Send a library profile to stations ({"targets": [{"stationId", "evseId"}], "force"?}); 409 with the conflicts when it would clash', params: idParam } },
    async (request) => api.dispatch('uploadChargingProfile', { ...request.body, id: request.params.id }, contextOf(request)),
  );
  // ---- Overview (hypervision) and energy dashboard ------------------------------------------
  const withKey = (schema: Record<string, unknown>) => ({ ...schema, properties: { ...(schema.properties as object), key: { type: 'string' } } });
  app.get('/api/v1/sites', { schema: { summary: 'The project sites with their stations, parks, electrical groups and power limit' } }, async (request) =>
    api.dispatch('listSites', {}, contextOf(request)),
  );
  app.get<{ Querystring: Record<string, unknown> }>(
    '/api/v1/energy/summary',
    {
      schema: {
        summary: 'Energy (meter-register deltas, Wh) and sessions per hour/day/week/month bucket, per site, group or station',
        querystring: withKey(energySummaryQuerySchema),
      },
    },
    async (request) => {
      const { key: _key, ...query } = request.query;
      return api.dispatch('energySummary', query as never, contextOf(request));
    },
  );
  app.get<{ Querystring: Record<string, unknown> }>(
    '/api/v1/energy/power',
    { schema: { summary: 'Summed power (W) of a site, a station or everything in equal steps, with the limit and the peak', querystring: withKey(powerSeriesQuerySchema) } },
    async (request) => {
      const { key: _key, ...query } = request.query;
      return api.dispatch('powerSeries', query as never, contextOf(request));
    },
  );
  app.get<{ Querystring: Record<string, unknown> }>(
    '/api/v1/energy/trend',
    { schema: { summary: "One measured quantity of a station per connector, downsampled (min/mean/max per step) to maxPoints", querystring: withKey(meterTrendQuerySchema) } },
    async (request) => {
      const { key: _key, ...query } = request.query;
      return api.dispatch('meterTrend', query as never, contextOf(request));
    },
  );
  // ---- alarm rule editor and notification settings (issue 5) ----------------------------
  app.get('/api/v1/alarm-rules', { schema: { summary: 'The running alarm rules, where they come from, and the ids a scope may name' } }, async (request) =>
    api.dispatch('listAlarmRules', {}, contextOf(request)),
  );
  app.put<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/api/v1/alarm-rules/:id',
    { schema: { summary: 'Add or replace an alarm rule (the body is the rule; a different id in the body renames it); stored, then applied live (engineer)' } },
    async (request) => {
      const rule = { ...(request.body ?? {}) };
      if (rule.id === undefined) rule.id = request.params.id;
      const ctx = contextOf(request);
      const known = (await api.dispatch('listAlarmRules', {}, ctx)).rules.some((r) => r.id === request.params.id);
      return api.dispatch('putAlarmRule', known ? { rule: rule as never, replaces: request.params.id } : { rule: rule as never }, ctx);
    },
  );
  app.delete<{ Params: { id: string } }>('/api/v1/alarm-rules/:id', { schema: { summary: 'Remove an alarm rule; its alarms clear (engineer)' } }, async (request) =>
    api.dispatch('deleteAlarmRule', { ruleId: request.params.id }, contextOf(request)),
  );
  app.post<{ Body: Record<string, unknown> }>('/api/v1/alarm-rules/validate', { schema: { summary: 'The problems an alarm rule would be refused for; changes nothing' } }, async (request) =>
    api.dispatch('validateAlarmRule', { rule: request.body ?? {} }, contextOf(request)),
  );
  app.get('/api/v1/notifications/settings', { schema: { summary: 'Notification recipients, contacts, SMTP, SMS gateway, grouping and rate limit (password masked; engineer)' } }, async (request) =>
    api.dispatch('getNotificationSettings', {}, contextOf(request)),
  );
  app.put<{ Body: Record<string, unknown> }>('/api/v1/notifications/settings', { schema: { summary: 'Replace the notification settings (checked, stored, applied live; engineer)' } }, async (request) =>
    api.dispatch('putNotificationSettings', { settings: (request.body ?? {}) as never }, contextOf(request)),
  );
  app.post<{ Body: { channel: 'email' | 'sms' | 'push'; to: string } }>('/api/v1/notifications/test', { schema: { summary: 'Send one test message through one channel; answers ok or the error (engineer)' } }, async (request) =>
    api.dispatch('testNotification', { channel: request.body?.channel, to: request.body?.to ?? '' }, contextOf(request)),
  );

  // ---- project (engineering) ------------------------------------------------------------
  // Station lists arrive as text/csv or as an .xlsx file.
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  app.addContentTypeParser(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  app.get('/api/v1/project', { schema: { summary: 'The project the supervisor runs (latest version), secrets masked' } }, async (request) => api.dispatch('getProject', {}, contextOf(request)));
  app.get('/api/v1/project/versions', { schema: { summary: 'Project version history, oldest first' } }, async (request) => api.dispatch('listProjectVersions', {}, contextOf(request)));
  app.get<{ Params: { a: number; b: number } }>(
    '/api/v1/project/versions/:a/diff/:b',
    { schema: { summary: 'What changed between two versions (stations, limits, views...)', params: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'integer', minimum: 1 }, b: { type: 'integer', minimum: 1 } } } } },
    async (request) => api.dispatch('diffProjectVersions', { a: request.params.a, b: request.params.b }, contextOf(request)),
  );
  app.post<{ Params: { id: number } }>(
    '/api/v1/project/versions/:id/restore',
    { schema: { summary: 'Make an older version current again (as a new version)', params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } } },
    async (request) => api.dispatch('restoreProjectVersion', { id: request.params.id }, contextOf(request)),
  );
  app.post<{ Body: Record<string, unknown>; Querystring: { save?: boolean; key?: string } }>(
    '/api/v1/project/generate',
    {
      schema: {
        summary: "The wizard's answers (JSON) → the generated project; ?save=true keeps it as the next version",
        querystring: { type: 'object', properties: { save: { type: 'boolean' }, key: { type: 'string' } } },
        body: { type: 'object' },
      },
    },
    async (request) => api.dispatch('generateProject', { answers: request.body as never, save: request.query.save ?? false }, contextOf(request)),
  );
  app.post<{ Body: string | Buffer }>(
    '/api/v1/project/import-stations',
    { schema: { summary: 'Import a station list (text/csv body, or an .xlsx file) into the project as one new version; row-level errors, nothing applied when a row is bad' } },
    async (request) => {
      const body = request.body;
      if (typeof body === 'string') return api.dispatch('importStations', { format: 'csv', content: body }, contextOf(request));
      if (Buffer.isBuffer(body)) return api.dispatch('importStations', { format: 'xlsx', content: body.toString('base64') }, contextOf(request));
      throw new ApiError('BadRequest', 'Send the station list as text/csv or as an .xlsx file (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)');
    },
  );
  app.post<{ Body: { stationIds?: string[]; remoteStartStop?: { idTag: string }; bootTimeoutS?: number } }>(
    '/api/v1/project/self-test',
    { schema: { summary: 'Commissioning self-test per station (boot, heartbeat, configuration, status, test profile, optional remote start/stop); returns the report', body: { type: 'object' } } },
    async (request) => api.dispatch('runSelfTest', request.body ?? {}, contextOf(request)),
  );
  app.get('/api/v1/project/self-test/report.html', { schema: { summary: 'The last self-test report as a printable HTML page' } }, async (request, reply) => {
    const { html } = await api.dispatch('getSelfTestReportHtml', {}, contextOf(request));
    return reply.type('text/html; charset=utf-8').send(html);
  });
  // Project screen (issue 7): live apply of a version to the running supervisor.
  app.get<{ Querystring: { version?: number } }>(
    '/api/v1/project/apply-preview',
    {
      schema: {
        summary: 'What applying a version (default: the latest) to the running supervisor would change: stations, groups and limits, views',
        querystring: { type: 'object', properties: { version: { type: 'integer', minimum: 1 }, key: { type: 'string' } } },
      },
    },
    async (request) => api.dispatch('previewProjectApply', request.query.version === undefined ? {} : { versionId: request.query.version }, contextOf(request)),
  );
  app.post<{ Body: { versionId?: number } | undefined }>(
    '/api/v1/project/apply',
    { schema: { summary: 'Apply a version (body {"versionId": n}; default: the latest) to the running supervisor without a restart; returns what changed' } },
    async (request) => api.dispatch('applyProject', request.body ?? {}, contextOf(request)),
  );
  // ---- template library, project bundle, add EV charging (issue 7) -----------------------
  app.get('/api/v1/project/bundle', { schema: { summary: 'The whole project history as one file (station passwords included; engineer, audited)' } }, async (request, reply) => {
    const bundle = await api.dispatch('exportProjectBundle', {}, contextOf(request));
    return reply.type('application/json; charset=utf-8').header('Content-Disposition', `attachment; filename="${bundle.fileName}"`).header('Cache-Control', 'no-store').send(bundle.content);
  });
  app.post<{ Body: unknown; Querystring: { fileName?: string; key?: string } }>(
    '/api/v1/project/bundle',
    {
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        summary: 'Import a project bundle (the body): checked whole first; into an empty history it brings its versions, otherwise its current project becomes one new version',
        querystring: { type: 'object', properties: { fileName: { type: 'string', maxLength: 255 }, key: { type: 'string' } } },
      },
    },
    async (request) => {
      const body = request.body;
      const content = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : body !== undefined && body !== null ? JSON.stringify(body) : '';
      if (content.trim() === '') throw new ApiError('BadRequest', 'Send the bundle file as the request body (application/json)');
      return api.dispatch('importProjectBundle', { content, fileName: request.query.fileName ?? 'bundle' }, contextOf(request));
    },
  );
  app.get('/api/v1/project/templates', { schema: { summary: "The project's station templates with the stations made from each, and the shipped library" } }, async (request) =>
    api.dispatch('listProjectTemplates', {}, contextOf(request)),
  );
  app.put<{ Params: { id: string }; Body: Record<string, unknown>; Querystring: { create?: boolean; baseVersion?: number; key?: string } }>(
    '/api/v1/project/templates/:id',
    {
      schema: {
        summary: 'Add (?create=true) or change a station template: a new version applied at once; stations keep the fields they override (engineer, audited)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 48 } } },
        querystring: { type: 'object', properties: { create: { type: 'boolean' }, baseVersion: { type: 'integer', minimum: 1 }, key: { type: 'string' } } },
        body: { type: 'object' },
      },
    },
    async (request) => {
      if (request.body.id !== undefined && request.body.id !== request.params.id) throw new ApiError('BadRequest', 'id in the body differs from the one in the path');
      const { create, baseVersion } = request.query;
      return api.dispatch('saveTemplate', { template: { ...request.body, id: request.params.id } as never, create: create ?? false, ...(baseVersion !== undefined ? { baseVersion } : {}) }, contextOf(request));
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/api/v1/project/templates/:id',
    { schema: { summary: 'Remove a template no station uses (409 naming the stations otherwise)', params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 48 } } } } },
    async (request) => api.dispatch('deleteTemplate', { templateId: request.params.id }, contextOf(request)),
  );
  app.post<{ Querystring: { dryRun?: boolean; key?: string }; Body: AddChargingRequest | undefined }>(
    '/api/v1/project/add-charging',
    {
      schema: {
        summary: 'Merge the EV-charging library (templates, views per park, alarm rules) into the project without overwriting its customisations, and instantiate the chargers of the body ({chargers: [{parkId, template, pattern, count?, group}], passwordSeed?}); ?dryRun=true only reports',
        querystring: { type: 'object', properties: { dryRun: { type: 'boolean' }, key: { type: 'string' } } },
      },
    },
    async (request) => {
      const sizing = request.body ?? {};
      if (request.query.dryRun) return { report: await api.dispatch('previewAddCharging', sizing, contextOf(request)), version: null, applied: null };
      return api.dispatch('addCharging', sizing, contextOf(request));
    },
  );
  // ---- project settings: registration, stale transactions, the sites' time zone ----------
  app.get('/api/v1/project/settings', { schema: { summary: "The project's settings (autoAccept, heartbeatIntervalS, staleTransactionHours, timeZone), the server's time zone and the zones it knows" } }, async (request) =>
    api.dispatch('getProjectSettings', {}, contextOf(request)),
  );
  app.put<{ Body: Record<string, unknown>; Querystring: { baseVersion?: number } }>(
    '/api/v1/project/settings',
    {
      schema: {
        summary: 'Replace the project settings (the body; a field left out takes its default): a new project version applied at once (engineer, audited); ?baseVersion=n refuses a project changed since',
        querystring: { type: 'object', properties: { baseVersion: { type: 'integer', minimum: 1 } } },
        body: { type: 'object' },
      },
    },
    async (request) => api.dispatch('putProjectSettings', { settings: request.body, ...(request.query.baseVersion !== undefined ? { baseVersion: request.query.baseVersion } : {}) }, contextOf(request)),
  );
  // ---- badge categories (issue 4): a session's priority, departure and needs by its badge --
  const categoryParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 48 } } };
  app.get('/api/v1/project/badge-categories', { schema: { summary: "The project's badge categories (smart-charging defaults: priority, usual departure, energy, target SoC, vehicle maximum) with the badges using each" } }, async (request) =>
    api.dispatch('listBadgeCategories', {}, contextOf(request)),
  );
  app.put<{ Params: { id: string }; Body: Record<string, unknown>; Querystring: { create?: boolean; baseVersion?: number; key?: string } }>(
    '/api/v1/project/badge-categories/:id',
    {
      schema: {
        summary: 'Add or replace a badge category (the body; Wh and W): a new project version applied at once (engineer, audited); ?create=true refuses an existing id, ?baseVersion=n a project changed since',
        params: categoryParams,
        querystring: { type: 'object', properties: { create: { type: 'boolean' }, baseVersion: { type: 'integer', minimum: 1 }, key: { type: 'string' } } },
        body: { type: 'object' },
      },
    },
    async (request) => {
      if (request.body.id !== undefined && request.body.id !== request.params.id) throw new ApiError('BadRequest', 'id in the body differs from the one in the path');
      const { create, baseVersion } = request.query;
      return api.dispatch('putBadgeCategory', { category: { ...request.body, id: request.params.id } as never, ...(create !== undefined ? { create } : {}), ...(baseVersion !== undefined ? { baseVersion } : {}) }, contextOf(request));
    },
  );
  app.delete<{ Params: { id: string } }>(
    '/api/v1/project/badge-categories/:id',
    { schema: { summary: 'Remove a badge category no badge uses (409 naming the badges otherwise; engineer, audited)', params: categoryParams } },
    async (request) => api.dispatch('deleteBadgeCategory', { categoryId: request.params.id }, contextOf(request)),
  );
  // ---- ground plans per park (issue 3) ---------------------------------------------------
  const parkParams = { type: 'object', required: ['parkId'], properties: { parkId: { type: 'string', minLength: 1, maxLength: 48 } } };
  // Background images arrive as raw bodies; the limit here is generous so that the store's own size check answers in words.
  app.addContentTypeParser(['image/png', 'image/jpeg', 'image/svg+xml'], { parseAs: 'buffer', bodyLimit: 4 * GROUND_PLAN_BACKGROUND_MAX_BYTES }, (_req, body, done) => done(null, body));
  app.get('/api/v1/ground-plans', { schema: { summary: 'One ground plan per park: stations placed (x, y in % of the plan), unplaced stations, background address' } }, async (request) =>
    api.dispatch('listGroundPlans', {}, contextOf(request)),
  );
  app.put<{ Params: { parkId: string }; Body: { placements?: unknown; background?: unknown } }>(
    '/api/v1/ground-plans/:parkId',
    {
      schema: {
        summary: 'Move stations of a park ({"placements": [{"stationId", "x", "y"}]}, % of the plan): a new project version "ground plan <park> edited"; applied at once, audited',
        params: parkParams,
        body: { type: 'object' },
      },
    },
    async (request) => api.dispatch('saveGroundPlan', { ...(request.body as object), parkId: request.params.parkId } as never, contextOf(request)),
  );
  app.put<{ Params: { parkId: string }; Body: unknown }>(
    '/api/v1/ground-plans/:parkId/background',
    { schema: { summary: `The park's background image (body: image/png, image/jpeg or image/svg+xml, at most ${GROUND_PLAN_BACKGROUND_MAX_BYTES / (1024 * 1024)} MB)`, params: parkParams } },
    async (request) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (!Buffer.isBuffer(request.body) || !(GROUND_PLAN_BACKGROUND_TYPES as readonly string[]).includes(type ?? '')) {
        throw new ApiError('BadRequest', 'Send the background as the request body with Content-Type image/png, image/jpeg or image/svg+xml');
      }
      const background = { contentType: type as GroundPlanBackgroundType, data: request.body.toString('base64') };
      return api.dispatch('saveGroundPlan', { parkId: request.params.parkId, placements: [], background }, contextOf(request));
    },
  );
  app.delete<{ Params: { parkId: string } }>('/api/v1/ground-plans/:parkId/background', { schema: { summary: "Remove the park's background image (the default drawing is shown again)", params: parkParams } }, async (request) =>
    api.dispatch('saveGroundPlan', { parkId: request.params.parkId, placements: [], background: null }, contextOf(request)),
  );
  app.get<{ Params: { parkId: string } }>('/api/v1/ground-plans/:parkId/background', { schema: { summary: "The park's background image (its own, or the default drawing)", params: parkParams } }, async (request, reply) => {
    const background = await api.dispatch('getGroundPlanBackground', { parkId: request.params.parkId }, contextOf(request));
    const bytes = Buffer.from(background.dataUrl.slice(background.dataUrl.indexOf(',') + 1), 'base64');
    // An uploaded SVG opened on its own must not run scripts in this origin.
    return reply
      .type(background.contentType)
      .header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'no-cache')
      .send(bytes);
  });

  // ---- ground-plan symbol library (issue 7) ----------------------------------------------
  const symbolParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 48 } } };
  const baseVersionQuery = { type: 'object', properties: { baseVersion: { type: 'integer', minimum: 1 }, key: { type: 'string' } } };
  app.get('/api/v1/project/symbols', { schema: { summary: 'The ground-plan symbol library (built-in + the project\'s), who uses each symbol, and every station\'s symbol' } }, async (request) =>
    api.dispatch('listSymbols', {}, contextOf(request)),
  );
  app.put<{ Params: { id: string }; Body: Record<string, unknown>; Querystring: { baseVersion?: number } }>(
    '/api/v1/project/symbols/:id',
    {
      schema: {
        summary: 'Add or replace a symbol (the body is the symbol; its id defaults to the path\'s): a new project version, applied live (engineer, audited); ?baseVersion=n refuses (409) when the project changed since',
        params: symbolParams,
        querystring: baseVersionQuery,
        body: { type: 'object' },
      },
    },
    async (request) => {
      const symbol = { ...(request.body ?? {}) };
      if (symbol.id === undefined) symbol.id = request.params.id;
      if (symbol.id !== request.params.id) throw new ApiError('BadRequest', `The symbol's id "${String(symbol.id)}" differs from the address (${request.params.id})`);
      return api.dispatch('putSymbol', { symbol: symbol as never, ...(request.query.baseVersion !== undefined ? { baseVersion: request.query.baseVersion } : {}) }, contextOf(request));
    },
  );
  app.delete<{ Params: { id: string }; Querystring: { baseVersion?: number } }>(
    '/api/v1/project/symbols/:id',
    { schema: { summary: 'Delete a project symbol (409 naming its users while a template or station uses it); an edited built-in symbol goes back to the original', params: symbolParams, querystring: baseVersionQuery } },
    async (request) => api.dispatch('deleteSymbol', { id: request.params.id, ...(request.query.baseVersion !== undefined ? { baseVersion: request.query.baseVersion } : {}) }, contextOf(request)),
  );
  // ---- end of the symbol library ----

  app.get('/api/v1/events', { schema: { summary: 'Server-sent events: every domain event as JSON (event: <type>)' } }, (request, reply) => {
    streamEvents(request, reply, bus);
  });

  if (options.rendererDir && existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html' });
  } else {
    app.get('/', async (_request, reply) =>
      reply.type('text/html').send('<!doctype html><title>EV Supervisor</title><p>The UI is not built: run <code>npm run build</code>, then restart.</p>'),
    );
  }

  await app.listen({ host: options.host, port: options.port });
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : options.port;
  const hostText = options.host.includes(':') ? `[${options.host}]` : options.host;

  central.attach(app.server);
  const bridge = startBridge({ ...options, requireKey: !isLoopback(options.host) });
  app.server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    if (path === '/api/ws') bridge.handleUpgrade(request, socket, head);
    else if (path?.startsWith('/api/')) socket.destroy();
  });

  return {
    address: `${hostText}:${port}`,
    port,
    async close() {
      loopDelay.disable();
      bridge.close();
      await app.close();
    },
  };
}

function streamEvents(request: FastifyRequest, reply: FastifyReply, bus: DomainBus): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  res.write(': connected\n\n');
  let id = 0;
  const unsubscribe = bus.subscribe((event: DomainEvent) => {
    // Live OCPP frames go only to the UI connections that watch a station.
    if (event.type === 'ocppFrame') return;
    res.write(`id: ${++id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  request.raw.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}

/** Frames sent to one client at most every FRAME_FLUSH_MS; past FRAME_QUEUE_MAX the oldest are dropped. */
const FRAME_FLUSH_MS = 200;
const FRAME_QUEUE_MAX = 200;

/**
 * Throttles the live OCPP frames of one client: a chatty station (or many watched ones) costs
 * that client at most FRAME_QUEUE_MAX frames per flush, and nothing is buffered without bound.
 */
function createFrameQueue(deliver: (event: DomainEvent) => void) {
  let queue: DomainEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const batch = queue;
    queue = [];
    for (const event of batch) deliver(event);
  };
  return {
    push(event: DomainEvent) {
      queue.push(event);
      if (queue.length > FRAME_QUEUE_MAX) queue.splice(0, queue.length - FRAME_QUEUE_MAX);
      timer ??= setTimeout(flush, FRAME_FLUSH_MS);
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      queue = [];
    },
  };
}

/**
 * Commands whose answer stays the same object until it changes (AllocationController.view): at
 * 10,000 sessions megabytes of JSON, serialized once and sent as is to every client that asks,
 * instead of once per poll per client (each a block of the event loop).
 */
const SHARED_ANSWERS: ReadonlySet<string> = new Set<ApiCommandName>(['getAllocation']);
const sharedJson = new WeakMap<object, string>();

/** The JSON of a shared answer (cached by identity); null for every other command. */
function sharedAnswerJson(command: string, response: unknown): string | null {
  if (!SHARED_ANSWERS.has(command) || response === null || typeof response !== 'object') return null;
  let json = sharedJson.get(response);
  if (json === undefined) {
    json = JSON.stringify(response);
    sharedJson.set(response, json);
  }
  return json;
}

/** The WebSocket transport of the API contract for browsers and phones. */
function startBridge(options: HostOptions & { requireKey: boolean }) {
  // Room for one ground-plan background image (2 MB, base64) in a saveGroundPlan call, and for a project bundle (issue 7; the UI sends at most 12 MB).
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  const send = (ws: WebSocket, message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  /** Who a socket acts as before (or after) signing in. */
  const anonymous = (): CallContext => ({ principal: options.loginRequired ? null : LOCAL_OPERATOR });
  wss.on('connection', (ws: WebSocket, _request: IncomingMessage, initial: CallContext) => {
    // The stations this socket watches (live OCPP frames); kept across sign-in changes.
    const frames = new FrameWatches(options.frames);
    const frameQueue = createFrameQueue((event) => send(ws, { kind: 'event', event }));
    let ctx: CallContext = { ...initial, frames };
    const unsubscribe = options.bus.subscribe((event) => {
      // Nothing is streamed before sign-in.
      if (ctx.principal === null) return;
      if (event.type === 'ocppFrame') {
        if (frames.has(event.frame.stationId)) frameQueue.push(event);
        return;
      }
      // A client that cannot keep up is dropped rather than buffered without bound; it resyncs on reconnect.
      if (ws.bufferedAmount > 16 * 1024 * 1024) {
        ws.close(1013, 'client too slow');
        return;
      }
      send(ws, { kind: 'event', event });
    });
    ws.on('close', () => {
      unsubscribe();
      frames.clear();
      frameQueue.close();
    });
    ws.on('message', (data) => {
      let message: ClientMessage;
      try {
        message = JSON.parse(data.toString()) as ClientMessage;
      } catch {
        ws.close(1007, 'invalid JSON');
        return;
      }
      const id = typeof message.id === 'number' ? message.id : -1;
      if (message.kind !== 'call' || !isApiCommand(String(message.command))) {
        send(ws, { kind: 'result', id, ok: false, error: { code: 'BadRequest', message: `Unknown command ${String(message.command)}` } });
        return;
      }
      // A session that expired while the socket stayed open is treated as signed out.
      if (ctx.token && !options.accounts.resume(ctx.token)) {
        frames.clear();
        ctx = { ...anonymous(), frames };
      }
      options.api
        .dispatch(message.command, message.request as never, ctx)
        .then((response) => {
          if (message.command === 'login') {
            const session = response as SessionInfo;
            ctx = { principal: { username: session.username, role: session.role }, token: session.token, frames };
          } else if (message.command === 'logout') {
            frames.clear();
            ctx = { ...anonymous(), frames };
          }
          const shared = sharedAnswerJson(message.command, response);
          if (shared !== null) {
            if (ws.readyState === ws.OPEN) ws.send(`{"kind":"result","id":${id},"ok":true,"response":${shared}}`);
            return;
          }
          send(ws, { kind: 'result', id, ok: true, response });
        })
        .catch((error: unknown) => {
          const apiError = error instanceof ApiError ? error : null;
          if (!apiError) options.log.error({ err: error, command: message.command }, 'API command failed');
          send(ws, {
            kind: 'result',
            id,
            ok: false,
            error: { code: apiError?.code ?? 'Internal', message: apiError?.message ?? 'Internal error' },
          });
        });
    });
  });
  return {
    handleUpgrade(request: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) {
      wss.handleUpgrade(request, socket, head, (ws) => {
        const params = new URL(request.url ?? '/', 'http://localhost').searchParams;
        const key = params.get('key');
        const token = params.get('token');
        let ctx: CallContext | null = null;
        if (key !== null && sameKey(key, options.apiKey)) ctx = { principal: LOCAL_OPERATOR };
        else if (token !== null) {
          const principal = options.accounts.resume(token);
          if (principal) ctx = { principal, token };
        }
        if (!ctx) {
          if (options.requireKey && !options.loginRequired) {
            ws.close(4401, 'API key required');
            return;
          }
          ctx = anonymous();
        }
        wss.emit('connection', ws, request, ctx);
      });
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
