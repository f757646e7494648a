// OCPP 2.0.1-J: message builders, the small device model and the answers to CSMS CALLs.
// Each EVSE of the simulator has one connector (connectorId 1).
import type { FrameFault } from './frames.ts';
import { samplesFor, parseMeasurands, type NeutralSample } from './meter.ts';
import type { BootReason, CallOutcome, ConnectorInfo, OutMessage, StationControl, VersionAdapter } from './protocol.ts';
import type { SchemaFault } from './schemas.ts';
import { answerCancelReservation, answerDataTransfer, compositeLimit, expiryPassed, parseBoolean, parseNonNegativeInt } from './shared.ts';
import {
  SUPPORTED_MEASURANDS,
  type ChargingRateUnit,
  type ConnectorStatus,
  type MeterReading,
  type ProfilePurpose,
  type ReadingContext,
  type ReservationEnd,
  type SimReservation,
  type SimStopReason,
  type SimTransaction,
} from './types.ts';

type IdToken = { idToken: string; type: string };
type EvseRef = { id: number; connectorId?: number };
type ComponentRef = { name: string; instance?: string; evse?: EvseRef };
type VariableRef = { name: string; instance?: string };
type AttributeType = 'Actual' | 'Target' | 'MinSet' | 'MaxSet';
type ChargingProfile201 = {
  id: number;
  stackLevel: number;
  chargingProfilePurpose: 'ChargingStationExternalConstraints' | 'ChargingStationMaxProfile' | 'TxDefaultProfile' | 'TxProfile';
  chargingSchedule: Array<{
    chargingRateUnit: ChargingRateUnit;
    chargingSchedulePeriod: Array<{ startPeriod: number; limit: number; numberPhases?: number }>;
  }>;
  transactionId?: string;
};
type RequestStartTransactionReq = { evseId?: number; idToken: IdToken; remoteStartId: number; chargingProfile?: ChargingProfile201 };
type RequestStopTransactionReq = { transactionId: string };
type ResetReq = { type: 'Immediate' | 'OnIdle'; evseId?: number };
type UnlockConnectorReq = { evseId: number; connectorId: number };
type ChangeAvailabilityReq = { evse?: EvseRef; operationalStatus: 'Inoperative' | 'Operative' };
type GetVariablesReq = { getVariableData: Array<{ attributeType?: AttributeType; component: ComponentRef; variable: VariableRef }> };
type SetVariablesReq = {
  setVariableData: Array<{ attributeType?: AttributeType; attributeValue: string; component: ComponentRef; variable: VariableRef }>;
};
type GetBaseReportReq = { requestId: number; reportBase: 'ConfigurationInventory' | 'FullInventory' | 'SummaryInventory' };
type TriggerMessageReq = { requestedMessage: string; evse?: EvseRef };
type DataTransferReq = { vendorId: string; messageId?: string; data?: unknown };
type SetChargingProfileReq = { evseId: number; chargingProfile: ChargingProfile201 };
type ClearChargingProfileReq = {
  chargingProfileId?: number;
  chargingProfileCriteria?: { evseId?: number; chargingProfilePurpose?: ChargingProfile201['chargingProfilePurpose']; stackLevel?: number };
};
type GetCompositeScheduleReq = { duration: number; chargingRateUnit?: ChargingRateUnit; evseId: number };
type ReserveNowReq = { id: number; expiryDateTime: string; idToken: IdToken; evseId?: number; connectorType?: string; groupIdToken?: IdToken };
type CancelReservationReq = { reservationId: number };

const PURPOSES: Record<ChargingProfile201['chargingProfilePurpose'], ProfilePurpose | null> = {
  ChargingStationExternalConstraints: null, // set by external systems, never by the CSMS
  ChargingStationMaxProfile: 'StationMax',
  TxDefaultProfile: 'TxDefault',
  TxProfile: 'Tx',
};

const STOPPED_REASONS: Record<SimStopReason, string> = {
  Local: 'Local',
  Remote: 'Remote',
  EVDisconnected: 'EVDisconnected',
  HardReset: 'ImmediateReset',
  SoftReset: 'ImmediateReset',
  ImmediateReset: 'ImmediateReset',
  PowerLoss: 'PowerLoss',
  Reboot: 'Reboot',
  EmergencyStop: 'EmergencyStop',
  DeAuthorized: 'DeAuthorized',
  UnlockCommand: 'Other',
  SOCLimitReached: 'SOCLimitReached',
  StoppedByEV: 'StoppedByEV',
  Other: 'Other',
};

