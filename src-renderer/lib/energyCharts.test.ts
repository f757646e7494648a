import { describe, expect, test } from 'vitest';
import type { EnergySummary, MeterTrend } from '../../src-shared/api/energy.ts';
import { csvDialect } from './csv.ts';
import { niceCeiling, OTHERS_KEY, stackedEnergyBars, trendCsv, trendRows } from './energyCharts.ts';

const summary: EnergySummary = {
  from: '2026-03-02T00:00:00.000Z',
  to: '2026-03-04T00:00:00.000Z',
  bucket: 'day',
  groupBy: 'station',
  buckets: ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'],
  cells: [
    { key: 'A', bucket: '2026-03-02T00:00:00.000Z', energyWh: 3_000, sessions: 1 },
    { key: 'B', bucket: '2026-03-02T00:00:00.000Z', energyWh: 2_000, sessions: 1 },
    { key: 'C', bucket: '2026-03-03T00:00:00.000Z', energyWh: 500, sessions: 1 },
    { key: '', bucket: '2026-03-03T00:00:00.000Z', energyWh: 250, sessions: 0 },
  ],
  totals: [
    { key: 'A', name: 'Alpha', energyWh: 3_000, sessions: 1 },
    { key: 'B', name: 'Beta', energyWh: 2_000, sessions: 1 },
    { key: 'C', name: 'Gamma', energyWh: 500, sessions: 1 },
    { key: '', name: '', energyWh: 250, sessions: 0 },
    { key: 'D', name: 'Delta', energyWh: 0, sessions: 0 },
  ],
  energyWh: 5_750,
  sessions: 3,
};

describe('energy bars', () => {
  test('keep the largest keys, fold the rest into others, in kWh per bucket with empty buckets at zero', () => {
    const bars = stackedEnergyBars(summary, 2, 'Others', 'Not in the project');
    expect(bars.keys).toEqual([
      { key: 'A', name: 'Alpha' },
      { key: 'B', name: 'Beta' },
      { key: OTHERS_KEY, name: 'Others' },
    ]);
    expect(bars.rows).toEqual([
      { bucket: '2026-03-02T00:00:00.000Z', A: 3, B: 2, [OTHERS_KEY]: 0 },
      { bucket: '2026-03-03T00:00:00.000Z', A: 0, B: 0, [OTHERS_KEY]: 0.75 },
    ]);
    expect(stackedEnergyBars(summary, 10, 'Others', 'Not in the project').keys.map((k) => k.name)).toEqual(['Alpha', 'Beta', 'Gamma', 'Not in the project']);
  });
});

describe('trend', () => {
  const trend: MeterTrend = {
    stationId: 'CP1',
    quantity: 'power',
    unit: 'W',
    from: '2026-03-02T00:00:00.000Z',
    to: '2026-03-02T01:00:00.000Z',
    stepS: 0,
    series: [
      { evseId: 1, connectorId: 1, points: [{ t: '2026-03-02T00:00:10.000Z', avg: 100, min: 100, max: 100, n: 1 }, { t: '2026-03-02T00:00:20.000Z', avg: 200, min: 200, max: 200, n: 1 }] },
      { evseId: 2, connectorId: 2, points: [{ t: '2026-03-02T00:00:10.000Z', avg: 7.5, min: 7.5, max: 7.5, n: 1 }] },
    ],
  };

  test('rows merge connectors by time, one column each', () => {
    const shaped = trendRows(trend);
    expect(shaped.series.map((s) => s.id)).toEqual(['c1-1', 'c2-2']);
    expect(shaped.rows).toEqual([
      { t: Date.parse('2026-03-02T00:00:10.000Z'), 'c1-1': 100, 'c2-2': 7.5 },
      { t: Date.parse('2026-03-02T00:00:20.000Z'), 'c1-1': 200 },
    ]);
  });

  test('CSV has one line per point and connector, in the operator dialect', () => {
    const csv = trendCsv(trend, ['t', 's', 'e', 'c', 'q', 'u', 'mean', 'min', 'max', 'n'], csvDialect('fr'));
    expect(csv.split('\r\n')[3]).toBe('2026-03-02T00:00:10.000Z;CP1;2;2;power;W;7,5;7,5;7,5;1');
  });

  test('axis ceilings are round numbers at or above the value', () => {
    expect([0, 0.4, 1, 682.5, 1_001, 2_400].map(niceCeiling)).toEqual([1, 0.5, 1, 1_000, 2_000, 2_500]);
  });
});
