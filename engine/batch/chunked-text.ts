/**
 * Manifests of millions of objects as bytes, never as one string: V8 caps a string at about
 * 2^29 characters (about 3 million manifest lines), a Buffer at 4 GiB. Lines are joined and
 * split a chunk at a time.
 */
const LINES_PER_CHUNK = 50_000;

/** `items` rendered one per entry, joined by `separator`, between `open` and `close`. */
export function joinedBytes<T>(items: readonly T[], render: (item: T) => string, separator: string, open = '', close = ''): Buffer {
  const chunks: Buffer[] = [Buffer.from(open)];
  for (let start = 0; start < items.length; start += LINES_PER_CHUNK) {
    const chunk = items.slice(start, start + LINES_PER_CHUNK).map(render).join(separator);
    chunks.push(Buffer.from(start === 0 ? chunk : `${separator}${chunk}`));
  }
  chunks.push(Buffer.from(close));
  return Buffer.concat(chunks);
}

/** Each non-empty line of `bytes` (UTF-8, `\n`-separated), decoded one at a time. */
export function* linesOf(bytes: Buffer): Generator<string> {
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(10, start);
    const stop = end === -1 ? bytes.length : end;
    if (stop > start) yield bytes.toString('utf8', start, stop);
    start = stop + 1;
  }
}
