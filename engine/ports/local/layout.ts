/**
 * Where local mode keeps things under its directory, and the checks that keep every
 * bucket, key and queue/topic name inside it.
 *
 *   DIR/<bucket>/<key>                                the object's bytes
 *   DIR/<bucket>/.switchyard-meta/<key>.json          its tags, metadata, content type
 *   DIR/_ssm.json                                     parameters (name → value)
 *   DIR/_queues/<queue name>/<n>.json                 sent SQS messages
 *   DIR/_outbox/<n>.json                              sent emails
 *   DIR/_notifications/<topic name>/<n>.json          published SNS messages
 */
import { join } from 'node:path';
import { ActionError } from '../../errors.ts';

export const SIDECAR_DIR = '.switchyard-meta';
export const SSM_FILE = '_ssm.json';
export const QUEUES_DIR = '_queues';
export const OUTBOX_DIR = '_outbox';
export const NOTIFICATIONS_DIR = '_notifications';

export function objectPath(dir: string, bucket: string, key: string): string {
  return join(bucketPath(dir, bucket), ...keySegments(bucket, key));
}

export function sidecarPath(dir: string, bucket: string, key: string): string {
  const segments = keySegments(bucket, key);
  const last = segments.pop() ?? '';
  return join(bucketPath(dir, bucket), SIDECAR_DIR, ...segments, `${last}.json`);
}

export function bucketPath(dir: string, bucket: string): string {
  // S3 bucket names are lower-case letters, digits, dots and hyphens; `_` and `.` starts are ours.
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(bucket) || bucket.includes('..')) {
    throw new ActionError('InvalidBucketName', `bucket name "${bucket}" cannot be used as a local directory`, 'validation', { bucket });
  }
  return join(dir, bucket);
}

/** The directory for a queue (URL or name) or SNS topic (ARN or name): its last path/ARN part. */
export function channelPath(dir: string, area: string, nameOrAddress: string): string {
  const name = nameOrAddress.split(/[/:]/).pop() ?? '';
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === '.' || name === '..') {
    throw new ActionError('InvalidName', `"${nameOrAddress}" does not end in a usable queue or topic name`, 'validation', {
      destination: nameOrAddress,
    });
  }
  return join(dir, area, name);
}

/**
 * A key split into path segments, refusing keys that would escape the bucket directory or
 * that a file system cannot hold faithfully (`a//b` and `a/./b` would become `a/b`).
 */
function keySegments(bucket: string, key: string): string[] {
  const refuse = (why: string): never => {
    throw new ActionError('UnsafeObjectKey', `key "${key}" cannot be stored in local mode: ${why}`, 'validation', { bucket, key });
  };
  if (key.length === 0) refuse('it is empty');
  if (key.includes('\0')) refuse('it contains a NUL character');
  if (key.startsWith('/') || /^[A-Za-z]:[\\/]/.test(key)) refuse('it is an absolute path');
  if (key.includes('\\')) refuse('it contains a backslash');
  const segments = key.split('/');
  if (segments.includes('..')) refuse('it contains a ".." segment');
  if (segments.includes('.')) refuse('it contains a "." segment');
  if (segments.slice(0, -1).includes('') || key.endsWith('/')) refuse('it has an empty path segment (// or a trailing /)');
  if (segments[0] === SIDECAR_DIR) refuse(`"${SIDECAR_DIR}/" is where local mode keeps tags and metadata`);
  return segments;
}
