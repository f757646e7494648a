import { describe, expect, test } from 'vitest';
import { comparePreview, nodeDepths, parseAllocation, ratio, scheduleCheck, treeOrder } from './allocation.ts';

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
    expect(view.setpoints[0]?.reason).toEqual({ kind: 'limit', limit: { scope: 'node', id: 'feeder-ac', phase: 'L2' }, detail: null, untilMs: null });
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

describe('staggered start, schedule check and what-if comparison (issue 4)', () => {
  test('a staggered reason keeps the instant the session may start', () => {
    const view = parseAllocation({ setpoints: [{ sessionId: '7', stationId: 'AC-01', connectorId: 1, value: 0, unit: 'A', paused: true, reason: { kind: 'staggered', untilMs: 1_700_000_000_000 } }] });
    expect(view.setpoints[0]?.reason).toEqual({ kind: 'staggered', limit: null, detail: null, untilMs: 1_700_000_000_000 });
  });

  test('the composite-schedule check of a push is read when present and well formed', () => {
    expect(scheduleCheck({ status: 'accepted', schedule: { status: 'exceeds', limit: 32, at: 'x' } })).toEqual({ status: 'exceeds', limit: 32 });
    expect(scheduleCheck({ status: 'accepted', schedule: { status: 'unsupported', limit: null } })).toEqual({ status: 'unsupported', limit: null });
    expect(scheduleCheck({ status: 'accepted' })).toBeNull();
    expect(scheduleCheck({ schedule: { status: 'maybe' } })).toBeNull();
    expect(scheduleCheck(undefined)).toBeNull();
  });

  test('comparePreview pairs each session current → preview and each node allocated current → preview', () => {
    const sp = (sessionId: string, value: number, paused = false) => ({ sessionId, stationId: `AC-${sessionId}`, connectorId: 1, value, unit: 'A', powerW: value * 690, paused, reason: { kind: 'limit' } });
    const node = (allocatedW: number, a: number, limitW: number | null) => ({ nodeId: 'feeder', parentId: null, limitA: [40, 32, null], limitW, allocatedA: [a, a - 1, a], allocatedW, measuredA: [0, 0, 0], measuredW: 0, headroomA: [null, null, null], headroomW: null, sessions: 2 });
    const current = parseAllocation({ setpoints: [sp('1', 32), sp('2', 32)], nodes: [node(44_160, 64, 250_000)] });
    const preview = parseAllocation({ setpoints: [sp('1', 14), sp('2', 0, true), sp('3', 6)], nodes: [node(13_800, 20, 20_000)] });
    const diff = comparePreview(current, preview);
    expect(diff.sessions.map((s) => [s.sessionId, s.current?.value ?? null, s.preview?.value ?? null, s.delta])).toEqual([
      ['1', 32, 14, -18],
      ['2', 32, 0, -32],
      ['3', null, 6, 0],
    ]);
    expect(diff.sessions[1]?.preview?.paused).toBe(true);
    expect(diff.nodes).toEqual([{ nodeId: 'feeder', limitW: 20_000, currentW: 44_160, previewW: 13_800, limitA: 32, currentA: 64, previewA: 20 }]);
  });
});
