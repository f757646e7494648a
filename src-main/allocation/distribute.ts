// The three ways of splitting the rows' capacity among the loads of a Problem (model.ts).
// Pure functions over typed arrays: they run on every control cycle for up to 10,000 connectors.
//
// All three keep every row within its capacity and give each load 0 or a value in [lo, hi] on
// its step grid. They differ in who gets what:
// - weighted: least laxity first by urgency bands (model.ts urgencyBand): band by band, most
//   urgent first, the band's minimums are admitted by urgency and its share is weighted max-min
//   fair (water-filling) over every row at once, from what the bands before it left; then
//   everything is rounded to the steps and topped up until no load can take one more step;
// - equal share: minimums admitted first come first served, then every load gets the same share
//   of each row's remaining capacity (the tightest row deciding), no redistribution;
// - first come, first served: each load in arrival order takes all it can.
// In all three, idle loads (vehicles that draw nothing) are served last, with their minimum at most.
import { EPS, floorToStep, type Problem } from './model.ts';
import { stableSortByKey } from './sort.ts';

export interface Distribution {
  /** Setpoint of each load, in its control unit, on its step grid. */
  value: Float64Array;
  /** For a load paused because its minimum did not fit: the row that refused it; else -1. */
  blockedBy: Int32Array;
}

/** Load indices 0..count-1, in index (that is session-id) order. */
function allLoads(count: number): Int32Array {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  return order;
}

/** First come first served, then by index (loads are in session-id order). */
function arrivalOrder(p: Problem): Int32Array {
  return stableSortByKey(allLoads(p.loadCount), p.startedAt);
}

/** Capacity left on every row once the loads hold `value`. */
export function rowSlack(p: Problem, value: Float64Array): Float64Array {
  const slack = Float64Array.from(p.rowCap);
  for (let i = 0; i < p.loadCount; i++) {
    const v = value[i] as number;
    if (v === 0) continue;
    for (let k = p.start[i] as number; k < (p.end[i] as number); k++) {
      const r = p.row[k] as number;
      slack[r] = (slack[r] as number) - v * (p.coef[k] as number);
    }
  }
  return slack;
}

/** The row (the tightest) where `amount` of load i does not fit, -1 when it fits everywhere. */
function refusingRow(p: Problem, i: number, amount: number, slack: Float64Array): number {
  let refusing = -1;
  let tightest = Infinity;
  for (let k = p.start[i] as number; k < (p.end[i] as number); k++) {
    const r = p.row[k] as number;
    const room = (slack[r] as number) / (p.coef[k] as number);
    if (room < amount - EPS && room < tightest) {
      tightest = room;
      refusing = r;
    }
  }
  return refusing;
}

/** Puts `amount` of load i on its rows. */
function take(p: Problem, i: number, amount: number, slack: Float64Array): void {
  if (amount === 0) return;
  for (let k = p.start[i] as number; k < (p.end[i] as number); k++) {
    const r = p.row[k] as number;
    slack[r] = (slack[r] as number) - amount * (p.coef[k] as number);
  }
}

/**
 * Idle loads (vehicles drawing nothing) come last: in arrival order each keeps its minimum if it
 * still fits once the others are served, so that it can resume; otherwise it is paused and its
 * power goes to those who draw.
 */
function grantIdleMinimums(p: Problem, value: Float64Array, blockedBy: Int32Array): void {
  let any = false;
  for (let i = 0; i < p.loadCount && !any; i++) any = p.idle[i] === 1;
  if (!any) return;
  const slack = rowSlack(p, value);
  for (const i of arrivalOrder(p)) {
    if (!p.idle[i]) continue;
    const hi = p.hi[i] as number;
    const refusing = refusingRow(p, i, hi, slack);
    if (refusing >= 0 || hi <= 0) {
      blockedBy[i] = refusing;
      continue;
    }
    value[i] = hi;
    take(p, i, hi, slack);
  }
}

/**
 * Grants minimums in `order` while they fit on every row; the others are paused, remembering
 * the row that refused them. Returns the admitted loads (in `order`) and leaves `value` at the
 * minimums and `slack` at what is left.
 */
function admitMinimums(p: Problem, order: Int32Array, value: Float64Array, blockedBy: Int32Array, slack: Float64Array): Int32Array {
  const admitted = new Int32Array(p.loadCount);
  let count = 0;
  for (const i of order) {
    if (p.idle[i]) continue;
    const lo = p.lo[i] as number;
    const refusing = refusingRow(p, i, lo, slack);
    if (refusing >= 0) {
      blockedBy[i] = refusing;
      continue;
    }
    value[i] = lo;
    take(p, i, lo, slack);
    admitted[count++] = i;
  }
  return admitted.subarray(0, count);
}

