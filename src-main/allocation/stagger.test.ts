import { describe, expect, it } from 'vitest';
import { allocate } from './engine.ts';
import { staggeredStarts } from './stagger.ts';
import type { ChargingSession, ElectricalNode, Measurements } from './types.ts';

const T0 = Date.parse('2026-11-24T18:00:00Z');

function sessions(n: number, everyMs: number): ChargingSession[] {
  return Array.from({ length: n }, (_, i) => ({ id: `s${String(i + 1).padStart(2, '0')}`, stationId: `CP${i + 1}`, connectorId: 1, startedAt: T0 + i * everyMs }));
}

const TREE: ElectricalNode = {
  id: 'depot',
  name: 'Depot',
  maxA: [400, 400, 400],
  stations: Array.from({ length: 10 }, (_, i) => ({ kind: 'AC' as const, id: `CP${i + 1}`, connectors: 1, phases: 3 as const, maxA: 32, minA: 6, stepA: 1, profileUnit: 'A' as const })),
};

describe('staggered start', () => {
  it('is off unless enabled: nobody waits', () => {
    expect(staggeredStarts(sessions(5, 0), { now: T0 }, undefined, 10).size).toBe(0);
    expect(staggeredStarts(sessions(5, 0), { now: T0 }, { enabled: false, mode: 'ordered', windowS: 60 }, 10).size).toBe(0);
  });

  it('ordered: five buses plugged in at once start one every spacing, the first at once', () => {
    const held = staggeredStarts(sessions(5, 0), { now: T0 }, { enabled: true, mode: 'ordered', windowS: 120, spacingS: 20 }, 10);
    expect(held.has('s01')).toBe(false);
    expect([...held.entries()].sort()).toEqual([
      ['s02', T0 + 20_000],
      ['s03', T0 + 40_000],
      ['s04', T0 + 60_000],
      ['s05', T0 + 80_000],
    ]);
  });

  it('ordered: no session waits longer than the window after its own start', () => {
    const held = staggeredStarts(sessions(10, 0), { now: T0 }, { enabled: true, mode: 'ordered', windowS: 60, spacingS: 20 }, 10);
    for (const until of held.values()) expect(until).toBeLessThanOrEqual(T0 + 60_000);
    expect(held.get('s10')).toBe(T0 + 60_000);
  });

  it('releases a session once its time has come, and never holds one that already draws power', () => {
    const list = sessions(3, 0);
    const later: Measurements = { now: T0 + 25_000 };
    const settings = { enabled: true, mode: 'ordered' as const, windowS: 120, spacingS: 20 };
    expect([...staggeredStarts(list, later, settings, 10).keys()]).toEqual(['s03']);
    const drawing: Measurements = { now: T0, sessions: { s03: { powerW: 7000 } } };
    expect(staggeredStarts(list, drawing, settings, 10).has('s03')).toBe(false);
  });

  it('random: delays are within the window, differ between sessions and do not move between runs', () => {
    const list = sessions(8, 0);
    const settings = { enabled: true, mode: 'random' as const, windowS: 300 };
    const a = staggeredStarts(list, { now: T0 }, settings, 10);
    const b = staggeredStarts(list, { now: T0 + 1 }, settings, 10);
    for (const [id, until] of a) {
      expect(until).toBeGreaterThanOrEqual(T0);
      expect(until).toBeLessThan(T0 + 300_000);
      if (until > T0 + 1) expect(b.get(id)).toBe(until);
    }
    expect(new Set(a.values()).size).toBeGreaterThan(4);
  });

  it('occupancy rule: a nearly empty park starts at once, a busy one staggers', () => {
    const settings = { enabled: true, mode: 'ordered' as const, windowS: 120, spacingS: 20, minOccupancy: 0.5 };
    expect(staggeredStarts(sessions(3, 0), { now: T0 }, settings, 10).size).toBe(0);
    expect(staggeredStarts(sessions(6, 0), { now: T0 }, settings, 10).size).toBe(5);
  });

  it('the engine gives a waiting session 0 with the reason and its instant, and its share to the others', () => {
    const list = sessions(4, 0);
    const result = allocate(TREE, list, { now: T0 }, { staggeredStart: { enabled: true, mode: 'ordered', windowS: 120, spacingS: 30 } });
    const byId = new Map(result.setpoints.map((sp) => [sp.sessionId, sp]));
    expect(byId.get('s01')?.value).toBe(32);
    for (const [id, k] of [['s02', 1], ['s03', 2], ['s04', 3]] as const) {
      expect(byId.get(id)?.value).toBe(0);
      expect(byId.get(id)?.reason).toEqual({ kind: 'staggered', untilMs: T0 + k * 30_000 });
    }
    const after = allocate(TREE, list, { now: T0 + 95_000 }, { staggeredStart: { enabled: true, mode: 'ordered', windowS: 120, spacingS: 30 } });
    expect(after.setpoints.every((sp) => sp.value === 32)).toBe(true);
  });
});
