/** `--list s3://bucket/prefix`: the objects there now, page by page (only when asked for). */
import { UsageError } from '../errors.ts';
import type { StoragePort } from '../ports/types.ts';
import type { ListedObject } from './key-list.ts';

export function parseListUrl(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match?.[1]) throw new UsageError('SY221', `--list takes s3://bucket/prefix, got '${url}'`);
  return { bucket: match[1], prefix: match[2] ?? '' };
}

export async function* listObjects(storage: StoragePort, bucket: string, prefix: string): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    const page = await storage.list(bucket, prefix, token);
    for (const object of page.objects) yield { bucket, key: object.key };
    token = page.nextToken;
  } while (token !== undefined);
}
