// Reservations (R-6.3.1, OCPP 1.6 ReserveNow / CancelReservation, 2.0.1 block H): what an
// operator asked, what the station answered, and which transaction used it. The driver's
// declared departure and energy become that transaction's needs for smart charging.
import { ApiError, type ReservationInput } from '../../src-shared/api/index.ts';
import type { CommandResult, DomainEvent, Reservation, ReservationStatus, StationCommand, StationState } from '../../src-shared/domain/index.ts';
import type { Archive } from '../archive/index.ts';
import type { DomainBus } from '../bus/index.ts';

/** What an operator asks (the API contract's input). */
export type ReservationRequest = ReservationInput;

/** What a reservation declared for the session that used it (smart-charging needs). */
export interface ReservationNeeds {
  reservationId: number;
  departureAt: string | null;
  energyWh: number | null;
}

export interface ReservationBookOptions {
  /** Longest a station may hold a reservation, ms (default 24 h). */
  maxHoldMs?: number;
  /** A departure this far ahead is a typing mistake, ms (default 7 days). */
  maxDepartureMs?: number;
}

export interface ReservationBookDeps {
  archive: Archive;
  bus: DomainBus;
  station: (stationId: string) => StationState | null;
  /** The badge's status as Authorize would answer now (Accepted, Blocked, Expired, Invalid...). */
  badgeStatus: (idTag: string) => string;
  command: (stationId: string, command: StationCommand, operator: string | null) => Promise<CommandResult>;
}

const LIVE: readonly ReservationStatus[] = ['pending', 'accepted'];

export class ReservationBook {
  private readonly deps: ReservationBookDeps;
  private readonly maxHoldMs: number;
  private readonly maxDepartureMs: number;
  /** Reservations used by transactions still open, by transaction id (read every allocation cycle). */
  private readonly byTransaction = new Map<number, ReservationNeeds>();
  /**
   * Stations holding a reservation now: every running total of every open transaction is a
   * `transaction` event, and only starts on these stations (or naming a reservation) need a look.
   */
  private liveStations = new Set<string>();
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(deps: ReservationBookDeps, options: ReservationBookOptions = {}) {
    this.deps = deps;
    this.maxHoldMs = options.maxHoldMs ?? 24 * 3_600_000;
    this.maxDepartureMs = options.maxDepartureMs ?? 7 * 86_400_000;
    for (const t of deps.archive.openTransactions()) {
      const r = deps.archive.reservationOfTransaction(t.id);
      if (r) this.byTransaction.set(t.id, needsOf(r));
    }
    this.unsubscribe = deps.bus.subscribe((event) => this.onEvent(event));
    this.trackHeld();
  }

  list(q: { stationId?: string; live?: boolean; limit?: number } = {}): Reservation[] {
    return this.deps.archive.reservations({ ...q, limit: q.limit ?? 500 });
  }

  /** The needs the reservation a transaction used declared (null: none, or it declared nothing). */
  needsOf(transactionId: number): ReservationNeeds | null {
    return this.byTransaction.get(transactionId) ?? null;
  }

