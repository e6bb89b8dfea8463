/**
 * What ANN.fromONNX refuses, and how the refusal reads: damaged bytes (named by the message path
 * and byte offset), operators outside a chain of dense layers (named by node and op type), shapes
 * that do not chain, non-finite weights, and the rest. Then a fuzz test: seeded truncations and
 * byte flips of the PyTorch file, each either imported (and predicting) or refused
 * with a message that starts with 'fromONNX:' — never a crash, a hang, or a bare RangeError from
 * inside the decoder.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ANN, Random } from '../src/index.js';
import { DOUBLE, draw, float, int, model, node, tensor, value } from './helpers/onnx-graphs.js';

const PYTORCH = new Uint8Array(readFileSync(new URL('./fixtures/pytorch-seeds-mlp.onnx', import.meta.url)));

/** A 3-4-2 graph: Gemm, Relu, Gemm, Softmax, with the parts a test wants to change. */
function twoLayers(
  change: {
    nodes?: Parameters<typeof model>[0]['nodes'];
    W1?: ReturnType<typeof tensor>;
    b0?: ReturnType<typeof tensor>;
    inputShape?: (number | string | null)[];
  } = {},
): Uint8Array {
  return model({
    nodes: change.nodes ?? [
      node('Gemm', ['x', 'W0', 'b0'], ['z0'], [int('transB', 1)], '/0/Gemm'),
      node('Relu', ['z0'], ['h0'], [], '/1/Relu'),
      node('Gemm', ['h0', 'W1', 'b1'], ['z1'], [int('transB', 1)], '/2/Gemm'),
      node('Softmax', ['z1'], ['y'], [int('axis', -1)], '/3/Softmax'),
    ],
    initializers: [
      tensor('W0', [4, 3], draw(12, 1)),
      change.b0 ?? tensor('b0', [4], draw(4, 2)),
      change.W1 ?? tensor('W1', [2, 4], draw(8, 3)),
      tensor('b1', [2], draw(2, 4)),
    ],
    inputs: [value('x', change.inputShape ?? ['N', 3])],
    outputs: [value('y', ['N', 2])],
  });
}

describe('damaged bytes are refused with the message path and what was wrong', () => {
  it('empty, text, and cut-off files', async () => {
    await expect(ANN.fromONNX(new Uint8Array(0))).rejects.toThrow('fromONNX: the file is empty');
    await expect(ANN.fromONNX(new TextEncoder().encode('{"format": "backprop-wasm"}'))).rejects.toThrow(
      /^fromONNX: not a readable ONNX model \(truncated or damaged\?\): ModelProto: field \d+ at byte \d+ has wire type \d/,
    );
    await expect(ANN.fromONNX(PYTORCH.subarray(0, 100))).rejects.toThrow(
      'fromONNX: not a readable ONNX model (truncated or damaged?): ModelProto: field 7 at byte 19 claims 1612 bytes, but the message has 78 left',
    );
    await expect(ANN.fromONNX(PYTORCH.subarray(0, 19))).rejects.toThrow(
      'fromONNX: not a readable ONNX model (truncated or damaged?): ModelProto: has no graph (field 7): not an ONNX model, or the file was cut off before it',
    );
  });

  it('a length inside a nested message that runs past its end names the node', async () => {
    const bytes = PYTORCH.slice();
    // The first node's op_type length (byte 0x50, before 'Gemm': 4 bytes) made 120, past the end of the node's 109 bytes.
    expect(new TextDecoder().decode(bytes.subarray(0x51, 0x55))).toBe('Gemm');
    bytes[0x50] = 120;
    await expect(ANN.fromONNX(bytes)).rejects.toThrow(
      'fromONNX: not a readable ONNX model (truncated or damaged?): ModelProto.graph.node[0]: field 4 at byte 79 claims 120 bytes, but the message has 52 left',
    );
  });

  it('a file that is not there names the path', async () => {
    await expect(ANN.fromONNX('/no/such/model.onnx')).rejects.toThrow(/^fromONNX: \/no\/such\/model\.onnx: cannot read file: ENOENT/);
  });
});

