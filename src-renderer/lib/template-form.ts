// The station template editor's form, pure: a template as the fields people type (kW, lines of
// configuration, alarm rules as JSON text), per-field validation with error keys the screen
// translates (templateLibrary.errors.*), and the conversion back to a StationTemplate. The main
// process checks the result again; this only lets people see each problem next to its field.
import type { OcppProtocol } from '../../src-shared/domain/index.ts';
import { ALARM_SEVERITY_NAMES, CONNECTOR_TYPES, type ConnectorType, type ProjectAlarmRule, type StationTemplate } from '../../src-shared/project/index.ts';

export interface TemplateConnectorForm {
  type: '' | ConnectorType;
  /** kW as typed; empty = the station's per-connector power. */
  maxKw: string;
  label: string;
}

export interface TemplateForm {
  id: string;
  name: string;
  description: string;
  vendor: string;
  model: string;
  kind: 'AC' | 'DC';
  /** Power per connector, kW as typed. */
  maxKw: string;
  /** Shared supply limit, kW; empty = none. */
  supplyKw: string;
  phases: '' | '1' | '3';
  maxCurrentA: string;
  efficiency: string;
  connectors: TemplateConnectorForm[];
  protocol: OcppProtocol;
  securityProfile: '' | '0' | '1' | '2' | '3';
  /** One "Key=Value" per line. */
  configuration: string;
  /** Ground-plan symbol id (the symbol library names them). */
  symbol: string;
  /** The template's alarm rules as a JSON list. */
  alarmRules: string;
}

export const TEMPLATE_ERROR_KEYS = [
  'required',
  'idChars',
  'idTaken',
  'tooLong',
  'positive',
  'number',
  'efficiency',
  'connectorsMin',
  'connectorsMax',
  'configLine',
  'configKey',
  'configDuplicate',
  'json',
  'rulesList',
  'ruleFields',
  'ruleSeverity',
  'ruleDuplicate',
] as const;
export type TemplateErrorKey = (typeof TEMPLATE_ERROR_KEYS)[number];

export interface TemplateFormError {
  /** Form field: "maxKw", "connectors.0.maxKw", "configuration"... */
  field: string;
  key: TemplateErrorKey;
  params?: Record<string, string | number>;
}

const ID_PATTERN = /^[\x21-\x7e]{1,48}$/;

function kw(watts: number | undefined): string {
  return watts === undefined ? '' : String(Math.round(watts) / 1000);
}

export function emptyTemplateForm(): TemplateForm {
  return {
    id: '',
    name: '',
    description: '',
    vendor: '',
    model: '',
    kind: 'AC',
    maxKw: '22',
    supplyKw: '',
    phases: '3',
    maxCurrentA: '32',
    efficiency: '',
    connectors: [{ type: 'Type2', maxKw: '', label: '' }],
    protocol: 'ocpp2.0.1',
    securityProfile: '1',
    configuration: '',
    symbol: '',
    alarmRules: '[]',
  };
}

