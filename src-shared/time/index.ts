// Time helpers shared by both sides. Stations send ISO-8601 with any number of fractional
// digits and sometimes without a zone; the archive stores UTC milliseconds ISO strings.

/** Parses an OCPP timestamp; returns null when it is not a date. Extra fraction digits are truncated. */
export function parseTimestamp(text: string): Date | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const fraction = (m[2] ?? '').slice(0, 3).padEnd(3, '0');
  const zone = m[3] ?? 'Z';
  const ms = Date.parse(`${m[1]}.${fraction}${zone}`);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Normalises an OCPP timestamp to `YYYY-MM-DDTHH:mm:ss.sssZ`; falls back to `fallback` if unparsable. */
export function normaliseTimestamp(text: string | undefined, fallback: Date = new Date()): string {
  const parsed = text === undefined ? null : parseTimestamp(text);
  return (parsed ?? fallback).toISOString();
}
