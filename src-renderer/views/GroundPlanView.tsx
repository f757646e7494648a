// Ground plan: one SVG symbol per station at its place on the plan, connectors coloured by
// status with a live power bar and SoC, offline stations greyed. Pan (drag, arrows), zoom
// (wheel, + / −), fit (0). Click a symbol: a popover with live values and commands (stop a
// charge, unlock, reset); double-click: the station page.
//
// Smooth with hundreds of stations: events reach the store in one batch per animation frame
// (store/events.ts); each symbol subscribes to its own station only and is memoised, and the
// symbol layer is a memoised element so panning and zooming never re-render it.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmSeverity } from '../../src-shared/alarms/types.ts';
import type { ConnectorState, StationState } from '../../src-shared/domain/index.ts';
import { Icon } from '../components/icons.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { LinkBadge, StatusBadge } from '../components/StatusBadge.tsx';
import { isUnacknowledged, severityRank } from '../lib/alarms.ts';
import { DASH, formatKw, formatKwh, formatPercent } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import { autoPlan, centreOn, fitView, placementPoint, powerFraction, SYMBOL, symbolHeight, zoomAt, type Plan, type View } from '../lib/plan.ts';
import { connectorTone } from '../lib/status.ts';
import { useAlarms } from '../store/alarms.ts';
import { useStations } from '../store/stations.ts';
import { useToasts } from '../store/toasts.ts';
import { useUi } from '../store/ui.ts';
import { softReset, stopCharge, unlockConnector } from './actions.ts';

/** Below this zoom the symbols are too small to read: text is dropped, colours stay. */
const DETAIL_ZOOM = 0.45;
const DRAG_THRESHOLD = 4;

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/**
 * The plans to draw. The main process does not serve the project's sites, parks and positions
 * yet, so there is one automatic plan of every station, sorted by id; when a `listGroundPlans`
 * command exists this returns its plans (positions in %), with the automatic plan as fallback.
 */
function usePlans(): Plan[] {
  const ids = useStations((s) => Object.keys(s.stations).join('\n'));
  const maxConnectors = useStations((s) => Object.values(s.stations).reduce((m, st) => Math.max(m, st.connectors.length), 1));
  return useMemo(() => [autoPlan(ids ? ids.split('\n') : [], { maxConnectors })], [ids, maxConnectors]);
}

// ---------------------------------------------------------------------------------------------
// Symbols

interface SymbolProps {
  stationId: string;
  x: number;
  y: number;
  selected: boolean;
  alarm: AlarmSeverity | null;
  onSelect: (stationId: string) => void;
  onOpen: (stationId: string) => void;
}

