// Scenario tests of the allocation engine: the situations operators describe, with the numbers
// worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { allocate, equalShare, firstComeFirstServed, guardLimits } from './engine.ts';
import { buildModel, urgencyBand } from './model.ts';
import type { AcStation, AllocationResult, ChargingSession, ElectricalNode, PhaseRotation, Setpoint } from './types.ts';
import { verifyAllocation } from './verify.ts';

const NOW = Date.UTC(2026, 2, 2, 9);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function ac(id: string, extra: Partial<AcStation> = {}): AcStation {
  return { kind: 'AC', id, phases: 3, maxA: 16, profileUnit: 'A', ...extra };
}
function session(id: string, stationId: string, extra: Partial<ChargingSession> = {}): ChargingSession {
  return { id, stationId, connectorId: 1, startedAt: NOW - HOUR, ...extra };
}
function feeder(maxA: number, stations: AcStation[] | ElectricalNode['stations'], extra: Partial<ElectricalNode> = {}): ElectricalNode {
  return { id: 'feeder', maxA: [maxA, maxA, maxA], stations, ...extra };
}
function byId(result: AllocationResult): Record<string, Setpoint> {
  return Object.fromEntries(result.setpoints.map((s) => [s.sessionId, s]));
}
function values(result: AllocationResult): number[] {
  return result.setpoints.map((s) => s.value);
}
function phaseTotals(result: AllocationResult): number[] {
  return [0, 1, 2].map((p) => result.setpoints.reduce((sum, s) => sum + (s.phaseCurrentsA[p] as number), 0));
}
function safe(tree: ElectricalNode, sessions: ChargingSession[], result: AllocationResult, measurements = { now: NOW }) {
  expect(verifyAllocation(tree, sessions, measurements, result)).toEqual([]);
  return result;
}

describe('a 32 A feeder with six three-phase 16 A stations', () => {
  const stations = Array.from({ length: 6 }, (_, i) => ac(`S${i + 1}`));
  const tree = feeder(32, stations);
  const sessionsFor = (n: number) => Array.from({ length: n }, (_, i) => session(`v${i + 1}`, `S${i + 1}`, { startedAt: NOW - HOUR + i * MINUTE }));

  it('gives each session at least 6 A or pauses it, never more than 32 A per phase, and uses all 32 A', () => {
    const sessions = sessionsFor(6);
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    for (const s of result.setpoints) expect(s.value === 0 || s.value >= 6).toBe(true);
    // 6 × 6 A = 36 A > 32 A: one is paused, five share 32 A (6.4 A each → 7, 7, 6, 6, 6).
    expect(result.setpoints.filter((s) => s.paused)).toHaveLength(1);
    expect(phaseTotals(result)).toEqual([32, 32, 32]);
    expect(values(result).sort()).toEqual([0, 6, 6, 6, 7, 7]);
    const paused = result.setpoints.find((s) => s.paused) as Setpoint;
    expect(paused.reason).toEqual({ kind: 'minimumNotReachable', limit: { scope: 'node', id: 'feeder', phase: 'L1' } });
    // The one paused is the last to arrive (equal urgency: first come keeps its minimum).
    expect(paused.sessionId).toBe('v6');
  });

  it('splits equally when the minimums fit, and stops at the station maximum', () => {
    expect(values(allocate(tree, sessionsFor(4), { now: NOW }, {}))).toEqual([8, 8, 8, 8]);
    const two = allocate(tree, sessionsFor(2), { now: NOW }, {});
    expect(values(two)).toEqual([16, 16]);
    expect(two.setpoints[0]?.reason).toEqual({ kind: 'stationMax' });
  });

  it('counts the measured non-EV load of the feeder against its limit', () => {
    const sessions = sessionsFor(6);
    const measurements = { now: NOW, nodes: { feeder: { scope: 'nonEv' as const, currentA: [8, 8, 8] as const } } };
    const result = safe(tree, sessions, allocate(tree, sessions, measurements, {}), measurements);
    // 32 − 8 = 24 A left: four sessions at 6 A, two paused.
    expect(values(result).sort()).toEqual([0, 0, 6, 6, 6, 6]);
    expect(result.nodes[0]).toMatchObject({ nonEvA: [8, 8, 8], allocatedA: [24, 24, 24], headroomA: [0, 0, 0], sessions: 6 });
  });

  it('derives the non-EV load from a meter of the whole feeder minus what the chargers draw', () => {
    const sessions = sessionsFor(2);
    const measurements = {
      now: NOW,
      nodes: { feeder: { scope: 'total' as const, currentA: [30, 30, 30] as const } },
      sessions: { v1: { currentA: [10, 10, 10] as const }, v2: { currentA: [10, 10, 10] as const } },
    };
    const result = safe(tree, sessions, allocate(tree, sessions, measurements, {}), measurements);
    // Non-EV = 30 − 20 = 10 A: 22 A for the two sessions.
    expect(values(result)).toEqual([11, 11]);
    expect(result.nodes[0]).toMatchObject({ nonEvA: [10, 10, 10], measuredA: [30, 30, 30], headroomA: [0, 0, 0] });
  });
});

