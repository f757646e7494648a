import { describe, expect, it } from 'vitest';
import { normaliseTimestamp, parseTimestamp } from './index.ts';

describe('parseTimestamp', () => {
  it('truncates more than three fractional digits instead of rejecting the timestamp', () => {
    expect(parseTimestamp('2026-03-01T10:00:00.123456789Z')?.toISOString()).toBe('2026-03-01T10:00:00.123Z');
  });
  it('applies an explicit offset and treats a missing zone as UTC', () => {
    expect(parseTimestamp('2026-03-01T10:00:00+02:00')?.toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(parseTimestamp('2026-03-01T10:00:00')?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });
  it('returns null for text that is not a timestamp', () => {
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseTimestamp('2026-13-45T99:00:00Z')).toBeNull();
  });
  it('falls back to the given time when normalising garbage', () => {
    const fallback = new Date('2026-01-01T00:00:00Z');
    expect(normaliseTimestamp('nope', fallback)).toBe('2026-01-01T00:00:00.000Z');
  });
});
