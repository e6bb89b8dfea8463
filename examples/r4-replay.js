// R4: four layers (5-3-5-4), leaky ReLU (slope 0.1) then two sigmoid layers, squared error, plain
// SGD at learning rate 0.01 on one sample for 10,000 steps, started from the reference code's own
// initial weights (numpy, seed 42) and compared with the loss trajectory it recorded in
// data/r4_reference.json, in float64 and in float32.
// The experiment itself is examples/experiments/r4-replay.js (test/r4-replay.test.ts runs it too).
// Run: node examples/r4-replay.js [backend]   (backend: wasm, the default, or js)
import { loadReference, replay } from './experiments/r4-replay.js';

const backend = /** @type {import('backprop-wasm').BackendName} */ (process.argv[2] ?? 'wasm');
const ref = loadReference();
const fmt = (/** @type {number} */ v) => v.toExponential(6).padStart(13);

console.log(`R4 replay: x = [${ref.x.join(', ')}], y = [${ref.y.join(', ')}]`);
for (const precision of /** @type {const} */ (['f64', 'f32'])) {
  const { output, checkpoints, worstRelative, worstOutput } = await replay(ref, {
    backend,
    precision,
    onStart: (net) =>
      console.log(
        `\n${net.layers.join('-')} ${net.activations.join('/')}, ${net.loss}, ${net.backend} ${net.precision}; SGD on one sample, learning rate ${ref.learningRate}, ${ref.steps} steps`,
      ),
    onEpochEnd: (log) => {
      if ((log.epoch - 1) % 1000 === 0 || log.epoch === ref.steps)
        console.log(`  step ${String(log.epoch - 1).padStart(4)}  loss before it ${log.loss.toExponential(6)}`);
    },
  });
  console.log(`  ${'checkpoint'.padEnd(16)} ${'loss'.padStart(13)} ${'reference'.padStart(13)}   relative difference`);
  for (const { step, loss, reference, relative } of checkpoints) {
    console.log(
      `  ${(step === null ? 'after all steps' : `before step ${step}`).padEnd(16)} ${fmt(loss)} ${fmt(reference)}   ${relative.toExponential(2)}`,
    );
  }
  console.log(`  final output ${output.map((v) => v.toFixed(9)).join(', ')}`);
  console.log(`  reference    ${ref.outputAfterAllSteps.map((v) => v.toFixed(9)).join(', ')}  (target ${ref.y.join(', ')})`);
  console.log(
    `  ${precision}: largest relative loss difference ${worstRelative.toExponential(2)}, largest output difference ${worstOutput.toExponential(2)}`,
  );
}
