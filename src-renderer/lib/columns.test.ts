import { describe, expect, test } from 'vitest';
import { columnsStorageKey, parseHiddenColumns, toggleColumn, visibleColumns } from './columns.ts';
import { columnsToCsv, type Column } from './table.ts';
import { csvDialect } from './csv.ts';

interface Row {
  id: string;
  a: number;
  b: number;
}
const column = (id: string): Column<Row> => ({ id, label: id.toUpperCase(), render: (r) => String(r[id as keyof Row]), sortValue: (r) => r[id as keyof Row] });
const columns = [column('id'), column('a'), column('b')];
const ids = columns.map((c) => c.id);

describe('column choice', () => {
  test('nothing stored: the table’s defaults, without ids it does not have', () => {
    expect([...parseHiddenColumns(null, ids, ['b', 'gone'])]).toEqual(['b']);
  });

  test('a stored choice wins over the defaults, even an empty one (everything shown)', () => {
    expect([...parseHiddenColumns('["a"]', ids, ['b'])]).toEqual(['a']);
    expect([...parseHiddenColumns('[]', ids, ['b'])]).toEqual([]);
  });

  test('a broken or foreign entry counts as none, and a removed column is forgotten', () => {
    expect([...parseHiddenColumns('{not json', ids, ['b'])]).toEqual(['b']);
    expect([...parseHiddenColumns('{"a":1}', ids, ['b'])]).toEqual(['b']);
    expect([...parseHiddenColumns('["a", 3]', ids, ['b'])]).toEqual(['b']);
    expect([...parseHiddenColumns('["a", "renamed"]', ids, [])]).toEqual(['a']);
  });

  test('the first column identifies the row: always shown, cannot be hidden', () => {
    expect(visibleColumns(columns, new Set(['id', 'b'])).map((c) => c.id)).toEqual(['id', 'a']);
    const hidden = new Set<string>();
    expect(toggleColumn(columns, hidden, 'id')).toBe(hidden);
    expect(toggleColumn(columns, hidden, 'unknown')).toBe(hidden);
  });

  test('toggling hides then shows a column, in the table’s order', () => {
    const once = toggleColumn(columns, new Set(), 'a');
    expect(visibleColumns(columns, once).map((c) => c.id)).toEqual(['id', 'b']);
    const twice = toggleColumn(columns, once, 'a');
    expect(visibleColumns(columns, twice).map((c) => c.id)).toEqual(['id', 'a', 'b']);
  });

  test('the export has exactly the columns shown', () => {
    const csv = columnsToCsv(visibleColumns(columns, new Set(['a'])), [{ id: 'x', a: 1, b: 2 }], csvDialect('en'));
    expect(csv).toBe('\uFEFFID,B\r\nx,2\r\n');
  });

  test('one storage key per table', () => {
    expect(columnsStorageKey('smart-sessions')).not.toBe(columnsStorageKey('transactions'));
  });
});
