/**
 * Objects to evaluate, from a file: one key per line (`s3://bucket/key`, or a bare key in the
 * bucket given with `--bucket`), or an S3 Inventory CSV report (`"bucket","key",…`, keys
 * URL-encoded as in event notifications). Blank lines and `#` comments are skipped.
 */
import { csvFields } from '../batch/csv.ts';
import { decodeFormUrlEncodedKey } from '../events/decode-key.ts';

export interface ListedObject {
  bucket: string;
  key: string;
}

export interface KeyListProblem {
  /** 1-based. */
  line: number;
  message: string;
}

export function parseKeyList(text: string, bucket: string | undefined): { objects: ListedObject[]; problems: KeyListProblem[] } {
  const objects: ListedObject[] = [];
  const problems: KeyListProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.startsWith('#')) continue;
    const parsed = line.startsWith('"') ? inventoryRow(line) : keyLine(line, bucket);
    if ('message' in parsed) problems.push({ line: i + 1, message: parsed.message });
    else objects.push(parsed);
  }
  return { objects, problems };
}

function keyLine(line: string, bucket: string | undefined): ListedObject | { message: string } {
  const url = /^s3:\/\/([^/]+)\/(.+)$/.exec(line);
  if (url?.[1] && url[2]) return { bucket: url[1], key: url[2] };
  if (line.startsWith('s3://')) return { message: `'${line}' is not s3://bucket/key` };
  if (bucket === undefined) return { message: `key '${line}' names no bucket: write s3://bucket/key, or pass --bucket` };
  return { bucket, key: line };
}

/** The first two columns of an S3 Inventory CSV row: bucket and URL-encoded key. */
function inventoryRow(line: string): ListedObject | { message: string } {
  const fields = csvFields(line);
  const [bucket, encoded] = fields;
  if (!bucket || encoded === undefined || encoded === '') return { message: 'an S3 Inventory row needs "bucket","key" as its first two columns' };
  const decoded = decodeFormUrlEncodedKey(encoded);
  return decoded.ok ? { bucket, key: decoded.key } : { message: decoded.reason };
}
