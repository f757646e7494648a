// OCPP 1.6-J: message builders and the answers to central-system CALLs.
import type { FrameFault } from './frames.ts';
import { samplesFor, parseMeasurands, type NeutralSample } from './meter.ts';
import type { BootReason, CallOutcome, ConnectorInfo, OutMessage, StationControl, VersionAdapter } from './protocol.ts';
import type { SchemaFault } from './schemas.ts';
import { answerCancelReservation, answerDataTransfer, compositeLimit, expiryPassed, parseBoolean, parseNonNegativeInt } from './shared.ts';
import {
  SUPPORTED_MEASURANDS,
  type ChargingRateUnit,
  type MeterReading,
  type ProfilePurpose,
  type ReadingContext,
  type ReservationEnd,
  type SimReservation,
  type SimStopReason,
  type SimTransaction,
} from './types.ts';

// Request payloads as the schemas guarantee them (validated before handleCall).
type RemoteStartTransactionReq = { connectorId?: number; idTag: string; chargingProfile?: CsChargingProfile };
type RemoteStopTransactionReq = { transactionId: number };
type ResetReq = { type: 'Hard' | 'Soft' };
type UnlockConnectorReq = { connectorId: number };
type ChangeAvailabilityReq = { connectorId: number; type: 'Inoperative' | 'Operative' };
type GetConfigurationReq = { key?: string[] };
type ChangeConfigurationReq = { key: string; value: string };
type TriggerMessageReq = { requestedMessage: string; connectorId?: number };
type DataTransferReq = { vendorId: string; messageId?: string; data?: string };
type ReserveNowReq = { connectorId: number; expiryDate: string; idTag: string; parentIdTag?: string; reservationId: number };
type CancelReservationReq = { reservationId: number };
type CsChargingProfile = {
  chargingProfileId: number;
  transactionId?: number;
  stackLevel: number;
  chargingProfilePurpose: 'ChargePointMaxProfile' | 'TxDefaultProfile' | 'TxProfile';
  chargingSchedule: {
    chargingRateUnit: ChargingRateUnit;
    chargingSchedulePeriod: Array<{ startPeriod: number; limit: number; numberPhases?: number }>;
  };
};
type SetChargingProfileReq = { connectorId: number; csChargingProfiles: CsChargingProfile };
type ClearChargingProfileReq = { id?: number; connectorId?: number; chargingProfilePurpose?: CsChargingProfile['chargingProfilePurpose']; stackLevel?: number };
type GetCompositeScheduleReq = { connectorId: number; duration: number; chargingRateUnit?: ChargingRateUnit };

const PURPOSES: Record<CsChargingProfile['chargingProfilePurpose'], ProfilePurpose> = {
  ChargePointMaxProfile: 'StationMax',
  TxDefaultProfile: 'TxDefault',
  TxProfile: 'Tx',
};

const STOP_REASONS: Record<SimStopReason, string> = {
  Local: 'Local',
  Remote: 'Remote',
  EVDisconnected: 'EVDisconnected',
  HardReset: 'HardReset',
  SoftReset: 'SoftReset',
  ImmediateReset: 'HardReset',
  PowerLoss: 'PowerLoss',
  Reboot: 'Reboot',
  EmergencyStop: 'EmergencyStop',
  DeAuthorized: 'DeAuthorized',
  UnlockCommand: 'UnlockCommand',
  SOCLimitReached: 'Other',
  StoppedByEV: 'EVDisconnected',
  Other: 'Other',
};

/** 1.6 sampledValue: every value is a string. */
export function sampledValue16(s: NeutralSample): Record<string, string> {
  const out: Record<string, string> = {
    value: String(s.value),
    context: s.context,
    format: 'Raw',
    measurand: s.measurand,
    location: s.location,
    unit: s.unit,
  };
  if (s.phase) out.phase = s.phase;
  return out;
}

interface ConfigKey {
  key: string;
  readonly: boolean;
  get(): string;
  /** Returns false when the value is not acceptable. */
  set?(value: string): boolean;
}