describe('phase rotation', () => {
  const rotations: PhaseRotation[] = [
    ['L1', 'L2', 'L3'],
    ['L2', 'L3', 'L1'],
    ['L3', 'L1', 'L2'],
  ];

  it('balances single-phase stations wired to rotated phases over L1, L2 and L3', () => {
    const stations = Array.from({ length: 6 }, (_, i) => ac(`S${i + 1}`, { phases: 1, maxA: 32, rotation: rotations[i % 3] }));
    const tree = feeder(32, stations);
    const sessions = stations.map((s, i) => session(`v${i + 1}`, s.id));
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    // Two stations per grid phase: 16 A each, all three phases full.
    expect(values(result)).toEqual([16, 16, 16, 16, 16, 16]);
    expect(phaseTotals(result)).toEqual([32, 32, 32]);
    expect(byId(result).v2?.phaseCurrentsA).toEqual([0, 16, 0]);
    expect(byId(result).v3?.phaseCurrentsA).toEqual([0, 0, 16]);
  });

  it('without rotation the same six crowd L1: one paused, L2 and L3 unused', () => {
    const stations = Array.from({ length: 6 }, (_, i) => ac(`S${i + 1}`, { phases: 1, maxA: 32 }));
    const tree = feeder(32, stations);
    const sessions = stations.map((s, i) => session(`v${i + 1}`, s.id));
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    expect(phaseTotals(result)).toEqual([32, 0, 0]);
    expect(result.setpoints.filter((s) => s.paused)).toHaveLength(1);
  });

  it('puts a single-phase vehicle on a three-phase station on the grid phase of the station L1', () => {
    const tree = feeder(32, [ac('S1', { rotation: ['L2', 'L3', 'L1'], maxA: 32 })]);
    const sessions = [session('v1', 'S1', { vehiclePhases: 1 })];
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    expect(result.setpoints[0]).toMatchObject({ value: 32, phases: 1, phaseCurrentsA: [0, 32, 0], powerW: 32 * 230 });
  });

  it('puts a two-phase vehicle on the grid phases of the station L1 and L2', () => {
    const tree = feeder(32, [ac('S1', { rotation: ['L3', 'L1', 'L2'] })]);
    const sessions = [session('v1', 'S1', { vehiclePhases: 2 })];
    expect(allocate(tree, sessions, { now: NOW }, {}).setpoints[0]).toMatchObject({ phases: 2, phaseCurrentsA: [16, 0, 16] });
  });
});

