/**
 * Differential fuzzing: the wasm backend against the pure-TypeScript oracle (backend 'js') on random
 * networks — depths 1–5, widths 1–70, every hidden activation, every output activation with every
 * loss that accepts it, f32 and f64, both kernel builds — for `predict`, `gradients` and a short
 * `fit` whose batches do and do not divide the rows. Every case comes from one seed
 * (test/helpers/fuzz-cases.ts); a failure names the run's seed and the case.
 *
 * FUZZ_SEED=… FUZZ_CASES=… npx vitest run test/fuzz-backends.test.ts  explores other cases.
 *
 * Tolerances, from the precision: the two backends compute the same sums in different orders (the
 * wasm GEMM packs panels and accumulates four lanes at a time; the relaxed build fuses multiply
 * and add, rounding once instead of twice) and with different e^x (a vector polynomial against
 * Math.exp). A sum of n terms reordered moves by about √n·u·Σ|terms| (u the unit roundoff:
 * 2⁻⁵³ ≈ 1.1e-16, 2⁻²⁴ ≈ 6e-8); here n ≤ 70 (a layer's inputs) forward and n ≤ 1,104 (the rows)
 * in dW and db, Σ|terms| is a few times the largest result, and an error passes through up to ten
 * layers: 1e-14 to 1e-13 (f64) and 1e-5 to 1e-4 (f32) of the layer's largest value. The bounds,
 * 1e-12 and 1e-4 of that largest value (of the outputs; of each layer's dW and db together), sit a
 * decade above that range for f64 and at its top for f32; measured (below), the differences stay
 * under 0.04 of them, while a wrong kernel (a wrong index, a missed tail) is off by the order of the
 * values. After fit, each layer's change of weights gets the same relative bound plus what the
 * weights' own rounding allows: an ulp (2u·|w|) of the largest weight at every update.
 * Measured over 6,000 cases (FUZZ_SEED 30–44, 400 cases each), as a fraction of the bound: predict
 * 0.005 (f64) and 0.03 (f32); gradients 0.004 and 0.04; fit losses 0.001 and 0.08; weight changes by
 * fit 0.82 and 0.82, in one-step runs at lr 0.001 where an update is below an ulp of its weight
 * and the bound is that ulp. No case disagreed; one straddled a kink (see disagreements()). Fit
 * runs only a few steps (≤ 4 an epoch, ≤ 2 epochs): the two trajectories drift apart as training
 * amplifies rounding (lr 0.1 with a leaky slope of 1.45 made it a hundredfold within six steps),
 * which says nothing about the kernels.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ANN, setKernelBuild, type FloatArray } from '../src/index.js';
import { internalsOf } from '../src/ann.js';
import { firstMismatch, randomArray } from './helpers/compare.js';
import { COMBINATIONS, describeCase, fuzzCase, type FuzzCase } from './helpers/fuzz-cases.js';

const SEED = Number(process.env.FUZZ_SEED ?? 14);
// The first COMBINATIONS (90) cases meet every head × hidden activation × precision once; the rest are drawn freely.
const CASES = Number(process.env.FUZZ_CASES ?? 120);
const TOLERANCE = { f64: 1e-12, f32: 1e-4 } as const;
const UNIT_ROUNDOFF = { f64: 2 ** -53, f32: 2 ** -24 } as const;

const maxAbs = (values: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
};

/** The largest difference / bound seen, per precision (printed at the end: how close the bounds are). */
const worst = new Map<string, { ratio: number; where: string }>();
let current: { precision: 'f32' | 'f64'; name: string } = { precision: 'f64', name: '' };

/** Null when every |actual − expected| ≤ bound, else a line saying where and by how much. */
function compare(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, bound: number): string | null {
  let ratio = 0;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (d > 0) ratio = Math.max(ratio, bound > 0 ? d / bound : Infinity);
  }
  const key = `${current.precision} ${what.split(',')[0]}`;
  if (ratio > (worst.get(key)?.ratio ?? -1)) worst.set(key, { ratio, where: `${what} in ${current.name}` });
  const m = firstMismatch(actual, expected, () => bound);
  if (m === null) return null;
  return `${what}: at ${m.index}, wasm ${m.actual}, js ${m.expected}, difference ${Math.abs(m.actual - m.expected).toExponential(2)} > bound ${bound.toExponential(2)}`;
}

/** Layers' values compared with a bound relative to the largest value of each layer. */
function compareLayers(
  what: string,
  actual: readonly object[],
  expected: readonly object[],
  tol: number,
  extra: (l: number) => number = () => 0,
): string[] {
  const problems: string[] = [];
  expected.forEach((e, l) => {
    // Each layer is { W, b } or { dW, db }: its arrays, compared by name.
    const layer = e as Record<string, FloatArray>;
    const other = actual[l] as Record<string, FloatArray>;
    const keys = Object.keys(layer);
    const largest = Math.max(...keys.map((k) => maxAbs(layer[k])));
    for (const k of keys) {
      const p = compare(`${what}, layer ${l + 1} ${k}`, other[k], layer[k], tol * largest + extra(l));
      if (p !== null) problems.push(p);
    }
  });
  return problems;
}

