// Which columns of a wide table the operator chose to see. Pure: the hook in
// components/ColumnChooser.tsx keeps the choice per table in the workstation's storage.
import type { Column } from './table.ts';

/** A table's choice: the ids of the columns hidden, or null for the table's defaults. */
export type HiddenColumns = ReadonlySet<string>;

/** Storage key of a table's choice (one per table, per workstation). */
export function columnsStorageKey(tableId: string): string {
  return `evs.columns.${tableId}`;
}

/**
 * The hidden ids read from storage; the defaults when nothing (or something unreadable) is
 * stored. Ids of columns the table no longer has are dropped, so a renamed column shows.
 */
export function parseHiddenColumns(stored: string | null, known: readonly string[], defaults: readonly string[]): HiddenColumns {
  const knownIds = new Set(known);
  if (stored !== null) {
    try {
      const value: unknown = JSON.parse(stored);
      if (Array.isArray(value) && value.every((id) => typeof id === 'string')) return new Set(value.filter((id: string) => knownIds.has(id)));
    } catch {
      // A broken entry is the same as none: the table's defaults.
    }
  }
  return new Set(defaults.filter((id) => knownIds.has(id)));
}

/** The columns shown, in the table's order; the first (what identifies a row) always is. */
export function visibleColumns<T>(columns: readonly Column<T>[], hidden: HiddenColumns): Column<T>[] {
  return columns.filter((c, index) => index === 0 || !hidden.has(c.id));
}

/** The choice after showing or hiding one column (the first cannot be hidden). */
export function toggleColumn<T>(columns: readonly Column<T>[], hidden: HiddenColumns, id: string): HiddenColumns {
  if (columns[0]?.id === id || !columns.some((c) => c.id === id)) return hidden;
  const next = new Set(hidden);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}
