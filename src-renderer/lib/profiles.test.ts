import { describe, expect, test } from 'vitest';
import { compositeSteps, draftToProfile, formatOffset, messagesByPath, newDraft, niceTicks, profileSteps, profileToDraft, timeTicks, type ProfileDraft } from './profiles.ts';

const base = (): ProfileDraft => ({ ...newDraft([1, 2], new Date('2026-03-01T10:17:00Z')), name: 'Night', periods: [{ startS: '0', limit: '16', phases: '' }, { startS: '3600', limit: '8,5', phases: '3' }] });

describe('profile drafts', () => {
  test('a new draft takes the first free id and starts on the hour', () => {
    const d = newDraft([1, 2, 4], new Date('2026-03-01T10:17:00Z'));
    expect(d.id).toBe('3');
    expect(d.startSchedule.endsWith(':00')).toBe(true);
    expect(d.periods).toHaveLength(1);
  });

  test('a complete draft becomes a profile (decimal comma accepted) and comes back unchanged', () => {
    const { profile, problems } = draftToProfile(base());
    expect(problems).toEqual([]);
    expect(profile).toMatchObject({ id: 3, name: 'Night', stackLevel: 1, purpose: 'txDefault', kind: 'Absolute', unit: 'A', periods: [{ startS: 0, limit: 16 }, { startS: 3600, limit: 8.5, phases: 3 }] });
    expect(profile?.startSchedule).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00\.000Z$/);
    expect(profile && draftToProfile(profileToDraft(profile)).profile).toEqual(profile);
  });

  test('numbers out of the contract are reported on their field and give no profile', () => {
    const d = { ...base(), id: '900', stackLevel: '1.5', name: ' ', durationS: 'abc', periods: [{ startS: '-5', limit: '', phases: '' as const }] };
    const { profile, problems } = draftToProfile(d);
    expect(profile).toBeNull();
    expect(problems).toEqual([
      { path: 'id', code: 'range', min: 1, max: 899 },
      { path: 'stackLevel', code: 'notWhole' },
      { path: 'durationS', code: 'notNumber' },
      { path: 'name', code: 'required' },
      { path: 'periods[0].startS', code: 'range', min: 0, max: Number.MAX_SAFE_INTEGER },
      { path: 'periods[0].limit', code: 'required' },
    ]);
  });

  test('messages are grouped by field path', () => {
    const map = messagesByPath([
      { path: 'periods[1].startS', text: 'a' },
      { path: 'name', text: 'b' },
      { path: 'periods[1].startS', text: 'c' },
    ]);
    expect(map.get('periods[1].startS')).toEqual(['a', 'c']);
    expect(map.get('name')).toEqual(['b']);
  });
});

describe('step series', () => {
  test('a profile ends at its duration, holding the last limit', () => {
    expect(profileSteps({ kind: 'Absolute', durationS: 7200, periods: [{ startS: 3600, limit: 8 }, { startS: 0, limit: 16 }] })).toEqual([
      { t: 0, limit: 16 },
      { t: 3600, limit: 8 },
      { t: 7200, limit: 8 },
    ]);
  });

  test('a recurring daily profile without duration spans one day; one without either, an hour past its last period', () => {
    expect(profileSteps({ kind: 'Recurring', recurrency: 'Daily', periods: [{ startS: 0, limit: 10 }] }).at(-1)).toEqual({ t: 86_400, limit: 10 });
    expect(profileSteps({ kind: 'Relative', periods: [{ startS: 0, limit: 10 }, { startS: 600, limit: 5 }] }).at(-1)).toEqual({ t: 4200, limit: 5 });
    expect(profileSteps({ kind: 'Relative', periods: [] })).toEqual([]);
  });

  test('a composite schedule is placed at its start instant', () => {
    const start = '2026-03-01T10:00:00.000Z';
    const t0 = Date.parse(start);
    expect(compositeSteps({ evseId: 0, start, durationS: 600, unit: 'A', periods: [{ startS: 0, limit: 32 }, { startS: 300, limit: 16 }] })).toEqual([
      { t: t0, limit: 32 },
      { t: t0 + 300_000, limit: 16 },
      { t: t0 + 600_000, limit: 16 },
    ]);
    expect(compositeSteps({ evseId: 0, start: 'nonsense', durationS: null, unit: 'A', periods: [] })).toEqual([]);
  });

  test('offsets read as days, hours, minutes, seconds', () => {
    expect(formatOffset(0)).toBe('0');
    expect(formatOffset(5400)).toBe('1 h 30 min');
    expect(formatOffset(90_061)).toBe('1 d 1 h 1 min 1 s');
  });
});

describe('axis ticks', () => {
  test('offsets get round steps, at most the number asked', () => {
    expect(niceTicks(0, 7200)).toEqual([0, 900, 1800, 2700, 3600, 4500, 5400, 6300, 7200]);
    expect(niceTicks(0, 86_400)).toEqual([0, 10_800, 21_600, 32_400, 43_200, 54_000, 64_800, 75_600, 86_400]);
    expect(niceTicks(100, 100)).toEqual([100]);
  });
  test('time ticks fall on whole steps of epoch ms', () => {
    const start = Date.parse('2026-03-01T10:17:00Z');
    const ticks = timeTicks(start, start + 86_400_000);
    expect(ticks.length).toBeLessThanOrEqual(8);
    expect(ticks.every((t) => t % 10_800_000 === 0)).toBe(true);
  });
});