export class V16Adapter implements VersionAdapter {
  readonly protocol = 'ocpp1.6' as const;
  private readonly ctx: StationControl;
  private readonly config: ConfigKey[];
  /** Last status reported per connector (0 = station): 1.6 reports every change, and only changes. */
  private readonly reported = new Map<number, string>();

  constructor(ctx: StationControl) {
    this.ctx = ctx;
    this.config = buildConfiguration(ctx);
  }

  bootNotification(_reason: BootReason): object {
    const c = this.ctx;
    return {
      chargePointVendor: c.vendor.slice(0, 20),
      chargePointModel: c.model.slice(0, 20),
      chargePointSerialNumber: c.serialNumber.slice(0, 25),
      chargeBoxSerialNumber: c.serialNumber.slice(0, 25),
      firmwareVersion: c.firmwareVersion.slice(0, 50),
      meterType: 'EVS Sim meter',
      meterSerialNumber: `M-${c.serialNumber}`.slice(0, 25),
    };
  }

  heartbeat(): object {
    return {};
  }

  statusNotifications(conn: ConnectorInfo | null, force: boolean): OutMessage[] {
    const no = conn?.no ?? 0;
    const status = conn ? conn.status : this.ctx.stationOperative() ? 'Available' : 'Unavailable';
    const errorCode = conn?.errorCode ?? 'NoError';
    const key = `${status}/${errorCode}`;
    if (!force && this.reported.get(no) === key) return [];
    this.reported.set(no, key);
    return [
      {
        action: 'StatusNotification',
        kind: 'normal',
        payload: { connectorId: no, errorCode, status, timestamp: this.ctx.now() },
      },
    ];
  }

  authorize(idTag: string): OutMessage {
    return { action: 'Authorize', kind: 'normal', payload: { idTag } };
  }

  authorizeStatus(result: Record<string, unknown>): string {
    const info = result.idTagInfo as { status?: string } | undefined;
    return info?.status ?? 'Invalid';
  }

  authorizeGroup(result: Record<string, unknown>): string | null {
    const info = result.idTagInfo as { parentIdTag?: string } | undefined;
    return info?.parentIdTag ?? null;
  }

  reservationEnded(_reservation: SimReservation, _how: ReservationEnd): OutMessage[] {
    return []; // 1.6 tells it with the connector's StatusNotification, or the StartTransaction's reservationId
  }

  transactionStarted(conn: ConnectorInfo, tx: SimTransaction, reading: MeterReading): OutMessage[] {
    const start: OutMessage = {
      action: 'StartTransaction',
      kind: 'tx',
      payload: {
        connectorId: conn.no,
        idTag: tx.idTag,
        meterStart: Math.round(tx.meterStartWh),
        // The reservation this transaction ends (1.6 5.13: "SHALL send the reservationId").
        ...(tx.reservationId !== undefined ? { reservationId: tx.reservationId } : {}),
        timestamp: tx.startedAt,
      },
      onResult: (result) => {
        tx.serverId = typeof result.transactionId === 'number' ? result.transactionId : null;
        if (tx.serverId === null) tx.startFailed = true;
        const status = (result.idTagInfo as { status?: string } | undefined)?.status;
        // The central system may refuse the tag only now (e.g. a start made offline).
        if (status !== 'Accepted' && this.ctx.settings.stopTxOnInvalidId) this.ctx.stopIfCurrent(tx, 'DeAuthorized');
      },
      onFailure: () => {
        tx.startFailed = true;
      },
    };
    // SoC and register at the start, as many chargers send them right after StartTransaction.
    return [start, this.meterMessage(conn.no, tx, reading, 'Transaction.Begin')];
  }

  chargingStateChanged(): OutMessage[] {
    return []; // 1.6 reports charging states through StatusNotification.
  }

  transactionMeter(conn: ConnectorInfo, tx: SimTransaction, reading: MeterReading, context: ReadingContext): OutMessage[] {
    return [this.meterMessage(conn.no, tx, reading, context)];
  }

