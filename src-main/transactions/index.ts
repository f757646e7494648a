// Transaction lifecycle, meter samples, energy and SoC, with idempotent persistence:
// the same start or stop reported twice (retries, offline replay) is stored once.
import type { MeterSample, Transaction } from '../../src-shared/domain/index.ts';
import type { Archive } from '../archive/index.ts';
import type { DomainBus } from '../bus/index.ts';
import type { LiveMeter, StationRegistry } from '../stations/index.ts';

/** One sampled value, already normalised to base units by the OCPP adapter. */
export interface MeterReading {
  timestamp: string;
  measurand: string;
  phase: string | null;
  value: number;
  unit: string;
  context: string | null;
}

export interface TransactionStart {
  stationId: string;
  evseId: number;
  connectorId: number;
  idTag: string | null;
  startedAt: string;
  meterStartWh: number | null;
  /** The station's transaction id (2.0.1); null when we assign it (1.6). */
  ocppTransactionId: string | null;
  /** What makes a retried start recognisable (1.6: connector, idTag, time, meter). */
  startKey: string;
  socStart?: number | null;
  /** The reservation the station says this start uses (1.6 StartTransaction / 2.0.1 TransactionEvent reservationId). */
  reservationId?: number | null;
}

export interface TransactionEnd {
  stoppedAt: string;
  meterStopWh: number | null;
  reason: string;
}

const ENERGY = 'Energy.Active.Import.Register';

/** Converts a value with a unit and a power-of-ten multiplier to W, Wh, A, V or %. */
export function toBaseUnit(value: number, unit: string | undefined, multiplier = 0): { value: number; unit: string } {
  const scaled = value * 10 ** multiplier;
  switch (unit) {
    case 'kWh':
      return { value: scaled * 1000, unit: 'Wh' };
    case 'kW':
      return { value: scaled * 1000, unit: 'W' };
    case 'kvarh':
      return { value: scaled * 1000, unit: 'varh' };
    case 'kvar':
      return { value: scaled * 1000, unit: 'var' };
    case 'Celcius':
    case 'Celsius':
      return { value: scaled, unit: 'Celsius' };
    default:
      return { value: scaled, unit: unit ?? '' };
  }
}

/** Summarises readings into the live values a connector shows. */
export function liveValues(readings: MeterReading[]): LiveMeter {
  const live: LiveMeter = {};
  const current: [number | null, number | null, number | null] = [null, null, null];
  let hasCurrent = false;
  for (const r of readings) {
    if (r.measurand === ENERGY && (r.phase === null || r.phase === '')) live.energyWh = r.value;
    else if (r.measurand === 'Power.Active.Import' && (r.phase === null || r.phase === '')) live.powerW = r.value;
    else if (r.measurand === 'SoC') live.soc = r.value;
    else if (r.measurand === 'Current.Import') {
      const index: number = r.phase?.startsWith('L1') ? 0 : r.phase?.startsWith('L2') ? 1 : r.phase?.startsWith('L3') ? 2 : r.phase ? -1 : 0;
      if (index >= 0) {
        (current as Array<number | null>)[index] = r.value;
        hasCurrent = true;
      }
    }
  }
  if (hasCurrent) live.currentA = current;
  return live;
}

export interface TransactionServiceOptions {
  /** Open transactions silent longer than this while their station is offline are closed, hours. */
  staleTransactionHours: number;
  /** How often the running totals of open transactions are written, ms (default 2,000). */
  summaryIntervalMs?: number;
}

interface PendingSummary {
  transaction: Transaction;
  energyWh: number | null;
  /** First SoC of the window: becomes the transaction's start SoC if it has none. */
  firstSoc: number | null;
  soc: number | null;
  meterStartWh: number | null;
  /** When the first unwritten change arrived (performance.now()): due `summaryIntervalMs` later. */
  since: number;
}

/**
 * Granularity of the running-total writes: due totals are written in slices this far apart,
 * so thousands of open transactions are written a few hundred at a time instead of all in one
 * event-loop turn every interval (which stalled every reply for ~100 ms at 10,000 stations).
 */
const SUMMARY_SLICE_MS = 100;

export class TransactionService {
  private readonly archive: Archive;
  private readonly bus: DomainBus;
  private readonly registry: StationRegistry;
  private readonly options: TransactionServiceOptions;
  private readonly summaries = new Map<number, PendingSummary>();
  private summaryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(archive: Archive, bus: DomainBus, registry: StationRegistry, options: TransactionServiceOptions) {
    this.archive = archive;
    this.bus = bus;
    this.registry = registry;
    this.options = { ...options };
    for (const t of archive.openTransactions()) registry.transactionChanged(t.stationId, t.evseId, t.connectorId, t.id, t.idTag);
  }

