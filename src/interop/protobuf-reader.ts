/**
 * A protocol-buffers decoder for bytes that may be truncated, damaged or hostile: every length and
 * varint is checked against the bytes that are left before anything is read or allocated, and
 * every error names the message path being read (`ModelProto.graph.node[3].attribute[0]`) and the
 * byte offset in the file, so that a damaged file is refused with a message rather than a RangeError from a
 * DataView. It reads one message level at a time; the caller decides which fields are messages.
 */

/** One field as it is on the wire. */
export type WireValue =
  | {
      wire: 0 /** The varint's 64 bits as a signed integer (int64 fields), as a bigint when it is not a safe integer. */;
      value: number | bigint;
    }
  | { wire: 1 | 5; bytes: Uint8Array }
  | { wire: 2; bytes: Uint8Array };

const WIRE_NAMES: Record<number, string> = {
  0: 'varint',
  1: 'fixed64',
  2: 'length-delimited',
  3: 'group start',
  4: 'group end',
  5: 'fixed32',
};

/** A decoding error: `path` is where in the message tree, and the message says what was wrong. */
export class ProtoError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/**
 * Where each buffer being decoded starts, so that the byte offsets in messages count from the start
 * of the file whichever nested message is being read (nested messages are subarrays of it).
 */
const origins = new WeakMap<ArrayBufferLike, number>();

/** Marks `bytes` as a whole file: offsets in errors from it and its subarrays count from its first byte. */
export function startOfFile(bytes: Uint8Array): void {
  origins.set(bytes.buffer, bytes.byteOffset);
}

/** The offset in the file of `bytes[at]`. */
function fileOffset(bytes: Uint8Array, at: number): number {
  return bytes.byteOffset - (origins.get(bytes.buffer) ?? bytes.byteOffset) + at;
}

/**
 * Calls `visit` with each field of the message in `bytes`, in file order. Groups (wire types 3
 * and 4, deprecated, never used by ONNX) and wire types 6 and 7 (undefined) are refused.
 */
export function readFields(bytes: Uint8Array, path: string, visit: (field: number, value: WireValue, at: number) => void): void {
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const tag = readVarint(bytes, at, path, 'a field tag');
    const byte = fileOffset(bytes, start);
    at = tag.next;
    const t = typeof tag.value === 'bigint' ? -1 : tag.value;
    const field = Math.floor(t / 8);
    const wire = t % 8;
    if (t < 0 || field < 1 || field > 0x1fffffff)
      throw new ProtoError(path, `bad field tag ${tag.value} at byte ${byte} (field numbers run from 1 to 2²⁹ − 1)`);
    switch (wire) {
      case 0: {
        const v = readVarint(bytes, at, path, `field ${field} (varint)`);
        at = v.next;
        visit(field, { wire: 0, value: v.value }, start);
        break;
      }
      case 1:
      case 5: {
        const width = wire === 1 ? 8 : 4;
        if (at + width > bytes.length) {
          throw new ProtoError(
            path,
            `field ${field} (${WIRE_NAMES[wire]}) at byte ${byte} needs ${width} bytes, but the message has ${bytes.length - at} left`,
          );
        }
        visit(field, { wire, bytes: bytes.subarray(at, at + width) }, start);
        at += width;
        break;
      }
      case 2: {
        const len = readVarint(bytes, at, path, `the length of field ${field}`);
        at = len.next;
        const n = len.value;
        if (typeof n === 'bigint' || n < 0 || n > bytes.length - at) {
          throw new ProtoError(path, `field ${field} at byte ${byte} claims ${n} bytes, but the message has ${bytes.length - at} left`);
        }
        visit(field, { wire: 2, bytes: bytes.subarray(at, at + n) }, start);
        at += n;
        break;
      }
      default:
        throw new ProtoError(
          path,
          `field ${field} at byte ${byte} has wire type ${wire} (${WIRE_NAMES[wire] ?? 'undefined'}), which ONNX files do not use`,
        );
    }
  }
}

/**
 * The varint at `at`: its 64 bits read as a signed integer, a number when safe (bigint otherwise),
 * and where the next field starts. At most ten bytes; a varint cut off by the end is an error.
 */