describe('priority and urgency', () => {
  const tree = feeder(32, [ac('S1', { maxA: 32 }), ac('S2', { maxA: 32 })]);

  it('shares in proportion to the priority class weights', () => {
    const sessions = [session('a', 'S1', { priorityClass: 'management' }), session('b', 'S2', { priorityClass: 'visitor' })];
    const result = allocate(tree, sessions, { now: NOW }, { priorityWeights: { management: 3, visitor: 1 } });
    // 3 : 1 of 32 A.
    expect(values(result)).toEqual([24, 8]);
    expect(values(allocate(tree, sessions, { now: NOW }, {}))).toEqual([16, 16]);
  });

  it('gives more to the session that needs more energy sooner', () => {
    const sessions = [
      session('urgent', 'S1', { energyRequestWh: 20_000, departureAt: NOW + 2 * HOUR }), // needs 10 kW
      session('relaxed', 'S2', { energyRequestWh: 10_000, departureAt: NOW + 10 * HOUR }), // needs 1 kW
    ];
    const result = allocate(tree, sessions, { now: NOW }, {});
    // Least laxity first: the urgent one (1.1 h of slack at 22 kW) is served before the relaxed
    // one (9.5 h of slack) gets even its minimum: it takes all 32 A, the relaxed one waits.
    expect(byId(result).urgent?.value).toBe(32);
    expect(byId(result).relaxed).toMatchObject({ value: 0, reason: { kind: 'minimumNotReachable' } });
    // Equal needs and departures: equal shares.
    const equal = [session('a', 'S1', { energyRequestWh: 10_000, departureAt: NOW + 4 * HOUR }), session('b', 'S2', { energyRequestWh: 10_000, departureAt: NOW + 4 * HOUR })];
    expect(values(allocate(tree, equal, { now: NOW }, {}))).toEqual([16, 16]);
  });

  it('uses the state of charge, the target and the battery capacity when no energy request is given', () => {
    const sessions = [
      session('low', 'S1', { socPercent: 20, targetSocPercent: 80, batteryWh: 60_000, departureAt: NOW + 4 * HOUR }), // 36 kWh: 9 kW
      session('high', 'S2', { socPercent: 70, targetSocPercent: 80, batteryWh: 60_000, departureAt: NOW + 4 * HOUR }), // 6 kWh: 1.5 kW
    ];
    const result = allocate(tree, sessions, { now: NOW }, {});
    expect(byId(result).low?.value).toBeGreaterThan(byId(result).high?.value as number);
  });

  it('keeps the minimum of the most urgent when not all minimums fit', () => {
    const small = feeder(10, [ac('S1'), ac('S2')]);
    const sessions = [session('early', 'S1', { startedAt: NOW - 3 * HOUR, energyRequestWh: 5_000, departureAt: NOW + 8 * HOUR }), session('late', 'S2', { energyRequestWh: 20_000, departureAt: NOW + HOUR })];
    const result = allocate(small, sessions, { now: NOW }, {});
    expect(byId(result).late?.value).toBe(10);
    expect(byId(result).early?.reason.kind).toBe('minimumNotReachable');
    // First come first served would have kept the early one.
    expect(byId(firstComeFirstServed(small, sessions, { now: NOW }, {})).early?.value).toBe(10);
  });
});

