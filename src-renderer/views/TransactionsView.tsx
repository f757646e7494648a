// Transactions: server-side filter, sort and paging; live refresh; CSV and Excel of the whole
// filter streamed from the supervisor with progress and Cancel.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Transaction } from '../../src-shared/domain/index.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Field } from '../components/Field.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { Tile } from '../components/Tile.tsx';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime, formatDuration, formatKwh, formatNumber, formatPercent } from '../lib/format.ts';
import { useDebounced, useLinkOpen, useLocale } from '../lib/hooks.ts';
import type { Column } from '../lib/table.ts';
import { onEventBatch } from '../store/events.ts';
import { useStations } from '../store/stations.ts';
import { EMPTY_FILTERS, MAX_LIMIT, PAGE_SIZES, filtersToQuery, useTransactions, type TransactionSort } from '../store/transactions.ts';
import { TransactionsExport } from './station-page/TransactionsExport.tsx';

const SORTABLE: readonly TransactionSort[] = ['id', 'stationId', 'idTag', 'startedAt', 'stoppedAt', 'energyWh'];
const COLUMN_TO_SORT: Record<string, TransactionSort> = { id: 'id', station: 'stationId', badge: 'idTag', started: 'startedAt', stopped: 'stoppedAt', energy: 'energyWh' };
const SORT_TO_COLUMN = Object.fromEntries(Object.entries(COLUMN_TO_SORT).map(([c, s]) => [s, c])) as Record<TransactionSort, string>;

function durationMs(tx: Transaction): number | null {
  if (!tx.stoppedAt) return null;
  return Date.parse(tx.stoppedAt) - Date.parse(tx.startedAt);
}

