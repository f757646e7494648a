// The smart-charging engine's result as the UI reads it. AllocationInfo.result is `unknown` in
// the contract (the structure is owned by the main process), so it is checked here field by
// field: a malformed or missing part is dropped instead of breaking the screen.
import type { ProfilePush } from '../../src-shared/api/index.ts';

export type Triple<T> = [T, T, T];
export const PHASES = ['L1', 'L2', 'L3'] as const;

export interface LimitRefView {
  scope: 'node' | 'station';
  id: string;
  phase: 'L1' | 'L2' | 'L3' | 'total';
}

export interface ReasonView {
  kind: string;
  limit: LimitRefView | null;
  detail: string | null;
  /** Staggered start: the session is held at 0 until this instant (epoch ms). */
  untilMs: number | null;
}

export interface SetpointView {
  sessionId: string;
  stationId: string;
  connectorId: number;
  value: number;
  unit: 'A' | 'W';
  powerW: number;
  paused: boolean;
  reason: ReasonView;
}

export interface NodeView {
  nodeId: string;
  parentId: string | null;
  limitA: Triple<number | null>;
  limitW: number | null;
  allocatedA: Triple<number>;
  allocatedW: number;
  measuredA: Triple<number>;
  measuredW: number;
  headroomA: Triple<number | null>;
  headroomW: number | null;
  sessions: number;
}

export interface AllocationView {
  setpoints: SetpointView[];
  nodes: NodeView[];
  issues: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function triple(v: unknown): Triple<number | null> {
  const a = Array.isArray(v) ? v : [];
  return [num(a[0]), num(a[1]), num(a[2])];
}

function tripleZero(v: unknown): Triple<number> {
  const [a, b, c] = triple(v);
  return [a ?? 0, b ?? 0, c ?? 0];
}

function limitRef(v: unknown): LimitRefView | null {
  if (!isObj(v)) return null;
  const id = str(v.id);
  const scope = v.scope === 'station' ? 'station' : v.scope === 'node' ? 'node' : null;
  const phase = v.phase === 'L1' || v.phase === 'L2' || v.phase === 'L3' || v.phase === 'total' ? v.phase : null;
  return id !== null && scope !== null && phase !== null ? { scope, id, phase } : null;
}

function reason(v: unknown): ReasonView {
  if (!isObj(v)) return { kind: 'unknown', limit: null, detail: null, untilMs: null };
  return { kind: str(v.kind) ?? 'unknown', limit: limitRef(v.limit ?? v.limitedBy), detail: str(v.detail), untilMs: num(v.untilMs) };
}

export function parseAllocation(result: unknown): AllocationView {
  if (!isObj(result)) return { setpoints: [], nodes: [], issues: [] };
  const setpoints: SetpointView[] = [];
  for (const s of Array.isArray(result.setpoints) ? result.setpoints : []) {
    if (!isObj(s)) continue;
    const stationId = str(s.stationId);
    const value = num(s.value);
    if (stationId === null || value === null) continue;
    setpoints.push({
      sessionId: str(s.sessionId) ?? `${stationId}-${String(s.connectorId)}`,
      stationId,
      connectorId: num(s.connectorId) ?? 0,
      value,
      unit: s.unit === 'W' ? 'W' : 'A',
      powerW: num(s.powerW) ?? 0,
      paused: s.paused === true,
      reason: reason(s.reason),
    });
  }
  const nodes: NodeView[] = [];
  for (const n of Array.isArray(result.nodes) ? result.nodes : []) {
    if (!isObj(n)) continue;
    const nodeId = str(n.nodeId);
    if (nodeId === null) continue;
    nodes.push({
      nodeId,
      parentId: str(n.parentId),
      limitA: triple(n.limitA),
      limitW: num(n.limitW),
      allocatedA: tripleZero(n.allocatedA),
      allocatedW: num(n.allocatedW) ?? 0,
      measuredA: tripleZero(n.measuredA),
      measuredW: num(n.measuredW) ?? 0,
      headroomA: triple(n.headroomA),
      headroomW: num(n.headroomW),
      sessions: num(n.sessions) ?? 0,
    });
  }
  const issues = (Array.isArray(result.issues) ? result.issues : []).filter((i): i is string => typeof i === 'string');
  return { setpoints, nodes, issues };
}

/** Depth of each node in the tree (root 0), for indentation; parents come before children. */
export function nodeDepths(nodes: readonly NodeView[]): Map<string, number> {
  const depth = new Map<string, number>();
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  const of = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const parent = node?.parentId ?? null;
    const d = parent === null || !byId.has(parent) || seen.has(parent) ? 0 : of(parent, new Set([...seen, id])) + 1;
    depth.set(id, d);
    return d;
  };
  for (const n of nodes) of(n.nodeId, new Set([n.nodeId]));
  return depth;
}

