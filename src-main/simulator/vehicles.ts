// Plausible vehicles for the traffic generator, and the default one a remote start plugs in.
import type { Prng } from './prng.ts';
import type { StationKind, Vehicle } from './types.ts';

/** A mid-size car: what a remote start charges when nobody plugged a vehicle in first. */
export function defaultVehicle(kind: StationKind, stationMaxPowerW: number, phases: 1 | 3 = 3): Vehicle {
  return kind === 'AC'
    ? { batteryWh: 60_000, soc: 30, targetSoc: 90, maxPowerW: Math.min(stationMaxPowerW, 11_000 * (phases / 3)), phases, label: 'default car' }
    : { batteryWh: 77_000, soc: 20, targetSoc: 80, maxPowerW: Math.min(stationMaxPowerW, 150_000), label: 'default car' };
}

const AC_CHARGERS: ReadonlyArray<{ maxPowerW: number; phases: 1 | 3 }> = [
  { maxPowerW: 7_400, phases: 1 },
  { maxPowerW: 11_000, phases: 3 },
  { maxPowerW: 11_000, phases: 3 },
  { maxPowerW: 22_000, phases: 3 },
];

/** Cars of 40-100 kWh arriving at 10-50 % and wanting 80-100 %. */
export function randomVehicle(prng: Prng, kind: StationKind): Vehicle {
  const batteryWh = Math.round(prng.range(40, 100)) * 1000;
  const soc = Math.round(prng.range(10, 50) * 10) / 10;
  const targetSoc = prng.int(80, 100);
  if (kind === 'AC') {
    const charger = prng.pick(AC_CHARGERS);
    return { batteryWh, soc, targetSoc, maxPowerW: charger.maxPowerW, phases: charger.phases };
  }
  // DC acceptance grows roughly with battery size (50 kW small cars .. 250 kW large ones).
  const maxPowerW = Math.round((50 + ((batteryWh - 40_000) / 60_000) * 200 * prng.range(0.6, 1)) / 5) * 5000;
  return { batteryWh, soc, targetSoc, maxPowerW };
}
