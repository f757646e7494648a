// Expectations for a session from the sessions before it: how long it will stay and how much
// energy it will take. Depots and company car parks see the same badges day after day, and a
// station sees the same kind of stay at the same time of day; the engine uses these estimates
// for urgency only (ChargingSession.estimate), never to stop or cap a charge.
//
// Pure: the caller hands the past sessions (from the archive) and the session to estimate.
// Only sessions that ENDED before the estimated session started are used, whatever the caller
// passes: an estimate never reads the future.

/** A finished session from the archive. */
export interface PastSession {
  /** Badge (idTag) that started it, null when unknown (free charging, remote start). */
  badge: string | null;
  stationId: string;
  /** Epoch ms. */
  startedAt: number;
  stoppedAt: number;
  /** Energy delivered, Wh. */
  energyWh: number;
}

export interface EstimateQuery {
  badge: string | null;
  stationId: string;
  /** Epoch ms. */
  startedAt: number;
}

/** Where an estimate comes from, most specific first. */
export type EstimateBasis = 'badge' | 'stationTimeOfDay' | 'station';

export interface SessionEstimate {
  /** Expected energy of the whole session, Wh. */
  energyWh: number;
  /** Expected stay from the start, s. */
  dwellS: number;
  basis: EstimateBasis;
  /** Past sessions the estimate is the median of. */
  samples: number;
}

export interface HistoryOptions {
  /** Most recent sessions of a badge (or station) considered. Default 20. */
  recent?: number;
  /** Sessions needed before a badge's own history is trusted. Default 2. */
  minBadgeSamples?: number;
  /** Sessions needed for a station (or station and time of day) estimate. Default 3. */
  minStationSamples?: number;
  /** A past session counts for the same time of day when it started within this of the query's time of day, h. Default 1.5. */
  timeOfDayWindowH?: number;
  /** Local time of day offset from UTC, minutes (time-of-day matching). Default 0. */
  utcOffsetMin?: number;
}

const DAY_MS = 86_400_000;

/** Past sessions indexed by badge and by station, each list sorted by end time. */
export interface HistoryIndex {
  byBadge: ReadonlyMap<string, readonly PastSession[]>;
  byStation: ReadonlyMap<string, readonly PastSession[]>;
  options: Required<HistoryOptions>;
}

/** Indexes the archive's finished sessions; unusable ones (no end, negative energy, end before start) are left out. */
export function indexHistory(past: Iterable<PastSession>, options: HistoryOptions = {}): HistoryIndex {
  const byBadge = new Map<string, PastSession[]>();
  const byStation = new Map<string, PastSession[]>();
  for (const s of past) {
    if (!Number.isFinite(s.startedAt) || !Number.isFinite(s.stoppedAt) || !Number.isFinite(s.energyWh)) continue;
    if (s.stoppedAt <= s.startedAt || s.energyWh < 0) continue;
    if (s.badge !== null && s.badge !== '') push(byBadge, s.badge, s);
    push(byStation, s.stationId, s);
  }
  for (const list of byBadge.values()) list.sort(byEnd);
  for (const list of byStation.values()) list.sort(byEnd);
  return {
    byBadge,
    byStation,
    options: {
      recent: positive(options.recent, 20),
      minBadgeSamples: positive(options.minBadgeSamples, 2),
      minStationSamples: positive(options.minStationSamples, 3),
      timeOfDayWindowH: positive(options.timeOfDayWindowH, 1.5),
      utcOffsetMin: Number.isFinite(options.utcOffsetMin) ? (options.utcOffsetMin as number) : 0,
    },
  };
}

/**
 * The session's expected energy and stay: the median of the badge's recent sessions when it
 * has enough, else of the station's sessions started at about the same time of day, else of
 * the station's sessions; null when history has too little. Medians: one unusual day (a
 * holiday, a long trip) does not move them.
 */
export function estimateSession(index: HistoryIndex, query: EstimateQuery): SessionEstimate | null {
  const o = index.options;
  const before = (list: readonly PastSession[] | undefined) => (list ? endedBefore(list, query.startedAt) : []);
  if (query.badge !== null && query.badge !== '') {
    const own = before(index.byBadge.get(query.badge)).slice(-o.recent);
    if (own.length >= o.minBadgeSamples) return summarise(own, 'badge');
  }
  const atStation = before(index.byStation.get(query.stationId));
  const minute = minuteOfDay(query.startedAt, o.utcOffsetMin);
  const window = o.timeOfDayWindowH * 60;
  const sameTime = atStation.filter((s) => circularDistance(minuteOfDay(s.startedAt, o.utcOffsetMin), minute) <= window).slice(-o.recent);
  if (sameTime.length >= o.minStationSamples) return summarise(sameTime, 'stationTimeOfDay');
  const recent = atStation.slice(-o.recent);
  if (recent.length >= o.minStationSamples) return summarise(recent, 'station');
  return null;
}

/** The estimate as the engine takes it (absolute departure), or undefined without one. */
export function sessionEstimate(index: HistoryIndex, query: EstimateQuery): { energyWh: number; departureAt: number } | undefined {
  const e = estimateSession(index, query);
  return e ? { energyWh: e.energyWh, departureAt: query.startedAt + e.dwellS * 1000 } : undefined;
}

function summarise(list: readonly PastSession[], basis: EstimateBasis): SessionEstimate {
  return {
    energyWh: median(list.map((s) => s.energyWh)),
    dwellS: median(list.map((s) => (s.stoppedAt - s.startedAt) / 1000)),
    basis,
    samples: list.length,
  };
}

/** The sessions of a list (sorted by end) that ended strictly before `instant`. */
function endedBefore(list: readonly PastSession[], instant: number): readonly PastSession[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as PastSession).stoppedAt < instant) lo = mid + 1;
    else hi = mid;
  }
  return list.slice(0, lo);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function minuteOfDay(epochMs: number, offsetMin: number): number {
  const local = epochMs + offsetMin * 60_000;
  return (((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000;
}

function circularDistance(a: number, b: number): number {
  const d = Math.abs(a - b);
  return Math.min(d, 1440 - d);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byEnd(a: PastSession, b: PastSession): number {
  return a.stoppedAt - b.stoppedAt || a.startedAt - b.startedAt;
}

function positive(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}
