// Audit trail (maintenance and above): server-side paging, filters, CSV export of the filter.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry, AuditQuery, Page } from '../../src-shared/api/index.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime, formatNumber } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import { columnsToCsv, type Column } from '../lib/table.ts';
import { api } from '../store/client.ts';
import { useConnection } from '../store/connection.ts';
import { useToasts } from '../store/toasts.ts';

const LIMIT = 50;
const EXPORT_LIMIT = 10_000;

interface Filters {
  actor: string;
  action: string;
  stationId: string;
  /** yyyy-mm-dd (local day), inclusive. */
  from: string;
  to: string;
}

const EMPTY: Filters = { actor: '', action: '', stationId: '', from: '', to: '' };

/** The filters as an API query (dates are local days; `to` includes its whole day). */
export function auditQuery(filters: Filters): AuditQuery {
  const query: AuditQuery = {};
  if (filters.actor.trim()) query.actor = filters.actor.trim();
  if (filters.action.trim()) query.action = filters.action.trim();
  if (filters.stationId.trim()) query.stationId = filters.stationId.trim();
  if (filters.from) query.from = new Date(`${filters.from}T00:00:00`).toISOString();
  if (filters.to) {
    const end = new Date(`${filters.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    query.to = end.toISOString();
  }
  return query;
}

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

export function AuditPanel() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const connected = useConnection((s) => s.status === 'open');
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page<AuditEntry> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const query = useMemo(() => auditQuery(filters), [filters]);

  const load = useCallback(() => {
    let live = true;
    api()
      .call('listAudit', { ...query, offset, limit: LIMIT })
      .then(
        (p) => {
          if (!live) return;
          setPage(p);
          setError(null);
        },
        (e: unknown) => live && setError(describeError(e, t)),
      );
    return () => {
      live = false;
    };
  }, [query, offset, t]);

  useEffect(() => {
    if (!connected) return;
    // Debounced: the text filters reload as the operator types.
    let cancel: (() => void) | null = null;
    const timer = setTimeout(() => {
      cancel = load();
    }, 250);
    return () => {
      clearTimeout(timer);
      cancel?.();
    };
  }, [connected, load]);

  const setFilter = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setOffset(0);
  };

  const columns = useMemo<Column<AuditEntry>[]>(
    () => [
      { id: 'at', label: t('audit.at'), width: '11rem', csvValue: (x) => x.at, render: (x) => formatDateTime(x.at, locale) },
      { id: 'actor', label: t('audit.actor'), width: '9rem', csvValue: (x) => x.actor, render: (x) => <span className="mono">{x.actor}</span> },
      { id: 'role', label: t('audit.role'), width: '8rem', csvValue: (x) => x.role, render: (x) => x.role },
      { id: 'action', label: t('audit.action'), width: '10rem', csvValue: (x) => x.action, render: (x) => <span className="mono">{x.action}</span> },
      { id: 'station', label: t('audit.station'), width: '9rem', csvValue: (x) => x.stationId, render: (x) => x.stationId ?? DASH },
      {
        id: 'ok',
        label: t('audit.outcome'),
        width: '8rem',
        csvValue: (x) => (x.ok ? 'ok' : 'failed'),
        render: (x) => <Pill tone={x.ok ? 'ok' : 'fault'}>{x.ok ? t('audit.ok') : t('audit.failed')}</Pill>,
      },
      { id: 'result', label: t('audit.result'), csvValue: (x) => x.result, render: (x) => <span className="wrap-anywhere">{x.result}</span> },
      { id: 'detail', label: t('audit.detail'), csvValue: (x) => detailText(x.detail), render: (x) => (
          <span className="mono wrap-anywhere" title={detailText(x.detail)}>
            {detailText(x.detail)}
          </span>
        ),
      },
    ],
    [t, locale],
  );

  const exportCsv = async () => {
    setExporting(true);
    try {
      const all = await api().call('listAudit', { ...query, offset: 0, limit: EXPORT_LIMIT });
      downloadText(csvFileName(t('audit.csvFile')), columnsToCsv(columns, all.items, csvDialect(i18n.language)));
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    } finally {
      setExporting(false);
    }
  };

  const total = page?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / LIMIT));
  const current = Math.floor(offset / LIMIT) + 1;

  return (
    <Panel
      title={t('audit.title')}
      testId="audit-panel"
      actions={
        <button type="button" className="button" onClick={() => void exportCsv()} disabled={exporting || total === 0} data-testid="audit-export">
          {t('audit.export')}
        </button>
      }
    >
      <div className="toolbar filters">
        <Field label={t('audit.actor')}>
          <input value={filters.actor} onChange={(e) => setFilter({ actor: e.target.value })} spellCheck={false} data-testid="audit-filter-actor" />
        </Field>
        <Field label={t('audit.action')}>
          <input value={filters.action} onChange={(e) => setFilter({ action: e.target.value })} spellCheck={false} data-testid="audit-filter-action" />
        </Field>
        <Field label={t('audit.station')}>
          <input value={filters.stationId} onChange={(e) => setFilter({ stationId: e.target.value })} spellCheck={false} data-testid="audit-filter-station" />
        </Field>
        <Field label={t('audit.from')}>
          <input type="date" value={filters.from} onChange={(e) => setFilter({ from: e.target.value })} data-testid="audit-filter-from" />
        </Field>
        <Field label={t('audit.to')}>
          <input type="date" value={filters.to} onChange={(e) => setFilter({ to: e.target.value })} data-testid="audit-filter-to" />
        </Field>
        <button type="button" className="button" onClick={() => setFilter(EMPTY)} disabled={filters === EMPTY}>
          {t('audit.clear')}
        </button>
      </div>
      {error ? <p className="notice tone-fault">{error}</p> : null}
      <DataTable
        columns={columns}
        rows={page?.items ?? []}
        rowKey={(x) => x.id}
        sort={null}
        rowAttributes={(x) => ({ 'data-testid': `audit-row-${x.id}`, 'data-action': x.action, 'data-actor': x.actor })}
        empty={page ? t('audit.none') : t('common.loading')}
        label={t('audit.title')}
        testId="audit-table"
      />
      <div className="pager">
        <button type="button" className="button button-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LIMIT))} data-testid="audit-prev">
          {t('audit.previous')}
        </button>
        <span data-testid="audit-page">{t('audit.page', { current, pages, total: formatNumber(total, locale) })}</span>
        <button type="button" className="button button-small" disabled={offset + LIMIT >= total} onClick={() => setOffset(offset + LIMIT)} data-testid="audit-next">
          {t('audit.next')}
        </button>
      </div>
    </Panel>
  );
}
