// The smart-charging controller: the thin shell around the pure engine. It builds the
// electrical tree from the project, the sessions and measurements from live station state,
// runs the engine on every relevant event (debounced) and on a period, checks the result
// with the independent verifier, and pushes each changed setpoint as a TxProfile.
import type { Logger } from 'pino';
import type { CommandResult, DomainEvent, StationCommand } from '../../src-shared/domain/index.ts';
import type { OperatorNeeds, SessionNeedsView } from '../../src-shared/api/index.ts';
import type { BadgeCategory, ProjectFile, StationDeclaration } from '../../src-shared/project/index.ts';
import type { DomainBus } from '../bus/index.ts';
import type { StationRegistry } from '../stations/index.ts';
import type { TransactionService } from '../transactions/index.ts';
import { allocate } from './engine.ts';
import { indexHistory, sessionEstimate, type PastSession } from './history.ts';
import { compositeLimitAt } from './library.ts';
import { categoryWeights, etaAt, resolveNeeds } from './needs.ts';
import { observeVehicleMaxW } from './observe.ts';
import { verifyAllocation } from './verify.ts';
import type {
  AllocationResult,
  AllocationSettings,
  ChargingSession,
  ControlMode,
  ElectricalNode,
  Measurements,
  PhaseTriple,
  SessionMeasurement,
  Setpoint,
  StaggeredStartSettings,
  Station,
} from './types.ts';

export type CommandRunner = (stationId: string, command: StationCommand, operator: string) => Promise<CommandResult>;

export const SMART_CHARGING_OPERATOR = 'smart charging';

/** A command about a session the controller does not allocate (no running transaction in its groups). */
export class SessionNotControlledError extends Error {
  constructor(transactionId: number) {
    super(`transaction ${transactionId} is not a running session under smart charging`);
    this.name = 'SessionNotControlledError';
  }
}
const VOLTAGE_V = 230;
/** Past sessions read per badge and per station for the history estimates (history.ts). */
const HISTORY_PER_BADGE = 20;
const HISTORY_PER_STATION = 200;

export interface ControllerOptions {
  /** Quiet time after an event before the engine runs, ms (events come in bursts). */
  debounceMs?: number;
  /** How long after an accepted push the measured draw must obey it, ms (vehicles ramp down). */
  verifyAfterMs?: number;
  /** The engine also runs this often, for the closed loop on measured power, ms. */
  periodMs?: number;
  /**
   * After an accepted push, ask the station for its composite schedule this much later and
   * check that the limit in force is the one pushed, ms (0 = right away). Stations that do
   * not support GetCompositeSchedule are asked once per connection.
   */
  scheduleCheckAfterMs?: number;
  settings?: AllocationSettings;
  /** The category of a badge the project does not list (operator-managed badges); null = none. */
  categoryOfBadge?: (idTag: string) => string | null;
  /** Operator-entered needs kept across restarts: loaded once, saved on every change. */
  operatorNeedsStore?: { load(): Record<string, OperatorNeeds>; save(needs: Record<string, OperatorNeeds>): void };
  /** What the reservation a session used declared (the driver's departure and energy); null = none. */
  reservationNeedsOf?: (transactionId: number) => { departureAt: string | null; energyWh: number | null } | null;
}

/** What was pushed to a session and what the station said. */
export interface PushState {
  stationId: string;
  /** Measured draw against the accepted limit, once `verifyAfterMs` has passed. */
  compliance?: 'unknown' | 'compliant' | 'nonCompliant';
  value: number;
  unit: 'A' | 'W';
  at: string;
  status: 'pending' | 'accepted' | 'rejected' | 'error';
  detail: string | null;
  /**
   * The station's composite schedule read back after the push: matches (its limit now is the
   * one pushed), lower (another profile limits more: safe), exceeds (it would let the vehicle
   * draw more: flagged), unsupported (no GetCompositeSchedule).
   */
  schedule?: { status: 'matches' | 'lower' | 'exceeds' | 'unsupported'; limit: number | null; at: string };
}

export interface GroupLimit {
  maxW?: number;
  maxAPerPhase?: [number, number, number];
}

export interface GroupView {
  id: string;
  name: string;
  parentId: string | null;
  maxW: number | null;
  maxAPerPhase: [number, number, number] | null;
  mode: ControlMode;
  stationIds: string[];
}

