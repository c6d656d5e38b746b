/**
 * Server-side copy of one object: CopyObject below the multipart threshold, parallel
 * UploadPartCopy at or above it. Without metadata to add and with the size known, that is one
 * CopyObject with MetadataDirective and TaggingDirective COPY: S3 carries metadata, content
 * headers and tags itself (encryption parameters are separate from both, so SSE-KMS works the
 * same). Adding metadata means REPLACE, which needs the source's HeadObject first; a multipart
 * copy carries neither metadata nor tags, so it reads both and sends them with
 * CreateMultipartUpload (tags as its Tagging header, not a PutObjectTagging afterwards).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { CopyRequest, CopyResult } from '../types.ts';
import { mapLimit } from '../../limiter.ts';
import { toActionError, type AwsErrorContext } from './classify.ts';
import { copySource } from './copy-source.ts';
import type { DirectCopier } from './direct-copy.ts';
import { planParts } from './part-plan.ts';
import { MAX_COPY_OBJECT_BYTES } from '../../s3-limits.ts';

export interface CopyClients {
  /** Reads the source (HeadObject, GetObjectTagging). */
  source: S3Client;
  /** Runs the copy calls themselves. */
  destination: S3Client;
  /** Sends a plain CopyObject without the SDK's middleware where it can (bulk copies). */
  direct?: DirectCopier;
}

/** Headers a copy must carry itself whenever it does not use MetadataDirective COPY. */
type ContentHeaders = Pick<
  HeadObjectCommandOutput,
  'ContentType' | 'CacheControl' | 'ContentDisposition' | 'ContentEncoding' | 'ContentLanguage' | 'Expires'
>;

export async function copyObject(request: CopyRequest, clients: CopyClients): Promise<CopyResult> {
  const { source, destination } = request;
  const context: AwsErrorContext = {
    bucket: source.bucket,
    key: source.key,
    destination: `s3://${destination.bucket}/${destination.key}`,
  };
  const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toActionError(error, { ...context, operation });
    }
  };

  const knownSize = request.sourceHead?.size;
  const needsFullHead =
    knownSize === undefined || request.addMetadata !== undefined || isMultipart(knownSize, request.multipartThreshold);
  const head = needsFullHead
    ? await call('s3:HeadObject', () =>
        clients.source.send(
          new HeadObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }),
        ),
      )
    : undefined;
  const size = head?.ContentLength ?? knownSize ?? 0;
  const encryption = {
    ...(request.kmsKeyId !== undefined ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: request.kmsKeyId } : {}),
    ...(request.acl !== undefined ? { ACL: request.acl } : {}),
  };
  const metadata = { ...(head?.Metadata ?? {}), ...(request.addMetadata ?? {}) };

  if (!isMultipart(size, request.multipartThreshold)) {
    const replace = request.addMetadata !== undefined && head !== undefined;
    if (!replace && clients.direct !== undefined) {
      const direct = clients.direct;
      const answer = await call('s3:CopyObject', () =>
        direct.copy({ bucket: destination.bucket, key: destination.key, copySource: copySource(source), ...(request.kmsKeyId !== undefined ? { kmsKeyId: request.kmsKeyId } : {}), ...(request.acl !== undefined ? { acl: request.acl } : {}) }),
      );
      if (answer !== undefined) return { method: 'copy', bytes: size, ...eTagOf(answer.eTag) };
    }
    const answer = await call('s3:CopyObject', () =>
      clients.destination.send(
        new CopyObjectCommand({
          Bucket: destination.bucket,
          Key: destination.key,
          CopySource: copySource(source),
          TaggingDirective: 'COPY',
          ...(replace ? { MetadataDirective: 'REPLACE', Metadata: metadata, ...contentHeaders(head) } : { MetadataDirective: 'COPY' }),
          ...encryption,
        }),
      ),
    );
    return { method: 'copy', bytes: size, ...eTagOf(answer.CopyObjectResult?.ETag) };
  }

  const sourceHead = head as HeadObjectCommandOutput;
  const tags = await call('s3:GetObjectTagging', () =>
    clients.source.send(new GetObjectTaggingCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId })),
  );
  const tagging = taggingHeader(tags.TagSet ?? []);
  const created = await call('s3:CreateMultipartUpload', () =>
    clients.destination.send(
      new CreateMultipartUploadCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        Metadata: metadata,
        ...(tagging !== '' ? { Tagging: tagging } : {}),
        ...contentHeaders(sourceHead),
        ...encryption,
      }),
    ),
  );
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw toActionError(new Error('CreateMultipartUpload returned no UploadId'), context);

  const parts = planParts(size, request.partSize);
  try {
    const copied = await mapLimit(parts, request.partConcurrency, async (part) => {
      const answer = await call('s3:UploadPartCopy', () =>
        clients.destination.send(
          new UploadPartCopyCommand({
            Bucket: destination.bucket,
            Key: destination.key,
            UploadId: uploadId,
            PartNumber: part.partNumber,
            CopySource: copySource(source),
            CopySourceRange: part.range,
            // every part must come from the same version of the source
            ...(sourceHead.ETag !== undefined ? { CopySourceIfMatch: sourceHead.ETag } : {}),
          }),
        ),
      );
      return { PartNumber: part.partNumber, ETag: answer.CopyPartResult?.ETag };
    });
    const completed = await call('s3:CompleteMultipartUpload', () =>
      clients.destination.send(
        new CompleteMultipartUploadCommand({
          Bucket: destination.bucket,
          Key: destination.key,
          UploadId: uploadId,
          MultipartUpload: { Parts: copied },
        }),
      ),
    );
    return { method: 'multipart', bytes: size, parts: parts.length, ...eTagOf(completed.ETag) };
  } catch (error) {
    await abortQuietly(clients.destination, destination.bucket, destination.key, uploadId);
    throw error;
  }
}

/** The `x-amz-tagging` header: tags as a URL query string. */
export function taggingHeader(tagSet: ReadonlyArray<{ Key?: string; Value?: string }>): string {
  return tagSet.map((t) => `${encodeURIComponent(t.Key ?? '')}=${encodeURIComponent(t.Value ?? '')}`).join('&');
}

/** At or above the threshold, and always above what one CopyObject may copy. */
function isMultipart(size: number, threshold: number): boolean {
  return size > 0 && (size >= threshold || size > MAX_COPY_OBJECT_BYTES);
}

function contentHeaders(head: HeadObjectCommandOutput): ContentHeaders {
  const headers: ContentHeaders = {};
  if (head.ContentType !== undefined) headers.ContentType = head.ContentType;
  if (head.CacheControl !== undefined) headers.CacheControl = head.CacheControl;
  if (head.ContentDisposition !== undefined) headers.ContentDisposition = head.ContentDisposition;
  if (head.ContentEncoding !== undefined) headers.ContentEncoding = head.ContentEncoding;
  if (head.ContentLanguage !== undefined) headers.ContentLanguage = head.ContentLanguage;
  if (head.Expires !== undefined) headers.Expires = head.Expires;
  return headers;
}

function eTagOf(eTag: string | undefined): { eTag?: string } {
  return eTag !== undefined ? { eTag: eTag.replaceAll('"', '') } : {};
}

/** The copy already failed; a failed abort must not hide why (a lifecycle rule cleans up leftovers). */
async function abortQuietly(client: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  } catch {
    // deliberately ignored, see above
  }
}
