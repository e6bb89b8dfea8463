/**
 * Threads: for the same seed, backend and kernel build, a network trains to the same bits on 1, 2,
 * 3 and 4 threads — weights after fit, the loss of every epoch, predictions and gradients — because
 * every kernel call is cut over its outputs (src/backend/threaded.ts), never over the sums that make
 * them. The awkward shapes are cut as finely as they go (every part minimum lowered to 1), so that
 * rows fewer than threads, odd sizes and single units all reach the workers; R1 runs with the cuts
 * as shipped.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANN, type ANNOptions, type FitOptions, setKernelBuild, setWasmSource } from '../src/index.js';
import { internalsOf } from '../src/ann.js';
import { setPartMinimums } from '../src/backend/threaded.js';
import { relaxedSimdSupported } from '../src/backend/wasm-module.js';
import { loadData } from '../examples/experiments/r1-mnist.js';
import { firstDifference } from './helpers/compare.js';

const THREADS = [1, 2, 3, 4];
const BUILDS = relaxedSimdSupported() ? (['simd', 'relaxed'] as const) : (['simd'] as const);

/** Deterministic inputs in [−1, 1) and targets that fit the loss. */
function dataset(rows: number, inputs: number, outputs: number, kind: 'binary' | 'classes' | 'real', seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
  const x: number[][] = [];
  const y: number[][] = [];
  for (let r = 0; r < rows; r++) {
    x.push(Array.from({ length: inputs }, next));
    if (kind === 'binary') y.push([next() > 0 ? 1 : 0]);
    else if (kind === 'classes') y.push(Array.from({ length: outputs }, (_, c) => (c === r % outputs ? 1 : 0)));
    else y.push(Array.from({ length: outputs }, next));
  }
  return { x, y };
}

/** Everything a run produced, as bit patterns: weights, per-epoch losses, predictions, gradients. */
async function run(options: ANNOptions, fit: FitOptions, data: { x: number[][]; y: number[][] }, threads: number) {
  const net = await ANN.create({ ...options, threads });
  expect(net.threads, net.threadsReason).toBe(threads);
  const history = await net.fit(data.x, data.y, fit);
  const bits = (a: ArrayLike<number>) => Array.from(options.precision === 'f64' ? new Float64Array(a) : new Float32Array(a), (v) => v);
  const out = {
    weights: net.getWeights().map((l) => ({ W: bits(l.W as ArrayLike<number>), b: bits(l.b) })),
    losses: history.map((h) => h.loss),
    predictions: bits(net.predict(data.x).data),
    gradients: net.gradients(data.x, data.y).map((g) => ({ dW: bits(g.dW), db: bits(g.db) })),
  };
  net.dispose();
  return out;
}

/** `data` with about three values in four set to zero, and the first column and the first row zero throughout. */
function mostlyZeros(data: ReturnType<typeof dataset>) {
  const x = data.x.map((row, r) => row.map((v, c) => (r === 0 || c === 0 || Math.abs(v) < 0.75 ? 0 : v)));
  return { x, y: data.y };
}

/** `data` with about one value in forty kept (a bag of words' few words a row), the first row zero throughout. */
function fewPerRow(data: ReturnType<typeof dataset>) {
  const x = data.x.map((row, r) => row.map((v, c) => (r > 0 && (c * 13 + r * 7) % 40 === 0 ? v : 0)));
  return { x, y: data.y };
}

/**
 * 43 rows of 48 inputs for batches of 8 in order that switch between the sparse and the dense path
 * under 'auto': rows 0–7 a few non-zeros each (row 0 none), 8–15 every value but the first and last
 * column, and so on; the last batch (3 rows) sparse. Columns 0 and 47 are zero throughout.
 */
function switchingBatches() {
  const data = dataset(43, 48, 1, 'binary', 7);
  const x = data.x.map((row, r) => {
    const dense = Math.floor(r / 8) % 2 === 1;
    return row.map((v, c) => (c === 0 || c === 47 || r === 0 || (!dense && (c * 7 + r) % 11 !== 0) ? 0 : v));
  });
  return { x, y: data.y };
}

