// OCPP 1.6-J adapter: the routing table of what a charge point sends (one row per action),
// and the mapping of neutral operator commands to 1.6 CALLs. 1.6 connector N is EVSE N.
import type { ChargingProfileDefinition, CommandResult, CompositeSchedule, ConnectorStatus, StationCommand, StationNotice } from '../../../src-shared/domain/index.ts';
import { normaliseTimestamp } from '../../../src-shared/time/index.ts';
import type { AuthorizationResult } from '../../auth/index.ts';
import { toBaseUnit, type MeterReading } from '../../transactions/index.ts';
import { RpcError } from '../errors.ts';
import { outcomeOf } from '../outcome.ts';
import { compositeSchedulePlan, DEFAULT_PROFILE_ID, DEFAULT_PROFILE_STACK_LEVEL, fromOcppPeriods, ocppProfileOptions, ocppSchedule, TX_PROFILE_ID_BASE, TX_PROFILE_STACK_LEVEL, type OcppPeriod } from '../profiles.ts';
import type { CommandPlan, RouteContext, RouteHandler, VersionAdapter } from '../types.ts';

interface IdTagInfo {
  status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';
  expiryDate?: string;
  parentIdTag?: string;
}

interface SampledValue16 {
  value: string;
  context?: string;
  format?: 'Raw' | 'SignedData';
  measurand?: string;
  phase?: string;
  location?: string;
  unit?: string;
}
interface MeterValue16 {
  timestamp: string;
  sampledValue: SampledValue16[];
}

interface BootNotificationReq {
  chargePointVendor: string;
  chargePointModel: string;
  chargePointSerialNumber?: string;
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
}
interface StatusNotificationReq {
  connectorId: number;
  errorCode: string;
  status: string;
  timestamp?: string;
  info?: string;
  vendorErrorCode?: string;
}
interface StartTransactionReq {
  connectorId: number;
  idTag: string;
  meterStart: number;
  timestamp: string;
  reservationId?: number;
}
interface StopTransactionReq {
  transactionId: number;
  meterStop: number;
  timestamp: string;
  idTag?: string;
  reason?: string;
  transactionData?: MeterValue16[];
}
interface MeterValuesReq {
  connectorId: number;
  transactionId?: number;
  meterValue: MeterValue16[];
}

export function idTagInfo(auth: AuthorizationResult): IdTagInfo {
  const info: IdTagInfo = { status: auth.status };
  if (auth.expiresAt) info.expiryDate = auth.expiresAt;
  if (auth.parentIdTag) info.parentIdTag = auth.parentIdTag;
  return info;
}

/** 1.6 sampled values are strings with an optional unit; non-numeric (signed) values are skipped. */
export function readings16(meterValues: MeterValue16[] | undefined, receivedAt: Date): MeterReading[] {
  const out: MeterReading[] = [];
  for (const mv of meterValues ?? []) {
    const timestamp = normaliseTimestamp(mv.timestamp, receivedAt);
    for (const sv of mv.sampledValue) {
      if (sv.format === 'SignedData') continue;
      const raw = Number(sv.value);
      if (!Number.isFinite(raw)) continue;
      const measurand = sv.measurand ?? 'Energy.Active.Import.Register';
      const { value, unit } = toBaseUnit(raw, sv.unit ?? (measurand.startsWith('Energy') ? 'Wh' : undefined));
      out.push({ timestamp, measurand, phase: sv.phase ?? null, value, unit, context: sv.context ?? null });
    }
  }
  return out;
}

const STATUS_16: Record<string, ConnectorStatus> = {
  Available: 'Available',
  Preparing: 'Preparing',
  Charging: 'Charging',
  SuspendedEV: 'SuspendedEV',
  SuspendedEVSE: 'SuspendedEVSE',
  Finishing: 'Finishing',
  Reserved: 'Reserved',
  Unavailable: 'Unavailable',
  Faulted: 'Faulted',
};

function notice(ctx: RouteContext, n: StationNotice): object {
  ctx.services.publish({ type: 'stationNotice', stationId: ctx.stationId, notice: n });
  return {};
}