function ConnectorRow({ c, row, online, maxPowerW }: { c: ConnectorState; row: number; online: boolean; maxPowerW: number | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const y = SYMBOL.header + row * SYMBOL.row;
  const tone = connectorTone(c.status, online);
  const fraction = online ? powerFraction(c.powerW, maxPowerW) : 0;
  const charging = c.transactionId !== null;
  const barX = 34;
  const barW = 74;
  return (
    <g transform={`translate(0 ${y})`} className={`plan-connector tone-${tone}`} data-status={c.status} data-testid={`plan-connector-${c.evseId}`}>
      <title>{`${t('common.connectorN', { n: c.evseId })} · ${t(`status.${c.status}`)}${c.errorCode && c.errorCode !== 'NoError' ? ` (${c.errorCode})` : ''}`}</title>
      <rect className="plan-connector-chip" x={8} y={4} width={20} height={20} rx={4} />
      <text className="plan-connector-number" x={18} y={18} textAnchor="middle">
        {c.evseId}
      </text>
      <rect className="plan-bar-track" x={barX} y={8} width={barW} height={5} rx={2.5} />
      <rect className="plan-bar" x={barX} y={8} width={Math.max(fraction > 0 ? 2 : 0, barW * fraction)} height={5} rx={2.5} />
      <text className="plan-value" x={barX} y={25}>
        {online && c.powerW !== null ? `${formatKw(c.powerW, locale)} ${t('units.kw')}` : t(`status.${c.status}`)}
      </text>
      <text className="plan-soc" x={SYMBOL.width - 8} y={18} textAnchor="end">
        {online && charging && c.soc !== null ? `${formatPercent(c.soc, locale)}${t('units.percent')}` : ''}
      </text>
    </g>
  );
}

const StationSymbol = memo(function StationSymbol(props: SymbolProps) {
  const station = useStations((s) => s.stations[props.stationId]);
  if (!station) return null;
  const h = symbolHeight(station.connectors.length);
  const online = station.connected;
  const tone = connectorTone(station.status, online);
  return (
    <g
      className={`plan-station tone-${tone} ${online ? '' : 'offline'} ${props.selected ? 'selected' : ''}`}
      transform={`translate(${props.x - SYMBOL.width / 2} ${props.y - h / 2})`}
      data-testid={`plan-station-${station.id}`}
      data-online={online ? 'true' : 'false'}
      data-station-id={station.id}
      tabIndex={0}
      role="button"
      aria-label={station.id}
      onClick={() => props.onSelect(station.id)}
      onDoubleClick={() => props.onOpen(station.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          if (e.shiftKey) props.onOpen(station.id);
          else props.onSelect(station.id);
        }
      }}
    >
      <rect className="plan-card" width={SYMBOL.width} height={h} rx={6} />
      <rect className="plan-card-edge" width={4} height={h} rx={2} />
      <text className="plan-station-id" x={12} y={19}>
        {station.id}
      </text>
      <circle className={`plan-link ${online ? 'on' : 'off'}`} cx={SYMBOL.width - 12} cy={14} r={4} />
      {props.alarm ? (
        <g className={`plan-alarm sev-${props.alarm}`} transform={`translate(${SYMBOL.width - 30} 5)`} data-testid={`plan-alarm-${station.id}`}>
          <path d="M7 0L14 13H0Z" />
          <text x={7} y={11.5} textAnchor="middle">
            !
          </text>
        </g>
      ) : null}
      {station.connectors.map((c, i) => (
        <ConnectorRow key={`${c.evseId}-${c.connectorId}`} c={c} row={i} online={online} maxPowerW={station.maxPowerW} />
      ))}
    </g>
  );
});

const PlanSymbols = memo(function PlanSymbols(props: { plan: Plan; selected: string | null; alarms: ReadonlyMap<string, AlarmSeverity>; onSelect: (id: string) => void; onOpen: (id: string) => void }) {
  const { plan } = props;
  return (
    <>
      {plan.placements.map((p) => {
        const pt = placementPoint(plan, p);
        return (
          <StationSymbol
            key={p.stationId}
            stationId={p.stationId}
            x={pt.x}
            y={pt.y}
            selected={props.selected === p.stationId}
            alarm={props.alarms.get(p.stationId) ?? null}
            onSelect={props.onSelect}
            onOpen={props.onOpen}
          />
        );
      })}
    </>
  );
});

// ---------------------------------------------------------------------------------------------
// Popover

interface Anchor {
  /** Screen position of the symbol's centre and its half width, px. */
  x: number;
  y: number;
  half: number;
  /** Viewport size, px. */
  w: number;
  h: number;
}

/** Beside the symbol (right if it fits, else left), vertically inside the viewport. */
function popoverPosition(a: Anchor, height: number): { left: number; top: number } {
  const right = a.x + a.half + 12;
  const left = right + POPOVER_WIDTH <= a.w - 8 ? right : Math.max(8, a.x - a.half - 12 - POPOVER_WIDTH);
  const top = Math.min(Math.max(8, a.y - 60), Math.max(8, a.h - height - 8));
  return { left, top };
}

