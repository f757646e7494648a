// Rule evaluation: from the facts and the time, is each source of a rule in alarm, with which
// value and message? Delays, flapping and the lifecycle are the engine's business, not this
// file's; here only "is the condition there now" is decided (with hysteresis, which needs the
// previous answer).
import type { ConnectorFacts, GroupFacts, StationFacts } from './facts.ts';
import { groupInScope, groupSite, stationInScope, stationPlace, type NormalizedRule } from './rules.ts';
import {
  DIAGNOSTICS_FAILURE_STATUSES,
  FIRMWARE_FAILURE_STATUSES,
  type AlarmMessageKey,
  type AlarmMessageParams,
  type AlarmObservation,
  type AlarmSource,
  type AlarmTopology,
  type AlarmValue,
  type EpochMs,
} from './types.ts';

/** The verdict of one rule on one source. */
export interface SourceReading {
  sourceKey: string;
  source: AlarmSource;
  active: boolean;
  value: AlarmValue;
  message: string;
  /** The message as key and values for the UI's languages. */
  messageKey: AlarmMessageKey;
  messageParams: AlarmMessageParams;
}

/** Whether the condition of a rule on a source was active at the previous evaluation (for hysteresis). */
export type PreviousCondition = (sourceKey: string) => boolean;

// ---------------------------------------------------------------------------------------------
// Source keys and labels

export function stationSourceKey(stationId: string): string {
  return `station:${stationId}`;
}

/** Evse 0 is the station itself, so it shares the station's key. */
export function connectorSourceKey(stationId: string, evseId: number, connectorId: number): string {
  return evseId === 0 ? stationSourceKey(stationId) : `station:${stationId}/evse:${evseId}/connector:${connectorId}`;
}

export function evseSourceKey(stationId: string, evseId: number): string {
  return evseId === 0 ? stationSourceKey(stationId) : `station:${stationId}/evse:${evseId}`;
}

export function groupSourceKey(groupId: string): string {
  return `group:${groupId}`;
}

function stationSource(topology: AlarmTopology, stationId: string, evseId: number | null, connectorId: number | null, detail: string | null = null): AlarmSource {
  const place = stationPlace(topology, stationId);
  const stationLevel = evseId === null || evseId === 0;
  return {
    stationId,
    evseId: stationLevel ? null : evseId,
    connectorId: stationLevel ? null : connectorId,
    groupId: place.groupId,
    siteId: place.siteId,
    detail,
  };
}

/** "CP1", "CP1 connector 2" (1.6 style, evse = connector) or "CP1 EVSE 1 connector 2". */
export function sourceLabel(source: AlarmSource): string {
  if (source.stationId === null) return `group ${source.groupId ?? '?'}`;
  if (source.evseId === null) return source.stationId;
  if (source.connectorId === null || source.connectorId === source.evseId) return `${source.stationId} connector ${source.evseId}`;
  return `${source.stationId} EVSE ${source.evseId} connector ${source.connectorId}`;
}

function minutes(ms: number): string {
  const total = Math.floor(ms / 60_000);
  return total >= 60 ? `${Math.floor(total / 60)} h ${total % 60} min` : `${total} min`;
}

// ---------------------------------------------------------------------------------------------
// Threshold with hysteresis

/**
 * 'above' becomes active when value > threshold and stays active until value <= threshold -
 * hysteresis; the band in between keeps the previous answer, which is what stops a value that
 * hovers at the threshold from raising and clearing on every sample.
 */
export function beyondThreshold(wasActive: boolean, value: number, comparison: 'above' | 'below', threshold: number, hysteresis: number): boolean {
  const band = Number.isFinite(hysteresis) && hysteresis > 0 ? hysteresis : 0;
  if (comparison === 'above') return wasActive ? value > threshold - band : value > threshold;
  return wasActive ? value < threshold + band : value < threshold;
}

// ---------------------------------------------------------------------------------------------
// Station-scoped rules

function faultReadings(normalized: NormalizedRule, facts: StationFacts, topology: AlarmTopology, connectors: readonly ConnectorFacts[]): SourceReading[] {
  const rule = normalized.rule;
  if (rule.kind !== 'connectorFaulted') return [];
  const level = rule.level ?? 'both';
  const readings: SourceReading[] = [];
  for (const c of connectors) {
    const stationLevel = c.evseId === 0;
    if ((stationLevel && level === 'connector') || (!stationLevel && level === 'station')) continue;
    const codeMatches = !rule.errorCodes || rule.errorCodes.length === 0 || (c.errorCode !== null && rule.errorCodes.includes(c.errorCode));
    const source = stationSource(topology, facts.stationId, c.evseId, c.connectorId);
    readings.push({
      sourceKey: connectorSourceKey(facts.stationId, c.evseId, c.connectorId),
      source,
      active: c.status === 'Faulted' && codeMatches,
      value: c.errorCode,
      message: `${sourceLabel(source)}: ${c.status ?? 'Unknown'} (${c.errorCode ?? 'no error code'})`,
      messageKey: 'faulted',
      messageParams: { status: c.status ?? 'Unknown', code: c.errorCode ?? '' },
    });
  }
  return readings;
}