const routes: Record<string, RouteHandler> = {
  BootNotification: async (ctx: RouteContext, p: BootNotificationReq) => {
    const decision = await ctx.services.registry.boot(ctx.stationId, {
      vendor: p.chargePointVendor,
      model: p.chargePointModel,
      serialNumber: p.chargePointSerialNumber ?? p.chargeBoxSerialNumber ?? null,
      firmwareVersion: p.firmwareVersion ?? null,
    });
    return { status: decision.status, currentTime: new Date().toISOString(), interval: decision.intervalS };
  },

  Heartbeat: () => ({ currentTime: new Date().toISOString() }),

  StatusNotification: async (ctx: RouteContext, p: StatusNotificationReq) => {
    const errorCode = p.errorCode === 'NoError' ? null : [p.errorCode, p.vendorErrorCode, p.info].filter(Boolean).join(' / ');
    await ctx.services.registry.connectorStatus(
      ctx.stationId,
      p.connectorId,
      p.connectorId,
      STATUS_16[p.status] ?? 'Unknown',
      errorCode,
      normaliseTimestamp(p.timestamp),
    );
    return {};
  },

  Authorize: (ctx: RouteContext, p: { idTag: string }) => ({ idTagInfo: idTagInfo(ctx.services.badges.authorize(p.idTag)) }),

  StartTransaction: async (ctx: RouteContext, p: StartTransactionReq) => {
    const startedAt = normaliseTimestamp(p.timestamp);
    const auth = ctx.services.badges.authorize(p.idTag);
    // Stored whatever the badge says: the charge may already be running (offline start);
    // the idTagInfo tells the station to stop it when the badge is not Accepted.
    const transaction = await ctx.services.transactions.start({
      stationId: ctx.stationId,
      evseId: p.connectorId,
      connectorId: p.connectorId,
      idTag: p.idTag,
      startedAt,
      meterStartWh: p.meterStart,
      ocppTransactionId: null,
      startKey: `1.6|${ctx.stationId}|${p.connectorId}|${startedAt}|${p.idTag}|${p.meterStart}`,
      reservationId: p.reservationId ?? null,
    });
    return { transactionId: transaction.id, idTagInfo: idTagInfo(auth) };
  },

  StopTransaction: async (ctx: RouteContext, p: StopTransactionReq) => {
    const receivedAt = new Date();
    const stoppedAt = normaliseTimestamp(p.timestamp, receivedAt);
    const { transactions } = ctx.services;
    let transaction = transactions.byOcppId(ctx.stationId, String(p.transactionId)) ?? transactions.byOcppId(ctx.stationId, `orphan:${p.transactionId}`);
    const readings = readings16(p.transactionData, receivedAt);
    if (!transaction) {
      // A stop for a transaction we never saw start (lost start, station replaced): keep its
      // energy rather than drop it, as a transaction of its own.
      const first = readings[0]?.timestamp ?? stoppedAt;
      transaction = await transactions.start({
        stationId: ctx.stationId,
        evseId: 0,
        connectorId: 0,
        idTag: p.idTag ?? null,
        startedAt: first,
        meterStartWh: null,
        ocppTransactionId: `orphan:${p.transactionId}`,
        startKey: `1.6-orphan|${ctx.stationId}|${p.transactionId}`,
      });
    }
    if (readings.length > 0) await transactions.meterValues(ctx.stationId, transaction.evseId, transaction.connectorId, transaction, readings);
    await transactions.stop(transaction, { stoppedAt, meterStopWh: p.meterStop, reason: p.reason ?? 'Local' });
    return p.idTag ? { idTagInfo: idTagInfo(ctx.services.badges.authorize(p.idTag)) } : {};
  },

  MeterValues: async (ctx: RouteContext, p: MeterValuesReq) => {
    const { transactions } = ctx.services;
    const transaction = p.transactionId === undefined ? null : transactions.byOcppId(ctx.stationId, String(p.transactionId));
    await transactions.meterValues(ctx.stationId, p.connectorId, p.connectorId, transaction, readings16(p.meterValue, new Date()));
    return {};
  },

  DataTransfer: () => ({ status: 'UnknownVendorId' }),
  DiagnosticsStatusNotification: (ctx: RouteContext, p: { status: string }) => notice(ctx, { kind: 'diagnosticsStatus', status: p.status }),
  FirmwareStatusNotification: (ctx: RouteContext, p: { status: string }) => notice(ctx, { kind: 'firmwareStatus', status: p.status }),
  // Security whitepaper (edition 2) messages a station may send.
  SecurityEventNotification: (ctx: RouteContext, p: { type: string; timestamp: string; techInfo?: string }) =>
    notice(ctx, { kind: 'securityEvent', eventType: p.type, techInfo: p.techInfo ?? null, timestamp: normaliseTimestamp(p.timestamp) }),
  LogStatusNotification: (ctx: RouteContext, p: { status: string }) => notice(ctx, { kind: 'diagnosticsStatus', status: p.status }),
  SignedFirmwareStatusNotification: (ctx: RouteContext, p: { status: string }) => notice(ctx, { kind: 'firmwareStatus', status: p.status }),
  // No certificate authority is configured yet: refuse to sign rather than pretend.
  SignCertificate: () => ({ status: 'Rejected' }),
};

