// Pure parts: physics, profiles, meter samples and message formats, frame parsing, PRNG.
import { describe, expect, it } from 'vitest';
import { parseFrame } from './frames.ts';
import { samplesFor } from './meter.ts';
import { chargingPowerW, limitToWatts, phaseCurrents, step, vehicleAcceptanceW, stationCapabilityW } from './physics.ts';
import { createPrng } from './prng.ts';
import { ChargingProfiles } from './profiles.ts';
import { validatorFor } from './schemas.ts';
import type { ConnectorSpec, MeterReading, Vehicle } from './types.ts';
import { sampledValue16 } from './v16.ts';
import { sampledValue201 } from './v201.ts';
import { randomVehicle } from './vehicles.ts';

const ac: ConnectorSpec = { kind: 'AC', maxPowerW: 22_000, phases: 3 };
const dc: ConnectorSpec = { kind: 'DC', maxPowerW: 150_000, phases: 3 };
const car = (over: Partial<Vehicle> = {}): Vehicle => ({ batteryWh: 60_000, soc: 30, targetSoc: 90, maxPowerW: 11_000, phases: 3, ...over });

describe('vehicle physics', () => {
  it('accepts full power up to 80 % SoC, then tapers linearly to 10 % at 100 %', () => {
    expect(vehicleAcceptanceW(car({ soc: 50 }))).toBe(11_000);
    expect(vehicleAcceptanceW(car({ soc: 80 }))).toBe(11_000);
    expect(vehicleAcceptanceW(car({ soc: 90 }))).toBeCloseTo(11_000 * 0.55);
    expect(vehicleAcceptanceW(car({ soc: 100 }))).toBeCloseTo(1_100);
  });

  it('draws the lowest of station capability, vehicle acceptance and the active limit', () => {
    expect(chargingPowerW(ac, car({ maxPowerW: 50_000 }), null)).toBe(22_000);
    expect(chargingPowerW(ac, car(), null)).toBe(11_000);
    expect(chargingPowerW(ac, car(), 7_000)).toBe(7_000);
    expect(chargingPowerW(dc, car({ maxPowerW: 200_000 }), null)).toBe(150_000);
  });

  it('gives a single-phase car a third of a 3-phase AC station', () => {
    expect(stationCapabilityW(ac, car({ phases: 1, maxPowerW: 22_000 }))).toBeCloseTo(22_000 / 3);
  });

  it('stops drawing at the target SoC without overshooting it', () => {
    const v = car({ batteryWh: 1_000, soc: 89.5, targetSoc: 90 });
    const r = step(v, 11_000, 60_000);
    expect(r.full).toBe(true);
    expect(r.soc).toBe(90);
    expect(r.energyWh).toBeCloseTo(5);
    expect(chargingPowerW(ac, { ...v, soc: 90 }, null)).toBe(0);
  });

  it('integrates energy and SoC from power and time', () => {
    const r = step(car(), 10_000, 3_600_000);
    expect(r.energyWh).toBeCloseTo(10_000);
    expect(r.soc).toBeCloseTo(30 + (10_000 / 60_000) * 100);
  });

  it('converts A limits with 230 V per phase on AC and the nominal DC voltage on DC', () => {
    expect(limitToWatts({ unit: 'A', limit: 16 }, ac, 3)).toBe(16 * 230 * 3);
    expect(limitToWatts({ unit: 'A', limit: 16, numberPhases: 1 }, ac, 3)).toBe(16 * 230);
    expect(limitToWatts({ unit: 'W', limit: 5_000 }, ac, 3)).toBe(5_000);
    expect(limitToWatts({ unit: 'A', limit: 100 }, dc, 3)).toBe(40_000);
  });

  it('spreads AC current over the phases in use', () => {
    expect(phaseCurrents(ac, 3, 11_040)).toEqual([16, 16, 16]);
    expect(phaseCurrents(ac, 1, 3_680)).toEqual([16, 0, 0]);
    expect(phaseCurrents(ac, 3, 0)).toEqual([0, 0, 0]);
  });
});

describe('charging profiles', () => {
  const toW = (l: { unit: 'W' | 'A'; limit: number }): number => limitToWatts(l, ac, 3);

  it('prefers a Tx profile over TxDefault, a connector TxDefault over the station-wide one, the highest stack level', () => {
    const p = new ChargingProfiles();
    p.set({ id: 1, connectorNo: 0, purpose: 'TxDefault', stackLevel: 0, unit: 'W', limit: 20_000 });
    expect(p.effective(1, 'tx', 1, toW)?.powerW).toBe(20_000);
    p.set({ id: 2, connectorNo: 1, purpose: 'TxDefault', stackLevel: 0, unit: 'W', limit: 15_000 });
    p.set({ id: 3, connectorNo: 1, purpose: 'TxDefault', stackLevel: 2, unit: 'W', limit: 12_000 });
    expect(p.effective(1, 'tx', 1, toW)?.powerW).toBe(12_000);
    p.set({ id: 4, connectorNo: 1, purpose: 'Tx', stackLevel: 0, unit: 'A', limit: 10, transactionId: 'tx' });
    expect(p.effective(1, 'tx', 1, toW)).toMatchObject({ unit: 'A', limit: 10, powerW: 6_900 });
    p.endTransaction(1);
    expect(p.effective(1, 'tx', 1, toW)?.powerW).toBe(12_000);
  });

  it('shares the station maximum among the connectors drawing power', () => {
    const p = new ChargingProfiles();
    p.set({ id: 1, connectorNo: 0, purpose: 'StationMax', stackLevel: 0, unit: 'W', limit: 20_000 });
    expect(p.effective(1, 'a', 2, toW)?.powerW).toBe(10_000);
    expect(p.clear({ purpose: 'StationMax' })).toBe(1);
    expect(p.effective(1, 'a', 2, toW)).toBeNull();
  });

  it('replaces a profile with the same id', () => {
    const p = new ChargingProfiles();
    p.set({ id: 7, connectorNo: 1, purpose: 'TxDefault', stackLevel: 0, unit: 'W', limit: 9_000 });
    p.set({ id: 7, connectorNo: 1, purpose: 'TxDefault', stackLevel: 1, unit: 'W', limit: 8_000 });
    expect(p.all()).toHaveLength(1);
    expect(p.clear({ id: 99 })).toBe(0);
  });
});