/** Every source of a station-scoped rule on one station, with its verdict at `now`. */
export function stationReadings(
  normalized: NormalizedRule,
  facts: StationFacts,
  topology: AlarmTopology,
  wasActive: PreviousCondition,
  now: EpochMs,
): SourceReading[] {
  const rule = normalized.rule;
  if (normalized.groupScoped || !stationInScope(rule, topology, facts.stationId)) return [];
  const stationId = facts.stationId;
  const connectors = [...facts.connectors.values()];
  switch (rule.kind) {
    case 'communicationLost': {
      const source = stationSource(topology, stationId, null, null);
      const missed = rule.missedHeartbeats ?? 0;
      const silentForMs = facts.lastSeenAt === null ? 0 : now - facts.lastSeenAt;
      const silentTooLong =
        missed > 0 && facts.connected && facts.heartbeatIntervalS !== null && facts.heartbeatIntervalS > 0 && facts.lastSeenAt !== null &&
        silentForMs > missed * facts.heartbeatIntervalS * 1000;
      const disconnected = facts.everSeen && !facts.connected;
      const message = silentTooLong
        ? `${stationId}: nothing received for ${minutes(silentForMs)} (${missed} heartbeats missed)`
        : `${stationId}: communication lost${facts.disconnectReason ? ` (${facts.disconnectReason})` : ''}`;
      const messageKey: AlarmMessageKey = silentTooLong ? 'communicationSilent' : 'communicationLost';
      const messageParams: AlarmMessageParams = silentTooLong
        ? { minutes: Math.floor(silentForMs / 60_000), missed }
        : facts.disconnectReason
          ? { reason: facts.disconnectReason }
          : {};
      return [{ sourceKey: stationSourceKey(stationId), source, active: disconnected || silentTooLong, value: facts.lastSeenAt, message, messageKey, messageParams }];
    }
    case 'connectorFaulted':
      return faultReadings(normalized, facts, topology, connectors);
    case 'chargeStalled':
      return connectors
        .filter((c) => c.evseId !== 0)
        .map((c) => {
          const source = stationSource(topology, stationId, c.evseId, c.connectorId);
          // Offline, we cannot know the power; the communication alarm covers that case.
          const active = facts.connected && c.status === 'Charging' && c.powerW !== null && c.powerW < rule.minPowerW;
          return {
            sourceKey: connectorSourceKey(stationId, c.evseId, c.connectorId),
            source,
            active,
            value: c.powerW,
            message: `${sourceLabel(source)}: charging at ${c.powerW ?? '?'} W, below ${rule.minPowerW} W`,
            messageKey: 'chargeStalled' as const,
            messageParams: { powerW: c.powerW ?? '?', minPowerW: rule.minPowerW },
          };
        });
    case 'transactionTooLong':
      return connectors
        .filter((c) => c.evseId !== 0)
        .map((c) => {
          const source = stationSource(topology, stationId, c.evseId, c.connectorId);
          const openForMs = c.transaction ? now - c.transaction.startedAt : 0;
          return {
            sourceKey: connectorSourceKey(stationId, c.evseId, c.connectorId),
            source,
            active: c.transaction !== null && openForMs >= rule.maxDurationMs,
            value: c.transaction ? Math.floor(openForMs / 60_000) : null,
            message: c.transaction
              ? `${sourceLabel(source)}: transaction ${c.transaction.id} open for ${minutes(openForMs)}`
              : `${sourceLabel(source)}: no transaction`,
            messageKey: c.transaction ? ('transactionTooLong' as const) : ('noTransaction' as const),
            messageParams: (c.transaction ? { transactionId: c.transaction.id, minutes: Math.floor(openForMs / 60_000) } : {}) as AlarmMessageParams,
          };
        });
    case 'profileNotApplied':
      return [...facts.profiles.values()].map((p) => {
        const source = stationSource(topology, stationId, p.evseId, null);
        return {
          sourceKey: evseSourceKey(stationId, p.evseId),
          source,
          active: !p.applied,
          value: p.detail,
          message: `${p.evseId === 0 ? stationId : `${stationId} EVSE ${p.evseId}`}: charging profile ${p.applied ? 'applied' : 'not applied'}${p.detail ? ` (${p.detail})` : ''}`,
          messageKey: p.applied ? ('profileApplied' as const) : ('profileNotApplied' as const),
          messageParams: (p.detail ? { detail: p.detail } : {}) as AlarmMessageParams,
        };
      });
    case 'firmwareFailed':
    case 'diagnosticsFailed': {
      const firmware = rule.kind === 'firmwareFailed';
      const status = firmware ? facts.firmwareStatus : facts.diagnosticsStatus;
      if (status === null) return [];
      const failures = firmware ? FIRMWARE_FAILURE_STATUSES : DIAGNOSTICS_FAILURE_STATUSES;
      return [
        {
          sourceKey: stationSourceKey(stationId),
          source: stationSource(topology, stationId, null, null),
          active: failures.includes(status),
          value: status,
          message: `${stationId}: ${firmware ? 'firmware update' : 'diagnostics upload'} ${status}`,
          messageKey: firmware ? 'firmwareStatus' : 'diagnosticsStatus',
          messageParams: { status },
        },
      ];
    }
    case 'measurementThreshold': {
      const readings: SourceReading[] = [];
      for (const m of facts.measurements.values()) {
        if (m.quantity !== rule.quantity) continue;
        if (rule.phase !== undefined && (rule.phase ?? null) !== m.phase) continue;
        const phase = m.phase === '' ? null : m.phase;
        const source = stationSource(topology, stationId, m.evseId, m.connectorId, phase);
        const sourceKey = connectorSourceKey(stationId, m.evseId, m.connectorId) + (phase ? `/phase:${phase}` : '');
        const active = beyondThreshold(wasActive(sourceKey), m.value, rule.comparison, rule.threshold, rule.hysteresis);
        readings.push({
          sourceKey,
          source,
          active,
          value: m.value,
          message: `${sourceLabel(source)}: ${m.quantity}${phase ? ` ${phase}` : ''} = ${m.value} (${rule.comparison} ${rule.threshold})`,
          messageKey: 'threshold',
          messageParams: { quantity: m.quantity, phase: phase ?? '', value: m.value, comparison: rule.comparison, threshold: rule.threshold },
        });
      }
      return readings;
    }
    case 'groupLimitExceeded':
    case 'securityEvent':
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Group-scoped and momentary rules

export function groupReadings(normalized: NormalizedRule, group: GroupFacts, topology: AlarmTopology, wasActive: PreviousCondition): SourceReading[] {
  const rule = normalized.rule;
  if (rule.kind !== 'groupLimitExceeded' || !groupInScope(rule, topology, group.groupId)) return [];
  const sourceKey = groupSourceKey(group.groupId);
  const margin = Number.isFinite(rule.marginW) ? (rule.marginW ?? 0) : 0;
  const active = beyondThreshold(wasActive(sourceKey), group.loadW, 'above', group.limitW + margin, rule.hysteresisW ?? 0);
  return [
    {
      sourceKey,
      source: { stationId: null, evseId: null, connectorId: null, groupId: group.groupId, siteId: groupSite(topology, group.groupId), detail: null },
      active,
      value: group.loadW,
      message: `group ${group.groupId}: load ${Math.round(group.loadW)} W for a limit of ${Math.round(group.limitW)} W`,
      messageKey: 'groupLoad',
      messageParams: { loadW: Math.round(group.loadW), limitW: Math.round(group.limitW) },
    },
  ];
}

/** The reading a security event gives a securityEvent rule, or null when the rule does not take it. */
export function securityReading(
  normalized: NormalizedRule,
  event: Extract<AlarmObservation, { kind: 'securityEvent' }>,
  topology: AlarmTopology,
): SourceReading | null {
  const rule = normalized.rule;
  if (rule.kind !== 'securityEvent' || !stationInScope(rule, topology, event.stationId)) return null;
  if (rule.eventTypes && rule.eventTypes.length > 0 && !rule.eventTypes.includes(event.eventType)) return null;
  return {
    sourceKey: stationSourceKey(event.stationId),
    source: stationSource(topology, event.stationId, null, null),
    active: true,
    value: event.eventType,
    message: `${event.stationId}: security event ${event.eventType}${event.techInfo ? ` (${event.techInfo})` : ''}`,
    messageKey: 'securityEvent',
    messageParams: event.techInfo ? { eventType: event.eventType, techInfo: event.techInfo } : { eventType: event.eventType },
  };
}
