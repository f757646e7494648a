// Helpers shared by the simulator's socket tests (fast ticks, cleanup).
import { SimulatedStation, type SimulatedStationOptions } from './station.ts';
import type { TestCentral } from './test-central.ts';
import type { StationDeclaration } from '../../src-shared/project/index.ts';
import type { OcppProtocol } from './types.ts';

/** Fast timers: charging and meter values within a fraction of a second; no timing is asserted. */
export const FAST: Partial<SimulatedStationOptions> = {
  tickMs: 20,
  timeScale: 120,
  meterIntervalS: 0.1,
  rebootDelayMs: 50,
  reconnectBaseMs: 50,
  reconnectMaxMs: 200,
  callTimeoutMs: 5000,
};

export class Stations {
  private readonly all: SimulatedStation[] = [];

  create(central: TestCentral, id: string, protocol: OcppProtocol, options: Partial<SimulatedStationOptions> = {}): SimulatedStation {
    const station = new SimulatedStation({ url: central.url, id, protocol, ...FAST, ...options });
    this.all.push(station);
    return station;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.splice(0).map((s) => s.stop()));
  }
}

/** Numeric value of a measurand in a 1.6 or 2.0.1 meterValue list (first sample, optional phase). */
export function sampleValue(meterValue: unknown, measurand: string, phase?: string): number | undefined {
  const values = meterValue as Array<{ sampledValue: Array<{ value: string | number; measurand?: string; phase?: string }> }>;
  for (const mv of values) {
    for (const s of mv.sampledValue) {
      if (s.measurand === measurand && (phase === undefined || s.phase === phase)) return Number(s.value);
    }
  }
  return undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One simulated AC station (one connector, meter values every second) per declaration, connected
 * to `ocppUrl`; `stop` ends them all (also when one fails to start).
 */
export async function startAcStations(ocppUrl: string, declarations: readonly StationDeclaration[]): Promise<{ stations: SimulatedStation[]; stop: () => Promise<void> }> {
  const stations = declarations.map((d) => new SimulatedStation({ url: ocppUrl, id: d.id, protocol: d.protocol, connectors: 1, kind: 'AC', maxPowerW: d.maxPowerW, phases: 3, tickMs: 100, meterIntervalS: 1 }));
  const stop = async () => {
    for (const s of stations) await s.stop();
  };
  try {
    await Promise.all(stations.map((s) => s.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  return { stations, stop };
}
