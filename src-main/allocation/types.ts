// Input and output types of the allocation engine: plain data, no behaviour.
//
// Units: power in W, current in A (per phase, RMS), energy in Wh, time in epoch milliseconds
// (instants) or seconds (durations). A "phase" is always a GRID phase (L1, L2, L3 of the site
// connection) unless the name says "station phase": a station's own terminals L1/L2/L3 are
// mapped to grid phases by its rotation.

export type GridPhase = 'L1' | 'L2' | 'L3';
export const GRID_PHASES: readonly GridPhase[] = ['L1', 'L2', 'L3'];

/** One value per grid phase, [L1, L2, L3]. */
export type PhaseTriple = readonly [number, number, number];

/**
 * Which grid phase each station phase (the station's L1, L2, L3 terminals, in that order) is
 * wired to. Installers rotate stations (L1-L2-L3, L2-L3-L1, L3-L1-L2) so that single-phase
 * vehicles, which always draw on the station's L1, spread over the three grid phases.
 */
export type PhaseRotation = readonly [GridPhase, GridPhase, GridPhase];

/** automatic: the engine distributes; manual: only operator setpoints (others get their minimum). */
export type ControlMode = 'automatic' | 'manual';

/** Unit of a charging profile limit, as OCPP's chargingRateUnit. */
export type RateUnit = 'A' | 'W';

// ---------------------------------------------------------------------------------------------
// The electrical tree (configuration: changes when the operator edits the project or a limit)
// ---------------------------------------------------------------------------------------------

/**
 * A node of the electrical tree: the site's grid connection, a transformer, a feeder, a
 * switchboard... Each may carry a total power limit and/or a current limit per grid phase;
 * every limit of every ancestor of a station applies to it.
 */
export interface ElectricalNode {
  id: string;
  name?: string;
  /** Limit on the total active power through the node (sum of the three phases), W. */
  maxW?: number;
  /** Limit on the current of each grid phase through the node, [L1, L2, L3], A. */
  maxA?: PhaseTriple;
  /** Control mode of this node and everything below it, unless a descendant says otherwise. */
  mode?: ControlMode;
  children?: readonly ElectricalNode[];
  stations?: readonly Station[];
}

export interface AcStation {
  kind: 'AC';
  id: string;
  /** Connectors (EVSEs) that can charge at the same time; sessions use 1..connectors. Default 1. */
  connectors?: number;
  /** Phases wired to the station. */
  phases: 1 | 3;
  /** Grid phase of each station phase. Default L1-L2-L3. A single-phase station uses the first. */
  rotation?: PhaseRotation;
  /** Lowest current a connector may be given without pausing it, per phase, A. Default 6 (IEC 61851). */
  minA?: number;
  /** Highest current per connector, per phase, A. */
  maxA: number;
  /** Resolution the station accepts for A limits. Default 1 A. */
  stepA?: number;
  /** Current shared by all connectors of the station (its supply cable), per station phase, A. */
  supplyMaxA?: number;
  /** Which unit the station accepts in charging profiles. */
  profileUnit: RateUnit;
  /** Resolution of W limits when profileUnit is W. Default 1 W. */
  stepW?: number;
}

export interface DcStation {
  kind: 'DC';
  id: string;
  connectors?: number;
  /** Highest output power per connector, W (DC side). */
  maxW: number;
  /** Lowest output power a connector may be given without pausing it, W. Default 0. */
  minW?: number;
  /** Resolution of W limits. Default 100 W. */
  stepW?: number;
  /** Output power shared by all connectors (power modules), W (DC side). */
  supplyMaxW?: number;
  /** DC output power ÷ grid input power, in (0, 1]. The grid input is a balanced three-phase load. */
  efficiency: number;
}

export type Station = AcStation | DcStation;

// ---------------------------------------------------------------------------------------------
// Demand (changes with every session event)
// ---------------------------------------------------------------------------------------------

/**
 * charging: normal; vehiclePaused: the vehicle stopped drawing by itself (SuspendedEV): it is
 * served after all the others, with at most its minimum (to be able to resume), and paused when
 * they need the power; finished: stopped or unplugging, gets nothing.
 */
export type SessionState = 'charging' | 'vehiclePaused' | 'finished';

