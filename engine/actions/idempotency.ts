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
 *
 * An email goes to each recipient on its own, so one marker covers several sends: the marker
 * lists the recipients `delivered` so far (written after each one, under the claim's lease), and a
 * later claim — after a rejected recipient, a timeout mid-list or a crash — carries the list over
 * and sends only to the others. At most the recipient being sent when an invocation died is in doubt.
 * The list holds digests of the addresses (recipientDigest), never the addresses themselves.
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

export type UnsettledClaim = { sent: true; messageId: string } | { sent: false; token: string; delivered: string[] };

export interface Marker {
  status: 'sending' | 'sent' | 'failed';
  at: string;
  messageId?: string;
  /** Which claim wrote a 'sending' marker: a retried create whose first answer was lost recognises its own. */
  claim?: string;
  /** Until when the claimer may still be sending (its invocation's deadline). */
  leaseUntil?: string;
  /** Digests of the email recipients already sent to, by this claim or an earlier one: a later claim sends only to the others. */
  delivered?: string[];
}

/**
 * What a marker keeps of an email recipient: a digest, not the address. Markers stay in the state
 * bucket for its lifecycle and addresses are personal data; the marker key salts the digest, so
 * one address cannot be followed from marker to marker.
 */
export function recipientDigest(markerKey: string, address: string): string {
  return createHash('sha256').update(`${markerKey}\u0000${address}`).digest('hex').slice(0, 32);
}

/** Markers written before digests listed the addresses themselves (an address has an '@', a digest never). */
function asDigests(markerKey: string, delivered: readonly string[]): string[] {
  return delivered.map((entry) => (entry.includes('@') ? recipientDigest(markerKey, entry) : entry));
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
  /** `delivered`: digests of the recipients an earlier claim recorded (present only when there are some). */
  | { claimed: true; inDoubt?: string; delivered?: string[] }
  | { claimed: false; messageId?: string };

export interface ClaimOptions {
  /** Unique to this attempt to send (the same over its retries). */
  token: string;
  /** How long this claimer may still be sending. */
  leaseMs: number;
  /** The token of an earlier claim of this container whose send failed: its 'sending' marker is safe to take over. */
  unsentClaim?: string;
  /** Digests of recipients this container knows were sent to although the marker may not say so (its settle failed). */
  knownDelivered?: readonly string[];
}

export async function claim(store: MarkerStore, key: string, options: ClaimOptions): Promise<Claim> {
  const sending = sendingMarker(store, options);
  const known = options.knownDelivered ?? [];
  const fresh = JSON.stringify(withDelivered(sending, known));
  if (await createMarker(store, key, fresh)) return claimedWith(undefined, known);
  const existing = await readMarker(store, key);
  if (existing === 'absent') {
    // Gone between the create and the read (expired or removed): claim it the same careful way.
    if (await createMarker(store, key, fresh)) return claimedWith(undefined, known);
    throw new ActionError('MarkerChanged', `marker ${key} appeared and vanished while claiming; will be retried`, 'conflict', { key });
  }
  const found = existing.marker;
  const delivered = union(found === 'unreadable' ? [] : asDigests(key, found.delivered ?? []), known);
  if (found !== 'unreadable') {
    if (found.claim === options.token) return claimedWith(undefined, delivered);
    if (found.status === 'sent') return { claimed: false, ...(found.messageId ? { messageId: found.messageId } : {}) };
    if (found.status === 'sending' && !isOwnUnsent(found, options)) {
      const leaseEnd = found.leaseUntil ? Date.parse(found.leaseUntil) : Date.parse(found.at) + store.staleAfterMs;
      if (Date.parse(sending.at) < leaseEnd) {
        // Another invocation may be sending this very message right now: let the trigger redeliver later.
        throw new ActionError('SendInProgress', `another invocation is sending this message (marker ${key}, lease until ${new Date(leaseEnd).toISOString()}); will be retried`, 'conflict', { key });
      }
    }
  }
  // Only if the marker is still what was read: of two deliveries taking over the same marker, one wins and the other backs off.
  // The recipients it lists are carried over, so a claim that dies before sending anything loses none of them.
  if (!(await takeOverMarker(store, key, JSON.stringify(withDelivered(sending, delivered)), existing.eTag))) {
    throw new ActionError('MarkerChanged', `marker ${key} was taken over by another delivery first; will be retried`, 'conflict', { key });
  }
  if (found === 'unreadable') return claimedWith(`marker ${key} was not readable as a marker`, delivered);
  if (found.status === 'sending' && !isOwnUnsent(found, options)) return claimedWith(neverSettled(found, delivered), delivered);
  return claimedWith(undefined, delivered);
}

/**
 * Records, under the claim's lease, the recipients an email reached so far. A plain PUT, like
 * `settle`: while the lease runs no other delivery writes this marker, and the lease ends when the
 * claiming invocation must have ended.
 */
export async function recordDelivered(store: MarkerStore, key: string, options: ClaimOptions, delivered: readonly string[]): Promise<void> {
  try {
    await store.storage.put(store.bucket, key, JSON.stringify(withDelivered(sendingMarker(store, options), delivered)), 'application/json');
  } catch (error) {
    throw markerError(error, 'record progress', key);
  }
}

/** A 'sending' marker whose lease ends with the claimer's invocation (never later than `staleAfterMs`). */
function sendingMarker(store: MarkerStore, options: ClaimOptions): Marker {
  const now = store.now();
  return { status: 'sending', at: now.toISOString(), claim: options.token, leaseUntil: new Date(now.getTime() + Math.min(options.leaseMs, store.staleAfterMs)).toISOString() };
}

function withDelivered(marker: Marker, delivered: readonly string[]): Marker {
  return delivered.length > 0 ? { ...marker, delivered: [...delivered] } : marker;
}

function claimedWith(inDoubt: string | undefined, delivered: readonly string[]): Claim {
  return { claimed: true, ...(inDoubt ? { inDoubt } : {}), ...(delivered.length > 0 ? { delivered: [...delivered] } : {}) };
}

function neverSettled(found: Marker, delivered: readonly string[]): string {
  const kept = delivered.length > 0 ? `; the ${delivered.length} recipient(s) it recorded as sent to are not sent to again` : '';
  return `an earlier claim at ${found.at} was never settled (its invocation ended before it recorded whether it sent)${kept}`;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return b.length === 0 ? [...a] : [...new Set([...a, ...b])];
}

function isOwnUnsent(marker: Marker, options: ClaimOptions): boolean {
  return marker.claim !== undefined && marker.claim === options.unsentClaim;
}

/** `delivered`: digests of the email recipients reached so far; a 'failed' marker keeps them so the next claim skips them. */
export type Settlement = { sent: true; messageId: string; delivered?: readonly string[] } | { sent: false; delivered?: readonly string[] };

export async function settle(store: MarkerStore, key: string, outcome: Settlement): Promise<void> {
  const at = store.now().toISOString();
  const settled: Marker = outcome.sent ? { status: 'sent', at, messageId: outcome.messageId } : { status: 'failed', at };
  const marker = withDelivered(settled, outcome.delivered ?? []);
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
  'record progress': 'updated with the recipients sent to so far',
  settle: 'settled after the send',
} as const;

/** Keeps the failure class (throttling, network, 5xx are retried) and says it was the bookkeeping that failed, not the send. */
function markerError(error: unknown, what: keyof typeof MARKER_STEP, key: string): ActionError {
  const cause = error instanceof ActionError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new ActionError(cause?.code ?? 'MarkerUnavailable', `idempotency marker ${key} could not be ${MARKER_STEP[what]} (${message})`, cause?.failureClass ?? 'unknown', { ...cause?.context, key }, { cause: error });
}
