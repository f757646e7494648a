// Pure model of the station page's power charts: the archive's downsampled hour, extended with
// live points from station events, trimmed to the window and bounded in size.
import type { PowerHistory } from '../../src-shared/api/index.ts';
import type { StationState } from '../../src-shared/domain/index.ts';

export type PowerPoint = [t: number, w: number];
/** Series by EVSE number. */
export type PowerSeriesByEvse = Record<number, PowerPoint[]>;

export const POWER_WINDOW_MS = 3_600_000;
const MAX_POINTS = 2000;

export function seriesFromHistory(history: PowerHistory): PowerSeriesByEvse {
  const out: PowerSeriesByEvse = {};
  for (const s of history.series) out[s.evseId] = [...(out[s.evseId] ?? []), ...s.points].sort((a, b) => a[0] - b[0]);
  return out;
}

/**
 * Adds the live power of each connector of `station` at time `now` (one point per connector
 * per call, only past the last point), and drops points older than the window.
 */
export function addLivePoints(series: PowerSeriesByEvse, station: StationState, now: number, windowMs = POWER_WINDOW_MS): PowerSeriesByEvse {
  const out: PowerSeriesByEvse = {};
  const evses = new Set([...Object.keys(series).map(Number), ...station.connectors.map((c) => c.evseId)]);
  for (const evse of evses) {
    let points = series[evse] ?? [];
    const connector = station.connectors.find((c) => c.evseId === evse);
    const last = points.at(-1);
    if (connector && (!last || now > last[0])) {
      const w = connector.powerW ?? 0;
      points = [...points, [now, w]];
    }
    const start = now - windowMs;
    const kept = points.filter((p) => p[0] >= start);
    out[evse] = kept.length > MAX_POINTS ? kept.slice(kept.length - MAX_POINTS) : kept;
  }
  return out;
}
