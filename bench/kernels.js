/**
 * Activation kernels: this library's wasm builds against its pure-TypeScript kernels, f32, on a
 * hidden-layer batch of R1 (256 samples × 196 units). (Matrix products are in gemm.js.)
 *
 * Inputs Z are uniform in [−6, 6] in random order, so about half are negative with no pattern: a
 * kernel that branches on the sign of z pays for mispredictions here, as on a real hidden layer.
 * Every backend's output is compared with the TS backend's before anything is timed.
 */
import { Bench } from 'tinybench';
import { Activation } from '../dist/backend/kernels.js';
import { mulberry32 } from './seeded.js';
import { summarize } from './stats.js';

export const ACT_ROWS = 256;
export const UNITS = 196;
const N = ACT_ROWS * UNITS;

export const ACT_CASES = [
  {
    id: 'sigmoid',
    label: 'sigmoid forward A = σ(Z)',
    run: (k, o) => k.activate(Activation.Sigmoid, o.Z, o.A, ACT_ROWS, UNITS, 0),
    out: 'A',
  },
  {
    id: 'sigmoidBackward',
    label: 'sigmoid backward dZ = dA ⊙ σ′(Z)',
    run: (k, o) => k.activateBackward(Activation.Sigmoid, o.Z, o.A, o.dA, o.dZ, ACT_ROWS, UNITS, 0),
    out: 'dZ',
  },
  { id: 'relu', label: 'relu forward A = max(Z, 0)', run: (k, o) => k.activate(Activation.Relu, o.Z, o.R, ACT_ROWS, UNITS, 0), out: 'R' },
];

function inputs() {
  const rnd = mulberry32(2);
  const Z = Float32Array.from({ length: N }, () => 12 * rnd() - 6);
  return { Z, A: Float32Array.from(Z, (z) => 1 / (1 + Math.exp(-z))), dA: Float32Array.from({ length: N }, () => 2 * rnd() - 1) };
}

function operands(k, src) {
  const o = {};
  for (const name of ['Z', 'A', 'dA', 'dZ', 'R']) o[name] = k.alloc(N);
  // Views are valid until the next alloc (wasm memory may grow), so fill only after allocating all.
  for (const name of Object.keys(src)) k.view(o[name]).set(src[name]);
  return o;
}

/** `backends` is [{ name, k }]; the one named 'TS' is the reference. Returns { cases, checkError }. */
export async function benchActivations(backends, options) {
  const src = inputs();
  const bs = backends.map((b) => ({ ...b, o: operands(b.k, src) }));
  const ref = bs.find((b) => b.name === 'TS') ?? bs[0];
  let checkError = 0;
  for (const c of ACT_CASES) {
    for (const b of bs) c.run(b.k, b.o);
    const want = ref.k.view(ref.o[c.out]);
    for (const b of bs) {
      const got = b.k.view(b.o[c.out]);
      let e = 0;
      for (let i = 0; i < N; i++) e = Math.max(e, Math.abs(got[i] - want[i]));
      if (!(e < 1e-4)) throw new Error(`bench: ${b.name} and ${ref.name} disagree on ${c.label}: max difference ${e}`);
      checkError = Math.max(checkError, e);
    }
  }
  const bench = new Bench({ name: 'activations', throws: true, ...options });
  for (const c of ACT_CASES) for (const b of bs) bench.add(`${c.id} | ${b.name}`, () => c.run(b.k, b.o), { async: false });
  await bench.run();
  const cases = ACT_CASES.map((c) => ({
    ...c,
    time: Object.fromEntries(bs.map((b) => [b.name, summarize(bench.getTask(`${c.id} | ${b.name}`))])),
  }));
  return { cases, checkError, values: N };
}
