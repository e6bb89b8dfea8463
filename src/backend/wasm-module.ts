/**
 * Finds, compiles and caches the kernel module. The .wasm file ships next to the compiled
 * JavaScript (`build/kernels.wasm`, two folders up from this file in both `src/` and `dist/`)
 * and is located through `import.meta.url`, so neither Node nor a browser page needs any
 * configuration. A bundler that moves files can be pointed at the module with `setWasmSource`.
 */

export type WasmSource = string | URL | ArrayBuffer | Uint8Array | WebAssembly.Module;

let source: WasmSource | undefined;
let compiled: Promise<WebAssembly.Module> | undefined;

/** Tells the library where the kernel module is (a URL, a path in Node, its bytes, or a compiled module). */
export function setWasmSource(src: WasmSource): void {
  source = src;
  compiled = undefined;
}

/** The compiled kernel module, compiled once per process (or page). */
export function kernelModule(): Promise<WebAssembly.Module> {
  if (compiled === undefined) {
    const attempt = compile(source ?? new URL('../../build/kernels.wasm', import.meta.url));
    compiled = attempt;
    // A failed compile must not poison later attempts (e.g. after setWasmSource).
    attempt.catch(() => {
      if (compiled === attempt) compiled = undefined;
    });
  }
  return compiled;
}

async function compile(src: WasmSource): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer || src instanceof Uint8Array) return WebAssembly.compile(src as BufferSource);
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  // In Node a string is a file path unless it has a URL scheme; "C:\\dir" and "C:/dir" are Windows paths.
  const isPath = (s: string) => /^[a-z]:[\\/]/i.test(s) || !/^[a-z][a-z0-9+.-]*:/i.test(s);
  const url = src instanceof URL ? src : isNode && isPath(src) ? null : new URL(src, globalThis.location?.href);
  if (isNode && (url === null || url.protocol === 'file:')) {
    // Node's fetch cannot read file: URLs.
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(url ?? (src as string)).catch((err: Error) => {
      throw new Error(`backprop-wasm: cannot read the kernel module at ${String(url ?? src)}: ${err.message}. Run "npm run build" or call setWasmSource().`);
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
  const bytes = await response.arrayBuffer();
  return WebAssembly.compile(bytes);
}
