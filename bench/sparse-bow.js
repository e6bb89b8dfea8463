/**
 * Child process of the sparse section (bench/sparse.js): a synthetic bag-of-words problem trained
 * from CSR, in a fresh process so that its peak resident set is its own (bench/rss-probe.js).
 *
 * `rows` documents over `cols` words, `perRow` distinct words each (uniform, seeded), value 1; the
 * label says whether the document has more words from the first half of the vocabulary than the
 * second, which a 1-hidden-layer network learns. A dense copy would take rows × cols × 4 bytes
 * (20 GB for 100,000 × 50,000): only the CSR exists. Prints one JSON line: the epoch times, the
 * non-zeros and the training accuracy.
 *
 *   node bench/sparse-bow.js ROWS COLS PER_ROW UNITS BATCH EPOCHS [sgd|adam]
 *
 * With plain SGD (the default) a step's work is proportional to the words present: the first layer's
 * gradient is written and applied by row list (src/core/sparse-input.ts). Adam updates every weight
 * and moment every step (its moments decay even where the gradient is zero), 50,000 × units of them.
 */
import { ANN } from '../dist/index.js';

const [rows, cols, perRow, units, batch, epochs] = process.argv.slice(2, 8).map(Number);
const optimizer = process.argv[8] ?? 'sgd';
/** @type {import('../dist/index.js').FitOptions} */
const fitOptimizer = optimizer === 'adam' ? { optimizer: 'adam', learningRate: 0.003 } : { learningRate: 2 };
let seed = 12345;
const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
const rowStart = new Int32Array(rows + 1);
const columns = new Int32Array(rows * perRow);
const values = new Float32Array(rows * perRow).fill(1);
const y = new Float32Array(rows);
const picked = new Set();
for (let r = 0; r < rows; r++) {
  picked.clear();
  while (picked.size < perRow) picked.add(next() % cols);
  const words = Int32Array.from(picked).sort();
  columns.set(words, r * perRow);
  rowStart[r + 1] = (r + 1) * perRow;
  let low = 0;
  for (const w of words) if (w < cols / 2) low++;
  y[r] = low * 2 > perRow ? 1 : 0;
}
const x = { rows, cols, rowStart, columns, values };
const net = await ANN.create({
  layers: [cols, units, 1],
  activation: 'relu',
  output: 'sigmoid',
  loss: 'binaryCrossEntropy',
  seed: 1,
  threads: 1,
});
const times = [];
let accuracy = 0;
for (let e = 0; e < epochs; e++) {
  const started = performance.now();
  const [log] = await net.fit(x, { data: y, rows, cols: 1 }, { epochs: 1, batchSize: batch, ...fitOptimizer });
  times.push((performance.now() - started) / 1000);
  accuracy = log.accuracy ?? 0;
}
process.stdout.write(`${JSON.stringify({ rows, cols, perRow, units, batch, optimizer, nonZeros: rows * perRow, times, accuracy })}\n`);
