import { defineConfig } from 'vitest/config';

export default defineConfig({
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
