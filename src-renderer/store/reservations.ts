// Reservations: the newest ones, live from `reservation` events.
import { create } from 'zustand';
import type { ReservationInput } from '../../src-shared/api/index.ts';
import type { DomainEvent, Reservation } from '../../src-shared/domain/index.ts';
import { api } from './client.ts';

interface ReservationsState {
  reservations: Record<number, Reservation>;
  loaded: boolean;
  error: unknown;
  load(): Promise<void>;
  create(input: ReservationInput): Promise<Reservation>;
  cancel(id: number): Promise<Reservation>;
  applyEvents(events: readonly DomainEvent[]): void;
}

export const useReservations = create<ReservationsState>((set, get) => ({
  reservations: {},
  loaded: false,
  error: null,
  async load() {
    try {
      const list = await api().call('listReservations', { limit: 2000 });
      set({ reservations: Object.fromEntries(list.map((r) => [r.id, r])), loaded: true, error: null });
    } catch (error) {
      set({ error });
    }
  },
  async create(input) {
    const made = await api().call('createReservation', input);
    set({ reservations: { ...get().reservations, [made.id]: made } });
    return made;
  },
  async cancel(id) {
    const cancelled = await api().call('cancelReservation', { reservationId: id });
    set({ reservations: { ...get().reservations, [cancelled.id]: cancelled } });
    return cancelled;
  },
  applyEvents(events) {
    if (!get().loaded) return;
    let next: Record<number, Reservation> | null = null;
    for (const event of events) {
      if (event.type !== 'reservation') continue;
      next ??= { ...get().reservations };
      next[event.reservation.id] = event.reservation;
    }
    if (next) set({ reservations: next });
  },
}));
