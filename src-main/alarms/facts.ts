// What the engine remembers of the field between observations (the "facts"), and how each
// observation updates them. Facts are immutable values: an update returns a new object and
// leaves the old one untouched, so earlier engine states stay valid.
import type { ConnectorStatus, Measurand } from '../../src-shared/domain/index.ts';
import type { AlarmObservation, EpochMs } from './types.ts';

export interface ConnectorFacts {
  evseId: number;
  connectorId: number;
  status: ConnectorStatus | null;
  errorCode: string | null;
  /** Latest total active power (Power.Active.Import without phase), W. */
  powerW: number | null;
  transaction: { id: number; startedAt: EpochMs } | null;
}

export interface MeasurementFact {
  evseId: number;
  connectorId: number;
  quantity: Measurand;
  phase: string | null;
  value: number;
}

export interface ProfileFact {
  evseId: number;
  applied: boolean;
  detail: string | null;
}

export interface StationFacts {
  stationId: string;
  connected: boolean;
  /** Heard from at least once: a station never seen is "not installed yet", not "lost". */
  everSeen: boolean;
  lastSeenAt: EpochMs | null;
  heartbeatIntervalS: number | null;
  disconnectReason: string | null;
  /** By `connectorKey(evseId, connectorId)`; evse 0 is the station itself. */
  connectors: ReadonlyMap<string, ConnectorFacts>;
  /** By `measurementKey(...)`. */
  measurements: ReadonlyMap<string, MeasurementFact>;
  /** By evse id. */
  profiles: ReadonlyMap<number, ProfileFact>;
  firmwareStatus: string | null;
  diagnosticsStatus: string | null;
}

export interface GroupFacts {
  groupId: string;
  loadW: number;
  limitW: number;
}

export const POWER_QUANTITY: Measurand = 'Power.Active.Import';

export function connectorKey(evseId: number, connectorId: number): string {
  return `${evseId}/${connectorId}`;
}

export function measurementKey(evseId: number, connectorId: number, quantity: string, phase: string | null): string {
  return `${evseId}/${connectorId}/${quantity}/${phase ?? ''}`;
}

export function emptyStationFacts(stationId: string): StationFacts {
  return {
    stationId,
    connected: false,
    everSeen: false,
    lastSeenAt: null,
    heartbeatIntervalS: null,
    disconnectReason: null,
    connectors: new Map(),
    measurements: new Map(),
    profiles: new Map(),
    firmwareStatus: null,
    diagnosticsStatus: null,
  };
}

function sameConnector(a: ConnectorFacts, b: ConnectorFacts): boolean {
  return (
    a.status === b.status &&
    a.errorCode === b.errorCode &&
    a.powerW === b.powerW &&
    a.transaction?.id === b.transaction?.id &&
    a.transaction?.startedAt === b.transaction?.startedAt
  );
}

/** Returns `facts` itself when nothing changes, so repeated snapshots cost no copy. */
function withConnector(facts: StationFacts, evseId: number, connectorId: number, change: (c: ConnectorFacts) => ConnectorFacts): StationFacts {
  const key = connectorKey(evseId, connectorId);
  const existing = facts.connectors.get(key);
  const before = existing ?? { evseId, connectorId, status: null, errorCode: null, powerW: null, transaction: null };
  const after = change(before);
  if (existing && sameConnector(existing, after)) return facts;
  const connectors = new Map(facts.connectors);
  connectors.set(key, after);
  return { ...facts, connectors };
}

function finiteOrNull(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * The station facts after a station-scoped observation. Observations about groups, removals and
 * security events (which leave nothing to remember) return the facts unchanged.
 */
export function updateStationFacts(facts: StationFacts, observation: AlarmObservation): StationFacts {
  switch (observation.kind) {
    case 'stationConnection': {
      const lastSeenAt = finiteOrNull(observation.lastSeenAt) ?? facts.lastSeenAt;
      const updated: StationFacts = {
        ...facts,
        connected: observation.connected === true,
        everSeen: facts.everSeen || observation.connected === true || lastSeenAt !== null,
        lastSeenAt,
        heartbeatIntervalS: finiteOrNull(observation.heartbeatIntervalS) ?? facts.heartbeatIntervalS,
        disconnectReason: observation.connected ? null : (observation.reason ?? facts.disconnectReason),
      };
      const same =
        updated.connected === facts.connected &&
        updated.everSeen === facts.everSeen &&
        updated.lastSeenAt === facts.lastSeenAt &&
        updated.heartbeatIntervalS === facts.heartbeatIntervalS &&
        updated.disconnectReason === facts.disconnectReason;
      return same ? facts : updated;
    }
    case 'connectorStatus':
      return withConnector(facts, observation.evseId, observation.connectorId, (c) => ({
        ...c,
        status: observation.status,
        errorCode: observation.errorCode,
      }));
    case 'measurement': {
      const value = finiteOrNull(observation.value);
      if (value === null) return facts;
      const { evseId, connectorId, quantity, phase } = observation;
      const key = measurementKey(evseId, connectorId, quantity, phase);
      if (facts.measurements.get(key)?.value === value) return facts;
      const measurements = new Map(facts.measurements);
      measurements.set(key, { evseId, connectorId, quantity, phase, value });
      const updated = { ...facts, measurements };
      if (quantity !== POWER_QUANTITY || (phase !== null && phase !== '')) return updated;
      return withConnector(updated, evseId, connectorId, (c) => ({ ...c, powerW: value }));
    }
    case 'transaction':
      return withConnector(facts, observation.evseId, observation.connectorId, (c) => {
        if (observation.stoppedAt === null) return { ...c, transaction: { id: observation.transactionId, startedAt: observation.startedAt } };
        // A late stop of an older transaction must not end the one now in progress.
        return c.transaction?.id === observation.transactionId ? { ...c, transaction: null } : c;
      });
    case 'profileVerification': {
      const known = facts.profiles.get(observation.evseId);
      if (known && known.applied === observation.applied && known.detail === observation.detail) return facts;
      const profiles = new Map(facts.profiles);
      profiles.set(observation.evseId, { evseId: observation.evseId, applied: observation.applied, detail: observation.detail });
      return { ...facts, profiles };
    }
    case 'firmwareStatus':
      return facts.firmwareStatus === observation.status ? facts : { ...facts, firmwareStatus: observation.status };
    case 'diagnosticsStatus':
      return facts.diagnosticsStatus === observation.status ? facts : { ...facts, diagnosticsStatus: observation.status };
    case 'stationSnapshot': {
      let updated = facts;
      for (const part of observation.parts) if (part.stationId === facts.stationId) updated = updateStationFacts(updated, part);
      return updated;
    }
    case 'stationRemoved':
    case 'groupLoad':
    case 'securityEvent':
      return facts;
  }
}