describe('least laxity first (urgency bands)', () => {
  const tree = feeder(32, [ac('S1', { maxA: 32 }), ac('S2', { maxA: 32 }), ac('S3', { maxA: 32 })]);

  it('bands by laxity, doubling from 15 minutes; an unknown need counts as none', () => {
    // 22 kW for 2 h: 20 kWh take 55 min, 65 min of slack: the (30 min, 1 h] band is -2, (1 h, 2 h] is -3.
    expect(urgencyBand(2 * 3600, 20_000, 22_000)).toBe(-3);
    expect(urgencyBand(2 * 3600, 40_000, 22_000)).toBe(0); // cannot make it: most urgent
    expect(urgencyBand(20 * 60, null, 22_000)).toBe(-1);
    expect(urgencyBand(10 * 3600, null, 22_000)).toBe(-6);
    expect(urgencyBand(1000 * 3600, 0, 22_000)).toBe(-8); // the last band holds every long stay
  });

  it('serves a car leaving soon before a car with hours of slack gets even its minimum', () => {
    const sessions = [
      session('staff', 'S1', { energyRequestWh: 15_000, departureAt: NOW + 8 * HOUR }),
      session('visitor', 'S2', { energyRequestWh: 10_000, departureAt: NOW + HOUR }),
    ];
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    expect(byId(result).visitor?.value).toBe(32);
    expect(byId(result).staff).toMatchObject({ value: 0, reason: { kind: 'minimumNotReachable' } });
  });

  it('shares fairly within a band and gives what the urgent band leaves to the next', () => {
    const sessions = [
      session('a', 'S1', { energyRequestWh: 5_000, departureAt: NOW + HOUR, vehicleMaxW: 3 * 230 * 10 }),
      session('b', 'S2', { energyRequestWh: 5_000, departureAt: NOW + HOUR, vehicleMaxW: 3 * 230 * 10 }),
      session('c', 'S3', { energyRequestWh: 15_000, departureAt: NOW + 8 * HOUR }),
    ];
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    // a and b are capped by their vehicles at 10 A each; c gets the 12 A they leave.
    expect(values(result)).toEqual([10, 10, 12]);
  });

  it('uses history estimates for urgency only: an estimate reached never pauses nor caps the car', () => {
    const sessions = [
      session('usual', 'S1', { energyDeliveredWh: 12_000, estimate: { energyWh: 10_000, departureAt: NOW + 30 * MINUTE } }),
      session('leaving', 'S2', { estimate: { energyWh: 20_000, departureAt: NOW + 45 * MINUTE } }),
    ];
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, { cyclePeriodS: 300 }));
    // usual took more than its estimate: need unknown again (30 min left: band -1); leaving:
    // 20 kWh cannot come in 45 min at 22 kW: most urgent, it gets all 32 A first.
    expect(byId(result).leaving?.value).toBe(32);
    expect(byId(result).usual?.value).toBe(0);
    const alone = safe(tree, [sessions[0] as ChargingSession], allocate(tree, [sessions[0] as ChargingSession], { now: NOW }, { cyclePeriodS: 300 }));
    expect(byId(alone).usual).toMatchObject({ value: 32, reason: { kind: 'stationMax' } });
  });
});

describe('rounding between bands', () => {
  it('gives a relaxed session its minimum from the fraction of a step an urgent one could not use', () => {
    // The urgent car is held by a 2,761 W sub-feeder (12.004 A): its share is 12 A once on the
    // 1 A grid, which leaves exactly 6 A on the 18 A feeder for the relaxed car's 6 A minimum.
    const tree: ElectricalNode = {
      id: 'feeder',
      maxA: [18, 18, 18],
      stations: [ac('RELAXED', { phases: 1, maxA: 6, stepA: 1 })],
      children: [{ id: 'sub', maxW: 2761, stations: [ac('URGENT', { phases: 1, maxA: 20, stepA: 1 })] }],
    };
    const sessions = [session('urgent', 'URGENT', { departureAt: NOW + 10 * MINUTE, energyRequestWh: 10_000 }), session('relaxed', 'RELAXED')];
    const result = byId(safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {})));
    expect(result.urgent?.value).toBe(12);
    expect(result.relaxed).toMatchObject({ value: 6, paused: false });
  });
});

