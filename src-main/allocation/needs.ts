// What a session needs and when it leaves, from every source smart charging has, most trusted
// first: an operator's entry, the vehicle's own word (ISO 15118 through OCPP 2.0.1), the
// driver's reservation, the badge's category, the archive's history. Pure: the controller
// gathers the inputs.
import type { NeedSource, OperatorNeeds, SessionNeedsView } from '../../src-shared/api/index.ts';
import type { EvChargingNeeds } from '../../src-shared/domain/index.ts';
import type { BadgeCategory } from '../../src-shared/project/index.ts';
import type { ChargingSession } from './types.ts';

export interface NeedsInput {
  /** Session start, epoch ms. */
  startedAt: number;
  deliveredWh: number | null;
  socPercent: number | null;
  operator: OperatorNeeds | null;
  vehicle: EvChargingNeeds | null;
  /** What the driver declared when reserving (energy counted from the session's start). */
  reservation?: { departureAt: string | null; energyWh: number | null } | null;
  category: BadgeCategory | null;
  history: { energyWh: number; departureAt: number } | null;
  /** The site's time zone (project settings), for the category's departure time of day. */
  timeZone?: string;
}

/** The engine's fields for the session, and what the UI shows of them (without the ETA). */
export interface ResolvedNeeds {
  session: Pick<ChargingSession, 'energyRequestWh' | 'targetSocPercent' | 'batteryWh' | 'departureAt' | 'estimate' | 'priorityClass' | 'preconditioning'>;
  /** The category's vehicle maximum, W: used until the vehicle's draws or its own word show one. */
  categoryVehicleMaxW: number | null;
  view: Omit<SessionNeedsView, 'etaAt'>;
}

/** The wall-clock date and time of `t` in `timeZone`. */
function zoneParts(t: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const p = Object.fromEntries(format.formatToParts(t).map((x) => [x.type, Number(x.value)]));
  return { y: p.year ?? 0, mo: p.month ?? 1, d: p.day ?? 1, h: p.hour ?? 0, mi: p.minute ?? 0, s: p.second ?? 0 };
}

/** Epoch ms of a wall-clock time in `timeZone` (the offset read twice: right across a DST change). */
function zonedTime(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const offsetAt = (t: number) => {
    const p = zoneParts(t, timeZone);
    return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(t / 1000) * 1000;
  };
  const first = wall - offsetAt(wall);
  return wall - offsetAt(first);
}

/**
 * The first moment at `hhmm` ("HH:MM", wall-clock time in `timeZone`, IANA; the server's own zone
 * without one) strictly after `after`: a session that starts after its category's usual
 * departure time is expected to leave the next day.
 */
export function nextTimeOfDay(after: number, hhmm: string, timeZone?: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  if (timeZone === undefined) {
    const d = new Date(after);
    d.setHours(h, m, 0, 0);
    if (d.getTime() <= after) d.setDate(d.getDate() + 1);
    return d.getTime();
  }
  const today = zoneParts(after, timeZone);
  const t = zonedTime(today.y, today.mo, today.d, h, m, timeZone);
  if (t > after) return t;
  const next = new Date(Date.UTC(today.y, today.mo - 1, today.d + 1));
  return zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), h, m, timeZone);
}

/**
 * Hard facts (operator, vehicle, a category's target state of charge with a reported SoC) set the
 * session's need and departure: charging pauses once the need is met. A category's usual energy
 * and departure, like history, are expectations: they set the urgency only.
 */
export function resolveNeeds(input: NeedsInput): ResolvedNeeds {
  const { operator, vehicle, category, history } = input;
  const reservation = input.reservation ?? null;
  const delivered = input.deliveredWh ?? 0;
  const charging = category?.charging;
  const session: ResolvedNeeds['session'] = {};
  const estimate: { energyWh?: number; departureAt?: number } = {};
  if (category) session.priorityClass = category.id;

  let energySource: SessionNeedsView['energySource'] = null;
  let remainingWh: number | null = null;
  if (operator?.energyWh != null) {
    session.energyRequestWh = operator.deliveredWhAtEntry + operator.energyWh;
    energySource = 'operator';
  } else if (vehicle?.energyWh != null) {
    session.energyRequestWh = vehicle.deliveredWhAtRequest + vehicle.energyWh;
    energySource = 'vehicle';
  } else if (reservation?.energyWh != null) {
    session.energyRequestWh = reservation.energyWh;
    energySource = 'reservation';
  } else if (charging?.targetSocPercent !== undefined && charging.batteryWh !== undefined && input.socPercent !== null) {
    session.targetSocPercent = charging.targetSocPercent;
    session.batteryWh = charging.batteryWh;
    energySource = 'soc';
    remainingWh = Math.max(0, (charging.batteryWh * (charging.targetSocPercent - input.socPercent)) / 100);
  } else {
    const expected = charging?.energyWh ?? history?.energyWh;
    // An expectation already exceeded says nothing any more (the vehicle needs more than usual).
    if (expected !== undefined && expected > delivered) {
      estimate.energyWh = expected;
      energySource = charging?.energyWh !== undefined ? 'category' : 'history';
    }
  }
  if (session.energyRequestWh !== undefined) remainingWh = Math.max(0, session.energyRequestWh - delivered);
  else if (estimate.energyWh !== undefined) remainingWh = estimate.energyWh - delivered;

  let departureSource: NeedSource | null = null;
  let departureAt: number | null = null;
  const declared = operator?.departureAt ?? vehicle?.departureAt ?? reservation?.departureAt ?? null;
  if (declared !== null) {
    departureAt = Date.parse(declared);
    session.departureAt = departureAt;
    departureSource = operator?.departureAt != null ? 'operator' : vehicle?.departureAt != null ? 'vehicle' : 'reservation';
    // Only before a declared departure: an expected one may be hours off, and the engine would
    // keep the cabin power on past it.
    if (charging?.preconditioning) session.preconditioning = { fromAt: departureAt - charging.preconditioning.minutes * 60_000, powerW: charging.preconditioning.powerW };
  } else if (charging?.departureTime !== undefined) {
    departureAt = nextTimeOfDay(input.startedAt, charging.departureTime, input.timeZone);
    estimate.departureAt = departureAt;
    departureSource = 'category';
  } else if (history) {
    departureAt = history.departureAt;
    estimate.departureAt = departureAt;
    departureSource = 'history';
  }
  if (estimate.energyWh !== undefined || estimate.departureAt !== undefined) session.estimate = estimate;

  return {
    session,
    categoryVehicleMaxW: charging?.vehicleMaxW ?? null,
    view: {
      remainingWh,
      energySource,
      departureAt: departureAt === null ? null : new Date(departureAt).toISOString(),
      departureSource,
      category: category?.id ?? null,
      operator,
    },
  };
}

/** When the remaining need is met at `powerW` from `now` (null: unknown, nothing left, or no power). */
export function etaAt(remainingWh: number | null, powerW: number, now: number): string | null {
  if (remainingWh === null || remainingWh <= 0 || !(powerW > 0)) return null;
  return new Date(now + (remainingWh / powerW) * 3_600_000).toISOString();
}

/** Share weights of the categories that set a priority (AllocationSettings.priorityWeights). */
export function categoryWeights(categories: readonly BadgeCategory[]): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const c of categories) if (c.charging?.priority !== undefined) weights[c.id] = c.charging.priority;
  return weights;
}
