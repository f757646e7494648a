// JSON Schemas of every project format (format 1 kept to read old files), of a station template and of
// the wizard's answers, plus the translation of ajv errors into plain words at a JSON pointer.
import { badgeSchema } from '../../src-shared/api/schemas.ts';
import { ALARM_SEVERITY_NAMES, CONNECTOR_TYPES, SYMBOL_SHAPES, SYMBOL_SIZES, SYMBOL_SLOTS, SYMBOL_STATES, SYMBOL_VALUES } from '../../src-shared/project/index.ts';
import { createAjv, type ErrorObject, type ValidateFunction } from '../schemas/index.ts';

type Schema = Record<string, unknown>;

/** One thing wrong with a project (or answers, or template): where (JSON pointer) and what, in words. */
export interface ProjectProblem {
  /** JSON pointer of the faulty field in the document as given ('' = the whole document). */
  pointer: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const id: Schema = {
  type: 'string',
  minLength: 1,
  maxLength: 48,
  pattern: '^[\\x21-\\x7e]+$',
  description: '1 to 48 visible ASCII characters, without spaces',
};
const text: Schema = { type: 'string', maxLength: 200 };
const nonEmptyText: Schema = { type: 'string', minLength: 1, maxLength: 200 };
const protocol: Schema = { enum: ['ocpp1.6', 'ocpp2.0.1'] };
const positivePower: Schema = { type: 'number', exclusiveMinimum: 0 };
const percent: Schema = { type: 'number', minimum: 0, maximum: 100 };
const position: Schema = { type: 'object', additionalProperties: false, required: ['x', 'y'], properties: { x: percent, y: percent } };
const phaseCurrents: Schema = {
  type: 'array',
  minItems: 3,
  maxItems: 3,
  items: { type: 'number', minimum: 0 },
  description: 'three currents [L1, L2, L3] in A',
};
const password: Schema = { type: 'string', minLength: 8, maxLength: 64 };
const securityProfile: Schema = { enum: [0, 1, 2, 3] };

const settings: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    autoAccept: { type: 'boolean' },
    heartbeatIntervalS: { type: 'integer', minimum: 10, maximum: 86_400 },
    staleTransactionHours: { type: 'number', exclusiveMinimum: 0 },
    timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'an IANA time zone, e.g. Europe/Paris' },
  },
};

const connectorSpec: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { type: { enum: [...CONNECTOR_TYPES] }, maxPowerW: positivePower, label: { type: 'string', maxLength: 40 } },
};

export const alarmRuleSchema: Schema = {
  type: 'object',
  required: ['id', 'name', 'kind', 'severity'],
  properties: {
    id,
    name: nonEmptyText,
    kind: { type: 'string', minLength: 1, maxLength: 64 },
    severity: { enum: [...ALARM_SEVERITY_NAMES] },
    enabled: { type: 'boolean' },
  },
};

const configuration: Schema = {
  type: 'object',
  propertyNames: { minLength: 1, maxLength: 50 },
  additionalProperties: { type: 'string', maxLength: 500 },
};

const templateValueProperties: Record<string, Schema> = {
  vendor: text,
  model: text,
  kind: { enum: ['AC', 'DC'] },
  maxPowerW: positivePower,
  supplyMaxPowerW: positivePower,
  phases: { enum: [1, 3] },
  maxCurrentA: { type: 'number', exclusiveMinimum: 0 },
  efficiency: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
  connectors: { type: 'array', minItems: 1, maxItems: 32, items: connectorSpec },
  protocol,
  securityProfile,
  configuration,
  symbol: id,
  alarmRules: { type: 'array', items: alarmRuleSchema },
};

export const stationTemplateSchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'kind', 'maxPowerW', 'connectors', 'protocol'],
  properties: { id, name: nonEmptyText, description: { type: 'string', maxLength: 2000 }, ...templateValueProperties },
};

const { protocol: _protocol, ...overridableProperties } = templateValueProperties;
export const stationOverridesSchema: Schema = { type: 'object', additionalProperties: false, properties: overridableProperties };

const stationInstance: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'template', 'group'],
  properties: {
    id,
    template: id,
    group: id,
    name: text,
    protocol,
    password,
    position,
    overrides: stationOverridesSchema,
  },
};

