// The charging-profile library (R-6.1.6), pure: what makes a profile valid, which uploads
// clash (R-6.1.4: same station and EVSE, purpose and stack level, overlapping validity — the
// station would silently replace one by the other), and the limit a schedule gives at an instant.
import type { ChargingProfileDefinition, CompositeSchedule, ProfileConflict, ProfileUpload } from '../../src-shared/domain/index.ts';
import { DEFAULT_PROFILE_ID, DEFAULT_PROFILE_STACK_LEVEL } from '../../src-shared/domain/charging-profiles.ts';

export interface ProfileFieldError {
  /** JSON path of the faulty field, e.g. `periods[2].startS`. */
  path: string;
  message: string;
}

/** Library ids stay below the supervisor's own (safe default 900, TxProfiles 1000+). */
export const MAX_LIBRARY_PROFILE_ID = DEFAULT_PROFILE_ID - 1;
const DAY_S = 86_400;
const WEEK_S = 7 * DAY_S;

function isTime(value: string | undefined): boolean {
  return value === undefined || (/^\d{4}-\d{2}-\d{2}T/.test(value) && Number.isFinite(Date.parse(value)));
}

/** Every problem of a profile, each pointing at its field; [] when it is valid. */
export function validateProfile(p: ChargingProfileDefinition): ProfileFieldError[] {
  const errors: ProfileFieldError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  if (!Number.isInteger(p.id) || p.id < 1 || p.id > MAX_LIBRARY_PROFILE_ID) err('id', `must be a whole number from 1 to ${MAX_LIBRARY_PROFILE_ID} (${DEFAULT_PROFILE_ID} and above are the supervisor's own profiles)`);
  if (typeof p.name !== 'string' || p.name.trim() === '') err('name', 'must not be empty');
  if (!Number.isInteger(p.stackLevel) || p.stackLevel < 0 || p.stackLevel > 99) err('stackLevel', 'must be a whole number from 0 to 99');
  if (p.unit !== 'A' && p.unit !== 'W') err('unit', 'must be A or W');
  for (const field of ['validFrom', 'validTo', 'startSchedule'] as const) if (!isTime(p[field])) err(field, 'must be an ISO 8601 date and time, e.g. 2026-12-01T06:00:00Z');
  if (p.validFrom && p.validTo && isTime(p.validFrom) && isTime(p.validTo) && Date.parse(p.validTo) <= Date.parse(p.validFrom)) err('validTo', 'must be after validFrom');
  if (p.kind === 'Relative') {
    if (p.startSchedule !== undefined) err('startSchedule', 'a Relative profile starts with each transaction: remove startSchedule');
    if (p.recurrency !== undefined) err('recurrency', 'only a Recurring profile has a recurrency');
  } else if (p.kind === 'Absolute') {
    if (p.startSchedule === undefined) err('startSchedule', 'an Absolute profile needs the instant its schedule starts');
    if (p.recurrency !== undefined) err('recurrency', 'only a Recurring profile has a recurrency');
  } else if (p.kind === 'Recurring') {
    if (p.startSchedule === undefined) err('startSchedule', 'a Recurring profile needs the instant its first cycle starts');
    if (p.recurrency !== 'Daily' && p.recurrency !== 'Weekly') err('recurrency', 'must be Daily or Weekly');
  } else {
    err('kind', 'must be Absolute, Recurring or Relative');
  }
  const cycleS = p.kind === 'Recurring' ? (p.recurrency === 'Weekly' ? WEEK_S : DAY_S) : null;
  if (p.durationS !== undefined) {
    if (!Number.isInteger(p.durationS) || p.durationS <= 0) err('durationS', 'must be a whole number of seconds above 0');
    else if (cycleS !== null && p.durationS > cycleS) err('durationS', `must not exceed one ${p.recurrency === 'Weekly' ? 'week' : 'day'} (${cycleS} s) for a ${p.recurrency} profile`);
  }
  if (p.minChargingRate !== undefined && !(Number.isFinite(p.minChargingRate) && p.minChargingRate >= 0)) err('minChargingRate', 'must be 0 or more');
  if (!Array.isArray(p.periods) || p.periods.length === 0) {
    err('periods', 'needs at least one period starting at 0 s');
    return errors;
  }
  let previous = -1;
  p.periods.forEach((period, i) => {
    const at = `periods[${i}]`;
    if (!Number.isInteger(period.startS) || period.startS < 0) err(`${at}.startS`, 'must be a whole number of seconds, 0 or more');
    else if (i === 0 && period.startS !== 0) err(`${at}.startS`, 'the first period must start at 0 s');
    else if (i > 0 && period.startS <= previous) err(`${at}.startS`, `must be after the previous period's start (${previous} s)`);
    else if (p.durationS !== undefined && period.startS >= p.durationS) err(`${at}.startS`, `starts after the schedule's end (durationS ${p.durationS} s)`);
    else if (cycleS !== null && period.startS >= cycleS) err(`${at}.startS`, `must be within one cycle (${cycleS} s)`);
    if (Number.isInteger(period.startS)) previous = Math.max(previous, period.startS);
    if (!(Number.isFinite(period.limit) && period.limit >= 0)) err(`${at}.limit`, `must be 0 or more ${p.unit}`);
    else if (p.unit === 'A' && Math.abs(period.limit * 10 - Math.round(period.limit * 10)) > 1e-9) err(`${at}.limit`, 'a current limit has at most one decimal (OCPP 1.6)');
    if (period.phases !== undefined && period.phases !== 1 && period.phases !== 2 && period.phases !== 3) err(`${at}.phases`, 'must be 1, 2 or 3');
  });
  return errors;
}