/** Tree order: each node followed by its children (depth first), whatever the input order. */
export function treeOrder(nodes: readonly NodeView[]): NodeView[] {
  const ids = new Set(nodes.map((n) => n.nodeId));
  const children = new Map<string | null, NodeView[]>();
  for (const n of nodes) {
    const parent = n.parentId !== null && ids.has(n.parentId) ? n.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), n]);
  }
  const out: NodeView[] = [];
  const visit = (parent: string | null) => {
    for (const n of children.get(parent) ?? []) {
      if (out.includes(n)) continue;
      out.push(n);
      visit(n.nodeId);
    }
  };
  visit(null);
  // Nodes in a cycle (not reachable from a root) still show.
  for (const n of nodes) if (!out.includes(n)) out.push(n);
  return out;
}

/** Fill ratio of a bar, 0..1 (0 without a limit). */
export function ratio(value: number, limit: number | null): number {
  if (limit === null || limit <= 0) return 0;
  return Math.max(0, Math.min(1, value / limit));
}

export type PushStatus = ProfilePush['status'] | 'none';

export function pushStatus(push: ProfilePush | undefined): PushStatus {
  return push?.status ?? 'none';
}

// --- Smart charging UI (issue 4): composite-schedule check state and what-if comparison ---

export type ScheduleCheckStatus = 'matches' | 'lower' | 'exceeds' | 'unsupported';
export interface ScheduleCheckView {
  status: ScheduleCheckStatus;
  limit: number | null;
}

/**
 * The composite-schedule check of a push (the main process adds `schedule` to the push state
 * once it has read the station's schedule back); null while not checked yet.
 */
export function scheduleCheck(push: unknown): ScheduleCheckView | null {
  if (!isObj(push) || !isObj(push.schedule)) return null;
  const status = push.schedule.status;
  if (status !== 'matches' && status !== 'lower' && status !== 'exceeds' && status !== 'unsupported') return null;
  return { status, limit: num(push.schedule.limit) };
}

export interface SessionChange {
  sessionId: string;
  stationId: string;
  connectorId: number;
  unit: 'A' | 'W';
  /** null: the session is not in that result. */
  current: SetpointView | null;
  preview: SetpointView | null;
  /** preview value − current value (0 when either is missing). */
  delta: number;
}

export interface NodeChange {
  nodeId: string;
  limitW: number | null;
  currentW: number;
  previewW: number;
  /** Highest per-phase allocation against that phase's limit, current and preview (A). */
  limitA: number | null;
  currentA: number;
  previewA: number;
}

/** What a what-if changes: per session current → preview setpoint, per node allocated load vs limit. */
export function comparePreview(current: AllocationView, preview: AllocationView): { sessions: SessionChange[]; nodes: NodeChange[] } {
  const before = new Map(current.setpoints.map((s) => [s.sessionId, s]));
  const after = new Map(preview.setpoints.map((s) => [s.sessionId, s]));
  const ids = [...new Set([...before.keys(), ...after.keys()])];
  const sessions = ids.map((id): SessionChange => {
    const c = before.get(id) ?? null;
    const p = after.get(id) ?? null;
    const any = (p ?? c) as SetpointView;
    return { sessionId: id, stationId: any.stationId, connectorId: any.connectorId, unit: any.unit, current: c, preview: p, delta: c && p ? p.value - c.value : 0 };
  });
  sessions.sort((a, b) => a.stationId.localeCompare(b.stationId) || a.connectorId - b.connectorId);
  const beforeNodes = new Map(current.nodes.map((n) => [n.nodeId, n]));
  const nodes = treeOrder(preview.nodes).map((p): NodeChange => {
    const c = beforeNodes.get(p.nodeId);
    const limits = p.limitA.filter((x): x is number => x !== null);
    return {
      nodeId: p.nodeId,
      limitW: p.limitW,
      currentW: c?.allocatedW ?? 0,
      previewW: p.allocatedW,
      limitA: limits.length > 0 ? Math.min(...limits) : null,
      currentA: c ? Math.max(...c.allocatedA) : 0,
      previewA: Math.max(...p.allocatedA),
    };
  });
  return { sessions, nodes };
}