const AWKWARD: { name: string; options: ANNOptions; fit: FitOptions; data: ReturnType<typeof dataset> }[] = [
  {
    name: '13-7-1 sigmoid, batches of 3 rows (fewer than the threads), SGD with momentum',
    options: { layers: [13, 7, 1], loss: 'binaryCrossEntropy', seed: 11 },
    fit: { epochs: 2, batchSize: 3, optimizer: { name: 'sgd', learningRate: 0.3, momentum: 0.9 } },
    data: dataset(19, 13, 1, 'binary', 1),
  },
  {
    name: '5-33-3 relu and softmax, batches of 17, Adam',
    options: { layers: [5, 33, 3], activation: 'relu', output: 'softmax', loss: 'categoricalCrossEntropy', seed: 12 },
    fit: { epochs: 3, batchSize: 17, optimizer: 'adam', learningRate: 0.01 },
    data: dataset(40, 5, 3, 'classes', 2),
  },
  {
    name: '9-1, one unit and no hidden layer, RMSprop',
    options: { layers: [9, 1], output: 'identity', loss: 'meanSquaredError', seed: 13 },
    fit: { epochs: 2, batchSize: 5, optimizer: 'rmsprop', learningRate: 0.01 },
    data: dataset(23, 9, 1, 'real', 3),
  },
  {
    name: '31-29-27-2 tanh and leaky ReLU in f64 with dropout, Nesterov SGD with weight decay',
    options: {
      layers: [31, 29, 27, 2],
      activation: ['tanh', 'leakyRelu'],
      output: 'identity',
      loss: 'meanSquaredError',
      precision: 'f64',
      dropout: 0.2,
      seed: 14,
    },
    fit: { epochs: 2, batchSize: 11, optimizer: { name: 'sgd', learningRate: 0.05, momentum: 0.5, nesterov: true, weightDecay: 0.01 } },
    data: dataset(37, 31, 2, 'real', 4),
  },
  {
    name: '67-21-2 sparse first layer (a quarter non-zeros, a zero row and column), batches of 9, Adam',
    options: {
      layers: [67, 21, 2],
      activation: 'relu',
      output: 'softmax',
      loss: 'categoricalCrossEntropy',
      sparseInput: 'always',
      seed: 15,
    },
    fit: { epochs: 2, batchSize: 9, optimizer: 'adam', learningRate: 0.01 },
    data: mostlyZeros(dataset(41, 67, 2, 'classes', 5)),
  },
  {
    // 150 units: rows of Wᵀ that end in a partial vector, Adam's update by rows.
    name: '53-150-3 sparse first layer of 150 units (rows ending in a partial vector), batches of 7, Adam',
    options: {
      layers: [53, 150, 3],
      activation: 'tanh',
      output: 'softmax',
      loss: 'categoricalCrossEntropy',
      sparseInput: 'always',
      seed: 18,
    },
    fit: { epochs: 2, batchSize: 7, optimizer: 'adam', learningRate: 0.01 },
    data: mostlyZeros(dataset(30, 53, 3, 'classes', 8)),
  },
  {
    // 99 units in f64 (two lanes a vector): each row of Wᵀ ends in a lone value.
    name: '40-99-1 sparse first layer of 99 units in f64, batches of 16, SGD',
    options: { layers: [40, 99, 1], loss: 'binaryCrossEntropy', precision: 'f64', sparseInput: 'always', seed: 19 },
    fit: { epochs: 2, batchSize: 16, learningRate: 0.2 },
    data: mostlyZeros(dataset(50, 40, 1, 'binary', 9)),
  },
  {
    // Few inputs present in a batch: the weight gradient written by list (cscTransposeMatmulListed, zeroRows), SGD's update by list.
    name: '120-70-2 a few non-zeros a row, the gradient written and updated by list, batches of 4, SGD',
    options: {
      layers: [120, 70, 2],
      activation: 'relu',
      output: 'softmax',
      loss: 'categoricalCrossEntropy',
      sparseInput: 'always',
      seed: 20,
    },
    fit: { epochs: 3, batchSize: 4, learningRate: 0.1 },
    data: fewPerRow(dataset(33, 120, 2, 'classes', 10)),
  },
  {
    name: '45-19-1 sparse first layer in f64, batches of 40, SGD',
    options: { layers: [45, 19, 1], loss: 'binaryCrossEntropy', precision: 'f64', sparseInput: 'always', seed: 16 },
    fit: { epochs: 2, batchSize: 40, learningRate: 0.2 },
    data: mostlyZeros(dataset(83, 45, 1, 'binary', 6)),
  },
  {
    name: "48-13-1 under sparseInput 'auto', batches in order that switch between the sparse and the dense path, SGD",
    options: { layers: [48, 13, 1], loss: 'binaryCrossEntropy', sparseInput: 'auto', seed: 17 },
    fit: { epochs: 2, batchSize: 8, shuffle: false, learningRate: 0.3 },
    data: switchingBatches(),
  },
];

