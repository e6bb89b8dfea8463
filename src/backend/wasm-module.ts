/**
 * Finds, compiles and caches the kernel module. Two builds of the same source ship next to the
 * compiled JavaScript (`build/`, two folders up from this file in both `src/` and `dist/`):
 * `kernels.wasm` (WebAssembly SIMD, runs everywhere SIMD does) and `kernels-relaxed.wasm` (relaxed
 * SIMD: fused multiply-add, about a third faster where the runtime has it — Chromium; Node with
 * --experimental-wasm-relaxed-simd). The build is chosen once, at load time, by
 * `WebAssembly.validate` on a few bytes that use a relaxed instruction. Both are located through
 * `import.meta.url`, so neither Node nor a browser page needs configuration; a bundler that moves
 * files can be pointed at them with `setWasmSource`.
 *
 * Each build also ships in a shared-memory variant (`kernels-shared.wasm`,
 * `kernels-relaxed-shared.wasm`): the same source compiled with threads enabled, importing a
 * shared memory, so that worker threads can run its kernels on one network's memory
 * (src/backend/threaded.ts). Its code is the same as the unshared build's: only the memory import
 * differs, so a kernel computes the same numbers in either.
 *
 * The module imports its memory (env.memory): whoever instantiates it creates the
 * `WebAssembly.Memory` first (`createKernelMemory`) and passes it in (`instantiateKernels`).
 * What a compiled module imports is checked here, before it is cached; its exports are checked
 * against src/backend/abi.ts when a `WasmKernels` is made on an instance.
 */
import { checkKernelImports, mismatch } from './abi.js';

export type KernelBuild = 'simd' | 'relaxed';
export type WasmSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module;
/** Where each build is; a build left out is not used. */
export interface WasmSources {
  simd: WasmSource;
  relaxed?: WasmSource;
  /** The shared-memory variants, for networks on more than one thread; without them such networks run on one. */
  simdShared?: WasmSource;
  relaxedShared?: WasmSource;
}
/** A build and its memory: the plain one, or the shared-memory variant that threads need. */
type Variant = 'simd' | 'relaxed' | 'simdShared' | 'relaxedShared';

/** Where each build ships. Each URL is spelled out whole so that Vite and webpack see it and copy the file. */
const SHIPPED: Record<Variant, () => URL> = {
  simd: () => new URL('../../build/kernels.wasm', import.meta.url),
  relaxed: () => new URL('../../build/kernels-relaxed.wasm', import.meta.url),
  simdShared: () => new URL('../../build/kernels-shared.wasm', import.meta.url),
  relaxedShared: () => new URL('../../build/kernels-relaxed-shared.wasm', import.meta.url),
};

/** null: the files next to the package. */
let sources: WasmSources | null = null;
let requested: KernelBuild | 'auto' = 'auto';
const compiled = new Map<Variant, Promise<WebAssembly.Module>>();

/**
 * Tells the library where the kernel module is: a URL, a path in Node, its bytes, or a compiled
 * module — taken as the plain SIMD build — or `{ simd, relaxed, simdShared, relaxedShared }` for
 * the builds and their shared-memory variants (threads need these). `null` goes back
 * to the files next to the package.
 */
export function setWasmSource(src: WasmSource | WasmSources | null): void {
  if (src === null || src === undefined) sources = null;
  else if (typeof src === 'object' && 'simd' in src) sources = { ...src };
  else sources = { simd: src as WasmSource };
  compiled.clear();
}

/** What setWasmSource() was last given (null: the files next to the package), for a worker that must load the same builds. */
export function wasmSources(): WasmSources | null {
  return sources === null ? null : { ...sources };
}

/** True when this runtime compiles relaxed SIMD (f32x4.relaxed_madd). */
export function relaxedSimdSupported(): boolean {
  return WebAssembly.validate(RELAXED_PROBE);
}

/**
 * Which build new networks use: 'auto' (the default) takes the relaxed build where the runtime
 * supports it. Networks that already exist keep theirs.
 */
export function setKernelBuild(build: KernelBuild | 'auto'): void {
  if (build !== 'auto' && build !== 'simd' && build !== 'relaxed') {
    throw new TypeError(`setKernelBuild: build must be 'auto', 'simd' or 'relaxed', got ${JSON.stringify(build)}`);
  }
  if (build === 'relaxed') {
    if (!relaxedSimdSupported()) {
      throw new Error(
        "setKernelBuild: this runtime does not support relaxed SIMD (Node 20 needs the flag --experimental-wasm-relaxed-simd); use 'simd' or 'auto'",
      );
    }
    if (sources !== null && sources.relaxed === undefined) {
      throw new Error("setKernelBuild: setWasmSource() gave no relaxed build; pass { simd, relaxed } to it, or use 'simd'");
    }
  }
  requested = build;
}

/** The build that a network created now runs on. */
export function kernelBuild(): KernelBuild {
  if (requested !== 'auto') return requested;
  const haveRelaxed = sources === null || sources.relaxed !== undefined;
  return haveRelaxed && relaxedSimdSupported() ? 'relaxed' : 'simd';
}

/**
 * The compiled kernel module of a build (by default the chosen one), compiled once per process or
 * page; `shared` asks for its shared-memory variant.
 */
