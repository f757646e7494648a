// Energy service, synchronous core: the sites of the running project and the dashboard
// aggregates, computed in SQL by the archive (archive/energy.ts) and rolled up here to sites,
// groups or stations. The supervisor runs it in a worker thread (worker-client.ts).
// Bad requests (unparsable or reversed ranges, too many buckets, unknown site or station)
// are refused with a message that says what to change.
import { ApiError } from '../../src-shared/api/index.ts';
import type {
  EnergySummary,
  EnergySummaryQuery,
  MeterQuantity,
  MeterTrend,
  MeterTrendQuery,
  PowerPoint,
  PowerSeries,
  PowerSeriesQuery,
  SiteInfo,
} from '../../src-shared/api/energy.ts';
import type { ProjectFile } from '../../src-shared/project/index.ts';
import type { EnergyQueries } from '../archive/energy.ts';
import { bucketsBetween, constantOffsetParts, isTimeZone, labelToUtc, normaliseIso, planPieces, stepFor } from './calendar.ts';
import { groupingOf, rollUp, type StationCell } from './rollup.ts';
import { sitesOfProject } from './sites.ts';


/**
 * Steps shorter than this may fall between two readings of a connector: there each connector's
 * last reading stands for it up to this long (stations sample every 10 to 60 s), so the sum
 * does not saw-tooth. Longer steps average the readings in them.
 */
export const POWER_HOLD_S = 120;

/** Sums connectors per step, each connector's value held for `holdSteps` steps after its last reading. */
export function holdForward(rows: readonly { step: number; connector: string; w: number }[], holdSteps: number, lastStep: number): Array<{ step: number; w: number }> {
  const sums = new Map<number, number>();
  let i = 0;
  while (i < rows.length) {
    const connector = rows[i]?.connector;
    for (; i < rows.length && rows[i]?.connector === connector; i++) {
      const row = rows[i] as { step: number; w: number };
      const next = rows[i + 1];
      const until = Math.min(lastStep, next && next.connector === connector ? Math.min(next.step - 1, row.step + holdSteps) : row.step + holdSteps);
      for (let step = row.step; step <= until; step++) sums.set(step, (sums.get(step) ?? 0) + row.w);
    }
  }
  return [...sums].sort((a, b) => a[0] - b[0]).map(([step, w]) => ({ step, w }));
}

function peakOf(points: readonly PowerPoint[]): PowerPoint | null {
  const peak = points.reduce<PowerPoint | null>((best, p) => (best === null || p.w > best.w ? p : best), null);
  return peak ? { ...peak } : null;
}

/** At most this many calendar buckets per summary (an hourly year would be 8,760). */
export const MAX_BUCKETS = 1_000;

const UNITS: Record<MeterQuantity, MeterTrend['unit']> = {
  power: 'W',
  energy: 'Wh',
  soc: '%',
  current: 'A',
  currentL1: 'A',
  currentL2: 'A',
  currentL3: 'A',
  voltage: 'V',
};

export interface EnergyServiceOptions {
  queries: EnergyQueries;
  project: ProjectFile | null;
  /** Whether a station id is known to the supervisor (declared or registered). */
  stationExists: (stationId: string) => boolean;
}

function range(from: string, to: string): { from: string; to: string } {
  const f = normaliseIso(from);
  const t = normaliseIso(to);
  if (f === null) throw new ApiError('BadRequest', `"from" is not a date and time: ${from}`);
  if (t === null) throw new ApiError('BadRequest', `"to" is not a date and time: ${to}`);
  if (f >= t) throw new ApiError('BadRequest', `"from" (${f}) must be before "to" (${t})`);
  return { from: f, to: t };
}

export class EnergyService {
  private readonly queries: EnergyQueries;
  private readonly sites: SiteInfo[];
  private readonly stationExists: (stationId: string) => boolean;
  private readonly stationLimits = new Map<string, number>();