describe('closed loop on measured power', () => {
  const tree = feeder(32, [ac('S1', { maxA: 32 }), ac('S2', { maxA: 32 })]);
  const sessions = [session('slow', 'S1'), session('other', 'S2')];

  it('gives the power a vehicle does not draw to the others', () => {
    const measurements = { now: NOW, sessions: { slow: { currentA: [5, 5, 5] as const, offered: { value: 16, unit: 'A' as const, since: NOW - 10 * MINUTE } } } };
    const result = safe(tree, sessions, allocate(tree, sessions, measurements, {}), measurements);
    // Drawing 5 A of 16 A offered: capped at 5 + 2 A margin, the other gets the remaining 25 A.
    expect(byId(result).slow).toMatchObject({ value: 7, reason: { kind: 'undrawn', measuredW: 3450 } });
    expect(byId(result).other?.value).toBe(25);
  });

  it('does not cap a vehicle that draws what it is offered, nor within the ramp-up grace period', () => {
    const drawing = { now: NOW, sessions: { slow: { currentA: [15.2, 15.1, 15.3] as const, offered: { value: 16, unit: 'A' as const } } } };
    expect(values(allocate(tree, sessions, drawing, {}))).toEqual([16, 16]);
    const justChanged = { now: NOW, sessions: { slow: { currentA: [0, 0, 0] as const, offered: { value: 16, unit: 'A' as const, since: NOW - 20_000 } } } };
    expect(values(allocate(tree, sessions, justChanged, {}))).toEqual([16, 16]);
    const disabled = { now: NOW, sessions: { slow: { currentA: [5, 5, 5] as const, offered: { value: 16, unit: 'A' as const } } } };
    expect(values(allocate(tree, sessions, disabled, { closedLoop: { enabled: false } }))).toEqual([16, 16]);
  });

  it('serves a vehicle that draws nothing last: its minimum if the others leave room, else paused', () => {
    const idle = { now: NOW, sessions: { slow: { powerW: 0, offered: { value: 16, unit: 'A' as const } } } };
    // 32 A feeder: the other takes its 32 A station maximum, nothing is left for the idle one.
    expect(byId(allocate(tree, sessions, idle, {})).slow).toMatchObject({ value: 0, reason: { kind: 'minimumNotReachable' } });
    expect(byId(allocate(tree, sessions, idle, {})).other?.value).toBe(32);
    // 40 A: 8 A left, the idle vehicle keeps its 6 A minimum and can resume.
    const roomy = feeder(40, [ac('S1', { maxA: 32 }), ac('S2', { maxA: 32 })]);
    expect(byId(allocate(roomy, sessions, idle, {})).slow).toMatchObject({ value: 6, reason: { kind: 'undrawn', measuredW: 0 } });
    // A slow vehicle that draws something is not idle: it is capped, never below its minimum.
    const trickle = { now: NOW, sessions: { slow: { currentA: [1.5, 1.5, 1.5] as const, offered: { value: 16, unit: 'A' as const } } } };
    expect(byId(allocate(tree, sessions, trickle, {})).slow?.value).toBe(6);
  });
});