const electricalGroup: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'maxPowerW'],
  properties: { id, name: text, maxPowerW: { type: 'number', minimum: 0 }, parent: id, maxCurrentA: phaseCurrents },
};

const park: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'groups', 'stations'],
  properties: { id, name: text, groups: { type: 'array', items: electricalGroup }, stations: { type: 'array', items: stationInstance } },
};

const site: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'parks'],
  properties: { id, name: text, address: { type: 'string', maxLength: 500 }, parks: { type: 'array', items: park } },
};

const view: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name'],
  properties: {
    id,
    name: nonEmptyText,
    park: id,
    background: { type: 'string', maxLength: 5_000_000 },
    placements: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['station', 'x', 'y'], properties: { station: id, x: percent, y: percent } },
    },
    links: { type: 'array', items: id },
    home: { type: 'boolean' },
  },
};

const role: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'permissions'],
  properties: { id, name: nonEmptyText, permissions: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 } } },
};

const login: Schema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$', description: 'letters, digits and . _ @ -' };

const user: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['login', 'role'],
  properties: {
    login,
    name: text,
    role: id,
    email: { type: 'string', format: 'email' },
    passwordHash: { type: 'string', minLength: 1, maxLength: 500 },
    mustChangePassword: { type: 'boolean' },
  },
};

export const archiveSettingsSchema: Schema = {
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      properties: { kind: { const: 'sqlite' }, file: { type: 'string', minLength: 1, maxLength: 500 } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['server', 'database'],
      properties: {
        kind: { const: 'sqlserver' },
        server: { type: 'string', minLength: 1, maxLength: 255 },
        port: { type: 'integer', minimum: 1, maximum: 65_535 },
        instanceName: { type: 'string', minLength: 1, maxLength: 128 },
        database: { type: 'string', minLength: 1, maxLength: 128 },
        authentication: { enum: ['sql', 'windows'] },
        user: { type: 'string', minLength: 1, maxLength: 128 },
        passwordEnv: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'an environment variable name' },
        encrypt: { type: 'boolean' },
        trustServerCertificate: { type: 'boolean' },
      },
    },
  ],
};

const badgeCategory: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name'],
  properties: {
    id,
    name: nonEmptyText,
    description: { type: 'string', maxLength: 2000 },
    color: { type: 'string', maxLength: 32 },
    charging: {
      type: 'object',
      additionalProperties: false,
      properties: {
        priority: { type: 'number', exclusiveMinimum: 0, maximum: 100, description: 'a share weight above 0 (1 = normal)' },
        departureTime: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'a time of day written HH:MM, e.g. 17:30' },
        energyWh: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 },
        targetSocPercent: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
        batteryWh: { type: 'number', exclusiveMinimum: 0, maximum: 2_000_000 },
        vehicleMaxW: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 },
        preconditioning: {
          type: 'object',
          additionalProperties: false,
          required: ['minutes', 'powerW'],
          properties: { minutes: { type: 'integer', minimum: 1, maximum: 240 }, powerW: { type: 'number', exclusiveMinimum: 0, maximum: 50_000 } },
        },
      },
    },
  },
};

const projectBadge: Schema = {
  ...badgeSchema,
  properties: { ...(badgeSchema.properties as Record<string, Schema>), category: id },
};

// ---- Ground-plan symbols (issue 7) ----
const symbolColor: Schema = { type: 'string', pattern: '^#[0-9a-fA-F]{6}$', description: 'a colour written #rrggbb, e.g. #3b9eff' };
const symbolValue: Schema = { enum: [...SYMBOL_VALUES] };
export const planSymbolSchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'shape', 'size', 'colors', 'slots', 'animation'],
  properties: {
    id,
    name: nonEmptyText,
    description: { type: 'string', maxLength: 2000 },
    shape: { enum: [...SYMBOL_SHAPES] },
    size: { enum: [...SYMBOL_SIZES] },
    colors: { type: 'object', additionalProperties: false, required: [...SYMBOL_STATES], properties: Object.fromEntries(SYMBOL_STATES.map((s) => [s, symbolColor])) },
    slots: { type: 'object', additionalProperties: false, required: [...SYMBOL_SLOTS], properties: Object.fromEntries(SYMBOL_SLOTS.map((s) => [s, symbolValue])) },
    animation: { type: 'object', additionalProperties: false, required: ['charging', 'faulted'], properties: { charging: { type: 'boolean' }, faulted: { type: 'boolean' } } },
  },
};
// ---- end of ground-plan symbols ----

