/** What the trainer makes of labels: classes or regression, the output layer and loss, the targets. */
import { describe, expect, it } from 'vitest';
import { chooseHead, decideTask, outputCount, targets } from '../../src/cli/targets.js';

describe('decideTask', () => {
  it('reads names and a few integer codes as classes, other numbers as regression', () => {
    expect(decideTask(['b', 'a', 'b', '10', '9'])).toEqual({ kind: 'classification', classes: ['9', '10', 'a', 'b'] });
    expect(decideTask([3, 1, 2, 1])).toEqual({ kind: 'classification', classes: [1, 2, 3] });
    expect(decideTask([0.5, 1.25, 3])).toEqual({ kind: 'regression' });
    expect(decideTask(Array.from({ length: 21 }, (_, i) => i))).toEqual({ kind: 'regression' });
    expect(decideTask([0.5, 1.5], 'classify')).toEqual({ kind: 'classification', classes: [0.5, 1.5] });
    expect(decideTask([1, 2], 'regress')).toEqual({ kind: 'regression' });
    expect(() => decideTask(['a', 1], 'regress')).toThrow(/the labels include names such as 'a'; regression needs numbers/);
    expect(() => decideTask([4, 4])).toThrow(/every label is 4: classification needs at least two classes/);
  });
});

describe('chooseHead and outputCount', () => {
  const two = { kind: 'classification', classes: ['no', 'yes'] } as const;
  const three = { kind: 'classification', classes: [1, 2, 3] } as const;
  const numbers = { kind: 'regression' } as const;
  it('defaults: sigmoid + binary CE on one output, softmax + categorical CE on one per class, identity + MSE', () => {
    expect([chooseHead(two), outputCount(two, 'sigmoid')]).toEqual([{ output: 'sigmoid', loss: 'binaryCrossEntropy' }, 1]);
    expect([chooseHead(three), outputCount(three, 'softmax')]).toEqual([{ output: 'softmax', loss: 'categoricalCrossEntropy' }, 3]);
    expect([chooseHead(numbers), outputCount(numbers, 'identity')]).toEqual([{ output: 'identity', loss: 'meanSquaredError' }, 1]);
  });
  it('fills in what fits a choice: softmax for categorical CE (two outputs for two classes), sigmoid for MSE on classes', () => {
    expect(chooseHead(two, undefined, 'categoricalCrossEntropy')).toEqual({ output: 'softmax', loss: 'categoricalCrossEntropy' });
    expect(outputCount(two, 'softmax')).toBe(2);
    expect(chooseHead(three, undefined, 'meanSquaredError')).toEqual({ output: 'sigmoid', loss: 'meanSquaredError' });
    expect(chooseHead(three, 'sigmoid')).toEqual({ output: 'sigmoid', loss: 'binaryCrossEntropy' });
    expect(chooseHead(numbers, 'tanh')).toEqual({ output: 'tanh', loss: 'meanSquaredError' });
  });
});

describe('targets', () => {
  it('gives class indices for one output, one-hot rows for several, and names the line (or row) of an unknown label', () => {
    expect(Array.from(targets({ kind: 'classification', classes: [5, 8] }, [8, 5, 8], 1, 'f').data)).toEqual([1, 0, 1]);
    expect(Array.from(targets({ kind: 'classification', classes: ['a', 'b', 'c'] }, ['c', 'a'], 3, 'f').data)).toEqual([0, 0, 1, 1, 0, 0]);
    // A class saved as the number 1 matches the name "1" of a file read with names.
    expect(Array.from(targets({ kind: 'classification', classes: [1, 2] }, ['2'], 1, 'f').data)).toEqual([1]);
    expect(() => targets({ kind: 'classification', classes: [1, 2] }, [1, 3], 1, 'MNIST')).toThrow(
      "MNIST: row 2 has the label 3, which is not one of the model's classes (1, 2)",
    );
    // With the rows' file lines, the message gives the line.
    expect(() => targets({ kind: 'classification', classes: [1, 2] }, [1, 3], 1, 'data.csv', [2, 7])).toThrow(
      "data.csv: line 7 has the label 3, which is not one of the model's classes (1, 2)",
    );
    expect(() => targets({ kind: 'regression' }, [1, 'x'], 1, 'data.csv', [4, 5])).toThrow(
      "data.csv: line 5 has the label 'x'; this model predicts numbers",
    );
    expect(() => targets({ kind: 'regression' }, [1, 2], 3, 'data.csv')).toThrow(
      'data.csv: one label per row cannot be the target of 3 outputs',
    );
  });
});
