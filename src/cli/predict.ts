/** `backprop-wasm predict`: one CSV row of outputs per input row, on stdout or into a file. */
import { writeFileAtomic } from '../io/atomic-write.js';
import { stringFlag, type Flags } from './args.js';
import type { Command } from './command.js';
import { csvLine } from './csv.js';
import { describeKernels, KERNEL_HELP } from './kernel-flags.js';
import { loadForModel, MODEL_DATA_FLAGS, modelTask, openModel } from './model-data.js';
import { classProbabilities, predictedClass } from './targets.js';

export const predict: Command = {
  name: 'predict',
  summary: 'predictions of a saved model as CSV (class and probabilities, or numbers)',
  flags: { ...MODEL_DATA_FLAGS, out: { type: 'string', short: 'o' } },
  help: `Usage: backprop-wasm predict --model FILE --data <mnist|FILE> [--out FILE]

Writes one CSV row per input row: for a classifier the predicted class and the probability of
each class, p(<class>); for a regression model the predicted value. Numbers are printed in full
(the shortest text that reads back to the same float), so they can be compared exactly. The data
file may hold only the features, or the label column too (it is skipped).

  --model FILE, -m FILE   a model file written by train (or net.save())
  --data mnist|FILE       MNIST (the model's digits) or a CSV/TSV file
  --set test|train        MNIST split (default test)
  --mnist-dir DIR         MNIST idx files (gzip or not) from DIR
  --label-column N        the label column to skip (default: the one the model was trained with)
  --header, --no-header   whether the first line names the columns (default: detected)
  --delimiter C           one character, or 'tab' (default: detected)
  --out FILE, -o FILE     write the CSV to FILE (atomically) instead of stdout
${KERNEL_HELP}

Example
  backprop-wasm predict --model seeds.json --data seeds.txt --out predictions.csv`,
  run: runPredict,
};

async function runPredict(flags: Flags): Promise<void> {
  const out = stringFlag(flags, 'out');
  const net = await openModel(flags);
  try {
    const data = await loadForModel(flags, net, 'optional');
    const task = modelTask(net);
    const outputs = net.layers[net.layers.length - 1];
    const y = net.predict(data.x).data;
    const lines: string[] = [];
    if (task.kind === 'classification') {
      lines.push(csvLine(['predicted', ...task.classes.map((c) => `p(${c})`)]));
      for (let r = 0; r < data.x.rows; r++)
        lines.push(csvLine([task.classes[predictedClass(y, r, outputs)], ...classProbabilities(y, r, outputs)]));
    } else {
      const names = outputs === 1 ? [net.meta.target ?? 'predicted'] : Array.from({ length: outputs }, (_, j) => `output ${j + 1}`);
      lines.push(csvLine(names));
      for (let r = 0; r < data.x.rows; r++) lines.push(csvLine(Array.from(y.subarray(r * outputs, (r + 1) * outputs))));
    }
    const text = lines.join('\n') + '\n';
    if (out === undefined) process.stdout.write(text);
    else {
      await writeFileAtomic(out, text);
      process.stderr.write(`${data.x.rows} predictions written to ${out} (run on ${describeKernels(net)})\n`);
    }
  } finally {
    net.dispose();
  }
}