/** Problems of uploading a profile to an EVSE, independent of what else is there. */
export function validateTarget(p: ChargingProfileDefinition, evseId: number): ProfileFieldError[] {
  if (!Number.isInteger(evseId) || evseId < 0) return [{ path: 'evseId', message: 'must be 0 (the whole station) or an EVSE number' }];
  if (p.purpose === 'stationMax' && evseId !== 0) return [{ path: 'evseId', message: 'a station maximum profile applies to the whole station: use EVSE 0' }];
  return [];
}

/** [from, to) of a profile's validity, epoch ms. */
function validity(p: ChargingProfileDefinition): [number, number] {
  return [p.validFrom ? Date.parse(p.validFrom) : Number.NEGATIVE_INFINITY, p.validTo ? Date.parse(p.validTo) : Number.POSITIVE_INFINITY];
}

function describeValidity(p: ChargingProfileDefinition): string {
  if (!p.validFrom && !p.validTo) return 'always valid';
  return `valid ${p.validFrom ? `from ${p.validFrom}` : ''}${p.validFrom && p.validTo ? ' ' : ''}${p.validTo ? `to ${p.validTo}` : ''}`;
}

const PURPOSE_WORDS: Record<ChargingProfileDefinition['purpose'], string> = { stationMax: 'station maximum', txDefault: 'transaction default' };

/**
 * Clashes between profiles uploaded (accepted) to the same EVSE, and with the supervisor's
 * own safe TxDefaultProfile (EVSE 0, stack level 0). `candidate` (optional) is checked as if
 * it were uploaded to `targets` too, replacing an older upload of the same id.
 */
export function findConflicts(
  library: readonly ChargingProfileDefinition[],
  uploads: readonly ProfileUpload[],
  candidate?: { profile: ChargingProfileDefinition; targets: ReadonlyArray<{ stationId: string; evseId: number }> },
): ProfileConflict[] {
  const byId = new Map(library.map((p) => [p.id, p]));
  if (candidate) byId.set(candidate.profile.id, candidate.profile);
  const placed = new Map<string, Set<number>>();
  const place = (stationId: string, evseId: number, profileId: number) => {
    const key = `${stationId}\u0000${evseId}`;
    let set = placed.get(key);
    if (!set) placed.set(key, (set = new Set()));
    set.add(profileId);
  };
  for (const u of uploads) if (u.outcome === 'accepted' && byId.has(u.profileId)) place(u.stationId, u.evseId, u.profileId);
  for (const t of candidate?.targets ?? []) place(t.stationId, t.evseId, candidate?.profile.id as number);

  const conflicts: ProfileConflict[] = [];
  for (const [key, ids] of placed) {
    const [stationId, evse] = key.split('\u0000') as [string, string];
    const evseId = Number(evse);
    const profiles = [...ids].sort((a, b) => a - b).map((id) => byId.get(id) as ChargingProfileDefinition);
    for (let i = 0; i < profiles.length; i++) {
      const a = profiles[i] as ChargingProfileDefinition;
      if (evseId === 0 && a.purpose === 'txDefault' && a.stackLevel === DEFAULT_PROFILE_STACK_LEVEL) {
        conflicts.push({
          stationId,
          evseId,
          profileIds: [a.id, DEFAULT_PROFILE_ID],
          message: `${stationId}: profile ${a.id} "${a.name}" (transaction default, stack level ${a.stackLevel}) would replace the supervisor's safe default profile ${DEFAULT_PROFILE_ID}; use stack level ${DEFAULT_PROFILE_STACK_LEVEL + 1} or more`,
        });
      }
      for (let j = i + 1; j < profiles.length; j++) {
        const b = profiles[j] as ChargingProfileDefinition;
        if (a.purpose !== b.purpose || a.stackLevel !== b.stackLevel) continue;
        const [fa, ta] = validity(a);
        const [fb, tb] = validity(b);
        if (!(fa < tb && fb < ta)) continue;
        conflicts.push({
          stationId,
          evseId,
          profileIds: [a.id, b.id],
          message:
            `${stationId} EVSE ${evseId}: profiles ${a.id} "${a.name}" (${describeValidity(a)}) and ${b.id} "${b.name}" (${describeValidity(b)}) ` +
            `are both ${PURPOSE_WORDS[a.purpose]} at stack level ${a.stackLevel}: the station keeps only the last one sent; give one another stack level or non-overlapping validity`,
        });
      }
    }
  }
  return conflicts;
}

/**
 * The limit a schedule gives `elapsedS` seconds after its start (null past its end). For a
 * Recurring profile the elapsed time wraps around the cycle.
 */
export function limitAfter(schedule: Pick<ChargingProfileDefinition, 'periods' | 'durationS' | 'kind' | 'recurrency'>, elapsedS: number): number | null {
  let t = elapsedS;
  if (schedule.kind === 'Recurring') {
    const cycle = schedule.recurrency === 'Weekly' ? WEEK_S : DAY_S;
    t = ((t % cycle) + cycle) % cycle;
  }
  if (t < 0 || (schedule.durationS !== undefined && t >= schedule.durationS)) return null;
  let limit: number | null = null;
  for (const period of schedule.periods) {
    if (period.startS > t) break;
    limit = period.limit;
  }
  return limit;
}

/** The limit a station's composite schedule gives at `at` (epoch ms), null outside it. */
export function compositeLimitAt(schedule: CompositeSchedule, at: number): number | null {
  const elapsedS = (at - Date.parse(schedule.start)) / 1000;
  if (elapsedS < -1 || (schedule.durationS !== null && elapsedS >= schedule.durationS)) return null;
  return limitAfter({ periods: schedule.periods, kind: 'Absolute' }, Math.max(0, elapsedS));
}
