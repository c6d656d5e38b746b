/**
 * StoragePort over directories: a bucket is `DIR/<bucket>`, an object a file, and its tags,
 * metadata and content type a JSON sidecar (see layout.ts). Reads from a bucket directory
 * that does not exist fail like S3 (NoSuchBucket); writes create the bucket directory.
 * Roles, KMS keys and ACLs cannot apply to a directory; the key and ACL are noted in the sidecar.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ActionError } from '../../errors.ts';
import type { ListedObject, ObjectChecksums, ObjectHead, ObjectRef, StoragePort } from '../types.ts';
import { SIDECAR_DIR, bucketPath, objectPath, sidecarPath } from './layout.ts';

/** What the sidecar file holds. */
export interface Sidecar {
  tags: Record<string, string>;
  metadata: Record<string, string>;
  contentType?: string;
  kmsKeyId?: string;
  acl?: string;
}

const LIST_PAGE_SIZE = 1000;

export function createLocalStorage(dir: string): StoragePort {
  const existingFile = async (ref: ObjectRef): Promise<{ path: string; size: number; mtime: Date }> => {
    const path = objectPath(dir, ref.bucket, ref.key);
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isFile()) return { path, size: stats.size, mtime: stats.mtime };
    await requireBucket(dir, ref.bucket);
    throw new ActionError('NoSuchKey', `no object s3://${ref.bucket}/${ref.key} (looked for ${path})`, 'not-found', {
      bucket: ref.bucket,
      key: ref.key,
    });
  };

  const headOf = async (ref: ObjectRef): Promise<ObjectHead | undefined> => {
    const path = objectPath(dir, ref.bucket, ref.key);
    const stats = await stat(path).catch(() => undefined);
    if (!stats?.isFile()) return undefined;
    const sidecar = await readSidecar(dir, ref.bucket, ref.key);
    const head: ObjectHead = { size: stats.size, eTag: await md5OfFile(path), metadata: sidecar.metadata, lastModified: stats.mtime };
    if (sidecar.contentType !== undefined) head.contentType = sidecar.contentType;
    return head;
  };

  return {
    head: headOf,

    // A file's checksum is of the whole file: SHA-256, computed on each call.
    async headWithChecksums(ref) {
      const head = await headOf(ref);
      if (!head) return undefined;
      const checksums: ObjectChecksums = { type: 'FULL_OBJECT', values: { SHA256: await digestOfFile(objectPath(dir, ref.bucket, ref.key), 'sha256', 'base64') } };
      return { ...head, checksums };
    },

    async getTags(ref) {
      await existingFile(ref);
      return (await readSidecar(dir, ref.bucket, ref.key)).tags;
    },

    async getBody(ref) {
      return readFile((await existingFile(ref)).path);
    },

    async getBodyAndETag(ref) {
      const body = await readFile((await existingFile(ref)).path);
      return { body, eTag: md5Of(body) };
    },

    async putIfMatch(bucket, key, body, eTag) {
      const target = objectPath(dir, bucket, key);
      // S3 compares and writes atomically; here one write per key at a time within this process (local mode has one).
      return serialised(`${bucket}/${key}`, () =>
        asObjectWrite(bucket, key, async () => {
          const current = await readFile(target).catch(() => undefined);
          if (current === undefined || md5Of(current) !== eTag) return false;
          await writeFile(target, body);
          return true;
        }),
      );
    },

    async copy(request) {
      const source = await existingFile(request.source);
      const { bucket, key } = request.destination;
      const target = objectPath(dir, bucket, key);
      if (target !== source.path) {
        await asObjectWrite(bucket, key, async () => {
          await mkdir(dirname(target), { recursive: true });
          await copyFile(source.path, target);
        });
      }
      // The source's own KMS key and ACL notes do not travel; the request says what the copy gets.
      const { tags, metadata, contentType } = await readSidecar(dir, request.source.bucket, request.source.key);
      await writeSidecar(dir, bucket, key, {
        tags,
        metadata: { ...metadata, ...request.addMetadata },
        ...(contentType !== undefined && { contentType }),
        ...(request.kmsKeyId !== undefined && { kmsKeyId: request.kmsKeyId }),
        ...(request.acl !== undefined && { acl: request.acl }),
      });
      const eTag = await md5OfFile(target);
      if (source.size < request.multipartThreshold) return { method: 'copy', bytes: source.size, eTag };
      return { method: 'multipart', bytes: source.size, parts: Math.max(1, Math.ceil(source.size / request.partSize)), eTag };
    },

    async put(bucket, key, body, contentType) {
      const target = objectPath(dir, bucket, key);
      await asObjectWrite(bucket, key, async () => {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, body);
      });
      // A put replaces the whole object, tags and metadata included, as in S3.
      await writeSidecar(dir, bucket, key, { tags: {}, metadata: {}, ...(contentType !== undefined && { contentType }) });
    },

    async putIfAbsent(bucket, key, body) {
      const target = objectPath(dir, bucket, key);
      const created = await asObjectWrite(bucket, key, async () => {
        await mkdir(dirname(target), { recursive: true });
        try {
          await writeFile(target, body, { flag: 'wx' });
          return true;
        } catch (error) {
          // EEXIST on a folder is a collision (rethrown as one below), not an existing marker.
          const isFile = (await stat(target).catch(() => undefined))?.isFile();
          if ((error as NodeJS.ErrnoException).code === 'EEXIST' && isFile) return false;
          throw error;
        }
      });
      if (!created) return false;
      await rm(sidecarPath(dir, bucket, key), { force: true });
      return true;
    },

    async list(bucket, prefix, token) {
      await requireBucket(dir, bucket);
      const keys = (await walk(bucketPath(dir, bucket), '', prefix)).sort(byteOrder);
      const start = token === undefined ? 0 : keys.findIndex((key) => byteOrder(key, token) > 0);
      const page = start < 0 ? [] : keys.slice(start, start + LIST_PAGE_SIZE);
      const objects: ListedObject[] = [];
      for (const key of page) {
        const path = objectPath(dir, bucket, key);
        const stats = await stat(path);
        objects.push({ key, size: stats.size, eTag: await md5OfFile(path), lastModified: stats.mtime.toISOString() });
      }
      const last = page.at(-1);
      const more = start >= 0 && start + LIST_PAGE_SIZE < keys.length;
      return more && last !== undefined ? { objects, nextToken: last } : { objects };
    },
  };
}