  /** Stores a start; resolves after commit with the (possibly already stored) transaction. */
  async start(s: TransactionStart): Promise<Transaction> {
    const receivedAt = new Date().toISOString();
    const { transaction, created } = await this.archive.insertTransaction({
      stationId: s.stationId,
      ocppTransactionId: s.ocppTransactionId,
      startKey: s.startKey,
      evseId: s.evseId,
      connectorId: s.connectorId,
      idTag: s.idTag,
      startedAt: s.startedAt,
      meterStartWh: s.meterStartWh,
      socStart: s.socStart ?? null,
      receivedAt,
    });
    if (created && transaction.stoppedAt === null) {
      this.registry.transactionChanged(s.stationId, s.evseId, s.connectorId, transaction.id, transaction.idTag);
      this.bus.publish(s.reservationId == null ? { type: 'transaction', transaction } : { type: 'transaction', transaction, reservationId: s.reservationId });
    }
    return transaction;
  }

  byOcppId(stationId: string, ocppTransactionId: string): Transaction | null {
    return this.archive.transactionByOcppId(stationId, ocppTransactionId);
  }

  byId(id: number): Transaction | null {
    return this.archive.transactionById(id);
  }

  /**
   * Finished transactions of a badge or of a station that started before `before` (ISO time),
   * newest first, at most `limit`: the history smart charging learns stays and energies from.
   */
  finishedBefore(q: { idTag?: string; stationId?: string; before: string; limit: number }): Transaction[] {
    return this.archive.queryTransactions({
      ...(q.idTag !== undefined ? { idTag: q.idTag } : {}),
      ...(q.stationId !== undefined ? { stationId: q.stationId } : {}),
      to: q.before,
      open: false,
      sort: 'startedAt',
      direction: 'desc',
      limit: q.limit,
    }).items;
  }

  /**
   * Stores meter readings (in or out of a transaction); resolves once the samples are
   * committed. The transaction row's running totals (energy, SoC, last update) are derived
   * from those samples and written coalesced, at most every `summaryIntervalMs` per
   * transaction and always before its stop, so a busy park does not rewrite each row (and
   * its indexes) on every MeterValues.
   */
  async meterValues(
    stationId: string,
    evseId: number,
    connectorId: number,
    transaction: Transaction | null,
    readings: MeterReading[],
  ): Promise<void> {
    if (readings.length === 0) return;
    const samples: MeterSample[] = readings.map((r) => ({
      stationId,
      evseId,
      connectorId,
      transactionId: transaction?.id ?? null,
      timestamp: r.timestamp,
      measurand: r.measurand,
      phase: r.phase,
      value: r.value,
      unit: r.unit,
      context: r.context,
    }));
    await this.archive.insertSamples(samples);
    const live = liveValues(readings);
    // Values that arrive after the transaction ended are archived but change nothing else.
    if (transaction && transaction.stoppedAt !== null) return;
    this.registry.meter(stationId, evseId, connectorId, live);
    if (!transaction) return;
    const pending = this.summaries.get(transaction.id) ?? { transaction, energyWh: null, soc: null, firstSoc: null, meterStartWh: null, since: performance.now() };
    const meterStartWh = transaction.meterStartWh ?? pending.meterStartWh ?? live.energyWh ?? null;
    if (live.energyWh !== undefined && meterStartWh !== null) pending.energyWh = live.energyWh - meterStartWh;
    if (live.soc !== undefined) {
      pending.firstSoc ??= live.soc;
      pending.soc = live.soc;
    }
    if (transaction.meterStartWh === null && pending.meterStartWh === null && live.energyWh !== undefined) pending.meterStartWh = live.energyWh;
    this.summaries.set(transaction.id, pending);
    this.scheduleSummaries();
  }

