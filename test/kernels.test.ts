/**
 * The WebAssembly kernels against the TypeScript kernels: the matrix product against a float64
 * reference with the rounding bound of a dot product, on shapes chosen to hit every edge of the blocking: 1, sizes that are not multiples of the
 * 4 × 8 tile or the vector width, and sizes past the 64 / 256 / 512 block sizes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { JsKernels } from '../src/backend/js.js';
import { Activation, LossKernel, type Buffer, type Kernels, type Precision } from '../src/backend/kernels.js';
import { WasmKernels } from '../src/backend/wasm.js';
import { relaxedSimdSupported, type KernelBuild } from '../src/backend/wasm-module.js';
import { firstMismatch, mismatchRel, randomArray } from './helpers/compare.js';

const EPS: Record<Precision, number> = { f32: 2 ** -24, f64: 2 ** -53 };
const reference = new JsKernels('f64');

function load(k: Kernels, values: ArrayLike<number>): Buffer {
  const buf = k.alloc(values.length);
  k.view(buf).set(values);
  return buf;
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [17, 33, 65],
  [129, 257, 63],
  [32, 196, 784],
  [70, 530, 300],
];

// The test run passes --experimental-wasm-relaxed-simd (vitest.config.ts): both builds are checked.
const BUILDS: KernelBuild[] = ['simd', 'relaxed'];

it('the test runtime compiles relaxed SIMD, so the relaxed build is tested too', () => {
  expect(relaxedSimdSupported()).toBe(true);
});

for (const build of BUILDS)
  for (const precision of ['f32', 'f64'] as const) {
    describe(`wasm kernels (${build} build, ${precision}) agree with the float64 reference`, () => {
      let wasm: WasmKernels;
      // Elementwise kernels are compared with the TypeScript kernels of the same precision: the
      // edge cases (the BCE clip at 1 − 1e-7, say) round differently in f32 than in f64.
      const js = new JsKernels(precision);
      beforeAll(async () => {
        wasm = await WasmKernels.create(precision, build);
        expect(wasm.build).toBe(build);
      });

      for (const [m, n, k] of SHAPES) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const accumulate of [false, true]) {
              const name = `gemm ${m}×${n}×${k} ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}${accumulate ? ' + C' : ''}`;
              it(name, () => {
                const seed = m * 131 + n * 17 + k + (transA ? 7 : 0) + (transB ? 11 : 0);
                // Inputs are rounded to the tested precision first, so the reference sees the same numbers.
                const round = precision === 'f32' ? (x: Float64Array) => Float64Array.from(new Float32Array(x)) : (x: Float64Array) => x;
                const a = round(randomArray(m * k, seed));
                const b = round(randomArray(k * n, seed + 1));
                const c0 = round(randomArray(m * n, seed + 2));
                const mark = wasm.mark();
                const C = load(wasm, c0);
                wasm.gemm(transA, transB, m, n, k, load(wasm, a), load(wasm, b), C, accumulate);
                const got = Array.from(wasm.view(C));
                wasm.release(mark);

                const refC = load(reference, c0);
                reference.gemm(transA, transB, m, n, k, load(reference, a), load(reference, b), refC, accumulate);
                // Bound of a length-k dot product: k·ε·Σ|a||b| (+ |c| when accumulating).
                const absC = load(reference, c0.map(Math.abs));
                reference.gemm(
                  transA,
                  transB,
                  m,
                  n,
                  k,
                  load(reference, a.map(Math.abs)),
                  load(reference, b.map(Math.abs)),
                  absC,
                  accumulate,
                );
                const scale = reference.view(absC);
                const expected = reference.view(refC);
                const bad = firstMismatch(got, expected, (i) => 2 * (k + 1) * EPS[precision] * scale[i]);
                expect(bad, `first mismatch ${JSON.stringify(bad)}`).toBeNull();
                // The bound is not vacuous: the output holds the product, not zeros.
                expect(got.some((v) => Math.abs(v) > 1e-3)).toBe(true);
              });
            }
          }
        }
      }

      // C sizes that end exactly on a 64-byte boundary, so the buffers around C touch it: an
      // edge tile written too wide or too tall lands in a guard.
      for (const [m, n] of [
        [16, 13],
        [5, 48],
        [3, 80],
      ]) {
        it(`gemm ${m}×${n} writes nothing outside C`, () => {
          const k = 9;
          const guard = 16;
          const mark = wasm.mark();
          const before = wasm.alloc(guard);
          const C = wasm.alloc(m * n);
          const after = wasm.alloc(guard);
          wasm.view(before).fill(42);
          wasm.view(after).fill(42);
          for (const [tA, tB] of [
            [false, false],
            [true, true],
          ]) {
            wasm.gemm(tA, tB, m, n, k, load(wasm, randomArray(m * k, 3)), load(wasm, randomArray(n * k, 4)), C, true);
          }
          expect(Array.from(wasm.view(before)).every((v) => v === 42)).toBe(true);
          expect(Array.from(wasm.view(after)).every((v) => v === 42)).toBe(true);
          wasm.release(mark);
        });
      }

      it('sigmoid is within 4 ulp of the exact value (or 2e-38 of it) for z from −100 to 100 in steps of 1/1024', () => {
        // The f32 kernel computes e^z with its own vector polynomial; this pins its accuracy.
        const n = 200 * 1024 + 1;
        const z = Float64Array.from({ length: n }, (_, i) => -100 + i / 1024);
        const mark = wasm.mark();
        const Z = load(wasm, z);
        const A = wasm.alloc(n);
        wasm.activate(Activation.Sigmoid, Z, A, 1, n, 0);
        const got = Array.from(wasm.view(A));
        wasm.release(mark);
        const exact = Array.from(z, (v) => 1 / (1 + Math.exp(-Math.fround(v))));
        const ulps = precision === 'f32' ? 4 * 2 ** -24 : 4 * 2 ** -53;
        expect(mismatchRel(got, exact, ulps, precision === 'f32' ? 2e-38 : 1e-300)).toBeNull();
      });

      const rows = 7;
      const cols = 13;
      const activations: [string, Activation][] = [
        ['identity', Activation.Identity],
        ['sigmoid', Activation.Sigmoid],
        ['tanh', Activation.Tanh],
        ['relu', Activation.Relu],
        ['leakyRelu', Activation.LeakyRelu],
        ['softmax', Activation.Softmax],
      ];
      const tol = precision === 'f32' ? 4e-6 : 1e-14;

      for (const [name, kind] of activations) {
        it(`${name} forward and derivative, including |z| up to 1e4`, () => {
          const z = randomArray(rows * cols, 99, -6, 6);
          z[0] = 1e4;
          z[1] = -1e4;
          z[2] = 0;
          z[cols] = -1e4; // a softmax row with one huge negative logit
          const da = randomArray(rows * cols, 98);
          const run = (k: Kernels) => {
            const mark = k.mark();
            const Z = load(k, z);
            const A = k.alloc(z.length);
            const dZ = k.alloc(z.length);
            k.activate(kind, Z, A, rows, cols, 0.1);
            k.activateBackward(kind, Z, A, load(k, da), dZ, rows, cols, 0.1);
            const out = [Array.from(k.view(A)), Array.from(k.view(dZ))];
            k.release(mark);
            return out;
          };
          const [a, dz] = run(wasm);
          const [ra, rdz] = run(js);
          expect(a.every(Number.isFinite) && dz.every(Number.isFinite), 'no NaN or Infinity').toBe(true);
          expect(mismatchRel(a, ra, tol, tol)).toBeNull();
          expect(mismatchRel(dz, rdz, tol, tol)).toBeNull();
        });
      }

      // Issue 14: ReLU mapped a NaN to 0 in the scalar tail and the TS kernels but kept it in the
      // vector body, so one sample predicted a number or NaN depending on the batch size.
      it('a NaN pre-activation stays NaN through every activation and its derivative, in the vector body and in the tail, in both backends', () => {
        // The 7 × 13 values run as one: in f32 0–87 in vectors of four and 88–90 one at a time,
        // in f64 0–89 in pairs and 90 alone.
        const at = [0, 5, 12, 88, 90];
        for (const k of [wasm, js]) {
          for (const [name, kind] of activations) {
            for (const i of at) {
              const mark = k.mark();
              const z = randomArray(rows * cols, 77, -6, 6);
              z[i] = Number.NaN;
              const Z = load(k, z);
              const A = k.alloc(z.length);
              const dZ = k.alloc(z.length);
              k.activate(kind, Z, A, rows, cols, 0.1);
              k.activateBackward(kind, Z, A, load(k, randomArray(z.length, 78)), dZ, rows, cols, 0.1);
              const where = `${k.name} ${name}, NaN at ${i}`;
              expect(k.view(A)[i], `${where}: f(z)`).toBeNaN();
              // The identity's derivative (1) does not depend on z; softmax's depends on a, which is NaN.
              if (kind !== Activation.Identity) expect(k.view(dZ)[i], `${where}: dz`).toBeNaN();
              // Nothing else is touched by an elementwise activation.
              if (kind !== Activation.Softmax) {
                const others = Array.from(k.view(A)).filter((_, j) => j !== i);
                expect(others.every(Number.isFinite), `${where}: the other values`).toBe(true);
              }
              k.release(mark);
            }
          }
        }
      });

      const losses: [string, LossKernel, number, number][] = [
        ['squared error', LossKernel.SquaredError, 0, 1],
        ['binary cross-entropy', LossKernel.BinaryCrossEntropy, 0, 1],
        ['binary cross-entropy from logits', LossKernel.BinaryCrossEntropyLogits, -8, 8],
        ['categorical cross-entropy from logits', LossKernel.CategoricalCrossEntropyLogits, -8, 8],
      ];
      for (const [name, kind, lo, hi] of losses) {
        it(`${name}: value and gradient`, () => {
          const out = randomArray(rows * cols, 5, lo, hi);
          // Probabilities of exactly 0 and 1, and logits of ±1e4: the loss must stay finite.
          out[0] = lo === 0 ? 0 : 1e4;
          out[1] = lo === 0 ? 1 : -1e4;
          const y = randomArray(rows * cols, 6, 0, 1).map((v) => (v > 0.5 ? 1 : 0));
          const run = (k: Kernels) => {
            const mark = k.mark();
            const O = load(k, out);
            const Y = load(k, y);
            const D = k.alloc(out.length);
            const sum = new Float64Array([0.5]);
            k.lossSum(kind, O, Y, rows, cols, sum, 0);
            const loss = sum[0] - 0.5;
            k.lossGradient(kind, O, Y, D, out.length, 0.25);
            const g = Array.from(k.view(D));
            k.release(mark);
            return { loss, g };
          };
          const got = run(wasm);
          const ref = run(js);
          expect(Number.isFinite(got.loss)).toBe(true);
          expect(mismatchRel([got.loss], [ref.loss], tol, tol)).toBeNull();
          expect(got.g.every(Number.isFinite)).toBe(true);
          expect(mismatchRel(got.g, ref.g, precision === 'f32' ? 1e-5 : 1e-13, tol)).toBeNull();
        });
      }

      it('bias add and bias gradient (accumulating or not)', () => {
        const z = randomArray(rows * cols, 11);
        const b = randomArray(cols, 12);
        const db0 = randomArray(cols, 13);
        for (const accumulate of [false, true]) {
          const run = (k: Kernels) => {
            const mark = k.mark();
            const Z = load(k, z);
            const DB = load(k, db0);
            k.biasAdd(Z, load(k, b), rows, cols);
            k.biasGradient(Z, DB, rows, cols, accumulate);
            const out = [Array.from(k.view(Z)), Array.from(k.view(DB))];
            k.release(mark);
            return out;
          };
          const [gz, gdb] = run(wasm);
          const [rz, rdb] = run(js);
          expect(mismatchRel(gz, rz, tol, tol)).toBeNull();
          expect(mismatchRel(gdb, rdb, tol * 10, tol * 10)).toBeNull();
        }
      });

      /** Runs an update on copies of w, g and the state arrays in both backends: the arrays after it, wasm and TS. */
      const update = (state: number, apply: (k: Kernels, w: Buffer, g: Buffer, s: Buffer[]) => void) => {
        const n = 37; // 9 vectors of 4 (or 18 of 2) and a scalar tail
        const w = randomArray(n, 21);
        const g = randomArray(n, 22);
        const s = Array.from({ length: state }, (_, i) => randomArray(n, 23 + i).map(Math.abs));
        const run = (k: Kernels) => {
          const mark = k.mark();
          const [W, S] = [load(k, w), s.map((x) => load(k, x))];
          apply(k, W, load(k, g), S);
          const out = [W, ...S].map((b) => Array.from(k.view(b)));
          k.release(mark);
          return out;
        };
        const [got, want] = [run(wasm), run(js)];
        got.forEach((arr, i) => expect(mismatchRel(arr, want[i], tol, tol), `array ${i}`).toBeNull());
        // The update did something: w moved.
        expect(got[0]).not.toEqual(w.map((x) => (precision === 'f32' ? Math.fround(x) : x)));
      };

      it('SGD update: plain, momentum, Nesterov, weight decay', () => {
        for (const [momentum, nesterov, decay] of [
          [0, false, 0],
          [0.9, false, 0],
          [0.9, true, 0],
          [0, false, 0.01],
          [0.5, true, 0.1],
        ] as const) {
          update(1, (k, w, g, [v]) => k.sgdUpdate(w, g, v, 37, 0.3, momentum, nesterov, decay));
        }
      });

      it('Adam and AdamW updates, RMSprop update', () => {
        for (const [decay, shrink] of [
          [0, 1],
          [0.01, 1],
          [0, 1 - 0.01 * 0.05],
          // Both at once: no optimizer asks for it, the kernel still computes it (a slower loop).
          [0.01, 1 - 0.01 * 0.05],
        ] as const) {
          update(2, (k, w, g, [m, v]) =>
            k.adamUpdate(w, g, m, v, 37, 0.01 / (1 - 0.9 ** 3), 0.9, 0.999, 1e-8, Math.sqrt(1 - 0.999 ** 3), decay, shrink),
          );
        }
        for (const decay of [0, 0.01]) update(1, (k, w, g, [v]) => k.rmspropUpdate(w, g, v, 37, 0.005, 0.99, 1e-8, decay));
      });

      it('allFinite finds one NaN or ±Infinity anywhere, in the vector body and in the tail', () => {
        for (const k of [wasm, js]) {
          const mark = k.mark();
          const X = load(k, randomArray(37, 41));
          expect(k.allFinite(X, 37), k.name).toBe(true);
          for (const at of [0, 5, 35, 36]) {
            for (const bad of [Number.NaN, Infinity, -Infinity]) {
              const v = k.view(X);
              const keep = v[at];
              v[at] = bad;
              expect(k.allFinite(X, 37), `${k.name}: ${bad} at ${at}`).toBe(false);
              // Only the first `length` values count.
              expect(k.allFinite(X, at), `${k.name}: ${bad} at ${at}, length ${at}`).toBe(true);
              v[at] = keep;
            }
          }
          k.release(mark);
        }
      });

      it('everyFinite checks an array outside the kernels: a bad value in any chunk of the staging copy, the last partial one included', () => {
        // Longer than several chunks of the wasm backend's staging area (gemm's packing workspace),
        // and not a multiple of one: a bad value at either end of the array, and at chunk seams.
        const n = 1_000_003;
        const values = precision === 'f32' ? new Float32Array(n) : new Float64Array(n);
        values.set(randomArray(n, 43));
        for (const k of [wasm, js]) {
          expect(k.everyFinite(values), k.name).toBe(true);
          for (const at of [0, 4095, 4096, 65535, 65536, 262143, 262144, n - 2, n - 1]) {
            for (const bad of [Number.NaN, Infinity, -Infinity]) {
              const keep = values[at];
              values[at] = bad;
              expect(k.everyFinite(values), `${k.name}: ${bad} at ${at}`).toBe(false);
              values[at] = keep;
            }
          }
          // It reads the array, never writes it, and leaves the kernels' own buffers alone.
          const mark = k.mark();
          const X = load(k, randomArray(37, 41));
          const before = Array.from(k.view(X));
          expect(k.everyFinite(values.subarray(0, 10)), k.name).toBe(true);
          expect(Array.from(k.view(X)), k.name).toEqual(before);
          k.release(mark);
        }
      });

      it('sum of squares (in float64) and scaling', () => {
        const x = randomArray(37, 31);
        for (const k of [wasm, js]) {
          const mark = k.mark();
          const X = load(k, x);
          const into = new Float64Array([1]);
          k.sumOfSquares(X, 37, into, 0);
          const stored = Array.from(k.view(X));
          const exact = stored.reduce((s, v) => s + v * v, 0);
          expect(Math.abs(into[0] - 1 - exact) / exact, k.name).toBeLessThan(1e-14);
          k.scale(X, 37, 0.5);
          expect(Array.from(k.view(X)), k.name).toEqual(stored.map((v) => v * 0.5));
          k.release(mark);
        }
      });

      it('a buffer too short for the operation is refused before any kernel runs', () => {
        const small = wasm.alloc(3);
        expect(() => wasm.gemm(false, false, 2, 2, 2, small, small, small, false)).toThrow(
          /gemm A: buffer holds 3 numbers, the operation needs 4/,
        );
      });

      it('views survive memory growth', () => {
        const first = load(wasm, [1, 2, 3]);
        const before = wasm.view(first);
        wasm.alloc(4 * 1024 * 1024); // forces memory.grow, which detaches old views
        expect(before.length).toBe(0);
        expect(Array.from(wasm.view(first))).toEqual([1, 2, 3]);
      });
    });
  }