  transactionEnded(conn: ConnectorInfo, tx: SimTransaction, reason: SimStopReason, reading: MeterReading): OutMessage[] {
    const end = samplesFor(reading, this.ctx.settings.measurands, 'Transaction.End', this.ctx.spec).map(sampledValue16);
    return [
      {
        action: 'StopTransaction',
        kind: 'tx',
        ready: txReady(tx),
        payload: () => ({
          transactionId: tx.serverId ?? 0,
          ...(reason === 'Local' ? { idTag: tx.idTag } : {}),
          meterStop: Math.round(reading.energyWh),
          timestamp: reading.timestamp,
          reason: STOP_REASONS[reason],
          transactionData: [{ timestamp: reading.timestamp, sampledValue: end }],
        }),
      },
    ];
  }

  idleMeter(conn: ConnectorInfo, reading: MeterReading, context: ReadingContext): OutMessage[] {
    const sampledValue = samplesFor(reading, this.ctx.settings.measurands, context, this.ctx.spec).map(sampledValue16);
    return [{ action: 'MeterValues', kind: 'normal', payload: { connectorId: conn.no, meterValue: [{ timestamp: reading.timestamp, sampledValue }] } }];
  }

  transactionIdOf(tx: SimTransaction): string | null {
    return tx.serverId === null ? null : String(tx.serverId);
  }

  errorCode(fault: FrameFault | SchemaFault | 'notImplemented' | 'notSupported' | 'internal'): string {
    switch (fault) {
      case 'occurrence':
        return 'OccurenceConstraintViolation'; // sic: the 1.6 spelling
      case 'type':
        return 'TypeConstraintViolation';
      case 'property':
        return 'PropertyConstraintViolation';
      case 'notImplemented':
        return 'NotImplemented';
      case 'notSupported':
        return 'NotSupported';
      case 'internal':
        return 'InternalError';
      case 'messageType':
        return 'GenericError'; // 1.6 has no MessageTypeNotSupported
      case 'rpc':
      case 'format':
        return 'FormationViolation';
    }
  }

