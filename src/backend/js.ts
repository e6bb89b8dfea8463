/**
 * The kernels written plainly in TypeScript: the reference that the WebAssembly kernels are
 * tested against and the baseline they are benchmarked against. Clarity first; the only
 * concession to speed is the loop order of the matrix product (the inner loop walks memory
 * contiguously whenever the operands allow it).
 */
import type { FloatArray } from '../io/matrix.js';
import {
  Activation,
  LossKernel,
  quarterOfBatch,
  tooDenseAtQuarter,
  type Buffer,
  type IndexBuffer,
  type Kernels,
  type Precision,
} from './kernels.js';
import { checkRoom } from './room.js';

class JsBuffer implements Buffer {
  constructor(
    /** Emptied by `dispose`, so that a buffer still referenced holds no memory. */
    public data: FloatArray,
    readonly length: number,
  ) {}
}

class JsIndexBuffer implements IndexBuffer {
  readonly indices = true as const;
  constructor(
    /** Emptied by `dispose`, like a JsBuffer's. */
    public data: Int32Array,
    readonly length: number,
  ) {}
}

const EPSILON = 1e-7;
/** What a disposed buffer holds. */
const EMPTY = new Float64Array(0);
const EMPTY_INDICES = new Int32Array(0);

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

export class JsKernels implements Kernels {
  readonly name = 'js' as const;
  private buffers: (JsBuffer | JsIndexBuffer)[] = [];
  /** Bytes of the buffers held, against the limit (src/backend/room.ts). */
  private held = 0;
  private readonly bytesPer: number;

  constructor(readonly precision: Precision) {
    this.bytesPer = precision === 'f32' ? 4 : 8;
  }

  alloc(length: number): Buffer {
    checkRoom('js', 'the network needs', this.held, this.held + length * this.bytesPer, 'use fewer or smaller layers, or a smaller batch');
    const buf = new JsBuffer(this.precision === 'f32' ? new Float32Array(length) : new Float64Array(length), length);
    this.buffers.push(buf);
    this.held += length * this.bytesPer;
    return buf;
  }
  allocIndices(length: number): IndexBuffer {
    checkRoom('js', 'the network needs', this.held, this.held + length * 4, 'use fewer or smaller layers, or a smaller batch');
    const buf = new JsIndexBuffer(new Int32Array(length), length);
    this.buffers.push(buf);
    this.held += length * 4;
    return buf;
  }
  indexView(buf: IndexBuffer): Int32Array {
    return (buf as JsIndexBuffer).data;
  }
  checkRoom(lengths: readonly number[], what: string): void {
    const needed = lengths.reduce((sum, n) => sum + n * this.bytesPer, this.held);
    checkRoom('js', `${what} need`, this.held, needed, 'use fewer or smaller layers');
  }
  mark(): number {
    return this.buffers.length;
  }
  release(mark: number): void {
    for (let i = mark; i < this.buffers.length; i++) {
      const b = this.buffers[i];
      this.held -= b.length * (b instanceof JsIndexBuffer ? 4 : this.bytesPer);
    }
    this.buffers.length = mark;
  }
  view(buf: Buffer): FloatArray {
    return (buf as JsBuffer).data;
  }

  /** On one thread there is nothing to overlap a job with. */
  readonly overlaps: boolean = false;

  overlap(_job: (() => void) | null): void {}

