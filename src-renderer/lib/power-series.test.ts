import { describe, expect, it } from 'vitest';
import type { ConnectorState, StationState } from '../../src-shared/domain/index.ts';
import { addLivePoints, seriesFromHistory } from './power-series.ts';

const connector = (evseId: number, powerW: number | null): ConnectorState => ({
  evseId,
  connectorId: 1,
  status: 'Charging',
  errorCode: null,
  powerW,
  currentA: [null, null, null],
  energyWh: null,
  soc: null,
  transactionId: null,
  idTag: null,
  updatedAt: '2026-01-01T00:00:00Z',
});

const station = (connectors: ConnectorState[]) => ({ id: 'CP1', connectors }) as unknown as StationState;

describe('power chart series', () => {
  it('starts from the archive’s hour, one series per EVSE, in time order', () => {
    const series = seriesFromHistory({
      from: 'a',
      to: 'b',
      bucketMs: 10_000,
      series: [
        { evseId: 2, connectorId: 1, points: [[20, 5], [10, 4]] },
        { evseId: 1, connectorId: 1, points: [[10, 1]] },
      ],
    });
    expect(series).toEqual({ 1: [[10, 1]], 2: [[10, 4], [20, 5]] });
  });

  it('extends each connector with its live power (idle counts as 0) and drops what left the window', () => {
    let series = seriesFromHistory({ from: 'a', to: 'b', bucketMs: 1, series: [{ evseId: 1, connectorId: 1, points: [[1_000, 7], [5_000, 8]] }] });
    series = addLivePoints(series, station([connector(1, 11_000), connector(2, null)]), 6_000, 4_000);
    expect(series).toEqual({ 1: [[5_000, 8], [6_000, 11_000]], 2: [[6_000, 0]] });
    // A second event at the same time adds nothing.
    expect(addLivePoints(series, station([connector(1, 3), connector(2, 3)]), 6_000, 4_000)).toEqual(series);
  });
});
