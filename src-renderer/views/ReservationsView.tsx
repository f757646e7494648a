// Reservations (R-6.3.1, OCPP ReserveNow): the control room books an EVSE for a driver's badge,
// with the departure and energy the driver announced (smart charging plans with them once the
// badge charges there), sees the station's verdict, and cancels. Opened from a station page as
// #/reservations/<station id>, the form starts on that station.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Reservation, ReservationStatus } from '../../src-shared/domain/index.ts';
import { ColumnChooser, useColumnChoice } from '../components/ColumnChooser.tsx';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime, isoToLocalInput, localInputToIso } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import type { Tone } from '../lib/status.ts';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';
import { useBadges } from '../store/badges.ts';
import { useReservations } from '../store/reservations.ts';
import { useStations } from '../store/stations.ts';
import { useToasts } from '../store/toasts.ts';
import { useUi } from '../store/ui.ts';
import '../styles/reservations.css';

const TONE: Record<ReservationStatus, Tone> = { pending: 'info', accepted: 'active', rejected: 'fault', used: 'ok', cancelled: 'idle', expired: 'warn' };
const LIVE: ReadonlySet<ReservationStatus> = new Set(['pending', 'accepted']);
/** Shown on demand (Columns): the station's answer is also the status pill's tooltip. */
const DEFAULT_HIDDEN = ['transactionId', 'createdBy'];

interface Draft {
  stationId: string;
  /** '0' = any EVSE. */
  evseId: string;
  idTag: string;
  expiresAt: string;
  departureAt: string;
  /** kWh as typed. */
  energyKWh: string;
}

function freshDraft(stationId: string): Draft {
  return { stationId, evseId: '0', idTag: '', expiresAt: isoToLocalInput(new Date(Date.now() + 30 * 60_000).toISOString()), departureAt: '', energyKWh: '' };
}

