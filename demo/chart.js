// A small line chart on a canvas: x is training progress in epochs (fractional within an epoch),
// series are lines (within an epoch) or dots (one per epoch). Redraws at most once per frame.

const FONT = '12px system-ui, sans-serif';
const PAD = { left: 44, right: 12, top: 26, bottom: 26 };

export class Chart {
  /**
   * `y` is a fixed [min, max]; 'auto' (0 to the largest value shown, rounded up); or 'fraction'
   * (the smallest value shown rounded down to a tenth, to 1), so that 97% and 98% stay apart.
   */
  constructor(canvas, { title, y = 'auto', format = (v) => v.toFixed(2) }) {
    this.canvas = canvas;
    this.title = title;
    this.yRange = y;
    this.format = format;
    this.series = [];
    this.xMax = 1;
    this.pending = false;
  }

  /** Adds a series: `style` 'line', 'dots' or 'rings'; returns its point list, which callers push [x, y] pairs into. */
  add(name, color, style = 'line', width = 2) {
    const s = { name, color, style, width, points: [] };
    this.series.push(s);
    return s.points;
  }

  clear(xMax) {
    for (const s of this.series) s.points.length = 0;
    this.xMax = xMax;
    this.redraw();
  }

  redraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    const { canvas } = this;
    // Draw at device resolution so lines stay sharp on high-density screens.
    const ratio = window.devicePixelRatio || 1;
    const cssW = canvas.clientWidth;
    const cssH = canvas.clientHeight;
    if (canvas.width !== Math.round(cssW * ratio) || canvas.height !== Math.round(cssH * ratio)) {
      canvas.width = Math.round(cssW * ratio);
      canvas.height = Math.round(cssH * ratio);
    }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, cssW, cssH);
    const plotW = cssW - PAD.left - PAD.right;
    const plotH = cssH - PAD.top - PAD.bottom;
    const [y0, y1] = this.range();
    const px = (x) => PAD.left + (x / this.xMax) * plotW;
    const py = (y) => PAD.top + (1 - (Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0)) * plotH;

    g.font = FONT;
    g.fillStyle = '#222';
    g.textBaseline = 'alphabetic';
    g.fillText(this.title, PAD.left, 16);
    // Legend, right-aligned on the title line.
    let lx = cssW - PAD.right;
    g.textAlign = 'right';
    for (const s of [...this.series].reverse()) {
      g.fillStyle = '#555';
      g.fillText(s.name, lx, 16);
      lx -= g.measureText(s.name).width + 6;
      g.fillStyle = g.strokeStyle = s.color;
      g.lineWidth = 2;
      g.beginPath();
      if (s.style === 'line') g.fillRect(lx - 12, 11, 12, 2);
      else g.arc(lx - 6, 12, s.style === 'dots' ? 4 : 5, 0, 2 * Math.PI);
      if (s.style === 'dots') g.fill();
      if (s.style === 'rings') g.stroke();
      lx -= 22;
    }

    // Grid and axes.
    g.strokeStyle = '#e4e4e4';
    g.lineWidth = 1;
    g.fillStyle = '#666';
    g.textBaseline = 'middle';
    const yStep = niceStep(y1 - y0);
    for (let i = 0; y0 + i * yStep <= y1 + 1e-9; i++) {
      const v = y0 + i * yStep;
      const y = Math.round(py(v)) + 0.5;
      g.beginPath();
      g.moveTo(PAD.left, y);
      g.lineTo(PAD.left + plotW, y);
      g.stroke();
      g.fillText(this.format(v), PAD.left - 6, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const step = Math.max(1, Math.ceil(this.xMax / 10));
    for (let e = 0; e <= this.xMax; e += step) g.fillText(String(e), px(e), PAD.top + plotH + 6);
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';

    for (const s of this.series) {
      g.strokeStyle = g.fillStyle = s.color;
      g.lineWidth = s.width;
      if (s.style === 'line' && s.points.length > 1) {
        g.beginPath();
        s.points.forEach(([x, y], i) => (i === 0 ? g.moveTo(px(x), py(y)) : g.lineTo(px(x), py(y))));
        g.stroke();
      } else if (s.style === 'dots' || s.style === 'rings') {
        // Rings around dots: a training and a test value that coincide both stay visible.
        g.lineWidth = 2;
        for (const [x, y] of s.points) {
          g.beginPath();
          g.arc(px(x), py(y), s.style === 'dots' ? 4 : 6, 0, 2 * Math.PI);
          if (s.style === 'dots') g.fill();
          else g.stroke();
        }
      }
    }
  }

  range() {
    if (this.yRange === 'fraction') {
      let min = 1;
      for (const s of this.series) for (const [, y] of s.points) if (Number.isFinite(y) && y < min) min = y;
      return [Math.max(0, Math.min(0.9, Math.floor(min * 10) / 10)), 1];
    }
    if (this.yRange !== 'auto') return this.yRange;
    let max = 0;
    for (const s of this.series) for (const [, y] of s.points) if (Number.isFinite(y) && y > max) max = y;
    if (max === 0) return [0, 1];
    const magnitude = 10 ** Math.floor(Math.log10(max));
    return [0, Math.ceil(max / magnitude) * magnitude];
  }
}

/** A round tick spacing (1, 2, 2.5 or 5 × a power of ten) giving three to six intervals over `span`. */
function niceStep(span) {
  const magnitude = 10 ** Math.floor(Math.log10(span));
  for (const m of [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5]) {
    if (span / (m * magnitude) <= 6) return m * magnitude;
  }
  return 10 * magnitude;
}
