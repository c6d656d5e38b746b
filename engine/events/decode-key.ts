/**
 * S3 notification keys are form-URL-encoded: "red flower.jpg" arrives as "red+flower.jpg", a real
 * plus as "%2B", non-ASCII as %XX UTF-8 bytes (moto also encodes "/" as "%2F").
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * Decoding happens here, once, and nowhere else in Switchyard.
 */
export type KeyDecoding = { ok: true; key: string } | { ok: false; reason: string };

export function decodeFormUrlEncodedKey(encoded: string): KeyDecoding {
  try {
    return { ok: true, key: decodeURIComponent(encoded.replaceAll('+', ' ')) };
  } catch {
    // decodeURIComponent throws URIError for "%" not followed by two hex digits and for bytes that are not UTF-8.
    return { ok: false, reason: `key '${encoded}' is not valid URL encoding` };
  }
}
