// Property-based proofs of the engine's promises over random trees (1 to 3 levels below the
// site), random phase wirings, AC single- and three-phase and DC stations, random limits,
// non-EV meters, sessions, measurements and settings. The hard promises are judged by
// verify.ts, which recomputes every limit's load from the raw inputs, not by the engine itself.
// ALLOCATION_RUNS scales the budget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, equalShare, firstComeFirstServed } from './engine.ts';
import type {
  AllocationResult,
  AllocationSettings,
  AllocationStrategy,
  ChargingSession,
  ElectricalNode,
  Measurements,
  NodeMeasurement,
  PhaseRotation,
  SessionMeasurement,
  Station,
} from './types.ts';
import { legalRange, limitUses, verifyAllocation } from './verify.ts';

const RUNS = Number(process.env.ALLOCATION_RUNS ?? 300);
const NOW = Date.UTC(2026, 0, 15, 12);
const HOUR = 3_600_000;

interface Scenario {
  tree: ElectricalNode;
  sessions: ChargingSession[];
  measurements: Measurements;
  settings: AllocationSettings;
}

const rotations: PhaseRotation[] = [
  ['L1', 'L2', 'L3'],
  ['L2', 'L3', 'L1'],
  ['L3', 'L1', 'L2'],
  ['L1', 'L3', 'L2'],
];
const triple = (max: number) => fc.tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max }), fc.integer({ min: 0, max }));
/** `arb` in `percent` % of the cases, undefined otherwise. */
const maybe = <T>(arb: fc.Arbitrary<T>, percent = 50): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 100 - percent }, { arbitrary: arb, weight: percent });

type StationShape = Omit<Station, 'id'>;
const acStation: fc.Arbitrary<StationShape> = fc.record({
  kind: fc.constant('AC' as const),
  connectors: fc.integer({ min: 1, max: 2 }),
  phases: fc.constantFrom(1 as const, 3 as const),
  rotation: maybe(fc.constantFrom(...rotations), 80),
  minA: maybe(fc.constantFrom(6, 8, 0), 30),
  maxA: fc.constantFrom(6, 10, 16, 20, 32, 63),
  stepA: maybe(fc.constantFrom(1, 0.5, 0.1), 50),
  supplyMaxA: maybe(fc.integer({ min: 0, max: 64 }), 25),
  profileUnit: fc.constantFrom('A' as const, 'W' as const),
  stepW: maybe(fc.constantFrom(1, 10, 100), 50),
});
const dcStation: fc.Arbitrary<StationShape> = fc.record({
  kind: fc.constant('DC' as const),
  connectors: fc.integer({ min: 1, max: 2 }),
  maxW: fc.constantFrom(20_000, 50_000, 150_000),
  minW: maybe(fc.constantFrom(0, 2_000, 5_000), 70),
  stepW: maybe(fc.constantFrom(100, 500, 1_000), 70),
  supplyMaxW: maybe(fc.integer({ min: 0, max: 200_000 }), 25),
  efficiency: fc.double({ min: 0.85, max: 1, noNaN: true }),
});
const stationShape = fc.oneof({ arbitrary: acStation, weight: 3 }, { arbitrary: dcStation, weight: 1 });

interface NodeShape {
  maxA: readonly [number, number, number] | undefined;
  maxW: number | undefined;
  mode: 'manual' | undefined;
  stations: StationShape[];
  children: NodeShape[];
}
const nodeShape: (depth: number) => fc.Arbitrary<NodeShape> = (depth) =>
  fc.record({
    maxA: maybe(fc.oneof(triple(250), fc.tuple(fc.integer({ min: 6, max: 80 }), fc.integer({ min: 6, max: 80 }), fc.integer({ min: 6, max: 80 }))), 75),
    maxW: maybe(fc.integer({ min: 0, max: 250_000 }), 30),
    mode: maybe(fc.constant('manual' as const), 5),
    stations: fc.array(stationShape, { maxLength: 4 }),
    children: depth > 0 ? fc.array(nodeShape(depth - 1), { maxLength: 3 }) : fc.constant([]),
  });

