// OCPP 2.0.1 adapter: the routing table of what a charging station sends (one row per
// action), and the mapping of neutral operator commands to 2.0.1 CALLs.
import type { ChargingProfileDefinition, CommandResult, CompositeSchedule, ConfigurationEntry, ConnectorStatus, StationCommand, StationNotice, Transaction } from '../../../src-shared/domain/index.ts';
import { normaliseTimestamp } from '../../../src-shared/time/index.ts';
import type { AuthorizationResult } from '../../auth/index.ts';
import { toBaseUnit, type MeterReading } from '../../transactions/index.ts';
import { RpcError } from '../errors.ts';
import { outcomeOf } from '../outcome.ts';
import { compositeSchedulePlan, DEFAULT_PROFILE_ID, DEFAULT_PROFILE_STACK_LEVEL, fromOcppPeriods, ocppProfileOptions, ocppSchedule, TX_PROFILE_ID_BASE, TX_PROFILE_STACK_LEVEL, type OcppPeriod } from '../profiles.ts';
import type { CommandPlan, RouteContext, RouteHandler, VersionAdapter } from '../types.ts';

interface SampledValue201 {
  value: number;
  context?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  unitOfMeasure?: { unit?: string; multiplier?: number };
}
interface MeterValue201 {
  timestamp: string;
  sampledValue: SampledValue201[];
}
interface IdToken {
  idToken: string;
  type: string;
}
interface TransactionEventReq {
  eventType: 'Started' | 'Updated' | 'Ended';
  timestamp: string;
  triggerReason: string;
  seqNo: number;
  offline?: boolean;
  transactionInfo: { transactionId: string; chargingState?: string; stoppedReason?: string; remoteStartId?: number };
  idToken?: IdToken;
  evse?: { id: number; connectorId?: number };
  meterValue?: MeterValue201[];
  reservationId?: number;
}
interface BootNotificationReq {
  reason: string;
  chargingStation: { model: string; vendorName: string; serialNumber?: string; firmwareVersion?: string };
}
interface StatusNotificationReq {
  timestamp: string;
  connectorStatus: 'Available' | 'Occupied' | 'Reserved' | 'Unavailable' | 'Faulted';
  evseId: number;
  connectorId: number;
}
/** The parts of NotifyEVChargingNeeds smart charging uses (the schema validates the whole). */
interface NotifyEvChargingNeedsReq {
  evseId: number;
  chargingNeeds: {
    departureTime?: string;
    acChargingParameters?: { energyAmount: number; evMaxCurrent: number };
    dcChargingParameters?: { energyAmount?: number; evMaxPower?: number };
  };
}

interface NotifyReportReq {
  requestId: number;
  generatedAt: string;
  seqNo: number;
  tbc?: boolean;
  reportData?: Array<{
    component: { name: string; instance?: string; evse?: { id: number; connectorId?: number } };
    variable: { name: string; instance?: string };
    variableAttribute: Array<{ type?: string; value?: string; mutability?: string }>;
  }>;
}

function idTokenInfo(auth: AuthorizationResult): { status: string; cacheExpiryDateTime?: string; groupIdToken?: IdToken } {
  const info: { status: string; cacheExpiryDateTime?: string; groupIdToken?: IdToken } = { status: auth.status };
  if (auth.expiresAt) info.cacheExpiryDateTime = auth.expiresAt;
  if (auth.parentIdTag) info.groupIdToken = { idToken: auth.parentIdTag, type: 'Central' };
  return info;
}

export function readings201(meterValues: MeterValue201[] | undefined, receivedAt: Date): MeterReading[] {
  const out: MeterReading[] = [];
  for (const mv of meterValues ?? []) {
    const timestamp = normaliseTimestamp(mv.timestamp, receivedAt);
    for (const sv of mv.sampledValue) {
      const measurand = sv.measurand ?? 'Energy.Active.Import.Register';
      const unit = sv.unitOfMeasure?.unit ?? (measurand.startsWith('Energy') ? 'Wh' : undefined);
      const base = toBaseUnit(sv.value, unit, sv.unitOfMeasure?.multiplier ?? 0);
      out.push({ timestamp, measurand, phase: sv.phase ?? null, value: base.value, unit: base.unit, context: sv.context ?? null });
    }
  }
  return out;
}

