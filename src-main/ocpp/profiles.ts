// Charging-profile policy shared by both versions: the allocation engine's TxProfiles use one
// profile id per EVSE (a new push replaces the previous one) at one stack level, above the
// safe TxDefaultProfile a station falls back to.
export const TX_PROFILE_ID_BASE = 1000;
export const TX_PROFILE_STACK_LEVEL = 1;
/** The safe default every station falls back to: TxDefaultProfile on all EVSEs, stack level 0. */
export const DEFAULT_PROFILE_ID = 900;
export const DEFAULT_PROFILE_STACK_LEVEL = 0;
