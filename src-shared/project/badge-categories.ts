// Badge categories (issue 4, R-3.1), pure and shared: the field-by-field check of one category
// (each problem with a code the UI words in English or French, and an English message for REST and
// logs), and which badges use each category. The project schema (src-main/project/schema.ts) stays
// the last word; these limits are the same as its own (a test holds them together).
import type { BadgeCategory, BadgeCategoryCharging } from './index.ts';

export const BADGE_CATEGORY_LIMITS = {
  idMaxLength: 48,
  nameMaxLength: 200,
  descriptionMaxLength: 2000,
  colorMaxLength: 32,
  /** Share weight: above 0, at most this. */
  priorityMax: 100,
  energyWhMax: 1_000_000,
  targetSocPercentMax: 100,
  batteryWhMax: 2_000_000,
  vehicleMaxWMax: 1_000_000,
  /** Cabin pre-conditioning: whole minutes before departure, 1 to this. */
  preconditioningMinutesMax: 240,
  preconditioningPowerWMax: 50_000,
} as const;

export type BadgeCategoryProblemCode =
  /** A field that must be there is missing or empty. */
  | 'required'
  /** An id with spaces or non-ASCII characters. */
  | 'idFormat'
  /** Text longer than `max` characters. */
  | 'tooLong'
  /** Not a number. */
  | 'number'
  /** Not a whole number. */
  | 'integer'
  /** A number not in (0, max]. */
  | 'range'
  /** Not a time of day written HH:MM. */
  | 'time'
  /** Target state of charge without battery capacity, or the reverse. */
  | 'pair'
  /** Creating a category whose id the project already has. */
  | 'taken'
  /** Changing a category the project does not have. */
  | 'notFound'
  /** A field no category has. */
  | 'unknownField'
  /** Not an object where one is expected. */
  | 'object'
  /** Refused by the project's own check (the message says why). */
  | 'invalid';

/** A problem of a category draft at a JSON pointer into the category ('/charging/priority'...). */
export interface BadgeCategoryProblem {
  pointer: string;
  code: BadgeCategoryProblemCode;
  /** max (characters or stored unit) for tooLong and range. */
  params?: Record<string, number>;
  /** English wording, for REST callers and logs. */
  message: string;
}

const CHARGING_MAX: Record<keyof BadgeCategoryCharging, number | null> = {
  priority: BADGE_CATEGORY_LIMITS.priorityMax,
  departureTime: null,
  energyWh: BADGE_CATEGORY_LIMITS.energyWhMax,
  targetSocPercent: BADGE_CATEGORY_LIMITS.targetSocPercentMax,
  batteryWh: BADGE_CATEGORY_LIMITS.batteryWhMax,
  vehicleMaxW: BADGE_CATEGORY_LIMITS.vehicleMaxWMax,
  // An object, checked by preconditioningProblems.
  preconditioning: null,
};
const TOP_FIELDS = new Set(['id', 'name', 'description', 'color', 'charging']);
const TIME_OF_DAY = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(problems: BadgeCategoryProblem[], data: Record<string, unknown>, field: string, max: number, required: boolean): void {
  const value = data[field];
  const pointer = `/${field}`;
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
    if (required) problems.push({ pointer, code: 'required', message: `${field} is required` });
    return;
  }
  if (typeof value !== 'string') problems.push({ pointer, code: 'required', message: `${field} must be text` });
  else if (value.length > max) problems.push({ pointer, code: 'tooLong', params: { max }, message: `${field} is longer than ${max} characters` });
}

function preconditioningProblems(problems: BadgeCategoryProblem[], value: unknown): void {
  const at = '/charging/preconditioning';
  if (!isRecord(value)) {
    problems.push({ pointer: at, code: 'object', message: 'preconditioning is an object {minutes, powerW}' });
    return;
  }
  for (const key of Object.keys(value)) {
    if (key !== 'minutes' && key !== 'powerW') problems.push({ pointer: `${at}/${key}`, code: 'unknownField', message: `${key} is not a field of pre-conditioning (minutes, powerW)` });
  }
  const { minutes, powerW } = value;
  const maxMinutes = BADGE_CATEGORY_LIMITS.preconditioningMinutesMax;
  if (minutes === undefined) problems.push({ pointer: `${at}/minutes`, code: 'required', message: 'pre-conditioning needs its minutes before departure (with its power)' });
  else if (typeof minutes !== 'number' || !Number.isFinite(minutes)) problems.push({ pointer: `${at}/minutes`, code: 'number', message: 'minutes must be a number' });
  else if (!Number.isInteger(minutes)) problems.push({ pointer: `${at}/minutes`, code: 'integer', message: 'minutes must be a whole number' });
  else if (minutes < 1 || minutes > maxMinutes) problems.push({ pointer: `${at}/minutes`, code: 'range', params: { max: maxMinutes }, message: `minutes must be above 0 and at most ${maxMinutes}` });
  const maxPower = BADGE_CATEGORY_LIMITS.preconditioningPowerWMax;
  if (powerW === undefined) problems.push({ pointer: `${at}/powerW`, code: 'required', message: 'pre-conditioning needs its power (with its minutes)' });
  else if (typeof powerW !== 'number' || !Number.isFinite(powerW)) problems.push({ pointer: `${at}/powerW`, code: 'number', message: 'powerW must be a number' });
  else if (powerW <= 0 || powerW > maxPower) problems.push({ pointer: `${at}/powerW`, code: 'range', params: { max: maxPower }, message: `powerW must be above 0 and at most ${maxPower}` });
}

