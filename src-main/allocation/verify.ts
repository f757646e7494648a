// An independent check of an allocation's hard promises, written apart from the engine (it
// shares only the input types): the property tests judge the engine with it, and the controller
// can run it before pushing profiles so that a bug upstream never reaches a station.
//
// It recomputes from the raw inputs each setpoint's grid current per phase (through the
// station's rotation), the non-EV load of every node, the load on every limit of every node and
// station supply, and checks that no limit is exceeded and that every value is 0 or legal.
import type { AllocationResult, ChargingSession, ElectricalNode, GridPhase, LimitRef, Measurements, RateUnit, Setpoint, Station } from './types.ts';

export interface AllocationViolation {
  kind: 'limit' | 'illegalValue' | 'unknownSession';
  detail: string;
}

/** One limit with what the allocation puts on it. */
export interface LimitUse {
  ref: LimitRef;
  /** Limit minus non-EV load (never below 0): what the chargers may use. */
  capacity: number;
  /** What the setpoints use. */
  used: number;
  /** Load each session puts on this limit per unit of its setpoint (A or W per A or W). */
  perUnit: Map<string, number>;
}

const PHASE: Readonly<Record<GridPhase, number>> = { L1: 0, L2: 1, L3: 2 };
const NAMES: readonly GridPhase[] = ['L1', 'L2', 'L3'];
const DEFAULT_ROTATION: readonly GridPhase[] = ['L1', 'L2', 'L3'];

/** Grid current per phase and grid power that a setpoint allows, from the station's wiring. */
export function setpointLoad(station: Station, session: ChargingSession, sp: { value: number; unit: RateUnit }, voltageV: number): { currentsA: number[]; powerW: number } {
  if (station.kind === 'DC') {
    const grid = sp.value / station.efficiency;
    return { currentsA: [grid / (3 * voltageV), grid / (3 * voltageV), grid / (3 * voltageV)], powerW: grid };
  }
  const currents = [0, 0, 0];
  const phases = station.phases === 1 ? 1 : Math.min(3, session.vehiclePhases ?? 3);
  const perPhase = sp.unit === 'A' ? sp.value : sp.value / (voltageV * phases);
  const rotation = station.rotation ?? DEFAULT_ROTATION;
  for (let k = 0; k < phases; k++) {
    const p = PHASE[rotation[k] as GridPhase];
    currents[p] = (currents[p] as number) + perPhase;
  }
  return { currentsA: currents, powerW: perPhase * phases * voltageV };
}

/** The station's own legal range for a setpoint in its unit: [min, max] on a step grid. */
export function legalRange(station: Station, session: ChargingSession, voltageV: number): { unit: RateUnit; min: number; max: number; step: number } {
  if (station.kind === 'DC') return { unit: 'W', min: station.minW ?? 0, max: station.maxW, step: station.stepW ?? 100 };
  if (station.profileUnit === 'A') return { unit: 'A', min: station.minA ?? 6, max: station.maxA, step: station.stepA ?? 1 };
  const f = voltageV * (station.phases === 1 ? 1 : Math.min(3, session.vehiclePhases ?? 3));
  return { unit: 'W', min: (station.minA ?? 6) * f, max: station.maxA * f, step: station.stepW ?? 1 };
}

function onGrid(value: number, step: number): boolean {
  const k = value / step;
  return Math.abs(k - Math.round(k)) < 1e-6;
}

