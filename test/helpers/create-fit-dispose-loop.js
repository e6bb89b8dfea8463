// Creates, fits, predicts and disposes small networks of varied shapes for argv[2] seconds, with
// nothing else pending, then prints "done N". Run by test/no-hang.test.ts under a watchdog.
// With argv[3] = 'threads' every network runs on 2 or 3 threads (workers started and terminated
// each time), and the last one is left undisposed, its workers alive: the process must still exit.
import { ANN } from '../../dist/index.js';

const seconds = Number(process.argv[2] ?? 8);
const threaded = process.argv[3] === 'threads';
const started = Date.now();
let i = 0;
while (Date.now() - started < seconds * 1000) {
  const inputs = 1 + (i % 9);
  const outputs = 1 + (i % 3);
  const x = Array.from({ length: 20 + (i % 50) }, (_, r) => Array.from({ length: inputs }, (_, c) => Math.sin(r * 3 + c + i)));
  const y = x.map((row) => Array.from({ length: outputs }, (_, o) => (row[0] * (o + 1) > 0 ? 1 : 0)));
  const net = await ANN.create({ layers: [inputs, 1 + ((i * 7) % 33), outputs], activation: /** @type {const} */ (['relu', 'tanh', 'sigmoid'])[i % 3], seed: i, precision: i % 4 ? 'f32' : 'f64', threads: threaded ? 2 + (i % 2) : 1 });
  await net.fit(x, y, { epochs: 1 + (i % 3), batchSize: 1 + (i % 17), learningRate: 0.05 });
  net.predict(x);
  net.dispose();
  i++;
}
if (threaded) await ANN.create({ layers: [64, 64, 1], threads: 2 });
console.log(`done ${i}`);
