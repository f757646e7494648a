// The project screen's tables: a DataTable with a text filter over every exportable column,
// click-to-sort headers and a CSV export of exactly the rows shown.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable, useSortedRows, type RowAttributes } from '../../components/DataTable.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { csvDialect, csvFileName, downloadText } from '../../lib/csv.ts';
import { columnsToCsv, exportableColumns, nextSort, type Column, type SortState } from '../../lib/table.ts';

export interface ProjectTableProps<T> {
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string | number;
  label: string;
  /** CSV file name without date and extension. */
  csvBase: string;
  testId: string;
  empty: string;
  initialSort?: SortState | null;
  rowAttributes?: (row: T) => RowAttributes;
  className?: string;
}

export function ProjectTable<T>(props: ProjectTableProps<T>) {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SortState | null>(props.initialSort ?? null);
  const filtered = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    if (!needle) return [...props.rows];
    const columns = exportableColumns(props.columns);
    return props.rows.filter((row) => columns.some((c) => String((c.csvValue ?? c.sortValue)?.(row) ?? '').toLowerCase().includes(needle)));
  }, [filter, props.rows, props.columns]);
  const rows = useSortedRows(filtered, props.columns, sort);
  return (
    <div className="stack">
      <div className="toolbar">
        <SearchBox value={filter} onChange={setFilter} placeholder={t('project.table.filter')} label={t('project.table.filter')} testId={`${props.testId}-filter`} />
        <span className="toolbar-count" data-testid={`${props.testId}-count`}>{`${rows.length} / ${props.rows.length}`}</span>
        <div className="toolbar-spacer" />
        <button
          type="button"
          className="button"
          disabled={rows.length === 0}
          onClick={() => downloadText(csvFileName(props.csvBase), columnsToCsv(props.columns, rows, csvDialect(i18n.language)))}
          data-testid={`${props.testId}-export`}
        >
          {t('common.exportCsv')}
        </button>
      </div>
      <DataTable
        columns={props.columns}
        rows={rows}
        rowKey={props.rowKey}
        sort={sort}
        onSort={(id) => setSort(nextSort(sort, id))}
        rowAttributes={props.rowAttributes}
        empty={props.empty}
        label={props.label}
        testId={props.testId}
        className={props.className}
      />
    </div>
  );
}