// ---------------------------------------------------------------------------------------------
// Weighted max-min fairness
// ---------------------------------------------------------------------------------------------

/**
 * The priority-and-urgency strategy. Bands: a session with little laxity (time it can still wait
 * and yet get its need by its departure) is served before one with hours of it gets even its
 * minimum: power held back from a car with slack can be given to it later, power not given to
 * one leaving soon is lost (the replayed day in bench/ measures it). Within a band, admission:
 * when not every minimum fits, the most urgent (the highest weight: priority class × urgency,
 * see planSession in model.ts) keep theirs. Share: progressive
 * filling: a common level t rises, every load sits at clamp(weight·t, lo, hi); a load stops
 * when it reaches its cap or when a row it uses is full. The result is the weighted max-min
 * fair point of the polytope: no load can get more without taking from one whose weighted
 * share is not larger. Equal weights give equal grid power (fair among equals).
 */
export function distributeWeighted(p: Problem): Distribution {
  const n = p.loadCount;
  const value = new Float64Array(n);
  const blockedBy = new Int32Array(n).fill(-1);
  // Most urgent first; among equals, first come first (two stable sorts: the last key leads).
  const order = stableSortByKey(stableSortByKey(arrivalOrder(p), p.admissionKey, true), p.band, true);
  const slack = Float64Array.from(p.rowCap);
  const level = new Float64Array(n);
  const admittedAll = new Int32Array(n);
  let admittedCount = 0;
  // Band by band, most urgent first: a band's minimums, then its share, from what the bands
  // before it left; a less urgent band only gets its minimums from what remains.
  for (let from = 0; from < order.length; ) {
    let to = from + 1;
    while (to < order.length && p.band[order[to] as number] === p.band[order[from] as number]) to++;
    const members = admitMinimums(p, order.subarray(from, to), value, blockedBy, slack);
    waterFill(p, members, slack, level);
    for (const i of members) {
      take(p, i, (level[i] as number) - (p.lo[i] as number), slack);
      admittedAll[admittedCount++] = i;
    }
    from = to;
  }
  const admitted = admittedAll.subarray(0, admittedCount);
  roundAndTopUp(p, admitted, level, value);
  admitAfterRounding(p, order, value, blockedBy);
  grantIdleMinimums(p, value, blockedBy);
  return { value, blockedBy };
}

/**
 * A minimum refused while the more urgent bands held fractions of a step that the rounding then
 * freed (a 6 A minimum against 5.996 A left): in the same order, each such load gets its
 * minimum if it fits now, and every further step that fits — power no admitted load can take.
 */
function admitAfterRounding(p: Problem, order: Int32Array, value: Float64Array, blockedBy: Int32Array): void {
  let any = false;
  for (const i of order) if (blockedBy[i] !== -1 && !p.idle[i]) any = true;
  if (!any) return;
  const slack = rowSlack(p, value);
  for (const i of order) {
    if (p.idle[i] || blockedBy[i] === -1) continue;
    const lo = p.lo[i] as number;
    if (refusingRow(p, i, lo, slack) >= 0) continue;
    take(p, i, lo, slack);
    const st = p.step[i] as number;
    let steps = Math.floor(((p.hi[i] as number) - lo) / st + EPS);
    for (let k = p.start[i] as number; k < (p.end[i] as number) && steps > 0; k++) {
      steps = Math.min(steps, Math.floor(((slack[p.row[k] as number] as number) + EPS) / ((p.coef[k] as number) * st) + EPS));
    }
    const more = Math.max(0, steps) * st;
    take(p, i, more, slack);
    value[i] = Math.max(lo, floorToStep(lo + more, st));
    blockedBy[i] = -1;
  }
}


const FROZEN = 0;
const WAITING = 1; // weight·t still below its minimum: holds lo, does not load its rows more
const RISING = 2;

/**
 * Progressive filling, event by event. Between events every row's remaining capacity falls
 * linearly with slope σ = Σ coef·weight over its rising loads, so the next event is the earliest
 * of: a waiting load starting to rise (t = lo/w), a rising load reaching its cap (t = hi/w), a
 * row running out (t = tRef + R/σ). Each load freezes once and each row fills once, and a load's
 * rows are touched only when it changes state: O((loads·depth + rows)·log) instead of
 * re-solving per event.
 */
