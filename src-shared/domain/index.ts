// Version-neutral domain model shared by the main process and the UI.
// Nothing here knows OCPP 1.6 from 2.0.1 beyond the `protocol` label shown to people.
import type { AlarmInstance } from '../alarms/types.ts';
import type { ChargingProfileDefinition, CompositeSchedule } from './charging-profiles.ts';

export type * from './charging-profiles.ts';

export type OcppProtocol = 'ocpp1.6' | 'ocpp2.0.1';

/** Neutral connector states: the union of 1.6 ChargePointStatus and 2.0.1 ConnectorStatus. */
export const CONNECTOR_STATUSES = [
  'Available',
  'Preparing',
  'Charging',
  'SuspendedEV',
  'SuspendedEVSE',
  'Finishing',
  'Occupied',
  'Reserved',
  'Unavailable',
  'Faulted',
  'Unknown',
] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

export type Registration = 'accepted' | 'pending' | 'rejected';

export interface ConnectorState {
  /** EVSE number (1.6: the connector number; 2.0.1: evse.id). */
  evseId: number;
  /** Connector number as the station's protocol knows it (1.6: same as evseId; 2.0.1: evse.connectorId). */
  connectorId: number;
  status: ConnectorStatus;
  errorCode: string | null;
  /** Live values from the latest meter sample of this connector. */
  powerW: number | null;
  currentA: [number | null, number | null, number | null];
  energyWh: number | null;
  soc: number | null;
  /** Internal id of the transaction in progress, if any. */
  transactionId: number | null;
  idTag: string | null;
  updatedAt: string;
  /** What the vehicle of the transaction in progress said it needs (absent: nothing said). */
  chargingNeeds?: EvChargingNeeds | null;
}

/**
 * A vehicle's charging needs (ISO 15118 through OCPP 2.0.1 NotifyEVChargingNeeds), as smart
 * charging uses them: energy, departure, the vehicle's maximum.
 */
export interface EvChargingNeeds {
  /** Energy the vehicle requested when it sent its needs, Wh. */
  energyWh: number | null;
  /** Energy the transaction had delivered by then, Wh: the request counts from there. */
  deliveredWhAtRequest: number;
  /** Departure time the driver set, ISO. */
  departureAt: string | null;
  /** AC: the vehicle's maximum current per phase, A. */
  maxCurrentA: number | null;
  /** DC: the vehicle's maximum power, W. */
  maxPowerW: number | null;
  receivedAt: string;
}

export interface StationState {
  id: string;
  protocol: OcppProtocol | null;
  registration: Registration;
  /** Declared in the project (true) or self-registered (false). */
  declared: boolean;
  connected: boolean;
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  /** Station-level status (1.6 connector 0; 2.0.1 derived). */
  status: ConnectorStatus;
  errorCode: string | null;
  heartbeatIntervalS: number;
  lastSeenAt: string | null;
  bootedAt: string | null;
  /** Why the central system last closed this station's connection (flood, dead link...), if it did. */
  lastDisconnectReason: string | null;
  remoteAddress: string | null;
  group: string | null;
  maxPowerW: number | null;
  connectors: ConnectorState[];
}

export type StopReason =
  | 'Local'
  | 'Remote'
  | 'EVDisconnected'
  | 'HardReset'
  | 'SoftReset'
  | 'PowerLoss'
  | 'Reboot'
  | 'EmergencyStop'
  | 'DeAuthorized'
  | 'UnlockCommand'
  | 'Other'
  | 'StationLost'
  | string;

export interface Transaction {
  id: number;
  stationId: string;
  /** The transaction id the station uses (1.6: our integer as text; 2.0.1: the station's id). */
  ocppTransactionId: string;
  evseId: number;
  connectorId: number;
  idTag: string | null;
  startedAt: string;
  stoppedAt: string | null;
  meterStartWh: number | null;
  meterStopWh: number | null;
  energyWh: number | null;
  socStart: number | null;
  socEnd: number | null;
  stopReason: StopReason | null;
  /** Last meter sample time, used to close transactions of vanished stations. */
  lastUpdateAt: string;
}

