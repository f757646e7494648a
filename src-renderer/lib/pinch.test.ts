import { describe, expect, it } from 'vitest';
import { pinchView } from './pinch.ts';
import { MAX_ZOOM } from './plan.ts';

const start = { x: 100, y: 50, k: 0.5 };
const planPointAt = (view: { x: number; y: number; k: number }, sx: number, sy: number) => ({ x: (sx - view.x) / view.k, y: (sy - view.y) / view.k });

describe('pinchView', () => {
  it('zooms by the ratio of the finger distances about their midpoint', () => {
    const view = pinchView(start, { x: 300, y: 300 }, { x: 400, y: 300 }, { x: 250, y: 300 }, { x: 450, y: 300 });
    expect(view.k).toBeCloseTo(1);
    expect(planPointAt(view, 350, 300)).toEqual(planPointAt(start, 350, 300));
  });

  it('pans with the midpoint when the distance stays the same', () => {
    const view = pinchView(start, { x: 300, y: 300 }, { x: 400, y: 300 }, { x: 330, y: 340 }, { x: 430, y: 340 });
    expect(view).toEqual({ k: 0.5, x: 130, y: 90 });
  });

  it('keeps the zoom within bounds and ignores fingers on one spot', () => {
    expect(pinchView(start, { x: 300, y: 300 }, { x: 301, y: 300 }, { x: 0, y: 0 }, { x: 2000, y: 0 }).k).toBe(MAX_ZOOM);
    expect(pinchView(start, { x: 300, y: 300 }, { x: 300, y: 300 }, { x: 300, y: 300 }, { x: 500, y: 300 }).k).toBe(0.5);
  });
});
