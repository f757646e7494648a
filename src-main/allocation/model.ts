// Turns the tree, the sessions and the measurements into one linear packing problem that the
// strategies distribute over (see distribute.ts), and builds the engine's outputs back from its
// solution. Everything the strategies share lives here so that they differ only in how they
// split the headroom.
//
// The problem. Each session that may receive power is a "load" with one scalar x, its setpoint
// in the station's control unit (A per phase for an AC station with A profiles, AC W for an AC
// station with W profiles, DC output W for a DC station). Every limit of the tree is a "row":
// a node's current on one grid phase, a node's total power, a station's supply. A load uses a
// row with a fixed non-negative coefficient (A or W of the row per control unit), so each row
// reads  Σ coef·x ≤ capacity  where capacity = limit − non-EV load − fixed (manual) loads.
// Because coefficients are non-negative, lowering any x never breaks a row: that is what makes
// rounding down to a station's current step always safe.
import type {
  AcStation,
  AllocationSettings,
  ChargingSession,
  ControlMode,
  DcStation,
  ElectricalNode,
  GridPhase,
  LimitRef,
  Measurements,
  NodeAllocation,
  RateUnit,
  SessionMeasurement,
  Setpoint,
  SetpointReason,
  StaggeredStartSettings,
  Station,
} from './types.ts';
import { staggeredStarts } from './stagger.ts';

export interface ResolvedSettings {
  voltageV: number;
  controlMode: ControlMode;
  priorityWeights: Readonly<Record<string, number>>;
  defaultDwellS: number;
  closedLoop: { enabled: boolean; marginA: number; marginW: number; graceS: number };
  cyclePeriodS: number | null;
  runningBonus: number;
  staggeredStart: StaggeredStartSettings | undefined;
}

export const DEFAULT_SETTINGS: ResolvedSettings = {
  voltageV: 230,
  controlMode: 'automatic',
  priorityWeights: {},
  defaultDwellS: 8 * 3600,
  closedLoop: { enabled: true, marginA: 2, marginW: 2000, graceS: 60 },
  cyclePeriodS: null,
  runningBonus: 1.25,
  staggeredStart: undefined,
};

/** A session left with less than this before departure is treated as leaving in this time. */
const MIN_TIME_LEFT_S = 900;
/** Departure nearness is counted against this horizon (a session leaving in 1 h weighs ×1). */
const URGENCY_HORIZON_S = 3600;
/** Floor of a session's urgency (W), so that every weight is positive. */
const MIN_URGENCY_W = 100;
/** Laxity of the most urgent band, s: bands double from there (15 min, 30 min, 1 h, 2 h...). */
const BAND_BASE_S = 900;
/** Laxity bands below the first; longer laxities all share the last. */
const BAND_COUNT = 8;
/** Slack for comparisons on values that went through floating-point sums. */
export const EPS = 1e-9;

export function resolveSettings(s: AllocationSettings): ResolvedSettings {
  const d = DEFAULT_SETTINGS;
  const positive = (v: number | undefined, fallback: number) => (v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback);
  const nonNegative = (v: number | undefined, fallback: number) => (v !== undefined && Number.isFinite(v) && v >= 0 ? v : fallback);
  return {
    voltageV: positive(s.voltageV, d.voltageV),
    controlMode: s.controlMode ?? d.controlMode,
    priorityWeights: s.priorityWeights ?? d.priorityWeights,
    defaultDwellS: positive(s.defaultDwellS, d.defaultDwellS),
    closedLoop: {
      enabled: s.closedLoop?.enabled ?? d.closedLoop.enabled,
      marginA: nonNegative(s.closedLoop?.marginA, d.closedLoop.marginA),
      marginW: nonNegative(s.closedLoop?.marginW, d.closedLoop.marginW),
      graceS: nonNegative(s.closedLoop?.graceS, d.closedLoop.graceS),
    },
    cyclePeriodS: s.cyclePeriodS !== undefined && Number.isFinite(s.cyclePeriodS) && s.cyclePeriodS > 0 ? s.cyclePeriodS : null,
    runningBonus: positive(s.runningBonus, d.runningBonus),
    staggeredStart: s.staggeredStart,
  };
}

const PHASE_INDEX: Readonly<Record<GridPhase, number>> = { L1: 0, L2: 1, L3: 2 };
const PHASE_NAMES: readonly GridPhase[] = ['L1', 'L2', 'L3'];
const DEFAULT_ROTATION: readonly [GridPhase, GridPhase, GridPhase] = ['L1', 'L2', 'L3'];

