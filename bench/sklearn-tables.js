// `backprop-wasm train` with its defaults beside scikit-learn's MLPClassifier + StandardScaler with
// theirs, on scikit-learn's own raw tables (wine, breast cancer, digits) and the same five
// stratified 80/20 splits: the mean test accuracy of each. The splits and scikit-learn's scores
// come from bench/sklearn-tables.py; each training part is trained on by the command as a user
// would (no flag but --seed, for a run that can be repeated) and its model scored by `eval` on
// the test part.
//
//   node bench/sklearn-tables.js                      the defaults
//   node bench/sklearn-tables.js --old                also train's defaults in 0.1.0 (SGD, raw features)
//   node bench/sklearn-tables.js --splits 2 -- --layers 100   fewer splits; flags after -- go to train
//
// Needs scikit-learn for Python 3 (PYTHON, default /usr/bin/python3; Debian's python3-sklearn)
// and a build (npm run build). Accuracy, not speed: it runs on a busy machine as well as on an idle one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin/backprop-wasm.js');
const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const extra = dash < 0 ? [] : argv.slice(dash + 1);
const splits = own.includes('--splits') ? Number(own[own.indexOf('--splits') + 1]) : 5;
/** What train did by default in 0.1.0, before the defaults for tables: 20 epochs of SGD at 0.05, momentum 0.9, on raw features, 32 hidden units. */
const OLD = [
  '--optimizer',
  'sgd',
  '--lr',
  '0.05',
  '--momentum',
  '0.9',
  '--weight-decay',
  '0',
  '--epochs',
  '20',
  '--patience',
  '0',
  '--no-standardize',
  '--layers',
  '32',
];
const variants = [{ name: 'backprop-wasm', flags: extra }, ...(own.includes('--old') ? [{ name: 'old defaults', flags: OLD }] : [])];

const dir = mkdtempSync(join(tmpdir(), 'backprop-wasm-sklearn-'));
try {
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  const sk = spawnSync(python, [join(root, 'bench/sklearn-tables.py'), dir, String(splits)], { encoding: 'utf8' });
  if (sk.status !== 0) throw new Error(`${python} bench/sklearn-tables.py failed (scikit-learn installed?):\n${sk.stderr}`);
  const runs = sk.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  /** @type {Map<string, { accuracy: number, seconds: number, epochs: number, sklearn: number }[]>} */
  const results = new Map();
  for (const run of runs) {
    for (const v of variants) {
      const model = join(dir, `${run.table}-${run.seed}.json`);
      const started = performance.now();
      command(['train', '--data', run.train, '--seed', String(run.seed + 1), '--out', model, ...v.flags]);
      const seconds = (performance.now() - started) / 1000;
      const scored = command(['eval', '--model', model, '--data', run.test]);
      const accuracy = Number(/accuracy ([\d.]+)%/.exec(scored)?.[1]) / 100;
      const { epochs } = JSON.parse(readFileSync(model, 'utf8')).training;
      const key = `${run.table}\t${v.name}`;
      if (!results.has(key)) results.set(key, []);
      results.get(key)?.push({ accuracy, seconds, epochs, sklearn: run.sklearn });
      console.log(
        `${run.table} split ${run.seed}: ${v.name} ${pct(accuracy)} (${epochs} epochs, ${seconds.toFixed(1)} s), scikit-learn ${pct(run.sklearn)}`,
      );
    }
  }
  console.log(`\nmean test accuracy over ${splits} stratified 80/20 splits (train_test_split, random_state 0–${splits - 1})`);
  console.log(`flags given to train: ${extra.length ? extra.join(' ') : 'none (the defaults; --seed only)'}`);
  console.log(['table', 'scikit-learn', ...variants.map((v) => v.name), 'epochs (mean)'].map((c) => c.padEnd(15)).join(''));
  for (const table of [...new Set(runs.map((r) => r.table))]) {
    const ours = variants.map((v) => results.get(`${table}\t${v.name}`) ?? []);
    const row = [table, pct(mean(ours[0].map((r) => r.sklearn))), ...ours.map((rs) => pct(mean(rs.map((r) => r.accuracy))))];
    row.push(mean(ours[0].map((r) => r.epochs)).toFixed(0));
    console.log(row.map((c) => c.padEnd(15)).join(''));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs the command; its stdout, or an error with its stderr. @param {string[]} args */
function command(args) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  if (r.status !== 0) throw new Error(`backprop-wasm ${args.join(' ')} exited with ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** @param {number[]} values */
function mean(values) {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** @param {number} f */
function pct(f) {
  return `${(100 * f).toFixed(2)}%`;
}