export interface ChargingSession {
  id: string;
  stationId: string;
  /** 1-based connector (EVSE) number on the station. */
  connectorId: number;
  /** Session start (plug-in or authorisation), epoch ms: the order of "first come, first served". */
  startedAt: number;
  /** Default charging. */
  state?: SessionState;
  /** User category (badge category: management, technicians, visitors...); weights in the settings. */
  priorityClass?: string;
  /** The vehicle's own power limit (observed from meter values, or configured per vehicle/badge), W. */
  vehicleMaxW?: number;
  /** Phases the vehicle's on-board charger uses (a single-phase car on a three-phase station uses its L1). */
  vehiclePhases?: 1 | 2 | 3;
  /** State of charge now and the target, %, with the battery's usable capacity, Wh. */
  socPercent?: number;
  targetSocPercent?: number;
  batteryWh?: number;
  /** Total energy the session asked for (ISO 15118, app, badge category), Wh; wins over the SoC estimate. */
  energyRequestWh?: number;
  /** Energy delivered so far in this session (station meter), Wh. */
  energyDeliveredWh?: number;
  /** Expected departure, epoch ms (badge category, reservation or operator). */
  departureAt?: number;
  /**
   * Expectations learned from past sessions (same badge, or same station and time of day; see
   * history.ts): they set the urgency only, never stop a charge nor cap it, since a vehicle may
   * need more or stay longer than usual today.
   */
  estimate?: { energyWh?: number; departureAt?: number };
  /** Cabin pre-conditioning before departure: the vehicle needs this power from `fromAt` on, even full. */
  preconditioning?: { fromAt: number; powerW: number };
  /** Operator setpoint (manual override); the engine still clamps it to every limit. */
  manual?: { value: number; unit: RateUnit };
}

// ---------------------------------------------------------------------------------------------
// Measurements (change every few seconds)
// ---------------------------------------------------------------------------------------------

export interface NodeMeasurement {
  /**
   * nonEv: load other than this tree's chargers, connected directly at this node (a building
   * meter); it also loads every ancestor. total: a meter of everything through the node,
   * chargers and children included; the engine subtracts the chargers' measured load below it.
   */
  scope: 'nonEv' | 'total';
  /** Per grid phase, A. */
  currentA?: PhaseTriple;
  /** Total active power, W. With no currents, assumed balanced over the three phases. */
  powerW?: number;
}

export interface SessionMeasurement {
  /** Active power measured by the station: AC side for AC stations, DC output for DC stations, W. */
  powerW?: number;
  /** Current per STATION phase [L1, L2, L3] as the station reports it, A. */
  currentA?: PhaseTriple;
  /** The limit in force when this was measured (Current.Offered, or the last setpoint applied). */
  offered?: { value: number; unit: RateUnit; since?: number };
}

export interface Measurements {
  /** The instant the allocation is for (urgency and grace periods are computed from it), epoch ms. */
  now: number;
  nodes?: Readonly<Record<string, NodeMeasurement>>;
  sessions?: Readonly<Record<string, SessionMeasurement>>;
}

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

export interface ClosedLoopSettings {
  /** Redistribute power a vehicle does not draw. Default true. */
  enabled?: boolean;
  /**
   * AC: a vehicle drawing less than its setpoint minus this is capped at what it draws plus
   * this; drawing less than half of it, it is idle (served last, at most its minimum), A. Default 2.
   */
  marginA?: number;
  /** DC: same, W. Default 2,000. */
  marginW?: number;
  /** No capping within this time after a session starts or its setpoint changes (ramp-up), s. Default 60. */
  graceS?: number;
}

export interface AllocationSettings {
  /** Phase-to-neutral voltage used to convert between W and A. Default 230. */
  voltageV?: number;
  /** Site-wide default control mode (nodes may override). Default automatic. */
  controlMode?: ControlMode;
  /** Share weight of each priority class; a class not listed weighs 1. */
  priorityWeights?: Readonly<Record<string, number>>;
  /**
   * Assumed stay when a session has no departure time, from its start, s. Default 8 h (a
   * workplace); set the site's average stay (the archive knows it) for a better urgency.
   */
  defaultDwellS?: number;
  closedLoop?: ClosedLoopSettings;
  /**
   * How long a setpoint stays in force (the control cycle), s. When given, a session whose
   * remaining energy need would be met within one cycle is capped at need ÷ cycle, so that the
   * power it could not absorb goes to others now rather than after the next measurement.
   */
  cyclePeriodS?: number;
  /**
   * Admission hysteresis: when not every session can get its minimum, those already drawing
   * power count this many times their urgency when deciding who is paused. Default 1.25.
   */
  runningBonus?: number;
  /** Staggered start: new sessions wait their turn instead of all ramping up at once. Default off. */
  staggeredStart?: StaggeredStartSettings;
}

/**
 * Staggered start (bus depots after the evening return, a car park after a power cut): a
 * session that is not drawing yet is held at 0 until its start time, so that inrush and
 * the first profile pushes spread over a window.
 */