export type Measurand =
  | 'Energy.Active.Import.Register'
  | 'Power.Active.Import'
  | 'Current.Import'
  | 'Current.Offered'
  | 'Voltage'
  | 'SoC'
  | string;

export interface MeterSample {
  stationId: string;
  evseId: number;
  connectorId: number;
  transactionId: number | null;
  timestamp: string;
  measurand: Measurand;
  phase: string | null;
  /** Value normalised to base units: Wh, W, A, V, %. */
  value: number;
  unit: string;
  context: string | null;
}

export type BadgeStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';

export interface Badge {
  idTag: string;
  status: BadgeStatus;
  expiresAt: string | null;
  parentIdTag: string | null;
  label: string | null;
  /** Badge category of the project (issue 4: priority, usual departure and needs); null: none. */
  category: string | null;
}

/** A badge as given (project file, API request): the category may be left out (none). */
export type BadgeInput = Omit<Badge, 'category'> & { category?: string | null };

/** Version-neutral operator commands; each OCPP adapter maps them to its own messages. */
export type StationCommand =
  | { kind: 'remoteStart'; evseId: number; idTag: string }
  | { kind: 'remoteStop'; transactionId: number }
  | { kind: 'reset'; type: 'soft' | 'hard' }
  | { kind: 'unlock'; evseId: number; connectorId: number }
  | { kind: 'changeAvailability'; evseId: number; operative: boolean }
  | { kind: 'getConfiguration'; keys?: string[] }
  | { kind: 'changeConfiguration'; key: string; value: string }
  | { kind: 'clearCache' }
  | { kind: 'triggerMessage'; message: 'BootNotification' | 'Heartbeat' | 'StatusNotification' | 'MeterValues'; evseId?: number }
  | { kind: 'dataTransfer'; vendorId: string; messageId?: string; data?: string }
  /** Smart charging: a TxProfile limiting the transaction on this EVSE (A or W, per phase count). */
  | { kind: 'setChargingLimit'; evseId: number; transactionId: number; limit: number; unit: 'A' | 'W'; phases?: 1 | 2 | 3 }
  /** Smart charging: the safe TxDefaultProfile (all EVSEs) a station falls back to without the supervisor. */
  | { kind: 'setDefaultLimit'; limit: number; unit: 'A' | 'W'; phases?: 1 | 2 | 3; profileId?: number; stackLevel?: number }
  /** Removes one charging profile by id. */
  | { kind: 'clearProfile'; profileId: number }
  /** Profile library: uploads one library profile to an EVSE (0 = the whole station). */
  | { kind: 'setProfile'; evseId: number; profile: ChargingProfileDefinition }
  /** The schedule the station will actually apply on an EVSE (0 = the station's grid connection). */
  | { kind: 'getCompositeSchedule'; evseId: number; durationS: number; unit?: 'A' | 'W' }
  /** Reservations (sent by the reservation book only, not through sendCommand): holds an EVSE (0 = any) for a badge until `expiresAt`. */
  | { kind: 'reserveNow'; reservationId: number; evseId: number; idTag: string; expiresAt: string }
  | { kind: 'cancelReservation'; reservationId: number };

export type StationCommandKind = StationCommand['kind'];

export interface ConfigurationEntry {
  key: string;
  value: string | null;
  readonly: boolean;
}

export interface CommandResult {
  /** Normalised outcome: accepted by the station, refused by it, or failed to reach an answer. */
  outcome: 'accepted' | 'rejected' | 'error';
  /** The station's status word (Accepted, Rejected, Unlocked, NotSupported...) or error code. */
  status: string;
  detail: string | null;
  /** Configuration read back (getConfiguration only). */
  configuration?: ConfigurationEntry[];
  /** Composite schedule read back (getCompositeSchedule only). */
  schedule?: CompositeSchedule;
  /** The raw OCPP answer, for the engineer. */
  raw: unknown;
}

export interface CommandRecord {
  id: number;
  stationId: string;
  action: string;
  request: unknown;
  outcome: CommandResult['outcome'];
  status: string;
  response: unknown;
  operator: string | null;
  sentAt: string;
  answeredAt: string | null;
}

