// JSON Schemas of every API request; the main process compiles them once (ajv) and
// rejects a request that does not match before any service sees it.
import type { ApiCommandName } from './index.ts';
import { templateRequestSchemas } from './templates.ts';
import { badgeCategoryRequestSchemas } from './badge-categories.ts';
import { projectSettingsRequestSchemas } from './project-settings.ts';
import { reservationRequestSchemas } from './reservations.ts';

type Schema = Record<string, unknown>;

const empty: Schema = { type: 'object', additionalProperties: false, properties: {} };
const stationId: Schema = { type: 'string', minLength: 1, maxLength: 48, pattern: '^[A-Za-z0-9._:*+|@-]+$' };
const positiveInt: Schema = { type: 'integer', minimum: 1 };
const isoTime: Schema = { type: 'string', format: 'date-time' };

const profileId: Schema = { type: 'integer', minimum: 1, maximum: 899 };
const isoLoose: Schema = { type: 'string', minLength: 10, maxLength: 40 };

/** The shape of a library profile; its meaning (period order, kind rules...) is checked by the library. */
export const chargingProfileSchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'stackLevel', 'purpose', 'kind', 'unit', 'periods'],
  properties: {
    id: profileId,
    name: { type: 'string', minLength: 1, maxLength: 120 },
    category: { type: 'string', maxLength: 64 },
    stackLevel: { type: 'integer', minimum: 0, maximum: 99 },
    purpose: { enum: ['stationMax', 'txDefault'] },
    kind: { enum: ['Absolute', 'Recurring', 'Relative'] },
    recurrency: { enum: ['Daily', 'Weekly'] },
    validFrom: isoLoose,
    validTo: isoLoose,
    startSchedule: isoLoose,
    durationS: { type: 'integer', minimum: 1, maximum: 31 * 86_400 },
    unit: { enum: ['A', 'W'] },
    minChargingRate: { type: 'number', minimum: 0 },
    periods: {
      type: 'array',
      minItems: 1,
      maxItems: 1024,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['startS', 'limit'],
        properties: { startS: { type: 'integer', minimum: 0 }, limit: { type: 'number', minimum: 0 }, phases: { enum: [1, 2, 3] } },
      },
    },
  },
};

const profileTargets: Schema = {
  type: 'array',
  minItems: 1,
  maxItems: 10_000,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['stationId', 'evseId'],
    properties: { stationId, evseId: { type: 'integer', minimum: 0, maximum: 64 } },
  },
};

// Ground plans (issue 3)
const planParkId: Schema = { type: 'string', minLength: 1, maxLength: 48 };
const planPercent: Schema = { type: 'number', minimum: 0, maximum: 100 };

const groupId: Schema = { type: 'string', minLength: 1, maxLength: 64 };

