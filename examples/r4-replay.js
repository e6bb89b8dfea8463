// R4: four layers (5-3-5-4), leaky ReLU (slope 0.1) then two sigmoid layers, squared error, plain
// SGD at learning rate 0.01 on one sample for 10,000 steps, started from the reference code's own
// initial weights (numpy, seed 42) and compared with the loss trajectory it recorded in
// ../shared/data/r4_reference.json, in float64 and in float32.
// Run: node examples/r4-replay.js [backend]   (backend: wasm, the default, or js)
import { readFileSync } from 'node:fs';
import { ANN } from 'backprop-wasm';

const backend = process.argv[2] ?? 'wasm';
const ref = JSON.parse(readFileSync(new URL('../../shared/data/r4_reference.json', import.meta.url), 'utf8'));
const rel = (a, b) => Math.abs(a - b) / Math.abs(b);
const fmt = (v) => v.toExponential(6).padStart(13);

async function replay(precision) {
  const net = await ANN.create({
    layers: ref.layers,
    activation: ['leakyRelu', 'sigmoid'],
    leakyReluSlope: 0.1,
    output: 'sigmoid',
    loss: 'meanSquaredError',
    backend,
    precision,
  });
  net.setWeights(ref.initialWeights);
  console.log(`\n${net.layers.join('-')} ${net.activations.join('/')}, ${net.loss}, ${net.backend} ${net.precision}; SGD on one sample, learning rate ${ref.learningRate}, ${ref.steps} steps`);
  // One sample, batch of one, no shuffling: each epoch is one step, and its logged loss is the
  // loss measured before that step's update.
  const history = await net.fit([ref.x], [ref.y], {
    epochs: ref.steps,
    batchSize: 1,
    learningRate: ref.learningRate,
    shuffle: false,
    onEpochEnd: (log) => {
      if ((log.epoch - 1) % 1000 === 0 || log.epoch === ref.steps) console.log(`  step ${String(log.epoch - 1).padStart(4)}  loss before it ${log.loss.toExponential(6)}`);
    },
  });
  const after = net.evaluate([ref.x], [ref.y]).loss;
  const output = Array.from(net.predict([ref.x]).data);
  net.dispose();

  console.log(`  ${'checkpoint'.padEnd(16)} ${'loss'.padStart(13)} ${'reference'.padStart(13)}   relative difference`);
  let worst = 0;
  for (const [step, loss] of Object.entries(ref.lossBeforeStep)) {
    const got = history[Number(step)].loss;
    worst = Math.max(worst, rel(got, loss));
    console.log(`  ${`before step ${step}`.padEnd(16)} ${fmt(got)} ${fmt(loss)}   ${rel(got, loss).toExponential(2)}`);
  }
  worst = Math.max(worst, rel(after, ref.lossAfterAllSteps));
  console.log(`  ${'after all steps'.padEnd(16)} ${fmt(after)} ${fmt(ref.lossAfterAllSteps)}   ${rel(after, ref.lossAfterAllSteps).toExponential(2)}`);
  const outDiff = Math.max(...output.map((v, i) => Math.abs(v - ref.outputAfterAllSteps[i])));
  console.log(`  final output ${output.map((v) => v.toFixed(9)).join(', ')}`);
  console.log(`  reference    ${ref.outputAfterAllSteps.map((v) => v.toFixed(9)).join(', ')}  (target ${ref.y.join(', ')})`);
  console.log(`  ${precision}: largest relative loss difference ${worst.toExponential(2)}, largest output difference ${outDiff.toExponential(2)}`);
}

console.log(`R4 replay: x = [${ref.x.join(', ')}], y = [${ref.y.join(', ')}]`);
await replay('f64');
await replay('f32');
