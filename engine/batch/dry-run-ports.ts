/**
 * `backfill --dry-run`: the real ports for reads (listing, HeadObject for skip-existing, tags,
 * lookups), every write recorded instead of carried out. The transfer code runs unchanged.
 */
import type { PlannedSideEffect } from '../ports/plan.ts';
import type { Ports } from '../ports/types.ts';

export function recordingWrites(real: Ports): { ports: Ports; planned: PlannedSideEffect[] } {
  const planned: PlannedSideEffect[] = [];
  let messages = 0;
  const nextId = (): string => `dry-run-${++messages}`;
  const ports: Ports = {
    ...real,
    storage: {
      head: (ref, access) => real.storage.head(ref, access),
      headWithChecksums: (ref, access) => real.storage.headWithChecksums(ref, access),
      getTags: (ref, access) => real.storage.getTags(ref, access),
      getBody: (ref, access) => real.storage.getBody(ref, access),
      list: (bucket, prefix, token, access, delimiter) => real.storage.list(bucket, prefix, token, access, delimiter),
      async copy(request) {
        const bytes = request.sourceHead?.size;
        const method = bytes !== undefined && bytes > 0 && bytes >= request.multipartThreshold ? 'multipart' : 'copy';
        planned.push({ kind: 'copy', request, method, bytes });
        return { method, bytes: bytes ?? 0 };
      },
      async put(bucket, key, body, contentType, access) {
        const text = typeof body === 'string' ? body : body.toString('utf8');
        planned.push({ kind: 'put', bucket, key, body: text, bytes: Buffer.byteLength(body), ...(contentType !== undefined && { contentType }), ...(access !== undefined && { access }) });
      },
      async putIfAbsent(bucket, key, body, access) {
        planned.push({ kind: 'put-if-absent', bucket, key, body, created: true, ...(access !== undefined && { access }) });
        return true;
      },
      getBodyAndETag: (ref, access) => real.storage.getBodyAndETag(ref, access),
      async putIfMatch(bucket, key, body, eTag, access) {
        planned.push({ kind: 'put-if-match', bucket, key, body, eTag, replaced: true, ...(access !== undefined && { access }) });
        return true;
      },
    },
    queues: {
      async send(message) {
        planned.push({ kind: 'send-message', message });
        return { messageId: nextId() };
      },
    },
    email: {
      listContacts: (list, topic, access) => real.email.listContacts(list, topic, access),
      async send(message) {
        planned.push({ kind: 'send-email', message });
        return { messageId: nextId() };
      },
    },
    notifications: {
      async publish(topic, subject, message) {
        planned.push({ kind: 'publish', topic, subject, message });
        return { messageId: nextId() };
      },
    },
  };
  return { ports, planned };
}
