import { describe, expect, test } from 'vitest';
import type { AlarmInstance } from '../../src-shared/alarms/types.ts';
import { useAlarms, onAudibleRaise } from '../store/alarms.ts';
import { alarmMessageParts, EMPTY_ALARM_FILTER, filterAlarms, isNewAudibleRaise, newestUnacknowledged, sitesOf, sourceText } from './alarms.ts';

let n = 0;
function alarm(patch: Partial<AlarmInstance> = {}): AlarmInstance {
  n += 1;
  return {
    id: `A${n}`,
    ruleId: 'faulted',
    ruleKind: 'connectorFaulted',
    ruleName: 'Faulted',
    source: { stationId: 'CP-1', evseId: 1, connectorId: 1, groupId: null, siteId: null, detail: null },
    sourceKey: `station:CP-1/evse:1/connector:${n}`,
    state: 'activeUnacknowledged',
    severity: 'major',
    firstRaisedAt: 1000 + n,
    raisedAt: 1000 + n,
    clearedAt: null,
    acknowledgement: null,
    shelving: null,
    flapping: false,
    value: 'GroundFailure',
    message: 'CP-1 connector 1: Faulted (GroundFailure)',
    occurrences: 1,
    ...patch,
  };
}

describe('alarm list filter', () => {
  const critical = alarm({ severity: 'critical', source: { stationId: 'CP-2', evseId: null, connectorId: null, groupId: null, siteId: 'north', detail: null } });
  const acked = alarm({ state: 'activeAcknowledged', acknowledgement: { at: 5, by: 'op', comment: '' } });
  const clearedUnack = alarm({ state: 'clearedUnacknowledged', severity: 'minor' });
  const shelved = alarm({ shelving: { at: 1, by: 'op', reason: 'works', until: 99_999 } });
  const all = [acked, clearedUnack, shelved, critical];

  test('all states: shelved included, most severe first', () => {
    expect(filterAlarms(all, EMPTY_ALARM_FILTER).map((a) => a.id)).toEqual([critical.id, shelved.id, acked.id, clearedUnack.id]);
  });
  test('by state, severity, station and site', () => {
    expect(filterAlarms(all, { ...EMPTY_ALARM_FILTER, state: 'unacknowledged' }).map((a) => a.id)).toEqual([critical.id, clearedUnack.id]);
    expect(filterAlarms(all, { ...EMPTY_ALARM_FILTER, state: 'shelved' }).map((a) => a.id)).toEqual([shelved.id]);
    expect(filterAlarms(all, { ...EMPTY_ALARM_FILTER, state: 'activeAcknowledged' }).map((a) => a.id)).toEqual([acked.id]);
    expect(filterAlarms(all, { ...EMPTY_ALARM_FILTER, severities: ['minor', 'critical'] }).map((a) => a.id)).toEqual([critical.id, clearedUnack.id]);
    expect(filterAlarms(all, { ...EMPTY_ALARM_FILTER, station: 'cp-2' }).map((a) => a.id)).toEqual([critical.id]);
    expect(filterAlarms(all, { ...EMPTY_ALARM_FILTER, site: 'north' }).map((a) => a.id)).toEqual([critical.id]);
    expect(sitesOf(all)).toEqual(['north']);
  });
  test('the shortcut takes the newest unacknowledged, never a shelved one', () => {
    const newest = alarm({ raisedAt: 10_000, shelving: { at: 1, by: 'op', reason: 'r', until: 2 } });
    expect(newestUnacknowledged([...all, newest])?.id).toBe(clearedUnack.id);
    expect(newestUnacknowledged([acked])).toBeNull();
  });
});

describe('audible alert', () => {
  test('sounds for a new or re-raised critical/major alarm only', () => {
    const a = alarm();
    expect(isNewAudibleRaise(undefined, a)).toBe(true);
    expect(isNewAudibleRaise(a, { ...a, occurrences: 2 })).toBe(false);
    expect(isNewAudibleRaise({ ...a, state: 'clearedUnacknowledged' }, { ...a, raisedAt: a.raisedAt + 10 })).toBe(true);
    expect(isNewAudibleRaise(undefined, { ...a, severity: 'minor' })).toBe(false);
    expect(isNewAudibleRaise(undefined, { ...a, state: 'activeAcknowledged' })).toBe(false);
  });

  test('the store keeps the live list from events and reports fresh raises', () => {
    const heard: string[] = [];
    const off = onAudibleRaise((raised) => heard.push(...raised.map((r) => r.id)));
    const a = alarm();
    const minor = alarm({ severity: 'minor' });
    useAlarms.getState().applyEvents([
      { type: 'alarm', alarm: a },
      { type: 'alarm', alarm: minor },
    ]);
    expect(Object.keys(useAlarms.getState().alarms).sort()).toEqual([a.id, minor.id].sort());
    useAlarms.getState().applyEvents([{ type: 'alarm', alarm: { ...a, state: 'activeAcknowledged' } }]);
    useAlarms.getState().applyEvents([{ type: 'alarm', alarm: { ...a, state: 'cleared' } }]);
    expect(Object.keys(useAlarms.getState().alarms)).toEqual([minor.id]);
    expect(heard).toEqual([a.id]);
    off();
  });
});

describe('labels', () => {
  test('source and the messages the UI translates', () => {
    const a = alarm();
    expect(sourceText(a.source)).toBe('CP-1 · 1');
    expect(alarmMessageParts(a)).toEqual({ key: 'faulted', source: 'CP-1 · 1', code: 'GroundFailure' });
    const lost = alarm({ ruleKind: 'communicationLost', source: { ...a.source, evseId: null, connectorId: null }, message: 'CP-1: communication lost (flood)' });
    expect(alarmMessageParts(lost)).toEqual({ key: 'communicationLost', source: 'CP-1', reason: 'flood' });
    const other = alarm({ ruleKind: 'chargeStalled', message: 'CP-1 connector 1: charging at 3 W, below 100 W' });
    expect(alarmMessageParts(other)).toEqual({ key: null, text: other.message });
  });
});