// ---------------------------------------------------------------------------------------------
// Project formats

/** Format 1, exactly as the first loader accepted it (extra fields were tolerated, and still are). */
export const projectSchemaV1: Schema = {
  type: 'object',
  required: ['formatVersion', 'name', 'sites'],
  properties: {
    formatVersion: { const: 1 },
    name: { type: 'string', minLength: 1 },
    settings,
    sites: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'groups', 'stations'],
        properties: {
          id,
          name: { type: 'string' },
          groups: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'name', 'maxPowerW'],
              properties: { id, name: { type: 'string' }, maxPowerW: { type: 'number', minimum: 0 }, parent: id },
            },
          },
          stations: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'group', 'protocol', 'kind', 'maxPowerW', 'connectors'],
              properties: {
                id,
                group: id,
                protocol,
                password,
                vendor: { type: 'string' },
                model: { type: 'string' },
                kind: { enum: ['AC', 'DC'] },
                maxPowerW: positivePower,
                connectors: { type: 'integer', minimum: 1, maximum: 32 },
                phases: { enum: [1, 3] },
                position: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } },
              },
            },
          },
        },
      },
    },
    badges: { type: 'array', items: badgeSchema },
  },
};

export const projectSchemaV2: Schema = {
  $id: 'https://ev-supervisor.local/schemas/project-v2.json',
  title: 'EV Supervisor project, format 2',
  type: 'object',
  additionalProperties: false,
  required: ['formatVersion', 'name', 'sites', 'templates'],
  properties: {
    formatVersion: { const: 2 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 5000 },
    settings,
    sites: { type: 'array', items: site },
    templates: { type: 'array', items: stationTemplateSchema },
    views: { type: 'array', items: view },
    alarmRules: { type: 'array', items: alarmRuleSchema },
    roles: { type: 'array', items: role },
    users: { type: 'array', items: user },
    archive: archiveSettingsSchema,
    badgeCategories: { type: 'array', items: badgeCategory },
    badges: { type: 'array', items: projectBadge },
    symbols: { type: 'array', items: planSymbolSchema },
  },
};

/** What every format has: used to say something useful about a file of an unknown format. */
export const projectEnvelopeSchema: Schema = {
  type: 'object',
  required: ['formatVersion', 'name'],
  properties: { name: { type: 'string', minLength: 1 } },
};

// ---------------------------------------------------------------------------------------------
// Wizard answers

const wizardBatch: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['template', 'pattern', 'group'],
  properties: {
    template: id,
    pattern: { type: 'string', minLength: 1, maxLength: 100 },
    count: { type: 'integer', minimum: 1, maximum: 10_000 },
    group: id,
    protocol,
    securityProfile,
    overrides: stationOverridesSchema,
  },
};

export const wizardAnswersSchema: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'sites'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 5000 },
    sites: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'parks'],
        properties: {
          id,
          name: text,
          address: { type: 'string', maxLength: 500 },
          parks: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'name', 'groups', 'stations'],
              properties: {
                id,
                name: text,
                groups: { type: 'array', minItems: 1, items: electricalGroup },
                stations: { type: 'array', items: wizardBatch },
              },
            },
          },
        },
      },
    },
    templates: { type: 'array', items: stationTemplateSchema },
    security: {
      type: 'object',
      additionalProperties: false,
      properties: { protocol, securityProfile, passwordSeed: { type: 'string', minLength: 16, maxLength: 200 } },
    },
    archive: archiveSettingsSchema,
    roles: { type: 'array', items: role },
    operators: { type: 'array', items: user },
    layout: {
      type: 'object',
      additionalProperties: false,
      properties: { columns: { type: 'integer', minimum: 1, maximum: 100 }, margin: { type: 'number', minimum: 0, maximum: 40 } },
    },
    settings,
  },
};

// ---------------------------------------------------------------------------------------------
// Compiled validators and plain-word errors

const ajv = createAjv({ allErrors: true, verbose: true, discriminator: true });
const compiled = new Map<Schema, ValidateFunction>();

function validator(schema: Schema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function list(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(', ') : JSON.stringify(values);
}

function describeType(type: unknown): string {
  const names: Record<string, string> = {
    string: 'a text',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    object: 'an object { ... }',
    array: 'a list [ ... ]',
    null: 'null',
  };
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => names[String(t)] ?? String(t)).join(' or ');
}

