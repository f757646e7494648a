// Types shared by the simulator modules. Version-neutral: v16.ts / v201.ts translate them
// into OCPP 1.6 or 2.0.1 messages.
import type { ConnectorStatus, OcppProtocol } from '../../src-shared/domain/index.ts';

export type { ConnectorStatus, OcppProtocol };

export type SimLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type SimLogger = (level: SimLogLevel, message: string) => void;

export type StationKind = 'AC' | 'DC';

/** A vehicle plugged into a connector. Mutated in place by the physics tick. */
export interface Vehicle {
  /** Usable battery capacity, Wh. */
  batteryWh: number;
  /** State of charge, % (0..100). */
  soc: number;
  /** SoC at which the vehicle stops drawing power (SuspendedEV), %. */
  targetSoc: number;
  /** Highest power the vehicle accepts (on-board charger on AC, battery on DC), W. */
  maxPowerW: number;
  /** Phases the on-board charger draws on AC; defaults to the station's phases. */
  phases?: 1 | 3;
  /** Leave on its own this long (real ms) after reaching the target SoC; absent = stay plugged. */
  departAfterFullMs?: number;
  label?: string;
}

/** Electrical description of one connector (all connectors of a station are alike). */
export interface ConnectorSpec {
  kind: StationKind;
  /** Maximum power per connector, W. */
  maxPowerW: number;
  /** AC supply phases of the station. */
  phases: 1 | 3;
}

export type ChargingRateUnit = 'W' | 'A';

/** A limit as the central system expressed it. */
export interface ChargingLimit {
  unit: ChargingRateUnit;
  limit: number;
  /** Phases the limit assumes (AC, unit A). */
  numberPhases?: number;
}

/** Profile purposes, version-neutral (1.6 ChargePointMaxProfile = 2.0.1 ChargingStationMaxProfile). */
export type ProfilePurpose = 'StationMax' | 'TxDefault' | 'Tx';

/** A charging profile reduced to what the simulator honours: its first period's limit. */
export interface SimChargingProfile extends ChargingLimit {
  id: number;
  /** 0 = the whole station. */
  connectorNo: number;
  purpose: ProfilePurpose;
  stackLevel: number;
  /** Transaction the profile is bound to (Tx profiles). */
  transactionId?: string;
}

/** The effective limit of a connector after combining the profiles, with its power equivalent. */
export interface ActiveLimit extends ChargingLimit {
  powerW: number;
}

export type ChargingState = 'Charging' | 'SuspendedEV' | 'SuspendedEVSE' | 'EVConnected' | 'Idle';

/** Reasons a transaction stops: the union of both versions' words; each adapter maps to its own. */
export type SimStopReason =
  | 'Local'
  | 'Remote'
  | 'EVDisconnected'
  | 'HardReset'
  | 'SoftReset'
  | 'ImmediateReset'
  | 'PowerLoss'
  | 'Reboot'
  | 'EmergencyStop'
  | 'DeAuthorized'
  | 'UnlockCommand'
  | 'SOCLimitReached'
  | 'StoppedByEV'
  | 'Other';

export interface SimTransaction {
  /** Station-side id: a uuid (this is the 2.0.1 transactionId). */
  localId: string;
  /** 1.6: the integer the central system assigned in StartTransaction.conf (null until answered). */
  serverId: number | null;
  /** 1.6: StartTransaction failed for good; later messages of this transaction are dropped. */
  startFailed: boolean;
  connectorNo: number;
  idTag: string;
  idTokenType: string;
  startedAt: string;
  startedAtMs: number;
  meterStartWh: number;
  /** 2.0.1: next seqNo. */
  seqNo: number;
  remoteStartId?: number;
  /** The reservation this transaction used (1.6 StartTransaction / 2.0.1 TransactionEvent Started reservationId). */
  reservationId?: number;
  remote: boolean;
  chargingState: ChargingState;
  /** Charging time so far, ms (2.0.1 timeSpentCharging). */
  chargingMs: number;
  /** Real time of the last periodic meter sample. */
  lastMeterAtMs: number;
  ended: boolean;
}

/** A reservation made by the central system (ReserveNow), version-neutral. */
export interface SimReservation {
  /** 1.6 reservationId, 2.0.1 id. */
  id: number;
  /** The reserved connector (2.0.1: EVSE); 0 = any connector of the station. */
  connectorNo: number;
  idTag: string;
  /** 1.6 parentIdTag, 2.0.1 groupIdToken: badges of that group may use the reservation too. */
  parentIdTag?: string;
  /** End of the reservation (ISO-8601), on the station's clock. */
  expiresAt: string;
}

/** ReserveNow answers, the same words in 1.6 and 2.0.1. */
export type ReserveStatus = 'Accepted' | 'Faulted' | 'Occupied' | 'Rejected' | 'Unavailable';

/** How a reservation ended: a transaction used it, the central system cancelled it, it expired, or a fault / unavailability removed it. */
export type ReservationEnd = 'Used' | 'Cancelled' | 'Expired' | 'Removed';

/** Live values of a connector, at the instant of a sample. */
export interface MeterReading {
  timestamp: string;
  energyWh: number;
  powerW: number;
  /** AC: current per phase L1, L2, L3; DC: [dc current, 0, 0]. */
  currentA: [number, number, number];
  soc: number | null;
}

export type ReadingContext = 'Sample.Periodic' | 'Transaction.Begin' | 'Transaction.End' | 'Trigger';

/** Measurands the simulated meter can produce. */
export const SUPPORTED_MEASURANDS = [
  'Energy.Active.Import.Register',
  'Power.Active.Import',
  'Current.Import',
  'Voltage',
  'SoC',
] as const;
export type SimMeasurand = (typeof SUPPORTED_MEASURANDS)[number];

/** Settings both versions expose through their configuration (1.6 keys, 2.0.1 variables). */
export interface StationSettings {
  heartbeatIntervalS: number;
  /** Interval of periodic transaction meter values, seconds (0 = none). */
  meterIntervalS: number;
  measurands: SimMeasurand[];
  authorizeRemoteStart: boolean;
  localAuthorizeOffline: boolean;
  localPreAuthorize: boolean;
  stopTxOnEVSideDisconnect: boolean;
  stopTxOnInvalidId: boolean;
  connectionTimeOutS: number;
  clockAlignedIntervalS: number;
  transactionMessageAttempts: number;
  transactionMessageRetryIntervalS: number;
  webSocketPingIntervalS: number;
}
