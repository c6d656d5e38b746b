/**
 * Exactly-once sends under at-least-once delivery. Before a message or email is sent, a marker
 * is claimed with S3 `If-None-Match: *`; a redelivered event finds it and does not send again.
 * A marker left 'sending' by a crashed invocation is taken over after `staleAfterMs`.
 */
import { createHash } from 'node:crypto';
import { ActionError } from '../errors.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { StoragePort } from '../ports/types.ts';

export interface MarkerStore {
  storage: StoragePort;
  bucket: string;
  now: () => Date;
  /** After this long a 'sending' marker is considered abandoned (longer than a Lambda can run). */
  staleAfterMs: number;
}

interface Marker {
  status: 'sending' | 'sent' | 'failed';
  at: string;
  messageId?: string;
}

export function markerKey(route: string, actionId: string, event: ObjectEvent, destination: string): string {
  const identity = [route, actionId, event.bucket, event.key, event.versionId ?? event.eTag ?? '', event.sequencer ?? '', destination];
  const digest = createHash('sha256').update(identity.join('\u0000')).digest('hex');
  return `markers/${route}/${actionId}/${digest}.json`;
}

export type Claim = { claimed: true } | { claimed: false; messageId?: string };

export async function claim(store: MarkerStore, key: string): Promise<Claim> {
  const sending = JSON.stringify({ status: 'sending', at: store.now().toISOString() } satisfies Marker);
  if (await store.storage.putIfAbsent(store.bucket, key, sending)) return { claimed: true };
  const existing = await readMarker(store, key);
  if (existing?.status === 'sent') return { claimed: false, ...(existing.messageId ? { messageId: existing.messageId } : {}) };
  const age = existing ? store.now().getTime() - Date.parse(existing.at) : Infinity;
  if (existing?.status === 'sending' && age < store.staleAfterMs) {
    // Another invocation is sending this very message right now: let the trigger redeliver later.
    throw new ActionError('SendInProgress', `another invocation is sending this message (marker ${key}); will be retried`, 'conflict');
  }
  await store.storage.put(store.bucket, key, sending, 'application/json');
  return { claimed: true };
}

export async function settle(store: MarkerStore, key: string, outcome: { sent: true; messageId: string } | { sent: false }): Promise<void> {
  const marker: Marker = outcome.sent
    ? { status: 'sent', at: store.now().toISOString(), messageId: outcome.messageId }
    : { status: 'failed', at: store.now().toISOString() };
  await store.storage.put(store.bucket, key, JSON.stringify(marker), 'application/json');
}

async function readMarker(store: MarkerStore, key: string): Promise<Marker | undefined> {
  try {
    return JSON.parse((await store.storage.getBody({ bucket: store.bucket, key })).toString('utf8')) as Marker;
  } catch {
    return undefined;
  }
}
