// Generic dense table: sortable headers (client or server sort), keyboard row navigation
// (↑/↓ move, Enter opens), sticky header. Filtering and CSV export are done by the caller on
// the same rows it passes in, so the export is exactly what the operator sees.
// Past VIRTUALIZE_FROM rows the body is virtualized (@tanstack/react-virtual): the table
// scrolls inside its own frame and only the rows in view (plus a margin) are in the DOM, so
// 10,000 stations scroll as smoothly as 10; spacer rows keep the scrollbar true.
import { useMemo, useRef, type HTMLAttributes, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { sortRows, type Column, type SortState } from '../lib/table.ts';

export type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { 'data-testid'?: string; [data: `data-${string}`]: string | undefined };

export interface DataTableProps<T> {
  columns: readonly Column<T>[];
  /** Rows as shown: already filtered and sorted (see useSortedRows). */
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  sort: SortState | null;
  onSort?: (columnId: string) => void;
  rowAttributes?: (row: T) => RowAttributes;
  onRowActivate?: (row: T) => void;
  empty: ReactNode;
  label: string;
  testId?: string;
  className?: string;
  /** Keeps the first column (what identifies a row) in view when a wide table scrolls sideways. */
  stickyFirst?: boolean;
  /** Estimated row height in px before rows are measured (default 33; taller for stacked rows). */
  estimateRowHeight?: (row: T) => number;
}

/** Tables with at least this many rows render only the rows in view. */
export const VIRTUALIZE_FROM = 200;

export function useSortedRows<T>(rows: readonly T[], columns: readonly Column<T>[], sort: SortState | null): T[] {
  return useMemo(() => sortRows(rows, columns, sort), [rows, columns, sort]);
}

const INTERACTIVE = 'button, a, input, select, textarea, label, [role="button"]';

function moveFocus(from: HTMLElement, step: 1 | -1): void {
  let row: Element | null = from.closest('tr');
  do row = step === 1 ? (row?.nextElementSibling ?? null) : (row?.previousElementSibling ?? null);
  while (row && !(row instanceof HTMLTableRowElement && row.tabIndex >= 0));
  if (row instanceof HTMLElement) row.focus();
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { t } = useTranslation();
  const { columns, rows, sort, onSort, onRowActivate, estimateRowHeight } = props;
  const frame = useRef<HTMLDivElement>(null);
  const virtual = rows.length >= VIRTUALIZE_FROM;
  // The virtualizer's functions change identity on purpose: this component is not memoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLTableRowElement>({
    count: virtual ? rows.length : 0,
    getScrollElement: () => frame.current,
    estimateSize: (index) => {
      const row = rows[index];
      return row !== undefined && estimateRowHeight ? estimateRowHeight(row) : 33;
    },
    getItemKey: (index) => {
      const row = rows[index];
      return row === undefined ? index : props.rowKey(row);
    },
    overscan: 12,
  });
  const items = virtual ? virtualizer.getVirtualItems() : [];
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtual ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0;

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const target = event.target as HTMLElement;
    if (target.tagName !== 'TR') return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      moveFocus(target, event.key === 'ArrowDown' ? 1 : -1);
    }
  };

  return (
    <div ref={frame} className={`table-wrap ${virtual ? 'virtual' : ''} ${props.className ?? ''}`} data-row-count={rows.length}>
      <table className={`data-table ${props.stickyFirst ? 'sticky-first' : ''}`} aria-label={props.label} data-testid={props.testId} aria-rowcount={rows.length + 1}>
        <colgroup>
          {columns.map((c) => (
            <col key={c.id} style={c.width ? { width: c.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {columns.map((c) => {
              const sortable = Boolean(onSort && (c.sortValue || c.sortable));
              const active = sort?.columnId === c.id;
              const ariaSort = active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined;
              return (
                <th key={c.id} scope="col" className={`align-${c.align ?? 'start'} ${c.className ?? ''}`} aria-sort={ariaSort} title={c.title ?? c.label}>
                  {sortable ? (
                    <button type="button" className={`sort-button ${active ? 'active' : ''}`} onClick={() => onSort?.(c.id)} data-testid={`sort-${c.id}`}>
                      <span>{c.label}</span>
                      <span className="sort-indicator" aria-label={active ? (sort.direction === 'asc' ? t('common.sortAscending') : t('common.sortDescending')) : undefined}>
                        {active ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    (c.header ?? c.label)
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {rows.length === 0 ? (
            <tr className="empty-row">
              <td colSpan={columns.length}>{props.empty}</td>
            </tr>
          ) : (
            <>
              {virtual && padTop > 0 ? <tr className="virtual-spacer" aria-hidden="true">
                  <td colSpan={columns.length} style={{ height: padTop }} />
                </tr> : null}
              {(virtual ? items.map((item) => ({ row: rows[item.index] as T, index: item.index })) : rows.map((row, index) => ({ row, index }))).map(({ row, index }) => {
                const attributes = props.rowAttributes?.(row) ?? {};
                const activate = onRowActivate
                  ? {
                      tabIndex: 0,
                      onClick: (event: MouseEvent<HTMLTableRowElement>) => {
                        if (!(event.target as HTMLElement).closest(INTERACTIVE)) onRowActivate(row);
                      },
                      onKeyDown: (event: KeyboardEvent<HTMLTableRowElement>) => {
                        if (event.key === 'Enter' && event.target === event.currentTarget) onRowActivate(row);
                      },
                    }
                  : {};
                return (
                  <tr
                    key={props.rowKey(row)}
                    {...activate}
                    {...attributes}
                    {...(virtual ? { 'data-index': index, ref: virtualizer.measureElement } : {})}
                    className={`${onRowActivate ? 'activatable' : ''} ${attributes.className ?? ''}`}
                  >
                    {columns.map((c) => (
                      <td key={c.id} className={`align-${c.align ?? 'start'} ${c.className ?? ''}`}>
                        {c.render(row)}
                      </td>
                    ))}
                  </tr>
                );
              })}
              {virtual && padBottom > 0 ? <tr className="virtual-spacer" aria-hidden="true">
                  <td colSpan={columns.length} style={{ height: padBottom }} />
                </tr> : null}
            </>
          )}
        </tbody>
      </table>
    </div>
  );
}
