// The main live view: every station with its connectors, summary tiles, instant search,
// status filter, sortable columns and CSV export of what is shown.
import { useMemo, type ReactNode } from 'react';
import { create } from 'zustand';
import { useTranslation } from 'react-i18next';
import { CONNECTOR_STATUSES, type ConnectorState, type ConnectorStatus, type StationState, type Transaction } from '../../src-shared/domain/index.ts';
import { ColumnChooser, useColumnChoice } from '../components/ColumnChooser.tsx';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { LinkBadge, Pill, StatusBadge } from '../components/StatusBadge.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Tile } from '../components/Tile.tsx';
import { describeError } from '../lib/errors.ts';
import { csvDialect, csvFileName, downloadText, toCsv, type CsvCell } from '../lib/csv.ts';
import { formatDateTime, formatKw, formatKwh, formatNumber, formatPercent, formatTime } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import { nextSort, type Column, type SortState } from '../lib/table.ts';
import { summarise, useStations } from '../store/stations.ts';
import { useMayUse } from '../store/session.ts';
import { useUi } from '../store/ui.ts';
import { decideRegistration, stopCharge } from './actions.ts';

type StatusFilter = 'all' | 'pending' | 'online' | 'offline' | ConnectorStatus;

/** Station columns hidden until the operator shows them (Columns menu). */
const DEFAULT_HIDDEN_STATION_COLUMNS = ['firmware', 'transaction'];

// Search, filter and sort survive a visit to a station page and back.
const useStationsViewState = create<{
  search: string;
  filter: StatusFilter;
  sort: SortState | null;
  setSearch(search: string): void;
  setFilter(filter: StatusFilter): void;
  setSort(sort: SortState | null): void;
}>((set) => ({
  search: '',
  filter: 'all',
  sort: { columnId: 'id', direction: 'asc' },
  setSearch: (search) => set({ search }),
  setFilter: (filter) => set({ filter }),
  setSort: (sort) => set({ sort }),
}));

// Ranks connector states by how much they matter to the operator, for sorting by "connector status".
const STATUS_RANK: Record<ConnectorStatus, number> = {
  Faulted: 0,
  Charging: 1,
  SuspendedEVSE: 2,
  SuspendedEV: 3,
  Preparing: 4,
  Finishing: 5,
  Occupied: 6,
  Reserved: 7,
  Available: 8,
  Unavailable: 9,
  Unknown: 10,
};

export function protocolLabel(protocol: StationState['protocol']): string {
  return protocol === null ? '—' : protocol === 'ocpp1.6' ? 'OCPP 1.6' : 'OCPP 2.0.1';
}

function matchesFilter(station: StationState, filter: StatusFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'pending':
      return station.registration === 'pending';
    case 'online':
      return station.connected;
    case 'offline':
      return !station.connected;
    default:
      return station.status === filter || station.connectors.some((c) => c.status === filter);
  }
}

function sessionEnergy(c: ConnectorState, open: Record<number, Transaction>): number | null {
  return c.transactionId === null ? null : (open[c.transactionId]?.energyWh ?? null);
}

/** Time of the last frame from the station: time only today, date and time before. */
function LastSeen({ iso, locale }: { iso: string | null; locale: string }) {
  if (!iso) return <span className="muted">—</span>;
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return (
    <span className="num" title={formatDateTime(iso, locale)}>
      {today ? formatTime(d, locale) : formatDateTime(iso, locale)}
    </span>
  );
}

/** One line per connector inside a station row; lines align across the connector columns. */
function Stack(props: { station: StationState; line: (c: ConnectorState) => ReactNode }) {
  return (
    <div className="stack">
      {props.station.connectors.map((c) => (
        <div className="stack-line" key={`${c.evseId}-${c.connectorId}`}>
          {props.line(c)}
        </div>
      ))}
    </div>
  );
}