export const stationCommandSchema: Schema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'evseId', 'idTag'],
      properties: { kind: { const: 'remoteStart' }, evseId: positiveInt, idTag: { type: 'string', minLength: 1, maxLength: 20 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'transactionId'],
      properties: { kind: { const: 'remoteStop' }, transactionId: positiveInt },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'type'],
      properties: { kind: { const: 'reset' }, type: { enum: ['soft', 'hard'] } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'evseId', 'connectorId'],
      properties: { kind: { const: 'unlock' }, evseId: positiveInt, connectorId: positiveInt },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'evseId', 'operative'],
      properties: { kind: { const: 'changeAvailability' }, evseId: { type: 'integer', minimum: 0 }, operative: { type: 'boolean' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: { kind: { const: 'getConfiguration' }, keys: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 50 } } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'key', 'value'],
      properties: {
        kind: { const: 'changeConfiguration' },
        key: { type: 'string', minLength: 1, maxLength: 50 },
        value: { type: 'string', maxLength: 500 },
      },
    },
    { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'clearCache' } } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'message'],
      properties: {
        kind: { const: 'triggerMessage' },
        message: { enum: ['BootNotification', 'Heartbeat', 'StatusNotification', 'MeterValues'] },
        evseId: positiveInt,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'vendorId'],
      properties: {
        kind: { const: 'dataTransfer' },
        vendorId: { type: 'string', minLength: 1, maxLength: 255 },
        messageId: { type: 'string', maxLength: 50 },
        data: { type: 'string' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'evseId', 'transactionId', 'limit', 'unit'],
      properties: {
        kind: { const: 'setChargingLimit' },
        evseId: positiveInt,
        transactionId: positiveInt,
        limit: { type: 'number', minimum: 0 },
        unit: { enum: ['A', 'W'] },
        phases: { enum: [1, 2, 3] },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'limit', 'unit'],
      properties: {
        kind: { const: 'setDefaultLimit' },
        limit: { type: 'number', minimum: 0 },
        unit: { enum: ['A', 'W'] },
        phases: { enum: [1, 2, 3] },
        profileId: positiveInt,
        stackLevel: { type: 'integer', minimum: 0, maximum: 100 },
      },
    },
    { type: 'object', additionalProperties: false, required: ['kind', 'profileId'], properties: { kind: { const: 'clearProfile' }, profileId: positiveInt } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'evseId', 'profile'],
      properties: { kind: { const: 'setProfile' }, evseId: { type: 'integer', minimum: 0, maximum: 64 }, profile: chargingProfileSchema },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'evseId', 'durationS'],
      properties: {
        kind: { const: 'getCompositeSchedule' },
        evseId: { type: 'integer', minimum: 0, maximum: 64 },
        durationS: { type: 'integer', minimum: 1, maximum: 7 * 86_400 },
        unit: { enum: ['A', 'W'] },
      },
    },
  ],
};

export const badgeSchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['idTag', 'status'],
  properties: {
    idTag: { type: 'string', minLength: 1, maxLength: 20 },
    status: { enum: ['Accepted', 'Blocked', 'Expired', 'Invalid'] },
    expiresAt: { anyOf: [isoTime, { type: 'null' }] },
    parentIdTag: { anyOf: [{ type: 'string', minLength: 1, maxLength: 20 }, { type: 'null' }] },
    label: { anyOf: [{ type: 'string', maxLength: 200 }, { type: 'null' }] },
    // Badge categories (issue 4): one of the project's (checked by the main process); null: none.
    category: { anyOf: [{ type: 'string', minLength: 1, maxLength: 48 }, { type: 'null' }] },
  },
};

export const transactionQuerySchema: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    stationId,
    idTag: { type: 'string', minLength: 1, maxLength: 20 },
    from: isoTime,
    to: isoTime,
    open: { type: 'boolean' },
    sort: { enum: ['startedAt', 'stoppedAt', 'energyWh', 'stationId', 'idTag', 'id'] },
    direction: { enum: ['asc', 'desc'] },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
    limit: { type: 'integer', minimum: 1, maximum: 10_000 },
  },
};

export const alarmHistoryQuerySchema: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    stationId,
    alarmId: { type: 'string', minLength: 1, maxLength: 64 },
    from: isoTime,
    to: isoTime,
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
    limit: { type: 'integer', minimum: 1, maximum: 10_000 },
  },
};

const alarmIds: Schema = { type: 'array', minItems: 1, maxItems: 10_000, items: { type: 'string', minLength: 1, maxLength: 64 } };

const byStation: Schema = { type: 'object', additionalProperties: false, required: ['stationId'], properties: { stationId } };

// ---- Overview (hypervision) and energy dashboard: also the REST query strings of /energy/... ----
const siteId: Schema = { type: 'string', minLength: 1, maxLength: 64 };
export const energySummaryQuerySchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'bucket', 'groupBy'],
  properties: {
    from: isoTime,
    to: isoTime,
    bucket: { enum: ['hour', 'day', 'week', 'month'] },
    groupBy: { enum: ['site', 'group', 'station'] },
    siteId,
    tzOffsetMinutes: { type: 'integer', minimum: -840, maximum: 840 },
    timeZone: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_+/-]+$' },
  },
};
export const powerSeriesQuerySchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: { from: isoTime, to: isoTime, siteId, stationId, maxPoints: { type: 'integer', minimum: 2, maximum: 10_000 } },
};
export const meterTrendQuerySchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['stationId', 'quantity', 'from', 'to'],
  properties: {
    stationId,
    quantity: { enum: ['power', 'energy', 'soc', 'current', 'currentL1', 'currentL2', 'currentL3', 'voltage'] },
    from: isoTime,
    to: isoTime,
    maxPoints: { type: 'integer', minimum: 2, maximum: 10_000 },
  },
};

