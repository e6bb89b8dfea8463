/** `backprop-wasm predict`: one CSV row of outputs per input row, on stdout or into a file. */
import { writeFileAtomic } from '../io/atomic-write.js';
import { stringFlag, type Flags } from './args.js';
import type { Command } from './command.js';
import { csvLine } from './csv.js';
import { describeKernels, KERNEL_HELP } from './kernel-flags.js';
import { loadForModel, MODEL_DATA_FLAGS, modelTask, openModel, warnUnseen } from './model-data.js';
import { unscaleOutputs } from './target-scaling.js';
import { classProbabilities, predictedClass } from './targets.js';

export const predict: Command = {
  name: 'predict',
  summary: 'predictions of a saved model as CSV (class and probabilities, or numbers)',
  flags: { ...MODEL_DATA_FLAGS, out: { type: 'string', short: 'o' } },
  help: `Usage: backprop-wasm predict --model FILE --data <mnist|FILE> [--out FILE]

Writes one CSV row per input row: for a classifier the predicted class and the probability of
each class, p(<class>); for a regression model the predicted value, in the label's units. Numbers
are printed in full (the shortest text that reads back to the same float), so they can be compared
exactly. The data file has the training file's columns, as they were (text, missing values): the
model's saved preparation encodes them; the label column may be there (it is skipped) or not. A
category the training rows did not have is encoded as a missing value is, with a warning.

  --model FILE, -m FILE   a model file written by train (or net.save())
  --data mnist|FILE       MNIST (the model's digits) or a CSV/TSV file
  --format svmlight       read FILE as svmlight/libsvm, a sparse source (default for .svm, .svmlight, .libsvm)
  --set test|train        MNIST split (default test)
  --mnist-dir DIR         MNIST idx files (gzip or not) from DIR
  --label-column N|NAME   the label column to skip (default: the one the model was trained with)
  --skip-rows N           lines to skip before the table (default 0)
  --header, --no-header   whether the first line names the columns (default: detected)
  --delimiter C           one character, or 'tab' (default: detected)
  --missing impute|refuse fill in missing values as training did, or refuse them (default: as the model was trained)
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
    warnUnseen(data, net.meta.preparation);
    const task = modelTask(net);
    const outputs = net.layers[net.layers.length - 1];
    // A regression model trained on standardized targets: its outputs back in the label's units.
    const y = unscaleOutputs(net.predict(data.x).data, outputs, net.meta.targetScaling);
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