  /**
   * Checks the request, stores it (pending), sends ReserveNow and stores the station's answer.
   * Refusals name what to change and store nothing; a station's refusal is stored as such.
   */
  async reserve(request: ReservationRequest, operator: string | null, now = Date.now()): Promise<Reservation> {
    const station = this.deps.station(request.stationId);
    if (!station) throw new ApiError('NotFound', `No station ${request.stationId}`);
    if (!station.connected) throw new ApiError('Conflict', `${request.stationId} is not connected: a reservation needs the station's answer; nothing was reserved`);
    const evses = [...new Set(station.connectors.map((c) => c.evseId))].sort((a, b) => a - b);
    if (request.evseId !== 0 && !evses.includes(request.evseId)) {
      throw new ApiError('BadRequest', `${request.stationId} has no EVSE ${request.evseId} (choose ${evses.join(', ') || 'none known yet'}, or 0 for any)`);
    }
    const expires = Date.parse(request.expiresAt);
    if (!(expires > now)) throw new ApiError('BadRequest', `The reservation would end in the past (${request.expiresAt}): choose a later time`);
    if (expires - now > this.maxHoldMs) throw new ApiError('BadRequest', `A station holds a reservation ${Math.round(this.maxHoldMs / 3_600_000)} h at most: choose an end before ${new Date(now + this.maxHoldMs).toISOString()}`);
    const departureAt = request.departureAt ?? null;
    if (departureAt !== null) {
      const at = Date.parse(departureAt);
      if (at < now) throw new ApiError('BadRequest', `The departure ${departureAt} is in the past`);
      if (at - now > this.maxDepartureMs) throw new ApiError('BadRequest', `The departure ${departureAt} is more than ${Math.round(this.maxDepartureMs / 86_400_000)} days ahead`);
    }
    const badge = this.deps.badgeStatus(request.idTag);
    if (badge !== 'Accepted') throw new ApiError('BadRequest', `Badge ${request.idTag} may not charge (${badge}): add or unblock it under Badges first; nothing was reserved`);
    const held = this.deps.archive.heldReservation(request.stationId, request.idTag);
    if (held) throw new ApiError('Conflict', `Badge ${request.idTag} already holds reservation ${held.id} on ${request.stationId} (until ${held.expiresAt}): cancel it first`);

    const at = new Date(now).toISOString();
    let reservation = await this.deps.archive.insertReservation({
      stationId: request.stationId,
      evseId: request.evseId,
      idTag: request.idTag,
      expiresAt: new Date(expires).toISOString(),
      departureAt: departureAt === null ? null : new Date(Date.parse(departureAt)).toISOString(),
      energyWh: request.energyWh ?? null,
      status: 'pending',
      detail: null,
      transactionId: null,
      createdBy: operator,
      createdAt: at,
      updatedAt: at,
    });
    // Published as pending: a start may come before the station's answer (the driver is there).
    this.publish(reservation);
    const result = await this.deps.command(
      request.stationId,
      { kind: 'reserveNow', reservationId: reservation.id, evseId: request.evseId, idTag: request.idTag, expiresAt: reservation.expiresAt },
      operator,
    );
    const accepted = result.outcome === 'accepted';
    const detail = result.outcome === 'error' ? `${result.status}${result.detail ? `: ${result.detail}` : ''}` : result.status;
    // Only from pending: the badge may already have started charging on it meanwhile.
    const { reservation: stored } = await this.deps.archive.updateReservation(reservation.id, { status: accepted ? 'accepted' : 'rejected', detail }, ['pending']);
    if (stored) reservation = stored;
    this.publish(reservation);
    return reservation;
  }

  /** Sends CancelReservation; the reservation ends when the station lets it go (or never knew it). */
  async cancel(id: number, operator: string | null): Promise<Reservation> {
    const reservation = this.deps.archive.reservationById(id);
    if (!reservation) throw new ApiError('NotFound', `No reservation ${id}`);
    if (!LIVE.includes(reservation.status)) throw new ApiError('Conflict', `Reservation ${id} is already ${reservation.status}: nothing to cancel`);
    const result = await this.deps.command(reservation.stationId, { kind: 'cancelReservation', reservationId: id }, operator);
    if (result.outcome === 'error') {
      throw new ApiError('Unavailable', `${reservation.stationId} did not answer the cancellation (${result.status}${result.detail ? `: ${result.detail}` : ''}); the reservation holds until ${reservation.expiresAt} unless you try again`);
    }
    // Rejected: the station holds no such reservation (expired or used meanwhile): nothing is held either way.
    const detail = result.outcome === 'accepted' ? `cancelled by ${operator ?? 'the system'}` : `cancelled by ${operator ?? 'the system'}; the station no longer held it (${result.status})`;
    const { reservation: stored, changed } = await this.deps.archive.updateReservation(id, { status: 'cancelled', detail }, LIVE);
    if (changed && stored) this.publish(stored);
    return stored ?? reservation;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
  }

