// Turns a drawing into an input the network knows: MNIST digits were "size normalized to fit in a
// 20×20 pixel box while preserving their aspect ratio", anti-aliased to grey levels, and "centered
// in a 28×28 image by computing the center of mass of the pixels" (LeCun et al.). A digit drawn in
// a corner, large or small, thick or thin, must look like that before the network sees it.

const SIZE = 28;
const BOX = 20;

/**
 * `ink` is a width × height grid of ink levels (0 = paper, 255 = full ink), row-major; the result
 * is 784 grey levels in [0, 255] (row-major 28 × 28, as the MNIST files store them), or null when
 * nothing is drawn. How they are scaled for a network is the worker's business (train-worker.js).
 */
export function toMnistInput(ink, width, height) {
  const box = inkBounds(ink, width, height);
  if (box === null) return null;
  const scale = BOX / Math.max(box.w, box.h);
  const w = Math.max(1, Math.round(box.w * scale));
  const h = Math.max(1, Math.round(box.h * scale));
  const small = resampleArea(ink, width, box, w, h);

  // Centre of mass of the scaled digit, in pixel-centre coordinates.
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  // Shift by whole pixels (as MNIST did), but keep the whole box inside the frame.
  const left = clamp(Math.round(SIZE / 2 - mx / mass), 0, SIZE - w);
  const top = clamp(Math.round(SIZE / 2 - my / mass), 0, SIZE - h);
  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) out[(top + y) * SIZE + left + x] = Math.min(255, small[y * w + x]);
  }
  return out;
}

/** The smallest rectangle holding every inked pixel, or null for a blank grid. */
function inkBounds(ink, width, height) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}

/**
 * Area-averaging resample of the `box` of `ink` to w × h: each output pixel is the mean of the
 * source area it covers, weighted by partial coverage at its edges. That is what makes the grey
 * anti-aliased edges of MNIST strokes, whichever way the scale goes.
 */
function resampleArea(ink, width, box, w, h) {
  const wx = coverage(box.w, w);
  const wy = coverage(box.h, h);
  // Separable: first along x (box.h rows of w), then along y.
  const rows = new Float32Array(box.h * w);
  for (let sy = 0; sy < box.h; sy++) {
    const base = (box.y + sy) * width + box.x;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (const [sx, weight] of wx[x]) s += ink[base + sx] * weight;
      rows[sy * w + x] = s;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (const [sy, weight] of wy[y]) s += rows[sy * w + x] * weight;
      out[y * w + x] = s;
    }
  }
  return out;
}

/** For each of `n` output cells over `len` source cells: the source cells it overlaps and their share (summing to 1). */
function coverage(len, n) {
  const step = len / n;
  const cells = [];
  for (let i = 0; i < n; i++) {
    const from = i * step;
    const to = from + step;
    const list = [];
    for (let s = Math.floor(from); s < Math.min(len, Math.ceil(to)); s++) {
      const overlap = Math.min(to, s + 1) - Math.max(from, s);
      if (overlap > 0) list.push([s, overlap / step]);
    }
    cells.push(list);
  }
  return cells;
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}
