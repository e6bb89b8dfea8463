/**
 * CRC-32 (the IEEE 802.3 polynomial, reflected: 0xEDB88320), as used by zip, gzip and PNG. The
 * model file carries one so that a damaged or truncated file is refused instead of loaded. Node's
 * crypto is not available in browsers, and CRC-32 needs only a 1 KB table.
 */

let table: Uint32Array | null = null;

/** The 256 remainders of one byte, built on first use. */
function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 of `bytes` as an unsigned 32-bit integer (crc32 of "123456789" is 0xCBF43926). */
export function crc32(bytes: Uint8Array): number {
  const t = crcTable();
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