  constructor(options: EnergyServiceOptions) {
    this.queries = options.queries;
    this.sites = sitesOfProject(options.project);
    this.stationExists = options.stationExists;
    for (const site of options.project?.sites ?? []) for (const s of site.stations) this.stationLimits.set(s.id, s.maxPowerW * s.connectors);
  }

  listSites(): SiteInfo[] {
    return structuredClone(this.sites);
  }

  private site(siteId: string): SiteInfo {
    const site = this.sites.find((s) => s.id === siteId);
    if (!site) throw new ApiError('NotFound', `No site ${siteId} in the project (sites: ${this.sites.map((s) => s.id).join(', ') || 'none'})`);
    return site;
  }

  private station(stationId: string): string {
    if (!this.stationExists(stationId)) throw new ApiError('NotFound', `No station ${stationId}`);
    return stationId;
  }

  summary(q: EnergySummaryQuery): EnergySummary {
    const { from, to } = range(q.from, q.to);
    if (q.timeZone !== undefined && !isTimeZone(q.timeZone)) throw new ApiError('BadRequest', `Unknown time zone "${q.timeZone}": give an IANA name such as Europe/Paris`);
    const site = q.siteId === undefined ? null : this.site(q.siteId);
    // With a time zone, the range is cut where daylight saving changes the offset; each part is
    // bucketed in its own offset and the parts meet in local buckets (days, weeks, months by
    // their local label; hours by their instant, so the repeated autumn hour stays two hours).
    const parts = q.timeZone === undefined ? [{ from, to, offset: q.tzOffsetMinutes ?? 0 }] : constantOffsetParts(from, to, q.timeZone);
    const keyOf = (label: string, offset: number) => (q.bucket === 'hour' ? labelToUtc(label, offset) : label);
    const starts = new Map<string, string>();
    for (const part of parts) {
      const buckets = bucketsBetween(part.from, part.to, q.bucket, part.offset, MAX_BUCKETS);
      if (buckets === null) throw new ApiError('BadRequest', `The range holds more than ${MAX_BUCKETS} ${q.bucket} buckets: choose a larger bucket or a shorter range`);
      for (const b of buckets) if (!starts.has(keyOf(b.label, part.offset))) starts.set(keyOf(b.label, part.offset), b.start);
    }
    if (starts.size > MAX_BUCKETS) throw new ApiError('BadRequest', `The range holds more than ${MAX_BUCKETS} ${q.bucket} buckets: choose a larger bucket or a shorter range`);
    const cells = new Map<string, StationCell>();
    const cell = (stationId: string, label: string, offset: number): StationCell => {
      const key = keyOf(label, offset);
      const id = `${stationId}\u0000${key}`;
      let c = cells.get(id);
      if (!c) {
        c = { stationId, bucket: starts.get(key) ?? labelToUtc(label, offset), energyWh: 0, sessions: 0 };
        cells.set(id, c);
      }
      return c;
    };
    for (const part of parts) {
      const bucketQuery = { from: part.from, to: part.to, bucket: q.bucket, tzOffsetMinutes: part.offset, stationIds: site ? site.stationIds : null };
      // Whole 5-minute slots and hours from the roll-ups, the ragged ends from the samples.
      for (const piece of planPieces(part.from, part.to, part.offset)) {
        const pieceQuery = { ...bucketQuery, from: piece.from, to: piece.to };
        const rows = piece.source === 'raw' ? this.queries.energyByStation(pieceQuery) : this.queries.energyByStationFromRollup(piece.source, pieceQuery);
        for (const r of rows) if (r.value !== 0) cell(r.stationId, r.label, part.offset).energyWh += r.value;
      }
      for (const r of this.queries.sessionsByStation(bucketQuery)) cell(r.stationId, r.label, part.offset).sessions += r.value;
    }
    const rolled = rollUp([...cells.values()], groupingOf(this.sites, q.groupBy, site?.id ?? null));
    return {
      from,
      to,
      bucket: q.bucket,
      groupBy: q.groupBy,
      buckets: [...starts.values()].sort(),
      cells: rolled.cells,
      totals: rolled.totals,
      energyWh: rolled.totals.reduce((sum, t) => sum + t.energyWh, 0),
      sessions: rolled.totals.reduce((sum, t) => sum + t.sessions, 0),
    };
  }

