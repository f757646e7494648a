// Public face of the charge-point simulator: real OCPP-J 1.6 / 2.0.1 stations over WebSocket,
// a vehicle traffic generator for the demo site, and the pure building blocks tests may reuse.
export {
  SimulatedStation,
  type SimulatedStationOptions,
  type StartChargingOptions,
  type StartChargingResult,
  type ConnectorSnapshot,
  type StationCounters,
  type StationEvents,
} from './station.ts';
export { SimulatedSite, runDemoSite, type SiteOptions, type DemoSiteOptions, type SiteStats } from './site.ts';
export { OcppCallError, OcppOfflineError, OcppTimeoutError } from './frames.ts';
export type { RegistrationStatus, BootReason } from './protocol.ts';
export { createPrng, type Prng } from './prng.ts';
export { defaultVehicle, randomVehicle } from './vehicles.ts';
export {
  chargingPowerW,
  vehicleAcceptanceW,
  stationCapabilityW,
  limitToWatts,
  phaseCurrents,
  step,
  AC_PHASE_VOLTAGE_V,
  DC_VOLTAGE_V,
} from './physics.ts';
export type {
  ActiveLimit,
  ChargingLimit,
  ChargingState,
  ConnectorSpec,
  MeterReading,
  OcppProtocol,
  ReservationEnd,
  ReserveStatus,
  SimLogger,
  SimLogLevel,
  SimReservation,
  SimStopReason,
  SimTransaction,
  StationKind,
  StationSettings,
  Vehicle,
} from './types.ts';
