// Small helpers both version modules use.
import { phasesInUse, stationCapabilityW, limitToWatts, wattsToUnit } from './physics.ts';
import type { StationControl } from './protocol.ts';
import type { ChargingRateUnit } from './types.ts';

/** The vendorId our DataTransfer handler answers to. */
export const SIM_VENDOR_ID = 'EVS Sim';

export const round1 = (value: number): number => Math.round(value * 10) / 10;

export function parseBoolean(text: string): boolean | null {
  const t = text.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : null;
}

export function parseNonNegativeInt(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) return null;
  return Number(t);
}

/** A ReserveNow whose expiry is already past on the station's clock (or unreadable) is refused. */
export function expiryPassed(now: string, expiry: string): boolean {
  const at = Date.parse(expiry);
  return !Number.isFinite(at) || at <= Date.parse(now);
}

export type DataTransferStatus = 'Accepted' | 'Rejected' | 'UnknownMessageId' | 'UnknownVendorId';

/** Vendor 'EVS Sim' knows messageId 'echo' (or none): the data comes back. */
export function answerDataTransfer(vendorId: string, messageId: string | undefined, data: unknown): { status: DataTransferStatus; data?: unknown } {
  if (vendorId !== SIM_VENDOR_ID) return { status: 'UnknownVendorId' };
  if (messageId !== undefined && messageId !== 'echo') return { status: 'UnknownMessageId' };
  return data === undefined ? { status: 'Accepted' } : { status: 'Accepted', data };
}

/**
 * The limit a GetCompositeSchedule reports: the active limit of the connector, or without
 * profiles what the hardware can do; connector 0 is the station (its maximum profile or total).
 */
export function compositeLimit(ctx: StationControl, no: number, unit: ChargingRateUnit | undefined): { unit: ChargingRateUnit; limit: number } {
  const vehicle = no > 0 ? (ctx.connector(no)?.vehicle ?? null) : null;
  const phases = phasesInUse(ctx.spec, vehicle);
  let powerW: number;
  let natural: ChargingRateUnit;
  if (no === 0) {
    const max = ctx.profiles.stationMax();
    powerW = max ? limitToWatts(max, ctx.spec, phases) : ctx.spec.maxPowerW * ctx.connectorCount;
    natural = max?.unit ?? 'W';
  } else {
    const active = ctx.activeLimit(no);
    powerW = Math.min(active?.powerW ?? Infinity, stationCapabilityW(ctx.spec, vehicle));
    natural = active?.unit ?? 'W';
  }
  const chosen = unit ?? natural;
  return { unit: chosen, limit: round1(wattsToUnit(powerW, chosen, ctx.spec, phases)) };
}

/** CancelReservation, both versions: Accepted and released after the answer, or Rejected when unknown. */
export function answerCancelReservation(ctx: { hasReservation(id: number): boolean; cancelReservation(id: number): void }, reservationId: number): { result: { status: 'Accepted' | 'Rejected' }; after?: () => void } {
  if (!ctx.hasReservation(reservationId)) return { result: { status: 'Rejected' } };
  return { result: { status: 'Accepted' }, after: () => ctx.cancelReservation(reservationId) };
}
