/**
 * Telling UTF-16 text from UTF-8 by its first bytes. Excel's "Unicode Text" and PowerShell's `>`
 * write UTF-16; decoded as UTF-8 it reads as a NUL after every character, and numbers do not parse
 * or, worse, parse wrong. Naming the encoding tells the user what to do about it.
 */

/** Bytes looked at for NULs when there is no byte-order mark. */
const SNIFF_BYTES = 64;

/** 'UTF-16LE' or 'UTF-16BE' when `bytes` (the start of a file) look like UTF-16 text, else null. */
export function utf16Encoding(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16LE';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16BE';
  // Without a byte-order mark: ASCII text in UTF-16 has a NUL in every other byte.
  const n = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  if (n < 4) return null;
  let evenNul = true;
  let oddNul = true;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] !== 0) evenNul = false;
    if (bytes[i + 1] !== 0) oddNul = false;
  }
  if (oddNul && !evenNul) return 'UTF-16LE';
  if (evenNul && !oddNul) return 'UTF-16BE';
  return null;
}

/** The refusal of a UTF-16 file, naming it and saying what to do. */
export function utf16Error(name: string, encoding: string): Error {
  return new Error(`${name} is ${encoding} text; save it as UTF-8 (in Excel: "CSV UTF-8"; or iconv -f ${encoding} -t UTF-8)`);
}
