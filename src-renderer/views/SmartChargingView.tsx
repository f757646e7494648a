// Smart charging, two tabs. Dynamic power: the electrical tree with limit, allocated and
// measured load per phase and the headroom of each node, a mode switch per group and a limit
// editor with a what-if preview (engineers); per session its setpoint, the reason for it, the
// push state and the station's composite-schedule check, with an operator override; the
// staggered-start settings. Profiles: the static profile library (SmartProfilesView).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { AllocationInfo, AllocationPreview, GroupInfo, GroupLimitChange, SessionNeedsView } from '../../src-shared/api/index.ts';
import { ColumnChooser, useColumnChoice } from '../components/ColumnChooser.tsx';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { nodeDepths, parseAllocation, PHASES, pushStatus, ratio, scheduleCheck, treeOrder, type NodeView, type ReasonView, type ScheduleCheckStatus, type SetpointView } from '../lib/allocation.ts';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { describeError } from '../lib/errors.ts';
import { DASH, formatKw, formatKwh, formatMoment, formatNumber, formatTime, isoToLocalInput, localInputToIso } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import type { Tone } from '../lib/status.ts';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';
import { api } from '../store/client.ts';
import { confirmAction } from '../store/confirm.ts';
import { useMayUse } from '../store/session.ts';
import { useStations } from '../store/stations.ts';
import { useToasts } from '../store/toasts.ts';
import { PreviewResult } from './SmartPreview.tsx';
import { SmartProfilesView } from './SmartProfilesView.tsx';
import { StaggerPanel } from './SmartStaggerPanel.tsx';

const REFRESH_MS = 2000;
/** Session columns hidden until the operator shows them (Columns menu). */
const DEFAULT_HIDDEN_SESSION_COLUMNS = ['allowed', 'schedule'];

export function describeReason(reason: ReasonView, t: TFunction, nodeName: (id: string) => string, locale = 'en-GB'): string {
  const limit = reason.limit;
  const where = limit
    ? limit.phase === 'total'
      ? t('smart.reason.where.total', { node: limit.scope === 'station' ? limit.id : nodeName(limit.id) })
      : t('smart.reason.where.phase', { node: limit.scope === 'station' ? limit.id : nodeName(limit.id), phase: limit.phase })
    : '';
  switch (reason.kind) {
    case 'limit':
      return t('smart.reason.limit', { where });
    case 'minimumNotReachable':
      return t('smart.reason.minimumNotReachable', { where });
    case 'manual':
      return limit ? t('smart.reason.manualLimited', { where }) : t('smart.reason.manual');
    case 'stationMax':
    case 'vehicleMax':
    case 'undrawn':
    case 'energyTarget':
    case 'preconditioning':
    case 'targetReached':
    case 'vehiclePaused':
    case 'manualMode':
    case 'finished':
      return t(`smart.reason.${reason.kind}`);
    case 'invalid':
      return t('smart.reason.invalid', { detail: reason.detail ?? '' });
    case 'staggered':
      return t('smartCharging.staggered', { time: reason.untilMs === null ? DASH : formatTime(new Date(reason.untilMs), locale) });
    default:
      return reason.kind;
  }
}

const PUSH_TONE: Record<string, Tone> = { accepted: 'ok', pending: 'warn', rejected: 'fault', error: 'fault', none: 'idle' };
const SCHEDULE_TONE: Record<ScheduleCheckStatus | 'none', Tone> = { matches: 'ok', lower: 'info', exceeds: 'fault', unsupported: 'idle', none: 'idle' };

function PhaseBar(props: { label: string; allocated: number; measured: number; limit: number | null; headroom: number | null; unit: string; locale: string; testId: string }) {
  const { t } = useTranslation();
  const { allocated, measured, limit, locale } = props;
  const over = limit !== null && measured > limit;
  return (
    <div className="phase-bar" data-testid={props.testId}>
      <span className="phase-label">{props.label}</span>
      <div className="bar-track" title={t('smart.barTitle', { allocated: formatNumber(allocated, locale, 1), measured: formatNumber(measured, locale, 1), limit: limit === null ? DASH : formatNumber(limit, locale, 1), unit: props.unit })}>
        <div className="bar-allocated" style={{ width: `${ratio(allocated, limit) * 100}%` }} />
        <div className={`bar-measured ${over ? 'over' : ''}`} style={{ width: `${ratio(measured, limit) * 100}%` }} />
      </div>
      <span className="num phase-values">
        {formatNumber(allocated, locale, 1)} / {formatNumber(measured, locale, 1)} / {limit === null ? DASH : formatNumber(limit, locale, 0)} {props.unit}
      </span>
      <span className={`num phase-headroom ${props.headroom !== null && props.headroom < 0 ? 'tone-fault' : ''}`}>{props.headroom === null ? DASH : formatNumber(props.headroom, locale, 1)}</span>
    </div>
  );
}

