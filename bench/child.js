/**
 * Runs a Node script in a fresh process, for measurements that must not share a heap or a
 * resident set with the benchmark runner: memory, allocation, start-up.
 *
 * The child is started with `--import bench/rss-probe.js`, which reports its peak resident set
 * (getrusage maxRSS) when it exits. While it runs, `sampleOn` picks the stdout lines at which to
 * read its current resident set from /proc/<pid>/status (Linux; elsewhere the samples are null).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBE = fileURLToPath(new URL('./rss-probe.js', import.meta.url));
export const PEAK_MARK = '@@bench-peak-rss ';

let childCpuSeconds = 0;
/** CPU seconds used by every child run so far (as their probes reported), for the run's CPU share. */
export function childCpu() {
  return childCpuSeconds;
}

/** The child's current resident set in bytes (VmRSS), or null where /proc is not available. */
function currentRss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * `node [nodeFlags] --import rss-probe.js script [args]` from the repository root. Resolves to
 * { code, stdout, stderr, lines, json (the last stdout line that parses as JSON, or null),
 * peakRss (bytes, or null), samples: [{ line, rss }] }. Rejects, with the child's stderr, when it
 * exits non-zero, so that a broken measurement is never reported as a number.
 */
export function runNode(script, args = [], { nodeFlags = [], sampleOn = null, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', PROBE, script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const samples = [];
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const parts = (partial + chunk).split('\n');
      partial = parts.pop();
      for (const line of parts) if (sampleOn?.test(line)) samples.push({ line, rss: currentRss(child.pid) });
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const peakLine = stderr.split('\n').find((l) => l.startsWith(PEAK_MARK));
      const [rss, cpu] = peakLine ? peakLine.slice(PEAK_MARK.length).split(' ').map(Number) : [null, 0];
      const peakRss = rss;
      childCpuSeconds += cpu || 0;
      stderr = stderr
        .split('\n')
        .filter((l) => !l.startsWith(PEAK_MARK))
        .join('\n');
      if (code !== 0) {
        reject(
          new Error(
            `bench: \`node ${script} ${args.join(' ')}\` exited with code ${code}:\n${stderr.trim().split('\n').slice(-15).join('\n')}`,
          ),
        );
        return;
      }
      const lines = stdout.split('\n').filter((l) => l.trim() !== '');
      let json = null;
      for (let i = lines.length - 1; i >= 0 && json === null; i--) {
        try {
          json = JSON.parse(lines[i]);
        } catch {
          // not the JSON line
        }
      }
      resolve({ code, stdout, stderr, lines, json, peakRss, samples });
    });
  });
}
