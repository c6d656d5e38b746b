/**
 * Exactly-once sends under at-least-once delivery. Before a message or email is sent, a marker
 * is claimed with S3 `If-None-Match: *`; a redelivered event finds it and does not send again.
 * A marker that may be taken over (failed, abandoned, unreadable) is replaced with `If-Match` on
 * the ETag it was read at, so two deliveries racing to take it over cannot both send.
 *
 * The bookkeeping itself can fail, and no failure of it may ever authorise a send: a marker
 * that cannot be read or written makes the claim throw (the action is retried, then the event
 * fails and is delivered again). A 'sending' marker holds a lease that ends when the claiming
 * invocation must have ended; until then another delivery backs off (conflict), after it the
 * send is "in doubt" (the claimer may have sent and failed to settle, or died before sending)
 * and the next delivery sends again under the same idempotency key, which every message carries.
 */
import { createHash } from 'node:crypto';
import { ActionError } from '../errors.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { StoragePort } from '../ports/types.ts';

export interface MarkerStore {
  storage: StoragePort;
  bucket: string;
  now: () => Date;
  /** The longest lease: a 'sending' marker without one of its own is abandoned after this (longer than a Lambda can run). */
  staleAfterMs: number;
  /**
   * Deliberate per-container cache: markers whose settle could not be written, with what this
   * container knows of them. A later delivery to this container answers from here: sent → a
   * duplicate, never sent again; not sent (the send failed) → its own 'sending' claim is taken
   * over at once instead of waiting for the lease.
   */
  unsettled?: Map<string, UnsettledClaim>;
}

export type UnsettledClaim = { sent: true; messageId: string } | { sent: false; token: string };

export interface Marker {
  status: 'sending' | 'sent' | 'failed';
  at: string;
  messageId?: string;
  /** Which claim wrote a 'sending' marker: a retried create whose first answer was lost recognises its own. */
  claim?: string;
  /** Until when the claimer may still be sending (its invocation's deadline). */
  leaseUntil?: string;
}

export function markerKey(route: string, actionId: string, event: ObjectEvent, destination: string): string {
  return `markers/${route}/${actionId}/${idempotencyKey(route, actionId, event, destination)}.json`;
}

/** The stable id of one send (route, action, object version, destination): carried by the message so consumers can drop a repeat. */
export function idempotencyKey(route: string, actionId: string, event: ObjectEvent, destination: string): string {
  const identity = [route, actionId, event.bucket, event.key, event.versionId ?? event.eTag ?? '', event.sequencer ?? '', destination];
  return createHash('sha256').update(identity.join('\u0000')).digest('hex');
}

export type Claim =
  | { claimed: true; inDoubt?: string }
  | { claimed: false; messageId?: string };

export interface ClaimOptions {
  /** Unique to this attempt to send (the same over its retries). */
  token: string;
  /** How long this claimer may still be sending. */
  leaseMs: number;
  /** The token of an earlier claim of this container whose send failed: its 'sending' marker is safe to take over. */
  unsentClaim?: string;
}