/** One ajv error in words; null for errors that only summarise others. */
function words(error: ErrorObject): ProjectProblem | null {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Schema;
  const hint = typeof parent.description === 'string' ? ` (${parent.description})` : '';
  switch (error.keyword) {
    case 'required':
      return { pointer: `${at}/${escapePointer(String(params.missingProperty))}`, message: 'is required' };
    case 'additionalProperties': {
      const known = parent.properties && typeof parent.properties === 'object' ? Object.keys(parent.properties) : [];
      return {
        pointer: `${at}/${escapePointer(String(params.additionalProperty))}`,
        message: `is not a known field${known.length > 0 ? ` (known fields: ${known.join(', ')})` : ''}`,
      };
    }
    case 'enum':
      return { pointer: at, message: `must be one of ${list(params.allowedValues)}` };
    case 'const':
      return { pointer: at, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return { pointer: at, message: `must be ${describeType(params.type)}` };
    case 'minLength':
      return { pointer: at, message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long` };
    case 'maxLength':
      return { pointer: at, message: `must be at most ${String(params.limit)} characters long` };
    case 'pattern':
      return { pointer: at, message: `has characters that are not allowed${hint}` };
    case 'format':
      return { pointer: at, message: `must be ${params.format === 'date-time' ? 'a date-time such as 2025-01-31T12:00:00Z' : `a valid ${String(params.format)}`}` };
    case 'minimum':
      return { pointer: at, message: `must be at least ${String(params.limit)}` };
    case 'maximum':
      return { pointer: at, message: `must be at most ${String(params.limit)}` };
    case 'exclusiveMinimum':
      return { pointer: at, message: `must be more than ${String(params.limit)}` };
    case 'exclusiveMaximum':
      return { pointer: at, message: `must be less than ${String(params.limit)}` };
    case 'minItems':
      return { pointer: at, message: `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}${hint}` };
    case 'maxItems':
      return { pointer: at, message: `must have at most ${String(params.limit)} item${params.limit === 1 ? '' : 's'}${hint}` };
    case 'discriminator':
      // A missing tag is already reported by `required`.
      if (params.error === 'tag' && params.tagValue === undefined) return null;
      return { pointer: `${at}/${escapePointer(String(params.tag))}`, message: 'must be one of the known kinds ("sqlite", "sqlserver")' };
    case 'propertyNames':
    case 'if':
    case 'oneOf':
    case 'anyOf':
      return null;
    default:
      return { pointer: at, message: error.message ?? 'is invalid' };
  }
}

/** Plain-word problems from ajv errors; alternatives (anyOf) at one field become "must be A or B". */
export function problemsFromAjv(errors: readonly ErrorObject[] | null | undefined): ProjectProblem[] {
  const all = errors ?? [];
  const anyOfPaths = all.filter((e) => e.keyword === 'anyOf').map((e) => ({ at: e.instancePath, schemaPath: e.schemaPath }));
  const problems: ProjectProblem[] = [];
  const alternatives = new Map<string, string[]>();
  for (const error of all) {
    const alternative = anyOfPaths.find((a) => a.at === error.instancePath && error.schemaPath.startsWith(`${a.schemaPath}/`));
    const problem = words(error);
    if (!problem) continue;
    if (alternative && error.keyword !== 'required') {
      const key = error.instancePath;
      const messages = alternatives.get(key) ?? [];
      messages.push(problem.message.replace(/^must be /, ''));
      alternatives.set(key, messages);
      continue;
    }
    problems.push(problem);
  }
  for (const [pointer, messages] of alternatives) problems.push({ pointer, message: `must be ${[...new Set(messages)].join(' or ')}` });
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validates data against one of the schemas above; [] when valid. */
export function schemaProblems(schema: Schema, data: unknown): ProjectProblem[] {
  const validate = validator(schema);
  return validate(data) ? [] : problemsFromAjv(validate.errors);
}

/** "  /sites/0/name must not be empty" lines, at most `max` of them. */
export function formatProblems(problems: readonly ProjectProblem[], max = 20): string {
  const lines = problems.slice(0, max).map((p) => `  ${p.pointer || '(root)'} ${p.message}`);
  if (problems.length > max) lines.push(`  ... and ${problems.length - max} more`);
  return lines.join('\n');
}
