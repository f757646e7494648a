// Live station model: a snapshot from listStations, then kept current by `station` /
// `stationRemoved` events. Open transactions ride along so connectors can show session energy.
import { create } from 'zustand';
import type { DomainEvent, StationState, Transaction } from '../../src-shared/domain/index.ts';
import { api } from './client.ts';

interface StationsState {
  stations: Record<string, StationState>;
  /** Transactions in progress by internal id. */
  openTransactions: Record<number, Transaction>;
  loaded: boolean;
  /** The last load failure (shown through describeError, in the operator's language). */
  error: unknown;
  load(): Promise<void>;
  /** Applies a batch of events in one state update (events arrive in bursts). */
  applyEvents(events: readonly DomainEvent[]): void;
  setRegistration(stationId: string, decision: 'accept' | 'reject'): Promise<StationState>;
}

export const useStations = create<StationsState>((set, get) => ({
  stations: {},
  openTransactions: {},
  loaded: false,
  error: null,

  async load() {
    try {
      // The bridge answers in order on one socket, so events received after these answers
      // are newer than the snapshots: replacing the maps here loses nothing.
      const [list, open] = await Promise.all([
        api().call('listStations', {}),
        api().call('listTransactions', { open: true, limit: 10_000, sort: 'id', direction: 'asc' }),
      ]);
      set({
        stations: Object.fromEntries(list.map((s) => [s.id, s])),
        openTransactions: Object.fromEntries(open.items.map((t) => [t.id, t])),
        loaded: true,
        error: null,
      });
    } catch (error) {
      set({ error });
    }
  },

  applyEvents(events) {
    let stations: Record<string, StationState> | null = null;
    let open: Record<number, Transaction> | null = null;
    for (const event of events) {
      if (event.type === 'station') {
        stations ??= { ...get().stations };
        stations[event.station.id] = event.station;
      } else if (event.type === 'stationRemoved') {
        stations ??= { ...get().stations };
        delete stations[event.stationId];
      } else if (event.type === 'transaction') {
        open ??= { ...get().openTransactions };
        if (event.transaction.stoppedAt === null) open[event.transaction.id] = event.transaction;
        else delete open[event.transaction.id];
      }
    }
    if (stations || open) set({ ...(stations ? { stations } : {}), ...(open ? { openTransactions: open } : {}) });
  },

  async setRegistration(stationId, decision) {
    const station = await api().call(decision === 'accept' ? 'acceptStation' : 'rejectStation', { stationId });
    set({ stations: { ...get().stations, [station.id]: station } });
    return station;
  },
}));

export interface ParkSummary {
  stations: number;
  online: number;
  pending: number;
  connectors: number;
  charging: number;
  powerW: number;
}

export function summarise(stations: readonly StationState[]): ParkSummary {
  const s: ParkSummary = { stations: stations.length, online: 0, pending: 0, connectors: 0, charging: 0, powerW: 0 };
  for (const station of stations) {
    if (station.connected) s.online++;
    if (station.registration === 'pending') s.pending++;
    for (const c of station.connectors) {
      s.connectors++;
      if (!station.connected) continue;
      if (c.status === 'Charging') s.charging++;
      if (c.powerW !== null) s.powerW += c.powerW;
    }
  }
  return s;
}
