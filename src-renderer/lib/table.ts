// Pure helpers behind DataTable: client-side sort and CSV of the rows as shown.
import type { ReactNode } from 'react';
import type { SortDirection } from '../../src-shared/api/index.ts';
import { toCsv, type CsvCell, type CsvDialect } from './csv.ts';

export type SortValue = string | number | boolean | null | undefined;

export interface Column<T> {
  id: string;
  /** Header text, also the CSV header. */
  label: string;
  /** What the header cell shows instead of the label (e.g. a select-all checkbox). */
  header?: ReactNode;
  render: (row: T) => ReactNode;
  /** Key for sorting; a column without one (and without `sortable`) cannot be sorted. */
  sortValue?: (row: T) => SortValue;
  /** Server-sorted tables mark sortable columns explicitly. */
  sortable?: boolean;
  /** CSV cell; defaults to sortValue; columns with neither are left out of exports. */
  csvValue?: (row: T) => CsvCell;
  align?: 'start' | 'end' | 'center';
  /** CSS width of the column (e.g. '8rem'). */
  width?: string;
  className?: string;
  /** Tooltip of the header. */
  title?: string;
}

export interface SortState {
  columnId: string;
  direction: SortDirection;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares with nulls last whatever the direction, so empty cells never crowd the top. */
export function compareValues(a: SortValue, b: SortValue, direction: SortDirection): number {
  const aEmpty = a === null || a === undefined || a === '';
  const bEmpty = b === null || b === undefined || b === '';
  if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
  let r: number;
  if (typeof a === 'number' && typeof b === 'number') r = a - b;
  else if (typeof a === 'boolean' && typeof b === 'boolean') r = Number(a) - Number(b);
  else r = collator.compare(String(a), String(b));
  return direction === 'asc' ? r : -r;
}

export function sortRows<T>(rows: readonly T[], columns: readonly Column<T>[], sort: SortState | null): T[] {
  const column = sort ? columns.find((c) => c.id === sort.columnId) : undefined;
  if (!sort || !column?.sortValue) return [...rows];
  const key = column.sortValue;
  // Decorate-sort-undecorate: sortValue runs once per row; index keeps the sort stable.
  return rows
    .map((row, index) => ({ row, index, value: key(row) }))
    .sort((a, b) => compareValues(a.value, b.value, sort.direction) || a.index - b.index)
    .map((d) => d.row);
}

export function nextSort(current: SortState | null, columnId: string): SortState {
  if (current?.columnId !== columnId) return { columnId, direction: 'asc' };
  return { columnId, direction: current.direction === 'asc' ? 'desc' : 'asc' };
}

export function exportableColumns<T>(columns: readonly Column<T>[]): Column<T>[] {
  return columns.filter((c) => c.csvValue || c.sortValue);
}

export function columnsToCsv<T>(columns: readonly Column<T>[], rows: readonly T[], dialect: CsvDialect): string {
  const cols = exportableColumns(columns);
  return toCsv(
    cols.map((c) => c.label),
    rows.map((row) => cols.map((c) => (c.csvValue ? c.csvValue(row) : (c.sortValue?.(row) as CsvCell)))),
    dialect,
  );
}
