// Learning a vehicle's own maximum from what it draws against what it is offered.
import { describe, expect, it } from 'vitest';
import { allocate } from './engine.ts';
import { observeVehicleMaxW } from './observe.ts';
import type { AcStation, ChargingSession, DcStation, ElectricalNode, SessionMeasurement } from './types.ts';

const ac: AcStation = { kind: 'AC', id: 'S1', phases: 3, maxA: 32, profileUnit: 'A' };
const dc: DcStation = { kind: 'DC', id: 'D1', maxW: 50_000, efficiency: 0.95 };
const drew = (powerW: number, value: number, unit: 'A' | 'W' = 'A'): SessionMeasurement => ({ powerW, offered: { value, unit } });

describe('observeVehicleMaxW', () => {
  it('learns what a vehicle draws when it draws clearly less than offered', () => {
    // 16 A on three phases = 11,040 W of 32 A offered.
    expect(observeVehicleMaxW(undefined, ac, drew(11_040, 32))).toBe(11_040);
    expect(observeVehicleMaxW(undefined, dc, drew(40_000, 50_000, 'W'))).toBe(40_000);
    // A single-phase car on a three-phase station: offered W are computed on its one phase.
    expect(observeVehicleMaxW(undefined, ac, drew(3_680, 32), { phases: 1 })).toBe(3_680);
  });

  it('keeps what it knows when the vehicle draws all it is offered below its maximum, or nothing, or is not measured', () => {
    expect(observeVehicleMaxW(11_040, ac, drew(6 * 690, 6))).toBe(11_040);
    expect(observeVehicleMaxW(11_040, ac, drew(0, 32))).toBe(11_040);
    expect(observeVehicleMaxW(11_040, ac, undefined)).toBe(11_040);
    expect(observeVehicleMaxW(undefined, ac, drew(6 * 690, 6))).toBeUndefined();
    expect(observeVehicleMaxW(11_040, ac, { powerW: 5_000 })).toBe(11_040);
  });

  it('probes one margin up when the vehicle draws all of its known maximum, and comes back when it cannot take it', () => {
    // Known 11,040 W, offered 16 A (11,040 W), draws it all: it may take more.
    const probe = observeVehicleMaxW(11_040, ac, drew(11_040, 16)) as number;
    expect(probe).toBe(11_040 + 2 * 230 * 3);
    // Offered 18 A, still draws 16 A: back to 11,040.
    expect(observeVehicleMaxW(probe, ac, drew(11_040, 18))).toBe(11_040);
  });

  it('as vehicleMaxW it stops the engine from offering a slow car the share it leaves undrawn', () => {
    const tree: ElectricalNode = { id: 'f', maxA: [40, 40, 40], stations: [ac, { ...ac, id: 'S2' }] };
    const now = Date.UTC(2026, 2, 2, 12);
    const learned = observeVehicleMaxW(undefined, ac, drew(11_040, 20)) as number;
    const sessions: ChargingSession[] = [
      { id: 'slow', stationId: 'S1', connectorId: 1, startedAt: now - 3_600_000, vehicleMaxW: learned },
      { id: 'fast', stationId: 'S2', connectorId: 1, startedAt: now - 3_600_000 },
    ];
    // Drawing all of an offer of 16 A, the engine's closed loop alone would give it 20 A again.
    const result = allocate(tree, sessions, { now, sessions: { slow: { powerW: 11_040, currentA: [16, 16, 16], offered: { value: 16, unit: 'A', since: now - 600_000 } } } }, {});
    expect(result.setpoints.map((s) => s.value)).toEqual([24, 16]);
  });
});
