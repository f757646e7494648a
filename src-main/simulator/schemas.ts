// Validation against the official OCPP JSON schemas (src-shared/ocpp/schemas): the simulator
// checks what it receives, and by default what it sends, so its frames are known to be valid.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OcppProtocol } from './types.ts';

const SCHEMA_FILES: Record<OcppProtocol, string> = {
  'ocpp1.6': 'ocpp1_6.json',
  'ocpp2.0.1': 'ocpp2_0_1.json',
};

export type SchemaFault = 'occurrence' | 'type' | 'property' | 'format';

export type SchemaCheck = { ok: true } | { ok: false; fault: SchemaFault; message: string } | { ok: 'unknown' };

export interface SchemaValidator {
  /** Whether the version defines this action at all. */
  knows(action: string): boolean;
  request(action: string, payload: unknown): SchemaCheck;
  response(action: string, payload: unknown): SchemaCheck;
}

const cache = new Map<OcppProtocol, SchemaValidator>();

/** One compiled validator per version, shared by every simulated station. */
export function validatorFor(protocol: OcppProtocol): SchemaValidator {
  let validator = cache.get(protocol);
  if (!validator) {
    validator = createValidator(protocol);
    cache.set(protocol, validator);
  }
  return validator;
}

function faultOf(error: ErrorObject | undefined): SchemaFault {
  switch (error?.keyword) {
    case 'required':
    case 'minItems':
    case 'maxItems':
      return 'occurrence';
    case 'type':
      return 'type';
    case undefined:
      return 'format';
    default:
      return 'property';
  }
}

function createValidator(protocol: OcppProtocol): SchemaValidator {
  const url = new URL(`../../src-shared/ocpp/schemas/${SCHEMA_FILES[protocol]}`, import.meta.url);
  const schemas = JSON.parse(readFileSync(url, 'utf8')) as Array<{ $id: string }>;
  // strict off: the official schemas carry annotations ajv's strict mode refuses (javaType...).
  // multipleOfPrecision: limits like 7.3 with multipleOf 0.1 must not fail on float noise.
  const ajv = new Ajv({ strict: false, allErrors: false, multipleOfPrecision: 6 });
  addFormatsModule.default(ajv);
  // The official ids are URNs ("urn:Heartbeat.req") that ajv's URI library cannot serialise:
  // register each schema under a plain key ("Heartbeat.req") instead; their $refs are all local.
  const ids = new Set<string>();
  for (const { $id, ...schema } of schemas) {
    const key = $id.replace(/^urn:/, '');
    ajv.addSchema(schema, key);
    ids.add(key);
  }

  const check = (id: string, payload: unknown): SchemaCheck => {
    if (!ids.has(id)) return { ok: 'unknown' };
    const fn: ValidateFunction | undefined = ajv.getSchema(id);
    if (!fn) return { ok: 'unknown' };
    if (fn(payload)) return { ok: true };
    return { ok: false, fault: faultOf(fn.errors?.[0]), message: ajv.errorsText(fn.errors, { dataVar: 'payload' }) };
  };

  return {
    knows: (action) => ids.has(`${action}.req`),
    request: (action, payload) => check(`${action}.req`, payload),
    response: (action, payload) => check(`${action}.conf`, payload),
  };
}