  handleCall(action: string, payload: Record<string, unknown>): CallOutcome {
    const ctx = this.ctx;
    switch (action) {
      case 'RemoteStartTransaction': {
        const req = payload as RemoteStartTransactionReq;
        const no = req.connectorId ?? ctx.firstStartableConnector(req.idTag);
        if (no === null || no < 1 || !ctx.canStart(no, req.idTag)) return { result: { status: 'Rejected' } };
        const profile = req.chargingProfile;
        if (profile) {
          if (profile.chargingProfilePurpose !== 'TxProfile') return { result: { status: 'Rejected' } };
          const installed = this.installProfile(no, profile, true);
          if (installed !== 'Accepted') return { result: { status: 'Rejected' } };
        }
        return { result: { status: 'Accepted' }, after: () => ctx.remoteStart(no, { idTag: req.idTag }) };
      }
      case 'RemoteStopTransaction': {
        const req = payload as RemoteStopTransactionReq;
        const conn = ctx.connectors().find((c) => c.tx !== null && c.tx.serverId === req.transactionId);
        if (!conn) return { result: { status: 'Rejected' } };
        return { result: { status: 'Accepted' }, after: () => ctx.stopTransaction(conn.no, 'Remote') };
      }
      case 'Reset': {
        const req = payload as ResetReq;
        return { result: { status: 'Accepted' }, after: () => ctx.reboot(req.type === 'Hard' ? 'HardReset' : 'SoftReset') };
      }
      case 'UnlockConnector': {
        const req = payload as UnlockConnectorReq;
        const conn = ctx.connector(req.connectorId);
        if (!conn) return { result: { status: 'UnlockFailed' } };
        // 1.6: unlocking a connector in a transaction stops that transaction first.
        return { result: { status: 'Unlocked' }, after: conn.tx ? () => ctx.stopTransaction(conn.no, 'UnlockCommand') : undefined };
      }
      case 'ChangeAvailability': {
        const req = payload as ChangeAvailabilityReq;
        if (req.connectorId < 0 || req.connectorId > ctx.connectorCount) return { result: { status: 'Rejected' } };
        const operative = req.type === 'Operative';
        const targets = req.connectorId === 0 ? ctx.connectors() : [ctx.connector(req.connectorId)];
        const busy = targets.some((c) => c?.tx);
        return {
          result: { status: !operative && busy ? 'Scheduled' : 'Accepted' },
          after: () => ctx.changeAvailability(req.connectorId, operative),
        };
      }
      case 'GetConfiguration': {
        const req = payload as GetConfigurationReq;
        const wanted = req.key && req.key.length > 0 ? req.key : null;
        const known = wanted ? this.config.filter((k) => wanted.includes(k.key)) : this.config;
        const unknownKey = wanted ? wanted.filter((k) => !this.config.some((c) => c.key === k)) : [];
        return {
          result: {
            configurationKey: known.map((k) => ({ key: k.key, readonly: k.readonly, value: k.get() })),
            ...(unknownKey.length > 0 ? { unknownKey } : {}),
          },
        };
      }
      case 'ChangeConfiguration': {
        const req = payload as ChangeConfigurationReq;
        const entry = this.config.find((k) => k.key === req.key);
        if (!entry) return { result: { status: 'NotSupported' } };
        if (entry.readonly || !entry.set) return { result: { status: 'Rejected' } };
        return { result: { status: entry.set(req.value) ? 'Accepted' : 'Rejected' } };
      }
      case 'ClearCache':
        return { result: { status: 'Accepted' } };
      case 'ReserveNow': {
        const req = payload as ReserveNowReq;
        if (req.connectorId > ctx.connectorCount || expiryPassed(ctx.now(), req.expiryDate)) return { result: { status: 'Rejected' } };
        const reservation: SimReservation = {
          id: req.reservationId,
          connectorNo: req.connectorId,
          idTag: req.idTag,
          expiresAt: req.expiryDate,
          ...(req.parentIdTag !== undefined ? { parentIdTag: req.parentIdTag } : {}),
        };
        const status = ctx.reservationStatus(reservation);
        return status === 'Accepted' ? { result: { status }, after: () => ctx.reserve(reservation) } : { result: { status } };
      }
      case 'CancelReservation':
        return answerCancelReservation(ctx, (payload as CancelReservationReq).reservationId);
      case 'TriggerMessage': {
        const req = payload as TriggerMessageReq;
        const no = req.connectorId;
        if (no !== undefined && (no < 0 || no > ctx.connectorCount)) return { result: { status: 'Rejected' } };
        const after = this.triggered(req.requestedMessage, no);
        return after ? { result: { status: 'Accepted' }, after } : { result: { status: 'NotImplemented' } };
      }
      case 'DataTransfer': {
        const req = payload as DataTransferReq;
        const answer = answerDataTransfer(req.vendorId, req.messageId, req.data);
        return { result: answer };
      }
      case 'SetChargingProfile': {
        const req = payload as SetChargingProfileReq;
        return { result: { status: this.installProfile(req.connectorId, req.csChargingProfiles) } };
      }
      case 'ClearChargingProfile': {
        const req = payload as ClearChargingProfileReq;
        const removed = ctx.profiles.clear({
          id: req.id,
          connectorNo: req.connectorId,
          purpose: req.chargingProfilePurpose ? PURPOSES[req.chargingProfilePurpose] : undefined,
          stackLevel: req.stackLevel,
        });
        return { result: { status: removed > 0 ? 'Accepted' : 'Unknown' } };
      }
      case 'GetCompositeSchedule': {
        const req = payload as GetCompositeScheduleReq;
        if (req.connectorId < 0 || req.connectorId > ctx.connectorCount) return { result: { status: 'Rejected' } };
        const { unit, limit } = compositeLimit(ctx, req.connectorId, req.chargingRateUnit);
        const now = ctx.now();
        return {
          result: {
            status: 'Accepted',
            connectorId: req.connectorId,
            scheduleStart: now,
            chargingSchedule: {
              duration: req.duration,
              startSchedule: now,
              chargingRateUnit: unit,
              chargingSchedulePeriod: [{ startPeriod: 0, limit }],
            },
          },
        };
      }
      default:
        return { error: this.errorCode('notSupported'), description: `${action} is not supported by the simulator` };
    }
  }