export function TransactionsView() {
  const { t } = useTranslation();
  const locale = useLocale();
  const state = useTransactions();
  const stationIds = useStations((s) => Object.keys(s.stations).sort().join('\n'));
  const [stationDraft, setStationDraft] = useState(state.filters.stationId);
  const [badgeDraft, setBadgeDraft] = useState(state.filters.idTag);
  const stationFilter = useDebounced(stationDraft, 300);
  const badgeFilter = useDebounced(badgeDraft, 300);
  const { setFilters, refresh } = state;

  useEffect(() => {
    const { filters } = useTransactions.getState();
    if (filters.stationId !== stationFilter || filters.idTag !== badgeFilter) setFilters({ stationId: stationFilter, idTag: badgeFilter });
  }, [stationFilter, badgeFilter, setFilters]);

  // First page on entry (and after each reconnection), then at most every 2 s while transaction events flow.
  const linkOpen = useLinkOpen();
  useEffect(() => {
    if (!linkOpen) return;
    void refresh();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onEventBatch((events) => {
      if (timer || !events.some((e) => e.type === 'transaction')) return;
      timer = setTimeout(() => {
        timer = null;
        void refresh();
      }, 2000);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [refresh, linkOpen]);

  const columns = useMemo<Column<Transaction>[]>(
    () => [
      { id: 'id', label: t('transactions.columns.id'), width: '5rem', align: 'end', sortable: true, csvValue: (x) => x.id, render: (x) => <span className="num">{x.id}</span> },
      {
        id: 'station',
        label: t('transactions.columns.station'),
        width: '10rem',
        sortable: true,
        csvValue: (x) => x.stationId,
        render: (x) => (
          <a className="station-link" href={`#/stations/${encodeURIComponent(x.stationId)}`}>
            {x.stationId}
          </a>
        ),
      },
      { id: 'connector', label: t('transactions.columns.connector'), width: '4rem', align: 'center', csvValue: (x) => x.evseId, render: (x) => x.evseId },
      { id: 'badge', label: t('transactions.columns.badge'), width: '8rem', sortable: true, csvValue: (x) => x.idTag, render: (x) => <span className="mono">{x.idTag ?? DASH}</span> },
      { id: 'started', label: t('transactions.columns.started'), width: '11rem', sortable: true, csvValue: (x) => x.startedAt, render: (x) => formatDateTime(x.startedAt, locale) },
      {
        id: 'stopped',
        label: t('transactions.columns.stopped'),
        width: '11rem',
        sortable: true,
        csvValue: (x) => x.stoppedAt,
        render: (x) =>
          x.stoppedAt ? (
            formatDateTime(x.stoppedAt, locale)
          ) : (
            <Pill tone="active" status="open">
              {t('transactions.inProgress')}
            </Pill>
          ),
      },
      {
        id: 'duration',
        label: t('transactions.columns.duration'),
        width: '6.5rem',
        align: 'end',
        csvValue: (x) => {
          const ms = durationMs(x);
          return ms === null ? null : Math.round(ms / 1000);
        },
        render: (x) => <span className="num">{formatDuration(durationMs(x))}</span>,
      },
      {
        id: 'energy',
        label: t('transactions.columns.energy'),
        width: '7rem',
        align: 'end',
        sortable: true,
        csvValue: (x) => (x.energyWh === null ? null : x.energyWh / 1000),
        render: (x) => <span className="num">{formatKwh(x.energyWh, locale)}</span>,
      },
      {
        id: 'soc',
        label: t('transactions.columns.soc'),
        width: '9.5rem',
        align: 'center',
        csvValue: (x) => `${x.socStart ?? ''}→${x.socEnd ?? ''}`,
        render: (x) => (
          <span className="num">
            {x.socStart === null && x.socEnd === null ? DASH : `${formatPercent(x.socStart, locale)} → ${formatPercent(x.socEnd, locale)}`}
          </span>
        ),
      },
      { id: 'reason', label: t('transactions.columns.reason'), csvValue: (x) => x.stopReason, render: (x) => x.stopReason ?? DASH },
    ],
    [t, locale],
  );

  const page = state.page;
  const total = page?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / state.limit));
  const current = Math.floor(state.offset / state.limit) + 1;
  const pageEnergy = page?.items.reduce((sum, x) => sum + (x.energyWh ?? 0), 0) ?? null;
  const sort = { columnId: SORT_TO_COLUMN[state.sort], direction: state.direction };
  const exportQuery = useMemo(() => filtersToQuery(state.filters), [state.filters]);

  const clear = () => {
    setStationDraft('');
    setBadgeDraft('');
    setFilters(EMPTY_FILTERS);
  };

  return (
    <div className="view" data-testid="view-transactions">
      <div className="view-header">
        <h1>{t('transactions.title')}</h1>
      </div>
      <div className="tiles">
        <Tile label={t('transactions.totals.count')} value={<span data-testid="tx-total">{formatNumber(total, locale)}</span>} tone="info" />
        <Tile
          label={t('transactions.totals.energy')}
          value={
            state.filterEnergyWh === null && total > MAX_LIMIT ? (
              DASH
            ) : (
              <>
                {formatKwh(state.filterEnergyWh, locale, 1)} <span className="tile-unit">{t('units.kwh')}</span>
              </>
            )
          }
          sub={total > MAX_LIMIT ? t('transactions.totals.tooMany', { limit: formatNumber(MAX_LIMIT, locale) }) : undefined}
          tone="active"
        />
        <Tile
          label={t('transactions.totals.pageEnergy')}
          value={
            <>
              {formatKwh(pageEnergy, locale, 1)} <span className="tile-unit">{t('units.kwh')}</span>
            </>
          }
          tone="idle"
        />
      </div>
      <div className="toolbar filters">
        <Field label={t('transactions.filters.station')}>
          <input value={stationDraft} onChange={(e) => setStationDraft(e.target.value)} list="tx-stations" data-testid="tx-filter-station" spellCheck={false} data-shortcut="search" />
          <datalist id="tx-stations">
            {stationIds.split('\n').filter(Boolean).map((id) => (
              <option key={id} value={id} />
            ))}
          </datalist>
        </Field>
        <Field label={t('transactions.filters.badge')}>
          <input value={badgeDraft} onChange={(e) => setBadgeDraft(e.target.value)} data-testid="tx-filter-badge" spellCheck={false} maxLength={20} />
        </Field>
        <Field label={t('transactions.filters.from')}>
          <input type="datetime-local" value={state.filters.from} onChange={(e) => setFilters({ from: e.target.value })} data-testid="tx-filter-from" />
        </Field>
        <Field label={t('transactions.filters.to')}>
          <input type="datetime-local" value={state.filters.to} onChange={(e) => setFilters({ to: e.target.value })} data-testid="tx-filter-to" />
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={state.filters.openOnly} onChange={(e) => setFilters({ openOnly: e.target.checked })} data-testid="tx-filter-open" />
          <span>{t('transactions.filters.openOnly')}</span>
        </label>
        <button type="button" className="button" onClick={clear}>
          {t('transactions.filters.clear')}
        </button>
        <div className="toolbar-spacer" />
        <TransactionsExport query={exportQuery} total={total} />
      </div>
      {state.error ? (
        <p className="notice tone-fault" role="alert" data-testid="tx-error">
          {describeError(state.error, t)}
        </p>
      ) : null}
      <DataTable
        label={t('transactions.title')}
        testId="transactions-table"
        className={state.loading ? 'loading' : ''}
        columns={columns}
        rows={page?.items ?? []}
        rowKey={(x) => x.id}
        sort={sort}
        onSort={(columnId) => {
          const s = COLUMN_TO_SORT[columnId];
          if (s && SORTABLE.includes(s)) state.setSort(s);
        }}
        rowAttributes={(x) => ({ 'data-testid': `transaction-row-${x.id}`, className: x.stoppedAt ? '' : 'row-open' })}
        empty={page ? t('transactions.empty') : t('common.loading')}
      />
      <div className="pager">
        <span className="toolbar-count" data-testid="tx-range">
          {t('transactions.range', {
            from: formatNumber(total === 0 ? 0 : state.offset + 1, locale),
            to: formatNumber(Math.min(total, state.offset + state.limit), locale),
            total: formatNumber(total, locale),
          })}
        </span>
        <div className="toolbar-spacer" />
        <label className="inline-field">
          <span>{t('transactions.filters.pageSize')}</span>
          <select value={state.limit} onChange={(e) => state.setLimit(Number(e.target.value))} data-testid="tx-page-size">
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-small" disabled={current <= 1} onClick={() => state.setOffset(0)} aria-label={t('transactions.first')} title={t('transactions.first')}>
          «
        </button>
        <button type="button" className="button button-small" disabled={current <= 1} onClick={() => state.setOffset(state.offset - state.limit)} aria-label={t('transactions.previous')} title={t('transactions.previous')} data-testid="tx-prev">
          ‹
        </button>
        <span className="pager-page">{t('transactions.page', { page: current, pages })}</span>
        <button type="button" className="button button-small" disabled={current >= pages} onClick={() => state.setOffset(state.offset + state.limit)} aria-label={t('transactions.next')} title={t('transactions.next')} data-testid="tx-next">
          ›
        </button>
        <button type="button" className="button button-small" disabled={current >= pages} onClick={() => state.setOffset((pages - 1) * state.limit)} aria-label={t('transactions.last')} title={t('transactions.last')}>
          »
        </button>
      </div>
    </div>
  );
}