describe('graphs that are not a chain of dense layers are refused with the node named', () => {
  it('an operator outside the subset, as a convolution', async () => {
    const bytes = model({
      nodes: [node('Conv', ['x', 'k'], ['c'], [], '/1/Conv'), node('Relu', ['c'], ['y'], [], '/2/Relu')],
      initializers: [tensor('k', [1, 1, 3, 3], draw(9, 1))],
      inputs: [value('x', ['N', 1, 28, 28])],
      outputs: [value('y', null)],
    });
    await expect(ANN.fromONNX(bytes)).rejects.toThrow(
      "fromONNX: node '/1/Conv' (Conv) is not supported: only Gemm/MatMul+Add and the activations Sigmoid, Tanh, Relu, LeakyRelu (or PRelu with one slope) and Softmax are read (with Sub/Div/Mul/Add in front as the standardizer, and Identity, Dropout, Cast)",
    );
  });

  it('an operator from another domain, and a node without a name (named by its index)', async () => {
    const bytes = model({
      nodes: [node('FusedGemm', ['x', 'W0', 'b0'], ['y'], [], '', 'com.microsoft')],
      initializers: [tensor('W0', [2, 3], draw(6, 1)), tensor('b0', [2], draw(2, 2))],
      inputs: [value('x', ['N', 3])],
      outputs: [value('y', ['N', 2])],
    });
    await expect(ANN.fromONNX(bytes)).rejects.toThrow(
      "fromONNX: node '#0' (FusedGemm) from domain 'com.microsoft' is not supported: only Gemm/MatMul+Add",
    );
  });

  it('a skip connection (Add of two computed values)', async () => {
    const bytes = model({
      nodes: [node('Gemm', ['x', 'W0', 'b0'], ['z'], [int('transB', 1)], 'g'), node('Add', ['z', 'x'], ['y'], [], 'residual')],
      initializers: [tensor('W0', [3, 3], draw(9, 1)), tensor('b0', [3], draw(3, 2))],
      inputs: [value('x', ['N', 3])],
      outputs: [value('y', ['N', 3])],
    });
    await expect(ANN.fromONNX(bytes)).rejects.toThrow(
      "fromONNX: node 'residual' (Add) reads two computed values ('z', 'x'): only a chain of layers, each reading the one before, is imported (no branches or skip connections)",
    );
  });

  it('two activations in a row, a hidden softmax, an activation before any layer', async () => {
    const twice = twoLayers({
      nodes: [
        node('Gemm', ['x', 'W0', 'b0'], ['z0'], [int('transB', 1)], '/0/Gemm'),
        node('Relu', ['z0'], ['r'], [], '/1/Relu'),
        node('Sigmoid', ['r'], ['h0'], [], '/1b/Sigmoid'),
        node('Gemm', ['h0', 'W1', 'b1'], ['y'], [int('transB', 1)], '/2/Gemm'),
      ],
    });
    await expect(ANN.fromONNX(twice)).rejects.toThrow(
      "fromONNX: node '/1b/Sigmoid' (Sigmoid) follows node '/1/Relu' (Relu): a layer has one activation",
    );
    const hiddenSoftmax = twoLayers({
      nodes: [
        node('Gemm', ['x', 'W0', 'b0'], ['z0'], [int('transB', 1)], '/0/Gemm'),
        node('Softmax', ['z0'], ['h0'], [], '/1/Softmax'),
        node('Gemm', ['h0', 'W1', 'b1'], ['y'], [int('transB', 1)], '/2/Gemm'),
      ],
    });
    await expect(ANN.fromONNX(hiddenSoftmax)).rejects.toThrow(
      "fromONNX: node '/1/Softmax' (Softmax) is in a hidden layer; softmax is read as the output layer's activation only",
    );
    const early = twoLayers({
      nodes: [
        node('Tanh', ['x'], ['t'], [], 'early'),
        node('Gemm', ['t', 'W0', 'b0'], ['z0'], [int('transB', 1)]),
        node('Gemm', ['z0', 'W1', 'b1'], ['y'], [int('transB', 1)]),
      ],
    });
    await expect(ANN.fromONNX(early)).rejects.toThrow(
      "fromONNX: node 'early' (Tanh) comes before any dense layer; an activation follows a Gemm or MatMul",
    );
  });

  it('a softmax on the batch axis, two leaky ReLU slopes, a constant minus the data', async () => {
    const axis0 = twoLayers({
      nodes: [
        node('Gemm', ['x', 'W0', 'b0'], ['z0'], [int('transB', 1)]),
        node('Gemm', ['z0', 'W1', 'b1'], ['z1'], [int('transB', 1)]),
        node('Softmax', ['z1'], ['y'], [int('axis', 0)], 'sm'),
      ],
    });
    await expect(ANN.fromONNX(axis0)).rejects.toThrow(
      "fromONNX: node 'sm' (Softmax) has axis 0; a softmax over the units of a batch × units value has axis 1 or −1",
    );
    const slopes = twoLayers({
      nodes: [
        node('Gemm', ['x', 'W0', 'b0'], ['z0'], [int('transB', 1)]),
        node('LeakyRelu', ['z0'], ['h0'], [float('alpha', 0.1)], 'a'),
        node('Gemm', ['h0', 'W1', 'b1'], ['z1'], [int('transB', 1)]),
        node('LeakyRelu', ['z1'], ['y'], [float('alpha', 0.25)], 'b'),
      ],
    });
    await expect(ANN.fromONNX(slopes)).rejects.toThrow(
      `fromONNX: node 'b' (LeakyRelu) has alpha 0.25, but node 'a' (LeakyRelu) has ${Math.fround(0.1)}; a network here has one leaky ReLU slope`,
    );
    const prelu = model({
      nodes: [node('Gemm', ['x', 'W0', 'b0'], ['z0'], [int('transB', 1)]), node('PRelu', ['z0', 'slopes'], ['y'], [], 'p')],
      initializers: [tensor('W0', [4, 3], draw(12, 1)), tensor('b0', [4], draw(4, 2)), tensor('slopes', [4], [0.1, 0.1, 0.3, 0.1])],
      inputs: [value('x', ['N', 3])],
      outputs: [value('y', ['N', 4])],
    });
    await expect(ANN.fromONNX(prelu)).rejects.toThrow(
      `fromONNX: node 'p' (PRelu): slope 'slopes' holds ${Math.fround(0.1)} and ${Math.fround(0.3)} (at index 2); a network here has one leaky ReLU slope for every unit`,
    );
    const reversed = twoLayers({
      nodes: [node('Sub', ['W0', 'x'], ['s'], [], 'flip'), node('Gemm', ['s', 'W1', 'b1'], ['y'], [int('transB', 1)])],
    });
    await expect(ANN.fromONNX(reversed)).rejects.toThrow(
      "fromONNX: node 'flip' (Sub) computes constant − data; a standardizer computes (x − mean) / std",
    );
  });

  it('several graph outputs without options.output, and an output that is not there', async () => {
    const bytes = model({
      nodes: [node('Gemm', ['x', 'W0', 'b0'], ['y'], [int('transB', 1)]), node('Sigmoid', ['y'], ['p'])],
      initializers: [tensor('W0', [2, 3], draw(6, 1)), tensor('b0', [2], draw(2, 2))],
      inputs: [value('x', ['N', 3])],
      outputs: [value('y', ['N', 2]), value('p', ['N', 2])],
    });
    await expect(ANN.fromONNX(bytes)).rejects.toThrow(
      "fromONNX: the graph has 2 outputs ('y', 'p'); pass options.output to say which one is the network's",
    );
    await expect(ANN.fromONNX(bytes, { output: 'q' })).rejects.toThrow(
      "fromONNX: options.output is 'q', but the graph's outputs are 'y', 'p'",
    );
    const net = await ANN.fromONNX(bytes, { output: 'y' });
    expect(net.activations).toEqual(['identity']);
  });
});

