/**
 * The browser half of the package, in a real browser: the demo page (demo/) served by its own
 * server, opened in Debian's Chromium. The page trains a 784-128-10 network on real MNIST in a Web
 * Worker, draws its curves, reads digits drawn on its pad, and exchanges model files with Node and
 * with the command line (`backprop-wasm train` / `eval`); any console error or uncaught page error
 * fails the test.
 *
 * The page speaks MNIST grey levels 0–255 (window.demo.predict, the pad); a network that carries a
 * standardizer (the command's models, the page's own) gets them raw, one without gets them ÷ 255.
 *
 * Without /usr/bin/chromium the test is skipped with a notice, except in CI (CI set), where it fails.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ANN, kernelBuild, loadMnist, matrix, mnistMatrix, oneHot, type MnistSet } from '../../dist/index.js';
import { CHROMIUM, hasChromium, launchChromium, root, startDemoServer } from './harness.js';

// Enough data for a clear margin over 90% in a few seconds: 20,000 images, 3 epochs.
const PAGE_QUERY = '?train=20000&epochs=3&seed=1';
const SCREENSHOT = join(root, 'test-artifacts', 'demo-chromium.png');
const CLI = join(root, 'bin', 'backprop-wasm.js');

/** Runs the command line as a user would (`node bin/backprop-wasm.js …`, plain Node unless `nodeFlags`); resolves with its stdout. */
async function backpropWasm(args: string[], nodeFlags: string[] = []): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeFlags, CLI, ...args], { cwd: root, maxBuffer: 1 << 24 });
  return stdout;
}

/** The `loss …, accuracy …% (correct of total)` line of `backprop-wasm eval`. */
function evalLine(stdout: string): { loss: number; correct: number; total: number } {
  const m = /^loss ([\d.]+), accuracy [\d.]+% \((\d+) of (\d+)\)$/m.exec(stdout);
  if (m === null) throw new Error(`backprop-wasm eval printed no loss/accuracy line:\n${stdout}`);
  return { loss: Number(m[1]), correct: Number(m[2]), total: Number(m[3]) };
}

declare global {
  interface Window {
    demo: {
      ready: Promise<void>;
      palette: Record<'batch' | 'train' | 'test' | 'probe', string>;
      train(): Promise<{ stopped: boolean; testAccuracy: number; testLoss: number }>;
      paint(pixels: number[], placement: { x: number; y: number; size: number }): void;
      clearPad(): void;
      read(): Promise<{ input: number[] | null; probabilities: number[] | null }>;
      predict(rows: number[][]): Promise<number[]>;
    };
  }
}

if (!hasChromium()) {
  const message = `${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium) to run the browser test`;
  if (process.env.CI) {
    describe('the demo page in Chromium', () => {
      it('needs Chromium', () => {
        throw new Error(`${message}; .ci/run installs it, so CI must not get here`);
      });
    });
  } else {
    console.warn(`\n  NOTICE: skipping test/browser/demo.test.ts: ${message}.\n`);
  }
}

/** The command's scaling of MNIST pixels (Standardizer.pixels()): (x − 0) / 255. */
const PIXEL_SCALING = { mean: new Array<number>(784).fill(0), std: new Array<number>(784).fill(255) };

const argmax = (row: ArrayLike<number>): number => {
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
};

