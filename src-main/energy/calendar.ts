// Pure calendar arithmetic of the energy dashboard, in a fixed offset from UTC: bucket starts
// (hour, day, Monday-started week, month) and equal steps for downsampled series. The SQL in
// archive/energy.ts labels buckets the same way; the tests hold both to the same answers.
import type { EnergyBucket } from '../../src-shared/api/energy.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Start of the bucket holding `shiftedMs` (a time already moved into local offset). */
function floorShifted(shiftedMs: number, bucket: EnergyBucket): number {
  const d = new Date(shiftedMs);
  switch (bucket) {
    case 'hour':
      return Math.floor(shiftedMs / HOUR) * HOUR;
    case 'day':
      return Math.floor(shiftedMs / DAY) * DAY;
    case 'week': {
      const day = Math.floor(shiftedMs / DAY) * DAY;
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    }
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
}

function nextShifted(shiftedStart: number, bucket: EnergyBucket): number {
  switch (bucket) {
    case 'hour':
      return shiftedStart + HOUR;
    case 'day':
      return shiftedStart + DAY;
    case 'week':
      return shiftedStart + 7 * DAY;
    case 'month': {
      const d = new Date(shiftedStart);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
  }
}

export interface CalendarBucket {
  /** Local label of the start, YYYY-MM-DDTHH:MM:SS (what the SQL groups by). */
  label: string;
  /** UTC ISO of the start. */
  start: string;
}

/** Local label → UTC ISO start. */
export function labelToUtc(label: string, tzOffsetMinutes: number): string {
  return new Date(Date.parse(`${label}Z`) - tzOffsetMinutes * MINUTE).toISOString();
}

/** The bucket holding a UTC instant. */
export function bucketOf(iso: string, bucket: EnergyBucket, tzOffsetMinutes: number): CalendarBucket {
  const start = floorShifted(Date.parse(iso) + tzOffsetMinutes * MINUTE, bucket);
  return { label: new Date(start).toISOString().slice(0, 19), start: new Date(start - tzOffsetMinutes * MINUTE).toISOString() };
}

/** Every bucket meeting [from, to), in order; stops (returns null) past `limit` buckets. */
export function bucketsBetween(from: string, to: string, bucket: EnergyBucket, tzOffsetMinutes: number, limit: number): CalendarBucket[] | null {
  const end = Date.parse(to) + tzOffsetMinutes * MINUTE;
  const out: CalendarBucket[] = [];
  for (let s = floorShifted(Date.parse(from) + tzOffsetMinutes * MINUTE, bucket); s < end; s = nextShifted(s, bucket)) {
    if (out.length >= limit) return null;
    out.push({ label: new Date(s).toISOString().slice(0, 19), start: new Date(s - tzOffsetMinutes * MINUTE).toISOString() });
  }
  return out;
}

/** Step lengths a person reads easily, seconds. */
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** The shortest easy-to-read step that cuts [from, to) into at most `maxPoints` steps. */
export function stepFor(from: string, to: string, maxPoints: number): number {
  const rangeS = Math.max(1, (Date.parse(to) - Date.parse(from)) / 1000);
  const raw = Math.ceil(rangeS / Math.max(1, maxPoints));
  return NICE_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86400) * 86400;
}

/** UTC ISO of a parseable time, or null: the form the archive compares as text. */
export function normaliseIso(text: string): string | null {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Where each part of a range is read from: raw samples, or the 5-minute or hourly roll-ups. */
export interface RangePiece {
  from: string;
  to: string;
  source: 'raw' | 300 | 3600;
}

/**
 * Cuts [from, to) so that whole 5-minute slots come from the 5-minute roll-up, whole hours from
 * the hourly one, and only the ragged ends (under 5 minutes each) from raw samples. A roll-up
 * slot must fall inside one bucket: the 5-minute one serves offsets in whole 5 minutes, the
 * hourly one offsets in whole hours.
 */
export function planPieces(from: string, to: string, tzOffsetMinutes: number): RangePiece[] {
  const f = Date.parse(from);
  const t = Date.parse(to);
  const iso = (ms: number) => new Date(ms).toISOString();
  const M5 = 300_000;
  const H = 3_600_000;
  if (tzOffsetMinutes % 5 !== 0) return [{ from, to, source: 'raw' }];
  const a = Math.ceil(f / M5) * M5;
  const d = Math.floor(t / M5) * M5;
  if (a >= d) return [{ from, to, source: 'raw' }];
  const pieces: RangePiece[] = [];
  if (f < a) pieces.push({ from, to: iso(a), source: 'raw' });
  const b = Math.ceil(a / H) * H;
  const c = Math.floor(d / H) * H;
  if (tzOffsetMinutes % 60 === 0 && b < c) {
    if (a < b) pieces.push({ from: iso(a), to: iso(b), source: 300 });
    pieces.push({ from: iso(b), to: iso(c), source: 3600 });
    if (c < d) pieces.push({ from: iso(c), to: iso(d), source: 300 });
  } else {
    pieces.push({ from: iso(a), to: iso(d), source: 300 });
  }
  if (d < t) pieces.push({ from: iso(d), to, source: 'raw' });
  return pieces;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Offset of `timeZone` from UTC at the instant `ms`, minutes (e.g. 60 for Paris in winter). */
export function offsetAt(ms: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset', hour: '2-digit' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/**
 * [from, to) cut where the zone's offset changes (daylight saving), each part with its offset.
 * Offsets are read hourly and each change is found to the minute.
 */
export function constantOffsetParts(from: string, to: string, timeZone: string): Array<{ from: string; to: string; offset: number }> {
  const f = Date.parse(from);
  const t = Date.parse(to);
  const parts: Array<{ from: string; to: string; offset: number }> = [];
  let start = f;
  let offset = offsetAt(f, timeZone);
  const HOUR = 3_600_000;
  for (let probe = Math.floor(f / HOUR) * HOUR + HOUR; probe < t + HOUR; probe += HOUR) {
    const at = Math.min(probe, t);
    const o = offsetAt(at, timeZone);
    if (o === offset) continue;
    // The change lies in (at - 1 h, at]: find its minute.
    let lo = Math.max(start, at - HOUR);
    let hi = at;
    while (hi - lo > 60_000) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid, timeZone) === offset) lo = mid;
      else hi = mid;
    }
    // Offsets change on a whole minute: the first one after `lo`.
    const change = Math.min(hi, Math.floor(lo / 60_000) * 60_000 + 60_000);
    parts.push({ from: new Date(start).toISOString(), to: new Date(change).toISOString(), offset });
    start = change;
    offset = o;
  }
  parts.push({ from: new Date(start).toISOString(), to, offset });
  return parts.filter((p) => p.from < p.to);
}
