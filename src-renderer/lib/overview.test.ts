import { describe, expect, test } from 'vitest';
import type { SiteInfo } from '../../src-shared/api/energy.ts';
import type { ConnectorState, ConnectorStatus, StationState } from '../../src-shared/domain/index.ts';
import { filterSites, fromLocalInput, presetRange, siteLive, stationCategory, toLocalInput } from './overview.ts';

function connector(evseId: number, status: ConnectorStatus, powerW: number | null = null): ConnectorState {
  return { evseId, connectorId: evseId, status, errorCode: null, powerW, currentA: [null, null, null], energyWh: null, soc: null, transactionId: null, idTag: null, updatedAt: '2026-01-01T00:00:00.000Z' };
}

function station(id: string, connected: boolean, status: ConnectorStatus, connectors: ConnectorState[]): StationState {
  return {
    id,
    protocol: 'ocpp1.6',
    registration: 'accepted',
    declared: true,
    connected,
    vendor: null,
    model: null,
    serialNumber: null,
    firmwareVersion: null,
    status,
    errorCode: null,
    heartbeatIntervalS: 60,
    lastSeenAt: null,
    bootedAt: null,
    lastDisconnectReason: null,
    remoteAddress: null,
    group: null,
    maxPowerW: null,
    connectors,
  };
}

describe('station category on a site tile', () => {
  test('offline beats a fault, a fault beats a charge, a charge beats an unavailable connector', () => {
    expect(stationCategory(station('a', false, 'Faulted', [connector(1, 'Charging')]))).toBe('offline');
    expect(stationCategory(station('b', true, 'Available', [connector(1, 'Charging'), connector(2, 'Faulted')]))).toBe('faulted');
    expect(stationCategory(station('c', true, 'Available', [connector(1, 'SuspendedEV'), connector(2, 'Unavailable')]))).toBe('charging');
    expect(stationCategory(station('d', true, 'Available', [connector(1, 'Unavailable'), connector(2, 'Unavailable')]))).toBe('unavailable');
    expect(stationCategory(station('e', true, 'Unavailable', [connector(1, 'Available')]))).toBe('unavailable');
    expect(stationCategory(station('f', true, 'Available', [connector(1, 'Preparing'), connector(2, 'Unavailable')]))).toBe('available');
  });

  test('a site adds its connected stations power, counts each station once and ignores unknown ids', () => {
    const stations = {
      a: station('a', true, 'Available', [connector(1, 'Charging', 7_000), connector(2, 'Charging', 4_000)]),
      b: station('b', false, 'Available', [connector(1, 'Charging', 9_000)]),
      c: station('c', true, 'Available', [connector(1, 'Available', null)]),
    };
    const live = siteLive(['a', 'b', 'c', 'ghost'], stations, 22_000);
    expect(live).toEqual({ counts: { available: 1, charging: 1, faulted: 0, offline: 1, unavailable: 0 }, stations: 3, powerW: 11_000, loadRatio: 0.5 });
    expect(siteLive([], stations, null).loadRatio).toBeNull();
  });
});

describe('site search', () => {
  const sites = ['Lyon Part-Dieu', 'Créteil', 'Paris Bercy'].map((name, i): SiteInfo => ({ id: `s${i}`, name, maxPowerW: null, stationIds: [], parks: [], groups: [] }));
  test('matches names without accents or case, and ids', () => {
    expect(filterSites(sites, 'creteil').map((s) => s.name)).toEqual(['Créteil']);
    expect(filterSites(sites, 'S2').map((s) => s.name)).toEqual(['Paris Bercy']);
    expect(filterSites(sites, '  ')).toHaveLength(3);
  });
});

describe('ranges', () => {
  test('presets start at local midnight and pick a bucket that suits them', () => {
    const now = new Date(2026, 2, 15, 14, 30);
    expect(presetRange('today', now)).toEqual({ from: new Date(2026, 2, 15), to: new Date(2026, 2, 16), bucket: 'hour' });
    expect(presetRange('last7d', now)).toEqual({ from: new Date(2026, 2, 9), to: new Date(2026, 2, 16), bucket: 'day' });
    expect(presetRange('last12m', now)).toEqual({ from: new Date(2025, 3, 1), to: new Date(2026, 3, 1), bucket: 'month' });
  });

  test('datetime-local inputs round-trip and refuse garbage', () => {
    const d = new Date(2026, 0, 2, 3, 4);
    expect(toLocalInput(d)).toBe('2026-01-02T03:04');
    expect(fromLocalInput('2026-01-02T03:04')).toEqual(d);
    expect(fromLocalInput('tomorrow')).toBeNull();
  });
});
