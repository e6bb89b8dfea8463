/**
 * The kernel builds this library can run here: `simd` (build/kernels.wasm) and, when the runtime
 * validates it, `relaxed` (build/kernels-relaxed.wasm, relaxed SIMD; Node needs
 * --experimental-wasm-relaxed-simd, which `npm run bench` passes).
 *
 * The library selects a build through `setKernelBuild(name)` / `kernelBuild()` and
 * `WasmKernels.create(precision, build)`.
 */
import { readFileSync, statSync } from 'node:fs';
import * as lib from '../dist/index.js';
import { WasmKernels } from '../dist/backend/wasm.js';

const FILES = { simd: 'kernels.wasm', relaxed: 'kernels-relaxed.wasm' };
const buildUrl = (file) => new URL(`../build/${file}`, import.meta.url);

/** Size in bytes of a build's .wasm file, or null when it does not exist. */
function size(file) {
  try {
    return statSync(buildUrl(file)).size;
  } catch {
    return null;
  }
}

/**
 * Every build, available or not: { name, file, bytes, available, reason, create(precision), select() }.
 * `select()` makes later `ANN.create` calls use this build; `create` makes a kernel backend on it.
 */
export async function kernelBuilds() {
  const builds = [];
  for (const [name, file] of Object.entries(FILES)) {
    const bytes = size(file);
    const build = { name, file: `build/${file}`, bytes, available: false, reason: '' };
    if (bytes === null) build.reason = `build/${file} does not exist`;
    else if (!WebAssembly.validate(readFileSync(buildUrl(file))))
      build.reason = `this runtime does not validate build/${file}${name === 'relaxed' ? ' (Node 20 needs --experimental-wasm-relaxed-simd, which npm run bench passes)' : ''}`;
    else {
      try {
        await lib.setKernelBuild(name);
        if (lib.kernelBuild() !== name) build.reason = `setKernelBuild('${name}') left kernelBuild() = '${lib.kernelBuild()}'`;
      } catch (err) {
        build.reason = err.message;
      }
    }
    build.available = bytes !== null && build.reason === '';
    build.select = () => lib.setKernelBuild(name);
    build.create = (precision) => WasmKernels.create(precision, name);
    builds.push(build);
  }
  lib.setKernelBuild('auto');
  return { auto: lib.kernelBuild(), builds };
}

/** Restores the library's own choice of build after a section forced one. */
export async function restoreAutoBuild() {
  lib.setKernelBuild('auto');
}

/** The compiled module of a build's file, for probes that call its exports directly. */
export function compileBuild(build) {
  return WebAssembly.compile(readFileSync(new URL(`../${build.file}`, import.meta.url)));
}

/** Instantiates a module with a stub for every function it imports (the kernels import only abort). */
export async function instantiateWithStubs(module) {
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.kind !== 'function') continue;
    imports[imp.module] ??= {};
    imports[imp.module][imp.name] = () => {
      throw new Error(`bench: the module called its import ${imp.module}.${imp.name}`);
    };
  }
  return (await WebAssembly.instantiate(module, imports)).exports;
}