export interface AllocationView {
  at: string | null;
  result: AllocationResult | null;
  /** Per session: the TxProfile last pushed. */
  pushes: Record<string, PushState>;
  /** Per station: the safe TxDefaultProfile sent when it (re)connected. */
  defaults: Record<string, PushState>;
  /** Per session: what is known of its needs and departure, with its ETA at the setpoint. */
  needs: Record<string, SessionNeedsView>;
}

interface GroupConfig {
  id: string;
  name: string;
  parentId: string | null;
  siteId: string;
  limit: GroupLimit;
  mode: ControlMode;
}

/** The engine's view of a declared station (AC per-phase current in A, DC power in W). */
export function stationModel(d: StationDeclaration): Station {
  if (d.kind === 'DC') return { kind: 'DC', id: d.id, connectors: d.connectors, maxW: d.maxPowerW, efficiency: 0.95 };
  const phases = d.phases ?? 3;
  return { kind: 'AC', id: d.id, connectors: d.connectors, phases, maxA: Math.floor(d.maxPowerW / (VOLTAGE_V * phases)), minA: 6, stepA: 1, profileUnit: 'A' };
}

export class AllocationController {
  private readonly registry: StationRegistry;
  private readonly transactions: TransactionService;
  private readonly run: CommandRunner;
  private readonly log: Logger;
  private readonly options: Required<Omit<ControllerOptions, 'settings'>> & { settings: AllocationSettings };
  private readonly groups = new Map<string, GroupConfig>();
  private readonly stationsByGroup = new Map<string, StationDeclaration[]>();
  private sites: Array<{ id: string; name: string }> = [];
  private readonly pushes = new Map<string, PushState>();
  private last: AllocationResult | null = null;
  private lastAt: string | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private readonly period: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private running = false;
  private again = false;
  /** Stations seen connected at the last event, to notice a (re)connection. */
  private readonly online = new Set<string>();
  /** Safe defaults sent, per station, with the station's answer. */
  private readonly defaults = new Map<string, PushState>();
  private readonly publish: (event: DomainEvent) => void;
  /** Operator setpoints per session (transaction id). */
  private readonly manual = new Map<string, { value: number; unit: 'A' | 'W' }>();
  /** Stations that answered GetCompositeSchedule with an error or refusal (until they reconnect). */
  private readonly noCompositeSchedule = new Set<string>();
  private readonly scheduleChecks = new Set<NodeJS.Timeout>();
  /** Per session: what the archive's history expects of it (once, at its first cycle); null = no estimate. */
  private readonly estimates = new Map<string, { energyWh: number; departureAt: number } | null>();
  /** Per session: the vehicle's maximum learned from its draws (observe.ts), meter W. */
  private readonly learnedMaxW = new Map<string, number>();
  /** Badge categories of the running project, and the category of each badge it lists. */
  private readonly categories = new Map<string, BadgeCategory>();
  private readonly badgeCategory = new Map<string, string>();
  /** The categories' priority weights (AllocationSettings.priorityWeights), from the project. */
  private categoryWeights: Record<string, number> = {};
  /** Per session (transaction id): what an operator entered; kept until the transaction ends. */
  private readonly operatorNeeds = new Map<string, OperatorNeeds>();
  /** The sites' time zone (project settings), for categories' departure times of day. */
  private timeZone: string | undefined;
  /** Per session: its badge's category, read once when it is first allocated. */
  private readonly sessionCategory = new Map<string, string | null>();
  /** Per session: needs as of the last allocation, for the UI. */
  private needsView: Record<string, SessionNeedsView> = {};
  /** Bumped by every change the view shows (touch()); the view is rebuilt when it moved. */
  private revision = 0;
  private viewCache: { revision: number; view: AllocationView } | null = null;

  constructor(project: ProjectFile, registry: StationRegistry, transactions: TransactionService, bus: DomainBus, run: CommandRunner, log: Logger, options: ControllerOptions = {}) {
    this.registry = registry;
    this.transactions = transactions;
    this.run = run;
    this.log = log;
    this.options = { debounceMs: 500, periodMs: 15_000, verifyAfterMs: 60_000, scheduleCheckAfterMs: 2_000, settings: {}, categoryOfBadge: () => null, operatorNeedsStore: { load: () => ({}), save: () => undefined }, reservationNeedsOf: () => null, ...options };
    for (const [id, needs] of Object.entries(this.options.operatorNeedsStore.load())) this.operatorNeeds.set(id, needs);
    this.publish = (event) => bus.publish(event);
    this.configure(project);
    this.unsubscribe = bus.subscribe((event) => this.onEvent(event));
    this.period = setInterval(() => void this.allocateNow(), this.options.periodMs);
    this.period.unref();
  }