  private meterMessage(no: number, tx: SimTransaction, reading: MeterReading, context: ReadingContext): OutMessage {
    const sampledValue = samplesFor(reading, this.ctx.settings.measurands, context, this.ctx.spec).map(sampledValue16);
    return {
      action: 'MeterValues',
      kind: 'tx',
      ready: txReady(tx),
      // transactionId is only known once StartTransaction has been answered (maybe after an outage).
      payload: () => ({ connectorId: no, transactionId: tx.serverId ?? 0, meterValue: [{ timestamp: reading.timestamp, sampledValue }] }),
    };
  }

  private installProfile(connectorId: number, profile: CsChargingProfile, forRemoteStart = false): 'Accepted' | 'Rejected' {
    const ctx = this.ctx;
    if (connectorId < 0 || connectorId > ctx.connectorCount) return 'Rejected';
    const purpose = PURPOSES[profile.chargingProfilePurpose];
    const period = profile.chargingSchedule.chargingSchedulePeriod[0];
    if (!period) return 'Rejected';
    if (purpose === 'StationMax' && connectorId !== 0) return 'Rejected';
    let transactionId: string | undefined;
    if (purpose === 'Tx') {
      // A TxProfile needs a running transaction, except the one a RemoteStartTransaction carries.
      if (connectorId === 0) return 'Rejected';
      const tx = ctx.connector(connectorId)?.tx;
      if (!tx && !forRemoteStart) return 'Rejected';
      if (profile.transactionId !== undefined && (!tx || tx.serverId !== profile.transactionId)) return 'Rejected';
      transactionId = tx?.localId;
    }
    ctx.profiles.set({
      id: profile.chargingProfileId,
      connectorNo: connectorId,
      purpose,
      stackLevel: profile.stackLevel,
      unit: profile.chargingSchedule.chargingRateUnit,
      limit: period.limit,
      numberPhases: period.numberPhases,
      transactionId,
    });
    return 'Accepted';
  }

  private triggered(message: string, no: number | undefined): (() => void) | null {
    const ctx = this.ctx;
    switch (message) {
      case 'BootNotification':
        return () => ctx.sendBoot('Triggered');
      case 'Heartbeat':
        return () => ctx.sendHeartbeat();
      case 'StatusNotification':
        return () => ctx.sendStatus(no);
      case 'MeterValues':
        return () => ctx.sendMeterValues(no === 0 ? undefined : no, 'Trigger');
      case 'DiagnosticsStatusNotification':
        return () => ctx.send({ action: 'DiagnosticsStatusNotification', kind: 'normal', payload: { status: 'Idle' } });
      case 'FirmwareStatusNotification':
        return () => ctx.send({ action: 'FirmwareStatusNotification', kind: 'normal', payload: { status: 'Idle' } });
      default:
        return null;
    }
  }
}

/** Messages of a 1.6 transaction wait for its StartTransaction answer, and are dropped if it failed. */
function txReady(tx: SimTransaction): () => 'send' | 'wait' | 'drop' {
  return () => (tx.startFailed ? 'drop' : tx.serverId === null ? 'wait' : 'send');
}