/** What a station reports besides status and transactions: firmware, diagnostics/logs, security. */
export type StationNotice =
  | { kind: 'firmwareStatus'; status: string }
  | { kind: 'diagnosticsStatus'; status: string }
  | { kind: 'securityEvent'; eventType: string; techInfo: string | null; timestamp: string }
  /** Smart charging checked whether the station applies the limit it accepted (measured vs setpoint). */
  | { kind: 'profileVerification'; evseId: number; applied: boolean; detail: string | null }
  /** The station ended a reservation by itself (2.0.1 ReservationStatusUpdate: Expired, Removed). */
  | { kind: 'reservationStatus'; reservationId: number; status: string };

/**
 * Whether the archive stores what arrives. When it does not (disk full, size cap reached, file
 * locked by another program, I/O error), stations get InternalError and retry, and the control
 * room is told (header, /api/v1/health) until a write succeeds again.
 */
export interface ArchiveHealth {
  storing: boolean;
  /** ISO time of the last change of `storing`. */
  since: string;
  /** Why writes are refused (null while storing). */
  reason: string | null;
  /** Writes refused since the archive stopped storing (0 while storing). */
  refusedWrites: number;
}

/** An alarm notification pushed to connected web and mobile clients. */
export interface PushNotification {
  recipientId: string;
  severity: string;
  subject: string;
  body: string;
  alarmIds: string[];
}

/** One OCPP-J frame exchanged with a station, as logged (station page live log, issue 3). */
export interface OcppFrameRecord {
  /** Row id in the archive's log (absent on a live event: the row is written later). */
  id?: number;
  stationId: string;
  /** in: station → central system; out: central system → station. */
  direction: 'in' | 'out';
  frame: string;
  at: string;
}

/**
 * Domain events streamed to clients (UI, SSE). `ocppFrame` is the exception: it is published
 * only while some client watches that station, and the host forwards it only to those clients.
 */
/**
 * A reservation (R-6.3.1, OCPP ReserveNow): an EVSE (0 = any of the station's) held for a badge
 * until it expires. What the driver declared (departure, energy) becomes the session's needs
 * for smart charging when the badge starts charging on it.
 */
export interface Reservation {
  /** Also the OCPP reservationId. */
  id: number;
  stationId: string;
  /** 0 = any EVSE of the station. */
  evseId: number;
  idTag: string;
  /** Held until (ISO). */
  expiresAt: string;
  /** Expected departure (ISO), for smart charging; null = not given. */
  departureAt: string | null;
  /** Energy the driver needs, Wh; null = not given. */
  energyWh: number | null;
  status: ReservationStatus;
  /** The station's answer to ReserveNow / CancelReservation, or why it ended (Expired, Removed...). */
  detail: string | null;
  /** The transaction that used it. */
  transactionId: number | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * pending: sent, no answer yet; accepted: the station holds it; rejected: the station refused
 * (Occupied, Faulted, Unavailable, Rejected) or could not be reached; used: a transaction of
 * its badge started on it; cancelled: by an operator; expired: its time passed unused.
 */
export type ReservationStatus = 'pending' | 'accepted' | 'rejected' | 'used' | 'cancelled' | 'expired';

export type DomainEvent =
  | { type: 'reservation'; reservation: Reservation }
  | { type: 'station'; station: StationState }
  | { type: 'alarm'; alarm: AlarmInstance }
  | { type: 'notification'; notification: PushNotification }
  | { type: 'stationNotice'; stationId: string; notice: StationNotice }
  | { type: 'stationRemoved'; stationId: string }
  /** The archive stopped or started storing again (not on every refused write). */
  | { type: 'archive'; archive: ArchiveHealth }
  /** A transaction started, changed or ended; a start that used a reservation names it (OCPP reservationId). */
  | { type: 'transaction'; transaction: Transaction; reservationId?: number }
  | { type: 'command'; command: CommandRecord }
  | { type: 'badge'; badge: Badge }
  | { type: 'ocppFrame'; frame: OcppFrameRecord }
  /** Another project version runs (live apply): screens built from the project reload it. */
  | { type: 'projectApplied'; version: number | null }
  /** A project version was saved (edit, wizard, import, restore, bundle), applied or not. */
  | { type: 'projectSaved'; version: number };

export type DomainEventType = DomainEvent['type'];