export function kernelModule(build: KernelBuild = kernelBuild(), shared = false): Promise<WebAssembly.Module> {
  const variant: Variant = shared ? (build === 'simd' ? 'simdShared' : 'relaxedShared') : build;
  let module = compiled.get(variant);
  if (module === undefined) {
    const src = sources === null ? SHIPPED[variant]() : sources[variant];
    const what = `${build}${shared ? ' shared-memory' : ''}`;
    if (src === undefined)
      return Promise.reject(new Error(`backprop-wasm: no ${what} build was given to setWasmSource() (the option ${variant})`));
    const attempt = compile(src).then((m) => {
      checkKernelImports(m, `the ${what} kernel module (${describeSource(src)})`);
      return m;
    });
    module = attempt;
    compiled.set(variant, attempt);
    // A failed compile must not poison later attempts (e.g. after setWasmSource).
    attempt.catch(() => {
      if (compiled.get(variant) === attempt) compiled.delete(variant);
    });
  }
  return module;
}

/** True when setWasmSource() left the shared-memory variant of `build` out (the shipped files have it). */
export function sharedBuildMissing(build: KernelBuild): boolean {
  return sources !== null && sources[build === 'simd' ? 'simdShared' : 'relaxedShared'] === undefined;
}

// The memories themselves are made (and reused) in kernel-memory.ts.
export { createKernelMemory, KERNEL_MEMORY_PAGES } from './kernel-memory.js';

/**
 * Instantiates the compiled kernel module on `memory` (its env.memory). A module that cannot be
 * linked to it (one that asks for more initial memory than it was given, say) is refused with
 * the same advice as any other mismatch.
 *
 * Synchronously, on purpose: `WebAssembly.instantiate` resolves through a platform task, and a
 * loop that only creates, fits and disposes networks then leaves Node's event loop empty at each
 * await, where Node drains its platform tasks and can deadlock with a compiler thread (Node issue
 * 54918; such a loop hung in two runs of three). The module is small (about 24 KB) and already
 * compiled, so making the instance costs microseconds, and browsers allow it on the main thread
 * (their limit on synchronous work applies to modules over 8 MB).
 */
export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): WebAssembly.Instance {
  try {
    return new WebAssembly.Instance(module, { env: { memory, abort: wasmAbort } });
  } catch (err) {
    if (err instanceof WebAssembly.LinkError)
      throw mismatch('the kernel module', [`it cannot be instantiated on the memory handed in (${err.message})`]);
    throw err;
  }
}

function wasmAbort(): never {
  throw new Error('backprop-wasm: a kernel aborted');
}

/** A source in words, for messages. */
function describeSource(src: WasmSource): string {
  if (src instanceof WebAssembly.Module) return 'a compiled WebAssembly.Module';
  if (src instanceof ArrayBuffer || src instanceof Uint8Array) return `${src.byteLength} bytes`;
  return String(src);
}

async function compile(src: WasmSource): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer || src instanceof Uint8Array) return WebAssembly.compile(src as BufferSource);
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  // In Node a string is a file path unless it has a URL scheme; "C:\\dir" and "C:/dir" are Windows paths.
  const isPath = (s: string) => /^[a-z]:[\\/]/i.test(s) || !/^[a-z][a-z0-9+.-]*:/i.test(s);
  const url = src instanceof URL ? src : isNode && isPath(src) ? null : new URL(src, globalThis.location?.href);
  if (isNode && (url === null || url.protocol === 'file:')) {
    // Node's fetch cannot read file: URLs. The comments keep bundlers from packing node: modules into a page.
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
    const bytes = await readFile(url ?? (src as string)).catch((err: Error) => {
      throw new Error(
        `backprop-wasm: cannot read the kernel module at ${String(url ?? src)}: ${err.message}. Run "npm run build" or call setWasmSource().`,
      );
    });
    return WebAssembly.compile(bytes);
  }
  const hint = 'call setWasmSource() with its URL, path or bytes';
  const response = await fetch(url!).catch((err: Error) => {
    throw new Error(`backprop-wasm: fetching the kernel module ${url!.href} failed (${err.message}); ${hint}`);
  });
  if (!response.ok) {
    throw new Error(`backprop-wasm: fetching the kernel module ${url!.href} failed with HTTP ${response.status}; ${hint}`);
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A dev server that does not know the file answers with its HTML page and status 200.
  if (!(bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d)) {
    const type = response.headers.get('content-type') ?? 'no content-type';
    throw new Error(
      `backprop-wasm: ${url!.href} is not a WebAssembly module (${type}, starts with ${JSON.stringify(new TextDecoder().decode(bytes.subarray(0, 15)))}); the server does not serve the package's build/ folder there. With Vite 7's dev server add optimizeDeps: { exclude: ['backprop-wasm'] }; otherwise ${hint}`,
    );
  }
  return WebAssembly.compile(bytes);
}

/** A module whose one function returns f32x4.relaxed_madd of three zero vectors: valid only where relaxed SIMD is. */
const RELAXED_PROBE = (() => {
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0
  const body = [0x00, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b]; // no locals; f32x4.relaxed_madd; end
  // biome-ignore format: the bytes are grouped by section of the module, each with its comment.
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // \0asm, version 1
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7b, // types: () → v128
    0x03,
    0x02,
    0x01,
    0x00, // functions: one of type 0
    0x0a,
    body.length + 2,
    0x01,
    body.length,
    ...body, // code
  ]);
})();
