// Ground plan: one SVG symbol per station at its place on the plan, connectors coloured by
// status with a live power bar and SoC, offline stations greyed. Pan (drag, arrows), zoom
// (wheel, + / −), fit (0). Click a symbol: a popover with live values and commands (stop a
// charge, unlock, reset); double-click: the station page.
//
// One plan per park of the project (listGroundPlans), chosen in the header; stations without a
// place (and live stations of no park) in a strip below it; a park without any position gets the
// automatic layout. Engineers switch to edit mode (GroundPlanEdit.tsx): drag, snap, align,
// multi-select, drop unplaced stations, background, save as a project version or cancel. A park
// with more than PLAN_SHOW_LIMIT stations offers a chooser of the stations drawn.
//
// Smooth with hundreds of stations: events reach the store in one batch per animation frame
// (store/events.ts); each symbol subscribes to its own station only and is memoised, and the
// symbol layer is a memoised element so panning and zooming never re-render it.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmSeverity } from '../../src-shared/alarms/types.ts';
import type { GroundPlanInfo } from '../../src-shared/api/index.ts';
import type { ConnectorState, StationState } from '../../src-shared/domain/index.ts';
import { Icon } from '../components/icons.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { LinkBadge, StatusBadge } from '../components/StatusBadge.tsx';
import { isUnacknowledged, severityRank } from '../lib/alarms.ts';
import { DASH, formatKw, formatKwh, formatPercent } from '../lib/format.ts';
import { describeError } from '../lib/errors.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import { autoPlan, centreOn, fitView, moveBy, parkPlan, placementPoint, planSize, pointsInRect, snapPoint, zoomAt, type Plan, type Point, type View } from '../lib/plan.ts';
import { pinchView, type ScreenPoint } from '../lib/pinch.ts';
import { connectorTone } from '../lib/status.ts';
import { symbolStateOf, symbolStyle } from '../../src-shared/project/symbols.ts';
import { PlanSymbolBody } from '../components/PlanSymbolBody.tsx';
import { symbolBox, type ConnectorView } from '../lib/symbols.ts';
import { useSymbols } from '../store/symbols.ts';
import { useAlarms } from '../store/alarms.ts';
import { useGroundPlans } from '../store/groundPlans.ts';
import { useMayUse } from '../store/session.ts';
import { useStations } from '../store/stations.ts';
import { useMinuteClock } from '../store/clock.ts';
import { useToasts } from '../store/toasts.ts';
import { useUi } from '../store/ui.ts';
import { softReset, stopCharge, unlockConnector } from './actions.ts';
import { PLAN_SHOW_LIMIT, PlanEditToolbar, StationChooser, UnplacedList, usePlanEditor } from './GroundPlanEdit.tsx';

/** Below this zoom the symbols are too small to read: text is dropped, colours stay. */
const DETAIL_ZOOM = 0.45;
const DRAG_THRESHOLD = 4;
/** Past this many stations on the plan, symbol animations stop (each animated shape repaints the plan every frame). */
const ANIMATED_SYMBOLS_LIMIT = 200;

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
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

/** Session energy per connector (Wh, '' when none) as one string, so a symbol re-renders only when it changes. */
function energyKey(connectors: readonly ConnectorState[], open: Record<number, { energyWh: number | null }>): string {
  return connectors.map((c) => (c.transactionId !== null ? (open[c.transactionId]?.energyWh ?? '') : '')).join('|');
}