/** The triggerReason of the Ended event for each way a transaction stops. */
const END_TRIGGERS: Record<SimStopReason, string> = {
  Local: 'StopAuthorized',
  Remote: 'RemoteStop',
  EVDisconnected: 'EVCommunicationLost',
  HardReset: 'ResetCommand',
  SoftReset: 'ResetCommand',
  ImmediateReset: 'ResetCommand',
  PowerLoss: 'AbnormalCondition',
  Reboot: 'AbnormalCondition',
  EmergencyStop: 'AbnormalCondition',
  DeAuthorized: 'Deauthorized',
  UnlockCommand: 'UnlockCommand',
  SOCLimitReached: 'EnergyLimitReached',
  StoppedByEV: 'ChargingStateChanged',
  Other: 'AbnormalCondition',
};

/** 2.0.1 ConnectorStatusEnum from the detailed status. */
export function connectorStatus201(status: ConnectorStatus): 'Available' | 'Occupied' | 'Reserved' | 'Unavailable' | 'Faulted' {
  switch (status) {
    case 'Available':
    case 'Reserved':
    case 'Unavailable':
    case 'Faulted':
      return status;
    case 'Unknown':
      return 'Unavailable';
    default:
      return 'Occupied';
  }
}

/** The ConnectorEnumType of the simulator's connectors (Type 2 socket on AC, CCS2 on DC). */
export function connectorType201(kind: 'AC' | 'DC'): string {
  return kind === 'AC' ? 'cType2' : 'cCCS2';
}

/** 2.0.1 sampledValue: numeric values, unit in unitOfMeasure. */
export function sampledValue201(s: NeutralSample): Record<string, unknown> {
  const out: Record<string, unknown> = {
    value: s.value,
    context: s.context,
    measurand: s.measurand,
    location: s.location,
    unitOfMeasure: { unit: s.unit },
  };
  if (s.phase) out.phase = s.phase;
  return out;
}

type DataType = 'string' | 'decimal' | 'integer' | 'dateTime' | 'boolean' | 'OptionList' | 'SequenceList' | 'MemberList';

interface DmVariable {
  component: string;
  evse?: EvseRef;
  variable: string;
  instance?: string;
  mutability: 'ReadOnly' | 'ReadWrite';
  dataType: DataType;
  unit?: string;
  maxLimit?: number;
  valuesList?: string;
  get(): string;
  /** Returns false when the value is not acceptable. */
  set?(value: string): boolean;
}

