// Contract of reservations (R-6.3.1, OCPP ReserveNow / CancelReservation): list, reserve an EVSE
// for a badge with the driver's departure and energy, cancel. Types and request schemas, spread
// into ApiCommands / requestSchemas by src-shared/api.
import type { Reservation } from '../domain/index.ts';

export interface ReservationInput {
  stationId: string;
  /** 0 = any EVSE of the station. */
  evseId: number;
  idTag: string;
  /** Held until (ISO, at most 24 h ahead). */
  expiresAt: string;
  /** Expected departure (ISO), for smart charging. */
  departureAt?: string | null;
  /** Energy the driver needs, Wh, for smart charging. */
  energyWh?: number | null;
}

/** Request → response of the commands (merged into ApiCommands). */
export interface ReservationCommands {
  /** Newest first; `live`: only those still held (pending or accepted). */
  listReservations: { request: { stationId?: string; live?: boolean; limit?: number }; response: Reservation[] };
  /** Stores the reservation, sends ReserveNow and answers with the station's verdict (status accepted or rejected, detail). */
  createReservation: { request: ReservationInput; response: Reservation };
  cancelReservation: { request: { reservationId: number }; response: Reservation };
}

type Schema = Record<string, unknown>;
const stationId: Schema = { type: 'string', minLength: 1, maxLength: 48, pattern: '^[A-Za-z0-9._:*+|@-]+$' };
const isoTime: Schema = { type: 'string', format: 'date-time' };

export const reservationRequestSchemas: Record<keyof ReservationCommands, Schema> = {
  listReservations: {
    type: 'object',
    additionalProperties: false,
    properties: { stationId, live: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 5000 } },
  },
  createReservation: {
    type: 'object',
    additionalProperties: false,
    required: ['stationId', 'evseId', 'idTag', 'expiresAt'],
    properties: {
      stationId,
      evseId: { type: 'integer', minimum: 0, maximum: 1000 },
      // OCPP 1.6 IdToken: CiString20.
      idTag: { type: 'string', minLength: 1, maxLength: 20 },
      expiresAt: isoTime,
      departureAt: { anyOf: [isoTime, { type: 'null' }] },
      energyWh: { anyOf: [{ type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 }, { type: 'null' }] },
    },
  },
  cancelReservation: { type: 'object', additionalProperties: false, required: ['reservationId'], properties: { reservationId: { type: 'integer', minimum: 1 } } },
};