describe('shapes that do not chain are refused with both sides named', () => {
  it("a layer's weights that take more inputs than the layer before has units", async () => {
    await expect(ANN.fromONNX(twoLayers({ W1: tensor('W1', [2, 5], draw(10, 3)) }))).rejects.toThrow(
      "fromONNX: node '/2/Gemm' (Gemm): weights 'W1' [2, 5] (transB = 1) take 5 inputs, but the layer reads the 4 units of node '/0/Gemm' (Gemm): the shapes do not chain",
    );
  });

  it('a bias of the wrong length, and a declared input width that is not the first layer’s', async () => {
    await expect(ANN.fromONNX(twoLayers({ b0: tensor('b0', [5], draw(5, 2)) }))).rejects.toThrow(
      "fromONNX: node '/0/Gemm' (Gemm): bias 'b0' has shape [5]; the layer has 4 units, so [4], [1, 4] or a single value",
    );
    await expect(ANN.fromONNX(twoLayers({ inputShape: ['N', 7] }))).rejects.toThrow(
      "fromONNX: graph input 'x' is declared [N, 7], but the first layer (node '/0/Gemm' (Gemm)) reads 3 features",
    );
    await expect(ANN.fromONNX(twoLayers({ inputShape: ['N', 1, 28, 28] }))).rejects.toThrow(
      "fromONNX: graph input 'x' has 4 dimensions [N, 1, 28, 28]; a network reads batch × features (2)",
    );
  });

  it('initializers whose size disagrees with their dims, or that cannot be read', async () => {
    const short = { ...tensor('W1', [2, 4], draw(8, 3)), data: Float32Array.from(draw(7, 3)) };
    await expect(ANN.fromONNX(twoLayers({ W1: short }))).rejects.toThrow(
      "fromONNX: node '/2/Gemm' (Gemm): constant 'W1' cannot be read: dims [2, 4] give 8 values = 32 bytes of float32, but raw_data holds 28 bytes",
    );
    const half = { ...tensor('W1', [2, 4], draw(8, 3)), dataType: 10, data: Float32Array.from(draw(4, 3)) };
    await expect(ANN.fromONNX(twoLayers({ W1: half }))).rejects.toThrow(
      "fromONNX: node '/2/Gemm' (Gemm): constant 'W1' cannot be read: its elements are float16; only float32 and float64 tensors are read",
    );
    const mixed = twoLayers({ W1: tensor('W1', [2, 4], draw(8, 3), { dataType: DOUBLE }) });
    await expect(ANN.fromONNX(mixed)).rejects.toThrow(
      "fromONNX: node '/2/Gemm' (Gemm): weights 'W1' are float64, but the first layer's are float32",
    );
  });
});

