import { describe, expect, it } from 'vitest';
import type { OperatorNeeds } from '../../src-shared/api/index.ts';
import type { EvChargingNeeds } from '../../src-shared/domain/index.ts';
import type { BadgeCategory } from '../../src-shared/project/index.ts';
import { categoryWeights, etaAt, nextTimeOfDay, resolveNeeds, type NeedsInput } from './needs.ts';

const START = new Date(2026, 10, 24, 8, 0, 0).getTime(); // 08:00 local time
const HOUR = 3_600_000;
const base: NeedsInput = { startedAt: START, deliveredWh: 2_000, socPercent: null, operator: null, vehicle: null, category: null, history: null };
const staff: BadgeCategory = { id: 'staff', name: 'Staff', charging: { priority: 2, departureTime: '17:30', energyWh: 12_000, vehicleMaxW: 7_400 } };
const fleet: BadgeCategory = { id: 'fleet', name: 'Fleet', charging: { targetSocPercent: 80, batteryWh: 60_000 } };
const operator: OperatorNeeds = { departureAt: new Date(START + 2 * HOUR).toISOString(), energyWh: 5_000, deliveredWhAtEntry: 1_000, setBy: 'op', setAt: new Date(START).toISOString() };

describe('nextTimeOfDay', () => {
  it('is the same day when the time is still ahead, the next day when it has passed', () => {
    expect(new Date(nextTimeOfDay(START, '17:30')).getHours()).toBe(17);
    expect(nextTimeOfDay(START, '17:30') - START).toBe(9.5 * HOUR);
    expect(nextTimeOfDay(START, '07:00') - START).toBe(23 * HOUR);
    // Exactly now counts as passed: a departure is after the start.
    expect(nextTimeOfDay(START, '08:00') - START).toBe(24 * HOUR);
  });
});

describe('nextTimeOfDay in a site time zone', () => {
  it('reads HH:MM on the wall clock of the zone, summer and winter, and rolls to the next day', () => {
    // 09:00 in Paris (UTC+1 in November): 17:30 Paris is 16:30 UTC.
    expect(new Date(nextTimeOfDay(Date.parse('2026-11-24T08:00:00Z'), '17:30', 'Europe/Paris')).toISOString()).toBe('2026-11-24T16:30:00.000Z');
    // Summer time (UTC+2).
    expect(new Date(nextTimeOfDay(Date.parse('2026-07-01T08:00:00Z'), '17:30', 'Europe/Paris')).toISOString()).toBe('2026-07-01T15:30:00.000Z');
    // 03:00 in New York: the same day's 17:30 there is 22:30 UTC.
    expect(new Date(nextTimeOfDay(Date.parse('2026-11-24T08:00:00Z'), '17:30', 'America/New_York')).toISOString()).toBe('2026-11-24T22:30:00.000Z');
    // 18:00 in Paris: tomorrow's 17:30.
    expect(new Date(nextTimeOfDay(Date.parse('2026-11-24T17:00:00Z'), '17:30', 'Europe/Paris')).toISOString()).toBe('2026-11-25T16:30:00.000Z');
    // Across the change to winter time (25 October 2026, 03:00 → 02:00 in Paris).
    expect(new Date(nextTimeOfDay(Date.parse('2026-10-24T20:00:00Z'), '07:00', 'Europe/Paris')).toISOString()).toBe('2026-10-25T06:00:00.000Z');
  });

  it('is used for a category’s departure when the site has a time zone', () => {
    const r = resolveNeeds({ ...base, startedAt: Date.parse('2026-11-24T08:00:00Z'), category: staff, timeZone: 'Asia/Tokyo' });
    // 17:00 in Tokyo (UTC+9) on 24 November: 17:30 Tokyo is 08:30 UTC.
    expect(r.view.departureAt).toBe('2026-11-24T08:30:00.000Z');
  });
});

