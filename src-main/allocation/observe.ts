// The vehicle's own maximum, learned from what it draws. A car whose on-board charger takes
// 16 A draws 16 A whether offered 18 or 32: the engine's closed loop caps it at what it draws
// plus a margin, but it cannot tell, the cycle after, whether the car drew 16 of 18 because it
// could take no more or because 18 was all it was offered, so it gives the full share again and
// the car leaves it undrawn every other cycle. The shell (controller, or the benchmark's
// replay) remembers per session what this function learns and passes it as
// ChargingSession.vehicleMaxW. Pure.
import type { SessionMeasurement, Station } from './types.ts';

export interface VehicleObservation {
  /** Station phases the vehicle uses (AC), default the station's. */
  phases?: 1 | 2 | 3;
  /** Phase-to-neutral voltage, V. Default 230. */
  voltageV?: number;
  /** Drawing more than half of this (W at the meter) under the offer counts as limiting itself; a known maximum is probed up by this. Default: 2 A per phase (AC), 2,000 W (DC). */
  marginW?: number;
  /** The instant of the measurement, epoch ms, with graceS: a vehicle still ramping up to a new offer says nothing of its maximum. */
  now?: number;
  /** Default 60 s (the closed loop's ramp-up grace). */
  graceS?: number;
}

/**
 * The vehicle's maximum (meter W) after this measurement: what it drew when it drew clearly
 * less than it was offered (it limits itself: that is its maximum now, tapering included);
 * raised by one margin when it draws all of a known maximum (it may take more: warm battery,
 * lifted limit), so that a wrong value corrects itself within a few cycles; unchanged without a
 * usable measurement. Undefined until the vehicle has shown a limit.
 */
export function observeVehicleMaxW(previousW: number | undefined, station: Station, m: SessionMeasurement | undefined, o: VehicleObservation = {}): number | undefined {
  const powerW = m?.powerW;
  const offered = m?.offered;
  if (powerW === undefined || !Number.isFinite(powerW) || !offered || !Number.isFinite(offered.value) || offered.value <= 0) return previousW;
  if (o.now !== undefined && offered.since !== undefined && o.now - offered.since < (o.graceS ?? 60) * 1000) return previousW;
  const V = o.voltageV !== undefined && o.voltageV > 0 ? o.voltageV : 230;
  const phases = station.kind === 'AC' ? (station.phases === 1 ? 1 : (o.phases ?? station.phases)) : 3;
  const offeredW = offered.unit === 'W' ? offered.value : offered.value * V * phases;
  const marginW = o.marginW !== undefined && o.marginW >= 0 ? o.marginW : station.kind === 'AC' ? 2 * V * phases : 2_000;
  const drawn = Math.max(0, powerW);
  // Drawing (almost) nothing is not a maximum: full, paused or waiting (the engine's idle rule).
  if (drawn < marginW / 2) return previousW;
  if (drawn < offeredW - marginW / 2) return drawn;
  if (previousW !== undefined && drawn >= previousW - marginW / 2) return previousW + marginW;
  return previousW;
}