/**
 * Every problem of a category draft (empty: it can be saved). `existing` = ids the project has;
 * `create` refuses an id it has, an edit one it has not.
 */
export function badgeCategoryProblems(data: unknown, options: { create?: boolean; existing?: ReadonlySet<string> } = {}): BadgeCategoryProblem[] {
  if (!isRecord(data)) return [{ pointer: '', code: 'object', message: 'a badge category is an object {id, name, color?, description?, charging?}' }];
  const problems: BadgeCategoryProblem[] = [];
  for (const key of Object.keys(data)) {
    if (!TOP_FIELDS.has(key)) problems.push({ pointer: `/${key}`, code: 'unknownField', message: `${key} is not a field of a badge category` });
  }
  const id = data.id;
  if (typeof id !== 'string' || id === '') problems.push({ pointer: '/id', code: 'required', message: 'id is required' });
  else if (id.length > BADGE_CATEGORY_LIMITS.idMaxLength) problems.push({ pointer: '/id', code: 'tooLong', params: { max: BADGE_CATEGORY_LIMITS.idMaxLength }, message: `id is longer than ${BADGE_CATEGORY_LIMITS.idMaxLength} characters` });
  else if (!VISIBLE_ASCII.test(id)) problems.push({ pointer: '/id', code: 'idFormat', message: 'id must be visible ASCII characters without spaces (e.g. visitors)' });
  else if (options.existing && options.create === true && options.existing.has(id)) problems.push({ pointer: '/id', code: 'taken', message: `the project already has a badge category "${id}": choose another id, or edit that one` });
  else if (options.existing && options.create === false && !options.existing.has(id)) problems.push({ pointer: '/id', code: 'notFound', message: `the project has no badge category "${id}" to change (create it instead)` });
  text(problems, data, 'name', BADGE_CATEGORY_LIMITS.nameMaxLength, true);
  text(problems, data, 'description', BADGE_CATEGORY_LIMITS.descriptionMaxLength, false);
  text(problems, data, 'color', BADGE_CATEGORY_LIMITS.colorMaxLength, false);

  const charging = data.charging;
  if (charging === undefined) return problems;
  if (!isRecord(charging)) {
    problems.push({ pointer: '/charging', code: 'object', message: 'charging is an object {priority?, departureTime?, energyWh?, targetSocPercent?, batteryWh?, vehicleMaxW?}' });
    return problems;
  }
  for (const [key, value] of Object.entries(charging)) {
    const pointer = `/charging/${key}`;
    if (!Object.hasOwn(CHARGING_MAX, key)) {
      problems.push({ pointer, code: 'unknownField', message: `${key} is not a smart-charging field of a badge category` });
      continue;
    }
    if (key === 'preconditioning') {
      preconditioningProblems(problems, value);
      continue;
    }
    if (key === 'departureTime') {
      if (typeof value !== 'string' || !TIME_OF_DAY.test(value)) problems.push({ pointer, code: 'time', message: 'departureTime is a time of day written HH:MM, e.g. 17:30' });
      continue;
    }
    const max = CHARGING_MAX[key as keyof BadgeCategoryCharging] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push({ pointer, code: 'number', message: `${key} must be a number` });
    else if (value <= 0 || value > max) problems.push({ pointer, code: 'range', params: { max }, message: `${key} must be above 0 and at most ${max}` });
  }
  // A target state of charge means nothing without the battery it is a share of, and back.
  if ((charging.targetSocPercent === undefined) !== (charging.batteryWh === undefined)) {
    const missing = charging.targetSocPercent === undefined ? 'targetSocPercent' : 'batteryWh';
    problems.push({ pointer: `/charging/${missing}`, code: 'pair', message: 'give the target state of charge and the battery capacity together' });
  }
  return problems;
}

/** The category as it is stored: trimmed text, empty fields and an empty charging block left out. */
export function normalizeBadgeCategory(category: BadgeCategory): BadgeCategory {
  const out: BadgeCategory = { id: category.id, name: category.name.trim() };
  const description = category.description?.trim();
  if (description) out.description = description;
  const color = category.color?.trim();
  if (color) out.color = color;
  if (category.charging) {
    const charging = Object.fromEntries(Object.entries(category.charging).filter(([, v]) => v !== undefined && v !== null)) as BadgeCategoryCharging;
    if (Object.keys(charging).length > 0) out.charging = charging;
  }
  return out;
}

/** Category id → idTags using it, for every category given (used or not); sorted. */
export function badgeCategoryUsage(categoryIds: readonly string[], badges: ReadonlyArray<{ idTag: string; category?: string | null }>): Map<string, string[]> {
  const usage = new Map<string, string[]>(categoryIds.map((id) => [id, []]));
  for (const badge of badges) {
    if (badge.category === undefined || badge.category === null) continue;
    const list = usage.get(badge.category);
    if (list) list.push(badge.idTag);
    else usage.set(badge.category, [badge.idTag]);
  }
  for (const list of usage.values()) list.sort();
  return usage;
}
