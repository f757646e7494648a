// The profile editor's pure side (issue 4, static profiles): the form's text fields ↔ a
// ChargingProfileDefinition, the checks the form does itself before asking the main process
// (so that what it sends always has the contract's shape), field messages by path, and the
// step series a chart draws from a schedule.
import type { ChargingProfileDefinition, CompositeSchedule, LibraryProfileKind, LibraryProfilePurpose, SchedulePeriod } from '../../src-shared/domain/index.ts';
import { isoToLocalInput, localInputToIso } from './format.ts';

export interface PeriodDraft {
  startS: string;
  limit: string;
  phases: '' | '1' | '2' | '3';
}

/** Every field as typed in the form (text), so that a half-typed value is never lost. */
export interface ProfileDraft {
  id: string;
  name: string;
  category: string;
  purpose: LibraryProfilePurpose;
  stackLevel: string;
  kind: LibraryProfileKind;
  recurrency: '' | 'Daily' | 'Weekly';
  /** datetime-local values (local time). */
  validFrom: string;
  validTo: string;
  startSchedule: string;
  durationS: string;
  unit: 'A' | 'W';
  periods: PeriodDraft[];
}

/** A problem the form finds itself; `code` is an i18n key under profiles.local. */
export interface LocalProblem {
  path: string;
  code: 'required' | 'notNumber' | 'notWhole' | 'range' | 'tooLong' | 'badTime';
  min?: number;
  max?: number;
}

export const PROFILE_ID_MAX = 899;
export const STACK_LEVEL_MAX = 99;
export const DURATION_MAX_S = 31 * 86_400;
const DAY_S = 86_400;
const WEEK_S = 7 * DAY_S;

/** A fresh draft: the next free id, a transaction default at stack level 1 starting this hour. */
export function newDraft(takenIds: readonly number[], now = new Date()): ProfileDraft {
  let id = 1;
  const taken = new Set(takenIds);
  while (taken.has(id) && id < PROFILE_ID_MAX) id++;
  const start = new Date(now);
  start.setMinutes(0, 0, 0);
  return {
    id: String(id),
    name: '',
    category: '',
    purpose: 'txDefault',
    stackLevel: '1',
    kind: 'Absolute',
    recurrency: '',
    validFrom: '',
    validTo: '',
    startSchedule: isoToLocalInput(start.toISOString()),
    durationS: '',
    unit: 'A',
    periods: [{ startS: '0', limit: '16', phases: '' }],
  };
}

export function profileToDraft(p: ChargingProfileDefinition): ProfileDraft {
  return {
    id: String(p.id),
    name: p.name,
    category: p.category ?? '',
    purpose: p.purpose,
    stackLevel: String(p.stackLevel),
    kind: p.kind,
    recurrency: p.recurrency ?? '',
    validFrom: isoToLocalInput(p.validFrom ?? null),
    validTo: isoToLocalInput(p.validTo ?? null),
    startSchedule: isoToLocalInput(p.startSchedule ?? null),
    durationS: p.durationS === undefined ? '' : String(p.durationS),
    unit: p.unit,
    periods: p.periods.map((x) => ({ startS: String(x.startS), limit: String(x.limit), phases: x.phases === undefined ? '' : (String(x.phases) as PeriodDraft['phases']) })),
  };
}

function parseNumber(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : Number.NaN;
}

/**
 * The profile the draft describes, or the problems that keep it from having the contract's
 * shape (numbers, ranges, required fields). The meaning (period order, kind rules, clashes)
 * is the main process's to check: validateChargingProfile.
 */