export async function claim(store: MarkerStore, key: string, options: ClaimOptions): Promise<Claim> {
  const now = store.now();
  const sending: Marker = { status: 'sending', at: now.toISOString(), claim: options.token, leaseUntil: new Date(now.getTime() + Math.min(options.leaseMs, store.staleAfterMs)).toISOString() };
  const body = JSON.stringify(sending);
  if (await createMarker(store, key, body)) return { claimed: true };
  const existing = await readMarker(store, key);
  if (existing === 'absent') {
    // Gone between the create and the read (expired or removed): claim it the same careful way.
    if (await createMarker(store, key, body)) return { claimed: true };
    throw new ActionError('MarkerChanged', `marker ${key} appeared and vanished while claiming; will be retried`, 'conflict', { key });
  }
  const found = existing.marker;
  if (found !== 'unreadable') {
    if (found.claim === options.token) return { claimed: true };
    if (found.status === 'sent') return { claimed: false, ...(found.messageId ? { messageId: found.messageId } : {}) };
    if (found.status === 'sending' && !isOwnUnsent(found, options)) {
      const leaseEnd = found.leaseUntil ? Date.parse(found.leaseUntil) : Date.parse(found.at) + store.staleAfterMs;
      if (now.getTime() < leaseEnd) {
        // Another invocation may be sending this very message right now: let the trigger redeliver later.
        throw new ActionError('SendInProgress', `another invocation is sending this message (marker ${key}, lease until ${new Date(leaseEnd).toISOString()}); will be retried`, 'conflict', { key });
      }
    }
  }
  // Only if the marker is still what was read: of two deliveries taking over the same marker, one wins and the other backs off.
  if (!(await takeOverMarker(store, key, body, existing.eTag))) {
    throw new ActionError('MarkerChanged', `marker ${key} was taken over by another delivery first; will be retried`, 'conflict', { key });
  }
  if (existing.marker === 'unreadable') return { claimed: true, inDoubt: `marker ${key} was not readable as a marker` };
  if (existing.marker.status === 'sending' && !isOwnUnsent(existing.marker, options)) return { claimed: true, inDoubt: `an earlier claim at ${existing.marker.at} was never settled (its invocation ended before it recorded whether it sent)` };
  return { claimed: true };
}

function isOwnUnsent(marker: Marker, options: ClaimOptions): boolean {
  return marker.claim !== undefined && marker.claim === options.unsentClaim;
}

export async function settle(store: MarkerStore, key: string, outcome: { sent: true; messageId: string } | { sent: false }): Promise<void> {
  const marker: Marker = outcome.sent
    ? { status: 'sent', at: store.now().toISOString(), messageId: outcome.messageId }
    : { status: 'failed', at: store.now().toISOString() };
  try {
    await store.storage.put(store.bucket, key, JSON.stringify(marker), 'application/json');
  } catch (error) {
    throw markerError(error, 'settle', key);
  }
}

async function createMarker(store: MarkerStore, key: string, body: string): Promise<boolean> {
  try {
    return await store.storage.putIfAbsent(store.bucket, key, body);
  } catch (error) {
    throw markerError(error, 'create', key);
  }
}

/**
 * The marker with the ETag it was read at ('unreadable' when what is there is not a marker), or
 * 'absent' when there is none. A failed read throws.
 */
async function readMarker(store: MarkerStore, key: string): Promise<{ marker: Marker | 'unreadable'; eTag: string } | 'absent'> {
  let read: { body: Buffer; eTag: string };
  try {
    read = await store.storage.getBodyAndETag({ bucket: store.bucket, key });
  } catch (error) {
    if (error instanceof ActionError && error.failureClass === 'not-found') return 'absent';
    throw markerError(error, 'read', key);
  }
  return { marker: parseMarker(read.body), eTag: read.eTag };
}

/** A marker read back, or 'unreadable' when what is there is not one. */
export function parseMarker(body: Buffer): Marker | 'unreadable' {
  try {
    const marker = JSON.parse(body.toString('utf8')) as Marker;
    return typeof marker === 'object' && marker !== null && typeof marker.status === 'string' && typeof marker.at === 'string' ? marker : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

async function takeOverMarker(store: MarkerStore, key: string, body: string, eTag: string): Promise<boolean> {
  try {
    return await store.storage.putIfMatch(store.bucket, key, body, eTag);
  } catch (error) {
    throw markerError(error, 'take over', key);
  }
}

const MARKER_STEP = {
  create: 'created; nothing was sent',
  read: 'read; nothing was sent on its account',
  'take over': 'taken over; nothing was sent',
  settle: 'settled after the send',
} as const;

/** Keeps the failure class (throttling, network, 5xx are retried) and says it was the bookkeeping that failed, not the send. */
function markerError(error: unknown, what: keyof typeof MARKER_STEP, key: string): ActionError {
  const cause = error instanceof ActionError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new ActionError(cause?.code ?? 'MarkerUnavailable', `idempotency marker ${key} could not be ${MARKER_STEP[what]} (${message})`, cause?.failureClass ?? 'unknown', { ...cause?.context, key }, { cause: error });
}
