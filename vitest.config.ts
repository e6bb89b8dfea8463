import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reference experiments train on real data: minutes on a shared 2-core machine, not seconds.
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
