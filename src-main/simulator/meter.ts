// Meter samples, version-neutral: which measurands a reading yields, with what unit, phase,
// location and rounding. v16.ts turns values into strings, v201.ts keeps numbers.
import { AC_PHASE_VOLTAGE_V, DC_VOLTAGE_V } from './physics.ts';
import type { ConnectorSpec, MeterReading, ReadingContext, SimMeasurand } from './types.ts';

export type SampleUnit = 'Wh' | 'W' | 'A' | 'V' | 'Percent';
export type SamplePhase = 'L1' | 'L2' | 'L3' | 'L1-N' | 'L2-N' | 'L3-N';

export interface NeutralSample {
  measurand: SimMeasurand;
  value: number;
  unit: SampleUnit;
  phase?: SamplePhase;
  location: 'Outlet' | 'EV';
  context: ReadingContext;
}

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/** Begin/End samples carry what a transaction record needs (register, SoC); periodic ones all measurands. */
export function samplesFor(
  reading: MeterReading,
  measurands: readonly SimMeasurand[],
  context: ReadingContext,
  spec: ConnectorSpec,
): NeutralSample[] {
  const wanted: readonly SimMeasurand[] =
    context === 'Transaction.Begin' || context === 'Transaction.End' ? ['Energy.Active.Import.Register', 'SoC'] : measurands;
  const out: NeutralSample[] = [];
  for (const measurand of wanted) {
    switch (measurand) {
      case 'Energy.Active.Import.Register':
        out.push({ measurand, value: Math.round(reading.energyWh), unit: 'Wh', location: 'Outlet', context });
        break;
      case 'Power.Active.Import':
        out.push({ measurand, value: round(reading.powerW, 1), unit: 'W', location: 'Outlet', context });
        break;
      case 'Current.Import':
        if (spec.kind === 'DC') {
          // DC: the current delivered to the vehicle, no phase.
          out.push({ measurand, value: round(reading.currentA[0], 1), unit: 'A', location: 'Outlet', context });
        } else {
          const phases: SamplePhase[] = spec.phases === 3 ? ['L1', 'L2', 'L3'] : ['L1'];
          phases.forEach((phase, i) =>
            out.push({ measurand, value: round(reading.currentA[i] ?? 0, 1), unit: 'A', phase, location: 'Outlet', context }),
          );
        }
        break;
      case 'Voltage':
        if (spec.kind === 'DC') {
          out.push({ measurand, value: DC_VOLTAGE_V, unit: 'V', location: 'Outlet', context });
        } else {
          const phases: SamplePhase[] = spec.phases === 3 ? ['L1-N', 'L2-N', 'L3-N'] : ['L1-N'];
          for (const phase of phases) out.push({ measurand, value: AC_PHASE_VOLTAGE_V, unit: 'V', phase, location: 'Outlet', context });
        }
        break;
      case 'SoC':
        if (reading.soc !== null) out.push({ measurand, value: round(reading.soc, 1), unit: 'Percent', location: 'EV', context });
        break;
    }
  }
  return out;
}

/** Parses a comma-separated measurand list (1.6 MeterValuesSampledData, 2.0.1 TxUpdatedMeasurands). */
export function parseMeasurands(text: string, supported: readonly string[]): SimMeasurand[] | null {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (!items.every((m) => supported.includes(m))) return null;
  return items as SimMeasurand[];
}
