// Geometry of the ground plan, pure so it can be tested: where each station symbol goes (project
// positions in % of the plan, or an automatic grid), the size of a symbol, and the pan/zoom
// transform (fit, zoom about a point, clamping).

/** A station on a plan: centre of its symbol, in % of the plan's width and height (as the project stores it). */
export interface PlanPlacement {
  stationId: string;
  x: number;
  y: number;
}

export interface Plan {
  id: string;
  name: string;
  /** True when the layout was made by the UI (no positions known). */
  auto: boolean;
  /** Background image URL, if any. */
  background: string | null;
  /** Plan size in plan units (SVG user units). */
  width: number;
  height: number;
  placements: PlanPlacement[];
  /** Height of everything drawn, plan units: the plan plus the strip of stations without a place below it (default: height). */
  extentHeight?: number;
  /** Stations drawn in the strip below the plan (no place on it), in `placements` with y > 100. */
  overflow?: string[];
}

/** Symbol geometry in plan units. */
export const SYMBOL = { width: 168, header: 28, row: 30, padding: 6 } as const;

export function symbolHeight(connectors: number): number {
  return SYMBOL.header + Math.max(1, connectors) * SYMBOL.row + SYMBOL.padding;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Natural order of station ids (CP-2 before CP-10). */
export function sortIds(ids: readonly string[]): string[] {
  return [...ids].sort(collator.compare);
}

/**
 * Stations in a grid by id, filling rows left to right. The grid aims at the `aspect` of the
 * screen so that "fit" shows it large; every cell is tall enough for `maxConnectors` rows.
 */
export function autoPlan(stationIds: readonly string[], options: { maxConnectors?: number; aspect?: number; id?: string; name?: string } = {}): Plan {
  const ids = sortIds(stationIds);
  const cellW = SYMBOL.width + 48;
  const cellH = symbolHeight(options.maxConnectors ?? 2) + 40;
  const aspect = options.aspect ?? 16 / 9;
  const n = Math.max(1, ids.length);
  const cols = Math.max(1, Math.min(n, Math.round(Math.sqrt((n * aspect * cellH) / cellW))));
  const rows = Math.ceil(n / cols);
  const margin = 40;
  const width = cols * cellW + 2 * margin;
  const height = rows * cellH + 2 * margin;
  return {
    id: options.id ?? 'auto',
    name: options.name ?? 'auto',
    auto: true,
    background: null,
    width,
    height,
    placements: ids.map((stationId, i) => ({
      stationId,
      x: ((margin + (i % cols) * cellW + cellW / 2) / width) * 100,
      y: ((margin + Math.floor(i / cols) * cellH + cellH / 2) / height) * 100,
    })),
  };
}

/** Pan/zoom: screen = translate + scale × plan. */
export interface View {
  x: number;
  y: number;
  k: number;
}

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 8;

export function clampZoom(k: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));
}

/** The whole plan centred in a viewport of `w`×`h` pixels, with a small margin. */
export function fitView(plan: Pick<Plan, 'width' | 'height' | 'extentHeight'>, w: number, h: number): View {
  if (w <= 0 || h <= 0) return { x: 0, y: 0, k: 1 };
  const height = plan.extentHeight ?? plan.height;
  const k = clampZoom(Math.min(w / plan.width, h / height) * 0.96);
  return { x: (w - plan.width * k) / 2, y: (h - height * k) / 2, k };
}

/** Zoom by `factor` keeping the plan point under screen point (px, py) where it is. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const k = clampZoom(view.k * factor);
  const f = k / view.k;
  return { k, x: px - (px - view.x) * f, y: py - (py - view.y) * f };
}

/** A view that puts plan point (x, y) at the centre of a `w`×`h` viewport, at zoom `k`. */
export function centreOn(x: number, y: number, w: number, h: number, k: number): View {
  const kk = clampZoom(k);
  return { k: kk, x: w / 2 - x * kk, y: h / 2 - y * kk };
}