export function formFromTemplate(t: StationTemplate): TemplateForm {
  return {
    id: t.id,
    name: t.name,
    description: t.description ?? '',
    vendor: t.vendor ?? '',
    model: t.model ?? '',
    kind: t.kind,
    maxKw: kw(t.maxPowerW),
    supplyKw: kw(t.supplyMaxPowerW),
    phases: t.phases === undefined ? '' : (String(t.phases) as '1' | '3'),
    maxCurrentA: t.maxCurrentA === undefined ? '' : String(t.maxCurrentA),
    efficiency: t.efficiency === undefined ? '' : String(t.efficiency),
    connectors: t.connectors.map((c) => ({ type: c.type ?? '', maxKw: kw(c.maxPowerW), label: c.label ?? '' })),
    protocol: t.protocol,
    securityProfile: t.securityProfile === undefined ? '' : (String(t.securityProfile) as '0' | '1' | '2' | '3'),
    configuration: Object.entries(t.configuration ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    symbol: t.symbol ?? '',
    alarmRules: JSON.stringify(t.alarmRules ?? [], null, 2),
  };
}

/** A copy to save under a new id: "<id>-copy" (then -copy-2...), not taken by `taken`. */
export function duplicateForm(t: StationTemplate, taken: ReadonlySet<string>, nameSuffix: string): TemplateForm {
  const form = formFromTemplate(t);
  const stem = t.id.slice(0, 40);
  let id = `${stem}-copy`;
  for (let n = 2; taken.has(id); n++) id = `${stem}-copy-${n}`;
  return { ...form, id, name: `${t.name} ${nameSuffix}`.slice(0, 200) };
}

function number(text: string): number | null {
  const value = Number(text.trim().replace(',', '.'));
  return text.trim() !== '' && Number.isFinite(value) ? value : null;
}

/** "Key=Value" lines → entries; blank lines skipped. Null entries mark bad lines (1-based). */
function configurationLines(text: string): Array<{ line: number; key: string; value: string } | { line: number; bad: true }> {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ raw: raw.trim(), line: i + 1 }))
    .filter((l) => l.raw !== '')
    .map(({ raw, line }) => {
      const at = raw.indexOf('=');
      if (at <= 0) return { line, bad: true as const };
      return { line, key: raw.slice(0, at).trim(), value: raw.slice(at + 1).trim() };
    });
}

function parseRules(text: string): { rules: ProjectAlarmRule[] } | { error: TemplateFormError } {
  if (text.trim() === '') return { rules: [] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { error: { field: 'alarmRules', key: 'json', params: { detail: e instanceof Error ? e.message : String(e) } } };
  }
  if (!Array.isArray(data)) return { error: { field: 'alarmRules', key: 'rulesList' } };
  const seen = new Set<string>();
  for (const [i, rule] of data.entries()) {
    const r = rule as Partial<ProjectAlarmRule> | null;
    if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || r.id === '' || typeof r.name !== 'string' || r.name === '' || typeof r.kind !== 'string' || r.kind === '') {
      return { error: { field: 'alarmRules', key: 'ruleFields', params: { n: i + 1 } } };
    }
    if (!(ALARM_SEVERITY_NAMES as readonly unknown[]).includes(r.severity)) return { error: { field: 'alarmRules', key: 'ruleSeverity', params: { n: i + 1, severities: ALARM_SEVERITY_NAMES.join(', ') } } };
    if (seen.has(r.id)) return { error: { field: 'alarmRules', key: 'ruleDuplicate', params: { id: r.id } } };
    seen.add(r.id);
  }
  return { rules: data as ProjectAlarmRule[] };
}

/** Every problem of the form, each at its field. `taken`: ids a new template may not use. */
export function validateTemplateForm(form: TemplateForm, options: { create: boolean; taken: ReadonlySet<string> }): TemplateFormError[] {
  const errors: TemplateFormError[] = [];
  const add = (field: string, key: TemplateErrorKey, params?: Record<string, string | number>) => errors.push(params ? { field, key, params } : { field, key });
  if (form.id.trim() === '') add('id', 'required');
  else if (!ID_PATTERN.test(form.id)) add('id', 'idChars');
  else if (options.create && options.taken.has(form.id)) add('id', 'idTaken', { id: form.id });
  if (form.name.trim() === '') add('name', 'required');
  else if (form.name.length > 200) add('name', 'tooLong', { max: 200 });
  for (const field of ['vendor', 'model'] as const) if (form[field].length > 200) add(field, 'tooLong', { max: 200 });
  if (form.description.length > 2000) add('description', 'tooLong', { max: 2000 });
  const positive = (field: string, text: string, optional: boolean) => {
    if (text.trim() === '') {
      if (!optional) add(field, 'required');
      return;
    }
    const value = number(text);
    if (value === null) add(field, 'number');
    else if (value <= 0) add(field, 'positive');
  };
  positive('maxKw', form.maxKw, false);
  positive('supplyKw', form.supplyKw, true);
  positive('maxCurrentA', form.maxCurrentA, true);
  if (form.efficiency.trim() !== '') {
    const value = number(form.efficiency);
    if (value === null) add('efficiency', 'number');
    else if (value <= 0 || value > 1) add('efficiency', 'efficiency');
  }
  if (form.connectors.length === 0) add('connectors', 'connectorsMin');
  if (form.connectors.length > 32) add('connectors', 'connectorsMax', { max: 32 });
  form.connectors.forEach((c, i) => {
    positive(`connectors.${i}.maxKw`, c.maxKw, true);
    if (c.label.length > 40) add(`connectors.${i}.label`, 'tooLong', { max: 40 });
  });
  if (form.symbol !== '' && !ID_PATTERN.test(form.symbol)) add('symbol', 'idChars');
  const keys = new Set<string>();
  for (const entry of configurationLines(form.configuration)) {
    if ('bad' in entry) {
      add('configuration', 'configLine', { line: entry.line });
      break;
    }
    if (entry.key.length > 50 || entry.value.length > 500) {
      add('configuration', 'configKey', { line: entry.line });
      break;
    }
    if (keys.has(entry.key)) {
      add('configuration', 'configDuplicate', { key: entry.key });
      break;
    }
    keys.add(entry.key);
  }
  const rules = parseRules(form.alarmRules);
  if ('error' in rules) errors.push(rules.error);
  return errors;
}

