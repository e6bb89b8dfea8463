import { describe, expect, it } from 'vitest';
import { firstMismatch, mismatchRel } from './helpers/compare.js';

// The comparison every kernel test relies on must itself reject what it should.
describe('array comparison used by the kernel tests', () => {
  it('never treats NaN as close, even to NaN', () => {
    expect(mismatchRel([NaN], [NaN], 1, 1)).not.toBeNull();
    expect(mismatchRel([NaN], [0], 1, 1)).not.toBeNull();
    expect(mismatchRel([0], [NaN], 1, 1)).not.toBeNull();
  });
  it('matches an infinity only with the same infinity', () => {
    expect(mismatchRel([Infinity], [Infinity], 0, 0)).toBeNull();
    expect(mismatchRel([-Infinity], [Infinity], 1, 1)).not.toBeNull();
    expect(mismatchRel([1e300], [Infinity], 1, 1)).not.toBeNull();
  });
  it('applies the bound and reports the first offending index', () => {
    expect(firstMismatch([1, 2, 3.5], [1, 2, 3], () => 0.1)).toMatchObject({ index: 2, actual: 3.5, expected: 3 });
    expect(firstMismatch([1, 2], [1, 2, 3], () => 1)).not.toBeNull();
  });
});