function finite(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** A measured triple when all three values are numbers, else null. */
function finiteTriple(t: readonly [number, number, number] | undefined): readonly [number, number, number] | null {
  return t && Number.isFinite(t[0]) && Number.isFinite(t[1]) && Number.isFinite(t[2]) ? t : null;
}

/** A limit that is not a finite number is "no limit"; a negative one is 0 (safe side). */
function limitValue(v: number | undefined): number | null {
  if (v === undefined || !Number.isFinite(v)) return null;
  return Math.max(0, v);
}

/** Largest multiple of `step` not above x (with a little slack for float noise). */
export function floorToStep(x: number, step: number): number {
  return roundValue(Math.floor(x / step + EPS) * step);
}
/** Smallest multiple of `step` not below x. */
export function ceilToStep(x: number, step: number): number {
  return roundValue(Math.ceil(x / step - EPS) * step);
}
/** Removes float noise such as 6.000000000000001 from a value on a step grid. */
export function roundValue(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

// ---------------------------------------------------------------------------------------------
// Shared reasons (one object each: 10,000 setpoints need not carry 10,000 copies)
// ---------------------------------------------------------------------------------------------

const STATION_MAX: SetpointReason = Object.freeze({ kind: 'stationMax' });
const VEHICLE_MAX: SetpointReason = Object.freeze({ kind: 'vehicleMax' });
const VEHICLE_PAUSED: SetpointReason = Object.freeze({ kind: 'vehiclePaused' });
const ENERGY_TARGET: SetpointReason = Object.freeze({ kind: 'energyTarget' });
const PRECONDITIONING: SetpointReason = Object.freeze({ kind: 'preconditioning' });
const FINISHED: SetpointReason = Object.freeze({ kind: 'finished' });
const TARGET_REACHED: SetpointReason = Object.freeze({ kind: 'targetReached' });
const MANUAL_MODE: SetpointReason = Object.freeze({ kind: 'manualMode' });

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

export interface NodeInfo {
  node: ElectricalNode;
  parent: number;
  mode: ControlMode;
  limitA: [number | null, number | null, number | null];
  limitW: number | null;
  /** Row index of each phase limit and of the power limit, -1 when there is none. */
  rowA: [number, number, number];
  rowW: number;
  /** Rows on the path from this node up to the root. */
  pathRows: number;
}

interface StationInfo {
  station: Station;
  node: number;
  /** First supply row (AC: one per station phase, consecutive; DC: one), -1 = none. */
  supplyRow: number;
  /** Where its connectors start in the model's connector table (clash detection). */
  connectorBase: number;
  /** Grid phase index (0-2) of each station phase. */
  phaseOf: readonly [number, number, number];
}

export interface Row {
  ref: LimitRef;
  /** Node index for node rows, -1 for station rows. */
  node: number;
}

/** Everything the engine derived about one input session. */
export interface SessionPlan {
  session: ChargingSession;
  station: Station | null;
  /** Node the station hangs from, -1 if unknown. */
  node: number;
  unit: RateUnit;
  phases: 1 | 2 | 3;
  /** Grid current per control unit on each grid phase. */
  phaseCoef: [number, number, number];
  /** Grid W per control unit. */
  gridFactor: number;
  /** Metered W per control unit (AC: grid W; DC: output W). */
  meterFactor: number;
  min: number;
  max: number;
  step: number;
  /** The station's own maximum (max before vehicle and closed-loop caps). */
  stationMax: number;
  capReason: SetpointReason;
  /** Share weight, grid W (priority class × urgency). */
  weightW: number;
  /** Key for who keeps its minimum when not all can (bigger first). */
  admissionKey: number;
  /** Urgency band (bigger first): a band is served before the next one shares what it leaves. */
  band: number;
  /** Fixed outside the distribution (manual, finished, invalid...): its setpoint. */
  fixed: { value: number; reason: SetpointReason } | null;
  /** Index in the problem's loads, -1 when fixed. */
  load: number;
  /** The rows it loads: Problem.row/coef[rowStart..rowEnd). */
  rowStart: number;
  rowEnd: number;
  /** Measured grid load [A L1, A L2, A L3, W], null when not measured. */
  measured: number[] | null;
  /** Index of its connector in the model's connector table, -1 when unknown. */
  connectorSlot: number;
  /**
   * The vehicle draws nothing (it said so, or it drew nothing of what it was offered): it keeps
   * a minimum, to be able to resume, only from what the others leave.
   */
  idle: boolean;
}

/**
 * The packing problem handed to a strategy; typed arrays because it runs for 10,000
 * connectors. Load i uses rows row[start[i]..end[i]) with coefficients coef[...].
 */
export interface Problem {
  rowCount: number;
  /** Capacity left for the loads: limit − non-EV − fixed loads, ≥ 0. */
  rowCap: Float64Array;
  loadCount: number;
  lo: Float64Array;
  hi: Float64Array;
  step: Float64Array;
  /** Share weight per control unit, so that equal grid power means equal weight·t. */
  weight: Float64Array;
  /** Grid-W weight, for orderings. */
  weightW: Float64Array;
  admissionKey: Float64Array;
  /** Urgency band of each load (bigger first). */
  band: Float64Array;
  startedAt: Float64Array;
  /** 1 for idle loads: served after all the others, with at most their minimum. */
  idle: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  row: Int32Array;
  coef: Float64Array;
}

export interface Model {
  settings: ResolvedSettings;
  nodes: NodeInfo[];
  rows: Row[];
  /** Sessions sorted by id (the output order). */
  plans: SessionPlan[];
  problem: Problem;
  /** Non-EV load per node (children included), 3 phases then W at index 3. */
  nonEv: Float64Array;
  issues: string[];
  /** Reason objects per row, shared by every setpoint they explain. */
  limitReason: SetpointReason[];
  minimumReason: SetpointReason[];
}

export interface BuildOptions {
  /** Urgency and priority weigh the share (weighted strategy) or not (baselines). */
  useUrgency: boolean;
  /** Cap vehicles that draw less than offered (closed loop). */
  closedLoop: boolean;
}

function byId<T extends { id: string }>(a: T, b: T): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The list in id order: itself when it already is (the usual case), else a sorted copy. */
function sortedById<T extends { id: string }>(list: readonly T[] | undefined): readonly T[] {
  if (!list) return [];
  for (let i = 1; i < list.length; i++) if (byId(list[i - 1] as T, list[i] as T) > 0) return [...list].sort(byId);
  return list;
}

export function buildModel(
  tree: ElectricalNode,
  sessions: readonly ChargingSession[],
  measurements: Measurements,
  rawSettings: AllocationSettings,
  options: BuildOptions,
): Model {
  const settings = resolveSettings(rawSettings);
  const issues: string[] = [];
  const { nodes, rows, rowLimit, stations, connectorCount } = walkTree(tree, settings, issues);

  // Sessions in id order; duplicates and connector clashes are marked invalid (never dropped:
  // the output has one setpoint per input session).
  const sorted = [...sessions].sort(byId);
  const plans: SessionPlan[] = new Array<SessionPlan>(sorted.length);
  for (let i = 0; i < sorted.length; i++) plans[i] = planSession(sorted[i] as ChargingSession, stations, measurements, settings, options);
  markClashes(plans, connectorCount, issues);
  // Staggered start: a session waiting its turn gets 0, like a finished one, and frees its share.
  const held = staggeredStarts(sorted, measurements, settings.staggeredStart, connectorCount);
  if (held.size > 0) {
    for (const plan of plans) {
      const until = held.get(plan.session.id);
      if (until !== undefined && !plan.fixed) plan.fixed = { value: 0, reason: { kind: 'staggered', untilMs: until } };
    }
  }

  const nonEv = nonEvLoads(nodes, plans, measurements, settings.voltageV);
  const rowCap = new Float64Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Row;
    const load = row.node >= 0 ? (nonEv[row.node * 4 + (row.ref.phase === 'total' ? 3 : PHASE_INDEX[row.ref.phase])] as number) : 0;
    const cap = (rowLimit[r] as number) - load;
    if (cap < 0) {
      const what = row.ref.phase === 'total' ? 'power' : row.ref.phase;
      issues.push(`node ${row.ref.id}: non-EV load exceeds the ${what} limit by ${roundValue(-cap)} ${row.ref.phase === 'total' ? 'W' : 'A'}; chargers below get nothing`);
    }
    rowCap[r] = Math.max(0, cap);
  }

  // The rows each session loads, as one compressed matrix for all sessions.
  let bound = 0;
  for (let i = 0; i < plans.length; i++) {
    const node = (plans[i] as SessionPlan).node;
    if (node >= 0) bound += (nodes[node] as NodeInfo).pathRows + 3;
  }
  const rowIndex = new Int32Array(bound);
  const rowCoef = new Float64Array(bound);
  let nnz = 0;
  for (let i = 0; i < plans.length; i++) nnz = attachRows(plans[i] as SessionPlan, nodes, stations, rowIndex, rowCoef, nnz);

  const limitReason = rows.map((row): SetpointReason => Object.freeze({ kind: 'limit', limit: row.ref }));
  const minimumReason = rows.map((row): SetpointReason => Object.freeze({ kind: 'minimumNotReachable', limit: row.ref }));

  // Fixed loads first: operator setpoints, then minimums in manual-mode groups. They take their
  // share of every row before the strategy distributes what is left.
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i] as SessionPlan;
    if (plan.fixed || !plan.session.manual || plan.node < 0) continue;
    plan.fixed = placeManual(plan, rowCap, rowIndex, rowCoef, rows, settings, issues);
  }
  const manualModeWaiting = plans
    .filter((p) => !p.fixed && p.node >= 0 && (nodes[p.node] as NodeInfo).mode === 'manual')
    .sort((a, b) => a.session.startedAt - b.session.startedAt || byId(a.session, b.session));
  for (const plan of manualModeWaiting) {
    const fit = fitOnRows(plan, rowCap, rowIndex, rowCoef);
    if (plan.min > 0 && plan.min <= fit.room + EPS) {
      take(plan, plan.min, rowCap, rowIndex, rowCoef);
      plan.fixed = { value: plan.min, reason: MANUAL_MODE };
    } else {
      plan.fixed = { value: 0, reason: fit.row >= 0 && plan.min > 0 ? (minimumReason[fit.row] as SetpointReason) : MANUAL_MODE };
    }
  }

  const problem = packProblem(plans, rowCap, rowIndex, rowCoef);
  return { settings, nodes, rows, plans, problem, nonEv, issues, limitReason, minimumReason };
}