describe.each(BUILDS)('threads on the %s build: bit-for-bit the same at 1, 2, 3 and 4 threads', (build) => {
  beforeAll(() => setKernelBuild(build));
  afterAll(() => setKernelBuild('auto'));

  describe('awkward shapes, every kernel cut as finely as it goes', () => {
    let before: ReturnType<typeof setPartMinimums>;
    beforeAll(() => {
      before = setPartMinimums(1, 1);
    });
    afterAll(() => {
      setPartMinimums(before.gemm, before.elementwise);
    });
    for (const { name, options, fit, data } of AWKWARD) {
      it(name, async () => {
        const one = await run(options, fit, data, 1);
        expect(one.losses.every(Number.isFinite)).toBe(true);
        for (const threads of THREADS.slice(1)) {
          const many = await run(options, fit, data, threads);
          expect(many, `${threads} threads against 1`).toEqual(one);
        }
      });
    }
  });

  it("the switching batches do switch: sparse, dense, sparse, … under 'auto' on every thread count", async () => {
    const { options, fit, data } = AWKWARD[AWKWARD.length - 1];
    for (const threads of THREADS) {
      const net = await ANN.create({ ...options, threads });
      const paths: boolean[] = [];
      await net.fit(data.x, data.y, { ...fit, epochs: 1, onBatchEnd: () => void paths.push(internalsOf(net).network().sparseBatch) });
      expect(paths, `${threads} threads`).toEqual([true, false, true, false, true, false]);
      net.dispose();
    }
  });

  it('R1 (784-196-1, MNIST 5 vs 8): one epoch at batch 256 and at batch 32', async () => {
    const { train } = await loadData();
    // The first 2,048 training images: enough for many steps, quick on four threads of a small machine.
    const rows = 2048;
    const x = { rows, cols: 784, data: train.x.data.subarray(0, rows * 784) };
    const y = { rows, cols: 1, data: train.y.data.subarray(0, rows) };
    for (const batchSize of [256, 32]) {
      const results = [];
      for (const threads of THREADS) {
        const net = await ANN.create({
          layers: [784, 196, 1],
          activation: 'sigmoid',
          output: 'sigmoid',
          loss: 'binaryCrossEntropy',
          seed: 1,
          threads,
        });
        await net.fit(x, y, { epochs: 1, batchSize, learningRate: 0.5 });
        const w = net.getWeights();
        results.push({
          W1: Array.from(w[0].W as ArrayLike<number>),
          W2: Array.from(w[1].W as ArrayLike<number>),
          out: Array.from(net.predict(x).data),
        });
        net.dispose();
      }
      // By first difference: a deep-equality diff of 150,000 numbers takes vitest minutes to print.
      for (let t = 1; t < results.length; t++)
        for (const part of ['W1', 'W2', 'out'] as const)
          expect(firstDifference(results[t][part], results[0][part]), `${part}, batch ${batchSize}, ${THREADS[t]} threads against 1`).toBe(
            -1,
          );
    }
  });
});