describe('resolveNeeds', () => {
  it('takes a reservation’s departure and energy as the driver’s word: over the category and history, under the vehicle and the operator', () => {
    const reservation = { departureAt: new Date(START + 6 * HOUR).toISOString(), energyWh: 15_000 };
    const r = resolveNeeds({ ...base, reservation, category: staff, history: { energyWh: 30_000, departureAt: START + HOUR } });
    // Hard facts: the engine pauses at the need and plans for the departure; the category still gives the priority.
    expect(r.session).toMatchObject({ energyRequestWh: 15_000, departureAt: START + 6 * HOUR, priorityClass: 'staff' });
    expect(r.session.estimate).toBeUndefined();
    expect(r.view).toMatchObject({ remainingWh: 13_000, energySource: 'reservation', departureSource: 'reservation' });
    // A departure alone: the energy comes from the category.
    const departureOnly = resolveNeeds({ ...base, reservation: { departureAt: reservation.departureAt, energyWh: null }, category: staff });
    expect(departureOnly.view).toMatchObject({ energySource: 'category', departureSource: 'reservation' });
    // The vehicle's and the operator's word win.
    const vehicle: EvChargingNeeds = { energyWh: 9_000, deliveredWhAtRequest: 0, departureAt: new Date(START + 3 * HOUR).toISOString(), maxCurrentA: null, maxPowerW: null, receivedAt: new Date(START).toISOString() };
    expect(resolveNeeds({ ...base, reservation, vehicle }).view).toMatchObject({ energySource: 'vehicle', departureSource: 'vehicle' });
    expect(resolveNeeds({ ...base, reservation, operator }).view).toMatchObject({ energySource: 'operator', departureSource: 'operator' });
  });

  it('takes nothing when nothing is known', () => {
    const r = resolveNeeds(base);
    expect(r.session).toEqual({});
    expect(r.view).toEqual({ remainingWh: null, energySource: null, departureAt: null, departureSource: null, category: null, operator: null });
  });

  it('uses a category’s usual energy and departure as expectations (urgency only) and its priority class', () => {
    const r = resolveNeeds({ ...base, category: staff, history: { energyWh: 30_000, departureAt: START + HOUR } });
    expect(r.session).toEqual({ priorityClass: 'staff', estimate: { energyWh: 12_000, departureAt: START + 9.5 * HOUR } });
    expect(r.session.energyRequestWh).toBeUndefined();
    expect(r.session.departureAt).toBeUndefined();
    expect(r.categoryVehicleMaxW).toBe(7_400);
    expect(r.view).toMatchObject({ remainingWh: 10_000, energySource: 'category', departureSource: 'category', category: 'staff' });
  });

  it('falls back to history where the category says nothing, and drops an expectation already exceeded', () => {
    const r = resolveNeeds({ ...base, category: { id: 'c', name: 'C' }, history: { energyWh: 1_500, departureAt: START + HOUR } });
    expect(r.session).toEqual({ priorityClass: 'c', estimate: { departureAt: START + HOUR } });
    expect(r.view).toMatchObject({ remainingWh: null, energySource: null, departureSource: 'history' });
  });

  it('turns a category’s target state of charge into a need once the vehicle reports its SoC', () => {
    expect(resolveNeeds({ ...base, category: fleet }).view.energySource).toBeNull();
    const r = resolveNeeds({ ...base, category: fleet, socPercent: 30 });
    expect(r.session).toMatchObject({ targetSocPercent: 80, batteryWh: 60_000 });
    expect(r.view).toMatchObject({ remainingWh: 30_000, energySource: 'soc' });
  });

  it('asks for the category’s pre-conditioning power before a declared departure only', () => {
    const heated: BadgeCategory = { id: 'bus', name: 'Buses', charging: { departureTime: '17:30', preconditioning: { minutes: 30, powerW: 5_000 } } };
    expect(resolveNeeds({ ...base, category: heated }).session.preconditioning).toBeUndefined();
    const r = resolveNeeds({ ...base, category: heated, operator: { ...operator, energyWh: null } });
    expect(r.session.preconditioning).toEqual({ fromAt: START + 2 * HOUR - 30 * 60_000, powerW: 5_000 });
  });

  it('lets the vehicle’s word win over the category, and the operator’s over both', () => {
    const vehicle: EvChargingNeeds = { energyWh: 20_000, deliveredWhAtRequest: 500, departureAt: new Date(START + 3 * HOUR).toISOString(), maxCurrentA: null, maxPowerW: null, receivedAt: new Date(START).toISOString() };
    const byVehicle = resolveNeeds({ ...base, category: staff, vehicle: vehicle });
    expect(byVehicle.session).toMatchObject({ energyRequestWh: 20_500, departureAt: START + 3 * HOUR, priorityClass: 'staff' });
    expect(byVehicle.session.estimate).toBeUndefined();
    expect(byVehicle.view).toMatchObject({ remainingWh: 18_500, energySource: 'vehicle', departureSource: 'vehicle' });
    const byOperator = resolveNeeds({ ...base, category: staff, vehicle: vehicle, operator });
    expect(byOperator.session).toMatchObject({ energyRequestWh: 6_000, departureAt: START + 2 * HOUR });
    expect(byOperator.view).toMatchObject({ remainingWh: 4_000, energySource: 'operator', departureSource: 'operator', operator });
    // An operator who gave only a departure leaves the energy to the vehicle.
    const departureOnly = resolveNeeds({ ...base, vehicle: vehicle, operator: { ...operator, energyWh: null } });
    expect(departureOnly.view).toMatchObject({ energySource: 'vehicle', departureSource: 'operator' });
  });
});

describe('etaAt and categoryWeights', () => {
  it('computes the ETA from the remaining need and the setpoint power, none without either', () => {
    expect(etaAt(11_000, 11_000, START)).toBe(new Date(START + HOUR).toISOString());
    expect(etaAt(null, 11_000, START)).toBeNull();
    expect(etaAt(0, 11_000, START)).toBeNull();
    expect(etaAt(5_000, 0, START)).toBeNull();
  });

  it('weighs only the categories that set a priority', () => {
    expect(categoryWeights([staff, fleet, { id: 'v', name: 'V', charging: { priority: 0.5 } }])).toEqual({ staff: 2, v: 0.5 });
  });
});
