// Domain events into observations, and the engine fed through them end to end.
import { describe, expect, it } from 'vitest';
import type { StationState, Transaction } from '../../src-shared/domain/index.ts';
import { observationsFromDomainEvent } from './observations.ts';
import { AlarmHarness, MINUTE, T0 } from './test-support.ts';
import type { AlarmRule } from './types.ts';

function station(over: Partial<StationState> = {}): StationState {
  return {
    id: 'CP1',
    protocol: 'ocpp1.6',
    registration: 'accepted',
    declared: true,
    connected: true,
    vendor: null,
    model: null,
    serialNumber: null,
    firmwareVersion: null,
    status: 'Available',
    errorCode: null,
    heartbeatIntervalS: 60,
    lastSeenAt: '2025-01-06T08:00:00Z',
    bootedAt: null,
    lastDisconnectReason: null,
    remoteAddress: null,
    group: null,
    maxPowerW: null,
    connectors: [
      {
        evseId: 1,
        connectorId: 1,
        status: 'Charging',
        errorCode: null,
        powerW: 7_000,
        currentA: [10, null, 10],
        energyWh: 1_234,
        soc: null,
        transactionId: 3,
        idTag: 'TAG',
        updatedAt: '2025-01-06T08:00:00Z',
      },
    ],
    ...over,
  };
}

const transaction: Transaction = {
  id: 3,
  stationId: 'CP1',
  ocppTransactionId: '3',
  evseId: 1,
  connectorId: 1,
  idTag: 'TAG',
  startedAt: '2025-01-06T08:00:00.000Z',
  stoppedAt: null,
  meterStartWh: 0,
  meterStopWh: null,
  energyWh: null,
  socStart: null,
  socEnd: null,
  stopReason: null,
  lastUpdateAt: '2025-01-06T08:00:00.000Z',
};

describe('observationsFromDomainEvent', () => {
  it('turns a station snapshot into one observation made of its connection, statuses and measurements', () => {
    const [snapshot, ...more] = observationsFromDomainEvent({ type: 'station', station: station() });
    expect(more).toEqual([]);
    expect(snapshot).toMatchObject({ kind: 'stationSnapshot', stationId: 'CP1' });
    expect(snapshot?.kind === 'stationSnapshot' ? snapshot.parts : null).toEqual([
      { kind: 'stationConnection', stationId: 'CP1', connected: true, lastSeenAt: T0, heartbeatIntervalS: 60, reason: null },
      { kind: 'connectorStatus', stationId: 'CP1', evseId: 0, connectorId: 0, status: 'Available', errorCode: null },
      { kind: 'connectorStatus', stationId: 'CP1', evseId: 1, connectorId: 1, status: 'Charging', errorCode: null },
      { kind: 'measurement', stationId: 'CP1', evseId: 1, connectorId: 1, quantity: 'Power.Active.Import', phase: null, value: 7_000 },
      { kind: 'measurement', stationId: 'CP1', evseId: 1, connectorId: 1, quantity: 'Energy.Active.Import.Register', phase: null, value: 1_234 },
      { kind: 'measurement', stationId: 'CP1', evseId: 1, connectorId: 1, quantity: 'Current.Import', phase: 'L1', value: 10 },
      { kind: 'measurement', stationId: 'CP1', evseId: 1, connectorId: 1, quantity: 'Current.Import', phase: 'L3', value: 10 },
    ]);
  });

  it('turns transactions and removals into observations and ignores the rest', () => {
    expect(observationsFromDomainEvent({ type: 'transaction', transaction })).toEqual([
      { kind: 'transaction', stationId: 'CP1', evseId: 1, connectorId: 1, transactionId: 3, startedAt: T0, stoppedAt: null },
    ]);
    expect(observationsFromDomainEvent({ type: 'transaction', transaction: { ...transaction, startedAt: 'garbage' } })).toEqual([]);
    expect(observationsFromDomainEvent({ type: 'stationRemoved', stationId: 'CP1' })).toEqual([{ kind: 'stationRemoved', stationId: 'CP1' }]);
    expect(observationsFromDomainEvent({ type: 'badge', badge: { idTag: 'X', status: 'Accepted', expiresAt: null, parentIdTag: null, label: null, category: null } })).toEqual([]);
  });

  it('drives the engine: a faulted connector and a lost station from station snapshots', () => {
    const rules: AlarmRule[] = [
      { id: 'comm', name: 'Communication lost', kind: 'communicationLost', severity: 'major', onDelayMs: MINUTE },
      { id: 'fault', name: 'Faulted', kind: 'connectorFaulted', severity: 'major' },
    ];
    const h = new AlarmHarness(rules);
    const feed = (s: StationState, at: number): void => {
      for (const o of observationsFromDomainEvent({ type: 'station', station: s })) h.feed(o, at);
    };
    feed(station(), T0);
    const faulted = station();
    faulted.connectors = faulted.connectors.map((c) => ({ ...c, status: 'Faulted', errorCode: 'GroundFailure', powerW: 0 }));
    feed(faulted, T0 + MINUTE);
    feed({ ...faulted, connected: false, lastDisconnectReason: 'socket closed' }, T0 + 2 * MINUTE);
    h.tick(T0 + 3 * MINUTE);
    expect(h.alarms().map((a) => a.message).sort()).toEqual(['CP1 connector 1: Faulted (GroundFailure)', 'CP1: communication lost (socket closed)']);
    // Repeating the same snapshot changes nothing.
    const before = h.transitions.length;
    feed({ ...faulted, connected: false, lastDisconnectReason: 'socket closed' }, T0 + 4 * MINUTE);
    expect(h.transitions).toHaveLength(before);
  });

  it('judges a snapshot as a whole: a car that resumes (status Charging and its power in one snapshot) is never seen charging at the old 0 W', () => {
    // Without a delay, a stalled charge is raised as soon as it is seen; judging the snapshot part
    // by part saw "Charging" with the previous snapshot's 0 W and raised a momentary alarm.
    const h = new AlarmHarness([{ id: 'stalled', name: 'Stalled', kind: 'chargeStalled', severity: 'minor', minPowerW: 500, stalledForMs: 0 }]);
    const feed = (s: StationState, at: number): void => {
      for (const o of observationsFromDomainEvent({ type: 'station', station: s })) h.feed(o, at);
    };
    const paused = station();
    paused.connectors = paused.connectors.map((c) => ({ ...c, status: 'SuspendedEV', powerW: 0 }));
    feed(paused, T0);
    feed(station(), T0 + MINUTE);
    expect(h.transitions).toEqual([]);
    // A real stall is still raised.
    const stalled = station();
    stalled.connectors = stalled.connectors.map((c) => ({ ...c, powerW: 100 }));
    feed(stalled, T0 + 2 * MINUTE);
    h.tick(T0 + 20 * MINUTE);
    expect(h.alarms().map((a) => a.ruleId)).toEqual(['stalled']);
  });
});
