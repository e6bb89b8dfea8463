// The drawing pad: pointer events, so mouse, pen and touch all draw. Ink is kept in the canvas's
// alpha channel (the paper is the page's CSS background), which is what `ink()` reads back.

const LIVE_MS = 120;

export class DigitPad {
  /** `onChange` is called while a stroke is drawn (throttled) and when it ends. */
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.g = canvas.getContext('2d', { willReadFrequently: true });
    this.onChange = onChange;
    this.last = null;
    this.lastChange = 0;
    // Stroke width relative to the pad: about the stroke-to-height ratio of MNIST digits.
    this.g.lineWidth = canvas.width * 0.075;
    this.g.lineCap = this.g.lineJoin = 'round';
    this.g.strokeStyle = '#111';
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel']) canvas.addEventListener(type, (e) => this.up(e));
  }

  /** Pointer position in canvas pixels (the canvas may be scaled by CSS). */
  at(e) {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * this.canvas.width) / r.width, ((e.clientY - r.top) * this.canvas.height) / r.height];
  }

  down(e) {
    if (e.button !== 0) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    this.last = this.at(e);
    // A tap leaves a dot.
    this.segment(this.last, this.last);
  }

  move(e) {
    if (this.last === null) return;
    for (const c of e.getCoalescedEvents?.() ?? [e]) {
      const p = this.at(c);
      this.segment(this.last, p);
      this.last = p;
    }
    if (performance.now() - this.lastChange > LIVE_MS) this.changed();
  }

  up() {
    if (this.last === null) return;
    this.last = null;
    this.changed();
  }

  segment([x0, y0], [x1, y1]) {
    this.g.beginPath();
    this.g.moveTo(x0, y0);
    this.g.lineTo(x1, y1);
    this.g.stroke();
  }

  changed() {
    this.lastChange = performance.now();
    this.onChange();
  }

  clear() {
    this.g.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  }

  /** Paints a 28 × 28 grey image (0–255, ink = 255) scaled to size × size at (x, y), smoothly, as a scan would be. */
  paint(pixels, { x, y, size }) {
    const small = new OffscreenCanvas(28, 28);
    const image = new ImageData(28, 28);
    for (let i = 0; i < 784; i++) image.data.set([17, 17, 17, pixels[i]], i * 4);
    small.getContext('2d').putImageData(image, 0, 0);
    this.g.imageSmoothingEnabled = true;
    this.g.imageSmoothingQuality = 'high';
    this.g.drawImage(small, x, y, size, size);
    this.changed();
  }

  /** The ink level of every pixel (0–255), row-major, with the pad's width and height. */
  ink() {
    const { width, height } = this.canvas;
    const rgba = this.g.getImageData(0, 0, width, height).data;
    const ink = new Uint8ClampedArray(width * height);
    for (let i = 0; i < ink.length; i++) ink[i] = rgba[i * 4 + 3];
    return { ink, width, height };
  }
}