/** The configuration keys of OCPP 1.6 section 9 the simulator exposes, bound to its settings. */
function buildConfiguration(ctx: StationControl): ConfigKey[] {
  const s = ctx.settings;
  const stored = new Map<string, string>();
  const constant = (key: string, value: string): ConfigKey => ({ key, readonly: true, get: () => value });
  const bool = (key: string, get: () => boolean, set: (v: boolean) => void): ConfigKey => ({
    key,
    readonly: false,
    get: () => String(get()),
    set: (text) => {
      const v = parseBoolean(text);
      if (v === null) return false;
      set(v);
      return true;
    },
  });
  const int = (key: string, get: () => number, set: (v: number) => void): ConfigKey => ({
    key,
    readonly: false,
    get: () => String(get()),
    set: (text) => {
      const v = parseNonNegativeInt(text);
      if (v === null) return false;
      set(v);
      return true;
    },
  });
  const storedBool = (key: string, initial: boolean): ConfigKey => {
    stored.set(key, String(initial));
    return bool(key, () => stored.get(key) === 'true', (v) => stored.set(key, String(v)));
  };
  const storedInt = (key: string, initial: number): ConfigKey => {
    stored.set(key, String(initial));
    return int(key, () => Number(stored.get(key)), (v) => stored.set(key, String(v)));
  };
  const measurandList = (key: string, get: () => string, set: (v: string) => void): ConfigKey => ({
    key,
    readonly: false,
    get,
    set: (text) => {
      const list = parseMeasurands(text, SUPPORTED_MEASURANDS);
      if (list === null) return false;
      set(list.join(','));
      return true;
    },
  });
  const storedList = (key: string, initial: string): ConfigKey => {
    stored.set(key, initial);
    return measurandList(key, () => stored.get(key) ?? '', (v) => stored.set(key, v));
  };

  return [
    storedBool('AllowOfflineTxForUnknownId', false),
    storedBool('AuthorizationCacheEnabled', false),
    bool('AuthorizeRemoteTxRequests', () => s.authorizeRemoteStart, (v) => (s.authorizeRemoteStart = v)),
    int('ClockAlignedDataInterval', () => s.clockAlignedIntervalS, (v) => (s.clockAlignedIntervalS = v)),
    int('ConnectionTimeOut', () => s.connectionTimeOutS, (v) => (s.connectionTimeOutS = v)),
    constant('ConnectorPhaseRotation', ctx.spec.kind === 'AC' ? 'RST' : 'NotApplicable'),
    constant('GetConfigurationMaxKeys', '50'),
    int('HeartbeatInterval', () => s.heartbeatIntervalS, (v) => ctx.setHeartbeatInterval(v)),
    bool('LocalAuthorizeOffline', () => s.localAuthorizeOffline, (v) => (s.localAuthorizeOffline = v)),
    bool('LocalPreAuthorize', () => s.localPreAuthorize, (v) => (s.localPreAuthorize = v)),
    storedList('MeterValuesAlignedData', 'Energy.Active.Import.Register'),
    measurandList(
      'MeterValuesSampledData',
      () => s.measurands.join(','),
      (v) => (s.measurands = parseMeasurands(v, SUPPORTED_MEASURANDS) ?? s.measurands),
    ),
    int('MeterValueSampleInterval', () => s.meterIntervalS, (v) => (s.meterIntervalS = v)),
    constant('NumberOfConnectors', String(ctx.connectorCount)),
    storedInt('ResetRetries', 3),
    bool('StopTransactionOnEVSideDisconnect', () => s.stopTxOnEVSideDisconnect, (v) => (s.stopTxOnEVSideDisconnect = v)),
    bool('StopTransactionOnInvalidId', () => s.stopTxOnInvalidId, (v) => (s.stopTxOnInvalidId = v)),
    storedList('StopTxnAlignedData', ''),
    storedList('StopTxnSampledData', 'Energy.Active.Import.Register,SoC'),
    constant('SupportedFeatureProfiles', 'Core,SmartCharging,RemoteTrigger,Reservation'),
    int('TransactionMessageAttempts', () => s.transactionMessageAttempts, (v) => (s.transactionMessageAttempts = v)),
    int('TransactionMessageRetryInterval', () => s.transactionMessageRetryIntervalS, (v) => (s.transactionMessageRetryIntervalS = v)),
    storedBool('UnlockConnectorOnEVSideDisconnect', true),
    int('WebSocketPingInterval', () => s.webSocketPingIntervalS, (v) => (s.webSocketPingIntervalS = v)),
    constant('ChargeProfileMaxStackLevel', '10'),
    constant('ChargingScheduleAllowedChargingRateUnit', 'Current,Power'),
    constant('ChargingScheduleMaxPeriods', '24'),
    constant('MaxChargingProfilesInstalled', '20'),
    // Reservation profile (9.3): reservations of "any connector" (connectorId 0) are supported.
    constant('ReserveConnectorZeroSupported', 'true'),
  ];
}
