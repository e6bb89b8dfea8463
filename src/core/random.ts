/**
 * A small seeded generator (sfc32) so that a seed reproduces weights, shuffles and splits
 * exactly on every platform; Math.random cannot be seeded.
 */
/** Where `advance` leaves its output. */
const OUT = 4;

export class Random {
  /**
   * The four words a, b, c, d of sfc32, then its last output. Kept in a typed array: a 32-bit
   * value in an object field is a heap number, and every draw would allocate.
   */
  private readonly s = new Uint32Array(5);

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Random: seed must be a finite number, got ${seed}`);
    // splitmix32 spreads a small integer seed over all four words of state.
    let s = Math.trunc(seed) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The generator's position, for saving (restore it with `setState`). */
  state(): [number, number, number, number] {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  /** True when `state` could have come from `state()`: four unsigned 32-bit integers. */
  static isState(state: unknown): state is [number, number, number, number] {
    return Array.isArray(state) && state.length === 4 && state.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32);
  }

  /** Continues from a position returned by `state()`. */
  setState(state: readonly number[]): void {
    if (!Random.isState(state)) {
      throw new RangeError(`Random.setState: expected four unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    this.s.set(state);
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  uint32(): number {
    this.advance();
    return this.s[OUT];
  }

  /** One step of sfc32; its output is left in s[OUT] (a returned 32-bit value can be a new heap number). */
  private advance(): void {
    const s = this.s;
    const a = s[0],
      b = s[1],
      c = s[2],
      d = s[3];
    const t = (a + b + d) >>> 0;
    s[3] = d + 1;
    s[0] = b ^ (b >>> 9);
    s[1] = c + (c << 3);
    s[2] = ((c << 21) | (c >>> 11)) + t;
    s[OUT] = t;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Shuffles `a` in place (Fisher–Yates) and returns it. Draws what `int(i + 1)` would, without allocating. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    const s = this.s;
    for (let i = a.length - 1; i > 0; i--) {
      this.advance();
      const hi = s[OUT] >>> 5;
      this.advance();
      const lo = s[OUT] >>> 6;
      const j = Math.floor(((hi * 67108864 + lo) / 9007199254740992) * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