  /** Arms the timer for the oldest pending running total (the map is in order of first change). */
  private scheduleSummaries(): void {
    if (this.summaryTimer || this.closed) return;
    const oldest = this.summaries.values().next().value;
    if (!oldest) return;
    const due = oldest.since + (this.options.summaryIntervalMs ?? 2000) - performance.now();
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = null;
      // A failed write is kept and retried next round; the archive reports its own outage.
      this.flushSummaries('due').catch(() => undefined);
    }, Math.max(due, SUMMARY_SLICE_MS));
  }

  /**
   * Writes the coalesced running totals of open transactions and publishes them: all of them
   * (no argument), one transaction's (before its stop), or those whose interval has passed.
   */
  async flushSummaries(only?: number | 'due'): Promise<void> {
    let ids: number[];
    if (only === 'due') {
      const limit = performance.now() - (this.options.summaryIntervalMs ?? 2000) + SUMMARY_SLICE_MS;
      ids = [];
      for (const [id, p] of this.summaries) {
        if (p.since > limit) break;
        ids.push(id);
      }
    } else if (only === undefined) ids = [...this.summaries.keys()];
    else ids = this.summaries.has(only) ? [only] : [];
    const receivedAt = new Date().toISOString();
    const pendings = ids.map((id) => this.summaries.get(id) as PendingSummary);
    for (const id of ids) this.summaries.delete(id);
    const results = await Promise.allSettled(
      pendings.map((p, i) => this.archive.updateTransaction(ids[i] as number, { energyWh: p.energyWh, soc: p.soc, socStart: p.firstSoc, meterStartWh: p.meterStartWh }, receivedAt)),
    );
    let failure: unknown = null;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        if (r.value.stoppedAt === null) this.bus.publish({ type: 'transaction', transaction: r.value });
        return;
      }
      // Not written (archive unavailable): kept for the next round, merged with newer values.
      failure ??= r.reason;
      const id = ids[i] as number;
      const p = pendings[i] as PendingSummary;
      const newer = this.summaries.get(id);
      if (newer) {
        newer.firstSoc = p.firstSoc ?? newer.firstSoc;
        newer.meterStartWh ??= p.meterStartWh;
      } else this.summaries.set(id, { ...p, since: performance.now() });
    });
    if (!this.closed) this.scheduleSummaries();
    if (failure !== null) throw failure;
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = null;
    return this.flushSummaries();
  }

  async setIdTag(transaction: Transaction, idTag: string): Promise<Transaction> {
    const t = await this.archive.updateTransaction(transaction.id, { idTag }, new Date().toISOString());
    this.registry.transactionChanged(t.stationId, t.evseId, t.connectorId, t.stoppedAt === null ? t.id : null, t.idTag);
    this.bus.publish({ type: 'transaction', transaction: t });
    return t;
  }

  /** Closes a transaction once; a repeated stop returns the stored result unchanged. */
  async stop(transaction: Transaction, end: TransactionEnd, lastReadings: MeterReading[] = []): Promise<Transaction> {
    // The pending running totals are written at once into the open batch (the archive runs a
    // write when it is called), so the row read below has them and the stop joins the same
    // group commit: one commit before the reply, not two.
    const summary = this.flushSummaries(transaction.id);
    const latest = this.archive.transactionById(transaction.id) ?? transaction;
    transaction = latest;
    const live = liveValues(lastReadings);
    const meterStopWh = end.meterStopWh ?? live.energyWh ?? null;
    const energyWh =
      meterStopWh !== null && transaction.meterStartWh !== null ? Math.max(0, meterStopWh - transaction.meterStartWh) : transaction.energyWh;
    const [, { transaction: stored, changed }] = await Promise.all([
      summary,
      this.archive.stopTransaction(
        transaction.id,
        { stoppedAt: end.stoppedAt, meterStopWh, energyWh, socEnd: live.soc ?? transaction.socEnd, stopReason: end.reason },
        new Date().toISOString(),
      ),
    ]);
    if (changed) {
      this.registry.transactionChanged(stored.stationId, stored.evseId, stored.connectorId, null, null);
      this.bus.publish({ type: 'transaction', transaction: stored });
    }
    return stored;
  }

  /** A new project version's limit (Project → Settings): the next stale round uses it. */
  setStaleTransactionHours(hours: number): void {
    if (Number.isFinite(hours) && hours > 0) this.options.staleTransactionHours = hours;
  }

  /**
   * The stale rule (README "Transactions whose station went away"): a transaction with no
   * message for `staleTransactionHours` while its station is offline is closed with reason
   * StationLost at its last update and its last known energy.
   */
  async closeStale(now = new Date()): Promise<Transaction[]> {
    const limit = new Date(now.getTime() - this.options.staleTransactionHours * 3_600_000).toISOString();
    const closed: Transaction[] = [];
    for (const t of this.archive.staleTransactions(limit)) {
      if (this.registry.get(t.stationId)?.connected) continue;
      const meterStopWh = t.meterStartWh !== null && t.energyWh !== null ? t.meterStartWh + t.energyWh : null;
      closed.push(await this.stop(t, { stoppedAt: t.lastUpdateAt, meterStopWh, reason: 'StationLost' }));
    }
    return closed;
  }
}