describe('a session that ends or stops drawing frees its power at once', () => {
  const tree = feeder(32, [ac('S1'), ac('S2'), ac('S3')]);
  const three = [session('a', 'S1'), session('b', 'S2'), session('c', 'S3', { startedAt: NOW - 10 * MINUTE })];

  it('redistributes a finished session’s share in the same allocation', () => {
    expect(values(allocate(tree, three, { now: NOW }, {}))).toEqual([11, 11, 10]);
    const finished = allocate(tree, [three[0] as ChargingSession, three[1] as ChargingSession, { ...(three[2] as ChargingSession), state: 'finished' }], { now: NOW }, {});
    expect(values(finished)).toEqual([16, 16, 0]);
    expect(byId(finished).c?.reason).toEqual({ kind: 'finished' });
    expect(values(allocate(tree, three.slice(0, 2), { now: NOW }, {}))).toEqual([16, 16]);
  });

  it('pauses a vehicle that paused itself when others need the power', () => {
    const sessions = [session('a', 'S1'), session('b', 'S2'), session('sleeping', 'S3', { state: 'vehiclePaused' })];
    const tight = feeder(32, [ac('S1'), ac('S2'), ac('S3')]);
    const result = allocate(tight, sessions, { now: NOW }, {});
    expect(values(result)).toEqual([16, 16, 0]);
    expect(byId(result).sleeping?.reason.kind).toBe('minimumNotReachable');
  });

  it('pauses a session whose target is reached and keeps only the minimum of a vehicle that paused itself', () => {
    const sessions = [session('a', 'S1'), session('full', 'S2', { energyRequestWh: 10_000, energyDeliveredWh: 10_000 }), session('sleeping', 'S3', { state: 'vehiclePaused' })];
    const result = allocate(tree, sessions, { now: NOW }, {});
    expect(byId(result).full).toMatchObject({ value: 0, paused: true, reason: { kind: 'targetReached' } });
    expect(byId(result).sleeping).toMatchObject({ value: 6, reason: { kind: 'vehiclePaused' } });
    expect(byId(result).a?.value).toBe(16);
  });

  it('keeps pre-conditioning power for a full vehicle before departure', () => {
    const sessions = [session('a', 'S1', { energyRequestWh: 5_000, energyDeliveredWh: 5_000, departureAt: NOW + 30 * MINUTE, preconditioning: { fromAt: NOW - MINUTE, powerW: 5_520 } })];
    // 5,520 W on three phases at 230 V = 8 A.
    expect(allocate(tree, sessions, { now: NOW }, {}).setpoints[0]).toMatchObject({ value: 8, reason: { kind: 'preconditioning' } });
  });

  it('caps a session about to reach its target at what one control cycle can deliver', () => {
    const sessions = [session('a', 'S1', { energyRequestWh: 10_100, energyDeliveredWh: 10_000 })];
    // 100 Wh in 60 s = 6 kW = 8.7 A on three phases → 9 A.
    expect(allocate(tree, sessions, { now: NOW }, { cyclePeriodS: 60 }).setpoints[0]).toMatchObject({ value: 9, reason: { kind: 'energyTarget' } });
  });
});

describe('hierarchy, units and station types', () => {
  it('applies every ancestor’s limit and names the one that binds', () => {
    const tree: ElectricalNode = {
      id: 'site',
      maxA: [40, 40, 40],
      children: [
        { id: 'boardA', maxA: [32, 32, 32], stations: [ac('A1', { maxA: 32 }), ac('A2', { maxA: 32 })] },
        { id: 'boardB', maxA: [16, 16, 16], stations: [ac('B1', { maxA: 32 })] },
      ],
    };
    const sessions = [session('a1', 'A1'), session('a2', 'A2'), session('b1', 'B1')];
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    // Max-min fair: 40 A for three → 13.3 each, B1 under 16 A; board A's 32 A does not bind.
    expect(phaseTotals(result)).toEqual([40, 40, 40]);
    for (const s of result.setpoints) expect(s.reason).toMatchObject({ kind: 'limit', limit: { id: 'site' } });
    const nodes = Object.fromEntries(result.nodes.map((n) => [n.nodeId, n]));
    expect(nodes.site?.headroomA).toEqual([0, 0, 0]);
    expect(nodes.boardA?.parentId).toBe('site');
    expect(nodes.boardA?.sessions).toBe(2);
    expect((nodes.boardA?.allocatedA[0] as number) + (nodes.boardB?.allocatedA[0] as number)).toBe(40);
  });

  it('gives W setpoints to stations that take W and respects a node power limit', () => {
    const tree: ElectricalNode = { id: 'site', maxW: 10_000, stations: [ac('S1', { profileUnit: 'W', stepW: 100 }), ac('S2')] };
    const sessions = [session('w', 'S1'), session('a', 'S2')];
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    expect(byId(result).w?.unit).toBe('W');
    expect(byId(result).a?.unit).toBe('A');
    const total = result.setpoints.reduce((sum, s) => sum + s.powerW, 0);
    expect(total).toBeLessThanOrEqual(10_000);
    expect(total).toBeGreaterThan(10_000 - 690);
    expect(result.nodes[0]?.limitW).toBe(10_000);
  });

  it('loads the three grid phases with a DC charger’s input, efficiency included', () => {
    const tree: ElectricalNode = { id: 'site', maxA: [50, 50, 50], stations: [{ kind: 'DC', id: 'D1', maxW: 50_000, efficiency: 0.95 }] };
    const sessions = [session('d', 'D1')];
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    // 50 A × 3 × 230 V × 0.95 = 32,775 W of output → 32,700 on the 100 W grid.
    expect(result.setpoints[0]).toMatchObject({ value: 32_700, unit: 'W', reason: { kind: 'limit', limit: { id: 'site', phase: 'L1' } } });
  });

  it('shares a station’s supply between its connectors', () => {
    const tree: ElectricalNode = { id: 'site', maxA: [100, 100, 100], stations: [ac('S1', { connectors: 2, maxA: 32, supplyMaxA: 32 })] };
    const sessions = [session('c1', 'S1'), session('c2', 'S1', { connectorId: 2 })];
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, {}));
    expect(values(result)).toEqual([16, 16]);
    expect(result.setpoints[0]?.reason).toEqual({ kind: 'limit', limit: { scope: 'station', id: 'S1', phase: 'L1' } });
  });

  it('respects the station’s current step', () => {
    const tree = feeder(20, [ac('S1', { stepA: 0.5 }), ac('S2', { stepA: 0.5 }), ac('S3', { stepA: 0.5 })]);
    const sessions = [session('a', 'S1'), session('b', 'S2'), session('c', 'S3')];
    // 20 / 3 = 6.67 → 6.5, 6.5, 6.5 and 0.5 A left: one gets 7.
    expect(values(allocate(tree, sessions, { now: NOW }, {}))).toEqual([7, 6.5, 6.5]);
  });
});