function energyOf(readings: MeterReading[]): number | null {
  const energy = readings.filter((r) => r.measurand === 'Energy.Active.Import.Register' && r.phase === null);
  return energy.length > 0 ? (energy[0] as MeterReading).value : null;
}

const CHARGING_STATE: Record<string, ConnectorStatus> = {
  Charging: 'Charging',
  SuspendedEV: 'SuspendedEV',
  SuspendedEVSE: 'SuspendedEVSE',
  EVConnected: 'Preparing',
};

async function transactionEvent(ctx: RouteContext, p: TransactionEventReq): Promise<object> {
  const receivedAt = new Date();
  const { transactions, badges } = ctx.services;
  const readings = readings201(p.meterValue, receivedAt);
  const at = normaliseTimestamp(p.timestamp, receivedAt);
  const idTag = p.idToken?.idToken ?? null;
  const txId = p.transactionInfo.transactionId;
  let transaction: Transaction | null = transactions.byOcppId(ctx.stationId, txId);
  if (!transaction) {
    // Started, or an Updated/Ended whose Started was lost: the transaction begins here.
    const begin = readings.filter((r) => r.context === 'Transaction.Begin');
    transaction = await transactions.start({
      stationId: ctx.stationId,
      evseId: p.evse?.id ?? 1,
      connectorId: p.evse?.connectorId ?? 1,
      idTag,
      startedAt: at,
      meterStartWh: energyOf(begin.length > 0 ? begin : readings),
      ocppTransactionId: txId,
      startKey: `2.0.1|${ctx.stationId}|${txId}`,
      socStart: readings.find((r) => r.measurand === 'SoC')?.value ?? null,
      reservationId: p.reservationId ?? null,
    });
  } else if (idTag !== null && transaction.idTag !== idTag && transaction.stoppedAt === null) {
    transaction = await transactions.setIdTag(transaction, idTag);
  }
  // The readings and the connector's activity are independent writes: issued together they
  // share one group commit (awaited one after the other they cost the reply two).
  const writes: Array<Promise<void>> = [];
  if (readings.length > 0) writes.push(transactions.meterValues(ctx.stationId, transaction.evseId, transaction.connectorId, transaction, readings));
  // 2.0.1 StatusNotification only says Occupied; the charging state of a transaction says
  // what operators need to see (Charging, SuspendedEV...), and Ended with the cable in is Finishing.
  const activity = p.eventType === 'Ended' ? 'Finishing' : CHARGING_STATE[p.transactionInfo.chargingState ?? ''];
  if (activity && !(p.offline ?? false)) {
    writes.push(ctx.services.registry.connectorStatus(ctx.stationId, transaction.evseId, transaction.connectorId, activity, null, at));
  }
  await Promise.all(writes);
  if (p.eventType === 'Ended') {
    await transactions.stop(transaction, { stoppedAt: at, meterStopWh: energyOf(readings), reason: p.transactionInfo.stoppedReason ?? 'Local' }, readings);
  }
  return p.idToken ? { idTokenInfo: idTokenInfo(badges.authorize(p.idToken.idToken)) } : {};
}

function notice(ctx: RouteContext, n: StationNotice): object {
  ctx.services.publish({ type: 'stationNotice', stationId: ctx.stationId, notice: n });
  return {};
}

