/**
 * R1 epochs in tfjs-layers, the way its documentation trains a model: a sequential network of
 * two dense layers (784 → 196 → 1, sigmoid both, Glorot-uniform weights, zero biases), loss
 * 'binaryCrossentropy', optimizer tf.train.sgd(0.5), metrics ['accuracy'] (this library's fit()
 * counts accuracy too), model.fit with the same batch size, one epoch, shuffled.
 *
 * Each timed run trains a fresh model (weights seeded per run, creation and compile not timed);
 * one short untimed fit first lets tfjs set up its kernels.
 */
import { useBackend } from './tfjs.js';
import { warmupRows } from './training.js';

function r1Model(tf, tfl, seed) {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 196, activation: 'sigmoid', inputShape: [784], kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1000 }) }));
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * `runs` one-epoch fits on tfjs backend `backend` ('wasm' or 'cpu'). `data` is R1's
 * { train: { x, y }, test: { x, y } } (matrices { data, rows, cols }).
 * Returns { backend, batch, samples, times: [ms], testAccuracies (one per run), and the last run's
 * testAccuracy, testLoss, trainAccuracy }. Runs differ in their seeded initial weights and in
 * tfjs's own (unseeded) shuffle, so their accuracies differ too.
 */
export async function tfjsEpochs({ tf, tfl }, backend, data, { batch, runs }) {
  await useBackend(tf, backend);
  const tensor = (m) => tf.tensor2d(m.data, [m.rows, m.cols]);
  const [x, y, testX, testY] = [data.train.x, data.train.y, data.test.x, data.test.y].map(tensor);
  const fit = (model, xs, ys) => model.fit(xs, ys, { batchSize: batch, epochs: 1, shuffle: true, verbose: 0 });

  const warm = r1Model(tf, tfl, 99);
  const warmRows = warmupRows(batch, data.train.x.rows);
  const [wx, wy] = [x, y].map((t) => tf.slice(t, [0, 0], [warmRows, -1]));
  await fit(warm, wx, wy);
  tf.dispose([wx, wy]);
  warm.dispose();

  const times = [];
  const testAccuracies = [];
  let result = {};
  for (let run = 0; run < runs; run++) {
    const model = r1Model(tf, tfl, run + 1);
    const started = performance.now();
    const history = await fit(model, x, y);
    times.push(performance.now() - started);
    const [loss, acc] = model.evaluate(testX, testY, { batchSize: 1024 });
    result = { testLoss: loss.dataSync()[0], testAccuracy: acc.dataSync()[0], trainAccuracy: history.history.acc?.[0] ?? history.history.accuracy?.[0] };
    testAccuracies.push(result.testAccuracy);
    tf.dispose([loss, acc]);
    model.dispose();
  }
  tf.dispose([x, y, testX, testY]);
  return { backend, batch, samples: data.train.x.rows, times, testAccuracies, ...result };
}
