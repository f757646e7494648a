// The allocation engine's entry points: the same pipeline (model → distribution → setpoints with
// their reasons → per-node picture) for the weighted strategy and the two baselines.
// Pure and deterministic: same input, same output, whatever the order of sessions, children
// or stations in the input.
import { distributeEqually, distributeFirstComeFirstServed, distributeWeighted, rowSlack, type Distribution } from './distribute.ts';
import { buildModel, EPS, floorToStep, makeSetpoint, nodeAllocations, type BuildOptions, type Model, type Problem, type Row, type SessionPlan } from './model.ts';
import type {
  AllocationResult,
  AllocationSettings,
  ChargingSession,
  ElectricalNode,
  Measurements,
  Setpoint,
  SetpointReason,
  StrategyName,
} from './types.ts';

/**
 * Smart charging: every session gets 0 or a legal value (≥ its minimum, on its station's step,
 * ≤ its station's, vehicle's and closed-loop caps) such that no limit of the tree is exceeded on
 * any phase once the non-EV load is counted; sessions are served by urgency band (least laxity
 * first: known, announced or estimated need and departure), each band's minimums before its
 * share and both from what the more urgent bands left; within a band the share is weighted
 * max-min fair (weight = priority class × energy still needed ÷ time to departure); power a
 * vehicle does not draw goes to the others, and whatever rounding leaves is handed out until no
 * session could take one more step.
 */
export function allocate(
  tree: ElectricalNode,
  sessions: readonly ChargingSession[],
  measurements: Measurements,
  settings: AllocationSettings,
): AllocationResult {
  return run('weighted', { useUrgency: true, closedLoop: true }, distributeWeighted, tree, sessions, measurements, settings);
}

/** Baseline: minimums first come first served, then an equal share of each limit (no redistribution). */
export function equalShare(
  tree: ElectricalNode,
  sessions: readonly ChargingSession[],
  measurements: Measurements,
  settings: AllocationSettings,
): AllocationResult {
  return run('equalShare', { useUrgency: false, closedLoop: false }, distributeEqually, tree, sessions, measurements, settings);
}

/** Baseline: in order of arrival each session takes all it can (evcc-like). */
export function firstComeFirstServed(
  tree: ElectricalNode,
  sessions: readonly ChargingSession[],
  measurements: Measurements,
  settings: AllocationSettings,
): AllocationResult {
  return run('firstComeFirstServed', { useUrgency: false, closedLoop: false }, distributeFirstComeFirstServed, tree, sessions, measurements, settings);
}

function run(
  strategy: StrategyName,
  options: BuildOptions,
  distribute: (p: Problem) => Distribution,
  tree: ElectricalNode,
  sessions: readonly ChargingSession[],
  measurements: Measurements,
  settings: AllocationSettings,
): AllocationResult {
  const model = buildModel(tree, sessions, measurements, settings, options);
  const { value, blockedBy } = distribute(model.problem);
  const slack = guardLimits(model, value, blockedBy);
  const setpoints: Setpoint[] = model.plans.map((plan) => {
    if (plan.fixed) return makeSetpoint(plan, plan.fixed.value, plan.fixed.reason);
    const v = value[plan.load] as number;
    return makeSetpoint(plan, v, reasonFor(model, plan, v, blockedBy[plan.load] as number, slack));
  });
  return { strategy, setpoints, nodes: nodeAllocations(model, setpoints), issues: model.issues };
}

/**
 * Which constraint bound the session: its own cap when it sits at it, otherwise the row on its
 * path with the least room left for it (in its own unit) — the limit that would be exceeded
 * first if it got more.
 */
function reasonFor(model: Model, plan: SessionPlan, value: number, blockedBy: number, slack: Float64Array): SetpointReason {
  if (value <= 0 && blockedBy >= 0) return model.minimumReason[blockedBy] as SetpointReason;
  if (value >= plan.max - EPS) return plan.capReason;
  const { row, coef } = model.problem;
  let tightest = -1;
  let room = Infinity;
  for (let k = plan.rowStart; k < plan.rowEnd; k++) {
    const r = row[k] as number;
    const can = (slack[r] as number) / (coef[k] as number);
    if (can < room) {
      room = can;
      tightest = r;
    }
  }
  if (tightest < 0) return plan.capReason;
  return ((value <= 0 && plan.min > 0 ? model.minimumReason : model.limitReason)[tightest]) as SetpointReason;
}

/**
 * Last line of defence, never expected to act: re-adds every row from the final values and,
 * should float error have pushed one over its capacity by more than a micro-unit, lowers the
 * loads on it (lowest weight first) a step at a time, pausing below the minimum. The limits are
 * the one promise the engine must keep whatever happens upstream. Returns the rows' final slack.
 */
export function guardLimits(model: Model, value: Float64Array, blockedBy: Int32Array): Float64Array {
  const p = model.problem;
  const slack = rowSlack(p, value);
  for (let r = 0; r < p.rowCount; r++) {
    if ((slack[r] as number) >= -1e-7) continue;
    const row = model.rows[r] as Row;
    model.issues.push(`numerical guard: ${row.ref.scope} ${row.ref.id} ${row.ref.phase} was over by ${-(slack[r] as number)}; loads on it lowered`);
    const users: number[] = [];
    for (let i = 0; i < p.loadCount; i++) {
      for (let k = p.start[i] as number; k < (p.end[i] as number); k++) if (p.row[k] === r) users.push(i);
    }
    users.sort((a, b) => (p.weightW[a] as number) - (p.weightW[b] as number) || b - a);
    for (const load of users) {
      while ((value[load] as number) > 0 && (slack[r] as number) < 0) {
        const lowered = floorToStep((value[load] as number) - (p.step[load] as number), p.step[load] as number);
        value[load] = lowered < (p.lo[load] as number) - EPS ? 0 : lowered;
        if (value[load] === 0) blockedBy[load] = r;
        slack.set(rowSlack(p, value));
      }
      if ((slack[r] as number) >= 0) break;
    }
  }
  return slack;
}
