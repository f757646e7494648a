// Stable ordering of load indices by a numeric key, in O(n): the engine sorts its 10,000 loads
// five or six times per allocation (admission order, event times, rounding restitution), and a
// comparator sort costs n·log n calls into JavaScript each time.
//
// Radix sort on the bits of the doubles: a finite double, with its sign bit flipped (and every
// bit flipped when negative), orders as an unsigned 64-bit integer exactly as the number does.
// Least-significant digit first, 11 bits at a time, stable, so a second sort on another key
// keeps the first one's order among ties (and ties never depend on anything but the index).

const SMALL = 64;
const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;

// Which half of a double is its high word on this machine (little-endian: the second).
const HIGH = new Uint32Array(Float64Array.of(1).buffer)[1] === 0x3ff00000 ? 1 : 0;
const LOW = 1 - HIGH;

interface Workspace {
  size: number;
  bits: Float64Array;
  words: Uint32Array;
  hi: Uint32Array;
  lo: Uint32Array;
  dst: Int32Array;
  hiDst: Uint32Array;
  loDst: Uint32Array;
  count: Int32Array;
}
let shared: Workspace | null = null;

/**
 * Scratch arrays reused from call to call (grown when needed): allocating a quarter of a
 * megabyte of buffers per sort costs more than the sort. Safe because sorting is synchronous
 * and each worker thread has its own module instance.
 */
function workspace(n: number): Workspace {
  if (shared && shared.size >= n) return shared;
  const size = Math.max(n, 2 * (shared?.size ?? 0));
  const bits = new Float64Array(size);
  shared = {
    size,
    bits,
    words: new Uint32Array(bits.buffer),
    hi: new Uint32Array(size),
    lo: new Uint32Array(size),
    dst: new Int32Array(size),
    hiDst: new Uint32Array(size),
    loDst: new Uint32Array(size),
    count: new Int32Array(RADIX),
  };
  return shared;
}

/** Sorts `items` in place by keys[item], stable; descending puts the largest key first. */
export function stableSortByKey(items: Int32Array, keys: Float64Array, descending = false): Int32Array {
  const n = items.length;
  // Already in order (often: sessions arrive in id order, shares follow urgency): nothing to do.
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    const a = keys[items[i - 1] as number] as number;
    const b = keys[items[i] as number] as number;
    sorted = descending ? a >= b : a <= b;
  }
  if (sorted) return items;
  if (n < SMALL) {
    // Insertion sort: stable, and cheaper than the radix passes for a handful of items.
    for (let i = 1; i < n; i++) {
      const item = items[i] as number;
      const key = keys[item] as number;
      let j = i - 1;
      while (j >= 0 && (descending ? (keys[items[j] as number] as number) < key : (keys[items[j] as number] as number) > key)) {
        items[j + 1] = items[j] as number;
        j--;
      }
      items[j + 1] = item;
    }
    return items;
  }
  const w = workspace(n);
  // The keys' bits, in the items' current order: two 32-bit words per key.
  const bits = w.bits;
  for (let i = 0; i < n; i++) bits[i] = (keys[items[i] as number] as number) + 0; // + 0 turns -0 into 0
  const words = w.words;
  let hi = w.hi;
  let lo = w.lo;
  for (let i = 0; i < n; i++) {
    let h = words[2 * i + HIGH] as number;
    let l = words[2 * i + LOW] as number;
    if (h >= 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    if (descending) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    }
    hi[i] = h;
    lo[i] = l;
  }
  let src: Int32Array = items;
  let dst: Int32Array = w.dst;
  let hiDst = w.hiDst;
  let loDst = w.loDst;
  const count = w.count;
  // Six passes: bits 0-10, 11-21, 22-31 of the low word, then of the high word.
  for (let pass = 0; pass < 6; pass++) {
    const digits = pass < 3 ? lo : hi;
    const shift = (pass % 3) * BITS;
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const d = ((digits[i] as number) >>> shift) & MASK;
      count[d] = (count[d] as number) + 1;
    }
    // A digit shared by every item changes nothing: skip the pass (common for the top bits).
    if (count[((digits[0] as number) >>> shift) & MASK] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = count[d] as number;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const d = ((digits[i] as number) >>> shift) & MASK;
      const at = count[d] as number;
      count[d] = at + 1;
      dst[at] = src[i] as number;
      hiDst[at] = hi[i] as number;
      loDst[at] = lo[i] as number;
    }
    const items2 = src;
    src = dst;
    dst = items2;
    const hi2 = hi;
    hi = hiDst;
    hiDst = hi2;
    const lo2 = lo;
    lo = loDst;
    loDst = lo2;
  }
  if (src !== items) items.set(src.subarray(0, n));
  return items;
}
