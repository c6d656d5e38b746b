/** StoragePort over S3. Every failure leaves as an ActionError with its failure class. */
import {
  ChecksumAlgorithm,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { Access, CopyRequest, CopyResult, ListPage, ObjectChecksums, ObjectHead, ObjectHeadWithChecksums, ObjectRef, StoragePort } from '../types.ts';
import { classifyAwsError, toActionError } from './classify.ts';
import type { AccessResolver } from './credentials.ts';
import { copyObject } from './s3-copy.ts';

export class S3Storage implements StoragePort {
  constructor(private readonly access: AccessResolver) {}

  async head(ref: ObjectRef, access?: Access): Promise<ObjectHead | undefined> {
    return (await this.headObject(ref, access, false))?.head;
  }

  async headWithChecksums(ref: ObjectRef, access?: Access): Promise<ObjectHeadWithChecksums | undefined> {
    const answer = await this.headObject(ref, access, true);
    if (!answer) return undefined;
    const { head, output } = answer;
    const values: ObjectChecksums['values'] = {};
    for (const algorithm of Object.values(ChecksumAlgorithm)) {
      const value = output[`Checksum${algorithm}`];
      if (value !== undefined) values[algorithm] = value;
    }
    return { ...head, checksums: { values, ...(output.ChecksumType !== undefined ? { type: output.ChecksumType } : {}) } };
  }

  /** One HeadObject: the port's head, and the SDK's answer for what only some callers read. */
  private async headObject(ref: ObjectRef, access: Access | undefined, checksums: boolean): Promise<{ head: ObjectHead; output: HeadObjectCommandOutput } | undefined> {
    const { s3 } = await this.access.clientsFor(access);
    try {
      const output = await s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId, ...(checksums ? { ChecksumMode: 'ENABLED' as const } : {}) }));
      const head: ObjectHead = {
        size: output.ContentLength ?? 0,
        eTag: (output.ETag ?? '').replaceAll('"', ''),
        metadata: output.Metadata ?? {},
        ...(output.ContentType !== undefined ? { contentType: output.ContentType } : {}),
        ...(output.LastModified !== undefined ? { lastModified: output.LastModified } : {}),
        ...(output.VersionId !== undefined ? { versionId: output.VersionId } : {}),
        ...(output.ServerSideEncryption !== undefined ? { encryption: output.ServerSideEncryption } : {}),
      };
      return { head, output };
    } catch (error) {
      // HEAD has no body: a missing bucket also answers a bare 404, so "absent" is the honest reading.
      const failure = classifyAwsError(error);
      if (failure === 'not-found') return undefined;
      const operation = !checksums ? 's3:HeadObject' : failure === 'access-denied' ? 's3:HeadObject with ChecksumMode (an SSE-KMS object also needs kms:Decrypt on its key)' : 's3:HeadObject with ChecksumMode';
      throw toActionError(error, { operation, bucket: ref.bucket, key: ref.key });
    }
  }

  async getTags(ref: ObjectRef, access?: Access): Promise<Record<string, string>> {
    const { s3 } = await this.access.clientsFor(access);
    try {
      const answer = await s3.send(new GetObjectTaggingCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
      const tags: Record<string, string> = {};
      for (const tag of answer.TagSet ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
      return tags;
    } catch (error) {
      throw toActionError(error, { operation: 's3:GetObjectTagging', bucket: ref.bucket, key: ref.key });
    }
  }

  async getBody(ref: ObjectRef, access?: Access): Promise<Buffer> {
    return (await this.getBodyAndETag(ref, access)).body;
  }

  async getBodyAndETag(ref: ObjectRef, access?: Access): Promise<{ body: Buffer; eTag: string }> {
    const { s3 } = await this.access.clientsFor(access);
    try {
      const answer = await s3.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
      const body = answer.Body === undefined ? Buffer.alloc(0) : Buffer.from(await answer.Body.transformToByteArray());
      return { body, eTag: (answer.ETag ?? '').replaceAll('"', '') };
    } catch (error) {
      throw toActionError(error, { operation: 's3:GetObject', bucket: ref.bucket, key: ref.key });
    }
  }

  async copy(request: CopyRequest): Promise<CopyResult> {
    const destinationClients = await this.access.clientsFor(request.destinationAccess);
    const sourceClients =
      request.sourceAccess === undefined ? destinationClients : await this.access.clientsFor(request.sourceAccess);
    const direct = destinationClients.directCopier;
    return copyObject(request, { source: sourceClients.s3, destination: destinationClients.s3, ...(direct ? { direct } : {}) });
  }

  async put(bucket: string, key: string, body: string | Buffer, contentType?: string, access?: Access): Promise<void> {
    const { s3 } = await this.access.clientsFor(access);
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    } catch (error) {
      throw toActionError(error, { operation: 's3:PutObject', bucket, key });
    }
  }

  async putIfAbsent(bucket: string, key: string, body: string, access?: Access): Promise<boolean> {
    const { s3 } = await this.access.clientsFor(access);
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfNoneMatch: '*' }));
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      // 409 ConditionalRequestConflict (a concurrent conditional write) stays an error: class conflict.
      throw toActionError(error, { operation: 's3:PutObject If-None-Match', bucket, key });
    }
  }

  async putIfMatch(bucket: string, key: string, body: string, eTag: string, access?: Access): Promise<boolean> {
    const { s3 } = await this.access.clientsFor(access);
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfMatch: `"${eTag}"` }));
      return true;
    } catch (error) {
      // 412: another writer changed it since it was read; 404: it is gone. Either way this write lost.
      const status = statusOf(error);
      if (status === 412 || status === 404) return false;
      throw toActionError(error, { operation: 's3:PutObject If-Match', bucket, key });
    }
  }

  async list(bucket: string, prefix: string, token?: string, access?: Access, delimiter?: string): Promise<ListPage> {
    const { s3 } = await this.access.clientsFor(access);
    try {
      const answer = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, ...(delimiter !== undefined ? { Delimiter: delimiter } : {}) }));
      return {
        objects: (answer.Contents ?? []).map((object) => ({
          key: object.Key ?? '',
          size: object.Size ?? 0,
          eTag: (object.ETag ?? '').replaceAll('"', ''),
          ...(object.LastModified !== undefined ? { lastModified: object.LastModified.toISOString() } : {}),
        })),
        ...(delimiter !== undefined ? { prefixes: (answer.CommonPrefixes ?? []).flatMap((p) => (p.Prefix !== undefined ? [p.Prefix] : [])) } : {}),
        ...(answer.IsTruncated === true && answer.NextContinuationToken !== undefined
          ? { nextToken: answer.NextContinuationToken }
          : {}),
      };
    } catch (error) {
      throw toActionError(error, { operation: 's3:ListObjectsV2', bucket, key: prefix });
    }
  }
}

function statusOf(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata;
  return metadata?.httpStatusCode;
}
