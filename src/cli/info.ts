/** `backprop-wasm info`: what a model file holds, after checking all of it. */
import { type Flags } from './args.js';
import { bytes, say, type Command } from './command.js';
import { inferredClasses, openModelFile } from './model-data.js';

export const info: Command = {
  name: 'info',
  summary: 'architecture, parameter count, classes and training summary of a model file',
  flags: { model: { type: 'string', short: 'm' } },
  help: `Usage: backprop-wasm info --model FILE

Checks a model file completely (format version, checksum, shapes, finite weights) and describes
it: architecture, parameter count, standardization, classes, feature names, training summary.

  --model FILE, -m FILE   a model file written by train (or net.save(), or toJSON() text)

Example
  backprop-wasm info --model seeds.json`,
  run: runInfo,
};

async function runInfo(flags: Flags): Promise<void> {
  const { net, text } = await openModelFile(flags);
  try {
    const path = flags.model as string;
    const doc = JSON.parse(text.replace(/^\uFEFF/, '')) as { format: string; version: number; checksum?: string };
    const sum = doc.checksum ? `checksum ${doc.checksum} (verified)` : 'no checksum (version 1)';
    say(`file: ${path} (${bytes(Buffer.byteLength(text))}), ${doc.format} format version ${doc.version}, ${sum}`);
    const hidden = [...new Set(net.activations.slice(0, -1))].join('/') || 'no hidden layer';
    say(
      `architecture: ${net.layers.join('-')} (${hidden} → ${net.activations[net.activations.length - 1]}), loss ${net.loss}, precision ${net.precision}, init ${net.init}, seed ${net.seed}`,
    );
    const per = net.layers.slice(1).map((units, i) => units * net.layers[i] + units);
    const detail = net.layers
      .slice(1)
      .map((units, i) => `layer ${i + 1}: ${units} × ${net.layers[i]} weights + ${units} bias${units === 1 ? '' : 'es'}`);
    say(`parameters: ${per.reduce((a, b) => a + b, 0).toLocaleString('en-US')} (${detail.join('; ')})`);
    const std = net.standardizer;
    say(`input scaling: ${std ? describeScaling(std.mean, std.std) : 'none'}`);
    const { classes, features, target, labelColumn, training } = net.meta;
    const outputs = net.layers[net.layers.length - 1];
    const inferred = classes ? null : inferredClasses(net);
    const shown = classes ?? inferred?.classes;
    if (shown) {
      const notes = [
        inferred ? `not recorded in the file; taken from ${inferred.from}` : '',
        outputs === 1 ? `the output is the probability of ${shown[1]}` : '',
      ];
      say(`classes: ${shown.join(', ')}${notes.some(Boolean) ? ` (${notes.filter(Boolean).join('; ')})` : ''}`);
    } else say(`outputs: ${outputs === 1 ? 'a number' : `${outputs} numbers`} (regression)`);
    if (features) say(`features: ${features.join(', ')}`);
    if (target !== undefined || labelColumn !== undefined)
      say(
        `label: ${[target, labelColumn !== undefined ? `column ${labelColumn} of the training file (0-based, as --label-column)` : ''].filter(Boolean).join(', ')}`,
      );
    if (training)
      say(
        `training: ${Object.entries(training)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
  } finally {
    net.dispose();
  }
}

function describeScaling(mean: readonly number[], std: readonly number[]): string {
  if (mean.every((m) => m === 0) && std.every((s) => s === std[0])) return `divide by ${std[0]} (${mean.length} columns)`;
  return `standardized with the training rows' mean and standard deviation (${mean.length} columns)`;
}
