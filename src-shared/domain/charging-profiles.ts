// Charging profiles of the profile library, version-neutral: each OCPP adapter maps
// them to its own SetChargingProfile (1.6 csChargingProfiles, 2.0.1 chargingProfile).

// Profile ids and stack levels, one policy for both versions: the allocation engine's
// TxProfiles use one profile id per EVSE (a new push replaces the previous one) at one stack
// level, above the safe TxDefaultProfile a station falls back to; the library keeps below 900.
export const TX_PROFILE_ID_BASE = 1000;
export const TX_PROFILE_STACK_LEVEL = 1;
/** The safe default every station falls back to: TxDefaultProfile on all EVSEs, stack level 0. */
export const DEFAULT_PROFILE_ID = 900;
export const DEFAULT_PROFILE_STACK_LEVEL = 0;

/** stationMax = 1.6 ChargePointMaxProfile / 2.0.1 ChargingStationMaxProfile. TxProfiles belong to smart charging. */
export type LibraryProfilePurpose = 'stationMax' | 'txDefault';
export type LibraryProfileKind = 'Absolute' | 'Recurring' | 'Relative';

export interface SchedulePeriod {
  /** Seconds from the start of the schedule. */
  startS: number;
  /** A per phase or W, per the profile's unit. */
  limit: number;
  phases?: 1 | 2 | 3;
}

export interface ChargingProfileDefinition {
  /** The OCPP chargingProfileId (1..899: 900+ are the supervisor's own). */
  id: number;
  name: string;
  /** The user category it is meant for (badge category: management, visitors...), informative. */
  category?: string;
  stackLevel: number;
  purpose: LibraryProfilePurpose;
  kind: LibraryProfileKind;
  /** Recurring profiles only. */
  recurrency?: 'Daily' | 'Weekly';
  /** ISO 8601; absent = valid now / forever. */
  validFrom?: string;
  validTo?: string;
  /** ISO 8601 start of the schedule (Absolute and Recurring; forbidden for Relative). */
  startSchedule?: string;
  durationS?: number;
  unit: 'A' | 'W';
  minChargingRate?: number;
  periods: SchedulePeriod[];
}

/** Where a library profile was uploaded (EVSE 0 = the whole station) and what the station said. */
export interface ProfileUpload {
  profileId: number;
  stationId: string;
  evseId: number;
  at: string;
  outcome: 'accepted' | 'rejected' | 'error';
  status: string;
  detail: string | null;
}

/** Two profiles that OCPP cannot both hold: same station/EVSE, purpose and stack level, overlapping validity. */
export interface ProfileConflict {
  stationId: string;
  evseId: number;
  profileIds: [number, number];
  /** A sentence for the operator. */
  message: string;
}

/** A composite schedule read back from a station (GetCompositeSchedule), version-neutral. */
export interface CompositeSchedule {
  evseId: number;
  /** ISO 8601 start of the schedule. */
  start: string;
  durationS: number | null;
  unit: 'A' | 'W';
  periods: SchedulePeriod[];
}
