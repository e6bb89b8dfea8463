import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The reference experiments (examples/experiments/) import the package by its name, as a user
    // would; under vitest that name is the sources, so the tests test src/ without a rebuild
    // (Node, running the examples, resolves it through package.json "exports" to dist/). Only the
    // bare name: a subpath such as 'backprop-wasm/package.json' is not rewritten. Child processes
    // (test/package.test.ts, the CLI tests) are plain Node and do not see this.
    alias: [{ find: /^backprop-wasm$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The reference experiments train on real data: minutes on a shared 2-core machine, not seconds.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Node 20 compiles relaxed SIMD only behind this flag: with it, the tests run both kernel
    // builds (plain and relaxed SIMD) side by side, as Chromium would choose the relaxed one.
    execArgv: ['--experimental-wasm-relaxed-simd'],
  },
});
