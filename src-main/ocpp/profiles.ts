// Charging-profile id and stack-level policy (defined once in src-shared, shared with the
// allocation controller and the profile library), and the schedule pieces both versions
// write and read the same way (period lists, a command that reads a schedule back).
import type { ChargingProfileDefinition, CommandResult, CompositeSchedule, SchedulePeriod } from '../../src-shared/domain/index.ts';
import { outcomeOf } from './outcome.ts';
import type { CommandPlan } from './types.ts';

export { TX_PROFILE_ID_BASE, TX_PROFILE_STACK_LEVEL, DEFAULT_PROFILE_ID, DEFAULT_PROFILE_STACK_LEVEL } from '../../src-shared/domain/charging-profiles.ts';

/** OCPP chargingSchedulePeriod, the same shape in 1.6 and 2.0.1. */
export type OcppPeriod = { startPeriod: number; limit: number; numberPhases?: number };

export function toOcppPeriods(periods: readonly SchedulePeriod[]): OcppPeriod[] {
  return periods.map((x) => (x.phases === undefined ? { startPeriod: x.startS, limit: x.limit } : { startPeriod: x.startS, limit: x.limit, numberPhases: x.phases }));
}

export function fromOcppPeriods(periods: readonly OcppPeriod[]): SchedulePeriod[] {
  return periods.map((x) => (x.numberPhases === undefined ? { startS: x.startPeriod, limit: x.limit } : { startS: x.startPeriod, limit: x.limit, phases: x.numberPhases as 1 | 2 | 3 }));
}

/** GetCompositeSchedule as a command: the station's status, plus the schedule read by `parse` when there is one. */
export function compositeSchedulePlan(payload: object, parse: (response: unknown) => CompositeSchedule | undefined): CommandPlan {
  return {
    action: 'GetCompositeSchedule',
    payload,
    run: async (ctx) => {
      const response = await ctx.call('GetCompositeSchedule', payload);
      const status = String((response as { status?: unknown }).status ?? 'Unknown');
      const result: CommandResult = { outcome: outcomeOf(status), status, detail: null, raw: response };
      const schedule = parse(response);
      return schedule ? { ...result, schedule } : result;
    },
  };
}

/** The schedule of a library profile as both versions write it (2.0.1 adds its id). */
export function ocppSchedule(p: ChargingProfileDefinition): Record<string, unknown> {
  const schedule: Record<string, unknown> = { chargingRateUnit: p.unit, chargingSchedulePeriod: toOcppPeriods(p.periods) };
  if (p.durationS !== undefined) schedule.duration = p.durationS;
  if (p.startSchedule !== undefined) schedule.startSchedule = p.startSchedule;
  if (p.minChargingRate !== undefined) schedule.minChargingRate = p.minChargingRate;
  return schedule;
}

/** The optional profile fields named the same in both versions. */
export function ocppProfileOptions(p: ChargingProfileDefinition): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (p.recurrency !== undefined) options.recurrencyKind = p.recurrency;
  if (p.validFrom !== undefined) options.validFrom = p.validFrom;
  if (p.validTo !== undefined) options.validTo = p.validTo;
  return options;
}