function waterFill(p: Problem, admitted: Int32Array, slack: Float64Array, level: Float64Array): void {
  const { lo, hi, weight: w, start, end, row, coef, rowCount } = p;
  const state = new Uint8Array(p.loadCount);
  // Rows → their admitted loads (transpose of the admitted part of the load → rows matrix).
  const rowStart = new Int32Array(rowCount + 1);
  for (const i of admitted) for (let k = start[i] as number; k < (end[i] as number); k++) {
      const r = (row[k] as number) + 1;
      rowStart[r] = (rowStart[r] as number) + 1;
    }
  for (let r = 0; r < rowCount; r++) rowStart[r + 1] = (rowStart[r + 1] as number) + (rowStart[r] as number);
  const rowLoads = new Int32Array(rowStart[rowCount] as number);
  const cursor = rowStart.slice(0, rowCount);
  for (const i of admitted) {
    for (let k = start[i] as number; k < (end[i] as number); k++) {
      const r = row[k] as number;
      rowLoads[cursor[r] as number] = i;
      cursor[r] = (cursor[r] as number) + 1;
    }
  }

  const remaining = Float64Array.from(slack); // at time tRef[r]
  const tRef = new Float64Array(rowCount);
  const sigma = new Float64Array(rowCount);
  const risingCount = new Int32Array(rowCount);
  const full = new Uint8Array(rowCount);
  const queue = new FillQueue(rowCount);

  const advance = (r: number, t: number) => {
    remaining[r] = (remaining[r] as number) - (sigma[r] as number) * (t - (tRef[r] as number));
    tRef[r] = t;
  };
  const reschedule = (r: number, t: number) => {
    if ((sigma[r] as number) > 0) queue.set(r, t + Math.max(0, remaining[r] as number) / (sigma[r] as number));
    else queue.remove(r);
  };
  const changeSlope = (i: number, t: number, rising: boolean) => {
    const wi = w[i] as number;
    for (let k = start[i] as number; k < (end[i] as number); k++) {
      const r = row[k] as number;
      if (full[r]) continue;
      advance(r, t);
      if (rising) {
        risingCount[r] = (risingCount[r] as number) + 1;
        sigma[r] = (sigma[r] as number) + (coef[k] as number) * wi;
      } else {
        risingCount[r] = (risingCount[r] as number) - 1;
        // Reset exactly when nothing rises any more, so float residue schedules no ghost event.
        sigma[r] = risingCount[r] === 0 ? 0 : Math.max(0, (sigma[r] as number) - (coef[k] as number) * wi);
      }
      reschedule(r, t);
    }
  };

  let active = 0;
  let starterCount = 0;
  const startersAll = new Int32Array(admitted.length);
  const cappersAll = new Int32Array(admitted.length);
  for (const i of admitted) {
    level[i] = lo[i] as number;
    if ((hi[i] as number) <= (lo[i] as number) + EPS) continue; // already at its cap
    cappersAll[active++] = i;
    if ((lo[i] as number) <= 0) {
      state[i] = RISING;
      changeSlope(i, 0, true);
    } else {
      state[i] = WAITING;
      startersAll[starterCount++] = i;
    }
  }
  // Event times of every load, computed once: t = lo/w when it starts rising, hi/w at its cap.
  const startAt = new Float64Array(p.loadCount);
  const capAt = new Float64Array(p.loadCount);
  for (const i of admitted) {
    startAt[i] = (lo[i] as number) / (w[i] as number);
    capAt[i] = (hi[i] as number) / (w[i] as number);
  }
  // Ties keep the admission order (itself deterministic), as everywhere below.
  const starters = stableSortByKey(startersAll.subarray(0, starterCount), startAt);
  const cappers = stableSortByKey(cappersAll.subarray(0, active), capAt);

  const freeze = (i: number, t: number, atValue: number) => {
    const wasRising = state[i] === RISING;
    state[i] = FROZEN;
    level[i] = atValue;
    active--;
    if (wasRising) changeSlope(i, t, false);
  };

  let t = 0;
  let si = 0;
  let ci = 0;
  while (active > 0) {
    while (si < starters.length && state[starters[si] as number] !== WAITING) si++;
    while (ci < cappers.length && state[cappers[ci] as number] === FROZEN) ci++;
    const tStart = si < starters.length ? (startAt[starters[si] as number] as number) : Infinity;
    const tCap = ci < cappers.length ? (capAt[cappers[ci] as number] as number) : Infinity;
    const tRow = queue.empty ? Infinity : queue.topTime();
    if (tRow === Infinity && tStart === Infinity && tCap === Infinity) break;
    // Ties: a row filling wins (it freezes the loads that would start or cap at that instant).
    if (tRow <= tStart && tRow <= tCap) {
      const r = queue.topRow();
      queue.remove(r);
      t = Math.max(t, tRow);
      advance(r, t);
      full[r] = 1;
      for (let k = rowStart[r] as number; k < (rowStart[r + 1] as number); k++) {
        const i = rowLoads[k] as number;
        if (state[i] === WAITING) freeze(i, t, lo[i] as number);
        else if (state[i] === RISING) freeze(i, t, Math.min(hi[i] as number, Math.max(lo[i] as number, (w[i] as number) * t)));
      }
    } else if (tStart <= tCap) {
      const i = starters[si++] as number;
      t = Math.max(t, tStart);
      state[i] = RISING;
      changeSlope(i, t, true);
    } else {
      const i = cappers[ci++] as number;
      t = Math.max(t, tCap);
      freeze(i, t, hi[i] as number);
    }
  }
}

