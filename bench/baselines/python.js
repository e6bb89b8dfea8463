/**
 * The native baselines (numpy-r1.py, torch-r1.py) run from the benches: R1's training split written
 * once to raw float32 files, each script run in a child Python with its thread count set explicitly
 * (OpenBLAS and PyTorch start threads of their own otherwise), or the reason it was not measured.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Debian's Python (its numpy 1.24 with OpenBLAS, and PyTorch 1.13), as the developers' guide says; PYTHON picks another. */
export const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';

/** The baselines by name: the module python3 needs and the script that trains R1 with it. */
const SCRIPTS = /** @type {const} */ ({
  numpy: { module: 'numpy', script: 'numpy-r1.py', threadsFlag: false },
  torch: { module: 'torch', script: 'torch-r1.py', threadsFlag: true },
});

/**
 * @typedef {object} BaselineRun
 * @property {string} version the library's version
 * @property {Record<string, number>} epochSeconds median epoch seconds by batch size
 * @property {Record<string, number[]>} epochRuns each timed epoch's seconds by batch size
 * @property {number} gemm512Seconds the median 512³ product
 */

/**
 * Runs `name`'s R1 script on `train` at each thread count: the results by thread count, or
 * `{ error }` saying why it was not measured (no python3, the module missing, the script failing).
 * @param {keyof typeof SCRIPTS} name
 * @param {{ x: { data: ArrayBufferView, rows: number }, y: { data: ArrayBufferView } }} train (float32 data)
 * @param {{ threads: number[], batches: number[], runs: number, learningRate?: number }} options
 * @returns {{ error: string } | { version: string, byThreads: Record<number, BaselineRun> }}
 */
export function runR1Baseline(name, train, { threads, batches, runs, learningRate }) {
  const { module, script, threadsFlag } = SCRIPTS[name];
  const probe = spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' });
  if (probe.error) return { error: `no ${PYTHON}` };
  if (probe.status !== 0) return { error: `${PYTHON} has no ${module}` };
  const dir = mkdtempSync(join(tmpdir(), 'bench-baseline-'));
  try {
    const x = join(dir, 'x.f32');
    const y = join(dir, 'y.f32');
    writeFileSync(x, new Uint8Array(train.x.data.buffer, train.x.data.byteOffset, train.x.rows * 784 * 4));
    writeFileSync(y, new Uint8Array(train.y.data.buffer, train.y.data.byteOffset, train.x.rows * 4));
    /** @type {Record<number, BaselineRun>} */
    const byThreads = {};
    let version = '';
    for (const t of threads) {
      // Read at start-up: the thread count set explicitly, this machine's OpenBLAS tuning hints dropped.
      /** @type {NodeJS.ProcessEnv} */
      const env = { ...process.env, OPENBLAS_NUM_THREADS: String(t), OMP_NUM_THREADS: String(t), MKL_NUM_THREADS: String(t) };
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
      const args = [fileURLToPath(new URL(`./${script}`, import.meta.url))];
      if (threadsFlag) args.push('--threads', String(t));
      if (learningRate !== undefined) args.push('--lr', String(learningRate));
      args.push(x, y, String(train.x.rows), String(runs), ...batches.map(String));
      const r = spawnSync(PYTHON, args, { env, encoding: 'utf8' });
      if (r.status !== 0) return { error: `${script} failed: ${(r.stderr || r.error?.message || '').trim().slice(0, 300)}` };
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
      version = out[module];
      byThreads[t] = { version, epochSeconds: out.epochSeconds, epochRuns: out.epochRuns, gemm512Seconds: out.gemm512Seconds };
    }
    return { version, byThreads };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
