/**
 * The source object every S3 copy test starts from (content headers, metadata and tags that a
 * copy must carry) and the destination read back whole, for the copy tests against moto.
 */
import { GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CopyRequest } from '../../../engine/ports/types.ts';

export const COPY_SOURCE_BUCKET = 'src-bucket';
export const COPY_DESTINATION_BUCKET = 'dst-bucket';
const MIB = 1024 * 1024;

export async function putCopySource(s3: S3Client, key: string, body: Buffer | string): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: COPY_SOURCE_BUCKET,
      Key: key,
      Body: body,
      ContentType: 'application/pdf',
      CacheControl: 'max-age=60',
      ContentDisposition: 'inline',
      Metadata: { origin: 'scanner-7' },
      Tagging: 'DestinationMappingKey=intel%20ops&owner=team-a',
    }),
  );
}

export async function readCopied(s3: S3Client, key: string) {
  const head = await s3.send(new HeadObjectCommand({ Bucket: COPY_DESTINATION_BUCKET, Key: key }));
  const object = await s3.send(new GetObjectCommand({ Bucket: COPY_DESTINATION_BUCKET, Key: key }));
  const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: COPY_DESTINATION_BUCKET, Key: key }));
  return {
    body: Buffer.from(await (object.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()))),
    contentType: head.ContentType,
    cacheControl: head.CacheControl,
    contentDisposition: head.ContentDisposition,
    metadata: head.Metadata,
    tags: Object.fromEntries((tags.TagSet ?? []).map((tag) => [tag.Key, tag.Value])),
  };
}

/** A copy of `key` from the source bucket to the same key in the destination bucket, 5 MiB threshold and parts. */
export function copyRequest(key: string, overrides: Partial<CopyRequest> = {}): CopyRequest {
  return {
    source: { bucket: COPY_SOURCE_BUCKET, key },
    destination: { bucket: COPY_DESTINATION_BUCKET, key },
    multipartThreshold: 5 * MIB,
    partSize: 5 * MIB,
    partConcurrency: 2,
    ...overrides,
  };
}