/**
 * Indexed binary min-heap of rows by the time they fill (ties by row index, for determinism).
 * Each row is in it at most once and its key is changed in place: no garbage per event, which
 * matters at 100,000+ slope changes per allocation.
 */
class FillQueue {
  private readonly rows: Int32Array;
  private readonly time: Float64Array;
  private readonly pos: Int32Array;
  private size = 0;
  constructor(rowCount: number) {
    this.rows = new Int32Array(rowCount);
    this.time = new Float64Array(rowCount);
    this.pos = new Int32Array(rowCount).fill(-1);
  }
  get empty(): boolean {
    return this.size === 0;
  }
  topRow(): number {
    return this.rows[0] as number;
  }
  topTime(): number {
    return this.time[this.rows[0] as number] as number;
  }
  /** Schedules row r to fill at `time` (inserting or moving it). */
  set(r: number, time: number): void {
    const at = this.pos[r] as number;
    if (at < 0) {
      this.time[r] = time;
      this.place(r, this.size++);
      this.up(this.size - 1);
      return;
    }
    const earlier = time < (this.time[r] as number);
    this.time[r] = time;
    if (earlier) this.up(at);
    else this.down(at);
  }
  remove(r: number): void {
    const at = this.pos[r] as number;
    if (at < 0) return;
    this.pos[r] = -1;
    const last = this.rows[--this.size] as number;
    if (at === this.size) return;
    this.place(last, at);
    this.up(at);
    this.down(this.pos[last] as number);
  }
  private before(a: number, b: number): boolean {
    const ta = this.time[a] as number;
    const tb = this.time[b] as number;
    return ta < tb || (ta === tb && a < b);
  }
  private place(r: number, at: number): void {
    this.rows[at] = r;
    this.pos[r] = at;
  }
  private up(at: number): void {
    const r = this.rows[at] as number;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const pr = this.rows[parent] as number;
      if (!this.before(r, pr)) break;
      this.place(pr, at);
      at = parent;
    }
    this.place(r, at);
  }
  private down(at: number): void {
    const r = this.rows[at] as number;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.size) break;
      const right = left + 1;
      let child = left;
      if (right < this.size && this.before(this.rows[right] as number, this.rows[left] as number)) child = right;
      const cr = this.rows[child] as number;
      if (!this.before(cr, r)) break;
      this.place(cr, at);
      at = child;
    }
    this.place(r, at);
  }
}

/**
 * Stations take values on a step grid. Rounding every fair level down is always safe (rows only
 * lose load) but leaves up to a step per load unused, so: (1) the loads that lost the most to
 * rounding get one step back while it fits (fair restitution), then (2) in weight order each
 * load takes as many steps as still fit. After (2) no admitted load can take one more step: the
 * headroom left anywhere is less than one step of any load that could use it.
 */