/** Every limit of the tree with its capacity, its use by the setpoints and who loads it how much. */
export function limitUses(
  tree: ElectricalNode,
  sessions: readonly ChargingSession[],
  measurements: Measurements,
  setpoints: readonly Setpoint[],
  voltageV = 230,
): LimitUse[] {
  const stationOf = new Map<string, { station: Station; path: ElectricalNode[] }>();
  const collect = (node: ElectricalNode, path: ElectricalNode[]) => {
    const here = [...path, node];
    for (const st of node.stations ?? []) if (!stationOf.has(st.id)) stationOf.set(st.id, { station: st, path: here });
    for (const child of node.children ?? []) collect(child, here);
  };
  collect(tree, []);
  const sessionOf = new Map<string, ChargingSession>();
  for (const s of sessions) if (!sessionOf.has(s.id)) sessionOf.set(s.id, s);

  // Per node / station, per quantity [A L1, A L2, A L3, W]: per-unit loads of each session,
  // the setpoints' use and the measured EV load.
  type Acc = { used: number[]; measuredEv: number[]; perUnit: Array<Map<string, number>> };
  const accOf = new Map<object, Acc>();
  const acc = (key: object): Acc => {
    let a = accOf.get(key);
    if (!a) {
      a = { used: [0, 0, 0, 0], measuredEv: [0, 0, 0, 0], perUnit: [new Map(), new Map(), new Map(), new Map()] };
      accOf.set(key, a);
    }
    return a;
  };

  for (const sp of setpoints) {
    const session = sessionOf.get(sp.sessionId);
    const found = session ? stationOf.get(session.stationId) : undefined;
    if (!session || !found) continue;
    const { station, path } = found;
    const unit = legalRange(station, session, voltageV).unit;
    const one = setpointLoad(station, session, { value: 1, unit }, voltageV);
    const perUnit = [...one.currentsA, one.powerW];
    const m = measurements.sessions?.[session.id];
    const ev = [0, 0, 0, 0];
    if (m && station.kind === 'AC' && m.currentA) {
      const rotation = station.rotation ?? DEFAULT_ROTATION;
      for (let k = 0; k < station.phases; k++) ev[PHASE[rotation[k] as GridPhase]] = Math.max(0, m.currentA[k] as number);
      ev[3] = m.powerW ?? voltageV * ((ev[0] as number) + (ev[1] as number) + (ev[2] as number));
    } else if (m?.powerW !== undefined) {
      const asLoad = setpointLoad(station, session, { value: Math.max(0, m.powerW), unit: 'W' }, voltageV);
      ev.splice(0, 4, ...asLoad.currentsA, asLoad.powerW);
    }
    for (const node of path) {
      const a = acc(node);
      for (let k = 0; k < 4; k++) {
        a.used[k] = (a.used[k] as number) + sp.value * (perUnit[k] as number);
        a.measuredEv[k] = (a.measuredEv[k] as number) + (ev[k] as number);
        if ((perUnit[k] as number) > 0) (a.perUnit[k] as Map<string, number>).set(session.id, perUnit[k] as number);
      }
    }
    // Station supply: AC per station phase (the current of the grid phase it is wired to), DC on the output.
    const s = acc(station);
    if (station.kind === 'AC') {
      const rotation = station.rotation ?? DEFAULT_ROTATION;
      for (let k = 0; k < station.phases; k++) {
        const c = perUnit[PHASE[rotation[k] as GridPhase]] as number;
        s.used[k] = (s.used[k] as number) + sp.value * c;
        if (c > 0) (s.perUnit[k] as Map<string, number>).set(session.id, c);
      }
    } else {
      s.used[3] = (s.used[3] as number) + sp.value;
      (s.perUnit[3] as Map<string, number>).set(session.id, 1);
    }
  }

  const uses: LimitUse[] = [];
  // Non-EV load bottom-up: a 'total' meter minus the chargers measured below it, or 'nonEv'
  // meters summed with the children's.
  const visit = (node: ElectricalNode): number[] => {
    const children = (node.children ?? []).map(visit);
    const m = measurements.nodes?.[node.id];
    let reading: number[] | null = null;
    if (m?.currentA) reading = [...m.currentA, m.powerW ?? voltageV * (m.currentA[0] + m.currentA[1] + m.currentA[2])];
    else if (m?.powerW !== undefined) reading = [m.powerW / (3 * voltageV), m.powerW / (3 * voltageV), m.powerW / (3 * voltageV), m.powerW];
    const a = acc(node);
    const nonEv =
      reading && m?.scope === 'total'
        ? reading.map((x, k) => Math.max(0, x - (a.measuredEv[k] as number)))
        : [0, 1, 2, 3].map((k) => Math.max(0, reading?.[k] ?? 0) + children.reduce((sum, c) => sum + (c[k] as number), 0));
    const limits = [...(node.maxA ?? [undefined, undefined, undefined]), node.maxW];
    limits.forEach((limit, k) => {
      if (limit === undefined || !Number.isFinite(limit)) return;
      uses.push({
        ref: { scope: 'node', id: node.id, phase: k < 3 ? (NAMES[k] as GridPhase) : 'total' },
        capacity: Math.max(0, Math.max(0, limit) - (nonEv[k] as number)),
        used: a.used[k] as number,
        perUnit: a.perUnit[k] as Map<string, number>,
      });
    });
    return nonEv;
  };
  visit(tree);
  for (const { station } of stationOf.values()) {
    const a = acc(station);
    if (station.kind === 'AC' && station.supplyMaxA !== undefined && Number.isFinite(station.supplyMaxA)) {
      const rotation = station.rotation ?? DEFAULT_ROTATION;
      for (let k = 0; k < station.phases; k++) {
        uses.push({ ref: { scope: 'station', id: station.id, phase: rotation[k] as GridPhase }, capacity: Math.max(0, station.supplyMaxA), used: a.used[k] as number, perUnit: a.perUnit[k] as Map<string, number> });
      }
    }
    if (station.kind === 'DC' && station.supplyMaxW !== undefined && Number.isFinite(station.supplyMaxW)) {
      uses.push({ ref: { scope: 'station', id: station.id, phase: 'total' }, capacity: Math.max(0, station.supplyMaxW), used: a.used[3] as number, perUnit: a.perUnit[3] as Map<string, number> });
    }
  }
  return uses;
}

