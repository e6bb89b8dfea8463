/** The progress display: plain lines at the quarters of an epoch, or a bar redrawn in place on a terminal. */
import { describe, expect, it } from 'vitest';
import { batchProgress, epochLine } from '../../src/cli/progress.js';

function run(interactive: boolean, batches: number): string[] {
  const writes: string[] = [];
  const progress = batchProgress(2, { out: { write: (t: string) => writes.push(t) }, interactive, quietSeconds: 0 });
  for (let batch = 1; batch <= batches; batch++) progress({ epoch: 2, batch, batches, loss: 0.5, samples: 32, learningRate: 0.05 });
  return writes;
}

describe('batchProgress', () => {
  it('writes plain lines at the first three quarters of an epoch, with batches, samples/s and ETA', () => {
    const lines = run(false, 8);
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => expect(line).toMatch(new RegExp(`^epoch 2/2: ${2 * (i + 1)}/8 batches, \\d+ samples/s, ETA [\\d.]+ s\\n$`)));
  });

  it('stays quiet in plain mode while an epoch is younger than quietSeconds', () => {
    const writes: string[] = [];
    const progress = batchProgress(1, { out: { write: (t: string) => writes.push(t) }, interactive: false });
    for (let batch = 1; batch <= 8; batch++) progress({ epoch: 1, batch, batches: 8, loss: 0.5, samples: 32, learningRate: 0.05 });
    expect(writes).toEqual([]);
  });

  it('on a terminal redraws one bar with \\r and clears it when the epoch ends', () => {
    const writes = run(true, 8);
    expect(writes[0]).toMatch(/^\repoch 2\/2 █{4}░{26} 1\/8 batches {2}… samples\/s {2}ETA …\x1b\[K$/);
    expect(writes.at(-2)).toMatch(/^\repoch 2\/2 █{30} 8\/8 batches {2}\d+ samples\/s {2}ETA 0\.0 s\x1b\[K$/);
    expect(writes.at(-1)).toBe('\r\x1b[K');
    expect(writes.every((w) => !w.includes('\n'))).toBe(true);
  });
});

describe('the bar on a narrow terminal', () => {
  it('keeps every line shorter than the terminal is wide, so that no redraw wraps and leaves a line behind', () => {
    for (const columns of [80, 60, 40, 24, 12, 120]) {
      const writes: string[] = [];
      const out = { write: (t: string) => writes.push(t), columns };
      const progress = batchProgress(20, { out, interactive: true, quietSeconds: 0 });
      // Enough batches and samples for four-digit counts and a rate in the millions.
      for (let batch = 1; batch <= 1875; batch += 1)
        progress({ epoch: 12, batch, batches: 1875, loss: 0.5, samples: 1e6, learningRate: 0.05 });
      expect(writes.length).toBeGreaterThan(1);
      for (const w of writes) {
        expect(w.includes('\n')).toBe(false);
        for (const line of w.split('\r'))
          expect(line.replace('\x1b[K', '').length, `${columns} columns: ${JSON.stringify(line)}`).toBeLessThan(columns);
      }
      const last = writes.at(-2)!;
      // What fits is kept: the full line at 120 columns, a narrower bar at 80, the batches everywhere they fit.
      if (columns === 120) expect(last).toMatch(/^\repoch 12\/20 █{30} 1875\/1875 batches {2}\d+ samples\/s {2}ETA 0\.0 s\x1b\[K$/);
      if (columns === 80) expect(last).toMatch(/^\repoch 12\/20 █{10,29} 1875\/1875 batches {2}\d+ samples\/s {2}ETA 0\.0 s\x1b\[K$/);
      if (columns === 40) expect(last).toMatch(/^\repoch 12\/20 1875\/1875 ETA 0\.0 s\x1b\[K$/);
    }
  });
});

describe('epochLine', () => {
  it('shows loss, accuracy and the held-out figures under the name given', () => {
    expect(
      epochLine({ epoch: 3, loss: 0.123456, accuracy: 0.9876, valLoss: 0.2, valAccuracy: 0.95, seconds: 1.234, learningRate: 0.05 }),
    ).toBe('epoch 3  loss 0.1235  accuracy 98.76%  val loss 0.2000  val accuracy 95.00%  1.23 s');
    expect(epochLine({ epoch: 1, loss: 2, seconds: 0.5, valLoss: 1, learningRate: 0.05 }, 'test')).toBe(
      'epoch 1  loss 2.0000  test loss 1.0000  0.50 s',
    );
    expect(epochLine({ epoch: 2, loss: 2, seconds: 0.000789, learningRate: 0.05 })).toBe('epoch 2  loss 2.0000  0.79 ms');
  });
});
