import { describe, expect, test } from 'vitest';
import { nodeDepths, parseAllocation, ratio, treeOrder } from './allocation.ts';

describe('parseAllocation', () => {
  test('keeps well-formed setpoints and nodes, drops the rest', () => {
    const view = parseAllocation({
      setpoints: [
        { sessionId: 's1', stationId: 'AC-01', connectorId: 1, value: 16, unit: 'A', powerW: 11000, paused: false, reason: { kind: 'limit', limit: { scope: 'node', id: 'feeder-ac', phase: 'L2' } } },
        { stationId: 'broken' },
        null,
      ],
      nodes: [
        { nodeId: 'site', parentId: null, limitA: [100, 100, null], limitW: null, allocatedA: [10, 10, 10], allocatedW: 6900, measuredA: [8, 8, 8], measuredW: 5500, headroomA: [90, 90, null], headroomW: null, sessions: 1 },
        { parentId: 'x' },
      ],
      issues: ['x', 3],
    });
    expect(view.setpoints).toHaveLength(1);
    expect(view.setpoints[0]?.reason).toEqual({ kind: 'limit', limit: { scope: 'node', id: 'feeder-ac', phase: 'L2' }, detail: null });
    expect(view.nodes).toHaveLength(1);
    expect(view.nodes[0]?.limitA).toEqual([100, 100, null]);
    expect(view.issues).toEqual(['x']);
  });

  test('an absent result is an empty view', () => {
    expect(parseAllocation(null)).toEqual({ setpoints: [], nodes: [], issues: [] });
  });
});

describe('tree helpers', () => {
  const node = (nodeId: string, parentId: string | null) => parseAllocation({ nodes: [{ nodeId, parentId }] }).nodes[0]!;
  test('orders depth first and computes depths', () => {
    const nodes = [node('b1', 'b'), node('site', null), node('a', 'site'), node('b', 'site')];
    expect(treeOrder(nodes).map((n) => n.nodeId)).toEqual(['site', 'a', 'b', 'b1']);
    expect(Object.fromEntries(nodeDepths(nodes))).toEqual({ b1: 2, b: 1, site: 0, a: 1 });
  });
  test('ratio is clamped and 0 without a limit', () => {
    expect(ratio(50, 100)).toBe(0.5);
    expect(ratio(150, 100)).toBe(1);
    expect(ratio(5, null)).toBe(0);
  });
});