export interface StaggeredStartSettings {
  enabled: boolean;
  /** ordered: by start time, one every `spacingS`; random: a delay drawn (deterministically) in [0, windowS). */
  mode: 'ordered' | 'random';
  /** No session waits longer than this after its start, s. */
  windowS: number;
  /** ordered: seconds between two consecutive starts. Default windowS ÷ 10. */
  spacingS?: number;
  /**
   * Only stagger when at least this share of the connectors (0..1) has a session: an empty car
   * park starts at once. Default 0 (always).
   */
  minOccupancy?: number;
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/** A limit in the tree: a node's per-phase current or total power, or a station's supply. */
export interface LimitRef {
  scope: 'node' | 'station';
  id: string;
  /** The grid phase of a current limit, or 'total' for a power limit. */
  phase: GridPhase | 'total';
}

/** Why a session got the value it got (for the operator and the UI). */
export type SetpointReason =
  /** Bound by a limit of the tree (the session could take more, the limit cannot). */
  | { kind: 'limit'; limit: LimitRef }
  /** At the station's maximum per connector. */
  | { kind: 'stationMax' }
  /** At the vehicle's maximum power. */
  | { kind: 'vehicleMax' }
  /**
   * The vehicle draws less than it was offered: capped at what it draws plus a margin; drawing
   * (almost) nothing, it is idle and served last like a paused vehicle.
   */
  | { kind: 'undrawn'; measuredW: number }
  /** Its remaining energy need is met within one control cycle at this value. */
  | { kind: 'energyTarget' }
  /** Full, but pre-conditioning before departure: capped at the pre-conditioning power. */
  | { kind: 'preconditioning' }
  /** Target reached (SoC or requested energy): paused, its power freed. */
  | { kind: 'targetReached' }
  /** The vehicle stopped drawing by itself: at most its minimum, from what the others leave. */
  | { kind: 'vehiclePaused' }
  /** Not every session can get its minimum under this limit: paused. */
  | { kind: 'minimumNotReachable'; limit: LimitRef }
  /** Operator setpoint, possibly reduced to fit a limit. */
  | { kind: 'manual'; limitedBy: LimitRef | null }
  /** In a manual-mode group with no operator setpoint: minimum only. */
  | { kind: 'manualMode' }
  /** The session is over. */
  | { kind: 'finished' }
  /** Staggered start: waits its turn until this instant (epoch ms). */
  | { kind: 'staggered'; untilMs: number }
  /** The input is not usable (unknown station, duplicate connector...): nothing is given. */
  | { kind: 'invalid'; detail: string };

export interface Setpoint {
  sessionId: string;
  stationId: string;
  connectorId: number;
  /** The limit to push, in the station's profile unit. 0 = paused. */
  value: number;
  unit: RateUnit;
  /** Phases the limit is computed for (OCPP numberPhases). */
  phases: 1 | 2 | 3;
  /** Grid current this setpoint allows on each grid phase, [L1, L2, L3], A. */
  phaseCurrentsA: [number, number, number];
  /** Grid power this setpoint allows, W. */
  powerW: number;
  paused: boolean;
  reason: SetpointReason;
  /** The legal range of this session now, in `unit`: value is 0 or in [min, max] on the step grid. */
  min: number;
  max: number;
  step: number;
}

/** One node's picture for the UI: limit, non-EV load, EV allocation, measurement and headroom. */
export interface NodeAllocation {
  nodeId: string;
  parentId: string | null;
  limitA: [number | null, number | null, number | null];
  limitW: number | null;
  /** Non-EV load counted against the limits (measured, children included), per phase and total. */
  nonEvA: [number, number, number];
  nonEvW: number;
  /** Sum of the EV setpoints below the node. */
  allocatedA: [number, number, number];
  allocatedW: number;
  /** Measured load: the chargers' measured load below plus the non-EV load. */
  measuredA: [number, number, number];
  measuredW: number;
  /** limit − non-EV − allocated (negative = over its limit without any EV load). null = no limit. */
  headroomA: [number | null, number | null, number | null];
  headroomW: number | null;
  sessions: number;
}

export type StrategyName = 'weighted' | 'equalShare' | 'firstComeFirstServed';

export interface AllocationResult {
  strategy: StrategyName;
  /** One per input session, sorted by session id. */
  setpoints: Setpoint[];
  /** Every node of the tree, parents before children. */
  nodes: NodeAllocation[];
  /** Input problems found (they never throw): unknown stations, duplicate ids, overloaded nodes... */
  issues: string[];
}

export type AllocationStrategy = (
  tree: ElectricalNode,
  sessions: readonly ChargingSession[],
  measurements: Measurements,
  settings: AllocationSettings,
) => AllocationResult;
