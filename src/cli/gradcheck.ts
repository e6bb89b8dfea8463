/**
 * `backprop-wasm gradcheck`: backpropagated gradients against finite differences, layer by layer,
 * on a network built from flags (float64 by default) or loaded from a model file.
 */
import { ANN } from '../ann.js';
import { gradCheck } from '../tools/gradcheck.js';
import { matrix, type Matrix } from '../io/matrix.js';
import { LOSSES } from '../core/losses.js';
import { Random } from '../core/random.js';
import { choiceFlag, intListFlag, numberFlag, UsageError, type Flags } from './args.js';
import { say, type Command } from './command.js';
import { describeKernels, KERNEL_HELP, threadsFlag, useKernelFlags } from './kernel-flags.js';
import { labelledTask, loadForModel, MODEL_DATA_FLAGS, openModel } from './model-data.js';
import { targets } from './targets.js';
import { labelledRows } from './dataset.js';
import { selectRows } from '../data/transform.js';
import { isCsr } from '../core/csr-rows.js';
import { selectCsrRows, type CsrMatrix } from '../io/csr.js';
import { scaleTargets } from './target-scaling.js';
import { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS } from '../core/activations.js';
import { createNetwork, LOSS_ALIASES } from './network-flags.js';

export const gradcheck: Command = {
  name: 'gradcheck',
  summary: 'compare backpropagated gradients with finite differences, per layer',
  flags: {
    ...MODEL_DATA_FLAGS,
    inputs: { type: 'string' },
    layers: { type: 'string' },
    outputs: { type: 'string' },
    activation: { type: 'string' },
    output: { type: 'string' },
    loss: { type: 'string' },
    precision: { type: 'string' },
    seed: { type: 'string' },
    samples: { type: 'string' },
    params: { type: 'string' },
    tolerance: { type: 'string' },
  },
  help: `Usage: backprop-wasm gradcheck [--model FILE [--data FILE]] [flags]

Prints, for each weight layer, the largest relative error between the backpropagated gradient of
every weight and bias and a fourth-order finite-difference estimate (taken in float64). Exits
with 1 if an error exceeds the tolerance. Without --model it builds a network from the flags and
checks it on random samples; with --model it checks the saved network, on rows of --data if given.

  --model FILE, -m FILE   check a saved model (its own precision)
  --data FILE             labelled rows to check on, with --model (default random samples)
  --inputs N              inputs of a built network (default 4)
  --layers 5,4            hidden layer sizes, or 'none' (default 5,4)
  --outputs N             outputs (default 3)
  --activation NAME       hidden activation: ${HIDDEN_ACTIVATIONS.join(', ')} (default tanh)
  --output NAME           output activation (default softmax; sigmoid for one output)
  --loss NAME             mse, bce, cce or the full names (default cce; bce for one output)
  --precision f64|f32     precision of a built network (default f64: errors near 1e-10)
  --seed N                weights and samples (default 1)
  --samples N             samples to check on (default 8)
  --params N              compare at most N weights and N biases of each layer, evenly spaced
                          (default: all of them up to 5,000 parameters in the network, else 100)
  --tolerance X           largest acceptable error (default 1e-6 in f64, 1e-2 in f32)
${KERNEL_HELP}

Example
  backprop-wasm gradcheck --layers 8 --activation relu --outputs 1 --loss bce
  backprop-wasm gradcheck --model seeds.json --data seeds.txt --samples 20`,
  run: runGradcheck,
};

async function runGradcheck(flags: Flags): Promise<void> {
  const samples = numberFlag(flags, 'samples', 8, { integer: true, min: 1 });
  const seed = numberFlag(flags, 'seed', 1, { integer: true, min: 0, max: 2 ** 32 - 1 });
  const fromModel = flags.model !== undefined;
  if (!fromModel) {
    for (const f of ['data', 'set', 'label-column', 'mnist-dir', 'skip-rows', 'missing', 'header', 'no-header', 'delimiter'])
      if (flags[f] !== undefined) throw new UsageError(`--${f} goes with --model`);
  } else {
    for (const f of ['inputs', 'layers', 'outputs', 'activation', 'output', 'loss', 'precision']) {
      if (flags[f] !== undefined) throw new UsageError(`--${f} describes a network to build; it cannot change the one --model loads`);
    }
  }
  const net = fromModel ? await openModel(flags) : await buildNetwork(flags, seed);
  try {
    const tolerance = numberFlag(flags, 'tolerance', net.precision === 'f64' ? 1e-6 : 1e-2, { above: 0 });
    const { x, y, what } = fromModel && flags.data !== undefined ? await rowsOf(flags, net, samples) : randomSamples(net, samples, seed);
    const hidden = [...new Set(net.activations.slice(0, -1))].join('/') || 'no hidden layer';
    say(
      `network: ${net.layers.join('-')} (${hidden} → ${net.activations[net.activations.length - 1]}), ${net.loss}, ${net.precision} on ${describeKernels(net)}, seed ${net.seed}`,
    );
    say(`data: ${what}`);
    // Each parameter costs four loss evaluations over the whole network: checking all of them takes
    // time that grows with the square of the count (20,000 parameters: about half a minute), so a
    // large network is checked on an even spread of its parameters unless --params says otherwise.
    const parameters = net.layers.slice(1).reduce((sum, units, i) => sum + units * (net.layers[i] + 1), 0);
    const perLayer =
      flags.params !== undefined ? numberFlag(flags, 'params', SPREAD, { integer: true, min: 1 }) : parameters > LARGE ? SPREAD : Infinity;
    if (perLayer !== Infinity)
      say(
        `checking at most ${perLayer} weights and ${perLayer} biases of each layer, evenly spaced, of ${parameters.toLocaleString('en-US')} parameters (--params)`,
      );
    const result = await gradCheck(net, x, y, { maxPerLayer: perLayer });
    result.maxRelativeError.forEach((err, l) => {
      const [units, inputs] = [net.layers[l + 1], net.layers[l]];
      say(
        `layer ${l + 1} (${units} × ${inputs} weights + ${units} bias${units === 1 ? '' : 'es'}): max relative error ${err.toExponential(2)}`,
      );
    });
    const worst = result.maxRelativeError.reduce((a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), 0);
    say(
      `checked ${result.checked} parameters (${result.skipped} skipped at ReLU kinks); largest error ${worst.toExponential(2)}, tolerance ${tolerance.toExponential()}`,
    );
    if (!(worst <= tolerance))
      throw new Error(
        `the largest relative error ${worst.toExponential(2)} exceeds the tolerance ${tolerance.toExponential()}: backpropagation and finite differences disagree`,
      );
    say('gradients agree');
  } finally {
    net.dispose();
  }
}