/**
 * Walks the tree parents first, children and stations sorted by id: the model (and so every
 * floating-point sum and every tie-break) does not depend on the input's order.
 */
function walkTree(tree: ElectricalNode, settings: ResolvedSettings, issues: string[]) {
  const nodes: NodeInfo[] = [];
  const rows: Row[] = [];
  const rowLimit: number[] = [];
  const stations = new Map<string, StationInfo>();
  const nodeIds = new Set<string>();
  let connectorBase = 0;
  const addRow = (ref: LimitRef, node: number, limit: number) => {
    rows.push({ ref, node });
    rowLimit.push(limit);
    return rows.length - 1;
  };
  const walk = (node: ElectricalNode, parent: number, inherited: ControlMode) => {
    const index = nodes.length;
    if (nodeIds.has(node.id)) issues.push(`node ${node.id}: duplicate node id`);
    nodeIds.add(node.id);
    const info: NodeInfo = {
      node,
      parent,
      mode: node.mode ?? inherited,
      limitA: [null, null, null],
      limitW: limitValue(node.maxW),
      rowA: [-1, -1, -1],
      rowW: -1,
      pathRows: parent >= 0 ? (nodes[parent] as NodeInfo).pathRows : 0,
    };
    for (let p = 0; p < 3; p++) {
      const raw = node.maxA?.[p];
      const limit = limitValue(raw);
      if (raw !== undefined && Number.isFinite(raw) && raw < 0) issues.push(`node ${node.id}: negative limit on ${PHASE_NAMES[p]} taken as 0`);
      info.limitA[p] = limit;
      if (limit !== null) {
        info.rowA[p] = addRow({ scope: 'node', id: node.id, phase: PHASE_NAMES[p] as GridPhase }, index, limit);
        info.pathRows++;
      }
    }
    if (info.limitW !== null) {
      info.rowW = addRow({ scope: 'node', id: node.id, phase: 'total' }, index, info.limitW);
      info.pathRows++;
    }
    nodes.push(info);
    for (const station of sortedById(node.stations)) {
      if (stations.has(station.id)) {
        issues.push(`station ${station.id}: declared twice, the second one is ignored`);
        continue;
      }
      let supplyRow = -1;
      if (station.kind === 'AC') {
        const supply = limitValue(station.supplyMaxA);
        const rotation = station.rotation ?? DEFAULT_ROTATION;
        if (supply !== null) {
          supplyRow = rows.length;
          for (let k = 0; k < station.phases; k++) addRow({ scope: 'station', id: station.id, phase: rotation[k] as GridPhase }, -1, supply);
        }
      } else {
        const supply = limitValue(station.supplyMaxW);
        if (supply !== null) supplyRow = addRow({ scope: 'station', id: station.id, phase: 'total' }, -1, supply);
      }
      const rotation = station.kind === 'AC' ? (station.rotation ?? DEFAULT_ROTATION) : DEFAULT_ROTATION;
      const phaseOf = [PHASE_INDEX[rotation[0]] ?? 0, PHASE_INDEX[rotation[1]] ?? 1, PHASE_INDEX[rotation[2]] ?? 2] as const;
      stations.set(station.id, { station, node: index, supplyRow, connectorBase, phaseOf });
      connectorBase += connectorsOf(station);
    }
    for (const child of sortedById(node.children)) walk(child, index, info.mode);
  };
  walk(tree, -1, settings.controlMode);
  return { nodes, rows, rowLimit, stations, connectorCount: connectorBase };
}

