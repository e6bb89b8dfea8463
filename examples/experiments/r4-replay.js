// R4 of ../../../shared/REFERENCE.md: four layers (5-3-5-4), leaky ReLU (slope 0.1) then two
// sigmoid layers, squared error, plain SGD at learning rate 0.01 on one sample for 10,000 steps,
// started from the reference code's own initial weights (numpy, seed 42) and compared with the loss
// trajectory it recorded in ../../data/r4_reference.json.
// Run by examples/r4-replay.js and test/r4-replay.test.ts.
import { readFileSync } from 'node:fs';
import { ANN } from 'backprop-wasm';

/** @typedef {import('backprop-wasm').BackendName} BackendName */
/** @typedef {import('backprop-wasm').Precision} Precision */
/** @typedef {import('backprop-wasm').EpochLog} EpochLog */

/**
 * The reference run (see ../../data/README.md).
 * @typedef {object} Reference
 * @property {number[]} layers
 * @property {number} learningRate
 * @property {number} steps
 * @property {number[]} x the one sample
 * @property {number[]} y its target
 * @property {{ W: number[][], b: number[] }[]} initialWeights W is units × inputs, nested rows
 * @property {Record<string, number>} lossBeforeStep step → the loss before that step's update
 * @property {number} lossAfterAllSteps
 * @property {number[]} outputAfterAllSteps
 */

/** The file the reference code wrote. */
export const REFERENCE_FILE = new URL('../../data/r4_reference.json', import.meta.url);
/** The write-up's leaky ReLU slope (for z ≤ 0). */
export const LEAKY_RELU_SLOPE = 0.1;

/** @returns {Reference} */
export function loadReference() {
  return JSON.parse(readFileSync(REFERENCE_FILE, 'utf8'));
}

/**
 * A measured loss next to the reference's.
 * @typedef {object} Checkpoint
 * @property {number | null} step the loss before this step; null: after all steps
 * @property {number} loss
 * @property {number} reference
 * @property {number} relative |loss − reference| / |reference|
 */

/**
 * @typedef {object} Replay
 * @property {EpochLog[]} history one entry per step: its loss is the loss before that step's update
 * @property {number} after the loss after all steps
 * @property {number[]} output the network's output for the sample after all steps
 * @property {Checkpoint[]} checkpoints each step of ref.lossBeforeStep, then after all steps
 * @property {number} worstRelative the largest relative loss difference over the checkpoints
 * @property {number} worstOutput the largest absolute difference from ref.outputAfterAllSteps
 */

const rel = (/** @type {number} */ a, /** @type {number} */ b) => Math.abs(a - b) / Math.abs(b);

/**
 * Replays the reference: the same network, started from the reference's initial weights, one
 * sample, batch of one, no shuffling — each epoch is one step.
 * @param {Reference} ref from loadReference()
 * @param {{ backend?: BackendName, precision?: Precision, onStart?: (net: ANN) => void, onEpochEnd?: (log: EpochLog) => void }} [options] default wasm, f64
 * @returns {Promise<Replay>}
 */
export async function replay(ref, options = {}) {
  const { backend = 'wasm', precision = 'f64' } = options;
  const net = await ANN.create({
    layers: ref.layers,
    activation: ['leakyRelu', 'sigmoid'],
    leakyReluSlope: LEAKY_RELU_SLOPE,
    output: 'sigmoid',
    loss: 'meanSquaredError',
    backend,
    precision,
  });
  net.setWeights(ref.initialWeights);
  options.onStart?.(net);
  // One sample, batch of one, no shuffling: each epoch is one step, and its logged loss is the
  // loss measured before that step's update.
  const history = await net.fit([ref.x], [ref.y], {
    epochs: ref.steps,
    batchSize: 1,
    learningRate: ref.learningRate,
    shuffle: false,
    onEpochEnd: options.onEpochEnd,
  });
  const after = net.evaluate([ref.x], [ref.y]).loss;
  const output = Array.from(net.predict([ref.x]).data);
  net.dispose();

  /** @type {Checkpoint[]} */
  const checkpoints = Object.entries(ref.lossBeforeStep).map(([step, reference]) => {
    const loss = history[Number(step)].loss;
    return { step: Number(step), loss, reference, relative: rel(loss, reference) };
  });
  checkpoints.push({ step: null, loss: after, reference: ref.lossAfterAllSteps, relative: rel(after, ref.lossAfterAllSteps) });
  return {
    history,
    after,
    output,
    checkpoints,
    worstRelative: Math.max(...checkpoints.map((c) => c.relative)),
    worstOutput: Math.max(...output.map((v, i) => Math.abs(v - ref.outputAfterAllSteps[i]))),
  };
}
