/**
 * R1 epochs in tfjs-layers, the way its documentation trains a model: a sequential network of
 * two dense layers (784 → 196 → 1, sigmoid both), loss 'binaryCrossentropy', optimizer
 * tf.train.sgd(0.5), metrics ['accuracy'] (this library's fit() counts accuracy too), model.fit
 * with the same batch size, one epoch.
 *
 * So that the accuracies can be compared, tfjs trains exactly what this library trains: the same
 * initial weights (those of ANN.create with R1's seed, transposed into tfjs's inputs × units
 * kernels; zero biases) and the same order of samples (the library's first-epoch shuffle,
 * applied to the data beforehand, with fit's own shuffle off — for a one-epoch run that is the
 * same as shuffling, and tfjs's shuffle is unseeded). Each timed run trains a fresh model
 * (creation and compile not timed); one short untimed fit first lets tfjs set up its kernels.
 */
import { ANN, Random, selectRows } from '../dist/index.js';
import { useBackend } from './tfjs.js';
import { R1_NETWORK, warmupRows } from './training.js';

function r1Model(tf, tfl, weights) {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ units: 196, activation: 'sigmoid', inputShape: [784] }));
  model.add(tfl.layers.dense({ units: 1, activation: 'sigmoid' }));
  // The library's W is units × inputs (row-major); a tfjs Dense kernel is inputs × units.
  model.setWeights(weights.flatMap(({ W, b }) => [tf.transpose(tf.tensor2d(W, [b.length, W.length / b.length])), tf.tensor1d(b)]));
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * `runs` one-epoch fits on tfjs backend `backend` ('wasm' or 'cpu'). `data` is R1's
 * { train: { x, y }, test: { x, y } } (matrices { data, rows, cols }).
 * Returns { backend, batch, samples, times: [ms], testAccuracies (one per run), and the last run's
 * testAccuracy, testLoss, trainAccuracy }. Every run starts from the same weights and order.
 */
export async function tfjsEpochs({ tf, tfl }, backend, data, { batch, runs }) {
  await useBackend(tf, backend);
  const net = await ANN.create({ ...R1_NETWORK, backend: 'js' });
  const weights = net.getWeights();
  // The first epoch's order: the library's shuffle, replayed from the state it saves with a model.
  const shuffler = new Random(0);
  shuffler.setState(net.toJSON().shuffleState);
  net.dispose();
  const order = shuffler.shuffle(Array.from({ length: data.train.x.rows }, (_, i) => i));
  const tensor = (m) => tf.tensor2d(m.data, [m.rows, m.cols]);
  const [x, y, testX, testY] = [selectRows(data.train.x, order), selectRows(data.train.y, order), data.test.x, data.test.y].map(tensor);
  const fit = (model, xs, ys) => model.fit(xs, ys, { batchSize: batch, epochs: 1, shuffle: false, verbose: 0 });

  const warm = r1Model(tf, tfl, weights);
  const warmRows = warmupRows(batch, data.train.x.rows);
  const [wx, wy] = [x, y].map((t) => tf.slice(t, [0, 0], [warmRows, -1]));
  await fit(warm, wx, wy);
  tf.dispose([wx, wy]);
  warm.dispose();

  const times = [];
  const testAccuracies = [];
  let result = {};
  for (let run = 0; run < runs; run++) {
    const model = r1Model(tf, tfl, weights);
    const started = performance.now();
    const history = await fit(model, x, y);
    times.push(performance.now() - started);
    const [loss, acc] = model.evaluate(testX, testY, { batchSize: 1024 });
    result = {
      testLoss: loss.dataSync()[0],
      testAccuracy: acc.dataSync()[0],
      trainAccuracy: history.history.acc?.[0] ?? history.history.accuracy?.[0],
    };
    testAccuracies.push(result.testAccuracy);
    tf.dispose([loss, acc]);
    model.dispose();
  }
  tf.dispose([x, y, testX, testY]);
  return { backend, batch, samples: data.train.x.rows, times, testAccuracies, ...result };
}