/**
 * Non-EV load per node, children included: a 'total' meter minus the chargers measured below
 * it, or the node's own 'nonEv' meter plus its children's. Negative readings (local generation)
 * count as 0: a PV surplus that fades between two cycles must not leave a feeder overloaded.
 */
function nonEvLoads(nodes: NodeInfo[], plans: SessionPlan[], measurements: Measurements, V: number): Float64Array {
  const count = nodes.length;
  const evBelow = new Float64Array(count * 4);
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i] as SessionPlan;
    if (plan.node < 0 || !plan.measured) continue;
    const o = plan.node * 4;
    for (let k = 0; k < 4; k++) evBelow[o + k] = (evBelow[o + k] as number) + (plan.measured[k] as number);
  }
  const nonEv = new Float64Array(count * 4);
  // Children come after their parent in `nodes`: a reverse sweep sees every child first.
  for (let n = count - 1; n >= 0; n--) {
    const info = nodes[n] as NodeInfo;
    const o = n * 4;
    const m = measurements.nodes?.[info.node.id];
    const own = m ? meterReading(m, V) : null;
    if (own && m?.scope === 'total') {
      for (let k = 0; k < 4; k++) nonEv[o + k] = Math.max(0, (own[k] as number) - (evBelow[o + k] as number));
    } else if (own) {
      for (let k = 0; k < 4; k++) nonEv[o + k] = (nonEv[o + k] as number) + Math.max(0, own[k] as number);
    }
    if (info.parent >= 0) {
      const po = info.parent * 4;
      for (let k = 0; k < 4; k++) {
        evBelow[po + k] = (evBelow[po + k] as number) + (evBelow[o + k] as number);
        nonEv[po + k] = (nonEv[po + k] as number) + (nonEv[o + k] as number);
      }
    }
  }
  return nonEv;
}

/** A node meter as [A L1, A L2, A L3, W]; a W-only meter is assumed balanced over the phases. */
function meterReading(m: { currentA?: readonly [number, number, number]; powerW?: number }, V: number): number[] | null {
  const a = finiteTriple(m.currentA);
  const w = finite(m.powerW);
  if (!a && w === undefined) return null;
  if (a) return [a[0], a[1], a[2], w ?? V * (a[0] + a[1] + a[2])];
  const each = (w as number) / (3 * V);
  return [each, each, each, w as number];
}

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

function newPlan(session: ChargingSession, station: Station | null, node: number): SessionPlan {
  return {
    session,
    station,
    node,
    unit: station?.kind === 'AC' ? station.profileUnit : 'W',
    phases: 1,
    phaseCoef: [0, 0, 0],
    gridFactor: 0,
    meterFactor: 0,
    min: 0,
    max: 0,
    step: 1,
    stationMax: 0,
    capReason: STATION_MAX,
    weightW: 1,
    admissionKey: 1,
    band: 0,
    fixed: null,
    load: -1,
    rowStart: 0,
    rowEnd: 0,
    measured: null,
    connectorSlot: -1,
    idle: false,
  };
}

/** Marks a plan unusable: it gets 0. Its node and measured load stay (what it draws still loads the tree). */
function invalidate(plan: SessionPlan, detail: string): SessionPlan {
  const reason: SetpointReason = { kind: 'invalid', detail };
  plan.fixed = { value: 0, reason };
  plan.capReason = reason;
  plan.min = 0;
  plan.max = 0;
  plan.stationMax = 0;
  plan.phaseCoef = [0, 0, 0];
  plan.gridFactor = 0;
  return plan;
}

