/**
 * Dry-run ports: reads are answered from fixtures, writes are recorded in order as
 * PlannedSideEffect values and never carried out. Nothing here talks to AWS.
 */
import { createHash } from 'node:crypto';
import { ActionError } from '../errors.ts';
import { contactsFrom, objectFixtureKey, type Fixtures, type ObjectFixture } from './fixtures.ts';
import type { Access, CopyRequest, EmailMessage, ObjectHead, ObjectRef, Ports, QueueMessage } from './types.ts';

export type PlannedSideEffect =
  | {
      kind: 'copy';
      request: CopyRequest;
      method: 'copy' | 'multipart';
      /** Source size from `sourceHead` or the fixtures; undefined when neither knew it (method is then a guess: `copy`). */
      bytes: number | undefined;
      parts?: number;
    }
  | { kind: 'put'; bucket: string; key: string; body: string; bytes: number; contentType?: string; access?: Access }
  /** `created` is false when the fixtures already hold an object at that key. */
  | { kind: 'put-if-absent'; bucket: string; key: string; body: string; created: boolean; access?: Access }
  /** `replaced` is false when the fixtures hold no object with that ETag at the key. */
  | { kind: 'put-if-match'; bucket: string; key: string; body: string; eTag: string; replaced: boolean; access?: Access }
  | { kind: 'send-message'; message: QueueMessage }
  | { kind: 'send-email'; message: EmailMessage }
  | { kind: 'publish'; topic: string; subject: string; message: string };

export interface PlanPortsOptions {
  /** The clock dry-run reports; the real time by default. Sleeps always return at once. */
  now?: () => Date;
}

export function createPlanPorts(fixtures: Fixtures, options: PlanPortsOptions = {}): { ports: Ports; planned: PlannedSideEffect[] } {
  const planned: PlannedSideEffect[] = [];
  let messages = 0;
  const nextMessageId = (): string => `planned-${++messages}`;
  const find = (ref: ObjectRef): ObjectFixture | undefined => fixtures.objects[objectFixtureKey(ref.bucket, ref.key)];
  const requireObject = (ref: ObjectRef, field: 'tags' | 'body'): ObjectFixture => {
    const object = find(ref);
    if (!object) throw missingObject(ref, field);
    return object;
  };

  const ports: Ports = {
    partialWorld: true,
    storage: {
      async head(ref) {
        const object = find(ref);
        return object && headOf(object);
      },
      // Fixtures give no checksums: skip-existing then goes by size and time.
      async headWithChecksums(ref) {
        const object = find(ref);
        return object && { ...headOf(object), checksums: { values: {} } };
      },
      async getTags(ref) {
        return { ...requireObject(ref, 'tags').tags };
      },
      async getBody(ref) {
        const object = requireObject(ref, 'body');
        if (object.body === undefined) throw missingObject(ref, 'body');
        return Buffer.from(object.body);
      },
      async copy(request) {
        const bytes = request.sourceHead?.size ?? find(request.source)?.size;
        const multipart = bytes !== undefined && bytes >= request.multipartThreshold;
        const parts = multipart ? Math.ceil(bytes / request.partSize) : undefined;
        planned.push({ kind: 'copy', request, method: multipart ? 'multipart' : 'copy', bytes, ...(parts !== undefined && { parts }) });
        return { method: multipart ? 'multipart' : 'copy', bytes: bytes ?? 0, ...(parts !== undefined && { parts }) };
      },
      async put(bucket, key, body, contentType, access) {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        planned.push({
          kind: 'put',
          bucket,
          key,
          body: text,
          bytes: Buffer.byteLength(body),
          ...(contentType !== undefined && { contentType }),
          ...(access !== undefined && { access }),
        });
      },
      async putIfAbsent(bucket, key, body, access) {
        const created = find({ bucket, key }) === undefined;
        planned.push({ kind: 'put-if-absent', bucket, key, body, created, ...(access !== undefined && { access }) });
        return created;
      },
      async getBodyAndETag(ref) {
        const object = requireObject(ref, 'body');
        if (object.body === undefined) throw missingObject(ref, 'body');
        return { body: Buffer.from(object.body), eTag: eTagOf(object) };
      },
      async putIfMatch(bucket, key, body, eTag, access) {
        const object = find({ bucket, key });
        const replaced = object !== undefined && eTagOf(object) === eTag;
        planned.push({ kind: 'put-if-match', bucket, key, body, eTag, replaced, ...(access !== undefined && { access }) });
        return replaced;
      },
      async list(bucket, prefix) {
        const bucketUrl = objectFixtureKey(bucket, '');
        const objects = Object.entries(fixtures.objects)
          .filter(([url]) => url.startsWith(bucketUrl + prefix))
          .map(([url, object]) => ({ key: url.slice(bucketUrl.length), size: object.size, eTag: eTagOf(object) }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        return { objects };
      },
    },
    parameters: {
      async getParameters(names) {
        const values = new Map<string, string>();
        for (const name of names) {
          const value = fixtures.ssm[name];
          if (value !== undefined) values.set(name, value);
        }
        return values;
      },
    },
    queues: {
      async send(message) {
        planned.push({ kind: 'send-message', message });
        return { messageId: nextMessageId() };
      },
    },
    email: {
      async listContacts(contactList, topic) {
        return contactsFrom(fixtures, contactList, topic);
      },
      async send(message) {
        planned.push({ kind: 'send-email', message });
        return { messageId: nextMessageId() };
      },
    },
    notifications: {
      async publish(topic, subject, message) {
        planned.push({ kind: 'publish', topic, subject, message });
        return { messageId: nextMessageId() };
      },
    },
    clock: {
      now: options.now ?? (() => new Date()),
      sleep: async () => {},
    },
  };
  return { ports, planned };
}

function headOf(object: ObjectFixture): ObjectHead {
  return {
    size: object.size,
    eTag: eTagOf(object),
    metadata: { ...object.metadata },
    ...(object.contentType !== undefined && { contentType: object.contentType }),
  };
}

function eTagOf(object: ObjectFixture): string {
  return createHash('md5')
    .update(object.body ?? '')
    .digest('hex');
}

function missingObject(ref: ObjectRef, field: 'tags' | 'body'): ActionError {
  const url = objectFixtureKey(ref.bucket, ref.key);
  return new ActionError(
    'NoSuchKey',
    `no ${field} for ${url} in the fixtures: add objects["${url}"].${field} to the fixtures file`,
    'not-found',
    { bucket: ref.bucket, key: ref.key },
  );
}