  private onEvent(event: DomainEvent): void {
    if (event.type === 'transaction') {
      const t = event.transaction;
      if (t.stoppedAt !== null) {
        this.byTransaction.delete(t.id);
        return;
      }
      if (this.byTransaction.has(t.id) || (event.reservationId === undefined && !this.liveStations.has(t.stationId))) return;
      void this.useFor(t.id, t.stationId, t.evseId, t.idTag, event.reservationId ?? null).catch(() => undefined);
      return;
    }
    if (event.type === 'stationNotice' && event.notice.kind === 'reservationStatus') {
      const { reservationId, status } = event.notice;
      const reservation = this.deps.archive.reservationById(reservationId);
      if (!reservation || reservation.stationId !== event.stationId) return;
      const next: ReservationStatus = status === 'Expired' ? 'expired' : 'cancelled';
      void this.settle(reservationId, next, status === 'Expired' ? 'Expired' : `${status} by the station`).catch(() => undefined);
    }
  }

  /**
   * A transaction started: the reservation it names (OCPP reservationId), else the one its
   * badge holds on that station (any EVSE, or this one), becomes used and its needs the session's.
   */
  private async useFor(transactionId: number, stationId: string, evseId: number, idTag: string | null, reservationId: number | null): Promise<void> {
    let reservation = reservationId === null ? null : this.deps.archive.reservationById(reservationId);
    if (reservation && reservation.stationId !== stationId) reservation = null;
    if (!reservation && idTag !== null) {
      const held = this.deps.archive.heldReservation(stationId, idTag);
      reservation = held && (held.evseId === 0 || held.evseId === evseId) ? held : null;
    }
    if (!reservation) return;
    // The station's word counts even for one we had marked expired a moment earlier (clocks differ).
    const { reservation: stored, changed } = await this.deps.archive.updateReservation(reservation.id, { status: 'used', detail: null, transactionId }, reservationId === null ? LIVE : [...LIVE, 'expired']);
    if (!changed || !stored) return;
    this.byTransaction.set(transactionId, needsOf(stored));
    this.publish(stored);
  }

  private async settle(id: number, status: ReservationStatus, detail: string): Promise<void> {
    const { reservation, changed } = await this.deps.archive.updateReservation(id, { status, detail }, LIVE);
    if (changed && reservation) this.publish(reservation);
  }

  /**
   * At start and after every change (publish): which stations hold reservations, and one timer
   * to the next expiry (held reservations past their end expire; the station lets them go too).
   */
  private trackHeld(): void {
    if (this.closed) return;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    const live = this.deps.archive.reservations({ live: true, limit: 10_000 });
    this.liveStations = new Set(live.map((r) => r.stationId));
    if (live.length === 0) return;
    const next = Math.min(...live.map((r) => Date.parse(r.expiresAt)));
    this.expiryTimer = setTimeout(() => void this.expire().catch(() => this.trackHeld()), Math.min(Math.max(0, next - Date.now()) + 50, 2_147_000_000));
    this.expiryTimer.unref();
  }

  private async expire(now = Date.now()): Promise<void> {
    for (const r of this.deps.archive.reservations({ live: true, limit: 10_000 })) {
      if (Date.parse(r.expiresAt) <= now) await this.settle(r.id, 'expired', 'Expired');
    }
    this.trackHeld();
  }

  private publish(reservation: Reservation): void {
    this.trackHeld();
    this.deps.bus.publish({ type: 'reservation', reservation });
  }
}

function needsOf(r: Reservation): ReservationNeeds {
  return { reservationId: r.id, departureAt: r.departureAt, energyWh: r.energyWh };
}
