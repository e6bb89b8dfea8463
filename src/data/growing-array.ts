/** Typed storage for values that arrive one at a time, as rows are parsed. */

/** A typed array that grows by doubling as values are pushed (each value is copied about once on average). */
export class GrowingArray<T extends Float64Array | Uint32Array> {
  data: T;
  length = 0;

  constructor(private readonly kind: { new (length: number): T }) {
    this.data = new kind(1024);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new this.kind(2 * this.data.length);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  /** The values pushed, as an array of exactly that length; the buffer is released. */
  take(): T {
    const out = this.length === this.data.length ? this.data : (this.data.slice(0, this.length) as T);
    this.data = new this.kind(0);
    return out;
  }
}