function planSession(
  session: ChargingSession,
  stations: Map<string, StationInfo>,
  measurements: Measurements,
  settings: ResolvedSettings,
  options: BuildOptions,
): SessionPlan {
  const found = stations.get(session.stationId);
  if (!found) return invalidate(newPlan(session, null, -1), `unknown station ${session.stationId}`);
  const station = found.station;
  const V = settings.voltageV;
  const plan = newPlan(session, station, found.node);
  const measured = measurements.sessions?.[session.id];
  if (measured) plan.measured = measuredLoad(session, station, found.phaseOf, measured, V);
  const connectorId = session.connectorId;
  if (!Number.isInteger(connectorId) || connectorId < 1 || connectorId > connectorsOf(station)) {
    return invalidate(plan, `station ${station.id} has no connector ${connectorId}`);
  }
  plan.connectorSlot = found.connectorBase + connectorId - 1;
  const usable = station.kind === 'AC' ? setAcRange(plan, session, station, found.phaseOf, V) : setDcRange(plan, station, V);
  if (!usable) return invalidate(plan, `station ${station.id}: no legal value (minimum above maximum, or bad limits)`);

  // Each input field is read once: sessions come in many shapes (optional fields), and every
  // read of an object of many shapes costs a slow, megamorphic property lookup.
  const { state = 'charging', preconditioning: pre, vehicleMaxW: rawVehicleMaxW, priorityClass, startedAt } = session;
  const departure = finite(session.departureAt);
  const estimatedDeparture = finite(session.estimate?.departureAt);
  if (state === 'finished') {
    plan.fixed = { value: 0, reason: FINISHED };
    return plan;
  }
  const now = measurements.now;
  const need = energyNeedWh(session);
  const preconditioningW = pre && now >= pre.fromAt && (departure === undefined || now < departure) ? Math.max(0, finite(pre.powerW) ?? 0) : 0;
  if (state === 'charging' && need !== null && need <= 0 && preconditioningW === 0) {
    plan.fixed = { value: 0, reason: TARGET_REACHED };
    return plan;
  }

  // Caps, smallest wins; each remembers why (the reason shown when the session sits at it).
  const vehicleMaxW = finite(rawVehicleMaxW);
  if (vehicleMaxW !== undefined && vehicleMaxW >= 0) lowerCap(plan, floorToStep(vehicleMaxW / plan.meterFactor, plan.step), VEHICLE_MAX);
  // The rate the laxity is counted at: station and vehicle, not the closed loop's or the
  // cycle's caps, which move from cycle to cycle and would make a session hop between bands.
  const fullRateW = plan.max * plan.meterFactor;
  if (state === 'vehiclePaused') makeIdle(plan, VEHICLE_PAUSED);
  if (options.closedLoop && settings.closedLoop.enabled && measured && state === 'charging') {
    const undrawn = closedLoopCap(plan, station, startedAt, measured, now, settings);
    if (undrawn) {
      const reason: SetpointReason = { kind: 'undrawn', measuredW: roundValue(undrawn.measuredW) };
      if (undrawn.idle) makeIdle(plan, reason);
      else lowerCap(plan, floorToStep(undrawn.value, plan.step), reason);
    }
  }
  if (settings.cyclePeriodS !== null && (need !== null || preconditioningW > 0)) {
    // Power that meets the remaining need within one cycle (plus pre-conditioning): more would
    // stay undrawn until the next measurement. Rounded up so that the need is surely met.
    const meterW = ((need ?? 0) * 3600) / settings.cyclePeriodS + preconditioningW;
    lowerCap(plan, ceilToStep(meterW / plan.meterFactor, plan.step), need !== null && need > 0 ? ENERGY_TARGET : PRECONDITIONING);
  } else if (need !== null && need <= 0 && preconditioningW > 0) {
    lowerCap(plan, ceilToStep(preconditioningW / plan.meterFactor, plan.step), PRECONDITIONING);
  }

  // Urgency: the grid power the session needs on average to meet its need by departure, made
  // steeper by the nearness of that departure (× 1 h ÷ time left). A session with hours of slack
  // can catch up later, when others have left; one leaving soon cannot. Proportional to the
  // required power alone, short stays (fast chargers, visitors) would lose their share to the
  // many long ones and leave short; leaning towards the earliest departure keeps every
  // kilowatt-hour deliverable later for later (the replayed day in bench/ shows the difference).
  const classWeight = positiveWeight(priorityClass === undefined ? 1 : (settings.priorityWeights[priorityClass] ?? 1));
  // Known departure, else the one estimated from history while it is still ahead, else the
  // site's usual stay.
  const expectedDeparture = departure ?? (estimatedDeparture !== undefined && estimatedDeparture > now ? estimatedDeparture : undefined);
  const timeLeftS = Math.max(MIN_TIME_LEFT_S, expectedDeparture !== undefined ? (expectedDeparture - now) / 1000 : settings.defaultDwellS - (now - startedAt) / 1000);
  // Unknown need: entitled as if it needed its station's full power. The station's, not the
  // vehicle's or the closed loop's cap: caps already stop a session at what it can draw, and
  // weighing by them would shrink the share of a car that is still ramping up.
  const expectedNeed = need ?? estimatedNeedWh(session);
  const requiredW =
    expectedNeed !== null ? ((Math.max(0, expectedNeed) * 3600) / timeLeftS + preconditioningW) * (plan.gridFactor / plan.meterFactor) : plan.stationMax * plan.gridFactor;
  plan.weightW = options.useUrgency ? classWeight * Math.max(requiredW, MIN_URGENCY_W) * (URGENCY_HORIZON_S / timeLeftS) : 1;
  const running = measured !== undefined && ((finite(measured.offered?.value) ?? 0) > 0 || (finite(measured.powerW) ?? 0) > 0);
  plan.admissionKey = plan.weightW * (running ? settings.runningBonus : 1);
  // Without a known or estimated departure the time left is a guess from the site's average
  // stay: the session is put with the typical one (a laxity of the average stay) rather than
  // made more urgent the longer it stays, which would favour the long stays.
  if (options.useUrgency) plan.band = urgencyBand(expectedDeparture !== undefined ? timeLeftS : settings.defaultDwellS, expectedDeparture !== undefined ? expectedNeed : null, fullRateW);
  return plan;
}

/**
 * Urgency band from the session's laxity: the time it could still wait and yet get its
 * (expected) need by its (expected) departure at its own maximum rate. Bands are served in
 * order, each from what the more urgent left (distribute.ts): power given now to a car with
 * hours of slack could have been given to it later, power not given to one leaving soon is lost
 * for good (least laxity first). Bands double in width (15 min, 30 min, 1 h, 2 h... 32 h) so
 * that sessions of similar laxity share fairly instead of queueing. Unknown need: laxity is the
 * time left.
 */
export function urgencyBand(timeLeftS: number, needWh: number | null, rateW: number): number {
  const neededS = needWh !== null && rateW > 0 ? (Math.max(0, needWh) * 3600) / rateW : 0;
  const laxityS = Math.max(BAND_BASE_S, timeLeftS - neededS);
  return -Math.min(BAND_COUNT, Math.ceil(Math.log2(laxityS / BAND_BASE_S) - 1e-9));
}

/**
 * Remaining need estimated from history (drives urgency only), Wh; null when there is no
 * estimate or the vehicle already took more than estimated (it needs more than usual: unknown).
 */
export function estimatedNeedWh(session: ChargingSession): number | null {
  const estimate = finite(session.estimate?.energyWh);
  if (estimate === undefined) return null;
  const left = estimate - (finite(session.energyDeliveredWh) ?? 0);
  return left > 0 ? left : null;
}

/** An idle session may get at most its minimum (one step when it has none), to be able to resume. */
function makeIdle(plan: SessionPlan, reason: SetpointReason): void {
  plan.idle = true;
  plan.max = Math.min(plan.max, Math.max(plan.min, plan.step));
  plan.capReason = reason;
}

/** Lowers the session's cap to `value` (never below its minimum) if that is lower, with its reason. */
function lowerCap(plan: SessionPlan, value: number, reason: SetpointReason): void {
  const v = Math.max(plan.min, value);
  if (v < plan.max - EPS) {
    plan.max = v;
    plan.capReason = reason;
  }
}

