/** `backprop-wasm eval`: loss, accuracy and a confusion matrix of a saved model on labelled data. */
import type { Flags } from './args.js';
import { percent, say, type Command } from './command.js';
import { describeKernels, KERNEL_HELP } from './kernel-flags.js';
import { labelledTask, loadForModel, MODEL_DATA_FLAGS, openModel } from './model-data.js';
import { predictedClass, targets } from './targets.js';

export const evaluate: Command = {
  name: 'eval',
  summary: 'loss, accuracy and confusion matrix of a saved model on labelled data',
  flags: MODEL_DATA_FLAGS,
  help: `Usage: backprop-wasm eval --model FILE --data <mnist|FILE> [flags]

Evaluates a saved model on labelled data: the loss, and for a classifier the accuracy and the
confusion matrix (rows: true class, columns: predicted class). The features go through the
standardization saved in the model. Labels are matched to the model's classes by name or number.

  --model FILE, -m FILE   a model file written by train (or net.save())
  --data mnist|FILE       MNIST (the model's digits) or a CSV/TSV file with a label column
  --set test|train        MNIST split (default test)
  --mnist-dir DIR         MNIST idx files (gzip or not) from DIR
  --label-column N        the label column (default: the one the model was trained with, else -1)
  --header, --no-header   whether the first line names the columns (default: detected)
  --delimiter C           one character, or 'tab' (default: detected)
${KERNEL_HELP}

Example
  backprop-wasm eval --model seeds.json --data seeds.txt`,
  run: runEval,
};

async function runEval(flags: Flags): Promise<void> {
  const net = await openModel(flags);
  try {
    const task = labelledTask(net, flags);
    const data = await loadForModel(flags, net, 'required');
    const outputs = net.layers[net.layers.length - 1];
    const y = targets(task, data.labels!, outputs, data.name, data.lines);
    const { loss, accuracy } = net.evaluate(data.x, y);
    say(
      `model: ${flags.model} (${net.layers.join('-')}, ${net.activations[net.activations.length - 1]} output, ${net.loss}), run on ${describeKernels(net)}`,
    );
    say(`data: ${data.name}: ${data.x.rows} rows`);
    if (task.kind === 'regression') {
      const out = net.predict(data.x).data;
      let abs = 0;
      for (let r = 0; r < data.x.rows; r++) abs += Math.abs(out[r] - y.data[r]);
      say(
        `loss (mean squared error) ${loss.toPrecision(6)}, root mean squared error ${Math.sqrt(loss).toPrecision(6)}, mean absolute error ${(abs / data.x.rows).toPrecision(6)}`,
      );
      return;
    }
    const k = task.classes.length;
    const out = net.predict(data.x).data;
    const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    let correct = 0;
    for (let r = 0; r < data.x.rows; r++) {
      const truth = outputs === 1 ? y.data[r] : predictedClass(y.data, r, outputs);
      const guess = predictedClass(out, r, outputs);
      confusion[truth][guess]++;
      if (truth === guess) correct++;
    }
    say(`loss ${loss.toFixed(4)}, accuracy ${percent(accuracy ?? correct / data.x.rows)} (${correct} of ${data.x.rows})`);
    say('confusion matrix (rows: true class, columns: predicted class)');
    for (const line of table(task.classes.map(String), confusion)) say(line);
  } finally {
    net.dispose();
  }
}

/** The confusion matrix as aligned text lines, with class names as the row and column heads. */
function table(names: string[], counts: number[][]): string[] {
  const head = Math.max(...names.map((n) => n.length));
  const width = Math.max(...names.map((n) => n.length), ...counts.flat().map((c) => String(c).length));
  const lines = [`  ${''.padEnd(head)}  ${names.map((n) => n.padStart(width)).join('  ')}`];
  counts.forEach((row, i) => lines.push(`  ${names[i].padEnd(head)}  ${row.map((c) => String(c).padStart(width)).join('  ')}`));
  return lines;
}
