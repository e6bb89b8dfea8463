// A progress display for training from a terminal: a redrawn bar on a TTY, plain lines
// otherwise (a log file, or CI where the CI variable is set).

const interactive = process.stdout.isTTY && !process.env.CI;

/** Returns an onBatchEnd callback that shows batches done, samples/s and the epoch's ETA. */
export function batchProgress(totalEpochs) {
  let epochStart = 0;
  let samples = 0;
  let lastPlain = -1;
  let lastDraw = 0;
  return ({ epoch, batch, batches, samples: n }) => {
    const now = performance.now();
    if (batch === 1) {
      // The callback runs after a batch: the rate is measured from the end of the first one.
      epochStart = now;
      samples = 0;
      lastPlain = -1;
    } else {
      samples += n;
    }
    const seconds = (now - epochStart) / 1000;
    const rate = batch > 1 ? samples / Math.max(seconds, 1e-9) : NaN;
    const eta = batch > 1 ? (seconds / (batch - 1)) * (batches - batch) : NaN;
    const rateText = Number.isNaN(rate) ? '…' : `${Math.round(rate)}`;
    const etaText = Number.isNaN(eta) ? '…' : `${eta.toFixed(1)} s`;
    const label = `epoch ${epoch}/${totalEpochs}`;
    if (interactive) {
      // Redraw at most every 50 ms: hundreds of batches a second need no more.
      if (batch !== batches && now - lastDraw < 50) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((width * batch) / batches);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      process.stdout.write(`\r${label} ${bar} ${batch}/${batches} batches  ${rateText} samples/s  ETA ${etaText} `);
      if (batch === batches) process.stdout.write('\r\x1b[K');
    } else {
      // Four plain lines per epoch at most: enough to see it move, few enough for a log.
      const quarter = Math.floor((4 * batch) / batches);
      if (quarter > lastPlain && batch < batches) {
        lastPlain = quarter;
        if (quarter > 0) console.log(`${label}: ${batch}/${batches} batches, ${rateText} samples/s, ETA ${etaText}`);
      }
    }
  };
}

/** One line per finished epoch. */
export function epochLine(log) {
  const parts = [`epoch ${log.epoch}`, `loss ${log.loss.toFixed(4)}`];
  if (log.accuracy !== undefined) parts.push(`accuracy ${(100 * log.accuracy).toFixed(2)}%`);
  if (log.valLoss !== undefined) parts.push(`test loss ${log.valLoss.toFixed(4)}`);
  if (log.valAccuracy !== undefined) parts.push(`test accuracy ${(100 * log.valAccuracy).toFixed(2)}%`);
  parts.push(`${log.seconds.toFixed(2)} s`);
  return parts.join('  ');
}
