// Charging-profile id and stack-level policy, shared with the allocation controller and the
// profile library (defined once in src-shared).
export { TX_PROFILE_ID_BASE, TX_PROFILE_STACK_LEVEL, DEFAULT_PROFILE_ID, DEFAULT_PROFILE_STACK_LEVEL } from '../../src-shared/domain/charging-profiles.ts';
