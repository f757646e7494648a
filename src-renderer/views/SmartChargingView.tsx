// Smart charging: the electrical tree with limit, allocated and measured load per phase and
// the headroom of each node; per session its setpoint, the reason for it and the push state.
// Engineers can change a group's limit (with a confirmation).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { AllocationInfo, GroupInfo } from '../../src-shared/api/index.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { nodeDepths, parseAllocation, PHASES, pushStatus, ratio, treeOrder, type NodeView, type ReasonView, type SetpointView } from '../lib/allocation.ts';
import { describeError } from '../lib/errors.ts';
import { DASH, formatKw, formatNumber, formatTime } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import type { Tone } from '../lib/status.ts';
import type { Column } from '../lib/table.ts';
import { api } from '../store/client.ts';
import { confirmAction } from '../store/confirm.ts';
import { useMayUse } from '../store/session.ts';
import { useStations } from '../store/stations.ts';
import { useToasts } from '../store/toasts.ts';

const REFRESH_MS = 2000;

export function describeReason(reason: ReasonView, t: TFunction, nodeName: (id: string) => string): string {
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
    default:
      return reason.kind;
  }
}

const PUSH_TONE: Record<string, Tone> = { accepted: 'ok', pending: 'warn', rejected: 'fault', error: 'fault', none: 'idle' };

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
  const [kw, setKw] = useState(group.maxW === null ? '' : String(group.maxW / 1000));
  const [amps, setAmps] = useState<[string, string, string]>(group.maxAPerPhase ? [String(group.maxAPerPhase[0]), String(group.maxAPerPhase[1]), String(group.maxAPerPhase[2])] : ['', '', '']);
  const [busy, setBusy] = useState(false);
  const parse = (s: string): number | null => {
    const v = Number(s.replace(',', '.'));
    return s.trim() !== '' && Number.isFinite(v) && v >= 0 ? v : null;
  };
  const maxW = parse(kw);
  const a = amps.map(parse);
  const anyA = amps.some((x) => x.trim() !== '');
  const validA = !anyA || a.every((x) => x !== null);
  const valid = (maxW !== null || (anyA && validA)) && validA && (kw.trim() === '' || maxW !== null);
  const save = async () => {
    const request: { groupId: string; maxW?: number; maxAPerPhase?: [number, number, number] } = { groupId: group.id };
    if (maxW !== null) request.maxW = Math.round(maxW * 1000);
    if (anyA && a[0] != null && a[1] != null && a[2] != null) request.maxAPerPhase = [a[0], a[1], a[2]];
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
      <button type="submit" className="button button-primary" disabled={!valid || busy} data-testid={`limit-save-${group.id}`}>
        {t('smart.limit.apply')}
      </button>
      <button type="button" className="button" onClick={props.onDone}>
        {t('common.cancel')}
      </button>
    </form>
  );
}

function NodeCard(props: { node: NodeView; group: GroupInfo | undefined; depth: number; mayEdit: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { node, group } = props;
  const [editing, setEditing] = useState(false);
  return (
    <div className="node-card" style={{ marginLeft: `${props.depth * 24}px` }} data-testid={`node-${node.nodeId}`}>
      <div className="node-header">
        <strong>{group?.name ?? node.nodeId}</strong>
        <span className="mono muted">{node.nodeId}</span>
        {group ? <Pill tone={group.mode === 'automatic' ? 'ok' : 'warn'}>{t(`smart.mode.${group.mode}`)}</Pill> : null}
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

export function SmartChargingView() {
  const { t } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const mayEdit = useMayUse('setGroupLimit', { groupId: 'x', maxW: 0 });
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
        width: '10rem',
        sortValue: (s) => s.stationId,
        render: (s) => (
          <a className="station-link" href={`#/stations/${encodeURIComponent(s.stationId)}`}>
            {s.stationId}
          </a>
        ),
      },
      { id: 'connector', label: t('smart.columns.connector'), width: '5rem', align: 'center', sortValue: (s) => s.connectorId, render: (s) => s.connectorId },
      {
        id: 'setpoint',
        label: t('smart.columns.setpoint'),
        width: '8rem',
        align: 'end',
        sortValue: (s) => s.value,
        render: (s) => (
          <span className="num" data-testid={`setpoint-value-${s.stationId}-${s.connectorId}`}>
            {s.paused ? t('smart.paused') : `${formatNumber(s.value, locale, s.unit === 'A' ? 1 : 0)} ${s.unit}`}
          </span>
        ),
      },
      { id: 'allowed', label: t('smart.columns.allowed'), width: '8rem', align: 'end', sortValue: (s) => s.powerW, render: (s) => <span className="num">{formatKw(s.powerW, locale)} kW</span> },
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
      { id: 'reason', label: t('smart.columns.reason'), sortValue: (s) => s.reason.kind, render: (s) => <span data-reason={s.reason.kind}>{describeReason(s.reason, t, nodeName)}</span> },
      {
        id: 'push',
        label: t('smart.columns.push'),
        width: '9rem',
        sortValue: (s) => pushStatus(info?.pushes[s.sessionId]),
        render: (s) => {
          const push = info?.pushes[s.sessionId];
          const status = pushStatus(push);
          return (
            <span title={push?.detail ?? undefined}>
              <Pill tone={PUSH_TONE[status] ?? 'idle'}>{t(`smart.push.${status}`)}</Pill>
            </span>
          );
        },
      },
    ],
    [t, locale, info, nodeName, measuredW],
  );

  return (
    <div className="view" data-testid="view-smartCharging">
      <div className="view-header">
        <h1>{t('nav.smartCharging')}</h1>
        <span className="muted" data-testid="allocation-at">
          {info?.at ? t('smart.computedAt', { time: formatTime(new Date(info.at), locale) }) : t('smart.notComputed')}
        </span>
      </div>
      {error ? <p className="notice tone-fault">{error}</p> : null}
      <Panel title={t('smart.tree')} testId="smart-tree">
        <p className="hint">{t('smart.legend')}</p>
        {groups === null && !error ? <p className="muted">{t('common.loading')}</p> : null}
        {ordered.map((n) => (
          <NodeCard key={n.nodeId} node={n} group={groupById.get(n.nodeId)} depth={depths.get(n.nodeId) ?? 0} mayEdit={mayEdit} onChanged={() => void refresh()} />
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
        <DataTable
          columns={columns}
          rows={view.setpoints}
          rowKey={(s) => s.sessionId}
          sort={null}
          rowAttributes={(s) => ({ 'data-testid': `setpoint-row-${s.stationId}-${s.connectorId}`, 'data-paused': s.paused ? 'true' : 'false' })}
          empty={t('smart.noSessions')}
          label={t('smart.setpoints')}
          testId="setpoints-table"
        />
      </Panel>
    </div>
  );
}
