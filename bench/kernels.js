/**
 * Kernel micro-benchmarks: the WebAssembly kernels against the pure-TypeScript ones, both f32,
 * on the shapes of R1's big layer, 784 inputs → 196 units (W is 196 × 784).
 *
 * A batch is rows × features (one sample per row), so backprop through that layer runs three
 * matrix products, each with its own operand layout:
 *   forward          Z (batch × 196)  = A (batch × 784) · Wᵀ        gemm(false, true,  batch, 196, 784)
 *   backward         dA (batch × 784) = dZ (batch × 196) · W         gemm(false, false, batch, 784, 196)
 *   weight gradient  dW (196 × 784)   = dZᵀ (196 × batch) · A        gemm(true,  false, 196, 784, batch)
 * At batch 1 the weight gradient is an outer product (a rank-1 update): 2·196·784 flops over
 * 196·784 outputs, so it is bound by writing dW, not by arithmetic.
 *
 * Both backends get identical inputs, and their outputs are compared before anything is timed:
 * a fast kernel that computes the wrong thing must not make it into a table.
 */
import { Bench } from 'tinybench';
import { Activation } from '../dist/backend/kernels.js';
import { summarize } from './stats.js';

export const IN = 784;
export const UNITS = 196;
/** The largest batch of any case: every operand is allocated for it, smaller batches use its leading rows. */
const MAX_BATCH = 256;
/** Activation benchmarks run on a hidden-layer batch: 256 samples × 196 units. */
export const ACT_ROWS = 256;

/** The three products of backprop through the 784 → 196 layer; `flops` = 2·m·n·k. */
function gemmCase(kind, batch) {
  const shapes = {
    forward: { label: 'forward Z = A·Wᵀ', transA: false, transB: true, m: batch, n: UNITS, k: IN, a: 'X', b: 'W', c: 'Z' },
    backward: { label: 'backward dA = dZ·W', transA: false, transB: false, m: batch, n: IN, k: UNITS, a: 'dZ', b: 'W', c: 'dX' },
    weightGrad: { label: 'weight gradient dW = dZᵀ·A', transA: true, transB: false, m: UNITS, n: IN, k: batch, a: 'dZ', b: 'X', c: 'dW' },
  };
  const s = shapes[kind];
  return { id: `${kind}@${batch}`, kind, batch, ...s, flops: 2 * s.m * s.n * s.k };
}

export const GEMM_CASES = [32, 256].flatMap((b) => ['forward', 'backward', 'weightGrad'].map((k) => gemmCase(k, b)));
/** The dW outer product: batch 1 is new; batch 32 is the same call as in GEMM_CASES (measured once). */
export const OUTER_CASES = [gemmCase('weightGrad', 1), gemmCase('weightGrad', 32)];

export const ACT_CASES = [
  { id: 'sigmoid', label: 'sigmoid forward A = σ(Z)', run: (k, o) => k.activate(Activation.Sigmoid, o.Zs, o.As, ACT_ROWS, UNITS, 0), out: 'As' },
  {
    id: 'sigmoidBackward',
    label: "sigmoid backward dZ = dA ⊙ σ′(Z)",
    run: (k, o) => k.activateBackward(Activation.Sigmoid, o.Zs, o.As, o.dAs, o.dZs, ACT_ROWS, UNITS, 0),
    out: 'dZs',
  },
  { id: 'relu', label: 'relu forward A = max(Z, 0)', run: (k, o) => k.activate(Activation.Relu, o.Zs, o.Rs, ACT_ROWS, UNITS, 0), out: 'Rs' },
];

/** A small seeded generator (mulberry32), so that every run and both backends see the same numbers. */
function uniform(seed) {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  };
}

