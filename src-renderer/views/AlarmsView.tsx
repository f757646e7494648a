// Alarms: the live list (Active) with filters, multi-select acknowledge / shelve / unshelve and
// jumps to the station, and the archived sequence of events (History) with server paging and CSV.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { create } from 'zustand';
import { useTranslation } from 'react-i18next';
import type { AlarmInstance, AlarmSeverity, AlarmState, AlarmTransition } from '../../src-shared/alarms/types.ts';
import { AlarmMessage } from '../components/AlarmMessage.tsx';
import { AlarmStatePill, SeverityPill } from '../components/AlarmPills.tsx';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { Field } from '../components/Field.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { Tile } from '../components/Tile.tsx';
import {
  ALARM_SEVERITIES,
  ALARM_STATE_FILTERS,
  EMPTY_ALARM_FILTER,
  filterAlarms,
  isUnacknowledged,
  msToIso,
  severityRank,
  sitesOf,
  sourceText,
  type AlarmListFilter,
  type AlarmStateFilter,
} from '../lib/alarms.ts';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime, formatNumber, formatTime } from '../lib/format.ts';
import { useDebounced, useLinkOpen, useLocale } from '../lib/hooks.ts';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';
import { EMPTY_HISTORY_FILTERS, HISTORY_PAGE_SIZES, useAlarmHistory } from '../store/alarmHistory.ts';
import { useAlarms } from '../store/alarms.ts';
import { onEventBatch } from '../store/events.ts';
import { useStations } from '../store/stations.ts';
import { useToasts } from '../store/toasts.ts';
import { routeHash } from '../store/ui.ts';
import { useMayUse } from '../store/session.ts';
import { runAlarmCommand } from './actions.ts';
import { AlarmRulesPanel } from './AlarmRulesPanel.tsx';
import { NotificationsPanel } from './NotificationsPanel.tsx';

type Tab = 'active' | 'history' | 'rules' | 'notifications';

// Tab, filters, sort and selection survive a visit to a station page and back.
const useAlarmsViewState = create<{
  tab: Tab;
  filter: AlarmListFilter;
  sort: SortState | null;
  selected: ReadonlySet<string>;
  setTab(tab: Tab): void;
  setFilter(patch: Partial<AlarmListFilter>): void;
  setSort(sort: SortState | null): void;
  setSelected(selected: ReadonlySet<string>): void;
}>((set, get) => ({
  tab: 'active',
  filter: EMPTY_ALARM_FILTER,
  sort: null,
  selected: new Set(),
  setTab: (tab) => set({ tab }),
  setFilter: (patch) => set({ filter: { ...get().filter, ...patch } }),
  setSort: (sort) => set({ sort }),
  setSelected: (selected) => set({ selected }),
}));

/** Time only for today, full date otherwise; the full stamp in the tooltip. */
function When({ ms, locale }: { ms: number | null; locale: string }) {
  const iso = msToIso(ms);
  if (!iso || ms === null) return <>{DASH}</>;
  const d = new Date(ms);
  const today = new Date().toDateString() === d.toDateString();
  return (
    <time dateTime={iso} title={formatDateTime(iso, locale)}>
      {today ? formatTime(d, locale) : formatDateTime(iso, locale)}
    </time>
  );
}

function StationCell({ alarm }: { alarm: Pick<AlarmInstance, 'source'> }) {
  const id = alarm.source.stationId;
  if (!id) return <span className="mono">{sourceText(alarm.source)}</span>;
  return (
    <a className="station-link" href={routeHash({ view: 'stations', stationId: id })}>
      {sourceText(alarm.source)}
    </a>
  );
}

// ---------------------------------------------------------------------------------------------
// Acknowledge / shelve dialog

type DialogMode = 'acknowledge' | 'shelve';
const SHELVE_MINUTES = [15, 30, 60, 240, 480, 1440] as const;

