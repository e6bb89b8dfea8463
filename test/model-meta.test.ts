/**
 * What a model file keeps of a table's preparation, of standardized regression targets and of the
 * held-out rows (meta.preparation, meta.targetScaling, meta.split): saved, loaded back as saved,
 * and checked on load like the rest of the file, each refusal naming its field.
 */
import { describe, expect, it } from 'vitest';
import { ANN } from '../src/index.js';
import { crc32 } from '../src/model/crc32.js';
import { parseDelimited } from '../src/data/delimited.js';
import type { ModelMeta } from '../src/model/model-file.js';

/** A 4-input network and the preparation of a table with a text column of two categories (2 + 2 inputs). */
async function network(outputs: number) {
  const table = parseDelimited('colour,size,weight,label\nred,1,10,a\nblue,,12,b\nred,3,,a\n', { labelColumn: -1 });
  const net = await ANN.create({
    layers: [4, 3, outputs],
    output: outputs === 1 ? 'identity' : 'softmax',
    loss: outputs === 1 ? 'meanSquaredError' : 'categoricalCrossEntropy',
    seed: 1,
  });
  return { net, preparation: table.preparation.toJSON() };
}

const split = {
  validation: 0.2,
  test: 0.1,
  seed: 4,
  stratified: true,
  rows: 30,
  fingerprint: 'fnv1a32:0123abcd',
  validationRows: 6,
  testRows: 3,
  check: 'crc32:89abcdef',
};

/** The file text with `edit` applied to its document and the checksum made right again, so the check after it is reached. */
function edited(text: string, edit: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(text);
  edit(doc);
  const { checksum: _, ...rest } = doc;
  doc.checksum = `crc32:${crc32(new TextEncoder().encode(JSON.stringify(rest)))
    .toString(16)
    .padStart(8, '0')}`;
  return JSON.stringify(doc);
}

describe('meta.preparation, meta.targetScaling and meta.split', () => {
  it('are saved and loaded back as they were', async () => {
    const { net, preparation } = await network(1);
    const meta: ModelMeta = { target: 'label', labelColumn: 3, preparation, targetScaling: { mean: [5.5], std: [2.25] }, split };
    net.meta = meta;
    const loaded = await ANN.load(new TextEncoder().encode(net.toFile()));
    expect(loaded.meta).toEqual(meta);
    expect(loaded.meta.preparation!.columns[0]).toEqual({
      column: 0,
      kind: 'categories',
      categories: ['blue', 'red'],
      fill: [1 / 3, 2 / 3],
    });
    net.dispose();
    loaded.dispose();
  });

  it('are refused, by field, when they do not fit the network or each other', async () => {
    const { net, preparation } = await network(1);
    const refused = (meta: ModelMeta, message: RegExp) => {
      net.meta = meta;
      expect(() => net.toFile()).toThrow(message);
    };
    refused(
      { preparation: { ...preparation, columns: preparation.columns.slice(1) } },
      /toFile: meta: preparation makes 2 inputs, but the network has 4/,
    );
    refused(
      { preparation: { ...preparation, missing: 'sometimes' as never } },
      /toFile: meta: preparation: missing must be 'impute' or 'refuse', got 'sometimes'/,
    );
    // The label column may lie beyond the inputs' count, within the training file's width, where the preparation has it.
    refused({ preparation, labelColumn: 2 }, /labelColumn is 2, but the preparation's label column is 3/);
    refused({ preparation, labelColumn: 4 }, /labelColumn must be an integer in \[0, 3\], got 4/);
    refused(
      { targetScaling: { mean: [1, 2], std: [1, 1] } },
      /targetScaling must be \{ mean, std \} with 1 finite numbers each \(one per output; std > 0\)/,
    );
    refused({ targetScaling: { mean: [1], std: [0] } }, /targetScaling must be/);
    refused({ split: { ...split, validation: 0.95 } }, /split: validation \+ test must be < 1, got 0.95 \+ 0.1/);
    refused({ split: { ...split, seed: -1 } }, /split.seed must be an integer ≥ 0, got -1/);
    refused({ split: { ...split, testRows: 30 } }, /split: validationRows \+ testRows must be fewer than the 30 rows, got 6 \+ 30/);
    net.dispose();
    const classifier = (await network(2)).net;
    classifier.meta = { classes: ['a', 'b'], targetScaling: { mean: [0, 0], std: [1, 1] } };
    expect(() => classifier.toFile()).toThrow(/targetScaling is for numeric outputs, but the model lists classes/);
    classifier.dispose();
  });

  it('are checked on load: a file edited to a preparation of the wrong width is refused, naming the file and the field', async () => {
    const { net, preparation } = await network(1);
    net.meta = { preparation };
    const text = edited(net.toFile(), (doc) => {
      (doc.preparation as { width: number }).width = 2;
    });
    await expect(ANN.load(new TextEncoder().encode(text))).rejects.toThrow(
      /^ANN\.load: buffer: preparation: header must be null or 2 strings \(one per column\), got an array of length 4$/,
    );
    net.dispose();
  });
});
