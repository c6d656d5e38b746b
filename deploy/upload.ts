/**
 * Puts the bundle (and a template too large to send inline) in the code bucket, under a key
 * named by its content hash: an unchanged bundle is found by HeadObject and not sent again,
 * and the function's `LambdaCodeKey` changes exactly when its code does.
 */
import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Output } from '../cli/output.ts';
import { errorMessage } from '../engine/errors.ts';
import type { LambdaBundle } from './bundle.ts';
import { DeployError } from './errors.ts';

export interface CodeBucket {
  name: string;
  region: string;
  /** The account expected to own it; checked on every request when known. */
  owner?: string;
}

export interface Uploaded {
  bucket: string;
  key: string;
  /** false when an object with that key (hence those bytes) was already there. */
  uploaded: boolean;
}

/** Where `deploy` keeps bundles when no --code-bucket is given: one per account and region. */
export function defaultCodeBucketName(account: string, region: string): string {
  return `switchyard-code-${account}-${region}`;
}

export function bundleKey(bundle: Pick<LambdaBundle, 'sha256'>): string {
  return `switchyard/${bundle.sha256}.zip`;
}

/** Creates the code bucket when it does not exist, and says so. */
export async function ensureCodeBucket(s3: S3Client, bucket: CodeBucket, out: Output): Promise<'exists' | 'created'> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket.name, ...owner(bucket) }));
    return 'exists';
  } catch (error) {
    const status = httpStatus(error);
    if (status === 403) {
      throw new DeployError('CodeBucketUnavailable', `code bucket ${bucket.name} exists but this account cannot use it (403): pass --code-bucket with a bucket you own`, { cause: error });
    }
    if (status !== 404) throw new DeployError('CodeBucketUnavailable', `cannot check code bucket ${bucket.name}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket.name,
        // us-east-1 is the one region that must not be named as a location constraint.
        ...(bucket.region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: bucket.region as BucketLocationConstraint } }),
      }),
    );
  } catch (error) {
    throw new DeployError('CodeBucketUnavailable', `cannot create code bucket ${bucket.name} in ${bucket.region}: ${errorMessage(error)}`, { cause: error });
  }
  out.stderr(`Created code bucket ${bucket.name} in ${bucket.region} (it keeps one zip per distinct bundle under switchyard/).`);
  return 'created';
}

/** Uploads the bundle unless its key is already there. */
export async function uploadBundle(s3: S3Client, bucket: CodeBucket, bundle: LambdaBundle): Promise<Uploaded> {
  const key = bundleKey(bundle);
  return putIfMissing(s3, bucket, key, bundle.zip, 'application/zip');
}

/** Uploads a template for `TemplateURL` (bodies over 51,200 bytes cannot be sent inline). */
export async function uploadTemplate(s3: S3Client, bucket: CodeBucket, templateBody: string): Promise<{ url: string } & Uploaded> {
  const key = `switchyard/templates/${createHash('sha256').update(templateBody).digest('hex')}.json`;
  const uploaded = await putIfMissing(s3, bucket, key, Buffer.from(templateBody), 'application/json');
  return { ...uploaded, url: templateUrl(bucket, key) };
}

/** Path-style regional URL, which CloudFormation accepts in every region. */
export function templateUrl(bucket: CodeBucket, key: string): string {
  const domain = bucket.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://s3.${bucket.region}.${domain}/${bucket.name}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

async function putIfMissing(s3: S3Client, bucket: CodeBucket, key: string, body: Buffer, contentType: string): Promise<Uploaded> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket.name, Key: key, ...owner(bucket) }));
    return { bucket: bucket.name, key, uploaded: false };
  } catch (error) {
    if (httpStatus(error) !== 404) throw new DeployError('CodeBucketUnavailable', `cannot check s3://${bucket.name}/${key}: ${errorMessage(error)}`, { cause: error });
  }
  await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: key, Body: body, ContentType: contentType, ...owner(bucket) }));
  return { bucket: bucket.name, key, uploaded: true };
}

function owner(bucket: CodeBucket): { ExpectedBucketOwner?: string } {
  return bucket.owner !== undefined ? { ExpectedBucketOwner: bucket.owner } : {};
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
