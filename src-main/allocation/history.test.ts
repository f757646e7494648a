// The history estimator: medians of the badge's own past, else of the station at that time of
// day, else of the station; never anything that ended after the session started.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateSession, indexHistory, median, sessionEstimate, type PastSession } from './history.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const D0 = Date.UTC(2026, 2, 2);

function past(badge: string | null, stationId: string, day: number, startH: number, stayH: number, energyWh: number): PastSession {
  const startedAt = D0 + day * DAY + startH * HOUR;
  return { badge, stationId, startedAt, stoppedAt: startedAt + stayH * HOUR, energyWh };
}

describe('history estimates', () => {
  const history = [
    past('alice', 'S1', 0, 8, 8, 20_000),
    past('alice', 'S2', 1, 8.5, 9, 24_000),
    past('alice', 'S1', 2, 7.5, 7, 12_000),
    past('bob', 'S1', 1, 18, 2, 9_000),
    past(null, 'V1', 0, 10, 1, 5_000),
    past('v1', 'V1', 1, 11, 2, 7_000),
    past('v2', 'V1', 2, 10.5, 1.5, 6_000),
    past('v3', 'V1', 2, 16, 3, 15_000),
  ];
  const index = indexHistory(history);

  it('uses the badge’s own medians first, whatever the station', () => {
    const e = estimateSession(index, { badge: 'alice', stationId: 'S3', startedAt: D0 + 3 * DAY + 8 * HOUR });
    expect(e).toEqual({ energyWh: 20_000, dwellS: 8 * 3600, basis: 'badge', samples: 3 });
    expect(sessionEstimate(index, { badge: 'alice', stationId: 'S3', startedAt: D0 + 3 * DAY + 8 * HOUR })).toEqual({
      energyWh: 20_000,
      departureAt: D0 + 3 * DAY + 16 * HOUR,
    });
  });

  it('falls back to the station at the same time of day, then to the station, then to nothing', () => {
    // A new visitor at V1 at 10:30: the three morning sessions (10:00, 11:00, 10:30), not the 16:00 one.
    expect(estimateSession(index, { badge: 'new', stationId: 'V1', startedAt: D0 + 3 * DAY + 10.5 * HOUR })).toEqual({
      energyWh: 6_000,
      dwellS: 1.5 * 3600,
      basis: 'stationTimeOfDay',
      samples: 3,
    });
    // At 20:00 only one session within 1.5 h: the station's four.
    expect(estimateSession(index, { badge: null, stationId: 'V1', startedAt: D0 + 3 * DAY + 20 * HOUR })).toMatchObject({ basis: 'station', samples: 4, energyWh: 6_500 });
    // bob has one session only; S1 has three, one of them in the evening: the station's three.
    expect(estimateSession(index, { badge: 'bob', stationId: 'S1', startedAt: D0 + 3 * DAY + 18 * HOUR })).toMatchObject({ basis: 'station', samples: 3 });
    expect(estimateSession(index, { badge: 'bob', stationId: 'S9', startedAt: D0 + 3 * DAY + 18 * HOUR })).toBeNull();
  });

  it('never uses a session that had not ended when the estimated one started', () => {
    // On day 2 at 8:00 alice's day-2 session (7:30 → 14:30) is still running: two samples only.
    expect(estimateSession(index, { badge: 'alice', stationId: 'S1', startedAt: D0 + 2 * DAY + 8 * HOUR })).toMatchObject({ basis: 'badge', samples: 2, energyWh: 22_000 });
    // On day 1 at 8:00 she has one finished session: not enough, the station S1 has one too: nothing.
    expect(estimateSession(index, { badge: 'alice', stationId: 'S1', startedAt: D0 + 1 * DAY + 8 * HOUR })).toBeNull();
  });

  it('leaves out unusable archive rows', () => {
    const bad = indexHistory([{ badge: 'x', stationId: 'S', startedAt: D0, stoppedAt: D0 - 1, energyWh: 1 }, { badge: 'x', stationId: 'S', startedAt: D0, stoppedAt: D0 + HOUR, energyWh: Number.NaN }]);
    expect(bad.byBadge.size).toBe(0);
    expect(bad.byStation.size).toBe(0);
  });

  it('property: an estimate depends only on sessions ended before the start, and lies within their range', () => {
    const session = fc.record({
      badge: fc.constantFrom('a', 'b', 'c', null),
      stationId: fc.constantFrom('S1', 'S2'),
      day: fc.integer({ min: 0, max: 9 }),
      startH: fc.double({ min: 0, max: 23, noNaN: true }),
      stayH: fc.double({ min: 0.1, max: 12, noNaN: true }),
      energyWh: fc.integer({ min: 0, max: 60_000 }),
    });
    fc.assert(
      fc.property(fc.array(session, { maxLength: 40 }), session, (list, q) => {
        const sessions = list.map((s) => past(s.badge, s.stationId, s.day, s.startH, s.stayH, s.energyWh));
        const query = { badge: q.badge, stationId: q.stationId, startedAt: D0 + q.day * DAY + q.startH * HOUR };
        const visible = sessions.filter((s) => s.stoppedAt < query.startedAt);
        const e = estimateSession(indexHistory(sessions), query);
        // Adding sessions that end later (the future) changes nothing.
        expect(e).toEqual(estimateSession(indexHistory(visible), query));
        if (e) {
          const energies = visible.map((s) => s.energyWh);
          expect(e.energyWh).toBeGreaterThanOrEqual(Math.min(...energies));
          expect(e.energyWh).toBeLessThanOrEqual(Math.max(...energies));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