function Popover(props: { station: StationState; anchor: Anchor; onClose: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const open = useStations((s) => s.openTransactions);
  const navigate = useUi((s) => s.navigate);
  const box = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(300);
  const { station } = props;
  const disabled = !station.connected || !linkOpen;
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setHeight(el.offsetHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const position = popoverPosition(props.anchor, height);
  return (
    <div ref={box} className="plan-popover" style={position} role="dialog" aria-label={station.id} data-testid="plan-popover" data-station-id={station.id}>
      <div className="plan-popover-header">
        <strong className="mono">{station.id}</strong>
        <LinkBadge connected={station.connected} />
        <StatusBadge status={station.status} online={station.connected} errorCode={station.errorCode} />
        <div className="toolbar-spacer" />
        <button type="button" className="icon-button small" onClick={props.onClose} aria-label={t('groundPlan.popover.close')} data-testid="plan-popover-close">
          <Icon name="close" />
        </button>
      </div>
      {!station.connected ? <p className="notice tone-warn">{t('groundPlan.popover.offline')}</p> : null}
      <div className="plan-popover-connectors">
        {station.connectors.map((c) => {
          const charging = c.transactionId !== null;
          const energy = charging && c.transactionId !== null ? (open[c.transactionId]?.energyWh ?? null) : null;
          return (
            <div key={`${c.evseId}-${c.connectorId}`} className="plan-popover-connector" data-testid={`plan-popover-connector-${c.evseId}`}>
              <div className="plan-popover-connector-head">
                <span className="connector-number">{c.evseId}</span>
                <StatusBadge status={c.status} online={station.connected} errorCode={c.errorCode} />
                {c.idTag ? <span className="mono muted">{c.idTag}</span> : null}
              </div>
              <dl className="plan-popover-values">
                <div>
                  <dt>{t('groundPlan.popover.power')}</dt>
                  <dd>
                    {formatKw(c.powerW, locale)} <small>{t('units.kw')}</small>
                  </dd>
                </div>
                <div>
                  <dt>{t('groundPlan.popover.soc')}</dt>
                  <dd>
                    {charging ? formatPercent(c.soc, locale) : DASH} <small>{t('units.percent')}</small>
                  </dd>
                </div>
                <div>
                  <dt>{t('groundPlan.popover.energy')}</dt>
                  <dd>
                    {formatKwh(energy, locale)} <small>{t('units.kwh')}</small>
                  </dd>
                </div>
              </dl>
              <div className="inline-actions">
                {charging ? (
                  <button type="button" className="button button-small button-danger" disabled={disabled} onClick={() => void stopCharge(station, c, t)} data-testid={`plan-stop-${station.id}-${c.evseId}`}>
                    {t('groundPlan.popover.stop')}
                  </button>
                ) : (
                  <span className="muted">{t('groundPlan.popover.idle')}</span>
                )}
                <button type="button" className="button button-small" disabled={disabled} onClick={() => void unlockConnector(station, c, t)} data-testid={`plan-unlock-${station.id}-${c.evseId}`}>
                  {t('groundPlan.popover.unlock')}
                </button>
              </div>
            </div>
          );
        })}
      </div>
      <div className="plan-popover-footer">
        <button type="button" className="button button-small button-danger" disabled={disabled} onClick={() => void softReset(station, t)} data-testid="plan-reset">
          {t('groundPlan.popover.reset')}
        </button>
        <div className="toolbar-spacer" />
        <button type="button" className="button button-small button-primary" onClick={() => navigate({ view: 'stations', stationId: station.id })} data-testid="plan-open-station">
          {t('groundPlan.popover.open')}
        </button>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// The screen

const POPOVER_WIDTH = 340;

export function GroundPlanView() {
  const { t } = useTranslation();
  const plans = usePlans();
  const plan = plans[0] ?? autoPlan([]);
  const route = useUi((s) => s.route);
  const navigate = useUi((s) => s.navigate);
  const alarmsById = useAlarms((s) => s.alarms);
  const viewport = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [view, setView] = useState<View | null>(null);
  const [selected, setSelected] = useState<string | null>(route.stationId);
  const [search, setSearch] = useState('');
  const selectedStation = useStations((s) => (selected ? s.stations[selected] : undefined));
  const drag = useRef<{ id: number; sx: number; sy: number; vx: number; vy: number; moved: boolean } | null>(null);
  const suppressClick = useRef(false);

  // The most severe unacknowledged alarm per station, for the symbols' warning mark.
  const alarmMarks = useMemo(() => {
    const marks = new Map<string, AlarmSeverity>();
    for (const a of Object.values(alarmsById)) {
      const id = a.source.stationId;
      if (!id || a.shelving || !isUnacknowledged(a)) continue;
      const current = marks.get(id);
      if (!current || severityRank(a.severity) < severityRank(current)) marks.set(id, a.severity);
    }
    return marks;
  }, [alarmsById]);

  useLayoutEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const measure = () => setSize({ w: el.clientWidth, h: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Until the operator pans or zooms, the plan stays fitted (window resized, stations added).
  const fitted = useRef(true);
  const fit = useCallback(() => {
    fitted.current = true;
    setView(fitView(plan, size.w, size.h));
  }, [plan, size.w, size.h]);
  const moveTo = useCallback((next: (v: View | null) => View | null) => {
    fitted.current = false;
    setView(next);
  }, []);

  // Fit once the viewport has a size; a station named in the route is centred and opened.
  const focused = useRef<string | null>(null);
  useEffect(() => {
    if (size.w === 0 || plan.placements.length === 0) return;
    const target = route.stationId;
    const placement = target ? plan.placements.find((p) => p.stationId === target) : undefined;
    if (placement && focused.current !== target) {
      focused.current = target;
      const pt = placementPoint(plan, placement);
      moveTo((v) => centreOn(pt.x, pt.y, size.w, size.h, Math.max(v?.k ?? 0, 1)));
      setSelected(placement.stationId);
      return;
    }
    if (fitted.current) setView(fitView(plan, size.w, size.h));
  }, [plan, size.w, size.h, route.stationId, moveTo]);

  const zoom = useCallback(
    (factor: number, px?: number, py?: number) => moveTo((v) => (v ? zoomAt(v, factor, px ?? size.w / 2, py ?? size.h / 2) : v)),
    [size.w, size.h, moveTo],
  );

  // Wheel zoom about the cursor; the listener must be non-passive to keep the page from scrolling.
  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      if ((event.target as HTMLElement).closest('.plan-popover, .plan-tools')) return;
      event.preventDefault();
      const r = el.getBoundingClientRect();
      const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? r.height : 1;
      zoom(Math.exp(-event.deltaY * unit * 0.0015), event.clientX - r.left, event.clientY - r.top);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoom]);

  // + / − / 0 and arrows anywhere on this screen (not while typing), Esc closes the popover.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (document.querySelector('dialog[open]')) return;
      const pan = (dx: number, dy: number) => moveTo((v) => (v ? { ...v, x: v.x + dx, y: v.y + dy } : v));
      switch (event.key) {
        case '+':
        case '=':
          zoom(1.25);
          break;
        case '-':
        case '_':
          zoom(0.8);
          break;
        case '0':
          fit();
          break;
        case 'ArrowLeft':
          pan(60, 0);
          break;
        case 'ArrowRight':
          pan(-60, 0);
          break;
        case 'ArrowUp':
          pan(0, 60);
          break;
        case 'ArrowDown':
          pan(0, -60);
          break;
        case 'Escape':
          setSelected(null);
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [zoom, fit, moveTo]);

  // Drag to pan: capture the pointer only once it has really moved, so clicks reach the symbols.
  const onPointerDown = (event: ReactPointerEvent<SVGSVGElement>) => {
    if (event.button !== 0 || !view) return;
    drag.current = { id: event.pointerId, sx: event.clientX, sy: event.clientY, vx: view.x, vy: view.y, moved: false };
  };
  const onPointerMove = (event: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== event.pointerId) return;
    const dx = event.clientX - d.sx;
    const dy = event.clientY - d.sy;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!d.moved) {
      d.moved = true;
      event.currentTarget.setPointerCapture(event.pointerId);
    }
    moveTo((v) => (v ? { ...v, x: d.vx + dx, y: d.vy + dy } : v));
  };
  const onPointerUp = (event: ReactPointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== event.pointerId) return;
    suppressClick.current = d.moved;
    drag.current = null;
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
  };

  const onSelect = useCallback((id: string) => {
    if (suppressClick.current) {
      suppressClick.current = false;
      return;
    }
    setSelected(id);
  }, []);
  const onOpen = useCallback((id: string) => navigate({ view: 'stations', stationId: id }), [navigate]);

  // The symbol layer as a memoised element: panning and zooming do not touch it.
  const symbols = useMemo(() => <PlanSymbols plan={plan} selected={selected} alarms={alarmMarks} onSelect={onSelect} onOpen={onOpen} />, [plan, selected, alarmMarks, onSelect, onOpen]);

  const find = (text: string) => {
    setSearch(text);
  };
  const goToSearch = () => {
    const needle = search.trim().toLowerCase();
    if (!needle) return;
    const p = plan.placements.find((x) => x.stationId.toLowerCase() === needle) ?? plan.placements.find((x) => x.stationId.toLowerCase().includes(needle));
    if (!p) {
      useToasts.getState().push('warn', t('groundPlan.notFound', { id: search.trim() }), 3000);
      return;
    }
    const pt = placementPoint(plan, p);
    moveTo((v) => centreOn(pt.x, pt.y, size.w, size.h, Math.max(v?.k ?? 0, 1)));
    setSelected(p.stationId);
  };

  // Popover beside the selected symbol, inside the viewport.
  let anchor: Anchor | null = null;
  const placement = selected ? plan.placements.find((p) => p.stationId === selected) : undefined;
  if (view && placement && selectedStation) {
    const pt = placementPoint(plan, placement);
    anchor = { x: view.x + pt.x * view.k, y: view.y + pt.y * view.k, half: (SYMBOL.width / 2) * view.k, w: size.w, h: size.h };
  }

  const onKeyDownSearch = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Enter') goToSearch();
  };

  return (
    <div className="view plan-view" data-testid="view-groundPlan">
      <div className="view-header">
        <h1>{t('groundPlan.title')}</h1>
        <span className="toolbar-count" data-testid="plan-count">
          {t('groundPlan.count', { count: plan.placements.length })}
        </span>
        {plan.auto ? <span className="muted plan-auto-note">{t('groundPlan.autoLayout')}</span> : null}
        <div className="toolbar-spacer" />
        <div onKeyDown={onKeyDownSearch}>
          <SearchBox value={search} onChange={find} placeholder={`${t('groundPlan.find')}  (/)`} label={t('groundPlan.find')} shortcut testId="plan-search" />
        </div>
      </div>
      <div className={`plan-viewport ${view && view.k < DETAIL_ZOOM ? 'low-detail' : ''}`} ref={viewport} data-testid="plan-viewport" data-zoom={view?.k.toFixed(3) ?? ''}>
        {plan.placements.length === 0 ? <p className="plan-empty muted">{t('groundPlan.empty')}</p> : null}
        <svg
          className="plan-svg"
          width="100%"
          height="100%"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onClick={(e) => {
            if (e.target === e.currentTarget || (e.target as Element).classList.contains('plan-background')) {
              if (!suppressClick.current) setSelected(null);
              suppressClick.current = false;
            }
          }}
          role="img"
          aria-label={t('groundPlan.title')}
        >
          <defs>
            <pattern id="plan-grid" width={40} height={40} patternUnits="userSpaceOnUse">
              <path d="M40 0H0V40" className="plan-grid-line" />
            </pattern>
          </defs>
          {view ? (
            <g transform={`translate(${view.x} ${view.y}) scale(${view.k})`}>
              <rect className="plan-background" width={plan.width} height={plan.height} rx={8} />
              {plan.background ? <image href={plan.background} width={plan.width} height={plan.height} preserveAspectRatio="xMidYMid meet" /> : null}
              <rect className="plan-background-grid" width={plan.width} height={plan.height} fill="url(#plan-grid)" pointerEvents="none" />
              {symbols}
            </g>
          ) : null}
        </svg>
        <div className="plan-tools" role="toolbar" aria-label={t('groundPlan.plan')}>
          <button type="button" className="icon-button" onClick={() => zoom(1.25)} title={t('groundPlan.zoomIn')} aria-label={t('groundPlan.zoomIn')} data-testid="plan-zoom-in">
            <Icon name="plus" />
          </button>
          <button type="button" className="icon-button" onClick={() => zoom(0.8)} title={t('groundPlan.zoomOut')} aria-label={t('groundPlan.zoomOut')} data-testid="plan-zoom-out">
            <Icon name="minus" />
          </button>
          <button type="button" className="icon-button" onClick={fit} title={t('groundPlan.fit')} aria-label={t('groundPlan.fit')} data-testid="plan-fit">
            <Icon name="fit" />
          </button>
        </div>
        <div className="plan-hint muted">{t('groundPlan.hint')}</div>
        {anchor && selectedStation ? <Popover station={selectedStation} anchor={anchor} onClose={() => setSelected(null)} /> : null}
      </div>
    </div>
  );
}
