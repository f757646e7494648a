// Schema validation of every OCPP payload against the official OCA JSON schemas,
// compiled once per version at start-up (ajv). Errors map to the RPC error kind the
// OCPP-J specifications name for each class of violation.
import { createAjv, type ErrorObject, type ValidateFunction } from '../schemas/index.ts';
import { createRequire } from 'node:module';
import type { OcppProtocol } from '../../src-shared/domain/index.ts';
import type { RpcErrorKind } from './errors.ts';

const require = createRequire(import.meta.url);
const SCHEMA_FILES: Record<OcppProtocol, string> = {
  'ocpp1.6': '../../src-shared/ocpp/schemas/ocpp1_6.json',
  'ocpp2.0.1': '../../src-shared/ocpp/schemas/ocpp2_0_1.json',
};

export interface ValidationFailure {
  kind: RpcErrorKind;
  message: string;
}

export interface PayloadValidator {
  /** Actions this version defines (requests). */
  readonly actions: ReadonlySet<string>;
  /** null when valid, else the violation. `direction` req = CALL payload, conf = CALLRESULT payload. */
  validate(action: string, direction: 'req' | 'conf', payload: unknown): ValidationFailure | null;
}

interface JsonSchema {
  $id: string;
  [key: string]: unknown;
}

function classify(errors: ErrorObject[]): RpcErrorKind {
  const first = errors[0];
  switch (first?.keyword) {
    case 'required':
    case 'additionalProperties':
    case 'minItems':
    case 'maxItems':
    case 'dependencies':
    case 'dependentRequired':
      return 'OccurrenceConstraintViolation';
    case 'type':
      return 'TypeConstraintViolation';
    case 'enum':
    case 'const':
    case 'maxLength':
    case 'minLength':
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
    case 'pattern':
    case 'format':
    case 'multipleOf':
      return 'PropertyConstraintViolation';
    default:
      return 'FormatViolation';
  }
}

function describe(errors: ErrorObject[]): string {
  return errors
    .slice(0, 3)
    .map((e) => `${e.instancePath || '(payload)'} ${e.message ?? 'is invalid'}`)
    .join('; ');
}

const cache = new Map<OcppProtocol, PayloadValidator>();

export function payloadValidator(protocol: OcppProtocol): PayloadValidator {
  const cached = cache.get(protocol);
  if (cached) return cached;
  const schemas = require(SCHEMA_FILES[protocol]) as JsonSchema[];
  // strict: false because the official schemas carry keywords ajv does not know (javaType, comment).
  const ajv = createAjv({ allErrors: false, validateSchema: false });
  const compiled = new Map<string, ValidateFunction>();
  const actions = new Set<string>();
  for (const schema of schemas) {
    const match = /^urn:(.+)\.(req|conf)$/.exec(schema.$id);
    if (!match) continue;
    const [, action, direction] = match as unknown as [string, string, string];
    // $schema names drafts ajv does not ship and the urn: $id trips ajv's URI resolver; the
    // schemas only use local #/definitions refs, so both are dropped before compiling.
    const { $schema: _draft, $id: _id, ...body } = schema;
    compiled.set(`${action}.${direction}`, ajv.compile(body));
    if (direction === 'req') actions.add(action);
  }
  const validator: PayloadValidator = {
    actions,
    validate(action, direction, payload) {
      const fn = compiled.get(`${action}.${direction}`);
      if (!fn) return { kind: 'NotImplemented', message: `unknown action ${action}` };
      if (fn(payload)) return null;
      const errors = fn.errors ?? [];
      return { kind: classify(errors), message: describe(errors) };
    },
  };
  cache.set(protocol, validator);
  return validator;
}
