/** `backprop-wasm eval`: loss, accuracy and a confusion matrix of a saved model on labelled data. */
import { selectRows } from '../data/transform.js';
import { selectSamples } from './svmlight-data.js';
import { choiceFlag, UsageError, type Flags } from './args.js';
import { percent, say, type Command } from './command.js';
import { heldOutRows } from './holdout.js';
import { describeKernels, KERNEL_HELP } from './kernel-flags.js';
import { labelledRows } from './dataset.js';
import { labelledTask, loadForModel, MODEL_DATA_FLAGS, openModel, warnUnseen } from './model-data.js';
import { unscaleOutputs } from './target-scaling.js';
import { predictedClass, targets } from './targets.js';

export const evaluate: Command = {
  name: 'eval',
  summary: 'loss, accuracy and confusion matrix of a saved model on labelled data',
  flags: { ...MODEL_DATA_FLAGS, rows: { type: 'string' } },
  help: `Usage: backprop-wasm eval --model FILE --data <mnist|FILE> [flags]

Evaluates a saved model on labelled data: the loss, and for a classifier the accuracy and the
confusion matrix (rows: true class, columns: predicted class). The features go through the
standardization saved in the model. Labels are matched to the model's classes by name or number.

  --model FILE, -m FILE   a model file written by train (or net.save())
  --data mnist|FILE       MNIST (the model's digits) or a CSV/TSV file with a label column
  --format svmlight       read FILE as svmlight/libsvm, a sparse source (default for .svm, .svmlight, .libsvm)
  --set test|train        MNIST split (default test)
  --mnist-dir DIR         MNIST idx files (gzip or not) from DIR
  --rows all|training|validation|test  which rows of the model's training file to score: the ones
                          train held out (--validation, --test), redrawn from the seed the model
                          records (the file must be the same one: its rows are fingerprinted) (default all)
  --label-column N|NAME   the label column (default: the one the model was trained with, else -1)
  --skip-rows N           lines to skip before the table (default 0)
  --header, --no-header   whether the first line names the columns (default: detected)
  --delimiter C           one character, or 'tab' (default: detected)
  --missing impute|refuse fill in missing values as training did, or refuse them (default: as the model was trained)
${KERNEL_HELP}

Example
  backprop-wasm eval --model seeds.json --data seeds.txt
  backprop-wasm eval --model seeds.json --data seeds.txt --rows test`,
  run: runEval,
};

async function runEval(flags: Flags): Promise<void> {
  const part = choiceFlag(flags, 'rows', ['all', 'training', 'validation', 'test'] as const) ?? 'all';
  if (part !== 'all' && flags.data === 'mnist')
    throw new UsageError(`--rows ${part} picks rows of the model's training file; MNIST has its own test set (--set test)`);
  const net = await openModel(flags);
  try {
    const task = labelledTask(net, flags);
    const all = await loadForModel(flags, net, 'required');
    warnUnseen(all, net.meta.preparation);
    const outputs = net.layers[net.layers.length - 1];
    // Rows without a label cannot be scored; train left them out of its split too.
    const labelled = labelledRows(all.labels!, all.lines);
    const keep = labelled?.rows ?? null;
    const labels = (keep ? Array.from(keep, (r) => all.labels![r]) : all.labels!) as (number | string)[];
    const lines = keep && all.lines ? Uint32Array.from(keep, (r) => all.lines![r]) : all.lines;
    let y = targets(task, labels, outputs, all.name, lines);
    let x = keep ? selectSamples(all.x, keep) : all.x;
    const record = net.meta.split;
    let which = `${all.x.rows} rows${keep ? `, ${x.rows} with a label` : ''}`;
    if (part !== 'all') {
      if (record === undefined)
        throw new Error(
          `model ${flags.model} records no held-out rows (it was trained with --validation 0 and no --test, or not by backprop-wasm train), so --rows ${part} has nothing to pick`,
        );
      const rows = heldOutRows(record, part, y, all.fingerprint!, all.name);
      which = `${rows.length} of ${x.rows} ${keep ? 'labelled ' : ''}rows (the ${part} rows train ${part === 'training' ? 'trained on' : 'held out'}, seed ${record.seed})`;
      x = selectSamples(x, rows);
      y = selectRows(y, rows);
    }
    say(
      `model: ${flags.model} (${net.layers.join('-')}, ${net.activations[net.activations.length - 1]} output, ${net.loss}), run on ${describeKernels(net)}`,
    );
    say(`data: ${all.name}: ${which}`);
    if (labelled) say(labelled.note);
    if (part === 'all' && record !== undefined && all.fingerprint === record.fingerprint && labels.length === record.rows) {
      const trained = record.rows - record.validationRows - record.testRows;
      say(
        `note: this is the model's training file: ${trained} of its ${record.rows} rows were trained on; --rows validation${record.testRows > 0 ? ' or --rows test' : ''} scores only the held-out ones`,
      );
    }
    const out = net.predict(x).data;
    if (task.kind === 'regression') {
      // In the label's units: a model trained on standardized targets gives its outputs back in them.
      const pred = unscaleOutputs(out, outputs, net.meta.targetScaling);
      let se = 0;
      let abs = 0;
      for (let r = 0; r < x.rows; r++) {
        se += (pred[r] - y.data[r]) ** 2;
        abs += Math.abs(pred[r] - y.data[r]);
      }
      const mse = net.meta.targetScaling ? se / x.rows : net.evaluate(x, y).loss;
      say(
        `loss (mean squared error) ${mse.toPrecision(6)}, root mean squared error ${Math.sqrt(mse).toPrecision(6)}, mean absolute error ${(abs / x.rows).toPrecision(6)}`,
      );
      return;
    }
    const { loss, accuracy } = net.evaluate(x, y);
    const k = task.classes.length;
    const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    let correct = 0;
    for (let r = 0; r < x.rows; r++) {
      const truth = outputs === 1 ? y.data[r] : predictedClass(y.data, r, outputs);
      const guess = predictedClass(out, r, outputs);
      confusion[truth][guess]++;
      if (truth === guess) correct++;
    }
    say(`loss ${loss.toFixed(4)}, accuracy ${percent(accuracy ?? correct / x.rows)} (${correct} of ${x.rows})`);
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