const routes: Record<string, RouteHandler> = {
  BootNotification: async (ctx: RouteContext, p: BootNotificationReq) => {
    const decision = await ctx.services.registry.boot(ctx.stationId, {
      vendor: p.chargingStation.vendorName,
      model: p.chargingStation.model,
      serialNumber: p.chargingStation.serialNumber ?? null,
      firmwareVersion: p.chargingStation.firmwareVersion ?? null,
    });
    return { status: decision.status, currentTime: new Date().toISOString(), interval: decision.intervalS };
  },

  Heartbeat: () => ({ currentTime: new Date().toISOString() }),

  StatusNotification: async (ctx: RouteContext, p: StatusNotificationReq) => {
    await ctx.services.registry.connectorStatus(ctx.stationId, p.evseId, p.connectorId, p.connectorStatus, null, normaliseTimestamp(p.timestamp));
    return {};
  },

  Authorize: (ctx: RouteContext, p: { idToken: IdToken }) => ({ idTokenInfo: idTokenInfo(ctx.services.badges.authorize(p.idToken.idToken)) }),

  TransactionEvent: transactionEvent,

  MeterValues: async (ctx: RouteContext, p: { evseId: number; meterValue: MeterValue201[] }) => {
    await ctx.services.transactions.meterValues(ctx.stationId, p.evseId, 1, null, readings201(p.meterValue, new Date()));
    return {};
  },

  NotifyReport: (ctx: RouteContext, p: NotifyReportReq) => {
    const collector = ctx.session.reports.get(p.requestId);
    if (collector) {
      collector.parts.push(...(p.reportData ?? []));
      if (!p.tbc) {
        ctx.session.reports.delete(p.requestId);
        collector.done(collector.parts);
      }
    }
    return {};
  },

  // ISO 15118 vehicles tell their energy request, departure time and maximum: smart charging
  // takes them as the session's need, departure and vehicle limit (the allocation controller).
  NotifyEVChargingNeeds: (ctx: RouteContext, p: NotifyEvChargingNeedsReq) => {
    const needs = p.chargingNeeds;
    const ac = needs.acChargingParameters;
    const dc = needs.dcChargingParameters;
    const connector = ctx.services.registry.get(ctx.stationId)?.connectors.find((c) => c.evseId === p.evseId);
    const transaction = connector?.transactionId != null ? ctx.services.transactions.byId(connector.transactionId) : null;
    const departure = needs.departureTime !== undefined ? normaliseTimestamp(needs.departureTime) : null;
    ctx.services.registry.chargingNeeds(ctx.stationId, p.evseId, {
      energyWh: ac?.energyAmount ?? dc?.energyAmount ?? null,
      deliveredWhAtRequest: transaction?.stoppedAt === null ? (transaction.energyWh ?? 0) : 0,
      departureAt: departure !== null && Number.isFinite(Date.parse(departure)) ? departure : null,
      maxCurrentA: ac?.evMaxCurrent ?? null,
      maxPowerW: dc?.evMaxPower ?? null,
      receivedAt: new Date().toISOString(),
    });
    return { status: 'Accepted' };
  },

  DataTransfer: () => ({ status: 'UnknownVendorId' }),
  FirmwareStatusNotification: (ctx: RouteContext, p: { status: string }) => notice(ctx, { kind: 'firmwareStatus', status: p.status }),
  LogStatusNotification: (ctx: RouteContext, p: { status: string }) => notice(ctx, { kind: 'diagnosticsStatus', status: p.status }),
  SecurityEventNotification: (ctx: RouteContext, p: { type: string; timestamp: string; techInfo?: string }) =>
    notice(ctx, { kind: 'securityEvent', eventType: p.type, techInfo: p.techInfo ?? null, timestamp: normaliseTimestamp(p.timestamp) }),
  NotifyEvent: () => ({}),
  NotifyMonitoringReport: () => ({}),
  NotifyChargingLimit: () => ({}),
  ClearedChargingLimit: () => ({}),
  // A reservation the station ended by itself (Expired, or Removed: the EVSE became unavailable).
  ReservationStatusUpdate: (ctx: RouteContext, p: { reservationId: number; reservationUpdateStatus: string }) =>
    notice(ctx, { kind: 'reservationStatus', reservationId: p.reservationId, status: p.reservationUpdateStatus }),
};