const sessionShape = fc.record({
  occupied: fc.integer({ min: 0, max: 9 }),
  startedAt: fc.integer({ min: -10 * HOUR, max: 0 }),
  state: fc.oneof({ arbitrary: fc.constant('charging' as const), weight: 18 }, { arbitrary: fc.constant('vehiclePaused' as const), weight: 1 }, { arbitrary: fc.constant('finished' as const), weight: 1 }),
  priorityClass: fc.constantFrom(undefined, 'management', 'visitor'),
  vehicleMaxW: maybe(fc.integer({ min: 1_000, max: 150_000 })),
  vehiclePhases: maybe(fc.constantFrom(1 as const, 2 as const, 3 as const)),
  soc: maybe(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 10_000, max: 100_000 })), 40),
  energyRequestWh: maybe(fc.integer({ min: 0, max: 80_000 }), 30),
  energyDeliveredWh: maybe(fc.integer({ min: 0, max: 40_000 })),
  departureIn: maybe(fc.integer({ min: -HOUR, max: 12 * HOUR }), 60),
  // Expectations from history (history.ts): urgency only, never a cap.
  estimate: maybe(fc.record({ energyWh: maybe(fc.integer({ min: 0, max: 60_000 })), departureIn: maybe(fc.integer({ min: -2 * HOUR, max: 12 * HOUR })) }), 40),
  preconditioningW: maybe(fc.integer({ min: 500, max: 5_000 }), 10),
  manual: maybe(fc.record({ value: fc.integer({ min: 0, max: 40_000 }), unit: fc.constantFrom('A' as const, 'W' as const) }), 5),
  measured: maybe(
    fc.record({
      powerW: maybe(fc.integer({ min: 0, max: 60_000 })),
      currentA: maybe(triple(40)),
      offered: maybe(fc.record({ value: fc.integer({ min: 0, max: 40 }), unit: fc.constant('A' as const), since: maybe(fc.integer({ min: -HOUR, max: 0 })) }), 70),
    }),
  ),
});

const nodeMeasurementShape = maybe(
  fc.record({ scope: fc.constantFrom('nonEv' as const, 'total' as const), currentA: maybe(triple(60), 70), powerW: maybe(fc.integer({ min: 0, max: 40_000 }), 30) }),
  25,
);

const settingsShape: fc.Arbitrary<AllocationSettings> = fc.record({
  voltageV: fc.constantFrom(230, 220, 240),
  priorityWeights: fc.record({ management: fc.integer({ min: 1, max: 5 }), visitor: fc.constantFrom(0.5, 1) }),
  closedLoop: fc.record({ enabled: fc.boolean(), marginA: fc.constantFrom(1, 2, 3), graceS: fc.constantFrom(0, 60) }),
  cyclePeriodS: maybe(fc.constantFrom(60, 300), 50),
  controlMode: fc.oneof({ arbitrary: fc.constant('automatic' as const), weight: 19 }, { arbitrary: fc.constant('manual' as const), weight: 1 }),
});

/** Ids are given after generation so that they are unique; sessions fill the connectors. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    root: nodeShape(2),
    sessionShapes: fc.array(sessionShape, { minLength: 40, maxLength: 40 }),
    nodeMeasurements: fc.array(nodeMeasurementShape, { minLength: 20, maxLength: 20 }),
    settings: settingsShape,
  })
  .map(({ root, sessionShapes, nodeMeasurements, settings }) => {
    let nodeCount = 0;
    let stationCount = 0;
    const stations: Station[] = [];
    const nodesMeasured: Record<string, NodeMeasurement> = {};
    const build = (shape: NodeShape): ElectricalNode => {
      const id = `N${nodeCount++}`;
      const m = nodeMeasurements[nodeCount % nodeMeasurements.length];
      if (m) nodesMeasured[id] = m;
      const built: ElectricalNode = {
        id,
        ...(shape.maxA ? { maxA: shape.maxA } : {}),
        ...(shape.maxW !== undefined ? { maxW: shape.maxW } : {}),
        ...(shape.mode ? { mode: shape.mode } : {}),
        stations: shape.stations.map((s) => {
          const station = { ...s, id: `S${stationCount++}` } as Station;
          stations.push(station);
          return station;
        }),
        children: shape.children.map(build),
      };
      return built;
    };
    const tree = build(root);
    const sessions: ChargingSession[] = [];
    const sessionsMeasured: Record<string, SessionMeasurement> = {};
    let k = 0;
    for (const station of stations) {
      for (let c = 1; c <= (station.connectors ?? 1); c++) {
        const shape = sessionShapes[k++ % sessionShapes.length] as (typeof sessionShapes)[number];
        if (shape.occupied < 2) continue;
        const id = `v${String(sessions.length).padStart(3, '0')}`;
        const session: ChargingSession = {
          id,
          stationId: station.id,
          connectorId: c,
          startedAt: NOW + shape.startedAt,
          state: shape.state,
          ...(shape.priorityClass ? { priorityClass: shape.priorityClass } : {}),
          ...(shape.vehicleMaxW !== undefined ? { vehicleMaxW: shape.vehicleMaxW } : {}),
          ...(shape.vehiclePhases !== undefined ? { vehiclePhases: shape.vehiclePhases } : {}),
          ...(shape.soc ? { socPercent: shape.soc[0], targetSocPercent: shape.soc[1], batteryWh: shape.soc[2] } : {}),
          ...(shape.energyRequestWh !== undefined ? { energyRequestWh: shape.energyRequestWh } : {}),
          ...(shape.energyDeliveredWh !== undefined ? { energyDeliveredWh: shape.energyDeliveredWh } : {}),
          ...(shape.departureIn !== undefined ? { departureAt: NOW + shape.departureIn } : {}),
          ...(shape.estimate
            ? {
                estimate: {
                  ...(shape.estimate.energyWh !== undefined ? { energyWh: shape.estimate.energyWh } : {}),
                  ...(shape.estimate.departureIn !== undefined ? { departureAt: NOW + shape.estimate.departureIn } : {}),
                },
              }
            : {}),
          ...(shape.preconditioningW !== undefined ? { preconditioning: { fromAt: NOW - 60_000, powerW: shape.preconditioningW } } : {}),
          ...(shape.manual ? { manual: shape.manual } : {}),
        };
        sessions.push(session);
        if (shape.measured) {
          const m = shape.measured;
          sessionsMeasured[id] = {
            ...(m.powerW !== undefined ? { powerW: m.powerW } : {}),
            ...(m.currentA ? { currentA: m.currentA } : {}),
            ...(m.offered ? { offered: { value: m.offered.value, unit: m.offered.unit, ...(m.offered.since !== undefined ? { since: NOW + m.offered.since } : {}) } } : {}),
          };
        }
      }
    }
    return { tree, sessions, measurements: { now: NOW, nodes: nodesMeasured, sessions: sessionsMeasured }, settings };
  });

const strategies: Array<[string, AllocationStrategy]> = [
  ['allocate', allocate],
  ['equalShare', equalShare],
  ['firstComeFirstServed', firstComeFirstServed],
];

function run(strategy: AllocationStrategy, s: Scenario): AllocationResult {
  return strategy(s.tree, s.sessions, s.measurements, s.settings);
}

/** Reasons of sessions decided outside the distribution (operator, state, input). */
const FIXED = new Set(['manual', 'manualMode', 'targetReached', 'finished', 'invalid']);