function positiveWeight(w: number): number {
  return Number.isFinite(w) && w > 0 ? w : 1e-3;
}

/** Remaining need at the station's meter, Wh; null when unknown. */
export function energyNeedWh(session: ChargingSession): number | null {
  const delivered = finite(session.energyDeliveredWh) ?? 0;
  const request = finite(session.energyRequestWh);
  if (request !== undefined) return request - delivered;
  const soc = finite(session.socPercent);
  const target = finite(session.targetSocPercent);
  const battery = finite(session.batteryWh);
  if (soc !== undefined && target !== undefined && battery !== undefined) return (battery * (target - soc)) / 100;
  return null;
}

/** Connectors a station declares (default 1; a nonsense count means none usable). */
function connectorsOf(station: Station): number {
  const c = station.connectors ?? 1;
  return Number.isFinite(c) && c >= 1 ? Math.floor(c) : 0;
}

function positiveOr(v: number | undefined, fallback: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * AC: A profiles set the current of each phase the vehicle uses; W profiles set the total,
 * split evenly over those phases. The vehicle uses the station's first n phases.
 */
function setAcRange(plan: SessionPlan, session: ChargingSession, station: AcStation, phaseOf: readonly number[], V: number): boolean {
  const maxA = finite(station.maxA);
  if (maxA === undefined || maxA < 0) return false;
  const n = (station.phases === 1 ? 1 : Math.min(3, session.vehiclePhases ?? 3)) as 1 | 2 | 3;
  const unit = station.profileUnit === 'W' ? 'W' : 'A';
  const perUnit = unit === 'A' ? 1 : 1 / (V * n);
  const step = unit === 'A' ? positiveOr(station.stepA, 1) : positiveOr(station.stepW, 1);
  const min = ceilToStep(Math.max(0, finite(station.minA) ?? 6) / perUnit, step);
  const max = floorToStep(maxA / perUnit, step);
  if (min > max) return false; // no legal value but 0
  for (let k = 0; k < n; k++) plan.phaseCoef[phaseOf[k] as number] = perUnit;
  plan.unit = unit;
  plan.phases = n;
  plan.gridFactor = plan.meterFactor = unit === 'A' ? V * n : 1;
  plan.step = step;
  plan.min = min;
  plan.max = plan.stationMax = max;
  return true;
}

/** DC: the control unit is output W; the grid side is a balanced three-phase load of output ÷ efficiency. */
function setDcRange(plan: SessionPlan, station: DcStation, V: number): boolean {
  const maxW = finite(station.maxW);
  const eff = finite(station.efficiency);
  if (maxW === undefined || maxW < 0 || eff === undefined || eff <= 0 || eff > 1) return false;
  const step = positiveOr(station.stepW, 100);
  const min = ceilToStep(Math.max(0, finite(station.minW) ?? 0), step);
  const max = floorToStep(maxW, step);
  if (min > max) return false;
  const perPhase = 1 / (eff * 3 * V);
  plan.phaseCoef = [perPhase, perPhase, perPhase];
  plan.unit = 'W';
  plan.phases = 3;
  plan.gridFactor = 1 / eff;
  plan.meterFactor = 1;
  plan.step = step;
  plan.min = min;
  plan.max = plan.stationMax = max;
  return true;
}

/** The session's measured grid load [A L1, A L2, A L3, W]. */
function measuredLoad(session: ChargingSession, station: Station, phaseOf: readonly number[], m: SessionMeasurement, V: number): number[] | null {
  const powerW = finite(m.powerW);
  if (station.kind === 'AC') {
    const load = [0, 0, 0, 0];
    const currents = finiteTriple(m.currentA);
    if (currents) {
      for (let k = 0; k < station.phases; k++) {
        const p = phaseOf[k] as number;
        load[p] = (load[p] as number) + Math.max(0, currents[k] as number);
      }
      load[3] = powerW ?? V * ((load[0] as number) + (load[1] as number) + (load[2] as number));
      return load;
    }
    if (powerW === undefined) return null;
    // Power only: spread over the phases the vehicle uses.
    const n = station.phases === 1 ? 1 : Math.min(3, session.vehiclePhases ?? 3);
    for (let k = 0; k < n; k++) load[phaseOf[k] as number] = Math.max(0, powerW) / (V * n);
    load[3] = powerW;
    return load;
  }
  if (powerW === undefined) return null;
  const efficiency = finite(station.efficiency) ?? 1;
  const grid = Math.max(0, powerW) / (efficiency > 0 ? efficiency : 1);
  return [grid / (3 * V), grid / (3 * V), grid / (3 * V), grid];
}

/**
 * Closed loop: a vehicle that draws clearly less than it is offered (battery warm-up, on-board
 * charger smaller than declared, end of charge taper) is capped at what it draws plus a margin,
 * so that the rest goes to others. It ratchets back up by a margin per cycle while it keeps
 * drawing all it is offered. Not applied within the grace period after a start or a change.
 */
function closedLoopCap(
  plan: SessionPlan,
  station: Station,
  startedAt: number,
  m: SessionMeasurement,
  now: number,
  settings: ResolvedSettings,
): { value: number; measuredW: number; idle: boolean } | null {
  const offered = m.offered;
  const offeredValue = finite(offered?.value);
  if (!offered || offeredValue === undefined) return null;
  const since = Math.max(startedAt, finite(offered.since) ?? startedAt);
  if (now - since < settings.closedLoop.graceS * 1000) return null;
  const V = settings.voltageV;
  let measured: number | undefined;
  let offeredControl: number;
  let margin: number;
  if (station.kind === 'AC') {
    const currents = finiteTriple(m.currentA);
    const power = finite(m.powerW);
    let perPhase: number | undefined;
    if (currents) {
      // The vehicle's current is the largest of the phases it uses.
      perPhase = 0;
      for (let k = 0; k < plan.phases; k++) perPhase = Math.max(perPhase, currents[k] as number);
    } else if (power !== undefined) perPhase = power / (V * plan.phases);
    if (perPhase === undefined) return null;
    const toControl = plan.unit === 'A' ? 1 : V * plan.phases;
    measured = perPhase * toControl;
    offeredControl = (offered.unit === 'A' ? offeredValue : offeredValue / (V * plan.phases)) * toControl;
    margin = settings.closedLoop.marginA * toControl;
  } else {
    measured = finite(m.powerW);
    if (measured === undefined || offered.unit !== 'W') return null;
    offeredControl = offeredValue;
    margin = settings.closedLoop.marginW;
  }
  measured = Math.max(0, measured);
  if (measured >= offeredControl - margin) return null;
  // Drawing (almost) nothing of a real offer: full, or waiting for something. Idle.
  const idle = measured < margin / 2 && offeredControl >= plan.min && offeredControl > 0;
  return { value: measured + margin, measuredW: measured * plan.meterFactor, idle };
}

/**
 * Duplicate session ids keep the first; two live sessions on one connector cannot both draw:
 * the most recent start keeps it. Plans are in id order, so duplicates are neighbours.
 */
function markClashes(plans: SessionPlan[], connectorCount: number, issues: string[]): void {
  // Plan index holding each connector of the tree, -1 = free.
  const holderOf = new Int32Array(connectorCount).fill(-1);
  let previousId: string | null = null;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i] as SessionPlan;
    const id = plan.session.id;
    if (id === previousId) {
      invalidate(plan, 'duplicate session id');
      issues.push(`session ${id}: duplicate session id`);
      continue;
    }
    previousId = id;
    if (plan.fixed?.reason.kind === 'invalid') {
      issues.push(`session ${id}: ${plan.fixed.reason.detail}`);
      continue;
    }
    if ((plan.session.state ?? 'charging') === 'finished') continue;
    const connector = plan.session.connectorId;
    const slot = plan.connectorSlot;
    const other = holderOf[slot] === -1 ? undefined : (plans[holderOf[slot] as number] as SessionPlan);
    if (!other) {
      holderOf[slot] = i;
      continue;
    }
    const keepOther = other.session.startedAt > plan.session.startedAt || (other.session.startedAt === plan.session.startedAt && other.session.id > id);
    const loser = keepOther ? plan : other;
    if (!keepOther) holderOf[slot] = i;
    const detail = `connector ${connector} of station ${plan.session.stationId} is held by a later session`;
    issues.push(`session ${loser.session.id}: ${detail}`);
    invalidate(loser, detail);
  }
}

