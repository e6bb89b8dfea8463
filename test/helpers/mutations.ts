/**
 * Damaged copies of a real file for the file fuzz test (test/fuzz-files.test.ts): truncations and
 * byte flips, drawn from a seed, each with a description that reproduces it.
 */
import { Random } from '../../src/index.js';

export interface Mutation {
  /** What was done, for messages: "truncated to 17 of 2210 bytes", "bytes 3 0x1f→0x9c, …". */
  what: string;
  bytes: Uint8Array;
}

/**
 * `count` damaged copies of `original`: half truncations (the empty file, the first bytes, and
 * random lengths: a header cut short, a body cut mid-record), half copies with 1, 2, 3 or 8 bytes
 * replaced by random ones (never by themselves).
 */
export function mutations(original: Uint8Array, count: number, seed: number): Mutation[] {
  const rng = new Random(seed);
  const out: Mutation[] = [];
  const n = original.length;
  for (const length of [0, 1, 2, 3, 4, 8, 15, 16, n - 1]) {
    if (length < n) out.push({ what: `truncated to ${length} of ${n} bytes`, bytes: original.slice(0, length) });
  }
  while (out.length < count / 2) {
    const length = rng.int(n);
    out.push({ what: `truncated to ${length} of ${n} bytes`, bytes: original.slice(0, length) });
  }
  while (out.length < count) {
    const bytes = original.slice();
    const changes: string[] = [];
    const flips = [1, 2, 3, 8][rng.int(4)];
    for (let k = 0; k < flips; k++) {
      // Headers are where most checks live: a quarter of the flips land in the first 32 bytes.
      const at = rng.int(4) === 0 ? rng.int(Math.min(32, n)) : rng.int(n);
      const to = (bytes[at] + 1 + rng.int(255)) & 0xff;
      changes.push(`${at} 0x${bytes[at].toString(16)}→0x${to.toString(16)}`);
      bytes[at] = to;
    }
    out.push({ what: `bytes ${changes.join(', ')}`, bytes });
  }
  return out;
}
