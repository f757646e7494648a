// Pure charging physics: how much power flows into a vehicle and what that does to its battery.
// No timers, no sockets: the station calls these every tick.
import type { ChargingLimit, ChargingRateUnit, ConnectorSpec, Vehicle } from './types.ts';

export const AC_PHASE_VOLTAGE_V = 230;
/** Nominal DC voltage used to turn DC power into a current (and A limits into W). */
export const DC_VOLTAGE_V = 400;
/** The vehicle takes full power up to this SoC, then tapers linearly. */
export const TAPER_START_SOC = 80;
/** Fraction of full power the vehicle still accepts at 100 % SoC. */
export const TAPER_END_FRACTION = 0.1;

/** Phases actually drawn: an AC vehicle with a single-phase charger uses one phase of a 3-phase station. */
export function phasesInUse(spec: ConnectorSpec, vehicle: Vehicle | null): 1 | 3 {
  if (spec.kind === 'DC') return spec.phases;
  const vehiclePhases = vehicle?.phases ?? spec.phases;
  return vehiclePhases < spec.phases ? vehiclePhases : spec.phases;
}

/** Power the vehicle would take at its current SoC, ignoring the station. */
export function vehicleAcceptanceW(vehicle: Vehicle): number {
  if (vehicle.soc <= TAPER_START_SOC) return vehicle.maxPowerW;
  const progress = Math.min(1, (vehicle.soc - TAPER_START_SOC) / (100 - TAPER_START_SOC));
  return vehicle.maxPowerW * (1 - (1 - TAPER_END_FRACTION) * progress);
}

/** Station hardware limit for this vehicle: on AC the per-phase current is fixed, so fewer phases = less power. */
export function stationCapabilityW(spec: ConnectorSpec, vehicle: Vehicle | null): number {
  if (spec.kind === 'DC') return spec.maxPowerW;
  return (spec.maxPowerW * phasesInUse(spec, vehicle)) / spec.phases;
}

/** A limit in W or A as power. A limits are per phase on AC (230 V), DC current at the nominal DC voltage. */
export function limitToWatts(limit: ChargingLimit, spec: ConnectorSpec, phasesUsed: number): number {
  if (limit.unit === 'W') return limit.limit;
  if (spec.kind === 'DC') return limit.limit * DC_VOLTAGE_V;
  const phases = Math.min(phasesUsed, limit.numberPhases ?? phasesUsed);
  return limit.limit * AC_PHASE_VOLTAGE_V * phases;
}

/** The inverse of limitToWatts, for answering GetCompositeSchedule in the unit asked. */
export function wattsToUnit(powerW: number, unit: ChargingRateUnit, spec: ConnectorSpec, phasesUsed: number): number {
  if (unit === 'W') return powerW;
  if (spec.kind === 'DC') return powerW / DC_VOLTAGE_V;
  return powerW / (AC_PHASE_VOLTAGE_V * phasesUsed);
}

/** Power delivered: the lowest of station capability, vehicle acceptance and the active limit (W). */
export function chargingPowerW(spec: ConnectorSpec, vehicle: Vehicle, limitW: number | null): number {
  if (vehicle.soc >= vehicle.targetSoc) return 0;
  const power = Math.min(stationCapabilityW(spec, vehicle), vehicleAcceptanceW(vehicle), limitW ?? Infinity);
  return Math.max(0, power);
}

export interface StepResult {
  /** Energy delivered during the step, Wh. */
  energyWh: number;
  /** SoC after the step, %. */
  soc: number;
  /** The vehicle reached its target SoC during this step. */
  full: boolean;
}

/**
 * Integrates `powerW` over `dtMs`. Energy is clipped at the target SoC so a coarse tick
 * does not overshoot it (the vehicle stops drawing exactly there).
 */
export function step(vehicle: Vehicle, powerW: number, dtMs: number): StepResult {
  if (powerW <= 0 || dtMs <= 0 || vehicle.batteryWh <= 0) {
    return { energyWh: 0, soc: vehicle.soc, full: vehicle.soc >= vehicle.targetSoc };
  }
  const roomWh = Math.max(0, ((vehicle.targetSoc - vehicle.soc) / 100) * vehicle.batteryWh);
  const energyWh = Math.min((powerW * dtMs) / 3_600_000, roomWh);
  const full = energyWh >= roomWh;
  const soc = full ? vehicle.targetSoc : vehicle.soc + (energyWh / vehicle.batteryWh) * 100;
  return { energyWh, soc: Math.min(100, soc), full };
}

/** Current per phase for AC (L1, L2, L3; unused phases 0), or the DC current in the first slot. */
export function phaseCurrents(spec: ConnectorSpec, phasesUsed: number, powerW: number): [number, number, number] {
  if (powerW <= 0) return [0, 0, 0];
  if (spec.kind === 'DC') return [powerW / DC_VOLTAGE_V, 0, 0];
  const perPhase = powerW / (AC_PHASE_VOLTAGE_V * phasesUsed);
  return phasesUsed >= 3 ? [perPhase, perPhase, perPhase] : [perPhase, 0, 0];
}