const OUTBOUND_16 = new Set([
  'CancelReservation',
  'ChangeAvailability',
  'ChangeConfiguration',
  'ClearCache',
  'ClearChargingProfile',
  'DataTransfer',
  'GetCompositeSchedule',
  'GetConfiguration',
  'GetDiagnostics',
  'GetLocalListVersion',
  'RemoteStartTransaction',
  'RemoteStopTransaction',
  'ReserveNow',
  'Reset',
  'SendLocalList',
  'SetChargingProfile',
  'TriggerMessage',
  'UnlockConnector',
  'UpdateFirmware',
  'CertificateSigned',
  'DeleteCertificate',
  'ExtendedTriggerMessage',
  'GetInstalledCertificateIds',
  'GetLog',
  'InstallCertificate',
  'SignedUpdateFirmware',
]);

function statusResult(response: unknown): CommandResult {
  const status = String((response as { status?: unknown }).status ?? 'Unknown');
  return { outcome: outcomeOf(status), status, detail: null, raw: response };
}

function simple(action: string, payload: object): CommandPlan {
  return { action, payload, run: async (ctx) => statusResult(await ctx.call(action, payload)) };
}

/** A library profile as 1.6 csChargingProfiles. */
function libraryProfile16(p: ChargingProfileDefinition): Record<string, unknown> {
  return {
    chargingProfileId: p.id,
    stackLevel: p.stackLevel,
    chargingProfilePurpose: p.purpose === 'stationMax' ? 'ChargePointMaxProfile' : 'TxDefaultProfile',
    chargingProfileKind: p.kind,
    chargingSchedule: ocppSchedule(p),
    ...ocppProfileOptions(p),
  };
}

/** A 1.6 GetCompositeSchedule answer, version-neutral. */
function compositeSchedule16(evseId: number, response: unknown): CompositeSchedule | undefined {
  const r = response as { scheduleStart?: string; chargingSchedule?: { duration?: number; startSchedule?: string; chargingRateUnit?: string; chargingSchedulePeriod?: OcppPeriod[] } };
  const cs = r.chargingSchedule;
  if (!cs || !Array.isArray(cs.chargingSchedulePeriod)) return undefined;
  return {
    evseId,
    start: normaliseTimestamp(r.scheduleStart ?? cs.startSchedule ?? new Date().toISOString()),
    durationS: cs.duration ?? null,
    unit: cs.chargingRateUnit === 'W' ? 'W' : 'A',
    periods: fromOcppPeriods(cs.chargingSchedulePeriod),
  };
}

