/**
 * Which code computes: the wasm kernels (plain SIMD, or relaxed SIMD with fused multiply-add) or
 * plain JavaScript. The same weights give outputs that agree bit for bit only on the same backend
 * and build, so the commands that compute say which one ran, and `--build` lets a user pick.
 */
import type { ANN } from '../ann.js';
import { kernelBuild, relaxedSimdSupported, setKernelBuild, type ThreadsOption } from '../backend/index.js';
import { MAX_THREADS } from '../backend/threads.js';
import { choiceFlag, stringFlag, UsageError, type FlagSpec, type Flags } from './args.js';

export const KERNEL_FLAGS: Record<string, FlagSpec> = {
  backend: { type: 'string' },
  build: { type: 'string' },
  threads: { type: 'string' },
};

/** Help lines for the flags above. */
export const KERNEL_HELP = `  --backend wasm|js       (default wasm)
  --build auto|simd|relaxed  wasm kernels: plain or relaxed SIMD (default auto: relaxed where the
                          runtime has it; Node 20 only as node --experimental-wasm-relaxed-simd)
  --threads auto|N        threads the kernels run on (default auto: the cores, one for a small
                          network); results are the same bits at any count`;

/** Applies --build (before any network is made) and returns --backend. */
export function useKernelFlags(flags: Flags): 'wasm' | 'js' {
  const backend = choiceFlag(flags, 'backend', ['wasm', 'js'] as const) ?? 'wasm';
  const build = choiceFlag(flags, 'build', ['auto', 'simd', 'relaxed'] as const);
  if (build !== undefined && backend === 'js') throw new UsageError('--build chooses the wasm kernels; --backend js has none');
  if (build === 'relaxed' && !relaxedSimdSupported()) {
    throw new UsageError(
      '--build relaxed: this Node does not compile relaxed SIMD; Node 20 does when started as node --experimental-wasm-relaxed-simd (NODE_OPTIONS cannot pass it), or use --build simd',
    );
  }
  if (build !== undefined) setKernelBuild(build);
  return backend;
}

/** --threads: 'auto' (also when left out) or a count from 1 to MAX_THREADS. */
export function threadsFlag(flags: Flags): ThreadsOption {
  const text = stringFlag(flags, 'threads');
  if (text === undefined || text === 'auto') return 'auto';
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > MAX_THREADS)
    throw new UsageError(`--threads must be 'auto' or an integer from 1 to ${MAX_THREADS}, got '${text}'`);
  return n;
}

/** What ran `net`, for output: 'wasm, plain SIMD kernels', 'wasm, relaxed SIMD kernels, 2 threads' or 'js'. */
export function describeKernels(net: ANN): string {
  if (net.backend !== 'wasm') return net.backend;
  const threads = net.threads > 1 ? `, ${net.threads} threads` : '';
  return `wasm, ${kernelBuild() === 'relaxed' ? 'relaxed' : 'plain'} SIMD kernels${threads}`;
}
