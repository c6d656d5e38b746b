/**
 * A small in-memory AWS for pipeline unit tests: Ports whose storage, parameters, queues,
 * email and notifications are maps and lists the test can read, a fake clock that records
 * every sleep, and scripted faults (fail the next N calls of one operation with an error).
 */
import { createHash } from 'node:crypto';
import { ActionError, type FailureClass } from '../../../engine/errors.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromFiles } from '../../../engine/load/route-set.ts';
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import type { CopyRequest, EmailMessage, ObjectHead, Ports, QueueMessage } from '../../../engine/ports/types.ts';

export interface StoredObject {
  body: Buffer;
  tags: Record<string, string>;
  metadata: Record<string, string>;
  contentType?: string;
}

export type Operation = 'copy' | 'put' | 'putIfAbsent' | 'getBody' | 'send' | 'email' | 'publish' | 'getParameters';

export interface Fault {
  operation: Operation;
  /** Only calls whose target (bucket, queue, recipient, topic) passes; every call when absent. */
  target?: (target: string) => boolean;
  /** Only calls on an object whose key passes (storage operations); every key when absent. */
  key?: (key: string) => boolean;
  /** How many matching calls fail; then the operation works again. */
  times: number;
  code: string;
  failureClass: FailureClass;
}

export interface FakeWorld {
  ports: Ports;
  objects: Map<string, StoredObject>;
  ssm: Map<string, string>;
  /** Contact list → topic → opted-in addresses. */
  contacts: Map<string, Record<string, string[]>>;
  calls: Record<Operation, number>;
  parameterCalls: string[][];
  copies: CopyRequest[];
  messages: QueueMessage[];
  emails: EmailMessage[];
  published: Array<{ topic: string; subject: string; message: string }>;
  sleeps: number[];
  faults: Fault[];
  advance(ms: number): void;
  now(): Date;
  putObject(bucket: string, key: string, body: string | Buffer, extra?: Partial<Omit<StoredObject, 'body'>>): void;
  object(bucket: string, key: string): StoredObject | undefined;
}

const at = (bucket: string, key: string): string => `${bucket}/${key}`;
const eTagOf = (body: Buffer): string => createHash('md5').update(body).digest('hex');