/** Checks `result` against the inputs it came from; empty when every promise holds. */
export function verifyAllocation(
  tree: ElectricalNode,
  sessions: readonly ChargingSession[],
  measurements: Measurements,
  result: AllocationResult,
  voltageV = 230,
  tolerance = 1e-6,
): AllocationViolation[] {
  const violations: AllocationViolation[] = [];
  const stations = new Map<string, Station>();
  const collect = (node: ElectricalNode) => {
    for (const st of node.stations ?? []) if (!stations.has(st.id)) stations.set(st.id, st);
    for (const child of node.children ?? []) collect(child);
  };
  collect(tree);
  const sessionOf = new Map(sessions.map((s) => [s.id, s]));
  for (const sp of result.setpoints) {
    const session = sessionOf.get(sp.sessionId);
    const station = session ? stations.get(session.stationId) : undefined;
    if (!session || !station) {
      if (sp.value !== 0) violations.push({ kind: 'unknownSession', detail: `${sp.sessionId}: power given to a session with no known station` });
      continue;
    }
    if (sp.value === 0) continue;
    const range = legalRange(station, session, voltageV);
    if (sp.unit !== range.unit) violations.push({ kind: 'illegalValue', detail: `${sp.sessionId}: unit ${sp.unit}, station takes ${range.unit}` });
    if (sp.value < 0 || sp.value < range.min - tolerance || sp.value > range.max + tolerance || !onGrid(sp.value, range.step)) {
      violations.push({ kind: 'illegalValue', detail: `${sp.sessionId}: ${sp.value} ${sp.unit} is neither 0 nor in [${range.min}, ${range.max}] on a ${range.step} grid` });
    }
  }
  for (const use of limitUses(tree, sessions, measurements, result.setpoints, voltageV)) {
    if (use.used > use.capacity + tolerance * Math.max(1, use.capacity)) {
      violations.push({ kind: 'limit', detail: `${use.ref.scope} ${use.ref.id} ${use.ref.phase}: ${use.used} > ${use.capacity}` });
    }
  }
  return violations;
}