/** Input contents, generated once and copied into both backends. */
function inputs() {
  const rnd = uniform(1);
  const fill = (n, lo, hi) => Float32Array.from({ length: n }, () => rnd(lo, hi));
  const sigma = (z) => 1 / (1 + Math.exp(-z));
  const Zs = fill(ACT_ROWS * UNITS, -6, 6);
  return {
    X: fill(MAX_BATCH * IN, 0, 1), // pixels
    W: fill(UNITS * IN, -0.08, 0.08), // about Glorot's range for 784 → 196
    dZ: fill(MAX_BATCH * UNITS, -0.01, 0.01),
    Zs,
    As: Float32Array.from(Zs, sigma),
    dAs: fill(ACT_ROWS * UNITS, -1, 1),
  };
}

/** Every operand, allocated in backend `k` and filled from `src`; outputs start at zero. */
function operands(k, src) {
  const sizes = {
    X: MAX_BATCH * IN,
    W: UNITS * IN,
    Z: MAX_BATCH * UNITS,
    dZ: MAX_BATCH * UNITS,
    dX: MAX_BATCH * IN,
    dW: UNITS * IN,
    Zs: ACT_ROWS * UNITS,
    As: ACT_ROWS * UNITS,
    dAs: ACT_ROWS * UNITS,
    dZs: ACT_ROWS * UNITS,
    Rs: ACT_ROWS * UNITS,
  };
  const o = {};
  for (const [name, n] of Object.entries(sizes)) o[name] = k.alloc(n);
  // Views are valid until the next alloc (wasm memory may grow), so fill only after allocating all.
  for (const name of Object.keys(src)) k.view(o[name]).set(src[name]);
  return o;
}

const runGemm = (k, o, c) => k.gemm(c.transA, c.transB, c.m, c.n, c.k, o[c.a], o[c.b], o[c.c], false);

/** Largest |wasm − ts| over the output, relative to the largest |ts|. */
function relError(a, b, n) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}

/**
 * Runs every case once on both backends and compares the outputs. Returns the worst relative
 * error; throws when a wasm result is plainly wrong (f32 sums of ≤ 784 terms agree far better).
 */
function crossCheck(backends) {
  const [w, t] = backends;
  let worst = 0;
  const check = (what, out, n) => {
    const e = relError(w.k.view(w.o[out]), t.k.view(t.o[out]), n);
    if (!(e < 1e-4)) throw new Error(`bench: wasm and TS disagree on ${what}: max relative difference ${e}`);
    worst = Math.max(worst, e);
  };
  for (const c of [...GEMM_CASES, ...OUTER_CASES]) {
    for (const b of backends) runGemm(b.k, b.o, c);
    check(`${c.label} at batch ${c.batch}`, c.c, c.m * c.n);
  }
  for (const c of ACT_CASES) {
    for (const b of backends) c.run(b.k, b.o);
    check(c.label, c.out, ACT_ROWS * UNITS);
  }
  return worst;
}

/**
 * Measures every case on both backends. `backends` is [{ name, k }] with wasm first.
 * Returns { gemm, outer, act, checkError }, each case with a summary per backend name.
 */
export async function benchKernels(backends, options) {
  const src = inputs();
  const bs = backends.map((b) => ({ ...b, o: operands(b.k, src) }));
  const checkError = crossCheck(bs);

  const measure = async (name, cases, run) => {
    const bench = new Bench({ name, throws: true, ...options });
    // Interleaved per case (wasm, TS, next case…) so that a slow drift of the machine hits both alike.
    for (const c of cases) for (const b of bs) bench.add(`${c.id} ${b.name}`, () => run(b, c), { async: false });
    await bench.run();
    return cases.map((c) => ({ ...c, time: Object.fromEntries(bs.map((b) => [b.name, summarize(bench.getTask(`${c.id} ${b.name}`))])) }));
  };

  const gemmAll = await measure('gemm', [...GEMM_CASES, OUTER_CASES[0]], (b, c) => runGemm(b.k, b.o, c));
  const byId = new Map(gemmAll.map((r) => [r.id, r]));
  const act = await measure('activations', ACT_CASES, (b, c) => c.run(b.k, b.o));
  return {
    gemm: GEMM_CASES.map((c) => byId.get(c.id)),
    outer: OUTER_CASES.map((c) => byId.get(c.id)),
    act,
    checkError,
  };
}
