// Types of the overview (hypervision) and energy-dashboard commands: the project's sites with
// their stations and limits, and the aggregates the archive computes over meter samples.

/** An electrical group of a site, with the stations it feeds directly. */
export interface SiteGroupInfo {
  id: string;
  name: string;
  parentId: string | null;
  maxPowerW: number;
  stationIds: string[];
}

export interface SiteParkInfo {
  id: string;
  stationIds: string[];
}

/** A site of the running project: what the overview groups stations by. */
export interface SiteInfo {
  id: string;
  name: string;
  /** Sum of the limits of the groups fed directly by the site connection; null without groups. */
  maxPowerW: number | null;
  stationIds: string[];
  /** Parks of the site (format 2); stations of a format-1 project have none. */
  parks: SiteParkInfo[];
  groups: SiteGroupInfo[];
}

export const ENERGY_BUCKETS = ['hour', 'day', 'week', 'month'] as const;
export type EnergyBucket = (typeof ENERGY_BUCKETS)[number];

export const ENERGY_GROUPINGS = ['site', 'group', 'station'] as const;
export type EnergyGrouping = (typeof ENERGY_GROUPINGS)[number];

export interface EnergySummaryQuery {
  /** ISO time, inclusive. */
  from: string;
  /** ISO time, exclusive. */
  to: string;
  bucket: EnergyBucket;
  groupBy: EnergyGrouping;
  siteId?: string;
  /**
   * Offset of the operator's local time from UTC, minutes (e.g. 60 for Paris in winter, as
   * `-new Date().getTimezoneOffset()`): days, weeks (from Monday) and months start at local midnight.
   */
  tzOffsetMinutes?: number;
  /**
   * IANA time zone of the operator (e.g. Europe/Paris); takes precedence over tzOffsetMinutes
   * and follows daylight saving inside the range.
   */
  timeZone?: string;
}

export interface EnergySummaryCell {
  /** Site, group or station id. */
  key: string;
  /** UTC ISO start of the bucket. */
  bucket: string;
  energyWh: number;
  /** Sessions started in the bucket. */
  sessions: number;
}

export interface EnergySummaryTotal {
  key: string;
  name: string;
  energyWh: number;
  sessions: number;
}

export interface EnergySummary {
  from: string;
  to: string;
  bucket: EnergyBucket;
  groupBy: EnergyGrouping;
  /** UTC ISO starts of every bucket of the range, in order (empty buckets included). */
  buckets: string[];
  cells: EnergySummaryCell[];
  /** One per key with data or declared, largest energy first. */
  totals: EnergySummaryTotal[];
  energyWh: number;
  sessions: number;
}

export interface PowerSeriesQuery {
  from: string;
  to: string;
  siteId?: string;
  stationId?: string;
  /** At most this many points (default 500): samples are averaged per connector in equal steps. */
  maxPoints?: number;
}

export interface PowerPoint {
  /** UTC ISO start of the step. */
  t: string;
  /** Sum over connectors of their mean power in the step, W. */
  w: number;
}

export interface PowerSeries {
  from: string;
  to: string;
  stepS: number;
  points: PowerPoint[];
  /** The limit of the site (or station) when known, W. */
  limitW: number | null;
  /** Highest step of the series (step averages, not instantaneous readings). */
  peak: PowerPoint | null;
}

export const METER_QUANTITIES = ['power', 'energy', 'soc', 'current', 'currentL1', 'currentL2', 'currentL3', 'voltage'] as const;
export type MeterQuantity = (typeof METER_QUANTITIES)[number];

export interface MeterTrendQuery {
  stationId: string;
  quantity: MeterQuantity;
  from: string;
  to: string;
  /** At most this many points per connector (default 1,000): above it, min/mean/max per equal step. */
  maxPoints?: number;
}

export interface TrendPoint {
  t: string;
  avg: number;
  min: number;
  max: number;
  /** How many samples the point stands for. */
  n: number;
}

export interface MeterTrendSeries {
  evseId: number;
  connectorId: number;
  points: TrendPoint[];
}

export interface MeterTrend {
  stationId: string;
  quantity: MeterQuantity;
  unit: 'W' | 'Wh' | '%' | 'A' | 'V';
  from: string;
  to: string;
  /** 0 when the samples are returned as they are (no more than maxPoints). */
  stepS: number;
  series: MeterTrendSeries[];
}
