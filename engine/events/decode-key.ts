/**
 * S3 notification keys are form-URL-encoded: "red flower.jpg" arrives as "red+flower.jpg", a real
 * plus as "%2B", non-ASCII as %XX UTF-8 bytes (moto also encodes "/" as "%2F").
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * Decoding happens here, once, and nowhere else in Switchyard.
 */
export type KeyDecoding = { ok: true; key: string } | { ok: false; reason: string };

const BROKEN_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
/** A UTF-16 surrogate without its partner: a string no UTF-8 byte sequence decodes to. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function decodeFormUrlEncodedKey(encoded: string): KeyDecoding {
  if (BROKEN_ESCAPE.test(encoded)) return { ok: false, reason: `key '${excerpt(encoded)}' is not valid URL encoding (a '%' not followed by two hex digits)` };
  let key: string;
  try {
    key = decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    // With the escapes well formed, decodeURIComponent fails only on bytes that are not UTF-8.
    return { ok: false, reason: notUtf8(encoded) };
  }
  return checkedKey(key, encoded);
}

/** A key that arrived already decoded (EventBridge raw keys, direct invocations) must be UTF-8 text too. */
export function checkedKey(key: string, asReceived: string = key): KeyDecoding {
  if (LONE_SURROGATE.test(key)) return { ok: false, reason: notUtf8(asReceived) };
  return { ok: true, key };
}

function notUtf8(encoded: string): string {
  return `key '${excerpt(encoded)}' does not decode to valid UTF-8: S3 keys are UTF-8, so this event was not written by S3 or was mangled on the way; nothing is routed (it goes to the dead-letter queue to be looked at)`;
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
