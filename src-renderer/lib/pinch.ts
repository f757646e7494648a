// Two-finger pinch on the ground plan: the plan point that was under the fingers' midpoint
// stays under it while the zoom follows the distance between the fingers (and the midpoint pans).
import { clampZoom, type View } from './plan.ts';

export interface ScreenPoint {
  x: number;
  y: number;
}

const midpoint = (a: ScreenPoint, b: ScreenPoint): ScreenPoint => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });

/**
 * The view after a pinch that started at fingers `a0`, `b0` on view `start` and is now at `a1`,
 * `b1` (viewport pixels). Fingers on one spot keep the zoom (no division by zero).
 */
export function pinchView(start: View, a0: ScreenPoint, b0: ScreenPoint, a1: ScreenPoint, b1: ScreenPoint): View {
  const d0 = Math.hypot(b0.x - a0.x, b0.y - a0.y);
  const d1 = Math.hypot(b1.x - a1.x, b1.y - a1.y);
  const k = d0 < 1 || d1 < 1 ? start.k : clampZoom(start.k * (d1 / d0));
  const m0 = midpoint(a0, b0);
  const m1 = midpoint(a1, b1);
  // Plan point under the starting midpoint, kept under the current one.
  const px = (m0.x - start.x) / start.k;
  const py = (m0.y - start.y) / start.k;
  return { k, x: m1.x - px * k, y: m1.y - py * k };
}