function LimitEditor(props: { group: GroupInfo; onDone: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { group } = props;
  const [kw, setKwText] = useState(group.maxW === null ? '' : String(group.maxW / 1000));
  const [amps, setAmpsText] = useState<[string, string, string]>(group.maxAPerPhase ? [String(group.maxAPerPhase[0]), String(group.maxAPerPhase[1]), String(group.maxAPerPhase[2])] : ['', '', '']);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<AllocationPreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  // A preview is of the values it was asked for: any edit makes it stale.
  const setKw = (v: string) => {
    setKwText(v);
    setPreview(null);
  };
  const setAmps = (update: (prev: [string, string, string]) => [string, string, string]) => {
    setAmpsText(update);
    setPreview(null);
  };
  const parse = (s: string): number | null => {
    const v = Number(s.replace(',', '.'));
    return s.trim() !== '' && Number.isFinite(v) && v >= 0 ? v : null;
  };
  const maxW = parse(kw);
  const a = amps.map(parse);
  const anyA = amps.some((x) => x.trim() !== '');
  const validA = !anyA || a.every((x) => x !== null);
  const valid = (maxW !== null || (anyA && validA)) && validA && (kw.trim() === '' || maxW !== null);
  const change = (): GroupLimitChange => {
    const request: GroupLimitChange = { groupId: group.id };
    if (maxW !== null) request.maxW = Math.round(maxW * 1000);
    if (anyA && a[0] != null && a[1] != null && a[2] != null) request.maxAPerPhase = [a[0], a[1], a[2]];
    return request;
  };
  const runPreview = async () => {
    setPreviewing(true);
    try {
      setPreview(await api().call('previewAllocation', { limits: [change()] }));
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    } finally {
      setPreviewing(false);
    }
  };
  const save = async () => {
    const request = change();
    const summary = [
      request.maxW !== undefined ? `${formatNumber(request.maxW / 1000, locale, 1)} kW` : null,
      request.maxAPerPhase ? `${request.maxAPerPhase.map((x) => formatNumber(x, locale, 0)).join(' / ')} A` : null,
    ]
      .filter(Boolean)
      .join(' · ');
    const ok = await confirmAction({ title: t('smart.limit.confirmTitle', { group: group.name }), message: t('smart.limit.confirmMessage', { limit: summary }), confirmLabel: t('smart.limit.apply') });
    if (!ok) return;
    setBusy(true);
    try {
      await api().call('setGroupLimit', request);
      useToasts.getState().push('ok', t('smart.limit.done', { group: group.name }), 4000);
      props.onDone();
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="limit-editor-wrap">
      <form
        className="inline-form limit-editor"
        data-testid={`limit-editor-${group.id}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (valid && !busy) void save();
        }}
      >
        <Field label={t('smart.limit.maxKw')}>
          <input value={kw} onChange={(e) => setKw(e.target.value)} inputMode="decimal" size={7} data-testid={`limit-kw-${group.id}`} />
        </Field>
        {PHASES.map((p, i) => (
          <Field key={p} label={t('smart.limit.maxA', { phase: p })}>
            <input
              value={amps[i]}
              onChange={(e) => setAmps((prev) => prev.map((x, j) => (j === i ? e.target.value : x)) as [string, string, string])}
              inputMode="decimal"
              size={5}
              data-testid={`limit-a-${group.id}-${p}`}
            />
          </Field>
        ))}
        <button type="button" className="button" disabled={!valid || previewing} onClick={() => void runPreview()} data-testid={`limit-preview-${group.id}`}>
          {previewing ? t('smartCharging.preview.computing') : t('smartCharging.preview.button')}
        </button>
        <button type="submit" className="button button-primary" disabled={!valid || busy} data-testid={`limit-save-${group.id}`}>
          {t('smart.limit.apply')}
        </button>
        <button type="button" className="button" onClick={props.onDone}>
          {t('common.cancel')}
        </button>
      </form>
      {preview ? (
        <PreviewResult
          preview={preview}
          onApply={() => {
            if (!busy) void save();
          }}
          onCancel={() => setPreview(null)}
          testId={`limit-preview-result-${group.id}`}
        />
      ) : null}
    </div>
  );
}

/** Engineers switch a group between automatic and manual, with a confirmation. */
function ModeSwitch(props: { group: GroupInfo; onChanged: () => void }) {
  const { t } = useTranslation();
  const { group } = props;
  const [busy, setBusy] = useState(false);
  const choose = async (mode: GroupInfo['mode']) => {
    if (mode === group.mode || busy) return;
    const modeName = t(`smart.mode.${mode}`);
    const ok = await confirmAction({
      title: t('smartCharging.mode.confirmTitle', { group: group.name, mode: modeName }),
      message: mode === 'automatic' ? t('smartCharging.mode.confirmAutomatic') : t('smartCharging.mode.confirmManual'),
      confirmLabel: modeName,
    });
    if (!ok) return;
    setBusy(true);
    try {
      await api().call('setGroupMode', { groupId: group.id, mode });
      useToasts.getState().push('ok', t('smartCharging.mode.done', { group: group.name, mode: modeName }), 4000);
      props.onChanged();
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="segmented" role="group" aria-label={t('smartCharging.mode.label', { group: group.name })} data-testid={`mode-switch-${group.id}`}>
      {(['automatic', 'manual'] as const).map((m) => (
        <button key={m} type="button" className={group.mode === m ? 'active' : ''} aria-pressed={group.mode === m} disabled={busy} onClick={() => void choose(m)} data-testid={`mode-${group.id}-${m}`}>
          {t(`smart.mode.${m}`)}
        </button>
      ))}
    </div>
  );
}

function NodeCard(props: { node: NodeView; group: GroupInfo | undefined; depth: number; mayEdit: boolean; maySwitch: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { node, group } = props;
  const [editing, setEditing] = useState(false);
  return (
    <div className="node-card" style={{ marginLeft: `${props.depth * 24}px` }} data-testid={`node-${node.nodeId}`}>
      <div className="node-header">
        <strong>{group?.name ?? node.nodeId}</strong>
        <span className="mono muted">{node.nodeId}</span>
        {group && props.maySwitch ? <ModeSwitch group={group} onChanged={props.onChanged} /> : null}
        {group && !props.maySwitch ? (
          <Pill tone={group.mode === 'automatic' ? 'ok' : 'warn'} status={group.mode} testId={`mode-pill-${group.id}`}>
            {t(`smart.mode.${group.mode}`)}
          </Pill>
        ) : null}
        <span className="muted">{t('smart.sessions', { count: node.sessions })}</span>
        <div className="toolbar-spacer" />
        <span className="num" data-testid={`node-power-${node.nodeId}`}>
          {t('smart.power', { allocated: formatKw(node.allocatedW, locale), measured: formatKw(node.measuredW, locale), limit: node.limitW === null ? DASH : formatKw(node.limitW, locale) })}
        </span>
        <span className={`num ${node.headroomW !== null && node.headroomW < 0 ? 'tone-fault' : ''}`}>{t('smart.headroomW', { value: node.headroomW === null ? DASH : formatKw(node.headroomW, locale) })}</span>
        {props.mayEdit && group && !editing ? (
          <button type="button" className="button button-small" onClick={() => setEditing(true)} data-testid={`limit-edit-${node.nodeId}`}>
            {t('smart.limit.change')}
          </button>
        ) : null}
      </div>
      <div className="phase-bars">
        {PHASES.map((p, i) => (
          <PhaseBar
            key={p}
            label={p}
            allocated={node.allocatedA[i] ?? 0}
            measured={node.measuredA[i] ?? 0}
            limit={node.limitA[i] ?? null}
            headroom={node.headroomA[i] ?? null}
            unit="A"
            locale={locale}
            testId={`phase-${node.nodeId}-${p}`}
          />
        ))}
      </div>
      {editing && group ? (
        <LimitEditor
          group={group}
          onDone={() => {
            setEditing(false);
            props.onChanged();
          }}
        />
      ) : null}
    </div>
  );
}

type SmartTab = 'power' | 'profiles';

export function SmartChargingView() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<SmartTab>('power');
  return (
    <div className="view" data-testid="view-smartCharging">
      <div className="view-header">
        <h1>{t('nav.smartCharging')}</h1>
      </div>
      <div className="tabs" role="tablist" aria-label={t('nav.smartCharging')}>
        {(['power', 'profiles'] as const).map((x) => (
          <button key={x} type="button" role="tab" aria-selected={tab === x} className={`tab ${tab === x ? 'active' : ''}`} onClick={() => setTab(x)} data-testid={`smart-tab-${x}`}>
            {t(`smartCharging.tabs.${x}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="tab-panel">
        {tab === 'power' ? <PowerManagement /> : <SmartProfilesView />}
      </div>
    </div>
  );
}

/** Operator setpoint for one session: a value in A or W, or back to automatic. */
/** An operator's action on a session: the buttons wait for it, a toast says it is done or why not. */
function useSessionAction(onDone: (changed: boolean) => void): { busy: boolean; run: (action: () => Promise<unknown>, done: string) => Promise<void> } {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await action();
      useToasts.getState().push('ok', done, 4000);
      onDone(true);
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}

function OverrideEditor(props: { setpoint: SetpointView; onDone: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { setpoint } = props;
  const manual = setpoint.reason.kind === 'manual';
  const [value, setValue] = useState(String(setpoint.value));
  const [unit, setUnit] = useState<'A' | 'W'>(setpoint.unit);
  const { busy, run } = useSessionAction(props.onDone);
  const parsed = Number(value.replace(',', '.'));
  const valid = value.trim() !== '' && Number.isFinite(parsed) && parsed >= 0;
  const names = { station: setpoint.stationId, connector: setpoint.connectorId };
  const send = (v: number | null) =>
    run(
      () => api().call('setSessionSetpoint', v === null ? { transactionId: Number(setpoint.sessionId), value: null } : { transactionId: Number(setpoint.sessionId), value: v, unit }),
      v === null ? t('smartCharging.override.doneAutomatic', names) : t('smartCharging.override.done', names),
    );
  return (
    <form
      className="inline-form override-editor"
      data-testid="override-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !busy) void send(parsed);
      }}
    >
      <strong>{t('smartCharging.override.title', names)}</strong>
      <Field label={t('smartCharging.override.value')}>
        <input value={value} onChange={(e) => setValue(e.target.value)} inputMode="decimal" size={8} aria-invalid={!valid} data-testid="override-value" />
      </Field>
      <Field label={t('smartCharging.override.unit')}>
        <select value={unit} onChange={(e) => setUnit(e.target.value === 'W' ? 'W' : 'A')} data-testid="override-unit">
          <option value="A">A</option>
          <option value="W">W</option>
        </select>
      </Field>
      <button type="submit" className="button button-primary" disabled={!valid || busy} data-testid="override-apply">
        {t('smartCharging.override.apply')}
      </button>
      {manual ? (
        <button type="button" className="button" disabled={busy} onClick={() => void send(null)} data-testid="override-automatic">
          {t('smartCharging.override.automatic')}
        </button>
      ) : null}
      <button type="button" className="button" onClick={() => props.onDone(false)}>
        {t('common.cancel')}
      </button>
      {valid ? <span className="hint">{t('smartCharging.override.hint')}</span> : <span className="form-error">{t('smartCharging.override.invalid')}</span>}
    </form>
  );
}

/**
 * What the operator knows of a session: its departure and the energy it still needs from now on.
 * Prefilled with what smart charging assumes now (vehicle, badge category, history).
 */
function NeedsEditor(props: { setpoint: SetpointView; needs: SessionNeedsView | undefined; onDone: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { setpoint, needs } = props;
  const operator = needs?.operator ?? null;
  const [departure, setDeparture] = useState(isoToLocalInput(operator?.departureAt ?? needs?.departureAt ?? null));
  const [energy, setEnergy] = useState(() => {
    const wh = operator?.energyWh ?? needs?.remainingWh ?? null;
    return wh === null ? '' : String(Math.round(wh / 100) / 10);
  });
  const { busy, run } = useSessionAction(props.onDone);
  // "In the future" as of opening the editor; the server checks again on apply.
  const [openedAt] = useState(() => Date.now());
  const kwh = Number(energy.replace(',', '.'));
  const energyValid = energy.trim() === '' || (Number.isFinite(kwh) && kwh > 0 && kwh <= 1000);
  const departureIso = departure === '' ? null : (localInputToIso(departure) ?? null);
  const departureValid = departure === '' || (departureIso !== null && Date.parse(departureIso) > openedAt);
  const valid = energyValid && departureValid && (departure !== '' || energy.trim() !== '');
  const names = { station: setpoint.stationId, connector: setpoint.connectorId };
  const send = (entry: { departureAt: string | null; energyWh: number | null }) =>
    run(
      () => api().call('setSessionNeeds', { transactionId: Number(setpoint.sessionId), ...entry }),
      t(entry.departureAt === null && entry.energyWh === null ? 'sessionNeeds.cleared' : 'sessionNeeds.done', names),
    );
  return (
    <form
      className="inline-form override-editor"
      data-testid="needs-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !busy) void send({ departureAt: departureIso, energyWh: energy.trim() === '' ? null : Math.round(kwh * 1000) });
      }}
    >
      <strong>{t('sessionNeeds.title', names)}</strong>
      <Field label={t('sessionNeeds.departure')}>
        <input type="datetime-local" value={departure} onChange={(e) => setDeparture(e.target.value)} aria-invalid={!departureValid} data-testid="needs-departure" />
      </Field>
      <Field label={t('sessionNeeds.energy')}>
        <input value={energy} onChange={(e) => setEnergy(e.target.value)} inputMode="decimal" size={7} aria-invalid={!energyValid} data-testid="needs-energy" />
      </Field>
      <button type="submit" className="button button-primary" disabled={!valid || busy} data-testid="needs-apply">
        {t('sessionNeeds.apply')}
      </button>
      {operator ? (
        <button type="button" className="button" disabled={busy} onClick={() => void send({ departureAt: null, energyWh: null })} data-testid="needs-clear">
          {t('sessionNeeds.clear')}
        </button>
      ) : null}
      <button type="button" className="button" onClick={() => props.onDone(false)}>
        {t('common.cancel')}
      </button>
      {!departureValid ? (
        <span className="form-error">{t('sessionNeeds.pastDeparture')}</span>
      ) : !energyValid ? (
        <span className="form-error">{t('sessionNeeds.badEnergy')}</span>
      ) : (
        <span className="hint">{t('sessionNeeds.hint')}</span>
      )}
    </form>
  );
}

/** "12.5 kWh · category" / "17:30 · operator": a figure and where it comes from. */
function Sourced(props: { text: string; source: SessionNeedsView['energySource']; testId: string }) {
  const { t } = useTranslation();
  if (props.source === null) return <span className="muted" data-testid={props.testId}>{DASH}</span>;
  return (
    <span data-testid={props.testId} data-source={props.source}>
      <span className="num">{props.text}</span> <span className="muted need-source">{t(`sessionNeeds.source.${props.source}`)}</span>
    </span>
  );
}

function PowerManagement() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const mayEdit = useMayUse('setGroupLimit', { groupId: 'x', maxW: 0 });
  const maySwitch = useMayUse('setGroupMode', { groupId: 'x', mode: 'automatic' });
  const mayOverride = useMayUse('setSessionSetpoint', { transactionId: 1, value: null });
  const mayEditNeeds = useMayUse('setSessionNeeds', { transactionId: 1, departureAt: null, energyWh: null });
  const [overriding, setOverriding] = useState<string | null>(null);
  const [editingNeeds, setEditingNeeds] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<SortState | null>({ columnId: 'station', direction: 'asc' });
  const stations = useStations((s) => s.stations);
  const [groups, setGroups] = useState<GroupInfo[] | null>(null);
  const [info, setInfo] = useState<AllocationInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [g, a] = await Promise.all([api().call('listGroups', {}), api().call('getAllocation', {})]);
      setGroups(g);
      setInfo(a);
      setError(null);
    } catch (e) {
      setError(describeError(e, t));
    }
  }, [t]);

  useEffect(() => {
    if (!linkOpen) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = async () => {
      await refresh();
      if (live) timer = setTimeout(() => void tick(), REFRESH_MS);
    };
    void tick();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [linkOpen, refresh]);

  const view = useMemo(() => parseAllocation(info?.result), [info]);
  // "Today" for departures and ETAs is the day the allocation was computed.
  const computedAt = useMemo(() => new Date(info?.at ?? 0), [info]);
  const groupById = useMemo(() => new Map((groups ?? []).map((g) => [g.id, g])), [groups]);
  const ordered = useMemo(() => treeOrder(view.nodes), [view.nodes]);
  const depths = useMemo(() => nodeDepths(view.nodes), [view.nodes]);
  const nodeName = useCallback((id: string) => groupById.get(id)?.name ?? id, [groupById]);
  // Groups without a node in the result (engine not run yet) still show, without figures.
  const missing = (groups ?? []).filter((g) => !view.nodes.some((n) => n.nodeId === g.id));

  const measuredW = useCallback(
    (s: SetpointView): number | null => {
      const station = stations[s.stationId];
      const c = station?.connectors.find((x) => x.connectorId === s.connectorId || x.evseId === s.connectorId);
      return c?.powerW ?? null;
    },
    [stations],
  );

  const columns = useMemo<Column<SetpointView>[]>(
    () => [
      {
        id: 'station',
        label: t('smart.columns.station'),
        width: '7.5rem',
        sortValue: (s) => s.stationId,
        render: (s) => (
          <a className="station-link" href={`#/stations/${encodeURIComponent(s.stationId)}`}>
            {s.stationId}
          </a>
        ),
      },
      { id: 'connector', label: t('smart.columns.connector'), width: '6rem', align: 'center', sortValue: (s) => s.connectorId, render: (s) => s.connectorId },
      {
        id: 'setpoint',
        label: t('smart.columns.setpoint'),
        width: '7rem',
        align: 'end',
        sortValue: (s) => s.value,
        render: (s) => (
          <span className="num" data-testid={`setpoint-value-${s.stationId}-${s.connectorId}`}>
            {s.paused ? t('smart.paused') : `${formatNumber(s.value, locale, s.unit === 'A' ? 1 : 0)} ${s.unit}`}
          </span>
        ),
      },
      { id: 'allowed', label: t('smart.columns.allowed'), width: '9.5rem', align: 'end', sortValue: (s) => s.powerW, render: (s) => <span className="num">{formatKw(s.powerW, locale)} kW</span> },
      {
        id: 'measured',
        label: t('smart.columns.measured'),
        width: '8rem',
        align: 'end',
        sortValue: (s) => measuredW(s),
        render: (s) => {
          const w = measuredW(s);
          return <span className="num">{w === null ? DASH : `${formatKw(w, locale)} kW`}</span>;
        },
      },
      {
        id: 'reason',
        label: t('smart.columns.reason'),
        // A width of its own, or a table wider than the screen would squeeze it to nothing; the
        // widths add up to a 1600 px screen's panel with the default columns (long reasons in a tooltip).
        width: '12rem',
        sortValue: (s) => s.reason.kind,
        csvValue: (s) => describeReason(s.reason, t, nodeName, locale),
        render: (s) => (
          <span data-reason={s.reason.kind} title={describeReason(s.reason, t, nodeName, locale)} data-testid={`setpoint-reason-${s.stationId}-${s.connectorId}`}>
            {describeReason(s.reason, t, nodeName, locale)}
          </span>
        ),
      },
      {
        id: 'toGo',
        label: t('sessionNeeds.columns.toGo'),
        width: '9.5rem',
        align: 'end',
        sortValue: (s) => info?.needs[s.sessionId]?.remainingWh ?? null,
        csvValue: (s) => {
          const n = info?.needs[s.sessionId];
          return n?.remainingWh == null ? '' : `${formatKwh(n.remainingWh, locale, 1)} kWh`;
        },
        render: (s) => {
          const n = info?.needs[s.sessionId];
          return <Sourced text={n?.remainingWh == null ? '' : `${formatKwh(n.remainingWh, locale, 1)} kWh`} source={n?.remainingWh == null ? null : n.energySource} testId={`needs-togo-${s.stationId}-${s.connectorId}`} />;
        },
      },
      {
        id: 'departure',
        label: t('sessionNeeds.columns.departure'),
        width: '8.5rem',
        sortValue: (s) => info?.needs[s.sessionId]?.departureAt ?? null,
        csvValue: (s) => info?.needs[s.sessionId]?.departureAt ?? '',
        render: (s) => {
          const n = info?.needs[s.sessionId];
          return <Sourced text={n?.departureAt ? formatMoment(n.departureAt, locale, computedAt) : ''} source={n?.departureAt ? n.departureSource : null} testId={`needs-departure-${s.stationId}-${s.connectorId}`} />;
        },
      },
      {
        id: 'eta',
        label: t('sessionNeeds.columns.eta'),
        width: '5.5rem',
        sortValue: (s) => info?.needs[s.sessionId]?.etaAt ?? null,
        csvValue: (s) => info?.needs[s.sessionId]?.etaAt ?? '',
        render: (s) => {
          const n = info?.needs[s.sessionId];
          if (!n?.etaAt) return <span className="muted" data-testid={`needs-eta-${s.stationId}-${s.connectorId}`}>{DASH}</span>;
          // Late: the need will not be met before the expected departure at this setpoint.
          const late = n.departureAt !== null && Date.parse(n.etaAt) > Date.parse(n.departureAt);
          return (
            <span className={late ? 'tone-warn' : undefined} data-late={late ? 'true' : 'false'} title={late ? t('sessionNeeds.late') : undefined} data-testid={`needs-eta-${s.stationId}-${s.connectorId}`}>
              <span className="num">{formatMoment(n.etaAt, locale, computedAt)}</span>
            </span>
          );
        },
      },
      {
        id: 'push',
        label: t('smart.columns.push'),
        width: '7.5rem',
        sortValue: (s) => pushStatus(info?.pushes[s.sessionId]),
        render: (s) => {
          const push = info?.pushes[s.sessionId];
          const status = pushStatus(push);
          return (
            <span title={push?.detail ?? undefined}>
              <Pill tone={PUSH_TONE[status] ?? 'idle'} status={status}>
                {t(`smart.push.${status}`)}
              </Pill>
            </span>
          );
        },
      },
      {
        id: 'schedule',
        label: t('smartCharging.schedule.column'),
        width: '9rem',
        sortValue: (s) => scheduleCheck(info?.pushes[s.sessionId])?.status ?? 'none',
        render: (s) => {
          const check = scheduleCheck(info?.pushes[s.sessionId]);
          const status = check?.status ?? 'none';
          const title = check ? t('smartCharging.schedule.title', { limit: check.limit === null ? DASH : `${formatNumber(check.limit, locale, 1)} ${s.unit}` }) : undefined;
          return (
            <Pill tone={SCHEDULE_TONE[status]} status={status} title={title} testId={`schedule-check-${s.stationId}-${s.connectorId}`}>
              {t(`smartCharging.schedule.${status}`)}
            </Pill>
          );
        },
      },
      ...(mayEditNeeds || mayOverride
        ? [
            {
              // One column for the session's editors: two of their own made the table wider than the screen.
              id: 'actions',
              label: t('smartCharging.actions'),
              width: mayEditNeeds && mayOverride ? '11rem' : '6rem',
              align: 'center' as const,
              render: (s: SetpointView) => (
                <span className="row-actions">
                  {mayEditNeeds ? (
                    <button type="button" className="button button-small" onClick={() => setEditingNeeds(s.sessionId)} data-testid={`needs-${s.stationId}-${s.connectorId}`}>
                      {t('sessionNeeds.set')}
                    </button>
                  ) : null}
                  {mayOverride ? (
                    <button type="button" className="button button-small" onClick={() => setOverriding(s.sessionId)} data-testid={`override-${s.stationId}-${s.connectorId}`}>
                      {t('smartCharging.override.set')}
                    </button>
                  ) : null}
                </span>
              ),
            },
          ]
        : []),
    ],
    [t, locale, info, nodeName, measuredW, mayOverride, mayEditNeeds, computedAt],
  );
  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    if (!needle) return view.setpoints;
    return view.setpoints.filter((s) => s.stationId.toLowerCase().includes(needle) || describeReason(s.reason, t, nodeName, locale).toLowerCase().includes(needle));
  }, [view.setpoints, search, t, nodeName, locale]);
  const rows = useSortedRows(filtered, columns, sort);
  // Setpoint in W and the station's own schedule check are there for who wants them: with
  // every column the table is wider than a control-room screen.
  const choice = useColumnChoice('smart-sessions', columns, DEFAULT_HIDDEN_SESSION_COLUMNS);
  const overridden = overriding === null ? undefined : view.setpoints.find((s) => s.sessionId === overriding);
  const needsOf = editingNeeds === null ? undefined : view.setpoints.find((s) => s.sessionId === editingNeeds);

  return (
    <div className="smart-power">
      <p className="muted" data-testid="allocation-at">
        {info?.at ? t('smart.computedAt', { time: formatTime(new Date(info.at), locale) }) : t('smart.notComputed')}
      </p>
      {error ? <p className="notice tone-fault">{error}</p> : null}
      <Panel title={t('smart.tree')} testId="smart-tree">
        <p className="hint">{t('smart.legend')}</p>
        {groups === null && !error ? <p className="muted">{t('common.loading')}</p> : null}
        {ordered.map((n) => (
          <NodeCard key={n.nodeId} node={n} group={groupById.get(n.nodeId)} depth={depths.get(n.nodeId) ?? 0} mayEdit={mayEdit} maySwitch={maySwitch} onChanged={() => void refresh()} />
        ))}
        {missing.map((g) => (
          <div key={g.id} className="node-card" data-testid={`node-${g.id}`}>
            <div className="node-header">
              <strong>{g.name}</strong>
              <span className="mono muted">{g.id}</span>
              <span className="muted">{t('smart.noFigures')}</span>
            </div>
          </div>
        ))}
        {view.issues.length > 0 ? (
          <ul className="notice tone-warn" data-testid="smart-issues">
            {view.issues.map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
        ) : null}
      </Panel>
      <Panel title={t('smart.setpoints')} testId="smart-setpoints">
        <div className="toolbar">
          <SearchBox value={search} onChange={setSearch} placeholder={t('smartCharging.search')} label={t('smartCharging.search')} testId="setpoint-search" />
          <span className="toolbar-count">{`${rows.length} / ${view.setpoints.length}`}</span>
          <div className="toolbar-spacer" />
          <button
            type="button"
            className="button"
            disabled={rows.length === 0}
            data-testid="setpoint-export"
            onClick={() => downloadText(csvFileName(t('smartCharging.csvFile')), columnsToCsv(choice.visible, rows, csvDialect(i18n.language)))}
          >
            {t('common.exportCsv')}
          </button>
          <ColumnChooser columns={columns} choice={choice} testId="setpoint-columns" />
        </div>
        {overridden ? (
          <OverrideEditor
            key={overridden.sessionId}
            setpoint={overridden}
            onDone={(changed) => {
              setOverriding(null);
              if (changed) void refresh();
            }}
          />
        ) : null}
        {needsOf ? (
          <NeedsEditor
            key={needsOf.sessionId}
            setpoint={needsOf}
            needs={info?.needs[needsOf.sessionId]}
            onDone={(changed) => {
              setEditingNeeds(null);
              if (changed) void refresh();
            }}
          />
        ) : null}
        <DataTable
          columns={choice.visible}
          rows={rows}
          rowKey={(s) => s.sessionId}
          stickyFirst
          sort={sort}
          onSort={(id) => setSort(nextSort(sort, id))}
          rowAttributes={(s) => ({
            'data-testid': `setpoint-row-${s.stationId}-${s.connectorId}`,
            'data-paused': s.paused ? 'true' : 'false',
            'data-session': s.sessionId,
            className: s.sessionId === overriding || s.sessionId === editingNeeds ? 'row-selected' : '',
          })}
          empty={t('smart.noSessions')}
          label={t('smart.setpoints')}
          testId="setpoints-table"
        />
      </Panel>
      <StaggerPanel />
    </div>
  );
}