/** The template the form describes. Call it on a form validateTemplateForm found no problem in. */
export function templateFromForm(form: TemplateForm): StationTemplate {
  const watts = (text: string) => Math.round((number(text) ?? 0) * 1000);
  const configuration: Record<string, string> = {};
  for (const entry of configurationLines(form.configuration)) if (!('bad' in entry)) configuration[entry.key] = entry.value;
  const rules = parseRules(form.alarmRules);
  const t: StationTemplate = {
    id: form.id.trim(),
    name: form.name.trim(),
    kind: form.kind,
    maxPowerW: watts(form.maxKw),
    connectors: form.connectors.map((c) => ({
      ...(c.type !== '' ? { type: c.type } : {}),
      ...(c.maxKw.trim() !== '' ? { maxPowerW: watts(c.maxKw) } : {}),
      ...(c.label.trim() !== '' ? { label: c.label.trim() } : {}),
    })),
    protocol: form.protocol,
  };
  if (form.description.trim() !== '') t.description = form.description.trim();
  if (form.vendor.trim() !== '') t.vendor = form.vendor.trim();
  if (form.model.trim() !== '') t.model = form.model.trim();
  if (form.supplyKw.trim() !== '') t.supplyMaxPowerW = watts(form.supplyKw);
  if (form.phases !== '') t.phases = Number(form.phases) as 1 | 3;
  if (form.maxCurrentA.trim() !== '') t.maxCurrentA = number(form.maxCurrentA) ?? 0;
  if (form.efficiency.trim() !== '') t.efficiency = number(form.efficiency) ?? 0;
  if (form.securityProfile !== '') t.securityProfile = Number(form.securityProfile) as 0 | 1 | 2 | 3;
  if (Object.keys(configuration).length > 0) t.configuration = configuration;
  if (form.symbol !== '') t.symbol = form.symbol;
  if ('rules' in rules && rules.rules.length > 0) t.alarmRules = rules.rules;
  return t;
}

/** Server problem pointers (/maxPowerW, /connectors/0/maxPowerW...) → the form field they belong to. */
export function fieldOfPointer(pointer: string): string {
  const parts = pointer.split('/').filter((p) => p !== '');
  const [head, index, sub] = parts;
  switch (head) {
    case 'maxPowerW':
      return 'maxKw';
    case 'supplyMaxPowerW':
      return 'supplyKw';
    case 'connectors':
      return index === undefined ? 'connectors' : sub === 'maxPowerW' ? `connectors.${index}.maxKw` : sub === 'label' ? `connectors.${index}.label` : `connectors.${index}.type`;
    case 'configuration':
    case 'alarmRules':
    case 'id':
    case 'name':
    case 'description':
    case 'vendor':
    case 'model':
    case 'kind':
    case 'phases':
    case 'maxCurrentA':
    case 'efficiency':
    case 'protocol':
    case 'securityProfile':
    case 'symbol':
      return head;
    default:
      return '';
  }
}

export const CONNECTOR_TYPE_OPTIONS: readonly ConnectorType[] = CONNECTOR_TYPES;