export function fakeWorld(start = new Date('2026-11-20T10:00:00.000Z')): FakeWorld {
  let time = start.getTime();
  const objects = new Map<string, StoredObject>();
  const ssm = new Map<string, string>();
  const contacts = new Map<string, Record<string, string[]>>();
  const calls: Record<Operation, number> = { copy: 0, put: 0, putIfAbsent: 0, getBody: 0, send: 0, email: 0, publish: 0, getParameters: 0 };
  const faults: Fault[] = [];

  /** Counts the call and throws the first scripted fault that still applies to it. */
  const touch = (operation: Operation, target: string, key?: string): void => {
    calls[operation]++;
    const fault = faults.find((f) => f.operation === operation && f.times > 0 && (f.target?.(target) ?? true) && (f.key === undefined || (key !== undefined && f.key(key))));
    if (!fault) return;
    fault.times--;
    throw new ActionError(fault.code, `injected ${fault.code} on ${operation} ${target}`, fault.failureClass, { destination: target });
  };
  const notFound = (bucket: string, key: string): ActionError =>
    new ActionError('NoSuchKey', `s3://${bucket}/${key} does not exist`, 'not-found', { bucket, key });
  const headOf = (stored: StoredObject): ObjectHead => ({
    size: stored.body.length,
    eTag: eTagOf(stored.body),
    metadata: { ...stored.metadata },
    ...(stored.contentType !== undefined ? { contentType: stored.contentType } : {}),
  });

  const world: FakeWorld = {
    objects,
    ssm,
    contacts,
    calls,
    parameterCalls: [],
    copies: [],
    messages: [],
    emails: [],
    published: [],
    sleeps: [],
    faults,
    advance: (ms) => void (time += ms),
    now: () => new Date(time),
    putObject(bucket, key, body, extra = {}) {
      objects.set(at(bucket, key), { body: Buffer.from(body), tags: extra.tags ?? {}, metadata: extra.metadata ?? {}, ...(extra.contentType ? { contentType: extra.contentType } : {}) });
    },
    object: (bucket, key) => objects.get(at(bucket, key)),
    ports: {
      storage: {
        async head(ref) {
          const stored = objects.get(at(ref.bucket, ref.key));
          return stored && headOf(stored);
        },
        async headWithChecksums(ref) {
          const stored = objects.get(at(ref.bucket, ref.key));
          return stored && { ...headOf(stored), checksums: { type: 'FULL_OBJECT', values: { SHA256: createHash('sha256').update(stored.body).digest('base64') } } };
        },
        async getTags(ref) {
          const stored = objects.get(at(ref.bucket, ref.key));
          if (!stored) throw notFound(ref.bucket, ref.key);
          return { ...stored.tags };
        },
        async getBody(ref) {
          touch('getBody', ref.bucket, ref.key);
          const stored = objects.get(at(ref.bucket, ref.key));
          if (!stored) throw notFound(ref.bucket, ref.key);
          return Buffer.from(stored.body);
        },
        // A read and a write like getBody and put: faults injected into those apply to these too.
        async getBodyAndETag(ref) {
          touch('getBody', ref.bucket, ref.key);
          const stored = objects.get(at(ref.bucket, ref.key));
          if (!stored) throw notFound(ref.bucket, ref.key);
          return { body: Buffer.from(stored.body), eTag: eTagOf(stored.body) };
        },
        async putIfMatch(bucket, key, body, eTag) {
          touch('put', bucket, key);
          const stored = objects.get(at(bucket, key));
          if (!stored || eTagOf(stored.body) !== eTag) return false;
          objects.set(at(bucket, key), { body: Buffer.from(body), tags: {}, metadata: {} });
          return true;
        },
        async copy(request) {
          touch('copy', request.destination.bucket);
          world.copies.push(request);
          const source = objects.get(at(request.source.bucket, request.source.key));
          if (!source) throw notFound(request.source.bucket, request.source.key);
          objects.set(at(request.destination.bucket, request.destination.key), {
            ...source,
            metadata: { ...source.metadata, ...request.addMetadata },
          });
          const multipart = source.body.length >= request.multipartThreshold;
          return { method: multipart ? 'multipart' : 'copy', bytes: source.body.length, ...(multipart ? { parts: Math.ceil(source.body.length / request.partSize) } : {}) };
        },
        async put(bucket, key, body, contentType) {
          touch('put', bucket, key);
          objects.set(at(bucket, key), { body: Buffer.from(body), tags: {}, metadata: {}, ...(contentType ? { contentType } : {}) });
        },
        async putIfAbsent(bucket, key, body) {
          touch('putIfAbsent', bucket, key);
          if (objects.has(at(bucket, key))) return false;
          objects.set(at(bucket, key), { body: Buffer.from(body), tags: {}, metadata: {} });
          return true;
        },
        async list(bucket, prefix) {
          const objectsUnder = [...objects.entries()]
            .filter(([name]) => name.startsWith(at(bucket, prefix)))
            .map(([name, stored]) => ({ key: name.slice(bucket.length + 1), size: stored.body.length, eTag: eTagOf(stored.body) }));
          return { objects: objectsUnder };
        },
      },
      parameters: {
        async getParameters(names) {
          touch('getParameters', names.join(','));
          world.parameterCalls.push([...names]);
          return new Map(names.flatMap((name) => (ssm.has(name) ? [[name, ssm.get(name) ?? '']] : [])));
        },
      },
      queues: {
        async send(message) {
          touch('send', message.queue);
          world.messages.push(message);
          return { messageId: `msg-${world.messages.length}` };
        },
      },
      email: {
        async listContacts(contactList, topic) {
          const list = contacts.get(contactList);
          if (!list) throw new ActionError('NotFoundException', `no contact list ${contactList}`, 'not-found');
          return topic === undefined ? [...new Set(Object.values(list).flat())] : (list[topic] ?? []);
        },
        async send(message) {
          touch('email', message.to.join(','));
          world.emails.push(message);
          return { messageId: `mail-${world.emails.length}` };
        },
      },
      notifications: {
        async publish(topic, subject, message) {
          touch('publish', topic);
          world.published.push({ topic, subject, message });
          return { messageId: `note-${world.published.length}` };
        },
      },
      clock: {
        now: () => new Date(time),
        sleep: async (ms) => {
          world.sleeps.push(ms);
          time += ms;
        },
      },
    },
  };
  return world;
}

/** Compiles route files given as text (`{ 'routes/a.yaml': '…', 'routes/templates/t.hbs': '…' }`); any error fails the test. */
export function compileRoutes(files: Record<string, string>): CompiledRoute[] {
  const loaded = loadRoutes(routeSetFromFiles(files));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`test routes do not load:\n${errors.map((d) => `${d.file} ${d.code}: ${d.message}`).join('\n')}`);
  return loaded.routes;
}

/** An S3 notification for one created object, as S3 delivers it straight to Lambda. */
export function s3Created(bucket: string, key: string, options: { eTag?: string; size?: number; sequencer?: string } = {}): unknown {
  return {
    Records: [s3Record(bucket, key, options)],
  };
}

export function s3Record(bucket: string, key: string, options: { eTag?: string; size?: number; sequencer?: string } = {}): Record<string, unknown> {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-20T09:59:58.000Z',
    eventName: 'ObjectCreated:Put',
    s3: {
      s3SchemaVersion: '1.0',
      bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
      object: {
        key: encodeURIComponent(key).replaceAll('%2F', '/').replaceAll('%20', '+'),
        size: options.size ?? 10,
        eTag: options.eTag ?? 'etag-1',
        sequencer: options.sequencer ?? '0055AED6DCD90281E5',
      },
    },
  };
}

/** One SQS message per body, as Lambda hands an SQS batch over. */
export function sqsBatch(bodies: Array<{ messageId: string; body: string }>): unknown {
  return {
    Records: bodies.map(({ messageId, body }) => ({
      messageId,
      receiptHandle: `handle-${messageId}`,
      body,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:switchyard-events',
      awsRegion: 'us-east-1',
    })),
  };
}
