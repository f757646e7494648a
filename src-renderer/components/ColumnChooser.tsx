// Column chooser for wide tables: a "Columns" button opening a list of checkboxes. The choice
// is kept per table on the workstation (localStorage); the table and its CSV export show the
// same columns, so an export is what the operator sees.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { columnsStorageKey, parseHiddenColumns, toggleColumn, visibleColumns, type HiddenColumns } from '../lib/columns.ts';
import type { Column } from '../lib/table.ts';

export interface ColumnChoice<T> {
  /** The columns to render and export, in the table's order. */
  visible: Column<T>[];
  hidden: HiddenColumns;
  toggle: (id: string) => void;
  reset: () => void;
}

function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** The operator's choice of columns for `tableId`; `defaultHidden` applies until they choose. */
export function useColumnChoice<T>(tableId: string, columns: readonly Column<T>[], defaultHidden: readonly string[]): ColumnChoice<T> {
  const key = columnsStorageKey(tableId);
  const ids = useMemo(() => columns.map((c) => c.id), [columns]);
  const idsKey = ids.join('\n');
  const defaultsKey = defaultHidden.join('\n');
  const [stored, setStored] = useState<string | null>(() => readStored(key));
  // The parsed choice follows the stored text and the table's columns (some appear with rights).
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const hidden = useMemo(() => parseHiddenColumns(stored, ids, defaultHidden), [stored, idsKey, defaultsKey]);
  const save = useCallback(
    (next: string | null) => {
      setStored(next);
      try {
        if (next === null) localStorage.removeItem(key);
        else localStorage.setItem(key, next);
      } catch {
        // A choice of columns is a comfort; losing it is harmless.
      }
    },
    [key],
  );
  const toggle = useCallback((id: string) => save(JSON.stringify([...toggleColumn(columns, hidden, id)])), [columns, hidden, save]);
  const reset = useCallback(() => save(null), [save]);
  const visible = useMemo(() => visibleColumns(columns, hidden), [columns, hidden]);
  return { visible, hidden, toggle, reset };
}

export function ColumnChooser<T>(props: { columns: readonly Column<T>[]; choice: ColumnChoice<T>; testId?: string }) {
  const { t } = useTranslation();
  const { columns, choice } = props;
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    // Closes on a click elsewhere or Escape, like a menu.
    const away = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    const escape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', escape);
    };
  }, [open]);
  return (
    <div className="column-chooser" ref={root}>
      <button type="button" className="button" aria-expanded={open} aria-haspopup="true" onClick={() => setOpen(!open)} data-testid={props.testId}>
        {t('common.columns', { shown: choice.visible.length, total: columns.length })}
      </button>
      {open ? (
        <div className="column-chooser-menu" role="group" aria-label={t('common.columnsTitle')} data-testid={props.testId ? `${props.testId}-menu` : undefined}>
          {columns.map((c, index) => (
            <label key={c.id} className={index === 0 ? 'muted' : undefined}>
              <input type="checkbox" checked={index === 0 || !choice.hidden.has(c.id)} disabled={index === 0} onChange={() => choice.toggle(c.id)} data-column={c.id} />
              <span>{c.label}</span>
            </label>
          ))}
          <button type="button" className="button button-small" onClick={choice.reset}>
            {t('common.columnsReset')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
