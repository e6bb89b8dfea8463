/**
 * Matrix products, float32, one thread: this library's kernels (each wasm build and the pure-TS
 * backend) against TensorFlow.js (`tf.matMul(a, b, transposeA, transposeB)` on its cpu and wasm
 * backends), on the same inputs.
 *
 * A batch is rows × features (one sample per row), so backprop through R1's big layer, 784 inputs
 * → 196 units (W is 196 × 784), runs three products, each with its own operand layout:
 *   forward          Z (batch × 196)  = A (batch × 784) · Wᵀ        gemm(false, true,  batch, 196, 784)
 *   backward         dA (batch × 784) = dZ (batch × 196) · W         gemm(false, false, batch, 784, 196)
 *   weight gradient  dW (196 × 784)   = dZᵀ (196 × batch) · A        gemm(true,  false, 196, 784, batch)
 * plus the same three transpose variants on square 512 × 512 operands, and the batch-1 weight
 * gradient (an outer product, bound by writing dW rather than by arithmetic).
 *
 * Every implementation's output is compared with the TS backend's before anything is timed: a
 * fast kernel that computes the wrong thing must not make it into a table.
 */
import { Bench } from 'tinybench';
import { mulberry32 } from './seeded.js';
import { summarize } from './stats.js';
import { useBackend } from './tfjs.js';

const IN = 784;
const UNITS = 196;
const CUBE = 512;

/** A product C (m × n) = op(A) · op(B); A is stored k × m when transposed, B n × k. */
function gemmCase(id, group, label, transA, transB, m, n, k, batch) {
  return { id, group, label, batch, transA, transB, m, n, k, flops: 2 * m * n * k };
}

function r1Case(kind, batch) {
  const at = `${kind}@${batch}`;
  if (kind === 'forward') return gemmCase(at, 'r1', 'forward Z = A·Wᵀ', false, true, batch, UNITS, IN, batch);
  if (kind === 'backward') return gemmCase(at, 'r1', 'backward dA = dZ·W', false, false, batch, IN, UNITS, batch);
  return gemmCase(at, 'r1', 'weight gradient dW = dZᵀ·A', true, false, UNITS, IN, batch, batch);
}

export const GEMM_CASES = [
  ...[32, 256].flatMap((b) => ['forward', 'backward', 'weightGrad'].map((kind) => r1Case(kind, b))),
  gemmCase('cube NN', 'cube', 'C = A·B', false, false, CUBE, CUBE, CUBE, null),
  gemmCase('cube NT', 'cube', 'C = A·Bᵀ', false, true, CUBE, CUBE, CUBE, null),
  gemmCase('cube TN', 'cube', 'C = Aᵀ·B', true, false, CUBE, CUBE, CUBE, null),
  { ...r1Case('weightGrad', 1), group: 'outer' },
];

/** How each operand is stored: [rows, cols]. */
const shapeA = (c) => (c.transA ? [c.k, c.m] : [c.m, c.k]);
const shapeB = (c) => (c.transB ? [c.n, c.k] : [c.k, c.n]);

/** Inputs for every case, uniform in [−1, 1), generated once and copied into each implementation. */
function inputs(cases) {
  const rnd = mulberry32(1);
  const fill = ([r, c]) => Float32Array.from({ length: r * c }, () => 2 * rnd() - 1);
  return new Map(cases.map((c) => [c.id, { a: fill(shapeA(c)), b: fill(shapeB(c)) }]));
}

/** This library's kernels (a wasm build or the TS backend) behind the common benchmark interface. */
export function ourGemm(name, kernels) {
  const ops = new Map();
  return {
    name,
    setup(cases, src) {
      for (const c of cases)
        ops.set(c.id, { a: kernels.alloc(src.get(c.id).a.length), b: kernels.alloc(src.get(c.id).b.length), c: kernels.alloc(c.m * c.n) });
      // Views are valid until the next alloc (wasm memory may grow), so fill only after allocating all.
      for (const c of cases) {
        kernels.view(ops.get(c.id).a).set(src.get(c.id).a);
        kernels.view(ops.get(c.id).b).set(src.get(c.id).b);
      }
    },
    run(c) {
      const o = ops.get(c.id);
      kernels.gemm(c.transA, c.transB, c.m, c.n, c.k, o.a, o.b, o.c, false);
    },
    output(c) {
      this.run(c);
      return Float32Array.from(kernels.view(ops.get(c.id).c));
    },
    before: async () => {},
    dispose: () => kernels.dispose(),
  };
}

/** tf.matMul on one tfjs backend; each call makes (and here disposes) a new output tensor, as tfjs always does. */
export function tfjsGemm(name, tf, backend) {
  const tensors = new Map();
  return {
    name,
    async setup(cases, src) {
      await useBackend(tf, backend);
      for (const c of cases) tensors.set(c.id, { a: tf.tensor2d(src.get(c.id).a, shapeA(c)), b: tf.tensor2d(src.get(c.id).b, shapeB(c)) });
    },
    run(c) {
      const t = tensors.get(c.id);
      tf.matMul(t.a, t.b, c.transA, c.transB).dispose();
    },
    output(c) {
      const t = tensors.get(c.id);
      const r = tf.matMul(t.a, t.b, c.transA, c.transB);
      const data = r.dataSync().slice();
      r.dispose();
      return data;
    },
    before: () => useBackend(tf, backend),
    dispose: () => {
      for (const t of tensors.values()) tf.dispose([t.a, t.b]);
    },
  };
}

/** Largest |x − ref| over the output, relative to the largest |ref|. */
function relError(x, ref) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / (scale || 1);
}

/**
 * Checks every implementation against the reference (the one named `reference`) on every case.
 * Returns the worst relative error; throws on a plainly wrong result (f32 sums of ≤ 784 terms of
 * magnitude ≤ 1 agree far better than 1e-4).
 */
async function crossCheck(impls, cases, reference) {
  const ref = impls.find((i) => i.name === reference) ?? impls[0];
  let worst = 0;
  for (const c of cases) {
    await ref.before();
    const want = ref.output(c);
    for (const impl of impls) {
      if (impl === ref) continue;
      await impl.before();
      const got = impl.output(c);
      const e = got.length === want.length ? relError(got, want) : Infinity;
      if (!(e < 1e-4))
        throw new Error(`bench: ${impl.name} and ${ref.name} disagree on ${c.label} (${c.id}): max relative difference ${e}`);
      worst = Math.max(worst, e);
    }
  }
  return worst;
}

/**
 * Times every case on every implementation: tinybench, interleaved per case (impl 1, impl 2, …,
 * next case) so that a slow drift of the machine hits all alike. Returns { cases: [{ ...case,
 * time: { [impl name]: summary } }], checkError }.
 */
export async function benchGemm(impls, options, { cases = GEMM_CASES, reference = 'TS' } = {}) {
  const src = inputs(cases);
  for (const impl of impls) await impl.setup(cases, src);
  const checkError = await crossCheck(impls, cases, reference);
  const bench = new Bench({ name: 'gemm', throws: true, ...options });
  for (const c of cases) {
    for (const impl of impls) bench.add(`${c.id} | ${impl.name}`, () => impl.run(c), { async: false, beforeAll: () => impl.before() });
  }
  await bench.run();
  const results = cases.map((c) => ({
    ...c,
    time: Object.fromEntries(impls.map((i) => [i.name, summarize(bench.getTask(`${c.id} | ${i.name}`))])),
  }));
  for (const impl of impls) impl.dispose();
  return { cases: results, checkError };
}
