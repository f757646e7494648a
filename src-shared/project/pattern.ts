// Station naming patterns ("P1-CP{01..50}" → P1-CP01 ... P1-CP50), shared by the generator
// (src-main/project) and the wizard screen, which checks patterns as the engineer types. Pure.

/** Most stations one batch may make. */
export const MAX_BATCH_SIZE = 10_000;

const ID_RULE = /^[\x21-\x7e]{1,48}$/;

export type PatternResult = { ok: true; ids: string[] } | { ok: false; problem: string };

interface Range {
  first: number;
  last: number | null;
  width: number;
}

/**
 * Expands a naming pattern: "P1-CP{01..50}" → P1-CP01 ... P1-CP50. See WizardStationBatch.pattern.
 * Never throws: a pattern it cannot expand gives a problem in words.
 */
export function expandPattern(pattern: string, count?: number): PatternResult {
  const parts: (string | Range)[] = [];
  let rest = pattern;
  for (;;) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open < 0 && close < 0) break;
    if (open < 0 || close < open) return { ok: false, problem: 'has a "}" without its "{"' };
    if (close < 0) return { ok: false, problem: 'has a "{" without its "}"' };
    const body = rest.slice(open + 1, close);
    const match = /^(\d{1,6})\.\.(\d{1,6})?$/.exec(body);
    if (!match?.[1]) return { ok: false, problem: `has "{${body}}", which is not a range such as {01..50} or {1..}` };
    const a = match[1];
    const b = match[2];
    const first = Number(a);
    const last = b === undefined ? null : Number(b);
    if (last !== null && last < first) return { ok: false, problem: `has the range {${body}}, which goes down: write it from the lower number` };
    const padded = (a.length > 1 && a.startsWith('0')) || (b !== undefined && b.length > 1 && b.startsWith('0'));
    parts.push(rest.slice(0, open), { first, last, width: padded ? Math.max(a.length, b?.length ?? 0) : 0 });
    rest = rest.slice(close + 1);
  }
  parts.push(rest);
  const ranges = parts.filter((p): p is Range => typeof p !== 'string');
  const open = ranges.filter((r) => r.last === null);
  if (open.length > 0 && ranges.length > 1) return { ok: false, problem: 'has an open range {n..} next to another range: close it, e.g. {01..20}' };
  if (open.length > 0 && count === undefined) return { ok: false, problem: 'has an open range {n..}: give the number of stations (count)' };
  if (ranges.length === 0 && count !== undefined && count !== 1) {
    return { ok: false, problem: `has no range such as {01..50} but the count is ${count}: add a range so every station gets its own id` };
  }
  const sizes = ranges.map((r) => (r.last === null ? (count ?? 0) : r.last - r.first + 1));
  const total = sizes.reduce((a, b) => a * b, 1);
  if (open.length === 0 && count !== undefined && count !== total) {
    return { ok: false, problem: `makes ${total} station id${total === 1 ? '' : 's'} but the count is ${count}` };
  }
  if (total > MAX_BATCH_SIZE) return { ok: false, problem: `makes ${total} station ids, more than ${MAX_BATCH_SIZE}` };
  let ids = [''];
  for (const part of parts) {
    if (typeof part === 'string') {
      ids = ids.map((id) => id + part);
      continue;
    }
    const size = part.last === null ? (count ?? 0) : part.last - part.first + 1;
    const next: string[] = [];
    for (const id of ids) for (let i = 0; i < size; i++) next.push(id + String(part.first + i).padStart(part.width, '0'));
    ids = next;
  }
  const bad = ids.find((id) => !ID_RULE.test(id));
  if (bad !== undefined) return { ok: false, problem: `makes "${bad}", which is not a valid station id (1 to 48 visible ASCII characters, without spaces)` };
  return { ok: true, ids };
}