const sameEvse = (a: EvseRef | undefined, b: EvseRef | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.id === b.id && a.connectorId === b.connectorId;

export class V201Adapter implements VersionAdapter {
  readonly protocol = 'ocpp2.0.1' as const;
  private readonly ctx: StationControl;
  private readonly model: DmVariable[];
  /** Last connectorStatus reported per EVSE: 2.0.1 only reports changes of its coarser status. */
  private readonly reported = new Map<number, string>();
  /** Items per NotifyReport (DeviceDataCtrlr.ItemsPerMessage[GetReport]). */
  private readonly reportChunk = 100;

  constructor(ctx: StationControl) {
    this.ctx = ctx;
    this.model = buildDeviceModel(ctx, this.reportChunk);
  }

  bootNotification(reason: BootReason): object {
    const c = this.ctx;
    return {
      reason,
      chargingStation: {
        model: c.model.slice(0, 20),
        vendorName: c.vendor.slice(0, 50),
        serialNumber: c.serialNumber.slice(0, 25),
        firmwareVersion: c.firmwareVersion.slice(0, 50),
      },
    };
  }

  heartbeat(): object {
    return {};
  }

  statusNotifications(conn: ConnectorInfo | null, force: boolean): OutMessage[] {
    if (!conn) return []; // 2.0.1 has no station-level StatusNotification
    const status = connectorStatus201(conn.status);
    if (!force && this.reported.get(conn.no) === status) return [];
    this.reported.set(conn.no, status);
    return [
      {
        action: 'StatusNotification',
        kind: 'normal',
        payload: { timestamp: this.ctx.now(), connectorStatus: status, evseId: conn.no, connectorId: 1 },
      },
    ];
  }

  authorize(idTag: string, idTokenType: string): OutMessage {
    return { action: 'Authorize', kind: 'normal', payload: { idToken: { idToken: idTag, type: idTokenType } } };
  }

  authorizeStatus(result: Record<string, unknown>): string {
    const info = result.idTokenInfo as { status?: string } | undefined;
    return info?.status ?? 'Invalid';
  }

  authorizeGroup(result: Record<string, unknown>): string | null {
    const info = result.idTokenInfo as { groupIdToken?: IdToken } | undefined;
    return info?.groupIdToken?.idToken ?? null;
  }

  reservationEnded(reservation: SimReservation, how: ReservationEnd): OutMessage[] {
    // H01: Expired when it runs out, Removed when the station drops it (fault, unavailability). The CSMS
    // knows of its own cancellations, and a transaction tells its use with the Started event's reservationId.
    if (how !== 'Expired' && how !== 'Removed') return [];
    return [{ action: 'ReservationStatusUpdate', kind: 'normal', payload: { reservationId: reservation.id, reservationUpdateStatus: how } }];
  }

  transactionStarted(conn: ConnectorInfo, tx: SimTransaction, reading: MeterReading, offline: boolean): OutMessage[] {
    const message = this.event('Started', tx, tx.remote ? 'RemoteStart' : 'Authorized', reading, offline, {
      chargingState: tx.chargingState,
      context: 'Transaction.Begin',
      // evse and idToken go with the first event of the transaction only.
      evse: { id: conn.no, connectorId: 1 },
      idToken: { idToken: tx.idTag, type: tx.idTokenType },
    });
    message.onResult = (result) => {
      const status = (result.idTokenInfo as { status?: string } | undefined)?.status;
      if (status !== undefined && status !== 'Accepted' && this.ctx.settings.stopTxOnInvalidId) this.ctx.stopIfCurrent(tx, 'DeAuthorized');
    };
    return [message];
  }

  chargingStateChanged(_conn: ConnectorInfo, tx: SimTransaction, reading: MeterReading, offline: boolean): OutMessage[] {
    return [this.event('Updated', tx, 'ChargingStateChanged', reading, offline, { chargingState: tx.chargingState })];
  }

  transactionMeter(_conn: ConnectorInfo, tx: SimTransaction, reading: MeterReading, context: ReadingContext, offline: boolean): OutMessage[] {
    const trigger = context === 'Trigger' ? 'Trigger' : 'MeterValuePeriodic';
    return [this.event('Updated', tx, trigger, reading, offline, { chargingState: tx.chargingState, context })];
  }

  transactionEnded(
    _conn: ConnectorInfo,
    tx: SimTransaction,
    reason: SimStopReason,
    reading: MeterReading,
    vehiclePresent: boolean,
    offline: boolean,
  ): OutMessage[] {
    return [
      this.event('Ended', tx, END_TRIGGERS[reason], reading, offline, {
        chargingState: vehiclePresent ? 'EVConnected' : 'Idle',
        stoppedReason: STOPPED_REASONS[reason],
        context: 'Transaction.End',
        idToken: reason === 'Local' ? { idToken: tx.idTag, type: tx.idTokenType } : undefined,
      }),
    ];
  }

  idleMeter(conn: ConnectorInfo, reading: MeterReading, context: ReadingContext): OutMessage[] {
    const sampledValue = samplesFor(reading, this.ctx.settings.measurands, context, this.ctx.spec).map(sampledValue201);
    return [{ action: 'MeterValues', kind: 'normal', payload: { evseId: conn.no, meterValue: [{ timestamp: reading.timestamp, sampledValue }] } }];
  }

  transactionIdOf(tx: SimTransaction): string | null {
    return tx.localId;
  }

  errorCode(fault: FrameFault | SchemaFault | 'notImplemented' | 'notSupported' | 'internal'): string {
    switch (fault) {
      case 'occurrence':
        return 'OccurrenceConstraintViolation';
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
        return 'MessageTypeNotSupported';
      case 'rpc':
        return 'RpcFrameworkError';
      case 'format':
        return 'FormatViolation';
    }
  }

  handleCall(action: string, payload: Record<string, unknown>): CallOutcome {
    const ctx = this.ctx;
    switch (action) {
      case 'RequestStartTransaction': {
        const req = payload as RequestStartTransactionReq;
        const no = req.evseId ?? ctx.firstStartableConnector(req.idToken.idToken);
        if (no === null || no < 1 || !ctx.canStart(no, req.idToken.idToken)) return { result: { status: 'Rejected' } };
        if (req.chargingProfile) {
          if (req.chargingProfile.chargingProfilePurpose !== 'TxProfile') return { result: { status: 'Rejected' } };
          if (this.installProfile(no, req.chargingProfile, true) !== 'Accepted') return { result: { status: 'Rejected' } };
        }
        return {
          result: { status: 'Accepted' },
          after: () => ctx.remoteStart(no, { idTag: req.idToken.idToken, idTokenType: req.idToken.type, remoteStartId: req.remoteStartId }),
        };
      }
      case 'RequestStopTransaction': {
        const req = payload as RequestStopTransactionReq;
        const conn = ctx.connectors().find((c) => c.tx?.localId === req.transactionId);
        if (!conn) return { result: { status: 'Rejected' } };
        return { result: { status: 'Accepted' }, after: () => ctx.stopTransaction(conn.no, 'Remote') };
      }
      case 'Reset': {
        const req = payload as ResetReq;
        if (req.evseId !== undefined) return { result: { status: 'Rejected', statusInfo: { reasonCode: 'NoEvseReset' } } };
        const busy = ctx.connectors().some((c) => c.tx);
        if (req.type === 'OnIdle' && busy) return { result: { status: 'Scheduled' }, after: () => ctx.rebootWhenIdle() };
        return { result: { status: 'Accepted' }, after: () => ctx.reboot('ImmediateReset') };
      }
      case 'UnlockConnector': {
        const req = payload as UnlockConnectorReq;
        const conn = ctx.connector(req.evseId);
        if (!conn || req.connectorId !== 1) return { result: { status: 'UnknownConnector' } };
        if (conn.tx) return { result: { status: 'OngoingAuthorizedTransaction' } };
        return { result: { status: 'Unlocked' } };
      }
      case 'ChangeAvailability': {
        const req = payload as ChangeAvailabilityReq;
        const no = req.evse?.id ?? 0;
        if (no < 0 || no > ctx.connectorCount || (req.evse?.connectorId !== undefined && req.evse.connectorId !== 1)) {
          return { result: { status: 'Rejected' } };
        }
        const operative = req.operationalStatus === 'Operative';
        const targets = no === 0 ? ctx.connectors() : [ctx.connector(no)];
        const busy = targets.some((c) => c?.tx);
        return { result: { status: !operative && busy ? 'Scheduled' : 'Accepted' }, after: () => ctx.changeAvailability(no, operative) };
      }
      case 'GetVariables': {
        const req = payload as GetVariablesReq;
        return { result: { getVariableResult: req.getVariableData.map((item) => this.getVariable(item)) } };
      }
      case 'SetVariables': {
        const req = payload as SetVariablesReq;
        return { result: { setVariableResult: req.setVariableData.map((item) => this.setVariable(item)) } };
      }
      case 'GetBaseReport': {
        const req = payload as GetBaseReportReq;
        const items = this.model.filter((v) =>
          req.reportBase === 'FullInventory'
            ? true
            : req.reportBase === 'ConfigurationInventory'
              ? v.mutability === 'ReadWrite'
              : v.variable === 'AvailabilityState',
        );
        if (items.length === 0) return { result: { status: 'EmptyResultSet' } };
        return { result: { status: 'Accepted' }, after: () => this.sendReport(req.requestId, items) };
      }
      case 'ClearCache':
        return { result: { status: 'Accepted' } };
      case 'ReserveNow': {
        const req = payload as ReserveNowReq;
        const rejected = (reasonCode: string): CallOutcome => ({ result: { status: 'Rejected', statusInfo: { reasonCode } } });
        // No evseId: any EVSE (ReservationCtrlr.NonEvseSpecific). EVSE ids start at 1.
        if (req.evseId !== undefined && (req.evseId < 1 || req.evseId > ctx.connectorCount)) return rejected('UnknownEvse');
        // Every EVSE has the same connector type, so a type that matches leaves the choice of EVSE open.
        if (req.connectorType !== undefined && req.connectorType !== connectorType201(ctx.spec.kind)) return rejected('UnknownConnectorType');
        if (expiryPassed(ctx.now(), req.expiryDateTime)) return rejected('InvalidValue');
        const reservation: SimReservation = {
          id: req.id,
          connectorNo: req.evseId ?? 0,
          idTag: req.idToken.idToken,
          expiresAt: req.expiryDateTime,
          ...(req.groupIdToken ? { parentIdTag: req.groupIdToken.idToken } : {}),
        };
        const status = ctx.reservationStatus(reservation);
        return status === 'Accepted' ? { result: { status }, after: () => ctx.reserve(reservation) } : { result: { status } };
      }
      case 'CancelReservation':
        return answerCancelReservation(ctx, (payload as CancelReservationReq).reservationId);
      case 'TriggerMessage': {
        const req = payload as TriggerMessageReq;
        const no = req.evse?.id;
        if (no !== undefined && (no < 1 || no > ctx.connectorCount)) return { result: { status: 'Rejected' } };
        if (req.evse?.connectorId !== undefined && req.evse.connectorId !== 1) return { result: { status: 'Rejected' } };
        return this.trigger(req.requestedMessage, no);
      }
      case 'DataTransfer': {
        const req = payload as DataTransferReq;
        return { result: answerDataTransfer(req.vendorId, req.messageId, req.data) };
      }
      case 'SetChargingProfile': {
        const req = payload as SetChargingProfileReq;
        return { result: { status: this.installProfile(req.evseId, req.chargingProfile, false) } };
      }
      case 'ClearChargingProfile': {
        const req = payload as ClearChargingProfileReq;
        const c = req.chargingProfileCriteria;
        const purpose = c?.chargingProfilePurpose ? PURPOSES[c.chargingProfilePurpose] : undefined;
        if (purpose === null) return { result: { status: 'Unknown' } };
        const removed = ctx.profiles.clear({ id: req.chargingProfileId, connectorNo: c?.evseId, purpose, stackLevel: c?.stackLevel });
        return { result: { status: removed > 0 ? 'Accepted' : 'Unknown' } };
      }
      case 'GetCompositeSchedule': {
        const req = payload as GetCompositeScheduleReq;
        if (req.evseId < 0 || req.evseId > ctx.connectorCount) return { result: { status: 'Rejected' } };
        const { unit, limit } = compositeLimit(ctx, req.evseId, req.chargingRateUnit);
        return {
          result: {
            status: 'Accepted',
            schedule: {
              evseId: req.evseId,
              duration: req.duration,
              scheduleStart: ctx.now(),
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

  private event(
    eventType: 'Started' | 'Updated' | 'Ended',
    tx: SimTransaction,
    triggerReason: string,
    reading: MeterReading,
    offline: boolean,
    extra: {
      chargingState: string;
      context?: ReadingContext;
      stoppedReason?: string;
      evse?: EvseRef;
      idToken?: IdToken;
    },
  ): OutMessage {
    const ctx = this.ctx;
    const transactionInfo: Record<string, unknown> = {
      transactionId: tx.localId,
      chargingState: extra.chargingState,
      timeSpentCharging: Math.round(tx.chargingMs / 1000),
    };
    if (extra.stoppedReason) transactionInfo.stoppedReason = extra.stoppedReason;
    if (tx.remoteStartId !== undefined && eventType === 'Started') transactionInfo.remoteStartId = tx.remoteStartId;
    const payload: Record<string, unknown> = {
      eventType,
      timestamp: reading.timestamp,
      triggerReason,
      seqNo: tx.seqNo++,
      transactionInfo,
    };
    // Flag events that happened while the station could not reach the CSMS.
    if (offline) payload.offline = true;
    if (extra.evse) payload.evse = extra.evse;
    if (extra.idToken) payload.idToken = extra.idToken;
    // The reservation this transaction ends (H03), with the first event only.
    if (eventType === 'Started' && tx.reservationId !== undefined) payload.reservationId = tx.reservationId;
    if (ctx.spec.kind === 'AC' && eventType === 'Started') payload.numberOfPhasesUsed = ctx.spec.phases;
    if (extra.context) {
      const sampledValue = samplesFor(reading, ctx.settings.measurands, extra.context, ctx.spec).map(sampledValue201);
      if (sampledValue.length > 0) payload.meterValue = [{ timestamp: reading.timestamp, sampledValue }];
    }
    return { action: 'TransactionEvent', kind: 'tx', payload };
  }

  private trigger(message: string, no: number | undefined): CallOutcome {
    const ctx = this.ctx;
    const accepted = (after: () => void): CallOutcome => ({ result: { status: 'Accepted' }, after });
    switch (message) {
      case 'BootNotification':
        // Once accepted, a station refuses to boot on request.
        if (ctx.registration() === 'Accepted') return { result: { status: 'Rejected' } };
        return accepted(() => ctx.sendBoot('Triggered'));
      case 'Heartbeat':
        return accepted(() => ctx.sendHeartbeat());
      case 'StatusNotification':
        return accepted(() => ctx.sendStatus(no));
      case 'MeterValues':
        return accepted(() => ctx.sendMeterValues(no, 'Trigger'));
      case 'TransactionEvent': {
        const conns = ctx.connectors().filter((c) => c.tx !== null && (no === undefined || c.no === no));
        if (no !== undefined && conns.length === 0) return { result: { status: 'Rejected' } };
        return accepted(() => {
          for (const c of conns) {
            if (c.tx) ctx.send(this.transactionMeter(c, c.tx, ctx.reading(c.no), 'Trigger', false)[0] as OutMessage);
          }
        });
      }
      case 'FirmwareStatusNotification':
        return accepted(() => ctx.send({ action: 'FirmwareStatusNotification', kind: 'normal', payload: { status: 'Idle' } }));
      case 'LogStatusNotification':
        return accepted(() => ctx.send({ action: 'LogStatusNotification', kind: 'normal', payload: { status: 'Idle' } }));
      default:
        return { result: { status: 'NotImplemented' } };
    }
  }

  private find(component: ComponentRef, variable: VariableRef): { entry?: DmVariable; status?: 'UnknownComponent' | 'UnknownVariable' } {
    // The model has no component instances: a request naming one finds nothing.
    const ofComponent = this.model.filter(
      (v) => v.component === component.name && component.instance === undefined && sameEvse(v.evse, component.evse),
    );
    if (ofComponent.length === 0) return { status: 'UnknownComponent' };
    const entry = ofComponent.find((v) => v.variable === variable.name && v.instance === variable.instance);
    return entry ? { entry } : { status: 'UnknownVariable' };
  }

  private getVariable(item: GetVariablesReq['getVariableData'][number]): object {
    const base = { component: item.component, variable: item.variable, ...(item.attributeType ? { attributeType: item.attributeType } : {}) };
    const { entry, status } = this.find(item.component, item.variable);
    if (!entry) return { ...base, attributeStatus: status };
    if ((item.attributeType ?? 'Actual') !== 'Actual') return { ...base, attributeStatus: 'NotSupportedAttributeType' };
    return { ...base, attributeStatus: 'Accepted', attributeValue: entry.get().slice(0, 2500) };
  }

  private setVariable(item: SetVariablesReq['setVariableData'][number]): object {
    const base = { component: item.component, variable: item.variable, ...(item.attributeType ? { attributeType: item.attributeType } : {}) };
    const { entry, status } = this.find(item.component, item.variable);
    if (!entry) return { ...base, attributeStatus: status };
    if ((item.attributeType ?? 'Actual') !== 'Actual') return { ...base, attributeStatus: 'NotSupportedAttributeType' };
    if (entry.mutability === 'ReadOnly' || !entry.set) return { ...base, attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'ReadOnly' } };
    if (!entry.set(item.attributeValue)) return { ...base, attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'InvalidValue' } };
    return { ...base, attributeStatus: 'Accepted' };
  }

  /** NotifyReport in chunks; every part but the last says tbc (to be continued). */
  private sendReport(requestId: number, items: DmVariable[]): void {
    const generatedAt = this.ctx.now();
    const parts = Math.ceil(items.length / this.reportChunk);
    for (let seqNo = 0; seqNo < parts; seqNo++) {
      const reportData = items.slice(seqNo * this.reportChunk, (seqNo + 1) * this.reportChunk).map((v) => ({
        component: { name: v.component, ...(v.evse ? { evse: v.evse } : {}) },
        variable: { name: v.variable, ...(v.instance ? { instance: v.instance } : {}) },
        variableAttribute: [{ type: 'Actual', value: v.get().slice(0, 2500), mutability: v.mutability, persistent: true, constant: false }],
        variableCharacteristics: {
          dataType: v.dataType,
          supportsMonitoring: false,
          ...(v.unit ? { unit: v.unit } : {}),
          ...(v.maxLimit !== undefined ? { maxLimit: v.maxLimit } : {}),
          ...(v.valuesList ? { valuesList: v.valuesList } : {}),
        },
      }));
      this.ctx.send({
        action: 'NotifyReport',
        kind: 'normal',
        payload: { requestId, generatedAt, seqNo, tbc: seqNo < parts - 1, reportData },
      });
    }
  }

  private installProfile(evseId: number, profile: ChargingProfile201, forRemoteStart: boolean): 'Accepted' | 'Rejected' {
    const ctx = this.ctx;
    if (evseId < 0 || evseId > ctx.connectorCount) return 'Rejected';
    const purpose = PURPOSES[profile.chargingProfilePurpose];
    const period = profile.chargingSchedule[0]?.chargingSchedulePeriod[0];
    const schedule = profile.chargingSchedule[0];
    if (purpose === null || !period || !schedule) return 'Rejected';
    if (purpose === 'StationMax' && evseId !== 0) return 'Rejected';
    let transactionId: string | undefined;
    if (purpose === 'Tx') {
      if (evseId === 0) return 'Rejected';
      const tx = ctx.connector(evseId)?.tx;
      if (!tx && !forRemoteStart) return 'Rejected';
      if (profile.transactionId !== undefined && tx?.localId !== profile.transactionId) return 'Rejected';
      transactionId = tx?.localId;
    }
    ctx.profiles.set({
      id: profile.id,
      connectorNo: evseId,
      purpose,
      stackLevel: profile.stackLevel,
      unit: schedule.chargingRateUnit,
      limit: period.limit,
      numberPhases: period.numberPhases,
      transactionId,
    });
    return 'Accepted';
  }
}

/** A small but realistic device model (OCPP 2.0.1 part 2, appendix 3), bound to the station settings. */
function buildDeviceModel(ctx: StationControl, reportChunk: number): DmVariable[] {
  const s = ctx.settings;
  const stored = new Map<string, string>();
  const ro = (component: string, variable: string, dataType: DataType, get: () => string, extra: Partial<DmVariable> = {}): DmVariable => ({
    component,
    variable,
    dataType,
    mutability: 'ReadOnly',
    get,
    ...extra,
  });
  const rwInt = (component: string, variable: string, get: () => number, set: (v: number) => void, extra: Partial<DmVariable> = {}): DmVariable => ({
    component,
    variable,
    dataType: 'integer',
    mutability: 'ReadWrite',
    get: () => String(get()),
    set: (text) => {
      const v = parseNonNegativeInt(text);
      if (v === null) return false;
      set(v);
      return true;
    },
    ...extra,
  });
  const rwBool = (component: string, variable: string, get: () => boolean, set: (v: boolean) => void): DmVariable => ({
    component,
    variable,
    dataType: 'boolean',
    mutability: 'ReadWrite',
    get: () => String(get()),
    set: (text) => {
      const v = parseBoolean(text);
      if (v === null) return false;
      set(v);
      return true;
    },
  });
  const storedInt = (component: string, variable: string, initial: number, extra: Partial<DmVariable> = {}): DmVariable => {
    const key = `${component}.${variable}.${extra.instance ?? ''}`;
    stored.set(key, String(initial));
    return rwInt(component, variable, () => Number(stored.get(key)), (v) => stored.set(key, String(v)), extra);
  };
  const storedBool = (component: string, variable: string, initial: boolean): DmVariable => {
    const key = `${component}.${variable}`;
    stored.set(key, String(initial));
    return rwBool(component, variable, () => stored.get(key) === 'true', (v) => stored.set(key, String(v)));
  };
  const measurands = (component: string, variable: string, get: () => string, set: (v: string) => void): DmVariable => ({
    component,
    variable,
    dataType: 'MemberList',
    mutability: 'ReadWrite',
    valuesList: SUPPORTED_MEASURANDS.join(','),
    get,
    set: (text) => {
      const list = parseMeasurands(text, SUPPORTED_MEASURANDS);
      if (list === null) return false;
      set(list.join(','));
      return true;
    },
  });
  const storedMeasurands = (component: string, variable: string, initial: string): DmVariable => {
    const key = `${component}.${variable}`;
    stored.set(key, initial);
    return measurands(component, variable, () => stored.get(key) ?? '', (v) => stored.set(key, v));
  };
  const availability = (no: number): string => {
    const conn = ctx.connector(no);
    return conn ? connectorStatus201(conn.status) : 'Unavailable';
  };

  const model: DmVariable[] = [
    ro('ChargingStation', 'AvailabilityState', 'OptionList', () => (ctx.stationOperative() ? 'Available' : 'Unavailable'), {
      valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted',
    }),
    ro('ChargingStation', 'Available', 'boolean', () => 'true'),
    ro('ChargingStation', 'Model', 'string', () => ctx.model),
    ro('ChargingStation', 'VendorName', 'string', () => ctx.vendor),
    ro('ChargingStation', 'SerialNumber', 'string', () => ctx.serialNumber),
    ro('ChargingStation', 'SupplyPhases', 'integer', () => String(ctx.spec.phases)),
  ];
  for (let no = 1; no <= ctx.connectorCount; no++) {
    const evse = { id: no };
    const connector = { id: no, connectorId: 1 };
    model.push(
      ro('EVSE', 'AvailabilityState', 'OptionList', () => availability(no), { evse, valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted' }),
      ro('EVSE', 'Available', 'boolean', () => 'true', { evse }),
      ro('EVSE', 'Power', 'decimal', () => String(Math.round(ctx.reading(no).powerW)), { evse, unit: 'W', maxLimit: ctx.spec.maxPowerW }),
      ro('EVSE', 'SupplyPhases', 'integer', () => String(ctx.spec.phases), { evse }),
      ro('Connector', 'AvailabilityState', 'OptionList', () => availability(no), {
        evse: connector,
        valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted',
      }),
      ro('Connector', 'ConnectorType', 'string', () => connectorType201(ctx.spec.kind), { evse: connector }),
      ro('Connector', 'SupplyPhases', 'integer', () => String(ctx.spec.phases), { evse: connector }),
    );
  }
  model.push(
    rwInt('OCPPCommCtrlr', 'HeartbeatInterval', () => s.heartbeatIntervalS, (v) => ctx.setHeartbeatInterval(v), { unit: 's' }),
    storedInt('OCPPCommCtrlr', 'MessageTimeout', 30, { instance: 'Default', unit: 's' }),
    rwInt('OCPPCommCtrlr', 'MessageAttempts', () => s.transactionMessageAttempts, (v) => (s.transactionMessageAttempts = v), {
      instance: 'TransactionEvent',
    }),
    rwInt('OCPPCommCtrlr', 'MessageAttemptInterval', () => s.transactionMessageRetryIntervalS, (v) => (s.transactionMessageRetryIntervalS = v), {
      instance: 'TransactionEvent',
      unit: 's',
    }),
    storedInt('OCPPCommCtrlr', 'OfflineThreshold', 60, { unit: 's' }),
    storedInt('OCPPCommCtrlr', 'ResetRetries', 3),
    rwInt('OCPPCommCtrlr', 'WebSocketPingInterval', () => s.webSocketPingIntervalS, (v) => (s.webSocketPingIntervalS = v), { unit: 's' }),
    storedInt('OCPPCommCtrlr', 'NetworkProfileConnectionAttempts', 3),
    ro('OCPPCommCtrlr', 'NetworkConfigurationPriority', 'SequenceList', () => '0'),
    ro('OCPPCommCtrlr', 'FileTransferProtocols', 'MemberList', () => 'HTTPS'),
    storedBool('OCPPCommCtrlr', 'UnlockOnEVSideDisconnect', true),
    ro('SampledDataCtrlr', 'Enabled', 'boolean', () => 'true'),
    rwInt('SampledDataCtrlr', 'TxUpdatedInterval', () => s.meterIntervalS, (v) => (s.meterIntervalS = v), { unit: 's' }),
    measurands(
      'SampledDataCtrlr',
      'TxUpdatedMeasurands',
      () => s.measurands.join(','),
      (v) => (s.measurands = parseMeasurands(v, SUPPORTED_MEASURANDS) ?? s.measurands),
    ),
    storedMeasurands('SampledDataCtrlr', 'TxStartedMeasurands', 'Energy.Active.Import.Register,SoC'),
    storedMeasurands('SampledDataCtrlr', 'TxEndedMeasurands', 'Energy.Active.Import.Register,SoC'),
    storedInt('SampledDataCtrlr', 'TxEndedInterval', 0, { unit: 's' }),
    rwInt('AlignedDataCtrlr', 'Interval', () => s.clockAlignedIntervalS, (v) => (s.clockAlignedIntervalS = v), { unit: 's' }),
    storedMeasurands('AlignedDataCtrlr', 'Measurands', 'Energy.Active.Import.Register'),
    storedBool('AuthCtrlr', 'Enabled', true),
    rwBool('AuthCtrlr', 'AuthorizeRemoteStart', () => s.authorizeRemoteStart, (v) => (s.authorizeRemoteStart = v)),
    rwBool('AuthCtrlr', 'LocalAuthorizeOffline', () => s.localAuthorizeOffline, (v) => (s.localAuthorizeOffline = v)),
    rwBool('AuthCtrlr', 'LocalPreAuthorize', () => s.localPreAuthorize, (v) => (s.localPreAuthorize = v)),
    rwInt('TxCtrlr', 'EVConnectionTimeOut', () => s.connectionTimeOutS, (v) => (s.connectionTimeOutS = v), { unit: 's' }),
    rwBool('TxCtrlr', 'StopTxOnEVSideDisconnect', () => s.stopTxOnEVSideDisconnect, (v) => (s.stopTxOnEVSideDisconnect = v)),
    rwBool('TxCtrlr', 'StopTxOnInvalidId', () => s.stopTxOnInvalidId, (v) => (s.stopTxOnInvalidId = v)),
    ro('TxCtrlr', 'TxStartPoint', 'MemberList', () => 'Authorized', { valuesList: 'Authorized' }),
    ro('TxCtrlr', 'TxStopPoint', 'MemberList', () => 'EVConnected,Authorized', { valuesList: 'EVConnected,Authorized' }),
    ro('ClockCtrlr', 'DateTime', 'dateTime', () => ctx.now()),
    ro('DeviceDataCtrlr', 'ItemsPerMessage', 'integer', () => String(reportChunk), { instance: 'GetReport' }),
    ro('DeviceDataCtrlr', 'ItemsPerMessage', 'integer', () => '50', { instance: 'GetVariables' }),
    ro('DeviceDataCtrlr', 'ItemsPerMessage', 'integer', () => '50', { instance: 'SetVariables' }),
    ro('DeviceDataCtrlr', 'BytesPerMessage', 'integer', () => '65000', { instance: 'GetReport' }),
    ro('DeviceDataCtrlr', 'BytesPerMessage', 'integer', () => '65000', { instance: 'GetVariables' }),
    ro('DeviceDataCtrlr', 'BytesPerMessage', 'integer', () => '65000', { instance: 'SetVariables' }),
    ro('SecurityCtrlr', 'SecurityProfile', 'integer', () => '1'),
    ro('SecurityCtrlr', 'Identity', 'string', () => ctx.id),
    ro('SecurityCtrlr', 'OrganizationName', 'string', () => ctx.vendor),
    ro('ReservationCtrlr', 'Enabled', 'boolean', () => 'true'),
    ro('ReservationCtrlr', 'Available', 'boolean', () => 'true'),
    ro('ReservationCtrlr', 'NonEvseSpecific', 'boolean', () => 'true'),
    ro('SmartChargingCtrlr', 'Enabled', 'boolean', () => 'true'),
    ro('SmartChargingCtrlr', 'Available', 'boolean', () => 'true'),
    ro('SmartChargingCtrlr', 'RateUnit', 'MemberList', () => 'A,W', { valuesList: 'A,W' }),
    ro('SmartChargingCtrlr', 'PeriodsPerSchedule', 'integer', () => '24'),
    ro('SmartChargingCtrlr', 'ProfileStackLevel', 'integer', () => '10'),
  );
  return model;
}