/** Parameter counts above this take seconds to check, and more than linearly so. */
const LARGE = 5000;
/** Weights (and biases) of each layer compared when a large network is checked on a spread of them. */
const SPREAD = 100;

async function buildNetwork(flags: Flags, seed: number): Promise<ANN> {
  const inputs = numberFlag(flags, 'inputs', 4, { integer: true, min: 1 });
  const hidden = intListFlag(flags, 'layers', [5, 4], 1);
  const outputs = numberFlag(flags, 'outputs', 3, { integer: true, min: 1 });
  const activation = choiceFlag(flags, 'activation', HIDDEN_ACTIVATIONS) ?? 'tanh';
  const loss = choiceFlag(flags, 'loss', LOSSES, LOSS_ALIASES) ?? (outputs === 1 ? 'binaryCrossEntropy' : 'categoricalCrossEntropy');
  const output =
    choiceFlag(flags, 'output', OUTPUT_ACTIVATIONS) ??
    (loss === 'categoricalCrossEntropy' ? 'softmax' : loss === 'binaryCrossEntropy' || outputs === 1 ? 'sigmoid' : 'softmax');
  const precision = choiceFlag(flags, 'precision', ['f32', 'f64'] as const) ?? 'f64';
  return createNetwork({
    layers: [inputs, ...hidden, outputs],
    activation,
    output,
    loss,
    precision,
    seed,
    backend: useKernelFlags(flags),
    threads: threadsFlag(flags),
  });
}

/** Inputs uniform in [−1, 1) and targets the loss accepts: one-hot rows, 0/1, or values in [0, 1). */
function randomSamples(net: ANN, n: number, seed: number): { x: Matrix; y: Matrix; what: string } {
  const rng = new Random(seed ^ 0x9e3779b9);
  const inputs = net.layers[0];
  const outputs = net.layers[net.layers.length - 1];
  const x = Float64Array.from({ length: n * inputs }, () => rng.uniform(-1, 1));
  const y = new Float64Array(n * outputs);
  for (let r = 0; r < n; r++) {
    if (net.loss === 'categoricalCrossEntropy') y[r * outputs + rng.int(outputs)] = 1;
    else for (let j = 0; j < outputs; j++) y[r * outputs + j] = net.loss === 'binaryCrossEntropy' ? rng.int(2) : rng.next();
  }
  return { x: matrix(x, n, inputs), y: matrix(y, n, outputs), what: `${n} random samples (seed ${seed})` };
}

/** The first n labelled rows of --data, with targets as the model's classes define them. */
async function rowsOf(flags: Flags, net: ANN, n: number): Promise<{ x: Matrix | CsrMatrix; y: Matrix; what: string }> {
  const task = labelledTask(net, flags);
  const data = await loadForModel(flags, net, 'required');
  const labelled = labelledRows(data.labels!, data.lines);
  const rows = Math.min(n, labelled ? labelled.rows.length : data.x.rows);
  const taken = labelled ? labelled.rows.subarray(0, rows) : Uint32Array.from({ length: rows }, (_, i) => i);
  const outputs = net.layers[net.layers.length - 1];
  const lines = data.lines ? Uint32Array.from(taken, (r) => data.lines![r]) : null;
  const raw = targets(task, Array.from(taken, (r) => data.labels![r]) as (number | string)[], outputs, data.name, lines);
  // The targets the network was trained on: standardized, for a regression model trained so.
  const scaling = net.meta.targetScaling;
  const y = scaling ? scaleTargets(raw, scaling) : raw;
  // svmlight rows stay CSR: the check then runs the first layer's sparse path, as training on them does.
  const x = isCsr(data.x) ? selectCsrRows(data.x, Array.from(taken)) : selectRows(data.x, taken);
  return { x, y, what: `the first ${rows} ${labelled ? 'labelled ' : ''}rows of ${data.name}` };
}
