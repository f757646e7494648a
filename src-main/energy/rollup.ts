// Pure roll-up of per-station bucket values (from SQL) into sites, groups or stations.
import type { EnergyGrouping, EnergySummaryCell, EnergySummaryTotal, SiteInfo } from '../../src-shared/api/energy.ts';

/** Key of what is not in the project (self-registered stations): shown as "other". */
export const UNASSIGNED_KEY = '';

export interface Grouping {
  keyOf(stationId: string): string;
  /** Declared keys and their names, in project order. */
  keys: Array<{ key: string; name: string }>;
}

export function groupingOf(sites: readonly SiteInfo[], groupBy: EnergyGrouping, siteId: string | null): Grouping {
  const inScope = siteId === null ? sites : sites.filter((s) => s.id === siteId);
  const map = new Map<string, string>();
  const keys: Array<{ key: string; name: string }> = [];
  for (const site of inScope) {
    if (groupBy === 'site') {
      keys.push({ key: site.id, name: site.name });
      for (const id of site.stationIds) map.set(id, site.id);
    } else if (groupBy === 'group') {
      for (const g of site.groups) {
        keys.push({ key: g.id, name: g.name });
        for (const id of g.stationIds) map.set(id, g.id);
      }
    } else {
      for (const id of site.stationIds) {
        keys.push({ key: id, name: id });
        map.set(id, id);
      }
    }
  }
  return { keyOf: (stationId) => (groupBy === 'station' ? (map.get(stationId) ?? stationId) : (map.get(stationId) ?? UNASSIGNED_KEY)), keys };
}

export interface StationCell {
  stationId: string;
  /** UTC ISO start of the bucket. */
  bucket: string;
  energyWh: number;
  sessions: number;
}

/** Cells per key and bucket, totals per key (declared keys included, largest energy first). */
export function rollUp(cells: readonly StationCell[], grouping: Grouping): { cells: EnergySummaryCell[]; totals: EnergySummaryTotal[] } {
  const byCell = new Map<string, EnergySummaryCell>();
  const totals = new Map<string, EnergySummaryTotal>(grouping.keys.map((k) => [k.key, { key: k.key, name: k.name, energyWh: 0, sessions: 0 }]));
  for (const c of cells) {
    const key = grouping.keyOf(c.stationId);
    const id = `${key}\u0000${c.bucket}`;
    const cell = byCell.get(id) ?? { key, bucket: c.bucket, energyWh: 0, sessions: 0 };
    cell.energyWh += c.energyWh;
    cell.sessions += c.sessions;
    byCell.set(id, cell);
    const total = totals.get(key) ?? { key, name: key, energyWh: 0, sessions: 0 };
    total.energyWh += c.energyWh;
    total.sessions += c.sessions;
    totals.set(key, total);
  }
  const sortedCells = [...byCell.values()].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const sortedTotals = [...totals.values()].sort((a, b) => b.energyWh - a.energyWh || b.sessions - a.sessions || (a.key < b.key ? -1 : 1));
  return { cells: sortedCells, totals: sortedTotals };
}