describe('operator control', () => {
  const tree = feeder(32, [ac('S1', { maxA: 32 }), ac('S2', { maxA: 32 })]);

  it('applies a manual setpoint first and shares the rest', () => {
    const sessions = [session('m', 'S1', { manual: { value: 20, unit: 'A' } }), session('auto', 'S2')];
    const result = allocate(tree, sessions, { now: NOW }, {});
    expect(byId(result).m).toMatchObject({ value: 20, reason: { kind: 'manual', limitedBy: null } });
    expect(byId(result).auto?.value).toBe(12);
  });

  it('reduces a manual setpoint to what the limits allow', () => {
    const small = feeder(20, [ac('S1', { maxA: 32 })]);
    const result = allocate(small, [session('m', 'S1', { manual: { value: 30, unit: 'A' } })], { now: NOW }, {});
    expect(result.setpoints[0]).toMatchObject({ value: 20, reason: { kind: 'manual', limitedBy: { id: 'feeder', phase: 'L1' } } });
  });

  it('gives only minimums in a manual-mode group without operator setpoints', () => {
    const manualTree = feeder(32, [ac('S1', { maxA: 32 }), ac('S2', { maxA: 32 })], { mode: 'manual' });
    const result = allocate(manualTree, [session('a', 'S1'), session('b', 'S2')], { now: NOW }, {});
    expect(result.setpoints.map((s) => [s.value, s.reason.kind])).toEqual([
      [6, 'manualMode'],
      [6, 'manualMode'],
    ]);
  });
});