const OUTBOUND_201 = new Set([
  'CancelReservation',
  'CertificateSigned',
  'ChangeAvailability',
  'ClearCache',
  'ClearChargingProfile',
  'ClearDisplayMessage',
  'ClearVariableMonitoring',
  'CostUpdated',
  'CustomerInformation',
  'DataTransfer',
  'DeleteCertificate',
  'GetBaseReport',
  'GetChargingProfiles',
  'GetCompositeSchedule',
  'GetDisplayMessages',
  'GetInstalledCertificateIds',
  'GetLocalListVersion',
  'GetLog',
  'GetMonitoringReport',
  'GetReport',
  'GetTransactionStatus',
  'GetVariables',
  'InstallCertificate',
  'PublishFirmware',
  'RequestStartTransaction',
  'RequestStopTransaction',
  'ReserveNow',
  'Reset',
  'SendLocalList',
  'SetChargingProfile',
  'SetDisplayMessage',
  'SetMonitoringBase',
  'SetMonitoringLevel',
  'SetNetworkProfile',
  'SetVariableMonitoring',
  'SetVariables',
  'TriggerMessage',
  'UnlockConnector',
  'UnpublishFirmware',
  'UpdateFirmware',
]);

function statusResult(response: unknown): CommandResult {
  const r = response as { status?: unknown; statusInfo?: { reasonCode?: string; additionalInfo?: string } };
  const status = String(r.status ?? 'Unknown');
  const detail = r.statusInfo ? [r.statusInfo.reasonCode, r.statusInfo.additionalInfo].filter(Boolean).join(': ') : null;
  return { outcome: outcomeOf(status), status, detail, raw: response };
}

function simple(action: string, payload: object): CommandPlan {
  return { action, payload, run: async (ctx) => statusResult(await ctx.call(action, payload)) };
}

/** "Component.Variable" or "Component[instance].Variable[instance]" → device-model reference. */
function parseVariableKey(key: string): { component: { name: string; instance?: string }; variable: { name: string; instance?: string } } {
  const match = /^([^.[\]]+)(?:\[([^\]]+)\])?\.([^.[\]]+)(?:\[([^\]]+)\])?$/.exec(key);
  if (!match) throw new RpcError('PropertyConstraintViolation', `"${key}" is not a device-model key: use Component.Variable (e.g. OCPPCommCtrlr.HeartbeatInterval)`);
  const component: { name: string; instance?: string } = { name: match[1] as string };
  if (match[2]) component.instance = match[2];
  const variable: { name: string; instance?: string } = { name: match[3] as string };
  if (match[4]) variable.instance = match[4];
  return { component, variable };
}

function keyOf(component: { name: string; instance?: string }, variable: { name: string; instance?: string }): string {
  return `${component.name}${component.instance ? `[${component.instance}]` : ''}.${variable.name}${variable.instance ? `[${variable.instance}]` : ''}`;
}

const REPORT_TIMEOUT_MS = 60_000;

