/** Which S3 requests one copy makes: one CopyObject when nothing needs the metadata, more only where S3 requires them. */
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { copyObject, taggingHeader } from '../../../../engine/ports/aws/s3-copy.ts';
import type { CopyRequest } from '../../../../engine/ports/types.ts';

const MIB = 1024 * 1024;

interface Sent {
  name: string;
  input: Record<string, unknown>;
}

/** A stand-in S3Client that records each command and answers like S3 for the few fields copyObject reads. */
function recordingClient(sent: Sent[], size: number): S3Client {
  const answers: Record<string, unknown> = {
    HeadObjectCommand: { ContentLength: size, ETag: '"abc"', ContentType: 'text/csv', Metadata: { origin: 'ledger' } },
    GetObjectTaggingCommand: { TagSet: [{ Key: 'team', Value: 'finance ops' }, { Key: 'a&b', Value: '1=2' }] },
    CopyObjectCommand: { CopyObjectResult: { ETag: '"abc"' } },
    CreateMultipartUploadCommand: { UploadId: 'u-1' },
    UploadPartCopyCommand: { CopyPartResult: { ETag: '"p"' } },
    CompleteMultipartUploadCommand: { ETag: '"m-2"' },
  };
  return {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name.replace(/Command$/, ''), input: command.input });
      return answers[command.constructor.name] ?? {};
    },
  } as unknown as S3Client;
}

const base: CopyRequest = {
  source: { bucket: 'src', key: 'a/b.csv' },
  destination: { bucket: 'dst', key: 'a/b.csv' },
  multipartThreshold: 8 * MIB,
  partSize: 5 * MIB,
  partConcurrency: 4,
};

const cases: Array<{ proves: string; request: Partial<CopyRequest>; size: number; requests: string[]; check?: (sent: Sent[]) => void }> = [
  {
    proves: 'size known, no metadata to add: one CopyObject, S3 copies metadata and tags (COPY directives), SSE-KMS still applies',
    request: { sourceHead: { size: 100, eTag: 'abc', metadata: {} }, kmsKeyId: 'arn:kms:key' },
    size: 100,
    requests: ['CopyObject'],
    check: (sent) => expect(sent[0]?.input).toMatchObject({ MetadataDirective: 'COPY', TaggingDirective: 'COPY', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:kms:key' }),
  },
  {
    proves: 'size unknown: a HeadObject for the size, then a COPY-directive CopyObject',
    request: {},
    size: 100,
    requests: ['HeadObject', 'CopyObject'],
    check: (sent) => expect(sent[1]?.input).toMatchObject({ MetadataDirective: 'COPY' }),
  },
  {
    proves: 'the loop marker means REPLACE: the source metadata and content type are read first and written with it',
    request: { sourceHead: { size: 100, eTag: 'abc', metadata: {} }, addMetadata: { 'switchyard-route': 'r' } },
    size: 100,
    requests: ['HeadObject', 'CopyObject'],
    check: (sent) =>
      expect(sent[1]?.input).toMatchObject({ MetadataDirective: 'REPLACE', TaggingDirective: 'COPY', ContentType: 'text/csv', Metadata: { origin: 'ledger', 'switchyard-route': 'r' } }),
  },
  {
    proves: 'multipart: tags travel in CreateMultipartUpload (no PutObjectTagging afterwards), metadata with them',
    request: { sourceHead: { size: 12 * MIB, eTag: 'abc', metadata: {} }, addMetadata: { 'switchyard-source-etag': 'abc' } },
    size: 12 * MIB,
    requests: ['HeadObject', 'GetObjectTagging', 'CreateMultipartUpload', 'UploadPartCopy', 'UploadPartCopy', 'UploadPartCopy', 'CompleteMultipartUpload'],
    check: (sent) =>
      expect(sent[2]?.input).toMatchObject({ Tagging: 'team=finance%20ops&a%26b=1%3D2', Metadata: { origin: 'ledger', 'switchyard-source-etag': 'abc' }, ContentType: 'text/csv' }),
  },
];

describe('copyObject requests', () => {
  for (const c of cases) {
    it(c.proves, async () => {
      const sent: Sent[] = [];
      const client = recordingClient(sent, c.size);

      const result = await copyObject({ ...base, ...c.request }, { source: client, destination: client });

      expect(sent.map((s) => s.name)).toEqual(c.requests);
      expect(result.bytes).toBe(c.size);
      c.check?.(sent);
    });
  }

  it('an empty tag set sends no Tagging header', () => {
    expect(taggingHeader([])).toBe('');
  });
});