/** Which pre-activations of the ReLU-family layers are positive, for every row of x (empty without such layers). */
function kinkSides(net: ANN, x: { data: Float64Array; rows: number }): Uint8Array {
  const inner = internalsOf(net);
  return inner.network().kinkPattern(inner.inputs(x));
}
const sameSides = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** What one case found: its disagreements (none: the backends agree), and whether a kink was straddled. */
interface Verdict {
  problems: string[];
  /** Where the backends' rounding put a ReLU-family pre-activation on different sides of 0 (see below), or null. */
  straddled: string | null;
}

/**
 * Runs one case on both backends. `tamper` changes the oracle first (to show that the comparison can fail).
 *
 * Two things rounding may do that no relative bound covers, and what is done about them:
 * - A ReLU-family pre-activation within rounding of 0 can come out positive on one backend and not
 *   on the other: the derivative jumps there, so that sample's whole contribution to the gradient
 *   differs (seen: a leaky ReLU output at +1.1e-7 in the oracle and −2.2e-8 in wasm, f32, changing
 *   a bias gradient by 0.1%). The sides of every such pre-activation are compared before the
 *   gradients and after every step of fit; where they differ, what follows is not compared and the
 *   case is counted as straddled (the test allows few such cases: a kernel that computes the sign
 *   wrong would straddle in many).
 * - Binary cross-entropy on a softmax output (the only head computed in probability space) divides
 *   by ŷ(1 − ŷ), and 1 − ŷ taken from a rounded ŷ has a relative error of u / (1 − ŷ) (likewise
 *   u / ŷ): the gradient's conditioning is κ = 1 / min(ŷ, 1 − ŷ) over the outputs, and its bound
 *   is max(tol, 4·u·κ) of the largest value (seen, f32: ŷ = 3.5e-5 made both backends' gradients
 *   differ from float64 by up to 3e-4 of their largest value, and from each other by 6e-4).
 */
async function disagreements(c: FuzzCase, tamper?: (js: ANN) => void): Promise<Verdict> {
  const precision = c.options.precision;
  const u = UNIT_ROUNDOFF[precision];
  setKernelBuild(c.build);
  const wasm = await ANN.create(c.options);
  setKernelBuild('auto');
  const js = await ANN.create({ ...c.options, backend: 'js' });
  tamper?.(js);
  const problems: string[] = [];
  let straddled: string | null = null;
  try {
    const x = { data: c.x, rows: c.rows };
    const y = { data: c.y, rows: c.rows };
    const start = js.getWeights();
    // The same seed draws the same weights on either backend (core/init.ts runs in TypeScript).
    problems.push(...compareLayers('initial weights', wasm.getWeights(), start, 0));

    const pw = wasm.predict(x).data;
    const pj = js.predict(x).data;
    problems.push(...[compare('predict', pw, pj, TOLERANCE[precision] * maxAbs(pj))].filter((p) => p !== null));

    let kappa = 0;
    if (c.options.output === 'softmax' && c.options.loss === 'binaryCrossEntropy')
      for (const p of pj) kappa = Math.max(kappa, 1 / Math.min(p, 1 - p));
    const tol = Math.max(TOLERANCE[precision], 4 * u * kappa);

    if (!sameSides(kinkSides(wasm, x), kinkSides(js, x))) {
      straddled = 'before the gradients';
      return { problems, straddled };
    }
    problems.push(...compareLayers('gradients', wasm.gradients(x, y), js.gradients(x, y), tol));

    // The kink sides over all rows after every step (the next step's forward pass runs on them).
    // Only where there are kinks: without a batch callback fit runs each epoch in one call, a path
    // worth comparing too (reading the sides between steps changes nothing; checked on 190 cases).
    const kinked = internalsOf(js).network().hasKinks;
    const sides: Uint8Array[][] = [[], []];
    const outcome = async (net: ANN, record: Uint8Array[]) =>
      net.fit(x, y, kinked ? { ...c.fit, onBatchEnd: () => void record.push(kinkSides(net, x)) } : c.fit).then(
        (logs) => ({ logs, error: null }),
        (error: Error) => ({ logs: null, error }),
      );
    const [fw, fj] = [await outcome(wasm, sides[0]), await outcome(js, sides[1])];
    // The first step after which the sides differ, among the steps both runs made; the sides after
    // the last step lead to no further step. Diverging (a rejection) is judged unless a straddle came first.
    const both = Math.min(sides[0].length, sides[1].length);
    const step = sides[1].slice(0, both).findIndex((s, k) => !sameSides(sides[0][k], s));
    const steps = c.fit.epochs * Math.ceil(c.rows / c.fit.batchSize);
    if (step >= 0 && step < steps - 1) {
      straddled = `after fit step ${step + 1}`;
    } else if ((fw.error === null) !== (fj.error === null)) {
      problems.push(
        `fit: wasm ${fw.error ? `rejected (${fw.error.message})` : 'resolved'}, js ${fj.error ? `rejected (${fj.error.message})` : 'resolved'}`,
      );
    } else if (fw.logs !== null && fj.logs !== null) {
      const lw = fw.logs.map((e) => e.loss);
      const lj = fj.logs.map((e) => e.loss);
      problems.push(...[compare('fit losses', lw, lj, tol * maxAbs(lj))].filter((p) => p !== null));
      // Weights after fit: the change each made, to the same relative bound, plus the rounding of
      // the weights themselves, which may differ by an ulp of the largest weight at every update.
      const after = (net: ANN) =>
        net.getWeights().map(({ W, b }, l) => ({ dW: W.map((v, i) => v - start[l].W[i]), db: b.map((v, i) => v - start[l].b[i]) }));
      const ulps = (l: number) => 2 * steps * u * Math.max(maxAbs(start[l].W), maxAbs(start[l].b), maxAbs(js.getWeights()[l].W));
      problems.push(...compareLayers('weight change by fit', after(wasm), after(js), tol, ulps));
    }
  } finally {
    wasm.dispose();
    js.dispose();
  }
  return { problems, straddled };
}