/**
 * Writes the rows a session loads (every limit of every ancestor on the phases it uses, and its
 * station's supply) from `at` on; returns the next free position.
 */
function attachRows(plan: SessionPlan, nodes: NodeInfo[], stations: Map<string, StationInfo>, rowIndex: Int32Array, rowCoef: Float64Array, at: number): number {
  plan.rowStart = at;
  plan.rowEnd = at;
  if (plan.node < 0 || !plan.station || plan.fixed?.reason.kind === 'invalid') return at;
  let k = at;
  const c = plan.phaseCoef;
  for (let n = plan.node; n >= 0; n = (nodes[n] as NodeInfo).parent) {
    const info = nodes[n] as NodeInfo;
    for (let p = 0; p < 3; p++) {
      const r = info.rowA[p] as number;
      if (r >= 0 && (c[p] as number) > 0) {
        rowIndex[k] = r;
        rowCoef[k++] = c[p] as number;
      }
    }
    if (info.rowW >= 0) {
      rowIndex[k] = info.rowW;
      rowCoef[k++] = plan.gridFactor;
    }
  }
  const supply = (stations.get(plan.station.id) as StationInfo).supplyRow;
  if (plan.station.kind === 'AC') {
    // Station supply limits are per station phase, in A: the same A per control unit as on the
    // grid phase that station phase is wired to.
    const perStationPhase = Math.max(c[0], c[1], c[2]);
    if (supply >= 0) {
      for (let s = 0; s < plan.phases; s++) {
        rowIndex[k] = supply + s;
        rowCoef[k++] = perStationPhase;
      }
    }
  } else if (supply >= 0) {
    rowIndex[k] = supply;
    rowCoef[k++] = 1; // supply limit on the DC output, in the control unit itself
  }
  plan.rowEnd = k;
  return k;
}

/** Largest amount the session could add before one of its rows runs out, and that row. */
export function fitOnRows(plan: SessionPlan, rowCap: Float64Array, rowIndex: Int32Array, rowCoef: Float64Array): { room: number; row: number } {
  let room = Infinity;
  let row = -1;
  for (let k = plan.rowStart; k < plan.rowEnd; k++) {
    const r = rowIndex[k] as number;
    const can = (rowCap[r] as number) / (rowCoef[k] as number);
    if (can < room) {
      room = can;
      row = r;
    }
  }
  return { room, row };
}

function take(plan: SessionPlan, value: number, rowCap: Float64Array, rowIndex: Int32Array, rowCoef: Float64Array): void {
  for (let k = plan.rowStart; k < plan.rowEnd; k++) {
    const r = rowIndex[k] as number;
    rowCap[r] = Math.max(0, (rowCap[r] as number) - value * (rowCoef[k] as number));
  }
}

