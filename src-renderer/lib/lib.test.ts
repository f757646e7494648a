import { describe, expect, test } from 'vitest';
import { csvDialect, csvFileName, toCsv } from './csv.ts';
import { formatDuration, formatKw, formatKwh, formatMoment, localInputToIso } from './format.ts';
import { parseHash, routeHash } from './route.ts';
import { columnsToCsv, compareValues, nextSort, sortRows, type Column } from './table.ts';

describe('csv', () => {
  test('English: comma separator, point decimals, BOM and CRLF', () => {
    const text = toCsv(['a', 'b'], [[1.5, 'x'], [null, 'y,z']], csvDialect('en'));
    expect(text).toBe('\uFEFFa,b\r\n1.5,x\r\n,"y,z"\r\n');
  });

  test('French: semicolon separator and decimal comma for Excel', () => {
    expect(toCsv(['n'], [[1.25]], csvDialect('fr'))).toBe('\uFEFFn\r\n1,25\r\n');
  });

  test('quotes, newlines and formula injection are neutralised', () => {
    const text = toCsv(['v'], [['say "hi"'], ['=HYPERLINK("x")'], ['two\nlines']], csvDialect('en'));
    expect(text.split('\r\n').slice(1, 4)).toEqual(['"say ""hi"""', `"'=HYPERLINK(""x"")"`, '"two\nlines"']);
  });

  test('file names carry the local date and time', () => {
    expect(csvFileName('stations', new Date(2026, 0, 2, 3, 4))).toBe('stations-20260102-0304.csv');
  });
});

describe('table sort', () => {
  interface Row {
    id: string;
    power: number | null;
  }
  const columns: Column<Row>[] = [
    { id: 'id', label: 'Id', sortValue: (r) => r.id, render: (r) => r.id },
    { id: 'power', label: 'Power', sortValue: (r) => r.power, render: (r) => String(r.power) },
    { id: 'none', label: 'Actions', render: () => null },
  ];
  const rows: Row[] = [
    { id: 'ST-10', power: 5 },
    { id: 'ST-2', power: null },
    { id: 'ST-1', power: 7 },
  ];

  test('natural order for ids, nulls last in both directions', () => {
    expect(sortRows(rows, columns, { columnId: 'id', direction: 'asc' }).map((r) => r.id)).toEqual(['ST-1', 'ST-2', 'ST-10']);
    expect(sortRows(rows, columns, { columnId: 'power', direction: 'asc' }).map((r) => r.id)).toEqual(['ST-10', 'ST-1', 'ST-2']);
    expect(sortRows(rows, columns, { columnId: 'power', direction: 'desc' }).map((r) => r.id)).toEqual(['ST-1', 'ST-10', 'ST-2']);
  });

  test('clicking a header toggles direction; another header starts ascending', () => {
    expect(nextSort(null, 'id')).toEqual({ columnId: 'id', direction: 'asc' });
    expect(nextSort({ columnId: 'id', direction: 'asc' }, 'id')).toEqual({ columnId: 'id', direction: 'desc' });
    expect(nextSort({ columnId: 'id', direction: 'desc' }, 'power')).toEqual({ columnId: 'power', direction: 'asc' });
    expect(compareValues(true, false, 'asc')).toBeGreaterThan(0);
  });

  test('CSV of the rows as shown leaves out columns without a value', () => {
    const text = columnsToCsv(columns, rows.slice(0, 1), csvDialect('en'));
    expect(text).toBe('\uFEFFId,Power\r\nST-10,5\r\n');
  });
});

describe('formatting', () => {
  test('units and durations', () => {
    expect(formatKw(11_000, 'en-GB')).toBe('11.0');
    expect(formatKw(null, 'en-GB')).toBe('—');
    expect(formatKwh(12_345, 'fr-FR')).toBe('12,35');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('—');
    expect(localInputToIso('')).toBeUndefined();
    expect(localInputToIso('not a date')).toBeUndefined();
  });
});

describe('moments in narrow columns', () => {
  test('show the time alone on the reference day, the day and month before it otherwise, never seconds', () => {
    const reference = new Date(2026, 10, 24, 9, 0, 0);
    expect(formatMoment(new Date(2026, 10, 24, 17, 30, 45).toISOString(), 'en-GB', reference)).toBe('17:30');
    expect(formatMoment(new Date(2026, 10, 25, 7, 5, 0).toISOString(), 'en-GB', reference)).toBe('25/11, 07:05');
    expect(formatMoment(new Date(2026, 10, 25, 7, 5, 0).toISOString(), 'fr-FR', reference)).toBe('25/11 07:05');
    expect(formatMoment(null, 'en-GB', reference)).toBe('—');
    expect(formatMoment('not a date', 'en-GB', reference)).toBe('—');
  });
});

describe('routes', () => {
  test('hash ↔ route, station ids with reserved characters survive', () => {
    expect(parseHash('')).toEqual({ view: 'stations', stationId: null });
    expect(parseHash('#/transactions')).toEqual({ view: 'transactions', stationId: null });
    expect(parseHash('#/nonsense')).toEqual({ view: 'stations', stationId: null });
    const route = { view: 'stations' as const, stationId: 'SITE:A|12@x' };
    expect(parseHash(routeHash(route))).toEqual(route);
  });
});

describe('ground plan route', () => {
  test('a station can be focused on the plan', () => {
    expect(parseHash('#/groundPlan/DEMO-AC-01')).toEqual({ view: 'groundPlan', stationId: 'DEMO-AC-01' });
    expect(routeHash({ view: 'groundPlan', stationId: 'A B' })).toBe('#/groundPlan/A%20B');
    expect(parseHash('#/alarms/x')).toEqual({ view: 'alarms', stationId: null });
  });
});