function ReservationForm(props: { initialStation: string }) {
  const { t } = useTranslation();
  const stations = useStations((s) => s.stations);
  const badges = useBadges((s) => s.badges);
  const create = useReservations((s) => s.create);
  const [draft, setDraft] = useState(() => freshDraft(props.initialStation));
  const [saving, setSaving] = useState(false);
  // A station's refusal is kept as data so that it reads in the language shown now.
  const [error, setError] = useState<string | { stationId: string; detail: string } | null>(null);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const stationIds = useMemo(() => Object.keys(stations).sort(), [stations]);
  const evses = useMemo(() => [...new Set((stations[draft.stationId]?.connectors ?? []).map((c) => c.evseId))].sort((a, b) => a - b), [stations, draft.stationId]);
  const acceptedBadges = useMemo(() => Object.values(badges).filter((b) => b.status === 'Accepted'), [badges]);

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const energy = draft.energyKWh.trim() === '' ? null : Number(draft.energyKWh.replace(',', '.')) * 1000;
      const made = await create({
        stationId: draft.stationId,
        evseId: Number(draft.evseId),
        idTag: draft.idTag.trim(),
        expiresAt: localInputToIso(draft.expiresAt) ?? '',
        departureAt: localInputToIso(draft.departureAt) ?? null,
        energyWh: energy,
      });
      if (made.status === 'accepted') {
        useToasts.getState().push('ok', t('reservations.form.accepted', { id: made.id, stationId: made.stationId }));
        setDraft(freshDraft(draft.stationId));
      } else {
        // The station's refusal (Occupied, Faulted...) is the operator's next clue.
        setError({ stationId: made.stationId, detail: made.detail ?? made.status });
      }
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="form-grid"
      data-testid="reservation-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Field label={t('reservations.form.station')}>
        <select value={draft.stationId} onChange={(e) => set({ stationId: e.target.value, evseId: '0' })} required data-testid="reservation-station">
          <option value="">{t('reservations.form.chooseStation')}</option>
          {stationIds.map((id) => (
            <option key={id} value={id} disabled={!stations[id]?.connected}>
              {stations[id]?.connected ? id : t('reservations.form.offline', { id })}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('reservations.form.evse')}>
        <select value={draft.evseId} onChange={(e) => set({ evseId: e.target.value })} data-testid="reservation-evse">
          <option value="0">{t('reservations.form.anyEvse')}</option>
          {evses.map((n) => (
            <option key={n} value={String(n)}>
              {t('reservations.form.evseN', { n })}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('reservations.form.idTag')}>
        <input value={draft.idTag} onChange={(e) => set({ idTag: e.target.value })} required maxLength={20} list="reservation-badges" spellCheck={false} data-testid="reservation-idTag" />
        <datalist id="reservation-badges">
          {acceptedBadges.map((b) => (
            <option key={b.idTag} value={b.idTag}>
              {b.label ?? ''}
            </option>
          ))}
        </datalist>
      </Field>
      <Field label={t('reservations.form.expiresAt')}>
        <input type="datetime-local" value={draft.expiresAt} onChange={(e) => set({ expiresAt: e.target.value })} required data-testid="reservation-expiresAt" />
      </Field>
      <Field label={t('reservations.form.departureAt')}>
        <input type="datetime-local" value={draft.departureAt} onChange={(e) => set({ departureAt: e.target.value })} data-testid="reservation-departureAt" />
      </Field>
      <Field label={t('reservations.form.energy')}>
        <input inputMode="decimal" value={draft.energyKWh} onChange={(e) => set({ energyKWh: e.target.value })} placeholder="20" data-testid="reservation-energy" />
      </Field>
      <p className="hint">{t('reservations.form.hint')}</p>
      {error ? (
        <p className="form-error" role="alert" data-testid="reservation-error">
          {typeof error === 'string' ? error : t('reservations.form.refused', error)}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="submit" className="button button-primary" disabled={saving || !draft.stationId || !draft.idTag.trim()} data-testid="reservation-save">
          {saving ? t('reservations.form.sending') : t('reservations.form.save')}
        </button>
      </div>
    </form>
  );
}

export function ReservationsView() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const route = useUi((s) => s.route);
  const reservations = useReservations((s) => s.reservations);
  const loaded = useReservations((s) => s.loaded);
  const loadError = useReservations((s) => s.error);
  const cancel = useReservations((s) => s.cancel);
  const [search, setSearch] = useState('');
  const [liveOnly, setLiveOnly] = useState(false);
  const [sort, setSort] = useState<SortState | null>({ columnId: 'id', direction: 'desc' });
  const [cancelling, setCancelling] = useState<number | null>(null);
  useEffect(() => {
    void useReservations.getState().load();
  }, []);

  const doCancel = async (r: Reservation) => {
    setCancelling(r.id);
    try {
      await cancel(r.id);
      useToasts.getState().push('ok', t('reservations.cancelled', { id: r.id }));
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t), 12_000);
    } finally {
      setCancelling(null);
    }
  };

  const columns = useMemo<Column<Reservation>[]>(
    () => [
      { id: 'id', label: t('reservations.columns.id'), width: '4.5rem', sortValue: (r) => r.id, render: (r) => <span className="mono">{r.id}</span> },
      { id: 'stationId', label: t('reservations.columns.station'), width: '9rem', sortValue: (r) => r.stationId, render: (r) => <span className="mono">{r.stationId}</span> },
      { id: 'evseId', label: t('reservations.columns.evse'), width: '5rem', sortValue: (r) => r.evseId, csvValue: (r) => String(r.evseId), render: (r) => (r.evseId === 0 ? t('reservations.any') : String(r.evseId)) },
      { id: 'idTag', label: t('reservations.columns.idTag'), width: '8rem', sortValue: (r) => r.idTag, render: (r) => <span className="mono">{r.idTag}</span> },
      {
        id: 'status',
        label: t('reservations.columns.status'),
        width: '8rem',
        sortValue: (r) => r.status,
        csvValue: (r) => r.status,
        render: (r) => (
          <Pill tone={TONE[r.status]} status={r.status} title={r.detail ?? undefined} testId={`reservation-status-${r.id}`}>
            {t(`reservations.status.${r.status}`)}
          </Pill>
        ),
      },
      { id: 'expiresAt', label: t('reservations.columns.expiresAt'), width: '11rem', sortValue: (r) => r.expiresAt, csvValue: (r) => r.expiresAt, render: (r) => formatDateTime(r.expiresAt, locale) },
      { id: 'departureAt', label: t('reservations.columns.departureAt'), width: '11rem', sortValue: (r) => r.departureAt, csvValue: (r) => r.departureAt ?? '', render: (r) => (r.departureAt ? formatDateTime(r.departureAt, locale) : DASH) },
      {
        id: 'energyWh',
        label: t('reservations.columns.energy'),
        width: '8rem',
        align: 'end',
        sortValue: (r) => r.energyWh,
        csvValue: (r) => (r.energyWh === null ? '' : String(r.energyWh / 1000)),
        render: (r) => (r.energyWh === null ? DASH : (r.energyWh / 1000).toLocaleString(locale, { maximumFractionDigits: 1 })),
      },
      { id: 'detail', label: t('reservations.columns.detail'), sortValue: (r) => r.detail, render: (r) => r.detail ?? DASH },
      { id: 'transactionId', label: t('reservations.columns.transaction'), width: '6rem', sortValue: (r) => r.transactionId, render: (r) => (r.transactionId === null ? DASH : <span className="mono">{r.transactionId}</span>) },
      { id: 'createdBy', label: t('reservations.columns.createdBy'), width: '7rem', sortValue: (r) => r.createdBy, render: (r) => r.createdBy ?? DASH },
      {
        id: 'actions',
        label: t('reservations.columns.actions'),
        width: '7rem',
        render: (r) =>
          LIVE.has(r.status) ? (
            <button type="button" className="button button-small" disabled={cancelling === r.id} onClick={() => void doCancel(r)} data-testid={`reservation-cancel-${r.id}`}>
              {t('reservations.cancel')}
            </button>
          ) : null,
      },
    ],
    // doCancel closes over `cancelling` and `cancel` only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, locale, cancelling],
  );
  const all = useMemo(() => Object.values(reservations), [reservations]);
  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return all.filter(
      (r) =>
        (!liveOnly || LIVE.has(r.status)) &&
        (!needle || r.stationId.toLowerCase().includes(needle) || r.idTag.toLowerCase().includes(needle) || String(r.id) === needle || t(`reservations.status.${r.status}`).toLowerCase().includes(needle)),
    );
  }, [all, search, liveOnly, t]);
  const choice = useColumnChoice('reservations', columns, DEFAULT_HIDDEN);
  const rows = useSortedRows(filtered, choice.visible, sort);
  const held = all.filter((r) => LIVE.has(r.status)).length;

  return (
    <div className="view" data-testid="view-reservations">
      <div className="view-header">
        <h1>{t('reservations.title')}</h1>
        <span className="muted" data-testid="reservations-held">
          {t('reservations.held', { count: held })}
        </span>
      </div>
      <Panel title={t('reservations.form.title')} className="reservation-form-panel">
        <ReservationForm key={route.stationId ?? ''} initialStation={route.stationId ?? ''} />
      </Panel>
      <div className="toolbar">
        <SearchBox value={search} onChange={setSearch} placeholder={`${t('reservations.search')}  (/)`} label={t('reservations.search')} shortcut testId="reservation-search" />
        <label className="checkbox">
          <input type="checkbox" checked={liveOnly} onChange={(e) => setLiveOnly(e.target.checked)} data-testid="reservation-live-only" />
          {t('reservations.liveOnly')}
        </label>
        <span className="toolbar-count">{`${rows.length} / ${all.length}`}</span>
        <div className="toolbar-spacer" />
        <ColumnChooser columns={columns} choice={choice} testId="reservations-columns" />
        <button
          type="button"
          className="button"
          disabled={rows.length === 0}
          onClick={() => downloadText(csvFileName(t('reservations.csvFile')), columnsToCsv(choice.visible, rows, csvDialect(i18n.language)))}
          data-testid="reservation-export"
        >
          {t('common.exportCsv')}
        </button>
      </div>
      {loadError && !loaded ? (
        <p className="notice tone-fault" role="alert">
          {describeError(loadError, t)}
        </p>
      ) : null}
      <DataTable
        label={t('reservations.title')}
        testId="reservations-table"
        columns={choice.visible}
        rows={rows}
        rowKey={(r) => r.id}
        sort={sort}
        onSort={(id) => setSort(nextSort(sort, id))}
        rowAttributes={(r) => ({ 'data-testid': `reservation-row-${r.id}` })}
        empty={loaded ? t('reservations.empty') : t('common.loading')}
        stickyFirst
      />
    </div>
  );
}
