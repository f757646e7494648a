// Public face of the energy service (overview and energy dashboard): the synchronous core
// (EnergyService, pure calendar and roll-up helpers) and the worker-thread shell the API uses.
export { EnergyService, holdForward, MAX_BUCKETS, POWER_HOLD_S, type EnergyServiceOptions } from './service.ts';
export { EnergyWorker, type EnergyWorkerOptions } from './worker-client.ts';
export { bucketsBetween, bucketOf, labelToUtc, stepFor, normaliseIso, planPieces, type RangePiece } from './calendar.ts';
export { groupingOf, rollUp, UNASSIGNED_KEY } from './rollup.ts';
export { sitesOfProject } from './sites.ts';
