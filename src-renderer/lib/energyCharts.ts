// Pure shaping of energy-dashboard answers into chart rows and CSV: stacked bars per bucket
// (the largest keys kept, the rest folded into "others"), trend series merged by time.
import type { EnergyBucket, EnergySummary, MeterTrend } from '../../src-shared/api/energy.ts';
import { toCsv, type CsvDialect } from './csv.ts';

export const OTHERS_KEY = '\u0000others';

/** Colours that read on the dark and the light theme, in the order keys are ranked. */
export const SERIES_COLOURS = ['#3b9eff', '#34c97b', '#f2a93b', '#a993ff', '#ff6b8a', '#2ec4c4', '#d4d44a', '#ff9955', '#7d8a98'];

export interface StackedBars {
  keys: Array<{ key: string; name: string }>;
  /** One row per bucket: `bucket` (UTC ISO) and kWh per key. */
  rows: Array<Record<string, number | string>>;
}

/** kWh per bucket and key for a stacked bar chart; keys beyond `keep` are summed as OTHERS_KEY. */
export function stackedEnergyBars(summary: EnergySummary, keep: number, othersName: string, unassignedName: string): StackedBars {
  const ranked = summary.totals.filter((t) => t.energyWh > 0);
  const shown = ranked.slice(0, keep);
  const shownKeys = new Set(shown.map((t) => t.key));
  const keys = shown.map((t) => ({ key: t.key, name: t.key === '' ? unassignedName : t.name }));
  if (ranked.length > keep) keys.push({ key: OTHERS_KEY, name: othersName });
  const rows = summary.buckets.map((bucket): Record<string, number | string> => {
    const row: Record<string, number | string> = { bucket };
    for (const k of keys) row[k.key] = 0;
    return row;
  });
  const index = new Map(summary.buckets.map((b, i) => [b, i]));
  for (const cell of summary.cells) {
    const row = rows[index.get(cell.bucket) ?? -1];
    if (!row) continue;
    const key = shownKeys.has(cell.key) ? cell.key : OTHERS_KEY;
    if (!(key in row)) continue;
    row[key] = (row[key] as number) + cell.energyWh / 1000;
  }
  return { keys, rows };
}

/** Rows `{ t (ms), c<evse>-<connector>: value }` merged by time, one column per connector. */
export function trendRows(trend: MeterTrend): { series: Array<{ id: string; evseId: number; connectorId: number }>; rows: Array<Record<string, number>> } {
  const byTime = new Map<number, Record<string, number>>();
  const series = trend.series.map((s) => ({ id: `c${s.evseId}-${s.connectorId}`, evseId: s.evseId, connectorId: s.connectorId }));
  trend.series.forEach((s, i) => {
    const id = series[i]?.id ?? '';
    for (const p of s.points) {
      const t = Date.parse(p.t);
      const row = byTime.get(t) ?? { t };
      row[id] = p.avg;
      byTime.set(t, row);
    }
  });
  return { series, rows: [...byTime.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0)) };
}

/** The plotted trend as CSV: one line per point and connector. */
export function trendCsv(trend: MeterTrend, header: readonly string[], dialect: CsvDialect): string {
  const lines = trend.series.flatMap((s) => s.points.map((p) => [p.t, trend.stationId, s.evseId, s.connectorId, trend.quantity, trend.unit, p.avg, p.min, p.max, p.n]));
  return toCsv(header, lines, dialect);
}

/** How a bucket start reads on an axis. */
export function bucketLabel(iso: string, bucket: EnergyBucket, locale: string, multiDay: boolean): string {
  const d = new Date(iso);
  switch (bucket) {
    case 'hour':
      return new Intl.DateTimeFormat(locale, multiDay ? { day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' } : { hour: '2-digit', minute: '2-digit' }).format(d);
    case 'day':
    case 'week':
      return new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit' }).format(d);
    case 'month':
      return new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric' }).format(d);
  }
}

/** How an instant reads on a time axis spanning `spanMs`. */
export function timeLabel(ms: number, spanMs: number, locale: string): string {
  const options: Intl.DateTimeFormatOptions = spanMs > 2 * 86_400_000 ? { day: '2-digit', month: '2-digit', hour: '2-digit' } : spanMs > 3_600_000 ? { hour: '2-digit', minute: '2-digit' } : { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  return new Intl.DateTimeFormat(locale, options).format(new Date(ms));
}

/** A round axis maximum at or above `value` (1, 2, 2.5 or 5 times a power of ten); 1 for nothing. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= value - 1e-9) ?? 10;
  return step * power;
}