afterAll(() => setKernelBuild('auto'));

describe(`the wasm backend agrees with the TypeScript oracle on ${CASES} random networks (FUZZ_SEED=${SEED})`, () => {
  it('the comparison fails when one weight of the oracle is off by 10 of its bounds', async () => {
    for (const precision of ['f64', 'f32'] as const) {
      const c: FuzzCase = {
        seed: 0,
        options: {
          layers: [5, 8, 3],
          activation: ['tanh'],
          output: 'sigmoid',
          loss: 'meanSquaredError',
          seed: 9,
          precision,
          backend: 'wasm',
        },
        build: 'simd',
        rows: 11,
        x: randomArray(11 * 5, 1),
        y: randomArray(11 * 3, 2),
        fit: { epochs: 1, batchSize: 4, learningRate: 0.1, momentum: 0, shuffle: false },
      };
      const nudge = (js: ANN) => {
        const w = js.getWeights();
        w[1].W[0] *= 1 + 10 * TOLERANCE[precision];
        js.setWeights(w);
      };
      expect(await disagreements(c)).toEqual({ problems: [], straddled: null });
      const found = (await disagreements(c, nudge)).problems.map((p) => p.split(':')[0]);
      expect(found, precision).toEqual(expect.arrayContaining(['initial weights, layer 2 W', 'predict', 'gradients, layer 1 dW']));
    }
    worst.clear(); // the tampered runs are not rounding
  });

  it('predict, gradients and a few fit steps, within the rounding of the precision', async () => {
    const failures: string[] = [];
    const straddles: string[] = [];
    const met = new Set<string>();
    for (let k = 0; k < CASES; k++) {
      const c = fuzzCase(SEED * 100_003 + k, k);
      const { activation, output, loss, precision } = c.options;
      for (const hidden of activation as string[]) met.add(`${hidden} → ${output}, ${loss}, ${precision}`);
      current = { precision: c.options.precision, name: describeCase(c) };
      const { problems, straddled } = await disagreements(c);
      if (problems.length > 0) failures.push(`${describeCase(c)}\n    ${problems.slice(0, 4).join('\n    ')}`);
      if (straddled !== null) straddles.push(`${describeCase(c)}: a kink straddled ${straddled}`);
    }
    for (const [key, { ratio, where }] of [...worst].sort())
      console.log(`fuzz ${key}: largest difference ${ratio.toFixed(3)} of its bound (${where})`);
    console.log(
      `fuzz: ${straddles.length} of ${CASES} cases compared only up to a kink straddled by rounding${straddles.length ? `:\n  ${straddles.join('\n  ')}` : ''}`,
    );
    // Rare by nature (a pre-activation within rounding of 0); a sign computed wrongly would be common.
    expect(
      straddles.length,
      `FUZZ_SEED=${SEED}: more kinks straddled than rounding explains:\n${straddles.join('\n')}`,
    ).toBeLessThanOrEqual(Math.max(2, 0.05 * CASES));
    if (CASES >= COMBINATIONS) expect(met.size, 'every hidden activation × head × precision was run').toBe(COMBINATIONS);
    expect(failures, `FUZZ_SEED=${SEED}: ${failures.length} of ${CASES} cases disagree:\n${failures.join('\n')}`).toEqual([]);
  });
});