  powerSeries(q: PowerSeriesQuery): PowerSeries {
    const { from, to } = range(q.from, q.to);
    let stationIds: string[] | null = null;
    let limitW: number | null;
    if (q.stationId !== undefined) {
      stationIds = [this.station(q.stationId)];
      limitW = this.stationLimits.get(q.stationId) ?? null;
    } else if (q.siteId !== undefined) {
      const site = this.site(q.siteId);
      stationIds = site.stationIds;
      limitW = site.maxPowerW;
    } else {
      const limits = this.sites.map((s) => s.maxPowerW).filter((w): w is number => w !== null);
      limitW = limits.length === 0 ? null : limits.reduce((a, b) => a + b, 0);
    }
    const rangeMs = Date.parse(to) - Date.parse(from);
    // Past 2 hours the curve is read from the 5-minute roll-up, past 4 days from the hourly one.
    const stepS = Math.max(stepFor(from, to, q.maxPoints ?? 500), rangeMs > 4 * 86_400_000 ? 3600 : rangeMs > 2 * 3_600_000 ? 300 : 0);
    if (stepS >= 300) {
      // Steps of whole slots, aligned on UTC multiples of the step.
      const base = Math.floor(Date.parse(from) / (stepS * 1000)) * stepS * 1000;
      const span = stepS % 3600 === 0 ? 3600 : 300;
      const rows = this.queries.powerStepsFromRollup(span, { from: new Date(base).toISOString(), to, stepS, stationIds });
      const points = rows.map((r) => ({ t: new Date(base + r.step * stepS * 1000).toISOString(), w: r.w }));
      return { from, to, stepS, points, limitW, peak: peakOf(points) };
    }
    const base = Date.parse(from);
    const steps =
      stepS >= POWER_HOLD_S
        ? this.queries.powerSteps({ from, to, stepS, stationIds })
        : holdForward(
            this.queries.powerStepsByConnector({ from, to, stepS, stationIds }),
            Math.floor(POWER_HOLD_S / stepS),
            // Nothing is held past the range or into the future.
            Math.ceil((Math.min(Date.parse(to), Date.now()) - base) / 1000 / stepS) - 1,
          );
    const points = steps.map((s) => ({ t: new Date(base + s.step * stepS * 1000).toISOString(), w: s.w }));
    return { from, to, stepS, points, limitW, peak: peakOf(points) };
  }

  meterTrend(q: MeterTrendQuery): MeterTrend {
    const { from, to } = range(q.from, q.to);
    this.station(q.stationId);
    const maxPoints = q.maxPoints ?? 1_000;
    const count = this.queries.countSamples(q.stationId, q.quantity, from, to);
    // Raw when few enough; otherwise a step cut so that each connector stays within maxPoints.
    const stepS = count <= maxPoints ? 0 : stepFor(from, to, maxPoints);
    const base = Date.parse(from);
    const series = new Map<string, MeterTrend['series'][number]>();
    for (const r of this.queries.trend(q.stationId, q.quantity, from, to, stepS)) {
      const id = `${r.evseId}/${r.connectorId}`;
      let s = series.get(id);
      if (!s) {
        s = { evseId: r.evseId, connectorId: r.connectorId, points: [] };
        series.set(id, s);
      }
      s.points.push({ t: stepS === 0 ? r.ts : new Date(base + r.step * stepS * 1000).toISOString(), avg: r.avg, min: r.min, max: r.max, n: r.n });
    }
    return { stationId: q.stationId, quantity: q.quantity, unit: UNITS[q.quantity], from, to, stepS, series: [...series.values()] };
  }
}
