/**
 * The real data sets of the reference experiments, prepared as the write-ups prepare them: one
 * module, examples/experiments/data.js, shared with the experiments and the examples. Under vitest
 * its 'backprop-wasm' is src/index.ts (vitest.config.ts).
 */
export { mnistFivesAndEights, seeds, seedsTwoVarieties } from '../../examples/experiments/data.js';
