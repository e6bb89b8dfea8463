/**
 * Turning tinybench results into the few numbers the tables show: the median time and a
 * robust spread around it (median absolute deviation), plus min–max.
 *
 * The median is the headline because a benchmark's distribution is skewed to the right (GC
 * pauses, the other core's noise); the MAD is its matching spread, unaffected by a few outliers.
 */

/**
 * Milliseconds per call: the median, its median absolute deviation, min, max, mean, and the number of samples.
 * @typedef {{ median: number, mad: number, min: number, max: number, mean: number, samples: number }} TimeSummary
 */

/**
 * The latency summary of one finished tinybench task, in milliseconds per call.
 * Throws, naming the task, if it errored: a silently missing row would read as "fast".
 * @param {import('tinybench').Task | undefined} task `bench.getTask(name)`
 * @returns {TimeSummary}
 */
export function summarize(task) {
  if (task === undefined) throw new Error('bench: no such task');
  const r = task.result;
  if (r.state !== 'completed') {
    const error = r.state === 'errored' ? r.error : undefined;
    throw new Error(`bench task '${task.name}' did not complete (state ${r.state})${error ? `: ${error.stack ?? error}` : ''}`);
  }
  const l = r.latency;
  return { median: l.p50, mad: l.mad, min: l.min, max: l.max, mean: l.mean, samples: l.samplesCount };
}

/**
 * The median and min–max of plain millisecond timings taken by hand (few runs, no tinybench).
 * @param {readonly number[]} times
 * @returns {TimeSummary}
 */
export function summarizeTimes(times) {
  const s = [...times].sort((a, b) => a - b);
  const mid = (/** @type {number[]} */ a) => (a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2);
  const median = mid(s);
  const mad = mid(s.map((t) => Math.abs(t - median)).sort((a, b) => a - b));
  return { median, mad, min: s[0], max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length, samples: s.length };
}