describe('the threads option', () => {
  it("'auto' runs a network with a large layer on the cores available, and keeps a small one on one thread, saying why", async () => {
    const big = await ANN.create({ layers: [784, 196, 1] });
    const { availableParallelism } = await import('node:os');
    expect(big.threads).toBe(Math.min(availableParallelism(), 64));
    expect(big.threadsReason).toMatch(/^'auto'/);
    big.dispose();
    const small = await ANN.create({ layers: [7, 8, 3] });
    expect(small.threads).toBe(1);
    expect(small.threadsReason).toMatch(/largest layer has 56 weights/);
    expect(small.summary().split('\n')[1]).toBe(`runs on 1 thread (${small.threadsReason})`);
    small.dispose();
  });

  it('the js backend runs on one thread whatever is asked, and says so', async () => {
    const net = await ANN.create({ layers: [4, 3, 1], backend: 'js', threads: 4 });
    expect([net.threads, net.threadsReason]).toEqual([1, 'threads 4, but the js backend runs on one thread']);
    net.dispose();
  });

  it('runs on one thread, saying why, when setWasmSource() gave no shared-memory build', async () => {
    setWasmSource({
      simd: new URL('../build/kernels.wasm', import.meta.url),
      relaxed: new URL('../build/kernels-relaxed.wasm', import.meta.url),
    });
    try {
      const net = await ANN.create({ layers: [40, 30, 1], threads: 2 });
      expect([net.threads, net.threadsReason]).toEqual([
        1,
        'threads 2, but setWasmSource() gave no shared-memory build (simdShared / relaxedShared)',
      ]);
      net.dispose();
    } finally {
      setWasmSource(null);
    }
  });

  it('refuses a count that is not an integer from 1 to 64, by name', async () => {
    for (const bad of [0, 65, 1.5, -2, Number.NaN])
      await expect(ANN.create({ layers: [2, 1], threads: bad })).rejects.toThrow(
        /^ANN\.create: options\.threads must be 'auto' or an integer from 1 to 64, got /,
      );
    await expect(ANN.create({ layers: [2, 1], threads: 'all' as never })).rejects.toThrow(TypeError);
  });

  it('is a setting of where a network runs, not of the model: a saved network loads on any count and keeps its weights', async () => {
    const net = await ANN.create({ layers: [30, 20, 1], seed: 5, threads: 2 });
    const json = net.toJSON();
    expect(JSON.stringify(json)).not.toMatch(/thread/);
    const back = await ANN.fromJSON(json, { threads: 3 });
    expect(back.threads).toBe(3);
    expect(back.getWeights()).toEqual(net.getWeights());
    await expect(ANN.fromJSON(json, { threads: 'many' as never })).rejects.toThrow(/^ANN\.fromJSON: options\.threads must be 'auto'/);
    net.dispose();
    back.dispose();
  });

  it('starts its workers from a script run as a module or as CommonJS, and the process exits after', () => {
    const dist = new URL('../dist/index.js', import.meta.url);
    const use = `(lib) => lib.ANN.create({ layers: [40, 30, 1], threads: 2 }).then((n) => { n.predict([new Array(40).fill(1)]); console.log('threads', n.threads); })`;
    const runs = [
      ['--input-type=module', '-e', `import(${JSON.stringify(dist.href)}).then(${use})`],
      ['-e', `Promise.resolve(require(${JSON.stringify(dist.pathname)})).then(${use})`],
    ];
    for (const args of runs) {
      const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr, args.join(' ')).toBe('');
      expect([r.status, r.stdout.trim()]).toEqual([0, 'threads 2']);
    }
  });

  it('wakes the workers that went to sleep between calls: calls after pauses give the bits of calls back to back', () => {
    // In a child process under a timeout: a worker left asleep would block the caller in
    // Atomics.wait for good, which no test timeout in this thread could interrupt.
    const dist = (path: string) => JSON.stringify(new URL(`../dist/${path}`, import.meta.url).href);
    const script = `
      const { ANN } = await import(${dist('index.js')});
      const { setPartMinimums } = await import(${dist('backend/threaded.js')});
      setPartMinimums(1, 1);
      const net = await ANN.create({ layers: [64, 48, 3], output: 'softmax', loss: 'categoricalCrossEntropy', threads: 3, seed: 5 });
      const x = Array.from({ length: 40 }, (_, r) => Array.from({ length: 64 }, (_, c) => Math.sin(r * 64 + c)));
      const bits = () => Array.from(new Uint32Array(Float32Array.from(net.predict(x).data).buffer)).join(',');
      const backToBack = Array.from({ length: 4 }, bits);
      const afterPauses = [];
      for (let i = 0; i < 4; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        afterPauses.push(bits());
      }
      const all = new Set([...backToBack, ...afterPauses]);
      console.log(net.threads, all.size, afterPauses.length);
      net.dispose();`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect([r.signal, r.status, r.stdout.trim()]).toEqual([null, 0, '3 1 4']);
  });

  it('an imported network takes it too (fromONNX, fromTfjs), refused by name when bad', async () => {
    const net = await ANN.create({ layers: [30, 20, 1], seed: 6, threads: 1 });
    const back = await ANN.fromONNX(net.toONNX(), { threads: 2 });
    expect(back.threads).toBe(2);
    expect(back.predict([new Array(30).fill(0.5)]).data).toEqual(net.predict([new Array(30).fill(0.5)]).data);
    await expect(ANN.fromTfjs(net.toTfjs(), { threads: 0 })).rejects.toThrow(
      /options\.threads must be 'auto' or an integer from 1 to 64, got 0/,
    );
    net.dispose();
    back.dispose();
  });

  it('dispose terminates the workers: a disposed threaded network refuses work', async () => {
    const net = await ANN.create({ layers: [30, 20, 1], threads: 3 });
    net.dispose();
    expect(() => net.predict([new Array(30).fill(0)])).toThrow(/disposed/);
  });
});