/**
 * Work conservation, precisely: for every session the distribution decided that is below its
 * own cap (station, vehicle, closed loop), some limit on its path has less headroom than that
 * session's next increment would need (one step when running, its minimum when paused).
 * Otherwise power would be left unused while a session could take more.
 */
function unusedPower(s: Scenario, result: AllocationResult): string[] {
  const V = s.settings.voltageV ?? 230;
  const uses = limitUses(s.tree, s.sessions, s.measurements, result.setpoints, V);
  const sessionOf = new Map(s.sessions.map((x) => [x.id, x]));
  const problems: string[] = [];
  for (const sp of result.setpoints) {
    if (FIXED.has(sp.reason.kind)) continue;
    const increment = sp.value > 0 ? sp.step : Math.max(sp.min, sp.step);
    if (sp.value + increment > sp.max + 1e-9) continue;
    const blocked = uses.some((u) => {
      const perUnit = u.perUnit.get(sp.sessionId);
      return perUnit !== undefined && u.capacity - u.used < perUnit * increment - 1e-6;
    });
    if (!blocked) problems.push(`${sp.sessionId} (${sessionOf.get(sp.sessionId)?.stationId}) at ${sp.value} ${sp.unit} of ${sp.max} could take ${increment} more (${sp.reason.kind})`);
  }
  return problems;
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function shuffleTree(node: ElectricalNode, seed: number): ElectricalNode {
  return {
    ...node,
    stations: shuffled(node.stations ?? [], seed + 1),
    children: shuffled((node.children ?? []).map((c, i) => shuffleTree(c, seed * 31 + i)), seed + 2),
  };
}

describe('allocation properties (random trees, wirings, stations, sessions)', () => {
  for (const [name, strategy] of strategies) {
    it(`${name}: no limit exceeded on any node, station supply or phase; every value 0 or legal`, () => {
      fc.assert(
        fc.property(scenario, (s) => {
          const result = run(strategy, s);
          expect(verifyAllocation(s.tree, s.sessions, s.measurements, result, s.settings.voltageV)).toEqual([]);
          expect(result.setpoints.map((x) => x.sessionId)).toEqual(s.sessions.map((x) => x.id).sort());
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('allocate: a session gets at least its minimum or is paused (0), within its own range and step', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const result = allocate(s.tree, s.sessions, s.measurements, s.settings);
        const sessionOf = new Map(s.sessions.map((x) => [x.id, x]));
        for (const sp of result.setpoints) {
          expect(sp.paused).toBe(sp.value === 0);
          if (sp.value === 0) continue;
          expect(sp.value).toBeGreaterThanOrEqual(sp.min - 1e-9);
          expect(sp.value).toBeLessThanOrEqual(sp.max + 1e-9);
          const k = sp.value / sp.step;
          expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-6);
          const session = sessionOf.get(sp.sessionId) as ChargingSession;
          const station = findStation(s.tree, session.stationId) as Station;
          const range = legalRange(station, session, s.settings.voltageV ?? 230);
          expect(sp.value).toBeGreaterThanOrEqual(range.min - 1e-6);
        }
      }),
      { numRuns: RUNS },
    );
  });

  for (const [name, strategy] of [strategies[0], strategies[2]] as Array<[string, AllocationStrategy]>) {
    it(`${name}: all available power is used while a session under its own cap could take more (one step)`, () => {
      fc.assert(
        fc.property(scenario, (s) => {
          expect(unusedPower(s, run(strategy, s))).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('allocate: deterministic, and independent of the order of sessions, children and stations', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 1e6 }), (s, seed) => {
        const first = allocate(s.tree, s.sessions, s.measurements, s.settings);
        expect(allocate(s.tree, s.sessions, s.measurements, s.settings)).toEqual(first);
        const reordered = allocate(shuffleTree(s.tree, seed), shuffled(s.sessions, seed), s.measurements, s.settings);
        expect(reordered.setpoints).toEqual(first.setpoints);
        expect(reordered.nodes).toEqual(first.nodes);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it('allocate: least laxity first — a car with hours of slack gets power only once every car leaving soon is at its maximum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ soon: fc.boolean(), estimated: fc.boolean(), vehicleA: maybe(fc.integer({ min: 6, max: 32 })), phases: fc.constantFrom<1 | 3>(1, 3) }), { minLength: 2, maxLength: 12 }),
        fc.integer({ min: 0, max: 120 }),
        fc.constantFrom(...rotations),
        (cars, limit, rotation) => {
          const tree: ElectricalNode = {
            id: 'site',
            maxA: [limit, limit, limit],
            stations: cars.map((_, i) => ({ kind: 'AC' as const, id: `S${i}`, phases: 3 as const, rotation, maxA: 32, profileUnit: 'A' as const })),
          };
          // Soon: 30 kWh within 30 min (no slack at all); late: 5 kWh within 10 h. Told by the
          // vehicle or estimated from history: the same urgency.
          const sessions: ChargingSession[] = cars.map((c, i) => {
            const need = c.soon ? { energyWh: 30_000, departureAt: NOW + HOUR / 2 } : { energyWh: 5_000, departureAt: NOW + 10 * HOUR };
            return {
              id: `v${i}`,
              stationId: `S${i}`,
              connectorId: 1,
              startedAt: NOW - HOUR,
              vehiclePhases: c.phases,
              ...(c.vehicleA !== undefined ? { vehicleMaxW: c.vehicleA * 230 * c.phases } : {}),
              ...(c.estimated ? { estimate: need } : { energyRequestWh: need.energyWh, departureAt: need.departureAt }),
            };
          });
          const result = allocate(tree, sessions, { now: NOW }, {});
          expect(verifyAllocation(tree, sessions, { now: NOW }, result)).toEqual([]);
          // Setpoints come sorted by session id (v10 before v2): look cars up by id.
          const soon = (id: string) => cars[Number(id.slice(1))]?.soon === true;
          const soonPaused = result.setpoints.filter((sp) => soon(sp.sessionId) && sp.paused);
          const latePowered = result.setpoints.filter((sp) => !soon(sp.sessionId) && !sp.paused);
          // Same minimum (6 A) on every car, and every car on the rotation's L1: a late car gets
          // power only once every soon car is at its own maximum.
          if (soonPaused.length > 0) expect(latePowered).toEqual([]);
          if (latePowered.length > 0) expect(result.setpoints.filter((sp) => soon(sp.sessionId) && sp.value < sp.max)).toEqual([]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('allocate: equal sessions under one limit get the same power, within one step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 6, max: 200 }),
        fc.constantFrom<1 | 3>(1, 3),
        fc.constantFrom(1, 0.5, 0.1),
        (count, limit, phases, stepA) => {
          const rotation: PhaseRotation = ['L1', 'L2', 'L3'];
          const tree: ElectricalNode = {
            id: 'site',
            maxA: [limit, limit, limit],
            stations: Array.from({ length: count }, (_, i) => ({ kind: 'AC' as const, id: `S${i}`, phases, rotation, maxA: 32, stepA, profileUnit: 'A' as const })),
          };
          const sessions = Array.from({ length: count }, (_, i) => ({ id: `v${i}`, stationId: `S${i}`, connectorId: 1, startedAt: NOW - HOUR }));
          const values = allocate(tree, sessions, { now: NOW }, {})
            .setpoints.filter((x) => !x.paused)
            .map((x) => x.value);
          if (values.length > 0) expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(stepA + 1e-9);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

function findStation(node: ElectricalNode, id: string): Station | undefined {
  return node.stations?.find((s) => s.id === id) ?? node.children?.map((c) => findStation(c, id)).find((s) => s !== undefined);
}