  /** Takes the electrical tree and stations of `project`; groups that stay keep their mode. */
  private configure(project: ProjectFile): void {
    const modes = new Map([...this.groups.values()].map((g) => [g.id, g.mode]));
    this.groups.clear();
    this.stationsByGroup.clear();
    this.sites = project.sites.map((s) => ({ id: s.id, name: s.name }));
    for (const site of project.sites) {
      for (const g of site.groups) {
        const limit: GroupLimit = { maxW: g.maxPowerW };
        if (g.maxCurrentA) limit.maxAPerPhase = [...g.maxCurrentA] as [number, number, number];
        this.groups.set(g.id, { id: g.id, name: g.name, parentId: g.parent ?? null, siteId: site.id, limit, mode: modes.get(g.id) ?? 'automatic' });
      }
      for (const st of site.stations) this.stationsByGroup.set(st.group, [...(this.stationsByGroup.get(st.group) ?? []), st]);
    }
    this.categories.clear();
    for (const c of project.badgeCategories ?? []) this.categories.set(c.id, c);
    this.categoryWeights = categoryWeights(project.badgeCategories ?? []);
    this.timeZone = project.settings?.timeZone;
    this.badgeCategory.clear();
    for (const b of project.badges ?? []) if (b.category !== undefined) this.badgeCategory.set(b.idTag, b.category);
  }

  /** The engine's settings: the operator's, with the badge categories' priority weights. */
  private settings(): AllocationSettings {
    const settings = this.options.settings;
    return { ...settings, priorityWeights: { ...this.categoryWeights, ...settings.priorityWeights } };
  }

  /**
   * Live apply of a new project version: groups, limits and stations are replaced by the
   * project's (a group limit set by hand gives way to the project's), then the engine runs.
   */
  async reconfigure(project: ProjectFile): Promise<AllocationResult | null> {
    this.configure(project);
    return this.allocateNow();
  }