/** Plan units of a placement's centre. */
export function placementPoint(plan: Pick<Plan, 'width' | 'height'>, p: Pick<PlanPlacement, 'x' | 'y'>): { x: number; y: number } {
  return { x: (p.x / 100) * plan.width, y: (p.y / 100) * plan.height };
}

/** Width of a power bar in [0, 1]: the connector's power over its maximum (unknown maximum: 22 kW AC scale). */
export function powerFraction(powerW: number | null, maxW: number | null): number {
  if (powerW === null || !Number.isFinite(powerW) || powerW <= 0) return 0;
  const max = maxW !== null && maxW > 0 ? maxW : Math.max(22_000, powerW);
  return Math.min(1, powerW / max);
}

// ---------------------------------------------------------------------------------------------
// Park plans from the project (listGroundPlans) and editing them. Positions stay in % of the plan
// (as the project stores them); moves, snapping and alignment work in plan units.

export interface ParkPlanSource {
  parkId: string;
  name: string;
  aspect: number;
  placements: readonly PlanPlacement[];
  unplaced: readonly string[];
}

const CELL_W = SYMBOL.width + 48;
const PLAN_MIN_WIDTH = 1600;

/** Plan units of a park's plan: wide enough for its stations side by side in a screen-shaped grid. */
export function planSize(stations: number, aspect: number): { width: number; height: number } {
  const a = Number.isFinite(aspect) && aspect > 0.2 && aspect < 5 ? aspect : 16 / 9;
  const width = Math.max(PLAN_MIN_WIDTH, Math.ceil(Math.sqrt(Math.max(1, stations) * a)) * (CELL_W + 16));
  return { width, height: Math.round(width / a) };
}

/**
 * A park's plan: its placed stations at their positions, and the park's unplaced stations plus
 * `strays` (live stations of no park) in a strip below the plan. A park with no position at all
 * gets the automatic layout.
 */
export function parkPlan(source: ParkPlanSource, options: { maxConnectors?: number; strays?: readonly string[] } = {}): Plan {
  const below = sortIds([...new Set([...source.unplaced, ...(options.strays ?? [])])]);
  if (source.placements.length === 0) return autoPlan(below, { maxConnectors: options.maxConnectors ?? 2, id: source.parkId, name: source.name });
  const { width, height } = planSize(source.placements.length + source.unplaced.length, source.aspect);
  const cellH = symbolHeight(options.maxConnectors ?? 2) + 40;
  const cols = Math.max(1, Math.floor((width - 80) / CELL_W));
  const top = height + 40;
  const rows = Math.ceil(below.length / cols);
  return {
    id: source.parkId,
    name: source.name,
    auto: false,
    background: null,
    width,
    height,
    extentHeight: below.length > 0 ? top + rows * cellH : height,
    overflow: below,
    placements: [
      ...source.placements.map((p) => ({ stationId: p.stationId, x: p.x, y: p.y })),
      ...below.map((stationId, i) => ({
        stationId,
        x: ((40 + (i % cols) * CELL_W + CELL_W / 2) / width) * 100,
        y: ((top + Math.floor(i / cols) * cellH + cellH / 2) / height) * 100,
      })),
    ],
  };
}

type Size = Pick<Plan, 'width' | 'height'>;
export type Point = { x: number; y: number };

export function clampPercent(value: number): number {
  return Math.min(100, Math.max(0, value));
}

/** A position (in %) on the nearest grid node of `grid` plan units (null: no snapping), inside the plan. */
export function snapPoint(p: Point, plan: Size, grid: number | null): Point {
  if (!grid || grid <= 0) return { x: clampPercent(p.x), y: clampPercent(p.y) };
  const snap = (percent: number, size: number) => clampPercent(((Math.round(((percent / 100) * size) / grid) * grid) / size) * 100);
  return { x: snap(p.x, plan.width), y: snap(p.y, plan.height) };
}

