import { describe, expect, test } from 'vitest';
import { autoPlan, centreOn, fitView, MAX_ZOOM, placementPoint, powerFraction, sortIds, symbolHeight, SYMBOL, zoomAt } from './plan.ts';

describe('automatic layout', () => {
  test('natural id order, row by row, every symbol inside the plan and apart', () => {
    const ids = Array.from({ length: 23 }, (_, i) => `CP-${i + 1}`).reverse();
    const plan = autoPlan(ids, { maxConnectors: 2 });
    expect(plan.auto).toBe(true);
    expect(plan.placements.map((p) => p.stationId)).toEqual(sortIds(ids));
    expect(plan.placements[0]?.stationId).toBe('CP-1');
    const h = symbolHeight(2);
    const points = plan.placements.map((p) => placementPoint(plan, p));
    for (const pt of points) {
      expect(pt.x - SYMBOL.width / 2).toBeGreaterThanOrEqual(0);
      expect(pt.x + SYMBOL.width / 2).toBeLessThanOrEqual(plan.width);
      expect(pt.y - h / 2).toBeGreaterThanOrEqual(0);
      expect(pt.y + h / 2).toBeLessThanOrEqual(plan.height);
    }
    // No two symbols overlap.
    for (let i = 0; i < points.length; i++)
      for (let j = i + 1; j < points.length; j++) {
        const a = points[i];
        const b = points[j];
        if (!a || !b) continue;
        expect(Math.abs(a.x - b.x) >= SYMBOL.width || Math.abs(a.y - b.y) >= h).toBe(true);
      }
    // Wider than tall for a screen-shaped grid.
    expect(plan.width).toBeGreaterThan(plan.height);
  });

  test('500 stations lay out in a reasonable grid', () => {
    const plan = autoPlan(Array.from({ length: 500 }, (_, i) => `S${i}`));
    expect(plan.placements).toHaveLength(500);
    expect(plan.width / plan.height).toBeGreaterThan(1);
    expect(plan.width / plan.height).toBeLessThan(3);
  });

  test('an empty park still makes a plan', () => {
    expect(autoPlan([]).placements).toEqual([]);
  });
});

describe('pan and zoom', () => {
  test('fit centres the plan and zoom keeps the point under the cursor', () => {
    const view = fitView({ width: 1000, height: 500 }, 800, 800);
    expect(view.k).toBeCloseTo(0.768);
    expect(view.x).toBeCloseTo((800 - 1000 * view.k) / 2);
    const zoomed = zoomAt(view, 2, 300, 200);
    const before = { x: (300 - view.x) / view.k, y: (200 - view.y) / view.k };
    const after = { x: (300 - zoomed.x) / zoomed.k, y: (200 - zoomed.y) / zoomed.k };
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
    expect(zoomAt(view, 1e9, 0, 0).k).toBe(MAX_ZOOM);
    const centred = centreOn(100, 50, 800, 600, 2);
    expect(centred.x + 100 * 2).toBe(400);
    expect(centred.y + 50 * 2).toBe(300);
  });

  test('power bar fraction', () => {
    expect(powerFraction(null, 22_000)).toBe(0);
    expect(powerFraction(11_000, 22_000)).toBe(0.5);
    expect(powerFraction(50_000, 22_000)).toBe(1);
    expect(powerFraction(11_000, null)).toBe(0.5);
  });
});