  private onEvent(event: DomainEvent): void {
    if (event.type === 'station') {
      const { id, connected, registration } = event.station;
      if (connected && registration === 'accepted' && !this.online.has(id)) {
        this.online.add(id);
        this.restore(id);
      } else if (!connected) this.online.delete(id);
    }
    // Plug-in, start, stop, meter changes and stations coming and going all arrive as these; a
    // reservation used by a start brings the driver's departure and energy a commit later.
    const usedReservation = event.type === 'reservation' && event.reservation.status === 'used';
    if (event.type !== 'station' && event.type !== 'transaction' && event.type !== 'stationRemoved' && !usedReservation) return;
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.allocateNow();
    }, this.options.debounceMs);
  }

  /**
   * A station that (re)connects may have rebooted and lost its profiles: send its safe
   * default first, and forget what was pushed to it so the next cycle sends its TxProfiles again.
   */
  private restore(stationId: string): void {
    const declaration = [...this.stationsByGroup.values()].flat().find((d) => d.id === stationId);
    if (!declaration) return;
    for (const [sessionId, push] of this.pushes) if (push.stationId === stationId) this.pushes.delete(sessionId);
    this.noCompositeSchedule.delete(stationId);
    this.touch();
    const safe = this.safeDefault(declaration);
    const state: PushState = { value: safe.limit, unit: safe.unit, at: new Date().toISOString(), status: 'pending', detail: null, stationId };
    this.defaults.set(stationId, state);
    this.run(stationId, { kind: 'setDefaultLimit', limit: safe.limit, unit: safe.unit, phases: safe.phases }, SMART_CHARGING_OPERATOR).then(
      (result) => {
        state.status = result.outcome === 'accepted' ? 'accepted' : result.outcome === 'rejected' ? 'rejected' : 'error';
        state.detail = result.outcome === 'accepted' ? null : result.status;
        this.touch();
      },
      (error: unknown) => {
        state.status = 'error';
        state.detail = error instanceof Error ? error.message : String(error);
        this.touch();
      },
    );
  }

  /**
   * The limit a station keeps when it loses the supervisor: its even share, per connector, of
   * the tightest group limit above it, so that all stations falling back together stay within
   * every limit. AC in A per phase (at least the 6 A minimum is not guaranteed: 0 pauses), DC in W.
   */
  safeDefault(d: StationDeclaration): { limit: number; unit: 'A' | 'W'; phases?: 1 | 2 | 3 } {
    const model = stationModel(d);
    let shareW = Number.POSITIVE_INFINITY;
    let shareA = Number.POSITIVE_INFINITY;
    for (let g = this.groups.get(d.group); g; g = g.parentId ? this.groups.get(g.parentId) : undefined) {
      const connectors = this.connectorsUnder(g.id);
      if (connectors === 0) continue;
      if (g.limit.maxW !== undefined) shareW = Math.min(shareW, g.limit.maxW / connectors);
      if (g.limit.maxAPerPhase) shareA = Math.min(shareA, Math.min(...g.limit.maxAPerPhase) / connectors);
    }
    if (model.kind === 'DC') return { limit: Math.floor(Math.min(model.maxW, shareW * model.efficiency)), unit: 'W' };
    const fromPower = shareW / (VOLTAGE_V * model.phases);
    const amps = Math.floor(Math.min(model.maxA, shareA, fromPower));
    return { limit: amps >= (model.minA ?? 6) ? amps : 0, unit: 'A', phases: model.phases };
  }

  private connectorsUnder(groupId: string): number {
    let count = (this.stationsByGroup.get(groupId) ?? []).reduce((n, s) => n + s.connectors, 0);
    for (const child of this.groups.values()) if (child.parentId === groupId) count += this.connectorsUnder(child.id);
    return count;
  }

  /** The electrical tree: one node per site (no limit of its own), groups under it by parent. */
  tree(overrides?: { limits?: ReadonlyMap<string, GroupLimit>; modes?: ReadonlyMap<string, ControlMode> }): ElectricalNode {
    const nodeOf = (g: GroupConfig): ElectricalNode => {
      const limit = overrides?.limits?.get(g.id) ?? g.limit;
      const node: { -readonly [K in keyof ElectricalNode]: ElectricalNode[K] } = { id: g.id, name: g.name, mode: overrides?.modes?.get(g.id) ?? g.mode };
      if (limit.maxW !== undefined) node.maxW = limit.maxW;
      if (limit.maxAPerPhase) node.maxA = limit.maxAPerPhase as PhaseTriple;
      node.children = [...this.groups.values()].filter((c) => c.parentId === g.id).map(nodeOf);
      node.stations = (this.stationsByGroup.get(g.id) ?? []).map(stationModel);
      return node;
    };
    const siteNodes = this.sites.map((site) => ({
      id: `site:${site.id}`,
      name: site.name,
      children: [...this.groups.values()].filter((g) => g.siteId === site.id && (g.parentId === null || !this.groups.has(g.parentId))).map(nodeOf),
    }));
    return siteNodes.length === 1 ? (siteNodes[0] as ElectricalNode) : { id: 'grid', name: 'Grid', children: siteNodes };
  }

  /** Sessions and measurements from live state: every open transaction of a connected station. */
  private demand(now: number): { sessions: ChargingSession[]; measurements: Measurements; needs: Record<string, Omit<SessionNeedsView, 'etaAt'>> } {
    const sessions: ChargingSession[] = [];
    const needsOf: Record<string, Omit<SessionNeedsView, 'etaAt'>> = {};
    const measured: Record<string, SessionMeasurement> = {};
    const declared = new Map([...this.stationsByGroup.values()].flat().map((d) => [d.id, d]));
    for (const station of this.registry.list()) {
      const declaration = declared.get(station.id);
      if (!station.connected || !declaration) continue;
      for (const c of station.connectors) {
        if (c.transactionId === null) continue;
        const tx = this.transactions.byId(c.transactionId);
        if (!tx || tx.stoppedAt !== null) continue;
        const id = String(c.transactionId);
        const session: ChargingSession = {
          id,
          stationId: station.id,
          connectorId: c.evseId,
          startedAt: Date.parse(tx.startedAt),
          state: c.status === 'SuspendedEV' ? 'vehiclePaused' : c.status === 'Finishing' ? 'finished' : 'charging',
        };
        if (c.soc !== null) session.socPercent = c.soc;
        if (tx.energyWh !== null) session.energyDeliveredWh = tx.energyWh;
        const categoryId = this.categoryOf(id, tx.idTag);
        const resolved = resolveNeeds({
          startedAt: session.startedAt,
          deliveredWh: tx.energyWh,
          socPercent: c.soc,
          operator: this.operatorNeeds.get(id) ?? null,
          // What an ISO 15118 vehicle said (2.0.1 NotifyEVChargingNeeds) wins over any category or estimate.
          vehicle: c.chargingNeeds ?? null,
          reservation: this.options.reservationNeedsOf?.(c.transactionId) ?? null,
          category: categoryId === null ? null : (this.categories.get(categoryId) ?? null),
          history: this.estimateFor(id, station.id, tx.idTag, session.startedAt),
          ...(this.timeZone === undefined ? {} : { timeZone: this.timeZone }),
        });
        Object.assign(session, resolved.session);
        needsOf[id] = resolved.view;
        const needs = c.chargingNeeds;
        const manual = this.manual.get(id);
        if (manual) session.manual = { ...manual };
        sessions.push(session);
        const m: { -readonly [K in keyof SessionMeasurement]: SessionMeasurement[K] } = {};
        if (c.powerW !== null) m.powerW = c.powerW;
        if (c.currentA.every((x) => x !== null)) m.currentA = c.currentA as unknown as PhaseTriple;
        // The limit in force (the last one the station accepted): the closed loop compares the
        // draw with it, and a vehicle drawing clearly less shows its own maximum.
        const push = this.pushes.get(id);
        if (push?.status === 'accepted') m.offered = { value: push.value, unit: push.unit, since: Date.parse(push.at) };
        measured[id] = m;
        const model = stationModel(declaration);
        const learned = observeVehicleMaxW(this.learnedMaxW.get(id), model, m, { now, graceS: this.options.settings.closedLoop?.graceS ?? 60 });
        if (learned !== undefined) this.learnedMaxW.set(id, learned);
        // The vehicle's declared maximum until its draws have shown one.
        const declaredMaxW = needs?.maxPowerW ?? (needs?.maxCurrentA != null && model.kind === 'AC' ? needs.maxCurrentA * VOLTAGE_V * model.phases : null);
        const vehicleMaxW = learned ?? declaredMaxW ?? resolved.categoryVehicleMaxW;
        if (vehicleMaxW !== null) session.vehicleMaxW = vehicleMaxW;
      }
    }
    return { sessions, measurements: { now, sessions: measured }, needs: needsOf };
  }

  /**
   * The category of a session's badge: the archive's (the project's, or the one an operator
   * gave the badge since), else the project's list. Read once per session: a badge moved to
   * another category applies from its next session.
   */
  private categoryOf(sessionId: string, idTag: string | null): string | null {
    const known = this.sessionCategory.get(sessionId);
    if (known !== undefined) return known;
    const category = idTag === null ? null : (this.options.categoryOfBadge(idTag) ?? this.badgeCategory.get(idTag) ?? null);
    this.sessionCategory.set(sessionId, category);
    return category;
  }

  /**
   * What history expects of a session (history.ts): its badge's recent finished sessions and its
   * station's, all started before it, read from the archive once per session.
   */
  private estimateFor(id: string, stationId: string, badge: string | null, startedAt: number): { energyWh: number; departureAt: number } | null {
    const known = this.estimates.get(id);
    if (known !== undefined) return known;
    const before = new Date(startedAt).toISOString();
    const past = new Map<number, PastSession>();
    const add = (list: ReturnType<TransactionService['finishedBefore']>) => {
      for (const t of list) {
        if (t.stoppedAt === null || t.energyWh === null) continue;
        past.set(t.id, { badge: t.idTag, stationId: t.stationId, startedAt: Date.parse(t.startedAt), stoppedAt: Date.parse(t.stoppedAt), energyWh: t.energyWh });
      }
    };
    try {
      if (badge !== null) add(this.transactions.finishedBefore({ idTag: badge, before, limit: HISTORY_PER_BADGE }));
      add(this.transactions.finishedBefore({ stationId, before, limit: HISTORY_PER_STATION }));
    } catch (error) {
      // History is a refinement: without it the session is allocated as one of unknown stay.
      this.log.warn({ err: error, session: id }, 'history of the session could not be read');
    }
    const estimate = sessionEstimate(indexHistory(past.values()), { badge, stationId, startedAt }) ?? null;
    this.estimates.set(id, estimate);
    return estimate;
  }

  /** Runs the engine now and pushes what changed; overlapping calls collapse into one more run. */
  async allocateNow(): Promise<AllocationResult | null> {
    if (this.running) {
      this.again = true;
      return this.last;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await this.cycle();
      } while (this.again);
    } finally {
      this.running = false;
    }
    return this.last;
  }

  private async cycle(): Promise<void> {
    const now = Date.now();
    const tree = this.tree();
    const { sessions, measurements, needs } = this.demand(now);
    this.verify(sessions, measurements, now);
    const result = allocate(tree, sessions, measurements, this.settings());
    // The verifier is independent of the engine: a violation is a bug, and nothing is pushed.
    const violations = verifyAllocation(tree, sessions, measurements, result, this.options.settings.voltageV ?? 230);
    if (violations.length > 0) {
      this.log.error({ violations: violations.slice(0, 5) }, 'allocation violates a limit: not pushed');
      return;
    }
    this.last = result;
    this.lastAt = new Date(now).toISOString();
    const power = new Map(result.setpoints.map((sp) => [sp.sessionId, sp.paused ? 0 : sp.powerW]));
    this.needsView = Object.fromEntries(Object.entries(needs).map(([id, n]) => [id, { ...n, etaAt: etaAt(n.remainingWh, power.get(id) ?? 0, now) }]));
    this.forgetEndedNeeds();
    const live = new Set(sessions.map((s) => s.id));
    for (const id of [...this.pushes.keys()]) if (!live.has(id)) this.pushes.delete(id);
    this.touch();
    for (const id of [...this.manual.keys()]) if (!live.has(id)) this.manual.delete(id);
    for (const id of [...this.estimates.keys()]) if (!live.has(id)) this.estimates.delete(id);
    for (const id of [...this.sessionCategory.keys()]) if (!live.has(id)) this.sessionCategory.delete(id);
    for (const id of [...this.learnedMaxW.keys()]) if (!live.has(id)) this.learnedMaxW.delete(id);
    // A station that does not comply keeps its last accepted limit as the instruction (its
    // measured draw is reserved above); re-pushing its own draw would hide the fault.
    await Promise.all(result.setpoints.filter((sp) => this.pushes.get(sp.sessionId)?.compliance !== 'nonCompliant').map((sp) => this.push(sp)));
  }

  /**
   * Compares each session's measured draw with the limit it accepted, once the vehicle had
   * time to follow. A station that does not comply is flagged (alarm) and its real draw is
   * reserved (as a manual setpoint) so the rest of the site stays within the limits.
   */
  private verify(sessions: ChargingSession[], measurements: Measurements, now: number): void {
    for (const session of sessions) {
      const push = this.pushes.get(session.id);
      const measured = measurements.sessions?.[session.id];
      if (!push || push.status !== 'accepted' || !measured || now - Date.parse(push.at) < this.options.verifyAfterMs) continue;
      const drawn = push.unit === 'A' ? (measured.currentA ? Math.max(...measured.currentA) : undefined) : measured.powerW;
      if (drawn === undefined) continue;
      const tolerance = push.unit === 'A' ? Math.max(1, push.value * 0.1) : Math.max(500, push.value * 0.1);
      const compliant = drawn <= push.value + tolerance;
      const before = push.compliance ?? 'unknown';
      push.compliance = compliant ? 'compliant' : 'nonCompliant';
      if (push.compliance !== before) this.touch();
      if (!compliant) session.manual = { value: drawn, unit: push.unit };
      if ((before === 'nonCompliant') !== !compliant) {
        this.publish({
          type: 'stationNotice',
          stationId: push.stationId,
          notice: {
            kind: 'profileVerification',
            evseId: session.connectorId,
            applied: compliant,
            detail: compliant ? null : `draws ${Math.round(drawn * 10) / 10} ${push.unit} against a limit of ${push.value} ${push.unit}`,
          },
        });
      }
    }
  }

  private async push(sp: Setpoint): Promise<void> {
    const previous = this.pushes.get(sp.sessionId);
    // Unchanged (within one step) and accepted: nothing to send.
    if (previous && previous.unit === sp.unit && Math.abs(previous.value - sp.value) < sp.step && previous.status === 'accepted') return;
    const state: PushState = { value: sp.value, unit: sp.unit, at: new Date().toISOString(), status: 'pending', detail: null, stationId: sp.stationId, compliance: previous?.compliance ?? 'unknown' };
    this.pushes.set(sp.sessionId, state);
    this.touch();
    const command: StationCommand = { kind: 'setChargingLimit', evseId: sp.connectorId, transactionId: Number(sp.sessionId), limit: sp.value, unit: sp.unit, phases: sp.phases };
    try {
      const result = await this.run(sp.stationId, command, SMART_CHARGING_OPERATOR);
      state.status = result.outcome === 'accepted' ? 'accepted' : result.outcome === 'rejected' ? 'rejected' : 'error';
      state.detail = result.outcome === 'accepted' ? null : `${result.status}${result.detail ? `: ${result.detail}` : ''}`;
      if (state.status === 'accepted') this.scheduleCheck(sp, state);
    } catch (error) {
      state.status = 'error';
      state.detail = error instanceof Error ? error.message : String(error);
    }
    this.touch();
  }

  /**
   * Reads the station's composite schedule after an accepted push: an "Accepted" answer does
   * not prove the profile is in force (a wrong stack level, a transaction id mismatch or a
   * firmware bug can leave an older, higher limit active). A limit above the pushed one is
   * flagged like a measured overdraw; its share stays reserved by the measured-power check.
   */
  private scheduleCheck(sp: Setpoint, state: PushState): void {
    if (this.noCompositeSchedule.has(sp.stationId)) {
      state.schedule = { status: 'unsupported', limit: null, at: new Date().toISOString() };
      this.touch();
      return;
    }
    const timer = setTimeout(() => {
      this.scheduleChecks.delete(timer);
      if (this.pushes.get(sp.sessionId) !== state) return; // superseded by a newer push
      this.run(sp.stationId, { kind: 'getCompositeSchedule', evseId: sp.connectorId, durationS: 300, unit: sp.unit }, SMART_CHARGING_OPERATOR).then(
        (result) => this.onSchedule(sp, state, result),
        () => {
          state.schedule = { status: 'unsupported', limit: null, at: new Date().toISOString() };
          this.touch();
        },
      );
    }, this.options.scheduleCheckAfterMs);
    timer.unref();
    this.scheduleChecks.add(timer);
  }

  private onSchedule(sp: Setpoint, state: PushState, result: CommandResult): void {
    const at = new Date().toISOString();
    // Every branch below changes the push state the view shows.
    this.touch();
    if (result.outcome !== 'accepted' || !result.schedule || result.schedule.unit !== sp.unit) {
      // Rejected, NotSupported, or an answer in the other unit (the station could not convert):
      // measured draw stays the check for this station.
      if (result.outcome !== 'accepted' || !result.schedule) this.noCompositeSchedule.add(sp.stationId);
      state.schedule = { status: 'unsupported', limit: null, at };
      return;
    }
    const limit = compositeLimitAt(result.schedule, Date.now());
    const tolerance = sp.unit === 'A' ? 0.5 : 100;
    const status = limit === null ? 'exceeds' : limit > sp.value + tolerance ? 'exceeds' : limit < sp.value - tolerance ? 'lower' : 'matches';
    const before = state.schedule?.status;
    state.schedule = { status, limit, at };
    if (status === 'exceeds' && before !== 'exceeds') {
      state.compliance = 'nonCompliant';
      this.publish({
        type: 'stationNotice',
        stationId: sp.stationId,
        notice: {
          kind: 'profileVerification',
          evseId: sp.connectorId,
          applied: false,
          detail: `composite schedule allows ${limit === null ? 'no limit' : `${limit} ${sp.unit}`} against the ${sp.value} ${sp.unit} pushed`,
        },
      });
    }
  }

  /** Operator setpoint for a session (null = automatic again); applied at once. */
  async setManual(transactionId: number, manual: { value: number; unit: 'A' | 'W' } | null): Promise<{ value: number; unit: 'A' | 'W' } | null> {
    const id = String(transactionId);
    const now = Date.now();
    if (!this.demand(now).sessions.some((s) => s.id === id)) throw new Error(`transaction ${transactionId} is not a running session under smart charging`);
    if (manual) this.manual.set(id, { ...manual });
    else this.manual.delete(id);
    await this.allocateNow();
    return this.manual.get(id) ?? null;
  }

  /**
   * What an operator knows of a running session (departure, energy still needed from now on);
   * both null = back to the vehicle's, category's or history's. Kept until the transaction ends,
   * across restarts; applied at once.
   */
  async setOperatorNeeds(transactionId: number, entry: { departureAt: string | null; energyWh: number | null }, operator: string): Promise<OperatorNeeds | null> {
    const id = String(transactionId);
    const session = this.demand(Date.now()).sessions.find((s) => s.id === id);
    if (!session) throw new SessionNotControlledError(transactionId);
    // Stored first, then applied: an entry the data folder could not keep is not acknowledged.
    const next = new Map(this.operatorNeeds);
    if (entry.departureAt === null && entry.energyWh === null) next.delete(id);
    else {
      next.set(id, {
        departureAt: entry.departureAt === null ? null : new Date(entry.departureAt).toISOString(),
        energyWh: entry.energyWh,
        deliveredWhAtEntry: session.energyDeliveredWh ?? 0,
        setBy: operator,
        setAt: new Date().toISOString(),
      });
    }
    this.options.operatorNeedsStore.save(Object.fromEntries(next));
    this.operatorNeeds.clear();
    for (const [k, v] of next) this.operatorNeeds.set(k, v);
    await this.allocateNow();
    return this.operatorNeeds.get(id) ?? null;
  }

  /** Operator entries of transactions that have ended (not of stations merely offline: they come back). */
  private forgetEndedNeeds(): void {
    let changed = false;
    for (const id of [...this.operatorNeeds.keys()]) {
      const tx = this.transactions.byId(Number(id));
      if (tx && tx.stoppedAt === null) continue;
      this.operatorNeeds.delete(id);
      changed = true;
    }
    if (changed) this.options.operatorNeedsStore.save(Object.fromEntries(this.operatorNeeds));
  }

  manualSetpoints(): Record<string, { value: number; unit: 'A' | 'W' }> {
    return Object.fromEntries(this.manual);
  }

  /**
   * What-if: the allocation with changed limits or modes on the live demand, checked by the
   * verifier, nothing pushed.
   */
  preview(limits: ReadonlyMap<string, GroupLimit>, modes: ReadonlyMap<string, ControlMode>): { result: AllocationResult; current: AllocationResult | null; violations: string[] } {
    for (const id of [...limits.keys(), ...modes.keys()]) if (!this.groups.has(id)) throw new Error(`no group ${id}`);
    const now = Date.now();
    const tree = this.tree({ limits, modes });
    const { sessions, measurements } = this.demand(now);
    const result = allocate(tree, sessions, measurements, this.settings());
    const violations = verifyAllocation(tree, sessions, measurements, result, this.options.settings.voltageV ?? 230).map((v) => `${v.kind}: ${v.detail}`);
    return { result, current: this.last, violations };
  }

  staggeredStart(): StaggeredStartSettings | undefined {
    return this.options.settings.staggeredStart;
  }

  async setStaggeredStart(settings: StaggeredStartSettings): Promise<void> {
    this.options.settings = { ...this.options.settings, staggeredStart: { ...settings } };
    await this.allocateNow();
  }

  /**
   * The allocation as the screens and REST show it. The same object until something in it
   * changes (a cycle, a push answer, a compliance or schedule check): at 10,000 sessions it is
   * megabytes of JSON, serialized once per change and shared by every client (host/index.ts).
   */
  view(): AllocationView {
    if (this.viewCache?.revision === this.revision) return this.viewCache.view;
    const view: AllocationView = { at: this.lastAt, result: this.last, pushes: Object.fromEntries(this.pushes), defaults: Object.fromEntries(this.defaults), needs: this.needsView };
    this.viewCache = { revision: this.revision, view };
    return view;
  }

  /** Something the view shows changed: the next view() is a new object. */
  private touch(): void {
    this.revision++;
  }

  listGroups(): GroupView[] {
    return [...this.groups.values()].map((g) => ({
      id: g.id,
      name: g.name,
      parentId: g.parentId,
      maxW: g.limit.maxW ?? null,
      maxAPerPhase: g.limit.maxAPerPhase ?? null,
      mode: g.mode,
      stationIds: (this.stationsByGroup.get(g.id) ?? []).map((s) => s.id),
    }));
  }

  hasGroup(id: string): boolean {
    return this.groups.has(id);
  }

  /** Applies a new limit at once (the engine runs and pushes before this resolves). */
  async setLimit(groupId: string, limit: GroupLimit): Promise<GroupView> {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`no group ${groupId}`);
    group.limit = { ...limit };
    await this.allocateNow();
    return this.listGroups().find((g) => g.id === groupId) as GroupView;
  }

  async setMode(groupId: string, mode: ControlMode): Promise<GroupView> {
    const group = this.groups.get(groupId);
    if (!group) throw new Error(`no group ${groupId}`);
    group.mode = mode;
    await this.allocateNow();
    return this.listGroups().find((g) => g.id === groupId) as GroupView;
  }

  close(): void {
    if (this.debounce) clearTimeout(this.debounce);
    for (const timer of this.scheduleChecks) clearTimeout(timer);
    this.scheduleChecks.clear();
    clearInterval(this.period);
    this.unsubscribe();
  }
}
