/**
 * Size and start-up: the bytes of every kernel module in build/, and the time from importing the
 * package to the first prediction of a fresh R1 network, each in a new process (median of `runs`).
 */
import { readdirSync, statSync } from 'node:fs';
import { runNode } from './child.js';
import { summarizeTimes } from './stats.js';

/** Every build/*.wasm file and its size in bytes. */
export function wasmSizes() {
  const dir = new URL('../build/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wasm'))
    .sort()
    .map((f) => ({ file: `build/${f}`, bytes: statSync(new URL(f, dir)).size }));
}

/** Runs bench/startup-probe.js `runs` times; `nodeFlags` are passed to each child (e.g. the relaxed-SIMD flag). */
export async function measureStartup({ runs, nodeFlags }) {
  const probes = [];
  for (let i = 0; i < runs; i++) probes.push((await runNode('bench/startup-probe.js', [], { nodeFlags })).json);
  const of = (key) => summarizeTimes(probes.map((p) => p[key]));
  return {
    runs,
    build: probes[0].build,
    importMs: of('importMs'),
    createMs: of('createMs'),
    predictMs: of('predictMs'),
    totalMs: of('totalMs'),
    sinceProcessStart: of('sinceProcessStart'),
  };
}
