import { describe, expect, test } from 'vitest';
import { staggerFromDraft, staggerToDraft } from './stagger.ts';

const draft = { enabled: true, mode: 'random' as const, windowS: '120', spacingS: '15', minOccupancy: '50' };

describe('staggered-start form', () => {
  test('a valid form becomes the settings, occupancy as a fraction, and comes back the same', () => {
    const { settings, invalid } = staggerFromDraft(draft);
    expect(invalid).toEqual([]);
    expect(settings).toEqual({ staggeredStart: { enabled: true, mode: 'random', windowS: 120, spacingS: 15, minOccupancy: 0.5 } });
    expect(settings && staggerToDraft(settings.staggeredStart)).toEqual(draft);
  });

  test('optional fields left empty are left out', () => {
    expect(staggerFromDraft({ ...draft, spacingS: '', minOccupancy: ' ' }).settings).toEqual({ staggeredStart: { enabled: true, mode: 'random', windowS: 120 } });
  });

  test('each out-of-range field is named and nothing is produced', () => {
    expect(staggerFromDraft({ ...draft, windowS: '0' })).toEqual({ settings: null, invalid: ['windowS'] });
    expect(staggerFromDraft({ ...draft, windowS: '14401' }).invalid).toEqual(['windowS']);
    expect(staggerFromDraft({ ...draft, spacingS: '130' }).invalid).toEqual(['spacingS']);
    expect(staggerFromDraft({ ...draft, minOccupancy: '101', windowS: 'abc' }).invalid).toEqual(['windowS', 'minOccupancy']);
  });
});
