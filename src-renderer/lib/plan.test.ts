import { describe, expect, test } from 'vitest';
import { alignPoints, autoPlan, centreOn, changedPlacements, fitView, gridPoints, MAX_ZOOM, moveBy, parkPlan, placementPoint, planSize, pointsInRect, powerFraction, snapPoint, sortIds, symbolHeight, SYMBOL, zoomAt } from './plan.ts';

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

describe('park plans from the project', () => {
  const source = { parkId: 'P1', name: 'Park 1', aspect: 16 / 9, placements: [{ stationId: 'A', x: 10, y: 20 }, { stationId: 'B', x: 60, y: 70 }], unplaced: ['C'] };

  test('placed stations keep their % positions; unplaced ones and strays go in a strip below the plan that fit includes', () => {
    const plan = parkPlan(source, { strays: ['Z-1', 'C'] });
    expect(plan.auto).toBe(false);
    expect(plan.placements.slice(0, 2)).toEqual(source.placements);
    expect(plan.overflow).toEqual(['C', 'Z-1']);
    const strip = plan.placements.slice(2);
    expect(strip.map((p) => p.stationId)).toEqual(['C', 'Z-1']);
    for (const p of strip) expect(placementPoint(plan, p).y - symbolHeight(2) / 2).toBeGreaterThan(plan.height);
    expect(plan.extentHeight).toBeGreaterThan(plan.height);
    const fitted = fitView(plan, 1000, 1000);
    expect(fitted.y + (plan.extentHeight ?? 0) * fitted.k).toBeLessThanOrEqual(1000);
  });

  test('a park without any position falls back to the automatic layout of its stations', () => {
    const plan = parkPlan({ ...source, placements: [], unplaced: ['B', 'A'] });
    expect(plan.auto).toBe(true);
    expect(plan.placements.map((p) => p.stationId)).toEqual(['A', 'B']);
  });

  test('the plan grows with the number of stations so that a grid of symbols fits side by side', () => {
    expect(planSize(12, 16 / 9).width).toBe(1600);
    const big = planSize(150, 16 / 9);
    const cols = Math.ceil(Math.sqrt(150 * (16 / 9)));
    expect(big.width / cols).toBeGreaterThanOrEqual(SYMBOL.width);
    expect(big.width / big.height).toBeCloseTo(16 / 9, 2);
  });
});

describe('editing positions', () => {
  const plan = { width: 1000, height: 500 };
  const points = new Map([
    ['A', { x: 10, y: 10 }],
    ['B', { x: 50, y: 30 }],
    ['C', { x: 20, y: 90 }],
  ]);

  test('snapping puts a point on the nearest grid node and inside the plan', () => {
    expect(snapPoint({ x: 12.3, y: 47 }, plan, 40)).toEqual({ x: 12, y: 48 });
    expect(snapPoint({ x: 104, y: -3 }, plan, null)).toEqual({ x: 100, y: 0 });
  });

  test('moving a selection shifts only the selected stations by the drag distance in plan units', () => {
    const moved = moveBy(points, ['A', 'B'], 100, -25, plan, null);
    expect(moved.get('A')).toEqual({ x: 20, y: 5 });
    expect(moved.get('B')).toEqual({ x: 60, y: 25 });
    expect(moved.get('C')).toEqual({ x: 20, y: 90 });
    expect(moveBy(points, ['A'], -500, 0, plan, null).get('A')).toEqual({ x: 0, y: 10 });
  });

  test('align left/top takes the outermost centre; distribute spreads evenly between the outermost two', () => {
    expect([...alignPoints(points, ['A', 'B', 'C'], 'left').values()].map((p) => p.x)).toEqual([10, 10, 10]);
    expect([...alignPoints(points, ['B', 'C'], 'top').values()].map((p) => p.y)).toEqual([10, 30, 30]);
    const spread = alignPoints(points, ['A', 'B', 'C'], 'distributeX');
    expect([spread.get('A')?.x, spread.get('C')?.x, spread.get('B')?.x]).toEqual([10, 30, 50]);
    expect(alignPoints(points, ['A', 'B'], 'distributeY')).toEqual(points);
  });

  test('a rubber band selects the stations whose centre it covers', () => {
    expect(pointsInRect(points, plan, { x: 600, y: 0 }, { x: 0, y: 200 }).sort()).toEqual(['A', 'B']);
  });

  test('a grid places every station inside the plan, in natural order, apart', () => {
    const grid = gridPoints(['S10', 'S2', 'S1']);
    expect([...grid.keys()]).toEqual(['S1', 'S2', 'S10']);
    const xs = [...grid.values()].map((p) => p.x);
    expect(new Set(xs).size).toBe(3);
    for (const p of grid.values()) expect(p.x > 0 && p.x < 100 && p.y > 0 && p.y < 100).toBe(true);
  });

  test('only moved or newly placed stations are sent, rounded to 0.01 %', () => {
    const draft = new Map([
      ['A', { x: 10.001, y: 10 }],
      ['B', { x: 51.23456, y: 30 }],
      ['N', { x: 5, y: 5 }],
    ]);
    expect(changedPlacements(draft, [{ stationId: 'A', x: 10, y: 10 }, { stationId: 'B', x: 50, y: 30 }])).toEqual([
      { stationId: 'B', x: 51.23, y: 30 },
      { stationId: 'N', x: 5, y: 5 },
    ]);
  });
});