describe.skipIf(!hasChromium())('the demo page in Chromium', () => {
  let server: ChildProcess;
  let url: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let context: BrowserContext;
  let page: Page;
  let test: MnistSet;
  const work = mkdtempSync(join(tmpdir(), 'backprop-wasm-browser-'));
  const problems: string[] = [];
  // What the page read from its pad (its preprocessed inputs and probabilities), checked in Node later.
  const padReads: { label: number; input: number[]; probabilities: number[] }[] = [];
  // The page's test score of the network it trained in the first test.
  let trained: { testAccuracy: number; testLoss: number };

  beforeAll(async () => {
    test = await loadMnist({ set: 'test' });
    ({ url, child: server } = await startDemoServer());
    browser = await launchChromium();
    context = browser.context;
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  });

  afterEach(() => {
    expect(problems, 'the page reported errors').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    server?.kill();
    rmSync(work, { recursive: true, force: true });
  });

  /** Loads a model file through the page's file input and waits until the page says so. */
  async function loadInPage(file: string): Promise<void> {
    await page.setInputFiles('#load', file);
    const name = file.split('/').pop()!;
    await page.waitForFunction((n) => document.getElementById('status')!.textContent!.startsWith(`loaded ${n}`), name);
  }

  /** Pixels of `canvas` within 48 (RGB distance) of the colour `hex`, counted in the page below the title and legend line. */
  const colourPixels = (canvas: string, hex: string) =>
    page.evaluate(
      ([id, colour]) => {
        const c = document.getElementById(id) as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
        let n = 0;
        for (let i = 4 * c.width * 30; i < px.length; i += 4) {
          if (px[i + 3] > 200 && Math.hypot(px[i] - r, px[i + 1] - g, px[i + 2] - b) < 48) n++;
        }
        return n;
      },
      [canvas, hex] as const,
    );

  it('loads the package and MNIST without configuration, trains in a worker, and draws its curves; test accuracy > 90%', async () => {
    await page.goto(url + PAGE_QUERY);
    await page.evaluate(() => window.demo.ready);
    // The server's COOP/COEP headers make the page cross-origin isolated (SharedArrayBuffer is available).
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.textContent('#data-size')).toBe('20,000 train / 10,000 test');
    const palette = await page.evaluate(() => window.demo.palette);
    expect(await colourPixels('loss-chart', palette.batch), 'no curve before training').toBe(0);

    // The page's main thread while the network trains: every long task (over 50 ms, as the browser
    // reports them) and the longest gap between beats of a 10 ms timer. The training runs in the
    // demo's worker and the network's own workers, so the page only handles messages and draws.
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; beatGap: number; beat: number };
      w.longTasks = [];
      w.beatGap = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
      let last = performance.now();
      w.beat = window.setInterval(() => {
        const now = performance.now();
        w.beatGap = Math.max(w.beatGap, now - last);
        last = now;
      }, 10);
    });
    await page.click('#train');
    const result = await page.evaluate(() => window.demo.train());
    const main = await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; beatGap: number; beat: number };
      clearInterval(w.beat);
      return { longest: Math.max(0, ...w.longTasks), count: w.longTasks.length, beatGap: w.beatGap };
    });
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    console.log(
      `page: trained on ${await page.textContent('#threads')}; main thread: ${main.count} long tasks, the longest ${main.longest.toFixed(0)} ms; longest gap between 10 ms beats ${main.beatGap.toFixed(0)} ms`,
    );
    // On every core the page offers, and the page never blocked for the seconds training takes.
    expect(await page.textContent('#threads')).toMatch(new RegExp(`^${Math.min(cores, 64)} \\(`));
    expect(main.longest, 'the longest task on the page while it trained (ms)').toBeLessThan(250);
    expect(result.stopped).toBe(false);
    expect(result.testAccuracy).toBeGreaterThan(0.9);
    console.log(`page: test accuracy ${(100 * result.testAccuracy).toFixed(2)}% after 3 epochs on 20,000 images`);
    trained = result;
    expect(await page.textContent('#test-accuracy')).toContain(`${(100 * result.testAccuracy).toFixed(2)}%`);
    expect(await page.textContent('#epoch')).toBe('3 of 3');
    expect(Number((await page.textContent('#rate'))!.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await page.textContent('#model')).toContain('784-128-10 relu/softmax, seed 1');
    // Trained on pixels / 255, it now carries the command's "÷ 255" standardizer and takes grey levels.
    expect(await page.textContent('#inputs')).toBe('grey levels 0–255, scaled by the model');

    // Within-epoch lines and per-epoch markers on both charts: three test dots and three training
    // rings, each leaving some 40 pixels of its colour (a ring or dot fewer would leave about 80).
    await page.evaluate(() => new Promise(requestAnimationFrame));
    expect(await colourPixels('loss-chart', palette.batch)).toBeGreaterThan(200);
    expect(await colourPixels('accuracy-chart', palette.probe)).toBeGreaterThan(200);
    for (const chart of ['loss-chart', 'accuracy-chart']) {
      expect(await colourPixels(chart, palette.test), `${chart}: test dots`).toBeGreaterThan(3 * 30);
      expect(await colourPixels(chart, palette.train), `${chart}: train rings`).toBeGreaterThan(3 * 30);
    }
    // At > 90% of 10,000 there are hundreds of mistakes; the page shows twelve, each a real misreading.
    const captions = await page.$$eval('#mistakes figcaption', (els) => els.map((e) => e.textContent!));
    expect(captions).toHaveLength(12);
    for (const c of captions) {
      const [, truth, read] = /^(\d) → (\d) \(\d+%\)$/.exec(c)!;
      expect(read).not.toBe(truth);
    }
  });

  it("fit on the page's main thread trains in workers: the page only awaits, runs the callbacks, and gets Node's very weights", async () => {
    // Inputs anyone can remake: a linear congruential stream, as float32 in [0, 1), the label its first pixel's side.
    const make = (rows: number) => {
      const x = new Float32Array(rows * 784);
      let s = 7;
      for (let i = 0; i < x.length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        x[i] = s / 2 ** 32;
      }
      const y = new Float32Array(rows);
      for (let r = 0; r < rows; r++) y[r] = x[r * 784] > 0.5 ? 1 : 0;
      return { x: { data: x, rows, cols: 784 }, y: { data: y, rows, cols: 1 } };
    };
    const ROWS = 6000;
    const fitOptions = { epochs: 3, batchSize: 32, learningRate: 0.2 };
    const onPage = await page.evaluate(
      async ({ makeSource, ROWS, fitOptions }) => {
        // Imported as the page would, out of reach of vitest's rewriting of import() in this file.
        const { ANN } = await new Function('url', 'return import(url)')('/dist/index.js');
        const { x, y } = new Function(`return (${makeSource})`)()(ROWS);
        const net = await ANN.create({ layers: [784, 96, 1], loss: 'binaryCrossEntropy', seed: 3 });
        const longTasks: number[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) longTasks.push(e.duration);
        });
        observer.observe({ type: 'longtask' });
        const losses: number[] = [];
        // No batch callback: fit then runs each epoch as one plain loop, which on the page would be
        // one long task. The second epoch's callback stops the fit: its answer must reach the worker.
        const history = await net.fit(x, y, {
          ...fitOptions,
          onEpochEnd: (log: { epoch: number; loss: number }) => {
            losses.push(log.loss);
            return log.epoch < 2;
          },
        });
        // Entries reach the observer a task later: wait for them, and take any still queued.
        await new Promise((resolve) => setTimeout(resolve, 200));
        for (const e of observer.takeRecords()) longTasks.push(e.duration);
        observer.disconnect();
        const weights = net
          .getWeights()
          .map((l: { W: ArrayLike<number>; b: ArrayLike<number> }) => ({ W: Array.from(l.W), b: Array.from(l.b) }));
        const out = {
          threads: net.threads,
          reason: net.threadsReason,
          history: history.map((h: { loss: number }) => h.loss),
          losses,
          weights,
          longest: Math.max(0, ...longTasks),
        };
        net.dispose();
        return out;
      },
      { makeSource: make.toString(), ROWS, fitOptions },
    );
    console.log(`page main thread: fit on ${onPage.threads} threads (${onPage.reason}); longest task ${onPage.longest.toFixed(0)} ms`);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(onPage.threads).toBe(Math.min(cores, 64));
    expect(onPage.history).toEqual(onPage.losses);
    expect(onPage.history).toHaveLength(2);
    expect(onPage.longest, 'the longest task on the page while it trained (ms)').toBeLessThan(250);
    // Chromium runs the relaxed build; so does this process (vitest.config.ts), on any thread count.
    expect(kernelBuild()).toBe('relaxed');
    const { x, y } = make(ROWS);
    const net = await ANN.create({ layers: [784, 96, 1], loss: 'binaryCrossEntropy', seed: 3 });
    const history = await net.fit(x, y, { ...fitOptions, onEpochEnd: (log) => log.epoch < 2 });
    expect(onPage.history).toEqual(history.map((h) => h.loss));
    expect(onPage.weights).toEqual(net.getWeights().map((l) => ({ W: Array.from(l.W as ArrayLike<number>), b: Array.from(l.b) })));
    net.dispose();
  });

  it('reads real MNIST test digits painted on the pad at other sizes and places', async () => {
    // Two of each digit from the second half of the test set, each painted bigger and off-centre,
    // so the page must find, fit and centre it the way MNIST was made.
    const picks: number[] = [];
    for (let d = 0; d < 10; d++) {
      for (let i = 5000, found = 0; found < 2; i++) if (test.labels[i] === d && ++found) picks.push(i);
    }
    const placements = [
      { x: 10, y: 20, size: 180 },
      { x: 90, y: 60, size: 200 },
      { x: 0, y: 0, size: 280 },
      { x: 120, y: 110, size: 150 },
    ];
    let correct = 0;
    const misread: string[] = [];
    for (const [k, i] of picks.entries()) {
      const pixels = Array.from(test.images.subarray(i * 784, (i + 1) * 784));
      await page.evaluate(
        ([p, at]) => {
          window.demo.clearPad();
          window.demo.paint(p, at);
        },
        [pixels, placements[k % placements.length]] as const,
      );
      const read = await page.evaluate(() => window.demo.read());
      expect(read.input, `test image ${i}: the pad came out blank`).not.toBeNull();
      // What the pad hands the worker: grey levels as MNIST stores them, not [0, 1].
      expect(Math.max(...read.input!), `test image ${i}: the darkest pad pixel`).toBeGreaterThan(200);
      expect(Math.max(...read.input!)).toBeLessThanOrEqual(255);
      padReads.push({ label: test.labels[i], input: read.input!, probabilities: read.probabilities! });
      if (argmax(read.probabilities!) === test.labels[i]) correct++;
      else misread.push(`test image ${i} (a ${test.labels[i]}) read as ${argmax(read.probabilities!)}`);
    }
    console.log(`page: ${correct} of ${picks.length} painted test digits read correctly${misread.length ? '; ' + misread.join(', ') : ''}`);
    expect(correct, misread.join('; ')).toBeGreaterThanOrEqual(17);
  });

  /**
   * The probability bars as drawn: for each digit, the fill's width as a fraction of its track's
   * (getBoundingClientRect, after the width transition has run), and for the winning bar also the
   * fraction of its track's middle row that is painted in the winning colour, counted in a
   * screenshot of the track (decoded by the page's own image decoder: no PNG code here).
   */
  async function drawnBars(): Promise<{ laidOut: number[]; best: number; painted: number }> {
    await page.evaluate(() =>
      Promise.all(
        Array.from(document.querySelectorAll('#probabilities .fill')).flatMap((e) => e.getAnimations().map((a: Animation) => a.finished)),
      ),
    );
    const laidOut = await page.$$eval('#probabilities li', (lis) =>
      lis.map((li) => li.querySelector('.fill')!.getBoundingClientRect().width / li.querySelector('.track')!.getBoundingClientRect().width),
    );
    const best = await page.$$eval('#probabilities li', (lis) => lis.findIndex((li) => li.classList.contains('best')));
    const png = (await page.locator('#probabilities li.best .track').screenshot()).toString('base64');
    const painted = await page.evaluate(async (base64) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = canvas.getContext('2d')!;
      g.drawImage(bitmap, 0, 0);
      const row = g.getImageData(0, Math.floor(bitmap.height / 2), bitmap.width, 1).data;
      const accent = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim();
      const [r, gr, b] = [1, 3, 5].map((i) => parseInt(accent.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < row.length; i += 4) if (Math.hypot(row[i] - r, row[i + 1] - gr, row[i + 2] - b) < 48) n++;
      return n / bitmap.width;
    }, png);
    return { laidOut, best, painted };
  }

  it('reads digits drawn with the mouse (pointer events)', async () => {
    const stroke = async (points: (readonly [number, number])[]) => {
      // Measured per drawing: clicking Clear may have scrolled the page.
      const box = (await page.locator('#pad').boundingBox())!;
      const at = (x: number, y: number) => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280] as const;
      await page.mouse.move(...at(...points[0]));
      await page.mouse.down();
      for (const p of points.slice(1)) await page.mouse.move(...at(...p), { steps: 3 });
      await page.mouse.up();
    };
    const ellipse = Array.from(
      { length: 25 },
      (_, i) => [140 + 55 * Math.sin((i / 24) * 2 * Math.PI), 140 - 95 * Math.cos((i / 24) * 2 * Math.PI)] as const,
    );
    const drawings: [number, (readonly [number, number])[]][] = [
      [
        1,
        [
          [150, 40],
          [140, 240],
        ],
      ],
      [0, ellipse],
      [
        7,
        [
          [70, 50],
          [210, 50],
          [120, 240],
        ],
      ],
    ];
    for (const [digit, points] of drawings) {
      await page.click('#clear');
      await stroke(points);
      const read = await page.evaluate(() => window.demo.read());
      expect(read.probabilities, `drawing a ${digit}: no probabilities shown`).not.toBeNull();
      expect(argmax(read.probabilities!), `a drawn ${digit}, probabilities ${read.probabilities!.map((p) => p.toFixed(2)).join(' ')}`).toBe(
        digit,
      );
      const shown = await page.$eval('#probabilities li.best .digit', (e) => e.textContent);
      expect(shown).toBe(String(digit));
      // Each bar is as long as its probability (the percentages beside them were right while the
      // fills, inline spans, stayed at zero width). The page rounds widths to 0.1%; a pixel or two
      // of the track is anti-aliased at the fill's end.
      const bars = await drawnBars();
      expect(bars.best).toBe(digit);
      const p = read.probabilities!;
      for (let d = 0; d < 10; d++) {
        expect(
          Math.abs(bars.laidOut[d] - p[d]),
          `bar ${d}: fill ${(100 * bars.laidOut[d]).toFixed(1)}% of its track for p = ${(100 * p[d]).toFixed(1)}%`,
        ).toBeLessThan(0.01);
      }
      const trackPixels = (await page.locator('#probabilities li.best .track').boundingBox())!.width;
      expect(
        Math.abs(bars.painted - p[digit]) * trackPixels,
        `the winning bar's painted part, ${(100 * bars.painted).toFixed(1)}% of its track, for p = ${(100 * p[digit]).toFixed(1)}%`,
      ).toBeLessThanOrEqual(2);
    }
    mkdirSync(join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('downloads its trained model as a model file, which Node loads and predicts with bit for bit as the page did', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('mnist-784-128-10.json');
    const file = join(work, 'page-model.json');
    await download.saveAs(file);
    const net = await ANN.load(file);
    try {
      expect(net.layers).toEqual([784, 128, 10]);
      expect(net.meta.classes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(net.meta.training).toMatchObject({ epochs: 3, batchSize: 32, learningRate: 0.1 });
      // The command's pixel scaling (Standardizer.pixels()), so the model takes grey levels 0–255.
      expect(net.standardizer?.toJSON()).toEqual(PIXEL_SCALING);
      // The same float32 wasm kernels in Node and Chromium: the pad's grey levels give the same bits.
      const rows = padReads.map((r) => r.input);
      const node = Array.from(net.predict(rows).data);
      expect(node).toEqual(padReads.flatMap((r) => r.probabilities));
    } finally {
      net.dispose();
    }
  });

  it('its downloaded model evaluates with `backprop-wasm eval --data mnist` to the test score the page showed', async () => {
    const file = join(work, 'page-model.json');
    const shown = `${(100 * trained.testAccuracy).toFixed(2)}% (loss ${trained.testLoss.toFixed(4)})`;
    expect(await page.textContent('#test-accuracy')).toBe(shown);
    // With the relaxed-SIMD kernels that Chromium runs, the command computes the page's very numbers.
    const relaxed = evalLine(await backpropWasm(['eval', '--model', file, '--data', 'mnist'], ['--experimental-wasm-relaxed-simd']));
    expect(relaxed.total).toBe(10000);
    expect(relaxed.correct).toBe(Math.round(trained.testAccuracy * 10000));
    expect(relaxed.loss.toFixed(4)).toBe(trained.testLoss.toFixed(4));
    // Plain Node runs the SIMD build (separate multiply and add, no fused rounding), so a test image
    // whose two best classes are a rounding apart may go the other way: the same score to a few images.
    const plain = evalLine(await backpropWasm(['eval', '--model', file, '--data', 'mnist']));
    console.log(`backprop-wasm eval of the page's model: loss ${plain.loss}, ${plain.correct} of 10000 (the page: ${shown})`);
    expect(plain.loss).toBeLessThan(1);
    expect(Math.abs(plain.correct - relaxed.correct)).toBeLessThanOrEqual(3);
    expect(Math.abs(plain.loss - relaxed.loss)).toBeLessThanOrEqual(0.0002);
  });

  it('loads model files saved in Node (net.save, and toJSON text) and predicts exactly as Node does; a broken file changes nothing', async () => {
    const n = 2000;
    const net = await ANN.create({
      layers: [784, 32, 10],
      activation: 'relu',
      output: 'softmax',
      loss: 'categoricalCrossEntropy',
      seed: 7,
    });
    try {
      const train = await loadMnist({ set: 'train' });
      await net.fit(mnistMatrix(train.images.subarray(0, n * 784), n), oneHot(train.labels.subarray(0, n), 10).y, {
        epochs: 1,
        batchSize: 32,
        learningRate: 0.1,
      });
      const file = join(work, 'node-model.json');
      await net.save(file);
      await loadInPage(file);
      expect(await page.textContent('#model')).toBe('784-32-10 relu/softmax, seed 7 (loaded from node-model.json)');

      expect(await page.textContent('#inputs')).toBe('grey levels ÷ 255');
      // This network has no standardizer: it was trained on pixels / 255, and the page divides the
      // grey levels it is given by 255 for it, to the same float32 numbers as mnistMatrix.
      const testX = mnistMatrix(test.images, test.count);
      const some = Array.from({ length: 50 }, (_, r) => Array.from(test.images.subarray(r * 784, (r + 1) * 784)));
      const page50 = await page.evaluate((rows) => window.demo.predict(rows), some);
      expect(page50).toEqual(Array.from(net.predict({ data: testX.data.subarray(0, 50 * 784), rows: 50, cols: 784 }).data));
      // The page's test score of the loaded model is Node's, to the digit it shows.
      const { accuracy } = net.evaluate(testX, oneHot(test.labels, 10).y);
      expect(await page.textContent('#test-accuracy')).toContain(`${(100 * accuracy!).toFixed(2)}%`);

      // The older toJSON() text loads too, to the same bits.
      const v1 = join(work, 'node-model-v1.json');
      writeFileSync(v1, JSON.stringify(net.toJSON()));
      await loadInPage(v1);
      expect(await page.textContent('#model')).toContain('(loaded from node-model-v1.json)');
      expect(await page.evaluate((rows) => window.demo.predict(rows), some)).toEqual(page50);

      // A truncated file is refused with a message naming it, and the loaded network stays.
      const broken = join(work, 'broken.json');
      writeFileSync(broken, JSON.stringify(net.toJSON()).slice(0, 5000));
      await page.setInputFiles('#load', broken);
      await page.waitForFunction(() => document.getElementById('status')!.classList.contains('error'));
      expect(await page.textContent('#status')).toMatch(
        /^could not load the model: broken\.json: ANN\.fromJSON: the text is not valid JSON/,
      );
      expect(await page.textContent('#model')).toContain('loaded from node-model-v1.json');
      expect(await page.evaluate((rows) => window.demo.predict(rows), some.slice(0, 5))).toEqual(page50.slice(0, 5 * 10));
    } finally {
      net.dispose();
    }
  });

  it('loads a model trained by the command (backprop-wasm train --data mnist), which scales its own inputs, and predicts exactly as Node does', async () => {
    const file = join(work, 'cli-model.json');
    await backpropWasm(['train', '--data', 'mnist', '--layers', '32', '--epochs', '1', '--seed', '1', '--out', file]);
    const net = await ANN.load(file);
    try {
      expect(net.standardizer?.toJSON(), 'the command stores its pixel scaling in the model').toEqual(PIXEL_SCALING);
      await loadInPage(file);
      expect(await page.textContent('#model')).toBe('784-32-10 relu/softmax, seed 1 (loaded from cli-model.json)');
      expect(await page.textContent('#inputs')).toBe('grey levels 0–255, scaled by the model');

      // Bit for bit needs the same kernel build on both sides: Chromium and this vitest process
      // (--experimental-wasm-relaxed-simd, vitest.config.ts) both take the relaxed one.
      expect(await page.evaluate('import("/dist/index.js").then((m) => m.kernelBuild())')).toBe(kernelBuild());
      const rows = 200;
      const some = Array.from({ length: rows }, (_, r) => Array.from(test.images.subarray(r * 784, (r + 1) * 784)));
      const fromPage = await page.evaluate((x) => window.demo.predict(x), some);
      expect(fromPage).toEqual(Array.from(net.predict(some).data));

      // The page's test score of it is Node's on raw grey levels, to the digit it shows, and > 90%.
      const { loss, accuracy } = net.evaluate(matrix(Float32Array.from(test.images), test.count, 784), oneHot(test.labels, 10).y);
      expect(accuracy).toBeGreaterThan(0.9);
      expect(await page.textContent('#test-accuracy')).toBe(`${(100 * accuracy!).toFixed(2)}% (loss ${loss.toFixed(4)})`);
      console.log(`page: the command's 784-32-10 model reads ${(100 * accuracy!).toFixed(2)}% of the test set`);

      // The digits painted on the pad earlier, read by this model through the page.
      const padded = await page.evaluate(
        (x) => window.demo.predict(x),
        padReads.map((r) => r.input),
      );
      const correct = padReads.filter((r, k) => argmax(padded.slice(k * 10, k * 10 + 10)) === r.label).length;
      console.log(`page: the command's model reads ${correct} of ${padReads.length} painted test digits`);
      expect(correct).toBeGreaterThanOrEqual(Math.ceil(0.8 * padReads.length));
    } finally {
      net.dispose();
    }
  });

  it('stops training between batches when Stop is pressed (the worker keeps answering messages)', async () => {
    await page.fill('#epochs', '50');
    await page.click('#train');
    // Wait for the first progress message of the new run, then stop it well before its 50th epoch.
    await page.waitForFunction(() => (document.getElementById('epoch-progress') as HTMLProgressElement).value > 0);
    await page.click('#stop');
    const result = await page.evaluate(() => window.demo.train());
    expect(result.stopped).toBe(true);
    expect(await page.textContent('#status')).toBe('stopped');
    const [epoch] = (await page.textContent('#epoch'))!.split(' of ');
    expect(Number(epoch)).toBeLessThan(50);
    expect(await page.isEnabled('#train')).toBe(true);
    expect(await page.isEnabled('#download')).toBe(true);
  });
});