function planCommand(command: StationCommand, ctx: RouteContext): CommandPlan {
  switch (command.kind) {
    case 'remoteStart':
      return simple('RemoteStartTransaction', { connectorId: command.evseId, idTag: command.idTag });
    case 'remoteStop': {
      const transaction = ctx.services.transactions.byId(command.transactionId);
      if (!transaction || transaction.stationId !== ctx.stationId) throw new RpcError('PropertyConstraintViolation', `transaction ${command.transactionId} is not a transaction of ${ctx.stationId}`);
      const id = Number(transaction.ocppTransactionId);
      if (!Number.isInteger(id)) throw new RpcError('PropertyConstraintViolation', `transaction ${command.transactionId} has no 1.6 transaction id`);
      return simple('RemoteStopTransaction', { transactionId: id });
    }
    case 'reserveNow':
      // connectorId 0: any connector of the station (1.6 §5.13).
      return simple('ReserveNow', { connectorId: command.evseId, expiryDate: command.expiresAt, idTag: command.idTag, reservationId: command.reservationId });
    case 'cancelReservation':
      return simple('CancelReservation', { reservationId: command.reservationId });
    case 'reset':
      return simple('Reset', { type: command.type === 'hard' ? 'Hard' : 'Soft' });
    case 'unlock':
      return simple('UnlockConnector', { connectorId: command.evseId });
    case 'changeAvailability':
      return simple('ChangeAvailability', { connectorId: command.evseId, type: command.operative ? 'Operative' : 'Inoperative' });
    case 'getConfiguration': {
      const payload = command.keys && command.keys.length > 0 ? { key: command.keys } : {};
      return {
        action: 'GetConfiguration',
        payload,
        run: async (c) => {
          const response = (await c.call('GetConfiguration', payload)) as {
            configurationKey?: Array<{ key: string; readonly: boolean; value?: string }>;
            unknownKey?: string[];
          };
          const configuration = (response.configurationKey ?? []).map((k) => ({ key: k.key, value: k.value ?? null, readonly: k.readonly }));
          const unknown = response.unknownKey ?? [];
          return {
            outcome: 'accepted',
            status: 'Accepted',
            detail: unknown.length > 0 ? `unknown keys: ${unknown.join(', ')}` : null,
            configuration,
            raw: response,
          };
        },
      };
    }
    case 'changeConfiguration':
      return simple('ChangeConfiguration', { key: command.key, value: command.value });
    case 'clearCache':
      return simple('ClearCache', {});
    case 'triggerMessage': {
      const payload: { requestedMessage: string; connectorId?: number } = { requestedMessage: command.message };
      if (command.evseId !== undefined) payload.connectorId = command.evseId;
      return simple('TriggerMessage', payload);
    }
    case 'dataTransfer': {
      const payload: { vendorId: string; messageId?: string; data?: string } = { vendorId: command.vendorId };
      if (command.messageId !== undefined) payload.messageId = command.messageId;
      if (command.data !== undefined) payload.data = command.data;
      return simple('DataTransfer', payload);
    }
    case 'setChargingLimit': {
      const transaction = ctx.services.transactions.byId(command.transactionId);
      const ocppId = transaction && transaction.stationId === ctx.stationId ? Number(transaction.ocppTransactionId) : NaN;
      const period: { startPeriod: number; limit: number; numberPhases?: number } = { startPeriod: 0, limit: command.limit };
      if (command.phases !== undefined) period.numberPhases = command.phases;
      const profile: Record<string, unknown> = {
        chargingProfileId: TX_PROFILE_ID_BASE + command.evseId,
        stackLevel: TX_PROFILE_STACK_LEVEL,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: command.unit, chargingSchedulePeriod: [period] },
      };
      if (Number.isInteger(ocppId)) profile.transactionId = ocppId;
      return simple('SetChargingProfile', { connectorId: command.evseId, csChargingProfiles: profile });
    }
    case 'clearProfile':
      return simple('ClearChargingProfile', { id: command.profileId });
    case 'setProfile':
      return simple('SetChargingProfile', { connectorId: command.evseId, csChargingProfiles: libraryProfile16(command.profile) });
    case 'getCompositeSchedule': {
      const payload: { connectorId: number; duration: number; chargingRateUnit?: string } = { connectorId: command.evseId, duration: command.durationS };
      if (command.unit !== undefined) payload.chargingRateUnit = command.unit;
      return compositeSchedulePlan(payload, (response) => compositeSchedule16(command.evseId, response));
    }
    case 'setDefaultLimit': {
      const period: { startPeriod: number; limit: number; numberPhases?: number } = { startPeriod: 0, limit: command.limit };
      if (command.phases !== undefined) period.numberPhases = command.phases;
      // connectorId 0: the default for every connector of the station.
      return simple('SetChargingProfile', {
        connectorId: 0,
        csChargingProfiles: {
          chargingProfileId: command.profileId ?? DEFAULT_PROFILE_ID,
          stackLevel: command.stackLevel ?? DEFAULT_PROFILE_STACK_LEVEL,
          chargingProfilePurpose: 'TxDefaultProfile',
          chargingProfileKind: 'Relative',
          chargingSchedule: { chargingRateUnit: command.unit, chargingSchedulePeriod: [period] },
        },
      });
    }
  }
}

export const v16Adapter: VersionAdapter = {
  protocol: 'ocpp1.6',
  routes,
  allowedBeforeAcceptance: new Set(['BootNotification', 'Heartbeat']),
  outboundActions: OUTBOUND_16,
  planCommand,
};