describe('non-finite weights are refused with the constant and index named', () => {
  it('NaN in a weight matrix, Infinity in a bias', async () => {
    const nan = draw(8, 3);
    nan[5] = Number.NaN;
    await expect(ANN.fromONNX(twoLayers({ W1: tensor('W1', [2, 4], nan) }))).rejects.toThrow(
      "fromONNX: node '/2/Gemm' (Gemm): constant 'W1' [2, 4] holds NaN at index 5; weights must be finite",
    );
    const inf = draw(4, 2);
    inf[0] = Number.POSITIVE_INFINITY;
    await expect(ANN.fromONNX(twoLayers({ b0: tensor('b0', [4], inf) }))).rejects.toThrow(
      "fromONNX: node '/0/Gemm' (Gemm): constant 'b0' [4] holds Infinity at index 0; weights must be finite",
    );
  });

  it('a scale of zero in the standardizer', async () => {
    const bytes = model({
      nodes: [node('Div', ['x', 's'], ['xs'], [], 'scale'), node('Gemm', ['xs', 'W0', 'b0'], ['y'], [int('transB', 1)])],
      initializers: [tensor('s', [3], [1, 0, 2]), tensor('W0', [2, 3], draw(6, 1)), tensor('b0', [2], draw(2, 2))],
      inputs: [value('x', ['N', 3])],
      outputs: [value('y', ['N', 2])],
    });
    await expect(ANN.fromONNX(bytes)).rejects.toThrow(
      "fromONNX: node 'scale' (Div): dividing feature 1 by 0 gives a scale of Infinity; a standardizer's scale (1 / std) must be positive and finite",
    );
  });
});