/** Deliberate per-process state: the conditional writes in flight, by object, so each compares and writes alone. */
const writesInFlight = new Map<string, Promise<unknown>>();

async function serialised<T>(id: string, write: () => Promise<T>): Promise<T> {
  const before = writesInFlight.get(id) ?? Promise.resolve();
  const mine = before.then(write, write);
  writesInFlight.set(id, mine);
  try {
    return await mine;
  } finally {
    if (writesInFlight.get(id) === mine) writesInFlight.delete(id);
  }
}

/**
 * A file system cannot hold both `a` and `a/b` as files, which S3 can; say so instead of
 * surfacing ENOTDIR/EISDIR.
 */
async function asObjectWrite<T>(bucket: string, key: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTDIR' && code !== 'EISDIR' && code !== 'EEXIST') throw error;
    throw new ActionError(
      'UnsafeObjectKey',
      `key "${key}" cannot be stored in local mode: a file and a folder of the same name collide in bucket "${bucket}"`,
      'validation',
      { bucket, key },
      { cause: error },
    );
  }
}

async function requireBucket(dir: string, bucket: string): Promise<void> {
  const path = bucketPath(dir, bucket);
  const stats = await stat(path).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new ActionError('NoSuchBucket', `no bucket "${bucket}" (no directory ${path})`, 'not-found', { bucket });
  }
}

/** Keys under `relative` that could start with `prefix`, skipping the sidecar tree. */
async function walk(root: string, relative: string, prefix: string): Promise<string[]> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  const keys: string[] = [];
  for (const entry of entries) {
    const key = relative + entry.name;
    if (relative === '' && entry.name === SIDECAR_DIR) continue;
    if (entry.isDirectory()) {
      const folder = `${key}/`;
      if (folder.startsWith(prefix) || prefix.startsWith(folder)) keys.push(...(await walk(root, folder, prefix)));
    } else if (entry.isFile() && key.startsWith(prefix)) {
      keys.push(key);
    }
  }
  return keys;
}

/** S3 lists keys in UTF-8 byte order, which differs from UTF-16 order for some characters. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export async function readSidecar(dir: string, bucket: string, key: string): Promise<Sidecar> {
  const path = sidecarPath(dir, bucket, key);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { tags: {}, metadata: {} };
  }
  try {
    const parsed = JSON.parse(text) as Partial<Sidecar>;
    return { ...parsed, tags: { ...parsed.tags }, metadata: { ...parsed.metadata } };
  } catch (error) {
    throw new ActionError('InvalidSidecar', `${path} is not valid JSON: ${(error as Error).message}`, 'config', { bucket, key }, { cause: error });
  }
}

export async function writeSidecar(dir: string, bucket: string, key: string, sidecar: Sidecar): Promise<void> {
  const path = sidecarPath(dir, bucket, key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(sidecar, null, 2)}\n`);
}

function md5Of(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

function md5OfFile(path: string): Promise<string> {
  return digestOfFile(path, 'md5', 'hex');
}

async function digestOfFile(path: string, algorithm: 'md5' | 'sha256', encoding: 'hex' | 'base64'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest(encoding);
}