const StationSymbol = memo(function StationSymbol(props: SymbolProps) {
  const station = useStations((s) => s.stations[props.stationId]);
  // The station's symbol from the library (its own, else its template's, else the default).
  const symbol = useSymbols((s) => s.byStation[props.stationId] ?? s.fallback);
  const usesEnergy = symbol.slots.primary === 'energy' || symbol.slots.secondary === 'energy';
  const energies = useStations((s) => (usesEnergy && station ? energyKey(station.connectors, s.openTransactions) : ''));
  const usesDuration = symbol.slots.primary === 'duration' || symbol.slots.secondary === 'duration';
  const starts = useStations((s) => (usesDuration && station ? station.connectors.map((c) => (c.transactionId !== null ? (s.openTransactions[c.transactionId]?.startedAt ?? '') : '')).join('|') : ''));
  // Only symbols showing the time charging follow the shared clock.
  const now = useMinuteClock((s) => (usesDuration ? s.now : 0));
  if (!station) return null;
  const box = symbolBox(symbol, station.connectors.length);
  const online = station.connected;
  const tone = connectorTone(station.status, online);
  const energyOf = energies.split('|');
  const startOf = starts.split('|');
  const connectors: ConnectorView[] = station.connectors.map((c, i) => {
    const energy = energyOf[i] ?? '';
    return { evseId: c.evseId, status: c.status, powerW: c.powerW, soc: c.soc, energyWh: energy === '' ? null : Number(energy), idTag: c.idTag, charging: c.transactionId !== null, startedAt: startOf[i] || null };
  });
  return (
    <g
      className={`plan-station tone-${tone} ${online ? '' : 'offline'} ${props.selected ? 'selected' : ''}`}
      transform={`translate(${props.x - box.width / 2} ${props.y - box.height / 2})${box.scale !== 1 ? ` scale(${box.scale})` : ''}`}
      style={{ '--tone': symbolStyle(symbol, symbolStateOf(station.status, online)).color } as CSSProperties}
      data-testid={`plan-station-${station.id}`}
      data-online={online ? 'true' : 'false'}
      data-station-id={station.id}
      data-symbol={symbol.id}
      data-shape={symbol.shape}
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
      <PlanSymbolBody symbol={symbol} stationId={station.id} online={online} status={station.status} connectors={connectors} maxPowerW={station.maxPowerW} alarm={props.alarm} {...(usesDuration ? { now } : {})} />
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

/** Edit-mode symbols at their draft positions; selection and moves are handled by the screen's pointer logic. */
const EditSymbols = memo(function EditSymbols(props: { plan: Plan; draft: ReadonlyMap<string, Point>; selection: ReadonlySet<string> }) {
  const { plan } = props;
  return (
    <>
      {[...props.draft].map(([stationId, p]) => {
        const pt = placementPoint(plan, p);
        return <StationSymbol key={stationId} stationId={stationId} x={pt.x} y={pt.y} selected={props.selection.has(stationId)} alarm={null} onSelect={ignore} onOpen={ignore} />;
      })}
    </>
  );
});

function ignore(): void {}

type Gesture =
  | { kind: 'pan'; id: number; sx: number; sy: number; vx: number; vy: number; moved: boolean }
  | { kind: 'move'; id: number; sx: number; sy: number; from: ReadonlyMap<string, Point>; ids: string[]; moved: boolean }
  | { kind: 'band'; id: number; sx: number; sy: number; additive: boolean; moved: boolean }
  | { kind: 'pinch'; id: number; start: View; a0: ScreenPoint; b0: ScreenPoint; ids: [number, number]; moved: boolean };

export function GroundPlanView() {
  const { t } = useTranslation();
  const linkOpen = useLinkOpen();
  const parkPlans = useGroundPlans((s) => s.plans);
  const plansLoaded = useGroundPlans((s) => s.loaded);
  const plansError = useGroundPlans((s) => s.error);
  const loadPlans = useGroundPlans((s) => s.load);
  const backgrounds = useGroundPlans((s) => s.backgrounds);
  const loadBackground = useGroundPlans((s) => s.loadBackground);
  const mayEdit = useMayUse('saveGroundPlan', { parkId: '', placements: [] });
  const editor = usePlanEditor();
  const ids = useStations((s) => Object.keys(s.stations).join('\n'));
  const maxConnectors = useStations((s) => Object.values(s.stations).reduce((m, st) => Math.max(m, st.connectors.length), 1));
  const route = useUi((s) => s.route);
  const navigate = useUi((s) => s.navigate);
  const alarmsById = useAlarms((s) => s.alarms);
  const viewport = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [view, setView] = useState<View | null>(null);
  const [selected, setSelected] = useState<string | null>(route.stationId);
  const [search, setSearch] = useState('');
  const [parkChoice, setParkChoice] = useState<string | null>(null);
  const [shownByPark, setShownByPark] = useState<Record<string, Set<string> | null>>({});
  const [chooserOpen, setChooserOpen] = useState(false);
  const [band, setBand] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const selectedStation = useStations((s) => (selected ? s.stations[selected] : undefined));
  const gesture = useRef<Gesture | null>(null);
  // Pointers down on the plan (viewport pixels), for two-finger pinch zoom on touch screens.
  const pointers = useRef(new Map<number, ScreenPoint>());
  const suppressClick = useRef(false);

  const loadSymbols = useSymbols((s) => s.load);
  useEffect(() => {
    if (linkOpen) void Promise.all([loadPlans(), loadSymbols()]);
  }, [linkOpen, loadPlans, loadSymbols]);

  // The park shown: the one chosen, else the park of the station named in the route, else the first.
  const routePark = route.stationId ? parkPlans.find((p) => p.placements.some((x) => x.stationId === route.stationId) || p.unplaced.includes(route.stationId ?? ''))?.parkId : undefined;
  const park: GroundPlanInfo | null = parkPlans.find((p) => p.parkId === parkChoice) ?? parkPlans.find((p) => p.parkId === routePark) ?? parkPlans[0] ?? null;
  const parkId = park?.parkId ?? null;
  const [routeSeen, setRouteSeen] = useState(route.stationId);
  if (routeSeen !== route.stationId) {
    setRouteSeen(route.stationId);
    if (routePark && !editor.editing) setParkChoice(routePark);
  }

  useEffect(() => {
    if (parkId && linkOpen) void loadBackground(parkId);
  }, [parkId, park?.customBackground, linkOpen, loadBackground]);

  const parkStations = useMemo(() => (park ? [...park.placements.map((p) => p.stationId), ...park.unplaced] : []), [park]);
  const shown = parkId ? (shownByPark[parkId] ?? null) : null;
  const many = parkStations.length > PLAN_SHOW_LIMIT;

  // The plan drawn: the park's positions (stations of no park in the strip below), or the automatic plan.
  const viewPlan = useMemo(() => {
    const live = ids ? ids.split('\n') : [];
    // Nothing is drawn until the plans are known (no automatic layout flashing first).
    if (!plansLoaded) return autoPlan([], { maxConnectors });
    if (!park) return autoPlan(live, { maxConnectors });
    const inParks = new Set(parkPlans.flatMap((p) => [...p.placements.map((x) => x.stationId), ...p.unplaced]));
    const keep = (id: string) => shown === null || shown.has(id);
    const source = { ...park, placements: park.placements.filter((p) => keep(p.stationId)), unplaced: park.unplaced.filter(keep) };
    const plan = parkPlan(source, { maxConnectors, strays: live.filter((id) => !inParks.has(id)) });
    return { ...plan, background: backgrounds[park.parkId] ?? null };
  }, [ids, maxConnectors, park, parkPlans, shown, backgrounds, plansLoaded]);

  const editSize = useMemo(() => planSize(parkStations.length, park?.aspect ?? 16 / 9), [parkStations.length, park?.aspect]);
  const editBackground = editor.background === undefined ? (parkId ? (backgrounds[parkId] ?? null) : null) : (editor.background?.dataUrl ?? null);
  const plan: Plan = useMemo(
    () =>
      editor.editing
        ? { id: parkId ?? 'edit', name: park?.name ?? '', auto: false, background: editBackground, ...editSize, placements: [...editor.draft].map(([stationId, p]) => ({ stationId, ...p })) }
        : viewPlan,
    [editor.editing, editor.draft, parkId, park?.name, editBackground, editSize, viewPlan],
  );

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
  }, [chooserOpen, editor.editing]);

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
  const planRef = useRef(plan);
  useLayoutEffect(() => {
    planRef.current = plan;
  });
  const extent = `${plan.id}:${plan.width}:${plan.height}:${plan.extentHeight ?? plan.height}:${plan.placements.length}`;
  useEffect(() => {
    const current = planRef.current;
    if (size.w === 0 || current.placements.length === 0) return;
    const target = route.stationId;
    const placement = target ? current.placements.find((p) => p.stationId === target) : undefined;
    // Back to the plan without a station named: the whole plan again.
    if (!target && focused.current !== null) {
      focused.current = null;
      fitted.current = true;
    }
    if (placement && focused.current !== target) {
      focused.current = target;
      const pt = placementPoint(current, placement);
      moveTo((v) => centreOn(pt.x, pt.y, size.w, size.h, Math.max(v?.k ?? 0, 1)));
      setSelected(placement.stationId);
      return;
    }
    if (fitted.current) setView(fitView(current, size.w, size.h));
  }, [extent, size.w, size.h, route.stationId, moveTo]);

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
  }, [zoom, chooserOpen, editor.editing]);

  // + / − / 0 and arrows anywhere on this screen (not while typing), Esc closes the popover.
  // In edit mode the arrows nudge the selected stations (one grid step; shift: four).
  const { editing, selection, nudge, grid, snap } = editor;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (document.querySelector('dialog[open]')) return;
      const pan = (dx: number, dy: number) => moveTo((v) => (v ? { ...v, x: v.x + dx, y: v.y + dy } : v));
      const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      const arrow = arrows[event.key];
      // Enter / space on a focused symbol selects it in edit mode (shift: adds or removes).
      const focusedId = event.target instanceof Element ? event.target.closest('[data-station-id]')?.getAttribute('data-station-id') : null;
      if (editing && focusedId && (event.key === 'Enter' || event.key === ' ')) {
        if (event.shiftKey) editor.toggle(focusedId);
        else editor.select([focusedId]);
        event.preventDefault();
        return;
      }
      if (editing && selection.size > 0 && (event.key === 'Delete' || event.key === 'Backspace')) {
        editor.unplaceSelected();
        event.preventDefault();
        return;
      }
      if (arrow && editing && selection.size > 0) {
        const step = (snap ? grid : 5) * (event.shiftKey ? 4 : 1);
        nudge(arrow[0] * step, arrow[1] * step, planRef.current);
        event.preventDefault();
        return;
      }
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
          if (editing) editor.select([]);
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [zoom, fit, moveTo, editing, selection, nudge, grid, snap, editor]);

  /** Plan units under a screen point (client coordinates). */
  const toPlan = (clientX: number, clientY: number): Point | null => {
    const el = viewport.current;
    if (!el || !view) return null;
    const r = el.getBoundingClientRect();
    return { x: (clientX - r.left - view.x) / view.k, y: (clientY - r.top - view.y) / view.k };
  };
  const toPercent = (p: Point): Point => ({ x: (p.x / plan.width) * 100, y: (p.y / plan.height) * 100 });

  // Drag: pans (view mode, or Alt / middle button in edit mode); in edit mode moves the selection
  // or draws a selection frame. The pointer is captured only once it has really moved, so clicks reach the symbols.
  const viewportPoint = (event: ReactPointerEvent<SVGSVGElement>): ScreenPoint => {
    const r = viewport.current?.getBoundingClientRect();
    return { x: event.clientX - (r?.left ?? 0), y: event.clientY - (r?.top ?? 0) };
  };
  const onPointerDown = (event: ReactPointerEvent<SVGSVGElement>) => {
    if (!view || (event.button !== 0 && event.button !== 1)) return;
    pointers.current.set(event.pointerId, viewportPoint(event));
    if (pointers.current.size === 2) {
      // A second finger: whatever the first one started becomes a pinch (zoom and pan).
      const [[ia, a0], [ib, b0]] = [...pointers.current] as [[number, ScreenPoint], [number, ScreenPoint]];
      if (gesture.current?.kind === 'move') editor.setDraft(new Map(gesture.current.from));
      setBand(null);
      gesture.current = { kind: 'pinch', id: event.pointerId, start: view, a0, b0, ids: [ia, ib], moved: true };
      event.currentTarget.setPointerCapture(ia);
      event.currentTarget.setPointerCapture(ib);
      return;
    }
    if (pointers.current.size > 2) return;
    const base = { id: event.pointerId, sx: event.clientX, sy: event.clientY, moved: false };
    if (!editor.editing || event.button === 1 || event.altKey) {
      gesture.current = { kind: 'pan', ...base, vx: view.x, vy: view.y };
      return;
    }
    const stationId = (event.target as Element).closest('[data-station-id]')?.getAttribute('data-station-id') ?? null;
    if (stationId && editor.draft.has(stationId)) {
      if (event.shiftKey) {
        editor.toggle(stationId);
        gesture.current = null;
        return;
      }
      const ids = editor.selection.has(stationId) ? [...editor.selection] : [stationId];
      if (!editor.selection.has(stationId)) editor.select(ids);
      gesture.current = { kind: 'move', ...base, from: editor.draft, ids };
      return;
    }
    if (!event.shiftKey) editor.select([]);
    gesture.current = { kind: 'band', ...base, additive: event.shiftKey };
  };
  const onPointerMove = (event: ReactPointerEvent<SVGSVGElement>) => {
    if (pointers.current.has(event.pointerId)) pointers.current.set(event.pointerId, viewportPoint(event));
    const g = gesture.current;
    if (g?.kind === 'pinch') {
      const a1 = pointers.current.get(g.ids[0]);
      const b1 = pointers.current.get(g.ids[1]);
      if (a1 && b1) moveTo(() => pinchView(g.start, g.a0, g.b0, a1, b1));
      return;
    }
    if (!g || g.id !== event.pointerId || !view) return;
    const dx = event.clientX - g.sx;
    const dy = event.clientY - g.sy;
    if (!g.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!g.moved) {
      g.moved = true;
      event.currentTarget.setPointerCapture(event.pointerId);
    }
    if (g.kind === 'pan') moveTo((v) => (v ? { ...v, x: g.vx + dx, y: g.vy + dy } : v));
    else if (g.kind === 'move') editor.setDraft(moveBy(g.from, g.ids, dx / view.k, dy / view.k, plan, editor.snap ? editor.grid : null));
    else {
      const r = viewport.current?.getBoundingClientRect();
      if (r) setBand({ x0: g.sx - r.left, y0: g.sy - r.top, x1: event.clientX - r.left, y1: event.clientY - r.top });
    }
  };
  const onPointerUp = (event: ReactPointerEvent<SVGSVGElement>) => {
    pointers.current.delete(event.pointerId);
    const g = gesture.current;
    if (g?.kind === 'pinch') {
      // Lifting one finger ends the pinch; the click that may follow is not a selection.
      if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
      if (g.ids.includes(event.pointerId)) {
        suppressClick.current = true;
        gesture.current = null;
      }
      return;
    }
    if (!g || g.id !== event.pointerId) return;
    suppressClick.current = g.moved;
    gesture.current = null;
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
    if (g.kind === 'band') {
      setBand(null);
      const a = toPlan(g.sx, g.sy);
      const b = toPlan(event.clientX, event.clientY);
      if (g.moved && a && b) editor.select(pointsInRect(editor.draft, plan, a, b), g.additive);
    }
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
  const symbols = useMemo(
    () =>
      editor.editing ? (
        <EditSymbols plan={plan} draft={editor.draft} selection={editor.selection} />
      ) : (
        <PlanSymbols plan={plan} selected={selected} alarms={alarmMarks} onSelect={onSelect} onOpen={onOpen} />
      ),
    [editor.editing, editor.draft, editor.selection, plan, selected, alarmMarks, onSelect, onOpen],
  );

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
    if (editor.editing) editor.select([p.stationId]);
    else setSelected(p.stationId);
  };

  /** Places an unplaced station where it was dropped, or in the middle of the view. */
  const placeAt = (stationId: string, clientX?: number, clientY?: number) => {
    const r = viewport.current?.getBoundingClientRect();
    if (!r) return;
    const at = toPlan(clientX ?? r.left + r.width / 2, clientY ?? r.top + r.height / 2);
    if (!at) return;
    editor.place(stationId, snapPoint(toPercent(at), plan, editor.snap ? editor.grid : null));
  };

  // Closing or reloading the window with unsaved plan changes asks first.
  const dirty = editor.dirty;
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  const startEditing = () => {
    if (!park) return;
    setSelected(null);
    setChooserOpen(false);
    fitted.current = true;
    editor.start(park);
  };

  // Popover beside the selected symbol, inside the viewport (not while editing).
  let anchor: Anchor | null = null;
  const placement = selected && !editor.editing ? plan.placements.find((p) => p.stationId === selected) : undefined;
  if (view && placement && selectedStation) {
    const pt = placementPoint(plan, placement);
    const selectedSymbol = useSymbols.getState().byStation[selectedStation.id] ?? useSymbols.getState().fallback;
    anchor = { x: view.x + pt.x * view.k, y: view.y + pt.y * view.k, half: (symbolBox(selectedSymbol, selectedStation.connectors.length).width / 2) * view.k, w: size.w, h: size.h };
  }

  const onKeyDownSearch = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Enter') goToSearch();
  };
  const gridSize = editor.editing && editor.snap ? editor.grid : 40;
  const overflowTop = !editor.editing && plan.overflow && plan.overflow.length > 0 ? plan.height : null;

  return (
    <div className={`view plan-view ${editor.editing ? 'editing' : ''}`} data-testid="view-groundPlan" data-park-id={parkId ?? ''} data-editing={editor.editing ? 'true' : 'false'}>
      <div className="view-header">
        <h1>{t('groundPlan.title')}</h1>
        {parkPlans.length > 0 ? (
          <label className="inline-field">
            <span className="muted">{t('groundPlan.park')}</span>
            <select value={parkId ?? ''} onChange={(e) => setParkChoice(e.target.value)} disabled={editor.editing} data-testid="plan-park" aria-label={t('groundPlan.park')}>
              {parkPlans.map((p) => (
                <option key={p.parkId} value={p.parkId}>
                  {parkPlans.some((o) => o.siteId !== p.siteId) || p.siteName !== p.name ? `${p.siteName} · ${p.name}` : p.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <span className="toolbar-count" data-testid="plan-count">
          {t('groundPlan.count', { count: plan.placements.length })}
        </span>
        {plan.auto && plansLoaded ? <span className="muted plan-auto-note">{park ? t('groundPlan.autoLayout') : t('groundPlan.noProject')}</span> : null}
        {many && !editor.editing ? (
          <button type="button" className="button button-small" onClick={() => setChooserOpen((o) => !o)} data-testid="plan-choose">
            {t('groundPlan.many.choose')}
          </button>
        ) : null}
        <div className="toolbar-spacer" />
        {mayEdit && park && !editor.editing ? (
          <button type="button" className="button" onClick={startEditing} data-testid="plan-edit-toggle" aria-pressed={false}>
            {t('groundPlan.edit.toggle')}
          </button>
        ) : null}
        <div onKeyDown={onKeyDownSearch}>
          <SearchBox value={search} onChange={setSearch} placeholder={`${t('groundPlan.find')}  (/)`} label={t('groundPlan.find')} shortcut testId="plan-search" />
        </div>
      </div>
      {plansError ? <p className="notice tone-warn">{t('groundPlan.loadFailed', { error: describeError(plansError, t) })}</p> : null}
      {many && !editor.editing ? (
        <p className="notice tone-warn" data-testid="plan-many">
          {shown === null ? t('groundPlan.many.warning', { count: parkStations.length }) : t('groundPlan.many.showing', { shown: shown.size, count: parkStations.length })}
        </p>
      ) : null}
      {editor.editing && park ? <PlanEditToolbar editor={editor} plan={park} onFit={fit} /> : null}
      <div className="plan-body">
        <div
          className={`plan-viewport ${view && view.k < DETAIL_ZOOM ? 'low-detail' : ''} ${plan.placements.length > ANIMATED_SYMBOLS_LIMIT ? 'symbols-static' : ''}`}
          ref={viewport}
          data-testid="plan-viewport"
          data-zoom={view?.k.toFixed(3) ?? ''}
          onDragOver={(e) => {
            if (editor.editing) e.preventDefault();
          }}
          onDrop={(e) => {
            if (!editor.editing) return;
            e.preventDefault();
            const id = e.dataTransfer.getData('application/x-evs-station') || e.dataTransfer.getData('text/plain');
            if (editor.unplaced.includes(id)) placeAt(id, e.clientX, e.clientY);
          }}
        >
          {plan.placements.length === 0 && plansLoaded && !editor.editing ? <p className="plan-empty muted">{t('groundPlan.empty')}</p> : null}
          <svg
            className="plan-svg"
            width="100%"
            height="100%"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
            onClick={(e) => {
              if (editor.editing) return;
              if (e.target === e.currentTarget || (e.target as Element).classList.contains('plan-background')) {
                if (!suppressClick.current) setSelected(null);
                suppressClick.current = false;
              }
            }}
            role="img"
            aria-label={t('groundPlan.title')}
          >
            <defs>
              <pattern id="plan-grid" width={gridSize} height={gridSize} patternUnits="userSpaceOnUse">
                <path d={`M${gridSize} 0H0V${gridSize}`} className="plan-grid-line" />
              </pattern>
            </defs>
            {view ? (
              <g transform={`translate(${view.x} ${view.y}) scale(${view.k})`}>
                <rect className="plan-background" width={plan.width} height={plan.height} rx={8} />
                {plan.background && !plan.auto ? (
                  <image className="plan-background-image" href={plan.background} width={plan.width} height={plan.height} preserveAspectRatio="xMidYMid meet" pointerEvents="none" data-testid="plan-background-image" />
                ) : null}
                <rect className={`plan-background-grid ${editor.editing ? 'editing' : ''}`} width={plan.width} height={plan.height} fill="url(#plan-grid)" pointerEvents="none" />
                {overflowTop !== null ? (
                  <text className="plan-overflow-label" x={40} y={overflowTop + 28} data-testid="plan-overflow-label">
                    {t('groundPlan.notPlaced')}
                  </text>
                ) : null}
                {symbols}
              </g>
            ) : null}
            {band ? <rect className="plan-band" x={Math.min(band.x0, band.x1)} y={Math.min(band.y0, band.y1)} width={Math.abs(band.x1 - band.x0)} height={Math.abs(band.y1 - band.y0)} data-testid="plan-band" /> : null}
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
          <div className="plan-hint muted">{editor.editing ? t('groundPlan.edit.hint') : t('groundPlan.hint')}</div>
          {anchor && selectedStation ? <Popover station={selectedStation} anchor={anchor} onClose={() => setSelected(null)} /> : null}
        </div>
        {editor.editing ? <UnplacedList editor={editor} onPlace={(id) => placeAt(id)} /> : null}
        {chooserOpen && many && !editor.editing && parkId ? (
          <StationChooser ids={parkStations} shown={shown} onChange={(next) => setShownByPark((all) => ({ ...all, [parkId]: next }))} onClose={() => setChooserOpen(false)} />
        ) : null}
      </div>
    </div>
  );
}
