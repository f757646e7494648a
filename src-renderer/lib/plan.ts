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
export function fitView(plan: Pick<Plan, 'width' | 'height'>, w: number, h: number): View {
  if (w <= 0 || h <= 0) return { x: 0, y: 0, k: 1 };
  const k = clampZoom(Math.min(w / plan.width, h / plan.height) * 0.96);
  return { x: (w - plan.width * k) / 2, y: (h - plan.height * k) / 2, k };
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