function AlarmCommandDialog(props: { mode: DialogMode; alarmIds: string[]; onClose: (done: boolean) => void }) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const [comment, setComment] = useState('');
  const [minutes, setMinutes] = useState<number>(60);
  const [sending, setSending] = useState(false);
  const { acknowledge, shelve } = useAlarms.getState();
  const { mode, alarmIds, onClose } = props;
  const count = alarmIds.length;
  const valid = mode === 'acknowledge' || comment.trim().length > 0;

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = async () => {
    if (!valid || sending) return;
    setSending(true);
    const done =
      mode === 'acknowledge'
        ? await runAlarmCommand('acknowledged', () => acknowledge(alarmIds, comment), t)
        : await runAlarmCommand('shelved', () => shelve(alarmIds, minutes, comment), t);
    setSending(false);
    onClose(done);
  };

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      data-testid={`alarm-dialog-${mode}`}
      onCancel={(e) => {
        e.preventDefault();
        onClose(false);
      }}
    >
      <form
        method="dialog"
        className="dialog-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2>{mode === 'acknowledge' ? t('alarms.ackDialog.title', { count }) : t('alarms.shelveDialog.title', { count })}</h2>
        {mode === 'shelve' ? <p className="hint">{t('alarms.shelveDialog.explanation')}</p> : null}
        {mode === 'shelve' ? (
          <Field label={t('alarms.shelveDialog.duration')}>
            <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} data-testid="shelve-minutes">
              {SHELVE_MINUTES.map((m) => (
                <option key={m} value={m}>
                  {m < 60 ? t('alarms.shelveDialog.minutes', { count: m }) : t('alarms.shelveDialog.hours', { count: m / 60 })}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field label={mode === 'acknowledge' ? t('alarms.ackDialog.comment') : t('alarms.shelveDialog.reason')} wide>
          <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={1000} rows={3} data-testid="alarm-dialog-comment" autoFocus />
        </Field>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => onClose(false)} data-testid="alarm-dialog-cancel">
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={!valid || sending} data-testid="alarm-dialog-submit">
            {mode === 'acknowledge' ? t('alarms.ackDialog.submit') : t('alarms.shelveDialog.submit')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

// ---------------------------------------------------------------------------------------------
// Active tab

function SeverityToggles(props: { value: readonly AlarmSeverity[]; onChange: (value: AlarmSeverity[]) => void; counts: Record<AlarmSeverity, number> }) {
  const { t } = useTranslation();
  return (
    <div className="severity-toggles" role="group" aria-label={t('alarms.filters.severity')}>
      {ALARM_SEVERITIES.map((s) => {
        const on = props.value.includes(s);
        return (
          <button
            key={s}
            type="button"
            className={`sev-toggle sev-${s} ${on ? 'on' : ''}`}
            aria-pressed={on}
            onClick={() => props.onChange(on ? props.value.filter((v) => v !== s) : [...props.value, s])}
            data-testid={`alarm-filter-severity-${s}`}
          >
            <span className="pill-dot" aria-hidden="true" />
            {t(`alarms.severity.${s}`)}
            <span className="sev-toggle-count">{props.counts[s]}</span>
          </button>
        );
      })}
    </div>
  );
}

function ActiveAlarms() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const alarmsById = useAlarms((s) => s.alarms);
  const loaded = useAlarms((s) => s.loaded);
  const error = useAlarms((s) => s.error);
  const stationIds = useStations((s) => Object.keys(s.stations).sort().join('\n'));
  const { filter, sort, selected, setFilter, setSort, setSelected } = useAlarmsViewState();
  const [dialog, setDialog] = useState<DialogMode | null>(null);
  const [busy, setBusy] = useState(false);

  const all = useMemo(() => Object.values(alarmsById), [alarmsById]);
  const sites = useMemo(() => sitesOf(all), [all]);
  const filtered = useMemo(() => filterAlarms(all, filter), [all, filter]);
  const severityCounts = useMemo(() => {
    const n = Object.fromEntries(ALARM_SEVERITIES.map((s) => [s, 0])) as Record<AlarmSeverity, number>;
    for (const a of filterAlarms(all, { ...filter, severities: [] })) n[a.severity] += 1;
    return n;
  }, [all, filter]);
  const visibleIds = useMemo(() => new Set(filtered.map((a) => a.id)), [filtered]);
  // Only what is still on screen can be acted on: alarms that left the list drop out of the selection.
  const chosen = useMemo(() => [...selected].filter((id) => visibleIds.has(id)), [selected, visibleIds]);
  const chosenAlarms = chosen.map((id) => alarmsById[id]).filter((a): a is AlarmInstance => a !== undefined);
  const canAck = chosenAlarms.some(isUnacknowledged);
  const canUnshelve = chosenAlarms.some((a) => a.shelving !== null);
  const allSelected = filtered.length > 0 && chosen.length === filtered.length;

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  const columns = useMemo<Column<AlarmInstance>[]>(
    () => [
      {
        id: 'select',
        label: '',
        width: '34px',
        className: 'col-select',
        header: (
          <input
            type="checkbox"
            checked={allSelected}
            ref={(el) => {
              if (el) el.indeterminate = chosen.length > 0 && !allSelected;
            }}
            onChange={() => setSelected(allSelected ? new Set() : new Set(filtered.map((a) => a.id)))}
            aria-label={t('alarms.actions.selectAll')}
            data-testid="alarm-select-all"
          />
        ),
        render: (a) => (
          <input type="checkbox" checked={selected.has(a.id)} onChange={() => toggle(a.id)} aria-label={t('alarms.actions.select', { id: a.id })} data-testid={`alarm-select-${a.id}`} />
        ),
      },
      {
        id: 'severity',
        label: t('alarms.columns.severity'),
        width: '104px',
        sortValue: (a) => severityRank(a.severity),
        csvValue: (a) => a.severity,
        render: (a) => <SeverityPill severity={a.severity} />,
      },
      {
        id: 'state',
        label: t('alarms.columns.state'),
        width: '150px',
        sortValue: (a) => a.state,
        csvValue: (a) => a.state,
        render: (a) => <AlarmStatePill state={a.state} short testId={`alarm-state-${a.id}`} />,
      },
      { id: 'raised', label: t('alarms.columns.raised'), width: '84px', sortValue: (a) => a.raisedAt, csvValue: (a) => msToIso(a.raisedAt), render: (a) => <When ms={a.raisedAt} locale={locale} /> },
      { id: 'source', label: t('alarms.columns.source'), width: '156px', sortValue: (a) => sourceText(a.source), render: (a) => <StationCell alarm={a} /> },
      {
        id: 'rule',
        label: t('alarms.columns.rule'),
        width: '168px',
        sortValue: (a) => a.ruleName,
        csvValue: (a) => a.ruleName,
        render: (a) => (
          <span title={`${a.ruleName} (${a.ruleId})`}>{t(`alarms.kinds.${a.ruleKind}`)}</span>
        ),
      },
      {
        id: 'message',
        label: t('alarms.columns.message'),
        sortValue: (a) => a.message,
        render: (a) => <AlarmMessage alarm={a} className="ellipsis" />,
      },
      { id: 'occurrences', label: t('alarms.columns.occurrences'), width: '60px', align: 'end', sortValue: (a) => a.occurrences, render: (a) => <span className="num">{a.occurrences}</span> },
      {
        id: 'flags',
        label: t('alarms.columns.flags'),
        width: '116px',
        sortValue: (a) => (a.shelving ? 2 : 0) + (a.flapping ? 1 : 0),
        csvValue: (a) => [a.flapping ? 'flapping' : '', a.shelving ? `shelved until ${msToIso(a.shelving.until) ?? ''}` : ''].filter(Boolean).join(' '),
        render: (a) => (
          <span className="inline-actions">
            {a.flapping ? (
              <Pill tone="warn" status="flapping" title={t('alarms.flags.flappingHint')}>
                {t('alarms.flags.flapping')}
              </Pill>
            ) : null}
            {a.shelving ? (
              <Pill
                tone="idle"
                status="shelved"
                testId={`alarm-shelved-${a.id}`}
                title={t('alarms.flags.shelvedUntil', { time: formatDateTime(msToIso(a.shelving.until), locale), by: a.shelving.by, reason: a.shelving.reason })}
              >
                {t('alarms.flags.shelved')}
              </Pill>
            ) : null}
          </span>
        ),
      },
      {
        id: 'acknowledged',
        label: t('alarms.columns.acknowledged'),
        width: '100px',
        sortValue: (a) => a.acknowledgement?.by ?? null,
        render: (a) =>
          a.acknowledgement ? (
            <span title={`${formatDateTime(msToIso(a.acknowledgement.at), locale)}${a.acknowledgement.comment ? ` · ${a.acknowledgement.comment}` : ''}`}>{a.acknowledgement.by}</span>
          ) : (
            DASH
          ),
      },
      {
        id: 'goto',
        label: t('alarms.columns.actions'),
        width: '132px',
        render: (a) =>
          a.source.stationId ? (
            <span className="inline-actions">
              <a className="button button-small" href={routeHash({ view: 'stations', stationId: a.source.stationId })} title={t('alarms.actions.showOnStation', { id: a.source.stationId })} data-testid={`alarm-goto-${a.id}`}>
                {t('alarms.actions.stationPage')}
              </a>
              <a className="button button-small" href={routeHash({ view: 'groundPlan', stationId: a.source.stationId })} title={t('alarms.actions.showOnPlan', { id: a.source.stationId })}>
                {t('alarms.actions.groundPlan')}
              </a>
            </span>
          ) : null,
      },
    ],
    // toggle is recreated each render but only reads `selected`, which is a dependency.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, locale, selected, allSelected, chosen.length, filtered],
  );
  const rows = useSortedRows(filtered, columns, sort);

  const unshelve = async () => {
    setBusy(true);
    const ids = chosenAlarms.filter((a) => a.shelving).map((a) => a.id);
    if (await runAlarmCommand('unshelved', () => useAlarms.getState().unshelve(ids), t)) setSelected(new Set());
    setBusy(false);
  };

  const exportCsv = () => downloadText(csvFileName(t('alarms.csvFile')), columnsToCsv(columns, rows, csvDialect(i18n.language)));

  return (
    <>
      <div className="toolbar filters" data-testid="alarm-filters">
        {/* Not a <label>: a click on its text would press the first toggle. */}
        <div className="field">
          <span className="field-label">{t('alarms.filters.severity')}</span>
          <SeverityToggles value={filter.severities} onChange={(severities) => setFilter({ severities })} counts={severityCounts} />
        </div>
        <Field label={t('alarms.filters.state')}>
          <select value={filter.state} onChange={(e) => setFilter({ state: e.target.value as AlarmStateFilter })} data-testid="alarm-filter-state">
            {ALARM_STATE_FILTERS.map((s) => (
              <option key={s} value={s}>
                {t(`alarms.stateFilter.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('alarms.filters.station')}>
          <input value={filter.station} onChange={(e) => setFilter({ station: e.target.value })} list="alarm-stations" data-testid="alarm-filter-station" spellCheck={false} data-shortcut="search" />
          <datalist id="alarm-stations">
            {stationIds
              .split('\n')
              .filter(Boolean)
              .map((id) => (
                <option key={id} value={id} />
              ))}
          </datalist>
        </Field>
        {sites.length > 0 ? (
          <Field label={t('alarms.filters.site')}>
            <select value={filter.site} onChange={(e) => setFilter({ site: e.target.value })} data-testid="alarm-filter-site">
              <option value="">{t('alarms.filters.allSites')}</option>
              {sites.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <button type="button" className="button" onClick={() => setFilter(EMPTY_ALARM_FILTER)}>
          {t('alarms.filters.clear')}
        </button>
      </div>
      <div className="toolbar">
        <span className="toolbar-count" data-testid="alarms-count">
          {t('alarms.shown', { shown: filtered.length, total: all.length })}
          {chosen.length > 0 ? ` · ${t('alarms.actions.selected', { count: chosen.length })}` : ''}
        </span>
        <div className="toolbar-spacer" />
        <button type="button" className="button button-primary" disabled={!canAck || !linkOpen || busy} onClick={() => setDialog('acknowledge')} data-testid="alarm-acknowledge">
          {t('alarms.actions.acknowledge')}
        </button>
        <button type="button" className="button" disabled={chosen.length === 0 || !linkOpen || busy} onClick={() => setDialog('shelve')} data-testid="alarm-shelve">
          {t('alarms.actions.shelve')}
        </button>
        <button type="button" className="button" disabled={!canUnshelve || !linkOpen || busy} onClick={() => void unshelve()} data-testid="alarm-unshelve">
          {t('alarms.actions.unshelve')}
        </button>
        <button type="button" className="button" onClick={exportCsv} disabled={rows.length === 0} data-testid="alarms-export">
          {t('common.exportCsv')}
        </button>
      </div>
      {error && !loaded ? (
        <p className="notice tone-fault" role="alert">
          {describeError(error, t)}
        </p>
      ) : null}
      <DataTable
        label={t('alarms.title')}
        testId="alarms-table"
        className="alarms-table"
        columns={columns}
        rows={rows}
        rowKey={(a) => a.id}
        sort={sort}
        onSort={(id) => setSort(nextSort(sort, id))}
        onRowActivate={(a) => toggle(a.id)}
        rowAttributes={(a) => ({
          'data-testid': `alarm-row-${a.id}`,
          'data-state': a.state,
          'data-severity': a.severity,
          'data-station': a.source.stationId ?? '',
          className: `sev-${a.severity} alarm-row ${selected.has(a.id) ? 'row-selected' : ''} ${isUnacknowledged(a) ? 'row-unack' : ''} ${a.shelving ? 'row-shelved' : ''}`,
        })}
        empty={!loaded ? t('common.loading') : all.length === 0 ? t('alarms.none') : t('alarms.empty')}
      />
      {dialog ? (
        <AlarmCommandDialog
          mode={dialog}
          alarmIds={dialog === 'acknowledge' ? chosenAlarms.filter(isUnacknowledged).map((a) => a.id) : chosen}
          onClose={(done) => {
            setDialog(null);
            if (done) setSelected(new Set());
          }}
        />
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// History tab

function transitionText(r: AlarmTransition, label: (state: AlarmState) => string): string {
  if (r.from === r.to) return r.to ? label(r.to) : DASH;
  return `${r.from ? label(r.from) : DASH} → ${r.to ? label(r.to) : DASH}`;
}

function AlarmHistory() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const state = useAlarmHistory();
  const { setFilters, refresh } = state;
  const [stationDraft, setStationDraft] = useState(state.filters.stationId);
  const stationFilter = useDebounced(stationDraft, 300);
  const [exporting, setExporting] = useState(false);
  const stationIds = useStations((s) => Object.keys(s.stations).sort().join('\n'));
  const linkOpen = useLinkOpen();

  useEffect(() => {
    if (useAlarmHistory.getState().filters.stationId !== stationFilter) setFilters({ stationId: stationFilter });
  }, [stationFilter, setFilters]);

  // First page on entry and after reconnection; then at most every 2 s while alarm events flow.
  useEffect(() => {
    if (!linkOpen) return;
    void refresh();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onEventBatch((events) => {
      if (timer || !events.some((e) => e.type === 'alarm')) return;
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

  const columns = useMemo<Column<AlarmTransition>[]>(
    () => [
      { id: 'at', label: t('alarms.columns.at'), width: '168px', csvValue: (r) => msToIso(r.at), render: (r) => formatDateTime(msToIso(r.at), locale) },
      {
        id: 'event',
        label: t('alarms.columns.event'),
        width: '136px',
        csvValue: (r) => r.event,
        render: (r) => <span className={`history-event event-${r.event}`}>{t(`alarms.events.${r.event}`)}</span>,
      },
      { id: 'severity', label: t('alarms.columns.severity'), width: '104px', csvValue: (r) => r.severity, render: (r) => <SeverityPill severity={r.severity} /> },
      { id: 'source', label: t('alarms.columns.source'), width: '150px', csvValue: (r) => sourceText(r.source), render: (r) => <StationCell alarm={r} /> },
      { id: 'rule', label: t('alarms.columns.rule'), width: '150px', csvValue: (r) => r.ruleName, render: (r) => <span title={r.ruleName}>{t(`alarms.kinds.${r.ruleKind}`)}</span> },
      {
        id: 'transition',
        label: t('alarms.columns.transition'),
        width: '200px',
        csvValue: (r) => `${r.from ?? ''}→${r.to ?? ''}`,
        render: (r) => (
          <span className="muted" title={transitionText(r, (x) => t(`alarms.state.${x}`))}>
            {transitionText(r, (x) => t(`alarms.stateShort.${x}`))}
          </span>
        ),
      },
      {
        id: 'message',
        label: t('alarms.columns.message'),
        csvValue: (r) => r.message,
        render: (r) => <AlarmMessage alarm={r} className="ellipsis" />,
      },
      {
        id: 'operator',
        label: t('alarms.columns.operator'),
        width: '100px',
        csvValue: (r) => r.operator,
        render: (r) => (r.operator ? <strong data-testid={`alarm-history-operator-${r.seq}`}>{r.operator}</strong> : <span className="muted">{t('alarms.system')}</span>),
      },
      {
        id: 'comment',
        label: t('alarms.columns.comment'),
        width: '160px',
        csvValue: (r) => r.comment,
        render: (r) => (
          <span className="ellipsis" title={r.comment ?? undefined}>
            {r.comment || DASH}
          </span>
        ),
      },
    ],
    [t, locale],
  );

  const page = state.page;
  const total = page?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / state.limit));
  const current = Math.floor(state.offset / state.limit) + 1;

  const exportCsv = async () => {
    setExporting(true);
    try {
      const all = await useAlarmHistory.getState().fetchAll();
      downloadText(csvFileName(t('alarms.historyCsvFile')), columnsToCsv(columns, all, csvDialect(i18n.language)));
    } catch (error) {
      useToasts.getState().push('fault', describeError(error, t));
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <div className="toolbar filters">
        <Field label={t('alarms.filters.station')}>
          <input value={stationDraft} onChange={(e) => setStationDraft(e.target.value)} list="alarm-history-stations" data-testid="alarm-history-station" spellCheck={false} data-shortcut="search" />
          <datalist id="alarm-history-stations">
            {stationIds
              .split('\n')
              .filter(Boolean)
              .map((id) => (
                <option key={id} value={id} />
              ))}
          </datalist>
        </Field>
        <Field label={t('alarms.filters.from')}>
          <input type="datetime-local" value={state.filters.from} onChange={(e) => setFilters({ from: e.target.value })} data-testid="alarm-history-from" />
        </Field>
        <Field label={t('alarms.filters.to')}>
          <input type="datetime-local" value={state.filters.to} onChange={(e) => setFilters({ to: e.target.value })} data-testid="alarm-history-to" />
        </Field>
        <button
          type="button"
          className="button"
          onClick={() => {
            setStationDraft('');
            setFilters(EMPTY_HISTORY_FILTERS);
          }}
        >
          {t('alarms.filters.clear')}
        </button>
        <div className="toolbar-spacer" />
        <button type="button" className="button" onClick={() => void exportCsv()} disabled={exporting || total === 0} data-testid="alarm-history-export">
          {exporting ? t('common.exporting') : t('common.exportCsv')}
        </button>
      </div>
      {state.error ? (
        <p className="notice tone-fault" role="alert">
          {describeError(state.error, t)}
        </p>
      ) : null}
      <DataTable
        label={t('alarms.tabs.history')}
        testId="alarm-history-table"
        className={state.loading ? 'loading' : ''}
        columns={columns}
        rows={page?.items ?? []}
        rowKey={(r) => r.seq}
        sort={null}
        rowAttributes={(r) => ({
          'data-testid': `alarm-history-row-${r.seq}`,
          'data-event': r.event,
          'data-alarm-id': r.alarmId ?? '',
          'data-operator': r.operator ?? '',
          className: r.operator ? 'row-operator' : '',
        })}
        empty={page ? t('alarms.historyEmpty') : t('common.loading')}
      />
      <div className="pager">
        <span className="toolbar-count" data-testid="alarm-history-range">
          {t('transactions.range', {
            from: formatNumber(total === 0 ? 0 : state.offset + 1, locale),
            to: formatNumber(Math.min(total, state.offset + state.limit), locale),
            total: formatNumber(total, locale),
          })}
        </span>
        <div className="toolbar-spacer" />
        <label className="inline-field">
          <span>{t('transactions.filters.pageSize')}</span>
          <select value={state.limit} onChange={(e) => state.setLimit(Number(e.target.value))}>
            {HISTORY_PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-small" disabled={current <= 1} onClick={() => state.setOffset(0)} aria-label={t('transactions.first')} title={t('transactions.first')}>
          «
        </button>
        <button type="button" className="button button-small" disabled={current <= 1} onClick={() => state.setOffset(state.offset - state.limit)} aria-label={t('transactions.previous')} title={t('transactions.previous')}>
          ‹
        </button>
        <span className="pager-page">{t('transactions.page', { page: current, pages })}</span>
        <button type="button" className="button button-small" disabled={current >= pages} onClick={() => state.setOffset(state.offset + state.limit)} aria-label={t('transactions.next')} title={t('transactions.next')}>
          ›
        </button>
        <button type="button" className="button button-small" disabled={current >= pages} onClick={() => state.setOffset((pages - 1) * state.limit)} aria-label={t('transactions.last')} title={t('transactions.last')}>
          »
        </button>
      </div>
    </>
  );
}

// ---------------------------------------------------------------------------------------------

export function AlarmsView() {
  const { t } = useTranslation();
  const tab = useAlarmsViewState((s) => s.tab);
  const setTab = useAlarmsViewState((s) => s.setTab);
  const alarms = useAlarms((s) => s.alarms);
  const locale = useLocale();
  const summary = useMemo(() => {
    const list = Object.values(alarms);
    return {
      active: list.filter((a) => a.state === 'activeUnacknowledged' || a.state === 'activeAcknowledged').length,
      unack: list.filter((a) => isUnacknowledged(a) && !a.shelving).length,
      shelved: list.filter((a) => a.shelving).length,
      flapping: list.filter((a) => a.flapping).length,
    };
  }, [alarms]);
  // Rule editor and notification settings (issue 5): engineers only.
  const mayEditRules = useMayUse('putAlarmRule');
  const mayNotifications = useMayUse('getNotificationSettings');
  const tabs: { id: Tab; label: ReactNode }[] = [
    { id: 'active', label: t('alarms.tabs.active') },
    { id: 'history', label: t('alarms.tabs.history') },
    ...(mayEditRules ? [{ id: 'rules' as const, label: t('alarmRules.tab') }] : []),
    ...(mayNotifications ? [{ id: 'notifications' as const, label: t('notificationSettings.tab') }] : []),
  ];
  const shown: Tab = tabs.some((x) => x.id === tab) ? tab : 'active';
  return (
    <div className="view" data-testid="view-alarms">
      <div className="view-header">
        <h1>{t('alarms.title')}</h1>
      </div>
      <div className="tiles">
        <Tile label={t('alarms.tiles.unacknowledged')} value={<span data-testid="alarms-tile-unack">{formatNumber(summary.unack, locale)}</span>} sub={t('alarms.tiles.unacknowledgedSub')} tone={summary.unack > 0 ? 'fault' : 'ok'} />
        <Tile label={t('alarms.tiles.active')} value={formatNumber(summary.active, locale)} sub={t('alarms.tiles.activeSub')} tone={summary.active > 0 ? 'warn' : 'ok'} />
        <Tile label={t('alarms.tiles.shelved')} value={formatNumber(summary.shelved, locale)} sub={t('alarms.tiles.shelvedSub')} tone="idle" />
        <Tile label={t('alarms.tiles.flapping')} value={formatNumber(summary.flapping, locale)} sub={t('alarms.tiles.flappingSub')} tone={summary.flapping > 0 ? 'warn' : 'idle'} />
      </div>
      <div className="tabs" role="tablist" aria-label={t('alarms.title')}>
        {tabs.map((x) => (
          <button key={x.id} type="button" role="tab" aria-selected={shown === x.id} className={`tab ${shown === x.id ? 'active' : ''}`} onClick={() => setTab(x.id)} data-testid={`alarm-tab-${x.id}`}>
            {x.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="tab-panel">
        {shown === 'active' ? <ActiveAlarms /> : shown === 'history' ? <AlarmHistory /> : shown === 'rules' ? <AlarmRulesPanel /> : <NotificationsPanel />}
      </div>
    </div>
  );
}