export function readVarint(bytes: Uint8Array, at: number, path: string, what: string): { value: number | bigint; next: number } {
  let small = 0;
  for (let i = 0; i < 4; i++) {
    if (at + i >= bytes.length) throw new ProtoError(path, `${what} at byte ${fileOffset(bytes, at)} is cut off by the end of the message`);
    const b = bytes[at + i];
    small += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { value: small, next: at + i + 1 };
  }
  // Longer than 28 bits: rare (negative int64s, large counts); exact in bigint.
  let big = BigInt(small);
  for (let i = 4; i < 10; i++) {
    if (at + i >= bytes.length) throw new ProtoError(path, `${what} at byte ${fileOffset(bytes, at)} is cut off by the end of the message`);
    const b = bytes[at + i];
    big |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) {
      const signed = BigInt.asIntN(64, big);
      const safe = signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER);
      return { value: safe ? Number(signed) : signed, next: at + i + 1 };
    }
  }
  throw new ProtoError(path, `${what} at byte ${fileOffset(bytes, at)} runs past ten bytes, longer than any varint`);
}

/** The wire types a field of each kind is read from. */
const EXPECTED = { varint: [0], float: [5], bytes: [2] } as const;

/** Checks that `value` has the wire type of a `kind` field; the error names the field. */
function expect(value: WireValue, kind: keyof typeof EXPECTED, path: string, name: string): void {
  if (!(EXPECTED[kind] as readonly number[]).includes(value.wire)) {
    throw new ProtoError(
      path,
      `${name} has wire type ${value.wire} (${WIRE_NAMES[value.wire]}), expected ${EXPECTED[kind][0]} (${WIRE_NAMES[EXPECTED[kind][0]]})`,
    );
  }
}

/** An int64/int32/enum field as a safe integer. */
export function asInt(value: WireValue, path: string, name: string): number {
  expect(value, 'varint', path, name);
  const v = (value as { value: number | bigint }).value;
  if (typeof v === 'bigint') throw new ProtoError(path, `${name} is ${v}, beyond the integers a double holds exactly`);
  return v;
}

/** A length-delimited field's bytes (a bytes field, or an embedded message to read with readFields). */
export function asBytes(value: WireValue, path: string, name: string): Uint8Array {
  expect(value, 'bytes', path, name);
  return (value as { bytes: Uint8Array }).bytes;
}

const utf8 = new TextDecoder();

/** A string field (invalid UTF-8 is replaced, as ONNX runtimes would show it). */
export function asString(value: WireValue, path: string, name: string): string {
  return utf8.decode(asBytes(value, path, name));
}

/** A float field (fixed32). */
export function asFloat(value: WireValue, path: string, name: string): number {
  expect(value, 'float', path, name);
  const b = (value as { bytes: Uint8Array }).bytes;
  return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
}

/**
 * A repeated int64 field's values from one occurrence: packed (wire type 2, a run of varints) or
 * not (one varint). Proto2 writers may use either, and a reader must take both.
 */
export function asInts(value: WireValue, path: string, name: string): number[] {
  if (value.wire === 0) return [asInt(value, path, name)];
  const run = asBytes(value, path, name);
  const out: number[] = [];
  for (let at = 0; at < run.length; ) {
    const v = readVarint(run, at, path, `${name}[${out.length}]`);
    if (typeof v.value === 'bigint')
      throw new ProtoError(path, `${name}[${out.length}] is ${v.value}, beyond the integers a double holds exactly`);
    out.push(v.value);
    at = v.next;
  }
  return out;
}

/**
 * A repeated float (width 4) or double (width 8) field's bytes from one occurrence, packed or not:
 * little-endian values to be read by the caller. A packed run must hold whole values.
 */
export function asFixedRun(value: WireValue, width: 4 | 8, path: string, name: string): Uint8Array {
  if (value.wire === (width === 4 ? 5 : 1)) return (value as { bytes: Uint8Array }).bytes;
  const run = asBytes(value, path, name);
  if (run.length % width !== 0) {
    throw new ProtoError(
      path,
      `${name} holds ${run.length} bytes, not a whole number of ${width === 4 ? 'floats (4 bytes)' : 'doubles (8 bytes)'}`,
    );
  }
  return run;
}