function roundAndTopUp(p: Problem, admitted: Int32Array, level: Float64Array, value: Float64Array): void {
  const { hi, step, start, end, row, coef } = p;
  for (const i of admitted) value[i] = floorToStep(level[i] as number, step[i] as number);
  const slack = rowSlack(p, value);
  const fits = (i: number, amount: number) => {
    for (let k = start[i] as number; k < (end[i] as number); k++) {
      if ((slack[row[k] as number] as number) < amount * (coef[k] as number) - EPS) return false;
    }
    return true;
  };
  const add = (i: number, amount: number) => {
    value[i] = floorToStep((value[i] as number) + amount, step[i] as number);
    for (let k = start[i] as number; k < (end[i] as number); k++) {
      const r = row[k] as number;
      slack[r] = (slack[r] as number) - amount * (coef[k] as number);
    }
  };

  const loss = new Float64Array(p.loadCount);
  const lostAll = new Int32Array(admitted.length);
  let lostCount = 0;
  for (const i of admitted) {
    loss[i] = ((level[i] as number) - (value[i] as number)) / (step[i] as number);
    if ((loss[i] as number) > 1e-6 && (value[i] as number) + (step[i] as number) <= (hi[i] as number) + EPS) lostAll[lostCount++] = i;
  }
  const wW = p.weightW;
  const lost = stableSortByKey(stableSortByKey(stableSortByKey(lostAll.subarray(0, lostCount), wW, true), loss, true), p.band, true);
  for (const i of lost) if (fits(i, step[i] as number)) add(i, step[i] as number);

  const byWeight = stableSortByKey(stableSortByKey(admitted.slice(), wW, true), p.band, true);
  for (const i of byWeight) {
    const st = step[i] as number;
    let steps = Math.floor(((hi[i] as number) - (value[i] as number)) / st + EPS);
    if (steps <= 0) continue;
    for (let k = start[i] as number; k < (end[i] as number) && steps > 0; k++) {
      steps = Math.min(steps, Math.floor(((slack[row[k] as number] as number) + EPS) / ((coef[k] as number) * st) + EPS));
    }
    if (steps > 0) add(i, steps * st);
  }
}

// ---------------------------------------------------------------------------------------------
// Baselines
// ---------------------------------------------------------------------------------------------

/**
 * Equal share (the usual "limit ÷ number of cars" load balancing): minimums first come first
 * served; then each row's remaining capacity is split equally among the loads on it and each
 * load gets the smallest of its shares, capped at its own maximum. What a capped load does not
 * take is not given to others.
 */
export function distributeEqually(p: Problem): Distribution {
  const value = new Float64Array(p.loadCount);
  const blockedBy = new Int32Array(p.loadCount).fill(-1);
  const slack = Float64Array.from(p.rowCap);
  const admitted = admitMinimums(p, arrivalOrder(p), value, blockedBy, slack);
  const users = new Int32Array(p.rowCount);
  for (const i of admitted) for (let k = p.start[i] as number; k < (p.end[i] as number); k++) {
      const r = p.row[k] as number;
      users[r] = (users[r] as number) + 1;
    }
  for (const i of admitted) {
    let extra = Infinity;
    for (let k = p.start[i] as number; k < (p.end[i] as number); k++) {
      const r = p.row[k] as number;
      extra = Math.min(extra, Math.max(0, slack[r] as number) / ((users[r] as number) * (p.coef[k] as number)));
    }
    value[i] = floorToStep(Math.min(p.hi[i] as number, (value[i] as number) + extra), p.step[i] as number);
  }
  grantIdleMinimums(p, value, blockedBy);
  return { value, blockedBy };
}

/** First come, first served: in arrival order each load takes all it can; below its minimum it is paused. */
export function distributeFirstComeFirstServed(p: Problem): Distribution {
  const value = new Float64Array(p.loadCount);
  const blockedBy = new Int32Array(p.loadCount).fill(-1);
  const slack = Float64Array.from(p.rowCap);
  for (const i of arrivalOrder(p)) {
    if (p.idle[i]) continue;
    let room = p.hi[i] as number;
    let tightest = -1;
    const end = p.end[i] as number;
    for (let k = p.start[i] as number; k < end; k++) {
      const r = p.row[k] as number;
      const can = (slack[r] as number) / (p.coef[k] as number);
      if (can < room) {
        room = can;
        tightest = r;
      }
    }
    const v = floorToStep(Math.max(0, room), p.step[i] as number);
    if (v < (p.lo[i] as number) - EPS || v <= 0) {
      blockedBy[i] = tightest;
      continue;
    }
    value[i] = v;
    take(p, i, v, slack);
  }
  grantIdleMinimums(p, value, blockedBy);
  return { value, blockedBy };
}
