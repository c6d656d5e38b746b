/**
 * Route files are UTF-8 text. Binary data and invalid UTF-8 are reported where they start,
 * instead of being decoded into replacement characters that later checks would trip over.
 */
import { diagnostic, START, type Diagnostic } from './diagnostic.ts';

export function decodeRouteText(file: string, bytes: Buffer | string): string | Diagnostic {
  if (typeof bytes === 'string') return bytes;
  if (bytes.includes(0)) {
    return diagnostic('SY006', file, START, 'file holds binary data (NUL bytes), not YAML text', 'is this the right file? route files are UTF-8 YAML');
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad === undefined) return bytes.toString('utf8').replace(/^\uFEFF/, '');
  // Everything before the bad byte is valid UTF-8, so columns count characters, not bytes.
  const before = bytes.subarray(0, bad).toString('utf8');
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length - 1;
  const col = before.length - lineStart;
  const hex = bytes.subarray(bad, bad + 1).toString('hex').toUpperCase();
  return diagnostic('SY006', file, { line, col }, `file is not valid UTF-8 (byte 0x${hex} here)`, 'save the file as UTF-8 (it looks like Latin-1 or another legacy encoding)');
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence, if any. */
function firstInvalidUtf8(bytes: Buffer): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] ?? 0;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k] ?? 0;
      if ((c & 0xc0) !== 0x80) return i;
    }
    const second = bytes[i + 1] ?? 0;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return undefined;
}