describe('options are checked before anything is read', () => {
  it('unknown keys, a bad loss, a bad output name, a bad source', async () => {
    await expect(ANN.fromONNX(PYTORCH, { los: 'meanSquaredError' } as never)).rejects.toThrow(
      "fromONNX: unknown option 'los' (did you mean 'loss'?)",
    );
    await expect(ANN.fromONNX(PYTORCH, { loss: 'crossEntropy' as never })).rejects.toThrow(
      "fromONNX: options.loss must be one of 'meanSquaredError', 'binaryCrossEntropy', 'categoricalCrossEntropy', got 'crossEntropy'",
    );
    await expect(ANN.fromONNX(PYTORCH, { loss: 'binaryCrossEntropy' })).resolves.toBeInstanceOf(ANN);
    await expect(ANN.fromONNX(42 as never)).rejects.toThrow('fromONNX: expected the ONNX file’s bytes'.replace('’', "'"));
  });

  it('a loss the output cannot take is refused by the architecture check, named as the import', async () => {
    const identity = model({
      nodes: [node('Gemm', ['x', 'W0', 'b0'], ['y'], [int('transB', 1)])],
      initializers: [tensor('W0', [2, 3], draw(6, 1)), tensor('b0', [2], draw(2, 2))],
      inputs: [value('x', ['N', 3])],
      outputs: [value('y', ['N', 2])],
    });
    await expect(ANN.fromONNX(identity, { loss: 'categoricalCrossEntropy' })).rejects.toThrow(
      "fromONNX: loss 'categoricalCrossEntropy' needs options.output 'softmax', got 'identity'",
    );
  });
});

describe('fuzz: truncations and byte flips of the PyTorch file', () => {
  it('every damaged copy is imported or refused cleanly, within a bounded time', async () => {
    const random = new Random(20261201);
    const outcomes = { imported: 0, refused: 0 };
    const messages = new Map<string, number>();
    const start = performance.now();
    const tryOne = async (bytes: Uint8Array, what: string) => {
      try {
        const net = await ANN.fromONNX(bytes, { backend: 'js' });
        const out = net.predict([[0.1, -0.2, 0.3, 0, 1, -1, 0.5]]);
        expect(out.data.length, what).toBe(net.layers[net.layers.length - 1]);
        net.dispose();
        outcomes.imported++;
      } catch (e) {
        const err = e as Error;
        // A clean refusal: our message, which says where; never a RangeError or TypeError from inside a DataView or array.
        expect(err.message, `${what}: ${err.stack}`).toMatch(/^fromONNX: /);
        expect(err.message, what).not.toMatch(
          /Offset is outside|Invalid typed array length|out of memory|Maximum call stack|undefined \(reading/i,
        );
        const kind = err.message.replace(/\d+/g, 'N').slice(0, 90);
        messages.set(kind, (messages.get(kind) ?? 0) + 1);
        outcomes.refused++;
      }
    };
    // Every truncation (the file is 1,638 bytes).
    for (let n = 0; n < PYTORCH.length; n++) await tryOne(PYTORCH.subarray(0, n), `truncated to ${n} bytes`);
    // Seeded flips: one to four bytes changed to random values, or a single bit flipped, for one
    // second and at least 200 copies (a loaded machine gets the same coverage, only later).
    let flips = 0;
    const flipStart = performance.now();
    while (flips < 200 || performance.now() - flipStart < 1000) {
      const bytes = PYTORCH.slice();
      const changes = 1 + random.int(4);
      const where: number[] = [];
      for (let k = 0; k < changes; k++) {
        const at = random.int(bytes.length);
        bytes[at] = random.int(2) === 0 ? random.int(256) : bytes[at] ^ (1 << random.int(8));
        where.push(at);
      }
      await tryOne(bytes, `bytes ${where.join(', ')} changed`);
      flips++;
    }
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `ONNX fuzz: ${PYTORCH.length} truncations and ${flips} damaged copies in ${seconds.toFixed(2)} s: ${outcomes.imported} imported, ${outcomes.refused} refused; most common refusals:\n${[
        ...messages.entries(),
      ]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([m, n]) => `  ${n} × ${m}`)
        .join('\n')}`,
    );
    expect(outcomes.refused).toBeGreaterThan(PYTORCH.length - 1);
    expect(seconds).toBeLessThan(10);
  });
});
