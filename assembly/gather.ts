// A batch gathered from a training set held in the module's memory (src/core/staged-rows.ts):
// one memory.copy a sample, where a copy from JavaScript costs a call a sample and, into shared
// memory, goes element by element.

/**
 * Rows order[0 … count − 1] of src (rows of rowBytes bytes) copied one after another to dst.
 * The caller checks that every index names a row of src and that dst holds count rows.
 */
export function gatherRows(src: usize, rowBytes: i32, order: usize, count: i32, dst: usize): void {
  const bytes = <usize>rowBytes;
  for (let r = 0; r < count; r++) {
    const from = src + <usize>load<i32>(order + (<usize>r << 2)) * bytes;
    memory.copy(dst + <usize>r * bytes, from, bytes);
  }
}
