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

      it('SGD update with and without momentum', () => {
        const n = 37;
        const w = randomArray(n, 21);
        const g = randomArray(n, 22);
        const v = randomArray(n, 23);
        for (const momentum of [0, 0.9]) {
          const run = (k: Kernels) => {
            const mark = k.mark();
            const W = load(k, w);
            const V = load(k, v);
            k.sgdUpdate(W, load(k, g), V, n, 0.3, momentum);
            const out = [Array.from(k.view(W)), Array.from(k.view(V))];
            k.release(mark);
            return out;
          };
          const [gw, gv] = run(wasm);
          const [rw, rv] = run(js);
          expect(mismatchRel(gw, rw, tol, tol)).toBeNull();
          expect(mismatchRel(gv, rv, tol, tol)).toBeNull();
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
