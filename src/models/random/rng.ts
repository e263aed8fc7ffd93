/**
 * Seeded pseudo-random generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 2021, https://prng.di.unimi.it/xoshiro128starstar.c).
 *
 * 128 bits of state in four 32-bit words, period 2^128 - 1, passes BigCrush. It uses only 32-bit
 * integer operations (Math.imul, shifts), which V8 keeps unboxed, so it is several times faster
 * than a 64-bit generator emulated with BigInt. The seed is expanded with splitmix32 so that nearby
 * integer seeds give unrelated streams.
 *
 * Every model takes an `Rng` argument; nothing in the pure core calls Math.random.
 */

/** A source of uniform random bits. */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextU32(): number;
  /** Uniform float in [0, 1) with 32 bits of resolution (the fast path used by samplers). */
  nextFloat(): number;
}

/** Serialisable generator state: the four 32-bit words as unsigned integers. */
export type RngState = readonly [number, number, number, number];

const TWO_POW_MINUS_32 = 2.3283064365386963e-10;
const TWO_POW_MINUS_53 = 1.1102230246251565e-16;

/** splitmix32 step (32-bit finaliser from C. Wellons' hash-prospector), used only for seeding. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z ^= z >>> 16;
  z = Math.imul(z, 0x21f0aaad);
  z ^= z >>> 15;
  z = Math.imul(z, 0x735a2d97);
  z ^= z >>> 15;
  return z >>> 0;
}

export class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(s0: number, s1: number, s2: number, s3: number) {
    if ((s0 | s1 | s2 | s3) === 0) throw new Error("xoshiro128** state must not be all zero");
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** Generator seeded from any safe integer (negative and > 2^32 seeds are fine). */
  static fromSeed(seed: number): Xoshiro128 {
    if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`);
    const hi = Math.floor(seed / 4294967296) | 0;
    const st = { s: (seed | 0) ^ Math.imul(hi, 0x85ebca6b) };
    const a = splitmix32(st);
    const b = splitmix32(st);
    const c = splitmix32(st);
    const d = splitmix32(st);
    return (a | b | c | d) === 0 ? new Xoshiro128(1, 0, 0, 0) : new Xoshiro128(a, b, c, d);
  }

  /** Generator restored exactly from `state()`. */
  static fromState(state: RngState): Xoshiro128 {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new Error(`rng state must be four unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    return new Xoshiro128(state[0], state[1], state[2], state[3]);
  }

  state(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  nextFloat(): number {
    return this.nextU32() * TWO_POW_MINUS_32;
  }

  /** Uniform float in [0, 1) with the full 53-bit double resolution (two draws). */
  nextDouble(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_MINUS_53;
  }

  /**
   * Advance by 2^64 steps (the reference `jump()`), giving a non-overlapping sub-stream.
   * Used by `fork` so that parallel workers or per-arm streams never share numbers.
   */
  jump(): void {
    const JUMP = [0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b];
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (const word of JUMP) {
      for (let bit = 0; bit < 32; bit++) {
        if ((word >>> bit) & 1) {
          a ^= this.s0;
          b ^= this.s1;
          c ^= this.s2;
          d ^= this.s3;
        }
        this.nextU32();
      }
    }
    this.s0 = a;
    this.s1 = b;
    this.s2 = c;
    this.s3 = d;
  }

  /** A new generator 2^64 steps ahead; this generator is jumped too, so successive forks differ. */
  fork(): Xoshiro128 {
    this.jump();
    return new Xoshiro128(this.s0, this.s1, this.s2, this.s3);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Convenience: a seeded generator. */
export function createRng(seed: number): Xoshiro128 {
  return Xoshiro128.fromSeed(seed);
}

/** Uniform float in the open interval (0, 1): safe to pass to log(). */
export function uniformOpen(rng: Rng): number {
  return (rng.nextU32() + 0.5) * TWO_POW_MINUS_32;
}

/** Uniform float in [lo, hi). */
export function uniform(rng: Rng, lo = 0, hi = 1): number {
  return lo + (hi - lo) * rng.nextFloat();
}

/** Uniform integer in [0, n) without modulo bias (Lemire's rejection on the 32-bit product). */
export function uniformInt(rng: Rng, n: number): number {
  if (!Number.isInteger(n) || n <= 0 || n > 0x100000000)
    throw new Error(`n must be an integer in [1, 2^32], got ${n}`);
  const threshold = 0x100000000 % n;
  for (;;) {
    const x = rng.nextU32();
    const product = x * n; // exact: < 2^64 is not representable, but < 2^53 when n <= 2^21
    if (n <= 0x200000) {
      const low = product % 0x100000000;
      if (low >= threshold) return Math.floor(product / 0x100000000);
    } else {
      // Large n: fall back to simple rejection on the top of the range.
      const limit = 0x100000000 - threshold;
      if (x < limit) return x % n;
    }
  }
}

/** Exponential with the given rate (mean 1/rate), by inversion. */
export function exponential(rng: Rng, rate = 1): number {
  if (!(rate > 0)) throw new Error(`exponential rate must be > 0, got ${rate}`);
  return -Math.log(uniformOpen(rng)) / rate;
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = uniformInt(rng, i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}