/** `ids` moved by (dx, dy) plan units from `from` (their positions when the move began), snapped and kept inside the plan. */
export function moveBy(from: ReadonlyMap<string, Point>, ids: Iterable<string>, dx: number, dy: number, plan: Size, grid: number | null): Map<string, Point> {
  const next = new Map(from);
  for (const id of ids) {
    const p = from.get(id);
    if (!p) continue;
    next.set(id, snapPoint({ x: p.x + (dx / plan.width) * 100, y: p.y + (dy / plan.height) * 100 }, plan, grid));
  }
  return next;
}

export type AlignMode = 'left' | 'top' | 'distributeX' | 'distributeY';

/**
 * Aligns the centres of `ids`: on the leftmost (`left`) or topmost (`top`) one, or spread evenly
 * between the two outermost along x or y (`distribute…`, in their current order). Fewer than two
 * (three to distribute) stations: unchanged.
 */
export function alignPoints(points: ReadonlyMap<string, Point>, ids: readonly string[], mode: AlignMode): Map<string, Point> {
  const next = new Map(points);
  const chosen = ids.flatMap((id) => {
    const p = points.get(id);
    return p ? [{ id, ...p }] : [];
  });
  if (chosen.length < (mode.startsWith('distribute') ? 3 : 2)) return next;
  if (mode === 'left' || mode === 'top') {
    const axis = mode === 'left' ? 'x' : 'y';
    const edge = Math.min(...chosen.map((p) => p[axis]));
    for (const p of chosen) next.set(p.id, { x: axis === 'x' ? edge : p.x, y: axis === 'y' ? edge : p.y });
    return next;
  }
  const axis = mode === 'distributeX' ? 'x' : 'y';
  const sorted = [...chosen].sort((a, b) => a[axis] - b[axis] || collator.compare(a.id, b.id));
  const first = sorted[0]?.[axis] ?? 0;
  const step = ((sorted.at(-1)?.[axis] ?? 0) - first) / (sorted.length - 1);
  sorted.forEach((p, i) => next.set(p.id, { x: axis === 'x' ? first + i * step : p.x, y: axis === 'y' ? first + i * step : p.y }));
  return next;
}

/** Ids whose centre lies in the rectangle between two plan points (in plan units, any corner order). */
export function pointsInRect(points: ReadonlyMap<string, Point>, plan: Size, a: Point, b: Point): string[] {
  const [x0, x1] = [Math.min(a.x, b.x), Math.max(a.x, b.x)];
  const [y0, y1] = [Math.min(a.y, b.y), Math.max(a.y, b.y)];
  const inside: string[] = [];
  for (const [id, p] of points) {
    const pt = placementPoint(plan, p);
    if (pt.x >= x0 && pt.x <= x1 && pt.y >= y0 && pt.y <= y1) inside.push(id);
  }
  return inside;
}

/** Positions of `ids` in a grid over the plan (margin 6 %), in natural id order, row by row. */
export function gridPoints(ids: readonly string[], aspect = 16 / 9): Map<string, Point> {
  const sorted = sortIds(ids);
  const n = Math.max(1, sorted.length);
  const cols = Math.max(1, Math.min(n, Math.ceil(Math.sqrt(n * aspect))));
  const rows = Math.ceil(n / cols);
  const margin = 6;
  return new Map(
    sorted.map((id, i) => [id, { x: margin + ((i % cols) + 0.5) * ((100 - 2 * margin) / cols), y: margin + (Math.floor(i / cols) + 0.5) * ((100 - 2 * margin) / rows) }] as const),
  );
}

/** Placements whose position differs from `saved` (by more than 0.005 %), or that were not placed before. */
export function changedPlacements(draft: ReadonlyMap<string, Point>, saved: readonly PlanPlacement[]): PlanPlacement[] {
  const before = new Map(saved.map((p) => [p.stationId, p] as const));
  const changed: PlanPlacement[] = [];
  for (const [stationId, p] of draft) {
    const b = before.get(stationId);
    if (!b || Math.abs(b.x - p.x) > 0.005 || Math.abs(b.y - p.y) > 0.005) changed.push({ stationId, x: Math.round(p.x * 100) / 100, y: Math.round(p.y * 100) / 100 });
  }
  return changed;
}
