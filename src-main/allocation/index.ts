// Smart charging, public face. The pure engine (allocate and its two baselines) and an
// independent checker of its promises; the controller that runs it on events and pushes
// charging profiles comes on top of these.
export { allocate, equalShare, firstComeFirstServed } from './engine.ts';
export { limitUses, verifyAllocation, type AllocationViolation, type LimitUse } from './verify.ts';
export { DEFAULT_SETTINGS, energyNeedWh, urgencyBand, type ResolvedSettings } from './model.ts';
export { GRID_PHASES } from './types.ts';
export { staggeredStarts } from './stagger.ts';
export { observeVehicleMaxW, type VehicleObservation } from './observe.ts';
export { indexHistory, estimateSession, sessionEstimate, type PastSession, type EstimateQuery, type SessionEstimate, type EstimateBasis, type HistoryIndex, type HistoryOptions } from './history.ts';
export { validateProfile, validateTarget, findConflicts, limitAfter, compositeLimitAt, MAX_LIBRARY_PROFILE_ID, type ProfileFieldError } from './library.ts';
export { ProfileLibrary, ProfileLibraryError, type ProfileLibraryOptions } from './library-store.ts';
export type {
  AcStation,
  AllocationResult,
  AllocationSettings,
  AllocationStrategy,
  ChargingSession,
  ClosedLoopSettings,
  ControlMode,
  DcStation,
  ElectricalNode,
  GridPhase,
  LimitRef,
  Measurements,
  NodeAllocation,
  NodeMeasurement,
  PhaseRotation,
  PhaseTriple,
  RateUnit,
  SessionMeasurement,
  SessionState,
  Setpoint,
  SetpointReason,
  StaggeredStartSettings,
  Station,
  StrategyName,
} from './types.ts';
export { AllocationController, SessionNotControlledError, stationModel, SMART_CHARGING_OPERATOR, type AllocationView, type GroupView, type GroupLimit, type PushState, type ControllerOptions } from './controller.ts';
