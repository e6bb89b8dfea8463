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
import { createKernelMemory } from '../dist/backend/wasm-module.js';

/** @typedef {import('../dist/index.js').KernelBuild} KernelBuild */
/** @typedef {import('../dist/index.js').Precision} Precision */

/**
 * A kernel build as the bench sees it; `available` is false, and `reason` says why, when it cannot run here.
 * @typedef {object} BuildInfo
 * @property {KernelBuild} name
 * @property {string} file
 * @property {number | null} bytes
 * @property {boolean} available
 * @property {string} reason
 * @property {() => void} select makes later `ANN.create` calls use this build
 * @property {(precision: Precision) => Promise<WasmKernels>} create a kernel backend on this build
 */

/** @type {Record<KernelBuild, string>} */
const FILES = { simd: 'kernels.wasm', relaxed: 'kernels-relaxed.wasm' };
const buildUrl = (/** @type {string} */ file) => new URL(`../build/${file}`, import.meta.url);

/**
 * Size in bytes of a build's .wasm file, or null when it does not exist.
 * @param {string} file
 */
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
  /** @type {BuildInfo[]} */
  const builds = [];
  for (const [name, file] of /** @type {[KernelBuild, string][]} */ (Object.entries(FILES))) {
    const bytes = size(file);
    const build = /** @type {BuildInfo} */ ({ name, file: `build/${file}`, bytes, available: false, reason: '' });
    if (bytes === null) build.reason = `build/${file} does not exist`;
    else if (!WebAssembly.validate(readFileSync(buildUrl(file))))
      build.reason = `this runtime does not validate build/${file}${name === 'relaxed' ? ' (Node 20 needs --experimental-wasm-relaxed-simd, which npm run bench passes)' : ''}`;
    else {
      try {
        await lib.setKernelBuild(name);
        if (lib.kernelBuild() !== name) build.reason = `setKernelBuild('${name}') left kernelBuild() = '${lib.kernelBuild()}'`;
      } catch (err) {
        build.reason = /** @type {Error} */ (err).message;
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

/**
 * The compiled module of a build's file, for probes that call its exports directly.
 * @param {BuildInfo} build
 */
export function compileBuild(build) {
  return WebAssembly.compile(readFileSync(new URL(`../${build.file}`, import.meta.url)));
}

/**
 * Instantiates a module on a fresh memory (the kernels import it as env.memory) with a stub for every function it imports.
 * @param {WebAssembly.Module} module
 */
export async function instantiateWithStubs(module) {
  /** @type {Record<string, Record<string, WebAssembly.Memory | (() => never)>>} */
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    imports[imp.module] ??= {};
    if (imp.kind === 'memory') imports[imp.module][imp.name] = createKernelMemory();
    else if (imp.kind === 'function') {
      imports[imp.module][imp.name] = () => {
        throw new Error(`bench: the module called its import ${imp.module}.${imp.name}`);
      };
    }
  }
  return (await WebAssembly.instantiate(module, imports)).exports;
}
