/**
 * A protocol-buffers encoder for the little that ONNX files need: varints (non-negative and
 * negative int64), fixed 32-bit floats, length-delimited bytes, strings and nested messages,
 * packed repeated int64s. Fields are written in the order they are added; a nested message is
 * encoded first and embedded with its length, so nothing is patched afterwards. The wire format
 * is Google's "Encoding" page: tag = field << 3 | wire type; 0 varint, 2 length-delimited, 5 fixed32.
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const utf8 = new TextEncoder();

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  /** Scratch for varints and fixed-width numbers, copied into a chunk of their own. */
  private readonly scratch = new DataView(new ArrayBuffer(10));

  /** An int64 / int32 / enum field as a varint (negative numbers take ten bytes, as protobuf's two's complement has it). */
  int(field: number, value: number): this {
    this.tag(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A float field (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    this.scratch.setFloat32(0, value, true);
    this.push(new Uint8Array(this.scratch.buffer.slice(0, 4)));
    return this;
  }

  /** A string field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  /** An embedded message field: `build` writes the message's own fields. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated int64 field (all values in one length-delimited run). */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`ProtoWriter: a varint must be a safe integer, got ${value}`);
    const bytes: number[] = [];
    if (value < 0) {
      // int64 fields hold negative numbers as their 64-bit two's complement: always ten bytes.
      let v = BigInt.asUintN(64, BigInt(value));
      for (let i = 0; i < 9; i++) {
        bytes.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      bytes.push(Number(v));
    } else {
      let v = value;
      // Division rather than >>> 7: shifts work on 32 bits, and dims or byte counts may exceed them.
      while (v >= 0x80) {
        bytes.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      bytes.push(v);
    }
    this.push(Uint8Array.from(bytes));
  }

  private push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }
}
