/**
 * Reading raw bytes from wherever a data set lives, in Node and in the browser. Node modules are
 * only imported dynamically, inside the branches that need them, so that a bundler targeting the
 * browser never has to resolve `node:fs` or `node:zlib`.
 */

/** What the loaders accept: a path (Node) or URL string (browser), a URL, or the bytes themselves. */
export type ByteSource = string | URL | ArrayBuffer | Uint8Array;

/** True when running under Node (or a runtime that exposes Node's `process.versions.node`). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** A short name for a source, for error messages: the path, the URL, or "buffer". */
export function describeSource(source: ByteSource): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  return 'buffer';
}

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Where a path or URL is on this machine's disk, for Node's fs: the path, or a `file:` URL (a
 * "file:" string becomes a URL, since fs reads a string as a path); null when it is to be fetched
 * (an http(s) URL, or anything in a browser).
 */
export function localFile(source: string | URL): string | URL | null {
  if (typeof source === 'string' && /^file:/i.test(source)) source = new URL(source);
  const remote = typeof source === 'string' ? /^https?:\/\//i.test(source) : source.protocol !== 'file:';
  return isNode() && !remote ? source : null;
}

/**
 * Reads `source` into bytes. A string is a file path in Node (an `http(s)://` string is fetched)
 * and a URL string in the browser; a `file:` URL is read from disk in Node; other URLs are fetched.
 * Bytes are returned as they are (an ArrayBuffer is wrapped without copying).
 */
export async function readBytes(source: ByteSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const name = describeSource(source);
  const local = localFile(source);
  if (local !== null) {
    const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
    try {
      const buf = await fs.readFile(local);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw new Error(`${name}: cannot read file: ${(e as Error).message}`);
    }
  }
  let response: Response;
  try {
    response = await fetch(source);
  } catch (e) {
    throw new Error(`${name}: fetch failed: ${(e as Error).message}`);
  }
  if (!response.ok) throw new Error(`${name}: fetch failed with HTTP ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Decompresses gzip bytes: node:zlib in Node, DecompressionStream in the browser. */
export async function gunzip(bytes: Uint8Array, name = 'buffer'): Promise<Uint8Array> {
  try {
    if (isNode()) {
      const zlib = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:zlib');
      const out = zlib.gunzipSync(bytes);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    // Copy into a fresh ArrayBuffer-backed array: Blob rejects views over SharedArrayBuffer.
    const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${name}: gzip decompression failed: ${(e as Error).message}`);
  }
}

/** Reads `source` and, when it starts with the gzip magic number, decompresses it. */
export async function readMaybeGzipped(source: ByteSource): Promise<Uint8Array> {
  const bytes = await readBytes(source);
  return isGzip(bytes) ? gunzip(bytes, describeSource(source)) : bytes;
}
