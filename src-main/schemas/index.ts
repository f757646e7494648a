// One way to build an ajv instance with the standard formats (date-time...) for every
// service that validates JSON against a schema.
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

type AddFormats = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS with a default export; under ESM it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ strict: false, ...options });
  addFormats(ajv);
  return ajv;
}

export type { Ajv, ValidateFunction, ErrorObject } from 'ajv';
