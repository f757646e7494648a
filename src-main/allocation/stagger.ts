// Staggered start (pure): when each session that is not drawing yet may start. Deterministic
// (the same input gives the same instants: the engine runs every few seconds and a session
// must not see its turn move), so "random" is a hash of the session id, not Math.random.
import type { ChargingSession, Measurements, StaggeredStartSettings } from './types.ts';

/** Below this measured power a session counts as not started yet, W. */
const DRAWING_W = 100;

/** FNV-1a of the id, mapped to [0, 1). */
function unitHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x1_0000_0000;
}

function drawing(session: ChargingSession, measurements: Measurements): boolean {
  const m = measurements.sessions?.[session.id];
  if (!m) return false;
  if ((m.powerW ?? 0) > DRAWING_W) return true;
  return (m.currentA ?? [0, 0, 0]).some((a) => a > 0.5);
}

/**
 * The instant (epoch ms) each held session may start; sessions absent from the map start now.
 * Only sessions that are charging but not drawing yet are held; those already drawing keep
 * going (a supervisor restart must not pause a depot) but still take their turn in the order.
 */
export function staggeredStarts(
  sessions: readonly ChargingSession[],
  measurements: Measurements,
  settings: StaggeredStartSettings | undefined,
  connectorCount: number,
): Map<string, number> {
  const held = new Map<string, number>();
  if (!settings?.enabled || !(settings.windowS > 0)) return held;
  const live = sessions.filter((s) => (s.state ?? 'charging') === 'charging' && Number.isFinite(s.startedAt));
  const occupancy = connectorCount > 0 ? sessions.filter((s) => (s.state ?? 'charging') !== 'finished').length / connectorCount : 1;
  if (occupancy < (settings.minOccupancy ?? 0)) return held;
  const windowMs = settings.windowS * 1000;
  const now = measurements.now;
  if (settings.mode === 'random') {
    for (const s of live) {
      const release = s.startedAt + Math.floor(unitHash(s.id) * windowMs);
      if (release > now && !drawing(s, measurements)) held.set(s.id, release);
    }
    return held;
  }
  const spacingMs = (settings.spacingS !== undefined && settings.spacingS > 0 ? settings.spacingS : settings.windowS / 10) * 1000;
  const ordered = [...live].sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // A burst is a run of starts each within the window of the burst's first one; its i-th
  // member starts i spacings after that first start (never later than its own start + window).
  let burstStart = Number.NEGATIVE_INFINITY;
  let rank = 0;
  for (const s of ordered) {
    if (s.startedAt - burstStart >= windowMs) {
      burstStart = s.startedAt;
      rank = 0;
    }
    const release = Math.min(Math.max(s.startedAt, burstStart + rank * spacingMs), s.startedAt + windowMs);
    rank++;
    if (release > now && !drawing(s, measurements)) held.set(s.id, release);
  }
  return held;
}