export function StationsView() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const stationsById = useStations((s) => s.stations);
  const open = useStations((s) => s.openTransactions);
  const loaded = useStations((s) => s.loaded);
  const error = useStations((s) => s.error);
  const navigate = useUi((s) => s.navigate);
  const linkOpen = useLinkOpen();
  const mayStop = useMayUse('sendCommand', { stationId: '', command: { kind: 'remoteStop' } });
  const { search, filter, sort, setSearch, setFilter, setSort } = useStationsViewState();

  const stations = useMemo(() => Object.values(stationsById), [stationsById]);
  const summary = useMemo(() => summarise(stations), [stations]);

  const columns = useMemo<Column<StationState>[]>(() => {
    const connectorKey = (c: ConnectorState, s: StationState) => `${s.id}-${c.evseId}`;
    return [
      {
        id: 'id',
        label: t('stations.columns.id'),
        width: '112px',
        sortValue: (s) => s.id,
        render: (s) => (
          <a className="station-link" href={`#/stations/${encodeURIComponent(s.id)}`} title={t('stations.open', { id: s.id })} data-testid={`station-link-${s.id}`}>
            {s.id}
          </a>
        ),
      },
      { id: 'protocol', label: t('stationPage.columns.ocpp'), title: t('stations.columns.protocol'), width: '60px', sortValue: (s) => s.protocol, render: (s) => <span className="muted" title={protocolLabel(s.protocol)}>{s.protocol === null ? '—' : s.protocol.slice(4)}</span> },
      {
        id: 'registration',
        label: t('stations.columns.registration'),
        width: '100px',
        className: 'col-registration',
        sortValue: (s) => s.registration,
        csvValue: (s) => s.registration,
        render: (s) =>
          s.registration === 'pending' ? (
            <div className="registration-pending">
              <Pill tone="warn" status="pending">
                {t('registration.pending')}
              </Pill>
              <div className="inline-actions">
              <button type="button" className="button button-small button-primary" onClick={() => void decideRegistration(s.id, 'accept', t)} data-testid={`accept-${s.id}`}>
                {t('stations.accept')}
              </button>
              <button type="button" className="button button-small" onClick={() => void decideRegistration(s.id, 'reject', t)} data-testid={`reject-${s.id}`}>
                {t('stations.reject')}
              </button>
              </div>
            </div>
          ) : (
            <Pill tone={s.registration === 'accepted' ? 'ok' : 'fault'} status={s.registration}>
              {t(`registration.${s.registration}`)}
            </Pill>
          ),
      },
      {
        id: 'link',
        label: t('stations.columns.link'),
        width: '88px',
        sortValue: (s) => (s.connected ? 1 : 0),
        csvValue: (s) => (s.connected ? 'online' : 'offline'),
        render: (s) => <LinkBadge connected={s.connected} testId={`station-link-state-${s.id}`} />,
      },
      {
        id: 'status',
        label: t('stations.columns.status'),
        width: '116px',
        sortValue: (s) => STATUS_RANK[s.status],
        csvValue: (s) => s.status,
        render: (s) => <StatusBadge status={s.status} online={s.connected} errorCode={s.errorCode} testId={`station-status-${s.id}`} />,
      },
      {
        id: 'connector',
        label: t('stations.columns.connector'),
        width: '44px',
        align: 'center',
        className: 'col-connector',
        render: (s) => <Stack station={s} line={(c) => <span className="connector-number">{c.evseId}</span>} />,
      },
      {
        id: 'connectorStatus',
        label: t('stations.columns.connectorStatus'),
        width: '128px',
        className: 'col-connector',
        sortValue: (s) => Math.min(99, ...s.connectors.map((c) => STATUS_RANK[c.status])),
        render: (s) => (
          <Stack station={s} line={(c) => <StatusBadge status={c.status} online={s.connected} errorCode={c.errorCode} testId={`connector-status-${connectorKey(c, s)}`} />} />
        ),
      },
      {
        id: 'power',
        label: t('stations.columns.power'),
        width: '96px',
        align: 'end',
        className: 'col-connector num',
        sortValue: (s) => s.connectors.reduce((sum, c) => sum + (c.powerW ?? 0), 0),
        render: (s) => <Stack station={s} line={(c) => <span data-testid={`connector-power-${connectorKey(c, s)}`}>{formatKw(c.powerW, locale)}</span>} />,
      },
      {
        id: 'energy',
        label: t('stations.columns.energy'),
        width: '100px',
        align: 'end',
        className: 'col-connector num',
        sortValue: (s) => s.connectors.reduce((sum, c) => sum + (sessionEnergy(c, open) ?? 0), 0),
        render: (s) => <Stack station={s} line={(c) => formatKwh(sessionEnergy(c, open), locale)} />,
      },
      {
        id: 'soc',
        label: t('stations.columns.soc'),
        width: '60px',
        align: 'end',
        className: 'col-connector num',
        sortValue: (s) => Math.max(-1, ...s.connectors.map((c) => (c.transactionId !== null ? (c.soc ?? -1) : -1))),
        render: (s) => <Stack station={s} line={(c) => (c.transactionId !== null ? formatPercent(c.soc, locale) : '—')} />,
      },
      {
        id: 'idTag',
        label: t('stations.columns.idTag'),
        width: '92px',
        className: 'col-connector',
        sortValue: (s) => s.connectors.find((c) => c.idTag)?.idTag ?? null,
        render: (s) => <Stack station={s} line={(c) => <span className="mono">{c.idTag ?? '—'}</span>} />,
      },
      {
        id: 'transaction',
        label: t('stationPage.columns.transaction'),
        width: '96px',
        align: 'end',
        className: 'col-connector num',
        sortValue: (s) => Math.max(-1, ...s.connectors.map((c) => c.transactionId ?? -1)),
        render: (s) => <Stack station={s} line={(c) => <span className="mono" data-testid={`connector-tx-${connectorKey(c, s)}`}>{c.transactionId ?? '—'}</span>} />,
      },
      {
        id: 'firmware',
        label: t('stationPage.columns.firmware'),
        width: '84px',
        sortValue: (s) => s.firmwareVersion,
        render: (s) => (
          <span className="mono ellipsis" title={s.firmwareVersion ?? undefined}>
            {s.firmwareVersion ?? '—'}
          </span>
        ),
      },
      {
        id: 'lastHeartbeat',
        label: t('stationPage.columns.lastHeartbeat'),
        width: '116px',
        sortValue: (s) => s.lastSeenAt,
        render: (s) => <LastSeen iso={s.lastSeenAt} locale={locale} />,
      },
      {
        id: 'actions',
        label: t('stations.columns.actions'),
        width: '64px',
        className: 'col-connector',
        render: (s) => (
          <Stack
            station={s}
            line={(c) =>
              c.transactionId !== null && mayStop ? (
                <button type="button" className="button button-small button-danger" disabled={!s.connected || !linkOpen} onClick={() => void stopCharge(s, c, t)} data-testid={`stop-button-${connectorKey(c, s)}`}>
                  {t('stations.stop')}
                </button>
              ) : null
            }
          />
        ),
      },
    ];
  }, [t, locale, open, linkOpen, mayStop]);

  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return stations.filter((s) => (!needle || s.id.toLowerCase().includes(needle)) && matchesFilter(s, filter));
  }, [stations, search, filter]);
  const rows = useSortedRows(filtered, columns, sort);

  // Shown columns: the firmware and the transaction number are for who asks (Columns menu); the
  // table is wider than a control-room screen with every column.
  const choice = useColumnChoice('stations', columns, DEFAULT_HIDDEN_STATION_COLUMNS);
  const exportCsv = () => {
    // One line per connector: spreadsheets filter and pivot flat tables best. Cells by column,
    // so the export has the columns the table shows.
    const cells: Array<[columnId: string, label: string, value: (s: StationState, c: ConnectorState) => CsvCell]> = [
      ['id', t('stations.columns.id'), (s) => s.id],
      ['protocol', t('stations.columns.protocol'), (s) => protocolLabel(s.protocol)],
      ['registration', t('stations.columns.registration'), (s) => s.registration],
      ['link', t('stations.columns.link'), (s) => (s.connected ? 'online' : 'offline')],
      ['status', t('stations.columns.status'), (s) => s.status],
      ['connector', t('stations.columns.connector'), (_s, c) => c.evseId],
      ['connectorStatus', t('stations.columns.connectorStatus'), (_s, c) => c.status],
      ['power', t('stations.columns.power'), (_s, c) => (c.powerW === null ? null : Math.round(c.powerW) / 1000)],
      [
        'energy',
        t('stations.columns.energy'),
        (_s, c) => {
          const energy = sessionEnergy(c, open);
          return energy === null ? null : Math.round(energy) / 1000;
        },
      ],
      ['soc', t('stations.columns.soc'), (_s, c) => (c.transactionId !== null ? c.soc : null)],
      ['idTag', t('stations.columns.idTag'), (_s, c) => c.idTag],
      ['transaction', t('station.transaction'), (_s, c) => c.transactionId],
      ['firmware', t('stationPage.columns.firmware'), (s) => s.firmwareVersion],
      ['lastHeartbeat', t('stationPage.columns.lastHeartbeat'), (s) => s.lastSeenAt],
    ];
    const shown = new Set(choice.visible.map((c) => c.id));
    const exported = cells.filter(([id]) => shown.has(id));
    const lines = rows.flatMap((s) => s.connectors.map((c) => exported.map(([, , value]) => value(s, c))));
    downloadText(csvFileName(t('stations.csvFile')), toCsv(exported.map(([, label]) => label), lines, csvDialect(i18n.language)));
  };

  return (
    <div className="view" data-testid="view-stations">
      <div className="view-header">
        <h1>{t('stations.title')}</h1>
      </div>
      <div className="tiles">
        <Tile
          label={t('stations.tiles.online')}
          value={<span data-testid="tile-online">{`${summary.online}`}</span>}
          sub={t('stations.tiles.ofTotal', { total: summary.stations })}
          tone={summary.online < summary.stations ? 'warn' : 'ok'}
          onClick={summary.online < summary.stations ? () => setFilter('offline') : undefined}
        />
        <Tile label={t('stations.tiles.charging')} value={<span data-testid="tile-charging">{summary.charging}</span>} sub={t('stations.tiles.ofConnectors', { total: summary.connectors })} tone="active" />
        <Tile
          label={t('stations.tiles.power')}
          value={
            <>
              <span data-testid="tile-power">{formatNumber(summary.powerW / 1000, locale, 1)}</span> <span className="tile-unit">{t('units.kw')}</span>
            </>
          }
          sub={t('stations.tiles.acrossPark')}
          tone="info"
        />
        <Tile
          label={t('stations.tiles.pending')}
          value={<span data-testid="tile-pending">{summary.pending}</span>}
          sub={t('stations.tiles.toDecide')}
          tone={summary.pending > 0 ? 'warn' : 'idle'}
          onClick={summary.pending > 0 ? () => setFilter('pending') : undefined}
        />
      </div>
      <div className="toolbar">
        <SearchBox value={search} onChange={setSearch} placeholder={`${t('stations.search')}  (/)`} label={t('stations.search')} shortcut testId="station-search" />
        <select value={filter} onChange={(e) => setFilter(e.target.value as StatusFilter)} aria-label={t('stations.statusFilter')} data-testid="status-filter">
          <option value="all">{t('stations.filterAll')}</option>
          <option value="pending">{t('stations.filterPending')}</option>
          <option value="online">{t('stations.filterOnline')}</option>
          <option value="offline">{t('stations.filterOffline')}</option>
          {CONNECTOR_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
        <span className="toolbar-count" data-testid="stations-count">
          {t('stations.shown', { shown: rows.length, total: stations.length })}
        </span>
        <div className="toolbar-spacer" />
        <button type="button" className="button" onClick={exportCsv} disabled={rows.length === 0} data-testid="stations-export">
          {t('common.exportCsv')}
        </button>
        <ColumnChooser columns={columns} choice={choice} testId="stations-columns" />
      </div>
      {error && !loaded ? (
        <p className="notice tone-fault" role="alert">
          {describeError(error, t)}
        </p>
      ) : null}
      <DataTable
        label={t('stations.title')}
        testId="stations-table"
        className="stations-table"
        columns={choice.visible}
        stickyFirst
        rows={rows}
        rowKey={(s) => s.id}
        sort={sort}
        onSort={(id) => setSort(nextSort(sort, id))}
        onRowActivate={(s) => navigate({ view: 'stations', stationId: s.id })}
        estimateRowHeight={(s) => 12 + 24 * Math.max(1, s.connectors.length)}
        rowAttributes={(s) => ({
          'data-testid': `station-row-${s.id}`,
          className: `${s.registration === 'pending' ? 'row-pending' : ''} ${s.connected ? '' : 'row-offline'}`,
        })}
        empty={!loaded ? t('common.loading') : stations.length === 0 ? t('stations.noStations') : t('stations.empty')}
      />
    </div>
  );
}
