// The contract between the version-neutral station (station.ts, the socket shell and state)
// and the version modules (v16.ts, v201.ts) that speak OCPP 1.6 or 2.0.1.
import type { FrameFault } from './frames.ts';
import type { ChargingProfiles } from './profiles.ts';
import type { SchemaFault } from './schemas.ts';
import type {
  ActiveLimit,
  ConnectorSpec,
  ConnectorStatus,
  MeterReading,
  OcppProtocol,
  ReadingContext,
  ReservationEnd,
  ReserveStatus,
  SimReservation,
  SimStopReason,
  SimTransaction,
  StationSettings,
  Vehicle,
} from './types.ts';

export type RegistrationStatus = 'Accepted' | 'Pending' | 'Rejected';
export type BootReason = 'PowerUp' | 'RemoteReset' | 'Triggered';

/** A CALL the station wants to send. */
export interface OutMessage {
  action: string;
  /** A function when the payload depends on an answer not received yet (1.6 transactionId). */
  payload: object | (() => object);
  /** 'tx' messages survive disconnections and are replayed in order; 'normal' ones fail when offline. */
  kind: 'tx' | 'normal';
  /** 'wait' holds it (and everything queued behind it); 'drop' discards it. */
  ready?: () => 'send' | 'wait' | 'drop';
  onResult?: (result: Record<string, unknown>) => void;
  /** The message failed for good (CALLERROR, attempts exhausted, dropped). */
  onFailure?: (error: Error) => void;
}

export type CallOutcome =
  | { result: object; after?: () => void }
  | { error: string; description: string };

/** Read-only view of a connector for the version modules. */
export interface ConnectorInfo {
  readonly no: number;
  /** Detailed status (1.6 vocabulary); 2.0.1 maps it to its ConnectorStatusEnum. */
  readonly status: ConnectorStatus;
  readonly errorCode: string | null;
  readonly operative: boolean;
  readonly vehicle: Vehicle | null;
  readonly tx: SimTransaction | null;
  readonly energyWh: number;
}

export interface RemoteStartRequest {
  idTag: string;
  idTokenType?: string;
  remoteStartId?: number;
}

/** What the version modules may read and do on the station. */
export interface StationControl {
  readonly id: string;
  readonly vendor: string;
  readonly model: string;
  readonly serialNumber: string;
  readonly firmwareVersion: string;
  readonly spec: ConnectorSpec;
  readonly connectorCount: number;
  readonly settings: StationSettings;
  readonly profiles: ChargingProfiles;
  /** Whole-station availability (1.6 connector 0). */
  stationOperative(): boolean;
  registration(): RegistrationStatus | null;
  /** ISO-8601 time of the station's (possibly wrong) clock. */
  now(): string;
  connector(no: number): ConnectorInfo | undefined;
  connectors(): ConnectorInfo[];
  reading(no: number): MeterReading;
  activeLimit(no: number): ActiveLimit | null;
  /** Stops the transaction only if it is still this one (answers arrive late). */
  stopIfCurrent(tx: SimTransaction, reason: SimStopReason): void;
  /** Connector operative, no transaction and none starting, and no reservation refuses `idTag` there. */
  canStart(no: number, idTag: string): boolean;
  /** Where a remote start for `idTag` goes: its reserved connector, else one where a vehicle waits, else a free one. */
  firstStartableConnector(idTag: string): number | null;
  /** Whether a ReserveNow would be accepted now (a reservation with the same id is replaced, so it does not count). */
  reservationStatus(reservation: SimReservation): ReserveStatus;
  hasReservation(id: number): boolean;

  // Actions, called from CallOutcome.after so they follow the CALLRESULT on the wire.
  remoteStart(no: number, request: RemoteStartRequest): void;
  stopTransaction(no: number, reason: SimStopReason): void;
  reboot(reason: SimStopReason): void;
  rebootWhenIdle(): void;
  /** Applies now, or once the connector's transaction ends when it must become Inoperative. */
  changeAvailability(no: number, operative: boolean): void;
  /** Makes (or replaces) a reservation that reservationStatus accepted. */
  reserve(reservation: SimReservation): void;
  cancelReservation(id: number): void;
  setHeartbeatInterval(seconds: number): void;
  send(message: OutMessage): void;
  sendBoot(reason: BootReason): void;
  sendHeartbeat(): void;
  sendStatus(no?: number): void;
  sendMeterValues(no: number | undefined, context: ReadingContext): void;
}

/** Everything that differs between OCPP 1.6 and 2.0.1. One instance per station. */
export interface VersionAdapter {
  readonly protocol: OcppProtocol;
  bootNotification(reason: BootReason): object;
  heartbeat(): object;
  /** StatusNotifications for a connector (null = the station itself, 1.6 connector 0). `force` resends an unchanged status. */
  statusNotifications(conn: ConnectorInfo | null, force: boolean): OutMessage[];
  authorize(idTag: string, idTokenType: string): OutMessage;
  authorizeStatus(result: Record<string, unknown>): string;
  /** The group of the badge in an Authorize answer (1.6 parentIdTag, 2.0.1 groupIdToken), to match group reservations. */
  authorizeGroup(result: Record<string, unknown>): string | null;
  transactionStarted(conn: ConnectorInfo, tx: SimTransaction, reading: MeterReading, offline: boolean): OutMessage[];
  chargingStateChanged(conn: ConnectorInfo, tx: SimTransaction, reading: MeterReading, offline: boolean): OutMessage[];
  transactionMeter(conn: ConnectorInfo, tx: SimTransaction, reading: MeterReading, context: ReadingContext, offline: boolean): OutMessage[];
  transactionEnded(
    conn: ConnectorInfo,
    tx: SimTransaction,
    reason: SimStopReason,
    reading: MeterReading,
    vehiclePresent: boolean,
    offline: boolean,
  ): OutMessage[];
  idleMeter(conn: ConnectorInfo, reading: MeterReading, context: ReadingContext): OutMessage[];
  /** What the central system is told when a reservation ends (2.0.1 ReservationStatusUpdate; 1.6 only the StatusNotification). */
  reservationEnded(reservation: SimReservation, how: ReservationEnd): OutMessage[];
  /** The transaction id as the central system knows it (1.6 integer as text, once assigned). */
  transactionIdOf(tx: SimTransaction): string | null;
  /** Answers a validated CALL from the central system; unknown actions give NotSupported. */
  handleCall(action: string, payload: Record<string, unknown>): CallOutcome;
  errorCode(fault: FrameFault | SchemaFault | 'notImplemented' | 'notSupported' | 'internal'): string;
}