describe('meter values', () => {
  const reading: MeterReading = { timestamp: '2025-01-01T00:00:00.000Z', energyWh: 1234.6, powerW: 11_040, currentA: [16, 16, 16], soc: 42.25 };

  it('samples register, power, current per phase L1/L2/L3 and SoC', () => {
    const s = samplesFor(reading, ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'SoC'], 'Sample.Periodic', ac);
    expect(s.map((x) => [x.measurand, x.phase ?? null, x.value, x.unit])).toEqual([
      ['Energy.Active.Import.Register', null, 1235, 'Wh'],
      ['Power.Active.Import', null, 11_040, 'W'],
      ['Current.Import', 'L1', 16, 'A'],
      ['Current.Import', 'L2', 16, 'A'],
      ['Current.Import', 'L3', 16, 'A'],
      ['SoC', null, 42.3, 'Percent'],
    ]);
  });

  it('writes values as strings in 1.6 and numbers in 2.0.1, both valid against the official schemas', () => {
    const samples = samplesFor(reading, ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'Voltage', 'SoC'], 'Trigger', ac);
    const v16 = samples.map(sampledValue16);
    const v201 = samples.map(sampledValue201);
    expect(v16.every((s) => typeof s.value === 'string')).toBe(true);
    expect(v201.every((s) => typeof s.value === 'number')).toBe(true);
    const meterValue16 = [{ timestamp: reading.timestamp, sampledValue: v16 }];
    const meterValue201 = [{ timestamp: reading.timestamp, sampledValue: v201 }];
    expect(validatorFor('ocpp1.6').request('MeterValues', { connectorId: 1, transactionId: 5, meterValue: meterValue16 })).toEqual({ ok: true });
    expect(validatorFor('ocpp2.0.1').request('MeterValues', { evseId: 1, meterValue: meterValue201 })).toEqual({ ok: true });
  });

  it('keeps only register and SoC at transaction begin and end', () => {
    const s = samplesFor(reading, ['Power.Active.Import'], 'Transaction.End', ac);
    expect(s.map((x) => x.measurand)).toEqual(['Energy.Active.Import.Register', 'SoC']);
  });
});

describe('OCPP-J frames', () => {
  it('never throws on garbage and says whether an error answer is due', () => {
    for (const text of ['', 'nope', '{}', '[]', '[2]', 'null', '[2,1,"A",{}]', '[3,"x"]']) {
      expect(() => parseFrame(text)).not.toThrow();
      expect(parseFrame(text).ok).toBe(false);
    }
    expect(parseFrame('[2,"id","Heartbeat",[]]')).toMatchObject({ ok: false, replyTo: 'id', fault: 'format' });
    expect(parseFrame('[7,"id",{}]')).toMatchObject({ ok: false, replyTo: 'id', fault: 'messageType' });
    expect(parseFrame('[3,"id",{},1]')).toMatchObject({ ok: false, replyTo: null });
  });

  it('reads CALL, CALLRESULT and CALLERROR', () => {
    expect(parseFrame('[2,"a","Reset",{"type":"Soft"}]')).toEqual({ ok: true, frame: { type: 2, id: 'a', action: 'Reset', payload: { type: 'Soft' } } });
    expect(parseFrame('[3,"a",{"x":1}]')).toEqual({ ok: true, frame: { type: 3, id: 'a', payload: { x: 1 } } });
    expect(parseFrame('[4,"a","NotImplemented","no",{}]')).toMatchObject({ ok: true, frame: { type: 4, code: 'NotImplemented' } });
  });
});

describe('seeded PRNG', () => {
  it('repeats the same vehicles for the same seed', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const seqA = Array.from({ length: 5 }, () => randomVehicle(a, 'AC'));
    const seqB = Array.from({ length: 5 }, () => randomVehicle(b, 'AC'));
    expect(seqA).toEqual(seqB);
    expect(randomVehicle(createPrng(43), 'DC')).not.toEqual(randomVehicle(createPrng(42), 'DC'));
  });

  it('draws plausible cars: 40-100 kWh, arriving at 10-50 %, wanting 80-100 %', () => {
    const prng = createPrng('plausible');
    for (let i = 0; i < 200; i++) {
      const v = randomVehicle(prng, i % 2 ? 'AC' : 'DC');
      expect(v.batteryWh).toBeGreaterThanOrEqual(40_000);
      expect(v.batteryWh).toBeLessThanOrEqual(100_000);
      expect(v.soc).toBeGreaterThanOrEqual(10);
      expect(v.soc).toBeLessThanOrEqual(50);
      expect(v.targetSoc).toBeGreaterThanOrEqual(80);
      expect(v.targetSoc).toBeLessThanOrEqual(100);
    }
  });
});
