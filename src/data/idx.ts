/**
 * The idx format of the MNIST files: a 4-byte magic number (two zero bytes, a type byte, a
 * dimension count), one big-endian uint32 per dimension, then the values in row-major order.
 * Only unsigned bytes (type 0x08) are supported, which is what MNIST uses.
 */
import { describe } from '../io/describe.js';
import { describeSource, readMaybeGzipped, type ByteSource } from './source.js';

/** A parsed idx file: its dimensions and its values (a view into the parsed bytes). */
export interface Idx {
  dims: number[];
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

const hex = (n: number, width: number): string => '0x' + n.toString(16).padStart(width, '0');

/**
 * Parses an unsigned-byte idx file held in memory. `source` only names the bytes in error
 * messages. The returned `data` is a view into `bytes`, not a copy, because MNIST images are 47 MB.
 */
export function parseIdx(bytes: Uint8Array, source = 'buffer'): Idx {
  // Checked here, before anything reads a length or a DataView: null or an ArrayBuffer gave a raw TypeError.
  const given: unknown = bytes;
  if (!(given instanceof Uint8Array)) {
    const hint =
      given instanceof ArrayBuffer
        ? ' (wrap an ArrayBuffer: new Uint8Array(buffer))'
        : typeof given === 'string'
          ? ' (readIdx reads a path or URL)'
          : '';
    throw new TypeError(`parseIdx: ${source}: bytes must be a Uint8Array of the file's contents${hint}, got ${describe(given)}`);
  }
  const { dims, headerLength } = parseIdxHeader(bytes, bytes.length, source);
  return { dims, data: bytes.subarray(headerLength) };
}

/**
 * Checks the header at the start of `bytes` of an idx file that is `totalBytes` long in all (so a
 * file can be checked from its first bytes alone, then read a piece at a time): its dimensions
 * and where the values start.
 */
export function parseIdxHeader(bytes: Uint8Array, totalBytes: number, source = 'buffer'): { dims: number[]; headerLength: number } {
  const fail = (problem: string): never => {
    throw new Error(`parseIdx: ${source}: ${problem}`);
  };
  if (totalBytes < 4 || bytes.length < 4) fail(`too short for an idx header: need at least 4 bytes, got ${totalBytes}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`not an idx file: magic number ${hex(magic, 8)} should start with two zero bytes`);
  }
  const type = bytes[2];
  if (type !== 0x08) {
    const known = TYPE_NAMES[type] ? ` (${TYPE_NAMES[type]})` : '';
    fail(`unsupported idx data type ${hex(type, 2)}${known}; only unsigned bytes (0x08) are supported`);
  }
  const rank = bytes[3];
  if (rank < 1) fail('idx header declares 0 dimensions; expected at least 1');
  const headerLength = 4 + 4 * rank;
  if (totalBytes < headerLength || bytes.length < headerLength) {
    fail(`header declares ${rank} dimensions, so needs ${headerLength} bytes, but the file has only ${Math.min(totalBytes, bytes.length)}`);
  }
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i);
    if (d < 1) fail(`dimension ${i} is 0; expected a positive size`);
    dims.push(d);
    size *= d;
  }
  const got = totalBytes - headerLength;
  if (got !== size) {
    const what = got < size ? 'truncated' : 'too long';
    fail(`${what}: dims [${dims.join(', ')}] expected ${size} bytes of data, got ${got}`);
  }
  return { dims, headerLength };
}

/**
 * Reads and parses an idx file. A string is a file path in Node (a URL string in the browser),
 * a URL is fetched (or read from disk when it is a `file:` URL in Node), bytes are parsed as they
 * are. Gzipped input (magic 1f 8b) is decompressed first, so `.gz` downloads work unchanged.
 */
export async function readIdx(source: ByteSource): Promise<Idx> {
  const name = describeSource(source);
  let bytes: Uint8Array;
  try {
    bytes = await readMaybeGzipped(source);
  } catch (e) {
    throw new Error(`readIdx: ${(e as Error).message}`, { cause: e });
  }
  return parseIdx(bytes, name);
}