describe('bad input changes nothing and is explained', () => {
  const tree = feeder(32, [ac('S1'), ac('S2')]);

  it('gives nothing to a session on an unknown station or connector, and says why', () => {
    const sessions = [session('ghost', 'NOPE'), session('wrong', 'S2', { connectorId: 3 }), session('ok', 'S1')];
    const result = allocate(tree, sessions, { now: NOW }, {});
    expect(byId(result).ghost).toMatchObject({ value: 0, reason: { kind: 'invalid' } });
    expect(byId(result).wrong).toMatchObject({ value: 0, reason: { kind: 'invalid' } });
    expect(byId(result).ok?.value).toBe(16);
    expect(result.issues).toHaveLength(2);
  });

  it('lets the latest session keep a connector claimed twice', () => {
    const sessions = [session('old', 'S1', { startedAt: NOW - 2 * HOUR }), session('new', 'S1')];
    const result = allocate(tree, sessions, { now: NOW }, {});
    expect(byId(result).old?.reason.kind).toBe('invalid');
    expect(byId(result).new?.value).toBe(16);
  });

  it('treats a negative or missing limit safely and reports a node overloaded without chargers', () => {
    const overloaded = feeder(32, [ac('S1')]);
    const measurements = { now: NOW, nodes: { feeder: { scope: 'nonEv' as const, currentA: [40, 0, 0] as const } } };
    const result = allocate(overloaded, [session('a', 'S1')], measurements, {});
    expect(result.setpoints[0]?.value).toBe(0);
    expect(result.nodes[0]?.headroomA[0]).toBe(-8);
    expect(result.issues.some((i) => i.includes('non-EV load exceeds'))).toBe(true);
    const negative = allocate({ id: 'x', maxA: [-5, 32, 32], stations: [ac('S1')] }, [session('a', 'S1')], { now: NOW }, {});
    expect(negative.setpoints[0]?.value).toBe(0);
  });
});

describe('baselines', () => {
  const tree = feeder(32, [ac('S1', { maxA: 32 }), ac('S2', { maxA: 32 }), ac('S3', { maxA: 32 })]);
  const sessions = [
    session('first', 'S1', { startedAt: NOW - 3 * HOUR, priorityClass: 'visitor', vehicleMaxW: 4_600 }),
    session('second', 'S2', { startedAt: NOW - 2 * HOUR, priorityClass: 'management' }),
    session('third', 'S3', { startedAt: NOW - HOUR }),
  ];
  const settings = { priorityWeights: { management: 4 } };

  it('equal share splits each limit equally, ignoring priorities, and does not redistribute', () => {
    const result = safe(tree, sessions, equalShare(tree, sessions, { now: NOW }, settings));
    // Minimums 18 A, 14 A left split by three: 6 + 4.67 → 10 A each; "first" is capped at its
    // vehicle's 4.6 kW (6.67 A → 6 A) and the rest stays unused.
    expect(values(result)).toEqual([6, 10, 10]);
    expect(result.strategy).toBe('equalShare');
  });

  it('first come first served gives the earliest all it can take', () => {
    const result = safe(tree, sessions, firstComeFirstServed(tree, sessions, { now: NOW }, settings));
    expect(values(result)).toEqual([6, 26, 0]);
  });

  it('the weighted strategy uses what the capped vehicle leaves and follows the priorities', () => {
    const result = safe(tree, sessions, allocate(tree, sessions, { now: NOW }, settings));
    expect(byId(result).first?.value).toBe(6);
    expect(byId(result).second?.value).toBeGreaterThan(byId(result).third?.value as number);
    expect(phaseTotals(result)).toEqual([32, 32, 32]);
  });
});

describe('numerical guard', () => {
  it('lowers the loads on a row pushed over its capacity, least urgent first, and says so', () => {
    const tree = feeder(20, [ac('S1'), ac('S2')]);
    const sessions = [session('a', 'S1', { priorityClass: 'vip' }), session('b', 'S2')];
    const model = buildModel(tree, sessions, { now: NOW }, { priorityWeights: { vip: 5 } }, { useUrgency: true, closedLoop: true });
    // A distribution that broke the feeder's 20 A (as float error could, by a hair).
    const value = Float64Array.from([12, 12]);
    const blockedBy = new Int32Array(2).fill(-1);
    const slack = guardLimits(model, value, blockedBy);
    expect(Math.min(...slack)).toBeGreaterThanOrEqual(0);
    expect(Array.from(value)).toEqual([12, 8]);
    expect(model.issues.some((i) => i.startsWith('numerical guard'))).toBe(true);
  });
});