function placeManual(
  plan: SessionPlan,
  rowCap: Float64Array,
  rowIndex: Int32Array,
  rowCoef: Float64Array,
  rows: Row[],
  settings: ResolvedSettings,
  issues: string[],
): { value: number; reason: SetpointReason } {
  const manual = plan.session.manual as { value: number; unit: RateUnit };
  // The operator may go past the vehicle's and the closed loop's caps, not past the station's.
  plan.max = plan.stationMax;
  let wanted = finite(manual.value) ?? 0;
  if (manual.unit !== plan.unit) {
    if (plan.station?.kind === 'DC') {
      issues.push(`session ${plan.session.id}: a DC station takes W setpoints, the manual value in A is ignored`);
      return { value: 0, reason: { kind: 'manual', limitedBy: null } };
    }
    const perPhaseW = settings.voltageV * plan.phases;
    wanted = manual.unit === 'A' ? wanted * perPhaseW : wanted / perPhaseW;
  }
  if (wanted <= 0) return { value: 0, reason: { kind: 'manual', limitedBy: null } };
  const clamped = Math.min(Math.max(wanted, plan.min), plan.stationMax);
  const fit = fitOnRows(plan, rowCap, rowIndex, rowCoef);
  const value = floorToStep(Math.min(clamped, fit.room), plan.step);
  const limitedBy = fit.room < clamped - EPS && fit.row >= 0 ? (rows[fit.row] as Row).ref : null;
  if (value < plan.min - EPS || value <= 0) return { value: 0, reason: { kind: 'manual', limitedBy } };
  take(plan, value, rowCap, rowIndex, rowCoef);
  return { value, reason: { kind: 'manual', limitedBy } };
}

function packProblem(plans: SessionPlan[], rowCap: Float64Array, row: Int32Array, coef: Float64Array): Problem {
  let n = 0;
  for (let j = 0; j < plans.length; j++) if (!(plans[j] as SessionPlan).fixed) n++;
  const problem: Problem = {
    rowCount: rowCap.length,
    rowCap,
    loadCount: n,
    lo: new Float64Array(n),
    hi: new Float64Array(n),
    step: new Float64Array(n),
    weight: new Float64Array(n),
    weightW: new Float64Array(n),
    admissionKey: new Float64Array(n),
    band: new Float64Array(n),
    startedAt: new Float64Array(n),
    idle: new Uint8Array(n),
    start: new Int32Array(n),
    end: new Int32Array(n),
    row,
    coef,
  };
  let i = 0;
  for (let j = 0; j < plans.length; j++) {
    const p = plans[j] as SessionPlan;
    if (p.fixed) continue;
    p.load = i;
    problem.lo[i] = p.min;
    problem.hi[i] = p.max;
    problem.step[i] = p.step;
    problem.weight[i] = p.weightW / p.gridFactor;
    problem.weightW[i] = p.weightW;
    problem.admissionKey[i] = p.admissionKey;
    problem.band[i] = p.band;
    problem.startedAt[i] = p.session.startedAt;
    problem.idle[i] = p.idle ? 1 : 0;
    problem.start[i] = p.rowStart;
    problem.end[i] = p.rowEnd;
    i++;
  }
  return problem;
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

export function makeSetpoint(plan: SessionPlan, value: number, reason: SetpointReason): Setpoint {
  const v = roundValue(value);
  const c = plan.phaseCoef;
  return {
    sessionId: plan.session.id,
    stationId: plan.session.stationId,
    connectorId: plan.session.connectorId,
    value: v,
    unit: plan.unit,
    phases: plan.phases,
    phaseCurrentsA: [roundValue(v * c[0]), roundValue(v * c[1]), roundValue(v * c[2])],
    powerW: roundValue(v * plan.gridFactor),
    paused: v <= 0,
    reason,
    min: plan.min,
    max: plan.max,
    step: plan.step,
  };
}

export function nodeAllocations(model: Model, setpoints: Setpoint[]): NodeAllocation[] {
  const count = model.nodes.length;
  const allocated = new Float64Array(count * 4);
  const measured = new Float64Array(count * 4);
  const sessions = new Int32Array(count);
  for (let i = 0; i < model.plans.length; i++) {
    const plan = model.plans[i] as SessionPlan;
    if (plan.node < 0) continue;
    const sp = setpoints[i] as Setpoint;
    const o = plan.node * 4;
    for (let p = 0; p < 3; p++) allocated[o + p] = (allocated[o + p] as number) + (sp.phaseCurrentsA[p] as number);
    allocated[o + 3] = (allocated[o + 3] as number) + sp.powerW;
    if (plan.measured) for (let k = 0; k < 4; k++) measured[o + k] = (measured[o + k] as number) + (plan.measured[k] as number);
    sessions[plan.node] = (sessions[plan.node] as number) + 1;
  }
  for (let n = count - 1; n > 0; n--) {
    const parent = (model.nodes[n] as NodeInfo).parent;
    for (let k = 0; k < 4; k++) {
      allocated[parent * 4 + k] = (allocated[parent * 4 + k] as number) + (allocated[n * 4 + k] as number);
      measured[parent * 4 + k] = (measured[parent * 4 + k] as number) + (measured[n * 4 + k] as number);
    }
    sessions[parent] = (sessions[parent] as number) + (sessions[n] as number);
  }
  return model.nodes.map((info, n) => {
    const at = (a: Float64Array, k: number) => roundValue(a[n * 4 + k] as number);
    const nonEvA: [number, number, number] = [at(model.nonEv, 0), at(model.nonEv, 1), at(model.nonEv, 2)];
    const allocatedA: [number, number, number] = [at(allocated, 0), at(allocated, 1), at(allocated, 2)];
    const headroom = (limit: number | null, used: number) => (limit === null ? null : roundValue(limit - used));
    return {
      nodeId: info.node.id,
      parentId: info.parent >= 0 ? (model.nodes[info.parent] as NodeInfo).node.id : null,
      limitA: [...info.limitA],
      limitW: info.limitW,
      nonEvA,
      nonEvW: at(model.nonEv, 3),
      allocatedA,
      allocatedW: at(allocated, 3),
      measuredA: [roundValue(at(measured, 0) + nonEvA[0]), roundValue(at(measured, 1) + nonEvA[1]), roundValue(at(measured, 2) + nonEvA[2])],
      measuredW: roundValue(at(measured, 3) + at(model.nonEv, 3)),
      headroomA: [
        headroom(info.limitA[0], nonEvA[0] + allocatedA[0]),
        headroom(info.limitA[1], nonEvA[1] + allocatedA[1]),
        headroom(info.limitA[2], nonEvA[2] + allocatedA[2]),
      ],
      headroomW: headroom(info.limitW, at(model.nonEv, 3) + at(allocated, 3)),
      sessions: sessions[n] as number,
    } satisfies NodeAllocation;
  });
}