function planGetConfiguration(keys: string[] | undefined): CommandPlan {
  if (keys && keys.length > 0) {
    const payload = { getVariableData: keys.map((k) => parseVariableKey(k)) };
    return {
      action: 'GetVariables',
      payload,
      run: async (ctx) => {
        const response = (await ctx.call('GetVariables', payload)) as {
          getVariableResult: Array<{ attributeStatus: string; attributeValue?: string; component: { name: string; instance?: string }; variable: { name: string; instance?: string } }>;
        };
        const configuration: ConfigurationEntry[] = response.getVariableResult
          .filter((r) => r.attributeStatus === 'Accepted')
          .map((r) => ({ key: keyOf(r.component, r.variable), value: r.attributeValue ?? null, readonly: false }));
        const refused = response.getVariableResult.filter((r) => r.attributeStatus !== 'Accepted');
        return {
          outcome: 'accepted',
          status: 'Accepted',
          detail: refused.length > 0 ? refused.map((r) => `${keyOf(r.component, r.variable)}: ${r.attributeStatus}`).join(', ') : null,
          configuration,
          raw: response,
        };
      },
    };
  }
  // No keys: the whole device model, through GetBaseReport(FullInventory) + NotifyReport parts.
  return {
    action: 'GetBaseReport',
    payload: { reportBase: 'FullInventory' },
    run: async (ctx) => {
      const requestId = ctx.session.nextRequestId++;
      const parts = new Promise<unknown[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          ctx.session.reports.delete(requestId);
          reject(new RpcError('GenericError', `NotifyReport for request ${requestId} did not complete within ${REPORT_TIMEOUT_MS / 1000} s`));
        }, REPORT_TIMEOUT_MS);
        ctx.session.reports.set(requestId, {
          parts: [],
          done: (all) => {
            clearTimeout(timer);
            resolve(all);
          },
        });
      });
      const response = await ctx.call('GetBaseReport', { requestId, reportBase: 'FullInventory' });
      const result = statusResult(response);
      if (result.outcome !== 'accepted') {
        ctx.session.reports.delete(requestId);
        parts.catch(() => undefined);
        return result;
      }
      const data = (await parts) as NonNullable<NotifyReportReq['reportData']>;
      const configuration: ConfigurationEntry[] = data.map((d) => {
        const actual = d.variableAttribute.find((a) => (a.type ?? 'Actual') === 'Actual') ?? d.variableAttribute[0];
        return { key: keyOf(d.component, d.variable), value: actual?.value ?? null, readonly: actual?.mutability === 'ReadOnly' };
      });
      return { ...result, configuration };
    },
  };
}

/** A library profile as a 2.0.1 chargingProfile (one schedule). */
function libraryProfile201(p: ChargingProfileDefinition): Record<string, unknown> {
  return {
    id: p.id,
    stackLevel: p.stackLevel,
    chargingProfilePurpose: p.purpose === 'stationMax' ? 'ChargingStationMaxProfile' : 'TxDefaultProfile',
    chargingProfileKind: p.kind,
    chargingSchedule: [{ id: p.id, ...ocppSchedule(p) }],
    ...ocppProfileOptions(p),
  };
}

/** A 2.0.1 GetCompositeSchedule answer, version-neutral. */
function compositeSchedule201(evseId: number, response: unknown): CompositeSchedule | undefined {
  const r = response as { schedule?: { evseId?: number; duration?: number; scheduleStart?: string; chargingRateUnit?: string; chargingSchedulePeriod?: OcppPeriod[] } };
  const cs = r.schedule;
  if (!cs || !Array.isArray(cs.chargingSchedulePeriod)) return undefined;
  return {
    evseId: cs.evseId ?? evseId,
    start: normaliseTimestamp(cs.scheduleStart ?? new Date().toISOString()),
    durationS: cs.duration ?? null,
    unit: cs.chargingRateUnit === 'W' ? 'W' : 'A',
    periods: fromOcppPeriods(cs.chargingSchedulePeriod),
  };
}

