import { describe, expect, it } from 'vitest';
import type { ChargingProfileDefinition, ProfileUpload } from '../../src-shared/domain/index.ts';
import { compositeLimitAt, findConflicts, limitAfter, validateProfile, validateTarget } from './library.ts';

const NIGHT: ChargingProfileDefinition = {
  id: 10,
  name: 'Depot night',
  category: 'buses',
  stackLevel: 2,
  purpose: 'txDefault',
  kind: 'Recurring',
  recurrency: 'Daily',
  startSchedule: '2026-11-01T18:00:00Z',
  durationS: 14 * 3600,
  unit: 'A',
  periods: [
    { startS: 0, limit: 16 },
    { startS: 4 * 3600, limit: 32 },
    { startS: 10 * 3600, limit: 10, phases: 3 },
  ],
};

function upload(profileId: number, stationId: string, evseId = 0, outcome: ProfileUpload['outcome'] = 'accepted'): ProfileUpload {
  return { profileId, stationId, evseId, at: '2026-11-24T10:00:00Z', outcome, status: outcome === 'accepted' ? 'Accepted' : 'Rejected', detail: null };
}

describe('profile validation', () => {
  it('accepts a well-formed recurring depot profile', () => {
    expect(validateProfile(NIGHT)).toEqual([]);
  });

  it('points at each faulty field with a sentence a person can act on', () => {
    const bad: ChargingProfileDefinition = {
      ...NIGHT,
      id: 950,
      name: ' ',
      kind: 'Relative',
      periods: [
        { startS: 60, limit: 16 },
        { startS: 30, limit: -1 },
      ],
    };
    const errors = validateProfile(bad);
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['id', 'name', 'startSchedule', 'recurrency', 'periods[0].startS', 'periods[1].startS', 'periods[1].limit']));
    expect(errors.find((e) => e.path === 'id')?.message).toMatch(/supervisor's own/);
    expect(errors.find((e) => e.path === 'startSchedule')?.message).toMatch(/Relative profile starts with each transaction/);
  });

  it('refuses a recurring profile longer than its cycle and a validity that ends before it starts', () => {
    const errors = validateProfile({ ...NIGHT, durationS: 2 * 86_400, validFrom: '2026-12-01T00:00:00Z', validTo: '2026-11-01T00:00:00Z' });
    expect(errors.map((e) => e.path).sort()).toEqual(['durationS', 'validTo']);
  });

  it('refuses a station maximum profile on one EVSE only', () => {
    expect(validateTarget({ ...NIGHT, purpose: 'stationMax' }, 1)[0]?.message).toMatch(/whole station/);
    expect(validateTarget({ ...NIGHT, purpose: 'stationMax' }, 0)).toEqual([]);
    expect(validateTarget(NIGHT, 2)).toEqual([]);
  });
});

describe('profile conflicts', () => {
  const DAY: ChargingProfileDefinition = { ...NIGHT, id: 11, name: 'Depot day' };

  it('finds two profiles of the same purpose and stack level on the same EVSE, and explains it', () => {
    const conflicts = findConflicts([NIGHT, DAY], [upload(10, 'BUS-1'), upload(11, 'BUS-1'), upload(11, 'BUS-2')]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ stationId: 'BUS-1', evseId: 0, profileIds: [10, 11] });
    expect(conflicts[0]?.message).toMatch(/keeps only the last one sent/);
  });

  it('does not flag other stack levels, other purposes, other EVSEs, disjoint validity or refused uploads', () => {
    const library = [
      NIGHT,
      { ...DAY, stackLevel: 3 },
      { ...DAY, id: 12, purpose: 'stationMax' as const },
      { ...DAY, id: 13, validFrom: '2027-01-01T00:00:00Z' },
      { ...NIGHT, id: 14, validTo: '2026-12-31T00:00:00Z' },
      { ...DAY, id: 15 },
    ];
    const uploads = [upload(10, 'A'), upload(11, 'A'), upload(12, 'A'), upload(13, 'B'), upload(14, 'B'), upload(10, 'C', 1), upload(15, 'C', 2), upload(15, 'A', 0, 'rejected')];
    expect(findConflicts(library, uploads)).toEqual([]);
  });

  it('warns that a transaction default at stack level 0 on the whole station replaces the safe default', () => {
    const conflicts = findConflicts([{ ...NIGHT, stackLevel: 0 }], [upload(10, 'BUS-1', 0)]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.profileIds).toEqual([10, 900]);
    expect(conflicts[0]?.message).toMatch(/safe default/);
  });

  it('checks a candidate against what the stations already hold before it is sent', () => {
    const conflicts = findConflicts([NIGHT], [upload(10, 'BUS-1')], { profile: DAY, targets: [{ stationId: 'BUS-1', evseId: 0 }] });
    expect(conflicts.map((c) => c.profileIds)).toEqual([[10, 11]]);
  });
});

describe('schedules', () => {
  it('give the period in force, wrap around a recurring cycle and end with their duration', () => {
    expect(limitAfter(NIGHT, 0)).toBe(16);
    expect(limitAfter(NIGHT, 4 * 3600)).toBe(32);
    expect(limitAfter(NIGHT, 11 * 3600)).toBe(10);
    expect(limitAfter(NIGHT, 86_400 + 5 * 3600)).toBe(32);
    expect(limitAfter(NIGHT, 15 * 3600)).toBeNull();
    expect(limitAfter({ ...NIGHT, kind: 'Absolute' }, 86_400 + 5 * 3600)).toBeNull();
  });

  it('read a composite schedule at an instant', () => {
    const schedule = { evseId: 1, start: '2026-11-24T10:00:00Z', durationS: 600, unit: 'A' as const, periods: [{ startS: 0, limit: 12 }, { startS: 300, limit: 20 }] };
    expect(compositeLimitAt(schedule, Date.parse('2026-11-24T10:01:00Z'))).toBe(12);
    expect(compositeLimitAt(schedule, Date.parse('2026-11-24T10:06:00Z'))).toBe(20);
    expect(compositeLimitAt(schedule, Date.parse('2026-11-24T10:11:00Z'))).toBeNull();
  });
});
