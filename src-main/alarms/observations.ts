// Translation of the domain events the bus carries into alarm observations. The shell calls this
// for every bus event and feeds the result to `step`; sources that have no domain event yet
// (group load, profile verification, firmware and diagnostics status, security events) are fed
// by their services directly as observations.
import type { DomainEvent, StationState, Transaction } from '../../src-shared/domain/index.ts';
import { parseTimestamp } from '../../src-shared/time/index.ts';
import type { AlarmObservation, EpochMs, StationSnapshotPart } from './types.ts';

const PHASES = ['L1', 'L2', 'L3'] as const;

function epochOf(text: string | null): EpochMs | null {
  if (text === null) return null;
  return parseTimestamp(text)?.getTime() ?? null;
}

export function observationsFromStation(station: StationState): StationSnapshotPart[] {
  const stationId = station.id;
  const observations: StationSnapshotPart[] = [
    {
      kind: 'stationConnection',
      stationId,
      connected: station.connected,
      lastSeenAt: epochOf(station.lastSeenAt),
      heartbeatIntervalS: station.heartbeatIntervalS,
      reason: station.lastDisconnectReason,
    },
    { kind: 'connectorStatus', stationId, evseId: 0, connectorId: 0, status: station.status, errorCode: station.errorCode },
  ];
  for (const c of station.connectors) {
    const { evseId, connectorId } = c;
    observations.push({ kind: 'connectorStatus', stationId, evseId, connectorId, status: c.status, errorCode: c.errorCode });
    const measure = (quantity: string, phase: string | null, value: number | null): void => {
      if (value !== null) observations.push({ kind: 'measurement', stationId, evseId, connectorId, quantity, phase, value });
    };
    measure('Power.Active.Import', null, c.powerW);
    measure('Energy.Active.Import.Register', null, c.energyWh);
    measure('SoC', null, c.soc);
    c.currentA.forEach((value, index) => measure('Current.Import', PHASES[index] ?? null, value));
  }
  return observations;
}

export function observationFromTransaction(transaction: Transaction): AlarmObservation | null {
  const startedAt = epochOf(transaction.startedAt);
  if (startedAt === null) return null;
  const stoppedText = transaction.stoppedAt;
  // A stop time we cannot read still means the transaction is over.
  const stoppedAt = stoppedText === null ? null : (epochOf(stoppedText) ?? startedAt);
  return {
    kind: 'transaction',
    stationId: transaction.stationId,
    evseId: transaction.evseId,
    connectorId: transaction.connectorId,
    transactionId: transaction.id,
    startedAt,
    stoppedAt,
  };
}

/** The observations a domain event carries; events alarms do not watch give none. */
export function observationsFromDomainEvent(event: DomainEvent): AlarmObservation[] {
  switch (event.type) {
    case 'station':
      return [{ kind: 'stationSnapshot', stationId: event.station.id, parts: observationsFromStation(event.station) }];
    case 'stationRemoved':
      return [{ kind: 'stationRemoved', stationId: event.stationId }];
    case 'transaction': {
      const observation = observationFromTransaction(event.transaction);
      return observation ? [observation] : [];
    }
    case 'stationNotice': {
      const n = event.notice;
      if (n.kind === 'securityEvent') return [{ kind: 'securityEvent', stationId: event.stationId, eventType: n.eventType, techInfo: n.techInfo }];
      if (n.kind === 'profileVerification') return [{ kind: 'profileVerification', stationId: event.stationId, evseId: n.evseId, applied: n.applied, detail: n.detail }];
      if (n.kind === 'reservationStatus') return [];
      return [{ kind: n.kind, stationId: event.stationId, status: n.status }];
    }
    case 'command':
    case 'reservation':
    case 'badge':
    case 'alarm':
    case 'notification':
    case 'ocppFrame':
    case 'projectApplied':
    case 'projectSaved':
    case 'archive':
      return [];
  }
}