function planCommand(command: StationCommand, ctx: RouteContext): CommandPlan {
  switch (command.kind) {
    case 'remoteStart':
      return simple('RequestStartTransaction', {
        evseId: command.evseId,
        remoteStartId: ctx.session.nextRequestId++,
        idToken: { idToken: command.idTag, type: 'Central' },
      });
    case 'remoteStop': {
      const transaction = ctx.services.transactions.byId(command.transactionId);
      if (!transaction || transaction.stationId !== ctx.stationId) throw new RpcError('PropertyConstraintViolation', `transaction ${command.transactionId} is not a transaction of ${ctx.stationId}`);
      return simple('RequestStopTransaction', { transactionId: transaction.ocppTransactionId });
    }
    case 'reserveNow': {
      const payload: Record<string, unknown> = { id: command.reservationId, expiryDateTime: command.expiresAt, idToken: { idToken: command.idTag, type: 'ISO14443' } };
      // No evseId: any EVSE of the station (2.0.1 H01/H02).
      if (command.evseId > 0) payload.evseId = command.evseId;
      return simple('ReserveNow', payload);
    }
    case 'cancelReservation':
      return simple('CancelReservation', { reservationId: command.reservationId });
    case 'reset':
      return simple('Reset', { type: command.type === 'hard' ? 'Immediate' : 'OnIdle' });
    case 'unlock':
      return simple('UnlockConnector', { evseId: command.evseId, connectorId: command.connectorId });
    case 'changeAvailability':
      return simple(
        'ChangeAvailability',
        command.evseId === 0
          ? { operationalStatus: command.operative ? 'Operative' : 'Inoperative' }
          : { operationalStatus: command.operative ? 'Operative' : 'Inoperative', evse: { id: command.evseId } },
      );
    case 'getConfiguration':
      return planGetConfiguration(command.keys);
    case 'changeConfiguration': {
      const payload = { setVariableData: [{ ...parseVariableKey(command.key), attributeValue: command.value }] };
      return {
        action: 'SetVariables',
        payload,
        run: async (c) => {
          const response = (await c.call('SetVariables', payload)) as { setVariableResult: Array<{ attributeStatus: string }> };
          const status = response.setVariableResult[0]?.attributeStatus ?? 'Unknown';
          return { outcome: outcomeOf(status), status, detail: null, raw: response };
        },
      };
    }
    case 'clearCache':
      return simple('ClearCache', {});
    case 'triggerMessage': {
      const payload: { requestedMessage: string; evse?: { id: number } } = { requestedMessage: command.message };
      if (command.evseId !== undefined) payload.evse = { id: command.evseId };
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
      const period: { startPeriod: number; limit: number; numberPhases?: number } = { startPeriod: 0, limit: command.limit };
      if (command.phases !== undefined) period.numberPhases = command.phases;
      const profile: Record<string, unknown> = {
        id: TX_PROFILE_ID_BASE + command.evseId,
        stackLevel: TX_PROFILE_STACK_LEVEL,
        chargingProfilePurpose: 'TxProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: [{ id: TX_PROFILE_ID_BASE + command.evseId, chargingRateUnit: command.unit, chargingSchedulePeriod: [period] }],
      };
      if (transaction && transaction.stationId === ctx.stationId) profile.transactionId = transaction.ocppTransactionId;
      return simple('SetChargingProfile', { evseId: command.evseId, chargingProfile: profile });
    }
    case 'clearProfile':
      return simple('ClearChargingProfile', { chargingProfileId: command.profileId });
    case 'setProfile':
      return simple('SetChargingProfile', { evseId: command.evseId, chargingProfile: libraryProfile201(command.profile) });
    case 'getCompositeSchedule': {
      const payload: { evseId: number; duration: number; chargingRateUnit?: string } = { evseId: command.evseId, duration: command.durationS };
      if (command.unit !== undefined) payload.chargingRateUnit = command.unit;
      return compositeSchedulePlan(payload, (response) => compositeSchedule201(command.evseId, response));
    }
    case 'setDefaultLimit': {
      const period: { startPeriod: number; limit: number; numberPhases?: number } = { startPeriod: 0, limit: command.limit };
      if (command.phases !== undefined) period.numberPhases = command.phases;
      // evseId 0: the default for every EVSE of the station.
      return simple('SetChargingProfile', {
        evseId: 0,
        chargingProfile: {
          id: command.profileId ?? DEFAULT_PROFILE_ID,
          stackLevel: command.stackLevel ?? DEFAULT_PROFILE_STACK_LEVEL,
          chargingProfilePurpose: 'TxDefaultProfile',
          chargingProfileKind: 'Relative',
          chargingSchedule: [{ id: command.profileId ?? DEFAULT_PROFILE_ID, chargingRateUnit: command.unit, chargingSchedulePeriod: [period] }],
        },
      });
    }
  }
}

export const v201Adapter: VersionAdapter = {
  protocol: 'ocpp2.0.1',
  routes,
  allowedBeforeAcceptance: new Set(['BootNotification', 'Heartbeat']),
  outboundActions: OUTBOUND_201,
  planCommand,
};
