// Pure figures of the overview (hypervision) and energy screens: how a station counts on a
// site tile, a site's live figures, the local day and the ranges the energy screen offers.
import type { EnergyBucket, SiteInfo } from '../../src-shared/api/energy.ts';
import type { ConnectorStatus, StationState } from '../../src-shared/domain/index.ts';

export const STATION_CATEGORIES = ['available', 'charging', 'faulted', 'offline', 'unavailable'] as const;
export type StationCategory = (typeof STATION_CATEGORIES)[number];

const IN_SESSION: ReadonlySet<ConnectorStatus> = new Set(['Charging', 'SuspendedEV', 'SuspendedEVSE']);

/**
 * One category per station, the most telling first: offline (no link), faulted (the station or
 * a connector), charging (a connector in session), unavailable (the station or every
 * connector), else available (free, preparing, finishing, reserved...).
 */
export function stationCategory(station: StationState): StationCategory {
  if (!station.connected) return 'offline';
  if (station.status === 'Faulted' || station.connectors.some((c) => c.status === 'Faulted')) return 'faulted';
  if (station.connectors.some((c) => IN_SESSION.has(c.status))) return 'charging';
  if (station.status === 'Unavailable' || (station.connectors.length > 0 && station.connectors.every((c) => c.status === 'Unavailable'))) return 'unavailable';
  return 'available';
}

export interface SiteLive {
  counts: Record<StationCategory, number>;
  stations: number;
  /** Sum of the connectors' live power of connected stations, W. */
  powerW: number;
  /** powerW / limit, or null without a limit. */
  loadRatio: number | null;
}

export function siteLive(stationIds: readonly string[], stations: Readonly<Record<string, StationState>>, limitW: number | null): SiteLive {
  const counts: Record<StationCategory, number> = { available: 0, charging: 0, faulted: 0, offline: 0, unavailable: 0 };
  let powerW = 0;
  let n = 0;
  for (const id of stationIds) {
    const station = stations[id];
    if (!station) continue;
    n++;
    counts[stationCategory(station)]++;
    if (station.connected) for (const c of station.connectors) powerW += c.powerW ?? 0;
  }
  return { counts, stations: n, powerW, loadRatio: limitW && limitW > 0 ? powerW / limitW : null };
}

/** Sites whose name or id contains the search text (case- and accent-insensitive). */
export function filterSites(sites: readonly SiteInfo[], search: string): SiteInfo[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
  const needle = fold(search.trim());
  return needle === '' ? [...sites] : sites.filter((s) => fold(s.name).includes(needle) || fold(s.id).includes(needle));
}

/** Local midnight of the day holding `now`. */
export function startOfLocalDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}

/** The browser's offset from UTC in minutes (what the energy commands call tzOffsetMinutes). */
export function tzOffsetMinutes(at: Date): number {
  return -at.getTimezoneOffset();
}

/** The browser's IANA time zone (buckets then follow daylight saving), when it has a usable one. */
export function browserTimeZone(): { timeZone: string } | Record<string, never> {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return typeof zone === 'string' && /^[A-Za-z0-9_+/-]{1,64}$/.test(zone) ? { timeZone: zone } : {};
}

export const RANGE_PRESETS = ['today', 'last24h', 'last7d', 'last30d', 'thisMonth', 'last12m'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export interface EnergyRange {
  from: Date;
  to: Date;
  /** The bucket that suits the range best. */
  bucket: EnergyBucket;
}

export function presetRange(preset: RangePreset, now: Date): EnergyRange {
  const day = startOfLocalDay(now);
  const dayMs = 86_400_000;
  switch (preset) {
    case 'today':
      return { from: day, to: new Date(day.getTime() + dayMs), bucket: 'hour' };
    case 'last24h':
      return { from: new Date(now.getTime() - dayMs), to: now, bucket: 'hour' };
    case 'last7d':
      return { from: new Date(day.getFullYear(), day.getMonth(), day.getDate() - 6), to: new Date(day.getTime() + dayMs), bucket: 'day' };
    case 'last30d':
      return { from: new Date(day.getFullYear(), day.getMonth(), day.getDate() - 29), to: new Date(day.getTime() + dayMs), bucket: 'day' };
    case 'thisMonth':
      return { from: new Date(day.getFullYear(), day.getMonth(), 1), to: new Date(day.getFullYear(), day.getMonth() + 1, 1), bucket: 'day' };
    case 'last12m':
      return { from: new Date(day.getFullYear(), day.getMonth() - 11, 1), to: new Date(day.getFullYear(), day.getMonth() + 1, 1), bucket: 'month' };
  }
}

/** `YYYY-MM-DDTHH:mm` in local time, the value of an <input type="datetime-local">. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The date of an <input type="datetime-local"> value, or null when it is empty or invalid. */
export function fromLocalInput(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Keeps the first `keep` keys of a ranking and folds the others into one. */
export function topKeys(ranked: readonly string[], keep: number): { shown: string[]; folded: Set<string> } {
  return { shown: ranked.slice(0, keep), folded: new Set(ranked.slice(keep)) };
}