export function draftToProfile(d: ProfileDraft): { profile: ChargingProfileDefinition | null; problems: LocalProblem[] } {
  const problems: LocalProblem[] = [];
  const whole = (path: string, text: string, min: number, max: number, required: boolean): number | undefined => {
    const v = parseNumber(text);
    if (v === null) {
      if (required) problems.push({ path, code: 'required' });
      return undefined;
    }
    if (Number.isNaN(v)) problems.push({ path, code: 'notNumber' });
    else if (!Number.isInteger(v)) problems.push({ path, code: 'notWhole' });
    else if (v < min || v > max) problems.push({ path, code: 'range', min, max });
    else return v;
    return undefined;
  };
  const id = whole('id', d.id, 1, PROFILE_ID_MAX, true);
  const stackLevel = whole('stackLevel', d.stackLevel, 0, STACK_LEVEL_MAX, true);
  const durationS = whole('durationS', d.durationS, 1, DURATION_MAX_S, false);
  const name = d.name.trim();
  if (name === '') problems.push({ path: 'name', code: 'required' });
  else if (name.length > 120) problems.push({ path: 'name', code: 'tooLong', max: 120 });
  if (d.category.trim().length > 64) problems.push({ path: 'category', code: 'tooLong', max: 64 });
  const time = (path: string, text: string): string | undefined => {
    if (text.trim() === '') return undefined;
    const iso = localInputToIso(text);
    if (iso === undefined) problems.push({ path, code: 'badTime' });
    return iso;
  };
  const validFrom = time('validFrom', d.validFrom);
  const validTo = time('validTo', d.validTo);
  const startSchedule = time('startSchedule', d.startSchedule);
  const periods: SchedulePeriod[] = [];
  d.periods.forEach((p, i) => {
    const startS = whole(`periods[${i}].startS`, p.startS, 0, Number.MAX_SAFE_INTEGER, true);
    const limit = parseNumber(p.limit);
    if (limit === null) problems.push({ path: `periods[${i}].limit`, code: 'required' });
    else if (Number.isNaN(limit)) problems.push({ path: `periods[${i}].limit`, code: 'notNumber' });
    else if (limit < 0) problems.push({ path: `periods[${i}].limit`, code: 'range', min: 0 });
    if (startS !== undefined && limit !== null && !Number.isNaN(limit) && limit >= 0) {
      const period: SchedulePeriod = { startS, limit };
      if (p.phases !== '') period.phases = Number(p.phases) as 1 | 2 | 3;
      periods.push(period);
    }
  });
  if (d.periods.length === 0) problems.push({ path: 'periods', code: 'required' });
  if (problems.length > 0 || id === undefined || stackLevel === undefined) return { profile: null, problems };
  const profile: ChargingProfileDefinition = { id, name, stackLevel, purpose: d.purpose, kind: d.kind, unit: d.unit, periods };
  if (d.category.trim() !== '') profile.category = d.category.trim();
  if (d.recurrency !== '') profile.recurrency = d.recurrency;
  if (validFrom !== undefined) profile.validFrom = validFrom;
  if (validTo !== undefined) profile.validTo = validTo;
  if (startSchedule !== undefined) profile.startSchedule = startSchedule;
  if (durationS !== undefined) profile.durationS = durationS;
  return { profile, problems };
}

/** Messages by field path ("periods[1].startS"), in the order they came. */
export function messagesByPath(messages: ReadonlyArray<{ path: string; text: string }>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const m of messages) map.set(m.path, [...(map.get(m.path) ?? []), m.text]);
  return map;
}

export interface StepPoint {
  /** Seconds from the schedule's start (profile) or epoch ms (composite schedule). */
  t: number;
  limit: number | null;
}

/**
 * Points of a step chart ("stepAfter") of a profile's schedule, in seconds from its start: one
 * per period, and a last one where the schedule ends (its duration, one cycle of a recurring
 * profile, or one hour past the last period's start).
 */
export function profileSteps(p: Pick<ChargingProfileDefinition, 'periods' | 'durationS' | 'kind' | 'recurrency'>): StepPoint[] {
  const periods = [...p.periods].filter((x) => Number.isFinite(x.startS) && Number.isFinite(x.limit)).sort((a, b) => a.startS - b.startS);
  if (periods.length === 0) return [];
  const last = periods[periods.length - 1] as SchedulePeriod;
  const cycle = p.kind === 'Recurring' ? (p.recurrency === 'Weekly' ? WEEK_S : DAY_S) : null;
  const end = p.durationS ?? cycle ?? Math.max(last.startS + 3600, 3600);
  const points: StepPoint[] = periods.filter((x) => x.startS < end).map((x) => ({ t: x.startS, limit: x.limit }));
  const lastShown = points[points.length - 1];
  if (lastShown) points.push({ t: end, limit: lastShown.limit });
  return points;
}

/** Points of a composite schedule read from a station, at epoch ms. */
export function compositeSteps(s: CompositeSchedule): StepPoint[] {
  const start = Date.parse(s.start);
  if (!Number.isFinite(start)) return [];
  const base = profileSteps({ periods: s.periods, kind: 'Absolute', ...(s.durationS !== null ? { durationS: s.durationS } : {}) });
  return base.map((x) => ({ t: start + x.t * 1000, limit: x.limit }));
}

/** "1 h 30 min", "45 s": an offset in seconds for axis ticks and tables (language-neutral units). */
export function formatOffset(seconds: number): string {
  const s = Math.round(seconds);
  const d = Math.floor(s / DAY_S);
  const h = Math.floor((s % DAY_S) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts = [d ? `${d} d` : '', h ? `${h} h` : '', m ? `${m} min` : '', sec ? `${sec} s` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0';
}

const OFFSET_STEPS_S = [60, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800];

/**
 * Round axis ticks between `first` and `last`: the smallest step of `steps` giving at most
 * `max` ticks, on multiples of the step. Values and steps in the same unit (s or ms).
 */
export function niceTicks(first: number, last: number, max = 8, steps: readonly number[] = OFFSET_STEPS_S): number[] {
  if (!(last > first)) return [first];
  const span = last - first;
  const step = steps.find((s) => span / s <= max) ?? Math.ceil(span / max);
  const ticks: number[] = [];
  for (let t = Math.ceil(first / step) * step; t <= last; t += step) ticks.push(t);
  return ticks;
}

/** Ticks for a time axis in epoch ms (steps of 15 min to 1 day). */
export function timeTicks(firstMs: number, lastMs: number, max = 8): number[] {
  return niceTicks(firstMs, lastMs, max, [900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000));
}
