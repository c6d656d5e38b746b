/**
 * The `x-amz-copy-source` value: `bucket/key[?versionId=…]` with the key percent-encoded.
 * The SDK sends it as a raw header, so spaces, `+`, `%`, `?`, `#` and non-ASCII characters
 * must be encoded here; `/` stays literal so the key keeps its shape.
 */
import type { ObjectRef } from '../types.ts';

export function copySource(ref: ObjectRef): string {
  const key = encodeKeyPath(ref.key);
  const version = ref.versionId !== undefined ? `?versionId=${encodeSegment(ref.versionId)}` : '';
  return `${ref.bucket}/${key}${version}`;
}

/** A key as it appears in a request path or copy source: each segment encoded, `/` kept. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(encodeSegment).join('/');
}

/** RFC 3986 unreserved characters stay; everything else, including `!'()*`, is encoded. */
function encodeSegment(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