export const requestSchemas: Record<ApiCommandName, Schema> = {
  getServerInfo: empty,
  listStations: empty,
  getStation: byStation,
  acceptStation: byStation,
  rejectStation: byStation,
  sendCommand: {
    type: 'object',
    additionalProperties: false,
    required: ['stationId', 'command'],
    properties: { stationId, command: stationCommandSchema },
  },
  listCommands: {
    type: 'object',
    additionalProperties: false,
    required: ['stationId'],
    properties: { stationId, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
  },
  listTransactions: transactionQuerySchema,
  listBadges: empty,
  putBadge: badgeSchema,
  listAlarms: {
    type: 'object',
    additionalProperties: false,
    properties: {
      stationId,
      severities: { type: 'array', items: { enum: ['critical', 'major', 'minor', 'warning', 'info'] } },
      includeShelved: { type: 'boolean' },
    },
  },
  alarmHistory: alarmHistoryQuerySchema,
  acknowledgeAlarms: {
    type: 'object',
    additionalProperties: false,
    required: ['alarmIds'],
    properties: { alarmIds, comment: { type: 'string', maxLength: 1000 } },
  },
  shelveAlarms: {
    type: 'object',
    additionalProperties: false,
    required: ['alarmIds', 'minutes', 'reason'],
    properties: { alarmIds, minutes: { type: 'number', exclusiveMinimum: 0, maximum: 7 * 24 * 60 }, reason: { type: 'string', minLength: 1, maxLength: 1000 } },
  },
  unshelveAlarms: { type: 'object', additionalProperties: false, required: ['alarmIds'], properties: { alarmIds } },
  login: {
    type: 'object',
    additionalProperties: false,
    required: ['username', 'password'],
    properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
  },
  logout: empty,
  whoAmI: empty,
  listAudit: {
    type: 'object',
    additionalProperties: false,
    properties: {
      actor: { type: 'string', minLength: 1, maxLength: 64 },
      action: { type: 'string', minLength: 1, maxLength: 64 },
      stationId,
      from: isoTime,
      to: isoTime,
      offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
      limit: { type: 'integer', minimum: 1, maximum: 10_000 },
    },
  },
  listAccounts: empty,
  getProject: empty,
  listProjectVersions: empty,
  diffProjectVersions: { type: 'object', additionalProperties: false, required: ['a', 'b'], properties: { a: { type: 'integer', minimum: 1 }, b: { type: 'integer', minimum: 1 } } },
  restoreProjectVersion: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
  // The answers are checked against the wizard's own schema by the generator.
  generateProject: { type: 'object', additionalProperties: false, required: ['answers'], properties: { answers: { type: 'object' }, save: { type: 'boolean' } } },
  importStations: {
    type: 'object',
    additionalProperties: false,
    required: ['format', 'content'],
    properties: { format: { enum: ['csv', 'xlsx'] }, content: { type: 'string', minLength: 1, maxLength: 20_000_000 }, skipBadRows: { type: 'boolean' } },
  },
  runSelfTest: {
    type: 'object',
    additionalProperties: false,
    properties: {
      stationIds: { type: 'array', minItems: 1, maxItems: 10_000, items: stationId },
      remoteStartStop: { type: 'object', additionalProperties: false, required: ['idTag'], properties: { idTag: { type: 'string', minLength: 1, maxLength: 20 } } },
      bootTimeoutS: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
    },
  },
  // ---- Project screen (issue 7) ----
  previewProjectApply: { type: 'object', additionalProperties: false, properties: { versionId: { type: 'integer', minimum: 1 } } },
  applyProject: { type: 'object', additionalProperties: false, properties: { versionId: { type: 'integer', minimum: 1 } } },
  checkStationImport: {
    type: 'object',
    additionalProperties: false,
    required: ['format', 'content'],
    properties: { format: { enum: ['csv', 'xlsx'] }, content: { type: 'string', minLength: 1, maxLength: 20_000_000 } },
  },
  getSelfTestProgress: empty,
  getSelfTestReportHtml: empty,
  listStationTemplates: empty,
  // Template library, project bundle, add EV charging (issue 7)
  ...templateRequestSchemas,
  // Badge categories (issue 4)
  ...badgeCategoryRequestSchemas,
  ...projectSettingsRequestSchemas,
  ...reservationRequestSchemas,
  // ---- end of the project screen's schemas ----
  listGroups: empty,
  getAllocation: empty,
  setGroupLimit: {
    type: 'object',
    additionalProperties: false,
    required: ['groupId'],
    anyOf: [{ required: ['maxW'] }, { required: ['maxAPerPhase'] }],
    properties: {
      groupId: { type: 'string', minLength: 1, maxLength: 64 },
      maxW: { type: 'number', minimum: 0 },
      maxAPerPhase: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'number', minimum: 0 } },
    },
  },
  setGroupMode: {
    type: 'object',
    additionalProperties: false,
    required: ['groupId', 'mode'],
    properties: { groupId: { type: 'string', minLength: 1, maxLength: 64 }, mode: { enum: ['automatic', 'manual'] } },
  },
  // --- Smart charging: operator setpoints, what-if, staggered start, profile library (issue 4) ---
  setSessionSetpoint: {
    type: 'object',
    additionalProperties: false,
    required: ['transactionId', 'value'],
    properties: { transactionId: positiveInt, value: { anyOf: [{ type: 'number', minimum: 0, maximum: 10_000_000 }, { type: 'null' }] }, unit: { enum: ['A', 'W'] } },
  },
  setSessionNeeds: {
    type: 'object',
    additionalProperties: false,
    required: ['transactionId', 'departureAt', 'energyWh'],
    properties: {
      transactionId: positiveInt,
      departureAt: { anyOf: [isoTime, { type: 'null' }] },
      energyWh: { anyOf: [{ type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 }, { type: 'null' }] },
    },
  },
  previewAllocation: {
    type: 'object',
    additionalProperties: false,
    properties: {
      limits: {
        type: 'array',
        maxItems: 1000,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['groupId'],
          properties: { groupId, maxW: { type: 'number', minimum: 0 }, maxAPerPhase: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'number', minimum: 0 } } },
        },
      },
      modes: {
        type: 'array',
        maxItems: 1000,
        items: { type: 'object', additionalProperties: false, required: ['groupId', 'mode'], properties: { groupId, mode: { enum: ['automatic', 'manual'] } } },
      },
    },
  },
  getSmartChargingSettings: empty,
  putSmartChargingSettings: {
    type: 'object',
    additionalProperties: false,
    required: ['staggeredStart'],
    properties: {
      staggeredStart: {
        type: 'object',
        additionalProperties: false,
        required: ['enabled', 'mode', 'windowS'],
        properties: {
          enabled: { type: 'boolean' },
          mode: { enum: ['ordered', 'random'] },
          windowS: { type: 'number', exclusiveMinimum: 0, maximum: 4 * 3600 },
          spacingS: { type: 'number', exclusiveMinimum: 0, maximum: 3600 },
          minOccupancy: { type: 'number', minimum: 0, maximum: 1 },
        },
      },
    },
  },
  listChargingProfiles: empty,
  validateChargingProfile: { type: 'object', additionalProperties: false, required: ['profile'], properties: { profile: chargingProfileSchema, targets: profileTargets } },
  putChargingProfile: chargingProfileSchema,
  deleteChargingProfile: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: profileId, clearFromStations: { type: 'boolean' } } },
  uploadChargingProfile: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'targets'],
    properties: { id: profileId, targets: profileTargets, force: { type: 'boolean' } },
  },
  // ---- station page (issue 3) ----
  stationPowerHistory: {
    type: 'object',
    additionalProperties: false,
    required: ['stationId'],
    properties: { stationId, from: isoTime, to: isoTime, maxPoints: { type: 'integer', minimum: 2, maximum: 5000 } },
  },
  stationFrames: {
    type: 'object',
    additionalProperties: false,
    required: ['stationId'],
    properties: { stationId, limit: { type: 'integer', minimum: 1, maximum: 5000 }, beforeId: positiveInt },
  },
  watchStationFrames: {
    type: 'object',
    additionalProperties: false,
    required: ['stationId', 'watch'],
    properties: { stationId, watch: { type: 'boolean' } },
  },
  transactionsExportTicket: empty,
  // ---- Alarm rule editor and notification settings (issue 5): the rule and the settings
  // document are checked field by field by their own checkers, which name every problem.
  listAlarmRules: empty,
  putAlarmRule: {
    type: 'object',
    additionalProperties: false,
    required: ['rule'],
    properties: { rule: { type: 'object' }, replaces: { type: 'string', minLength: 1, maxLength: 64 } },
  },
  deleteAlarmRule: { type: 'object', additionalProperties: false, required: ['ruleId'], properties: { ruleId: { type: 'string', minLength: 1, maxLength: 64 } } },
  validateAlarmRule: {
    type: 'object',
    additionalProperties: false,
    required: ['rule'],
    properties: { rule: { type: 'object' }, replaces: { type: 'string', minLength: 1, maxLength: 64 } },
  },
  getNotificationSettings: empty,
  putNotificationSettings: { type: 'object', additionalProperties: false, required: ['settings'], properties: { settings: { type: 'object' } } },
  testNotification: {
    type: 'object',
    additionalProperties: false,
    required: ['channel', 'to'],
    properties: { channel: { enum: ['email', 'sms', 'push'] }, to: { type: 'string', maxLength: 254 } },
  },
  // ---- end of issue 5
  // --- Ground plans per park: positions from the project, edit mode, backgrounds (issue 3) ---
  listGroundPlans: empty,
  getGroundPlanBackground: { type: 'object', additionalProperties: false, required: ['parkId'], properties: { parkId: planParkId } },
  saveGroundPlan: {
    type: 'object',
    additionalProperties: false,
    required: ['parkId', 'placements'],
    properties: {
      parkId: planParkId,
      placements: {
        type: 'array',
        maxItems: 20_000,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['stationId', 'x', 'y'],
          properties: { stationId: { type: 'string', minLength: 1, maxLength: 48 }, x: planPercent, y: planPercent },
        },
      },
      background: {
        anyOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['contentType', 'data'],
            properties: { contentType: { enum: ['image/png', 'image/jpeg', 'image/svg+xml'] }, data: { type: 'string', minLength: 1, maxLength: 2_900_000, pattern: '^[A-Za-z0-9+/]+={0,2}$' } },
          },
          { type: 'null' },
        ],
      },
      unplace: { type: 'array', maxItems: 20_000, items: { type: 'string', minLength: 1, maxLength: 48 } },
      baseVersion: { anyOf: [positiveInt, { type: 'null' }] },
    },
  },
  putAccount: {
    type: 'object',
    additionalProperties: false,
    required: ['username', 'role'],
    properties: {
      username: { type: 'string', minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' },
      role: { enum: ['viewer', 'operator', 'maintenance', 'engineer', 'administrator'] },
      password: { type: 'string', minLength: 10, maxLength: 256 },
      disabled: { type: 'boolean' },
    },
  },
  // ---- Ground-plan symbol library (issue 7): the symbol itself is checked field by field by the
  // project schema (planSymbolSchema), whose messages point at the faulty field.
  listSymbols: empty,
  putSymbol: { type: 'object', additionalProperties: false, required: ['symbol'], properties: { symbol: { type: 'object' }, baseVersion: { anyOf: [positiveInt, { type: 'null' }] } } },
  deleteSymbol: {
    type: 'object',
    additionalProperties: false,
    required: ['id'],
    properties: { id: { type: 'string', minLength: 1, maxLength: 48 }, baseVersion: { anyOf: [positiveInt, { type: 'null' }] } },
  },
  // ---- Overview (hypervision) and energy dashboard ---------------------------------------------
  listSites: empty,
  energySummary: energySummaryQuerySchema,
  powerSeries: powerSeriesQuerySchema,
  meterTrend: meterTrendQuerySchema,
};
