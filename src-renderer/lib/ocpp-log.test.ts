import { describe, expect, it } from 'vitest';
import type { OcppFrameRecord } from '../../src-shared/domain/index.ts';
import { EMPTY_LOG, appendFrames, logToCsv, logToJson, matchesLogFilter } from './ocpp-log.ts';

const frame = (direction: 'in' | 'out', message: unknown, id?: number): OcppFrameRecord => ({
  ...(id === undefined ? {} : { id }),
  stationId: 'CP1',
  direction,
  frame: typeof message === 'string' ? message : JSON.stringify(message),
  at: '2026-01-01T10:00:00.000Z',
});

describe('OCPP message log model', () => {
  it('names results and errors after the call they answer, in the other direction only', () => {
    const log = appendFrames(EMPTY_LOG, [
      frame('in', [2, 'a1', 'Heartbeat', {}], 1),
      frame('out', [3, 'a1', { currentTime: 'x' }], 2),
      frame('out', [2, 'cs-1', 'ChangeConfiguration', { key: 'K', value: 'v' }], 3),
      frame('in', [4, 'cs-1', 'NotSupported', 'no', {}], 4),
      // Same message id from the same side: not an answer to it.
      frame('in', [3, 'a1', {}], 5),
    ]);
    expect(log.entries.map((e) => [e.kind, e.action, e.direction])).toEqual([
      ['result', null, 'in'],
      ['error', 'ChangeConfiguration', 'in'],
      ['call', 'ChangeConfiguration', 'out'],
      ['result', 'Heartbeat', 'out'],
      ['call', 'Heartbeat', 'in'],
    ]);
    expect(log.entries[1]?.errorCode).toBe('NotSupported');
  });

  it('keeps the newest frames first and at most the bound, across appends', () => {
    let log = appendFrames(EMPTY_LOG, [frame('in', [2, 'm1', 'Heartbeat', {}], 1)], 3);
    log = appendFrames(log, [frame('in', [2, 'm2', 'StatusNotification', {}]), frame('in', [2, 'm3', 'MeterValues', {}]), frame('in', [2, 'm4', 'Heartbeat', {}])], 3);
    expect(log.entries.map((e) => e.messageId)).toEqual(['m4', 'm3', 'm2']);
    expect(new Set(log.entries.map((e) => e.key)).size).toBe(3);
  });

  it('marks frames that are not OCPP-J arrays instead of failing', () => {
    const log = appendFrames(EMPTY_LOG, [frame('in', 'not json'), frame('in', { a: 1 })]);
    expect(log.entries.map((e) => e.kind)).toEqual(['invalid', 'invalid']);
  });

  it('filters by action text (any case), by frame text and by direction', () => {
    const log = appendFrames(EMPTY_LOG, [frame('in', [2, 'a', 'Heartbeat', {}]), frame('out', [3, 'a', { currentTime: '2026' }]), frame('in', [2, 'b', 'MeterValues', { connectorId: 7 }])]);
    const shown = (text: string, direction: 'all' | 'in' | 'out' = 'all') => log.entries.filter((e) => matchesLogFilter(e, { text, direction })).map((e) => e.messageId);
    expect(shown('heartbeat')).toEqual(['a', 'a']);
    expect(shown('heartbeat', 'in')).toEqual(['a']);
    expect(shown('connectorId')).toEqual(['b']);
    expect(shown('', 'out')).toEqual(['a']);
    expect(shown('Authorize')).toEqual([]);
  });

  it('exports CSV with a header and JSON with the frames parsed back', () => {
    const log = appendFrames(EMPTY_LOG, [frame('in', [2, 'a', 'Heartbeat', {}])]);
    const csv = logToCsv(log.entries, { separator: ',', decimal: '.' });
    expect(csv.split('\r\n')[0]).toBe('\uFEFFat,direction,type,action,messageId,errorCode,frame');
    expect(csv).toContain('Heartbeat');
    const json = JSON.parse(logToJson('CP1', log.entries)) as Array<{ action: string; frame: unknown[] }>;
    expect(json[0]?.action).toBe('Heartbeat');
    expect(json[0]?.frame).toEqual([2, 'a', 'Heartbeat', {}]);
  });
});