  dispose(): void {
    for (const b of this.buffers) {
      if (b instanceof JsIndexBuffer) b.data = EMPTY_INDICES;
      else b.data = EMPTY;
    }
    this.buffers = [];
    this.held = 0;
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Buffer, b: Buffer, c: Buffer, accumulate: boolean): void {
    const A = (a as JsBuffer).data;
    const B = (b as JsBuffer).data;
    const C = (c as JsBuffer).data;
    if (!accumulate) C.fill(0, 0, m * n);
    // Strides of op(A)[i, p] and op(B)[p, j] in the stored arrays.
    const aRow = transA ? 1 : k;
    const aCol = transA ? m : 1;
    const bRow = transB ? 1 : n;
    const bCol = transB ? k : 1;
    if (!transB) {
      // i-p-j order: the inner loop runs along a row of B and a row of C.
      for (let i = 0; i < m; i++) {
        const ci = i * n;
        for (let p = 0; p < k; p++) {
          const aip = A[i * aRow + p * aCol];
          const bp = p * bRow;
          for (let j = 0; j < n; j++) C[ci + j] += aip * B[bp + j];
        }
      }
    } else {
      // Bᵀ: rows of B are columns of op(B), so a dot product per element is contiguous in B.
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          const bj = j * bCol;
          for (let p = 0; p < k; p++) s += A[i * aRow + p * aCol] * B[bj + p];
          C[i * n + j] += s;
        }
      }
    }
  }

  biasAdd(z: Buffer, b: Buffer, rows: number, cols: number): void {
    const Z = (z as JsBuffer).data;
    const bias = (b as JsBuffer).data;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) Z[r * cols + c] += bias[c];
  }

  biasGradient(dz: Buffer, db: Buffer, rows: number, cols: number, accumulate: boolean): void {
    const D = (dz as JsBuffer).data;
    const g = (db as JsBuffer).data;
    if (!accumulate) g.fill(0, 0, cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) g[c] += D[r * cols + c];
  }

  activate(kind: Activation, z: Buffer, a: Buffer, rows: number, cols: number, slope: number): void {
    const Z = (z as JsBuffer).data;
    const A = (a as JsBuffer).data;
    const len = rows * cols;
    switch (kind) {
      case Activation.Identity:
        for (let i = 0; i < len; i++) A[i] = Z[i];
        return;
      case Activation.Sigmoid:
        for (let i = 0; i < len; i++) A[i] = sigmoid(Z[i]);
        return;
      case Activation.Tanh:
        for (let i = 0; i < len; i++) A[i] = Math.tanh(Z[i]);
        return;
      case Activation.Relu:
        // Math.max keeps a NaN, as the wasm kernels do: the oracle must not hide one.
        for (let i = 0; i < len; i++) A[i] = Math.max(Z[i], 0);
        return;
      case Activation.LeakyRelu:
        for (let i = 0; i < len; i++) A[i] = Z[i] > 0 ? Z[i] : slope * Z[i];
        return;
      case Activation.Softmax:
        for (let r = 0; r < rows; r++) {
          const o = r * cols;
          let max = -Infinity;
          for (let j = 0; j < cols; j++) max = Math.max(max, Z[o + j]);
          let sum = 0;
          for (let j = 0; j < cols; j++) sum += Math.exp(Z[o + j] - max);
          for (let j = 0; j < cols; j++) A[o + j] = Math.exp(Z[o + j] - max) / sum;
        }
        return;
    }
  }

  activateBackward(kind: Activation, z: Buffer, a: Buffer, da: Buffer, dz: Buffer, rows: number, cols: number, slope: number): void {
    const Z = (z as JsBuffer).data;
    const A = (a as JsBuffer).data;
    const dA = (da as JsBuffer).data;
    const dZ = (dz as JsBuffer).data;
    const len = rows * cols;
    switch (kind) {
      case Activation.Identity:
        for (let i = 0; i < len; i++) dZ[i] = dA[i];
        return;
      case Activation.Sigmoid:
        for (let i = 0; i < len; i++) dZ[i] = dA[i] * A[i] * (1 - A[i]);
        return;
      case Activation.Tanh:
        for (let i = 0; i < len; i++) dZ[i] = dA[i] * (1 - A[i] * A[i]);
        return;
      // 1 above 0, 0 (or the slope) at or below it, NaN at NaN, which is neither.
      case Activation.Relu:
        for (let i = 0; i < len; i++) dZ[i] = Z[i] > 0 ? dA[i] : Z[i] <= 0 ? 0 : Number.NaN;
        return;
      case Activation.LeakyRelu:
        for (let i = 0; i < len; i++) dZ[i] = Z[i] > 0 ? dA[i] : Z[i] <= 0 ? slope * dA[i] : Number.NaN;
        return;
      case Activation.Softmax:
        for (let r = 0; r < rows; r++) {
          const o = r * cols;
          let dot = 0;
          for (let j = 0; j < cols; j++) dot += dA[o + j] * A[o + j];
          for (let j = 0; j < cols; j++) dZ[o + j] = A[o + j] * (dA[o + j] - dot);
        }
        return;
    }
  }

  lossSum(
    kind: LossKernel,
    out: Buffer,
    y: Buffer,
    rows: number,
    cols: number,
    into: Float64Array,
    slot: number,
    weights?: Buffer | null,
  ): void {
    const [O, Y] = [data(out), data(y)];
    if (!weights) {
      into[slot] += this.sumOfLoss(kind, O, Y, rows, cols);
      return;
    }
    const Wt = data(weights);
    let total = 0;
    for (let r = 0; r < rows; r++) total += Wt[r] * this.sumOfLoss(kind, O.subarray(r * cols), Y.subarray(r * cols), 1, cols);
    into[slot] += total;
  }

  scaleRows(d: Buffer, w: Buffer, rows: number, cols: number): void {
    const [D, Wt] = [data(d), data(w)];
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) D[r * cols + j] *= Wt[r];
  }

  private sumOfLoss(kind: LossKernel, O: FloatArray, Y: FloatArray, rows: number, cols: number): number {
    const len = rows * cols;
    let sum = 0;
    switch (kind) {
      case LossKernel.SquaredError:
        for (let i = 0; i < len; i++) sum += (O[i] - Y[i]) ** 2;
        return sum;
      case LossKernel.BinaryCrossEntropy:
        for (let i = 0; i < len; i++) {
          const p = Math.min(Math.max(O[i], EPSILON), 1 - EPSILON);
          sum -= Y[i] * Math.log(p) + (1 - Y[i]) * Math.log(1 - p);
        }
        return sum;
      case LossKernel.BinaryCrossEntropyLogits:
        for (let i = 0; i < len; i++) {
          const z = O[i];
          sum += Math.max(z, 0) - z * Y[i] + Math.log1p(Math.exp(-Math.abs(z)));
        }
        return sum;
      case LossKernel.CategoricalCrossEntropyLogits:
        for (let r = 0; r < rows; r++) {
          const o = r * cols;
          let max = -Infinity;
          for (let j = 0; j < cols; j++) max = Math.max(max, O[o + j]);
          let s = 0;
          for (let j = 0; j < cols; j++) s += Math.exp(O[o + j] - max);
          const lse = max + Math.log(s);
          for (let j = 0; j < cols; j++) sum += Y[o + j] * (lse - O[o + j]);
        }
        return sum;
    }
  }

  lossGradient(kind: LossKernel, a: Buffer, y: Buffer, d: Buffer, length: number, scale: number): void {
    const A = (a as JsBuffer).data;
    const Y = (y as JsBuffer).data;
    const D = (d as JsBuffer).data;
    if (kind === LossKernel.BinaryCrossEntropy) {
      const hi = this.precision === 'f32' ? Math.fround(1 - EPSILON) : 1 - EPSILON;
      for (let i = 0; i < length; i++) {
        const p = Math.min(Math.max(A[i], EPSILON), hi);
        D[i] = (scale * (p - Y[i])) / (p * (1 - p));
      }
      return;
    }
    for (let i = 0; i < length; i++) D[i] = scale * (A[i] - Y[i]);
  }

  sgdUpdate(w: Buffer, g: Buffer, v: Buffer, length: number, lr: number, momentum: number, nesterov: boolean, decay: number): void {
    const [W, G, V] = [data(w), data(g), data(v)];
    for (let i = 0; i < length; i++) {
      let d = decay === 0 ? G[i] : G[i] + decay * W[i];
      if (momentum !== 0) {
        V[i] = momentum * V[i] + d;
        d = nesterov ? d + momentum * V[i] : V[i];
      }
      W[i] -= lr * d;
    }
  }

  adamUpdate(
    w: Buffer,
    g: Buffer,
    m: Buffer,
    v: Buffer,
    length: number,
    stepSize: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    correction2: number,
    decay: number,
    shrink: number,
  ): void {
    const [W, G, M, V] = [data(w), data(g), data(m), data(v)];
    for (let i = 0; i < length; i++) {
      const gi = decay === 0 ? G[i] : G[i] + decay * W[i];
      M[i] = M[i] * beta1 + (1 - beta1) * gi;
      V[i] = V[i] * beta2 + (1 - beta2) * gi * gi;
      W[i] = W[i] * shrink - stepSize * (M[i] / (Math.sqrt(V[i]) / correction2 + epsilon));
    }
  }

  rmspropUpdate(w: Buffer, g: Buffer, v: Buffer, length: number, lr: number, rho: number, epsilon: number, decay: number): void {
    const [W, G, V] = [data(w), data(g), data(v)];
    for (let i = 0; i < length; i++) {
      const gi = decay === 0 ? G[i] : G[i] + decay * W[i];
      V[i] = V[i] * rho + (1 - rho) * gi * gi;
      W[i] -= lr * (gi / (Math.sqrt(V[i]) + epsilon));
    }
  }

  sumOfSquares(x: Buffer, length: number, into: Float64Array, slot: number): void {
    const X = data(x);
    let s = 0;
    for (let i = 0; i < length; i++) s += X[i] * X[i];
    into[slot] += s;
  }

  allFinite(x: Buffer, length: number): boolean {
    const X = data(x);
    for (let i = 0; i < length; i++) if (!Number.isFinite(X[i])) return false;
    return true;
  }

  everyFinite(values: FloatArray): boolean {
    // x·0 is 0 for a finite x and NaN otherwise, and a NaN stays in the sum: no branch a value.
    let s = 0;
    for (let i = 0; i < values.length; i++) s += values[i] * 0;
    return s === 0;
  }

  csrFromDense(
    x: Buffer,
    rows: number,
    cols: number,
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    capacity: number,
  ): number {
    const X = (x as JsBuffer).data;
    const [starts, cs, vs] = [(rowStart as JsIndexBuffer).data, (columns as JsIndexBuffer).data, (values as JsBuffer).data];
    let nnz = 0;
    starts[0] = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = X[r * cols + c];
        // NaN is kept (gemm would carry it to the output), −0 is not (its products add ±0).
        if (v === 0) continue;
        if (nnz === capacity) return -1;
        cs[nnz] = c;
        vs[nnz++] = v;
      }
      starts[r + 1] = nnz;
      if (r + 1 === quarterOfBatch(rows) && tooDenseAtQuarter(nnz, rows, capacity)) return -1;
    }
    return nnz;
  }

  csrRowCounts(x: Buffer, cols: number, rowStart: IndexBuffer, rowBegin: number, rowEnd: number): void {
    const X = (x as JsBuffer).data;
    const starts = (rowStart as JsIndexBuffer).data;
    for (let r = rowBegin; r < rowEnd; r++) {
      let count = 0;
      for (let c = 0; c < cols; c++) if (X[r * cols + c] !== 0) count++;
      starts[r + 1] = count;
    }
  }

  csrFillRows(
    x: Buffer,
    cols: number,
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    rowBegin: number,
    rowEnd: number,
  ): void {
    const X = (x as JsBuffer).data;
    const [starts, cs, vs] = [(rowStart as JsIndexBuffer).data, (columns as JsIndexBuffer).data, (values as JsBuffer).data];
    for (let r = rowBegin; r < rowEnd; r++) {
      let at = starts[r];
      for (let c = 0; c < cols; c++) {
        const v = X[r * cols + c];
        if (v === 0) continue;
        cs[at] = c;
        vs[at++] = v;
      }
    }
  }

  csrTranspose(
    rows: number,
    cols: number,
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    colStart: IndexBuffer,
    rowIndex: IndexBuffer,
    colValues: Buffer,
    colBegin: number,
    colEnd: number,
  ): void {
    const [starts, cs, vs] = [(rowStart as JsIndexBuffer).data, (columns as JsIndexBuffer).data, (values as JsBuffer).data];
    const [cstarts, rs, cvs] = [(colStart as JsIndexBuffer).data, (rowIndex as JsIndexBuffer).data, (colValues as JsBuffer).data];
    // Counts of the range's columns; the entries of lower columns say where the range starts.
    cstarts.fill(0, colBegin, colEnd);
    let base = 0;
    for (let e = 0; e < starts[rows]; e++) {
      if (cs[e] < colBegin) base++;
      else if (cs[e] < colEnd) cstarts[cs[e]]++;
    }
    let next = base;
    for (let c = colBegin; c < colEnd; c++) {
      const count = cstarts[c];
      cstarts[c] = next;
      next += count;
    }
    // Rows in order, so that each column's entries come in ascending row; cstarts[c] moves on to
    // the start of column c + 1 as column c fills, and is shifted back after.
    for (let r = 0; r < rows; r++) {
      for (let e = starts[r]; e < starts[r + 1]; e++) {
        const c = cs[e];
        if (c < colBegin || c >= colEnd) continue;
        const at = cstarts[c]++;
        rs[at] = r;
        cvs[at] = vs[e];
      }
    }
    if (colEnd > colBegin) {
      cstarts.copyWithin(colBegin + 1, colBegin, colEnd - 1);
      cstarts[colBegin] = base;
    }
    if (colEnd === cols) cstarts[cols] = next;
  }

  csrMatmul(
    rowStart: IndexBuffer,
    columns: IndexBuffer,
    values: Buffer,
    k: number,
    d: Buffer,
    n: number,
    z: Buffer,
    rowBegin: number,
    rowEnd: number,
  ): void {
    const [starts, cs, vs] = [(rowStart as JsIndexBuffer).data, (columns as JsIndexBuffer).data, (values as JsBuffer).data];
    const [D, Z] = [(d as JsBuffer).data, (z as JsBuffer).data];
    void k;
    // The i-p-j order of gemm without transposes, over the non-zeros alone: the same sums in the same order.
    for (let r = rowBegin; r < rowEnd; r++) {
      const zr = r * n;
      Z.fill(0, zr, zr + n);
      for (let e = starts[r]; e < starts[r + 1]; e++) {
        const v = vs[e];
        const dr = cs[e] * n;
        for (let j = 0; j < n; j++) Z[zr + j] += v * D[dr + j];
      }
    }
  }

  cscTransposeMatmul(
    colStart: IndexBuffer,
    rowIndex: IndexBuffer,
    values: Buffer,
    m: number,
    d: Buffer,
    n: number,
    g: Buffer,
    colBegin: number,
    colEnd: number,
    accumulate: boolean,
  ): void {
    const [starts, rs, vs] = [(colStart as JsIndexBuffer).data, (rowIndex as JsIndexBuffer).data, (values as JsBuffer).data];
    const [D, G] = [(d as JsBuffer).data, (g as JsBuffer).data];
    void m;
    // gemm(true, false)'s i-p-j order over the non-zeros of each column of X.
    for (let c = colBegin; c < colEnd; c++) {
      const gc = c * n;
      if (!accumulate) G.fill(0, gc, gc + n);
      for (let e = starts[c]; e < starts[c + 1]; e++) {
        const v = vs[e];
        const dr = rs[e] * n;
        for (let j = 0; j < n; j++) G[gc + j] += v * D[dr + j];
      }
    }
  }

  cscTransposeMatmulListed(
    colStart: IndexBuffer,
    rowIndex: IndexBuffer,
    values: Buffer,
    m: number,
    d: Buffer,
    n: number,
    g: Buffer,
    list: IndexBuffer,
    begin: number,
    end: number,
  ): void {
    const columns = (list as JsIndexBuffer).data;
    for (let i = begin; i < end; i++) this.cscTransposeMatmul(colStart, rowIndex, values, m, d, n, g, columns[i], columns[i] + 1, false);
  }

  nonEmptyColumns(colStart: IndexBuffer, cols: number, out: IndexBuffer): number {
    const [starts, o] = [(colStart as JsIndexBuffer).data, (out as JsIndexBuffer).data];
    let count = 0;
    for (let c = 0; c < cols; c++) if (starts[c + 1] !== starts[c]) o[count++] = c;
    return count;
  }

  zeroRows(g: Buffer, width: number, list: IndexBuffer, count: number): void {
    const [G, rows] = [data(g), (list as JsIndexBuffer).data];
    for (let i = 0; i < count; i++) G.fill(0, rows[i] * width, (rows[i] + 1) * width);
  }

  sgdUpdateRows(w: Buffer, g: Buffer, width: number, list: IndexBuffer, count: number, learningRate: number): void {
    const [W, G, rows] = [data(w), data(g), (list as JsIndexBuffer).data];
    for (let i = 0; i < count; i++) {
      for (let j = rows[i] * width, end = j + width; j < end; j++) W[j] -= learningRate * G[j];
    }
  }

  adamUpdateRows(
    w: Buffer,
    g: Buffer,
    m: Buffer,
    v: Buffer,
    width: number,
    list: IndexBuffer,
    count: number,
    stepSize: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    correction2: number,
  ): void {
    const [W, G, M, V, rows] = [data(w), data(g), data(m), data(v), (list as JsIndexBuffer).data];
    for (let i = 0; i < count; i++) {
      for (let j = rows[i] * width, end = j + width; j < end; j++) {
        M[j] = M[j] * beta1 + (1 - beta1) * G[j];
        V[j] = V[j] * beta2 + (1 - beta2) * G[j] * G[j];
        W[j] = W[j] - stepSize * (M[j] / (Math.sqrt(V[j]) / correction2 + epsilon));
      }
    }
  }

  multiply(x: Buffer, y: Buffer, out: Buffer, length: number): void {
    const [X, Y, O] = [data(x), data(y), data(out)];
    for (let i = 0; i < length; i++) O[i] = X[i] * Y[i];
  }

  scale(x: Buffer, length: number, factor: number): void {
    const X = data(x);
    for (let i = 0; i < length; i++) X[i] *= factor;
  }
}

function data(b: Buffer): FloatArray {
  return (b as JsBuffer).data;
}
