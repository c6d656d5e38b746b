/**
 * act: carries out one planned step with its retry policy, through the ports. Messages and
 * emails are claimed first (idempotency markers); copies are idempotent by nature.
 */
import { randomUUID } from 'node:crypto';
import { ActionError, errorMessage, type FailureClass } from '../errors.ts';
import { missingDirectSource } from '../events/direct-invocation.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { ObjectHead, Ports } from '../ports/types.ts';
import { withRetry, type RetryPolicy } from '../retry.ts';
import { runCopy } from './copy.ts';
import { destinationMissing, isNotFound, sourceGoneReason, sourceStillExists } from './missing-object.ts';
import { claim, idempotencyKey, markerKey, recipientDigest, recordDelivered, settle, type ClaimOptions, type MarkerStore } from './idempotency.ts';
import { destinationOf, type PlannedEmail, type PlannedStep } from './planned-action.ts';

export interface ActionResult {
  actionId: string;
  type: PlannedStep['action']['type'];
  destination: string;
  outcome: 'succeeded' | 'failed' | 'duplicate' | 'skipped';
  attempts: number;
  durationMs: number;
  detail?: string;
  error?: { code: string; message: string; failureClass: string; reason?: string };
  /** Something the operator should know although the action did not fail (an in-doubt resend, an unsettled marker). */
  warning?: { code: 'SendInDoubt' | 'MarkerNotSettled' | 'ProgressNotRecorded'; message: string };
}

/** Message attribute carrying the send's idempotency key: a consumer drops a message whose key it has seen. */
export const IDEMPOTENCY_ATTRIBUTE = 'switchyard-idempotency-key';
/** Clock skew and the time after the deadline Lambda takes to stop an invocation. */
const LEASE_MARGIN_MS = 10_000;
const BOOKKEEPING_FAILURES: FailureClass[] = ['throttling', 'network', '5xx'];
/** Stands for the SES message id of a recipient an earlier delivery of the event mailed. */
const EARLIER_DELIVERY = 'earlier-delivery';

export interface ExecuteOptions {
  ports: Ports;
  route: string;
  event: ObjectEvent;
  markers?: MarkerStore;
  sourceHead?: ObjectHead;
  remainingMs?: () => number;
  onRetry?: (info: { actionId: string; destination: string; attempt: number; delayMs: number; failureClass: string; message: string }) => void;
}

export async function executeStep(step: PlannedStep, options: ExecuteOptions): Promise<ActionResult> {
  const { ports, event, route } = options;
  const action = step.action;
  const destination = destinationOf(action);
  const started = Date.now();
  const base = { actionId: action.actionId, type: action.type, destination };

  const marker = action.type !== 'copy' && options.markers ? markerKey(route, action.actionId, event, destination) : undefined;
  const warnings: NonNullable<ActionResult['warning']>[] = [];
  const claimToken = marker ? randomUUID() : '';
  // Recipients already mailed, by an earlier delivery (the marker lists them) or an earlier attempt of this step: only the rest are mailed.
  // Keyed by recipientDigest, as the marker keeps them.
  const mailed = new Map<string, string>();
  const digestOf = (to: string): string => recipientDigest(marker ?? '', to);
  let claimOptions: ClaimOptions | undefined;
  if (marker && options.markers) {
    const markers = options.markers;
    const remembered = markers.unsettled?.get(marker);
    if (remembered?.sent) {
      // Sent by this container, but the 'sent' marker could not be written then: try once more, never send again.
      await settle(markers, marker, { sent: true, messageId: remembered.messageId }).then(() => markers.unsettled?.delete(marker), () => undefined);
      return { ...base, outcome: 'duplicate', attempts: 0, durationMs: Date.now() - started, detail: `already sent as ${remembered.messageId} (redelivered event; remembered by this container)` };
    }
    // The claim reads and writes the state bucket: throttling and network trouble are retried like the send itself,
    // and a claim that cannot be made fails the action: a marker error is never a licence to send.
    const unsentClaim = remembered && !remembered.sent ? { unsentClaim: remembered.token, knownDelivered: remembered.delivered } : {};
    const claiming: ClaimOptions = { token: claimToken, leaseMs: leaseMsOf(options, markers), ...unsentClaim };
    claimOptions = claiming;
    const claimed = await withRetry(() => claim(markers, marker, claiming), step.retry, { sleep: (ms) => ports.clock.sleep(ms) });
    if (claimed.ok && remembered) markers.unsettled?.delete(marker);
    if (!claimed.ok) return failed(base, claimed.error, 0, started, claimed.reason);
    if (!claimed.value.claimed) {
      const messageId = claimed.value.messageId;
      return { ...base, outcome: 'duplicate', attempts: 0, durationMs: Date.now() - started, detail: `already sent${messageId ? ` as ${messageId}` : ''} (redelivered event)` };
    }
    if (claimed.value.inDoubt) warnings.push({ code: 'SendInDoubt', message: `sending again: ${claimed.value.inDoubt}; the message carries the same ${IDEMPOTENCY_ATTRIBUTE} so a consumer can drop a repeat` });
    for (const to of claimed.value.delivered ?? []) mailed.set(to, EARLIER_DELIVERY);
  }

  const recordProgress = async (): Promise<void> => {
    if (!marker || !options.markers || !claimOptions) return;
    const progress = { ...claimOptions, leaseMs: leaseMsOf(options, options.markers) };
    await recordDelivered(options.markers, marker, progress, [...mailed.keys()]).catch((error: unknown) => {
      if (!warnings.some((w) => w.code === 'ProgressNotRecorded')) {
        warnings.push({ code: 'ProgressNotRecorded', message: `the recipients mailed so far could not be recorded in the marker (${errorMessage(error)}): if this invocation dies before the marker is settled, a redelivery mails them again` });
      }
    });
  };

  const outcome = await withRetry(
    async () => {
      switch (action.type) {
        case 'copy': {
          try {
            const result = await runCopy(ports.storage, event, route, action, options.sourceHead, ports.partialWorld === true);
            return { detail: result.method === 'skipped' ? result.detail : `${result.method}, ${result.bytes} bytes`, skipped: result.method === 'skipped' };
          } catch (error) {
            if (!isNotFound(error)) throw error;
            if (!(await sourceStillExists(ports.storage, event, action.sourceAccess))) {
              if (event.origin === 'direct') throw missingDirectSource(event, error);
              return { detail: sourceGoneReason(event), skipped: true };
            }
            throw destinationMissing(error, action.bucket);
          }
        }
        case 'sqs': {
          const sent = await ports.queues.send({
            queue: action.queue,
            body: action.body,
            ...(action.groupId ? { groupId: action.groupId } : {}),
            ...(action.deduplicationId ? { deduplicationId: action.deduplicationId } : {}),
            ...(action.access ? { access: action.access } : {}),
            attributes: { [IDEMPOTENCY_ATTRIBUTE]: idempotencyKey(route, action.actionId, event, destination) },
          });
          return { detail: `message ${sent.messageId}`, messageId: sent.messageId, skipped: false };
        }
        case 'email':
          return sendEmail(ports, action, { mailed, digestOf }, recordProgress);
      }
    },
    step.retry,
    {
      sleep: (ms) => ports.clock.sleep(ms),
      ...(options.remainingMs ? { remainingMs: options.remainingMs } : {}),
      onRetry: (info) =>
        options.onRetry?.({ actionId: action.actionId, destination, attempt: info.attempt, delayMs: Math.round(info.delayMs), failureClass: info.failureClass, message: info.error.message }),
    },
  );

  if (marker && options.markers) {
    const markers = options.markers;
    const messageId = outcome.ok && 'messageId' in outcome.value ? outcome.value.messageId : undefined;
    const delivered = [...mailed.keys()];
    const settled = await withRetry(() => settle(markers, marker, outcome.ok ? { sent: true, messageId: messageId ?? 'sent', delivered } : { sent: false, delivered }), settleRetry(step.retry), { sleep: (ms) => ports.clock.sleep(ms) });
    if (!settled.ok && outcome.ok) {
      markers.unsettled?.set(marker, { sent: true, messageId: messageId ?? 'sent' });
      warnings.push({ code: 'MarkerNotSettled', message: `sent, but the 'sent' marker could not be written (${settled.error.message}): a redelivery to another container after this invocation ends sends again (in doubt), with the same ${IDEMPOTENCY_ATTRIBUTE}` });
    } else if (!settled.ok) {
      markers.unsettled?.set(marker, { sent: false, token: claimToken, delivered });
      warnings.push({ code: 'MarkerNotSettled', message: `the 'failed' marker could not be written (${settled.error.message}): a redelivery sends once this invocation's lease has ended` });
    }
  }
  const [first] = warnings;
  const warning = first ? { warning: { code: first.code, message: warnings.map((w) => w.message).join('; ') } } : {};
  if (!outcome.ok) return { ...failed(base, outcome.error, outcome.attempts, started, outcome.reason), ...warning };
  return {
    ...base,
    outcome: outcome.value.skipped ? 'skipped' : 'succeeded',
    attempts: outcome.attempts,
    durationMs: Date.now() - started,
    ...(outcome.value.detail ? { detail: outcome.value.detail } : {}),
    ...warning,
  };
}

/** How long a claim may hold its marker: until the invocation must have ended (15 minutes when its time left is unknown). */
function leaseMsOf(options: ExecuteOptions, markers: MarkerStore): number {
  return options.remainingMs ? options.remainingMs() + LEASE_MARGIN_MS : markers.staleAfterMs;
}

/** Settling gets at least three retries of the bookkeeping classes: a marker left 'sending' costs a lease's wait or an in-doubt resend. */
function settleRetry(policy: RetryPolicy): RetryPolicy {
  return { ...policy, retries: Math.max(policy.retries, 3), on: [...new Set([...policy.on, ...BOOKKEEPING_FAILURES])] };
}

/**
 * One message per recipient (contacts must not see each other, and list headers are per contact),
 * skipping those in `mailed`. While the next recipient is being mailed, `recordProgress` writes
 * those reached so far into the marker: a delivery after a crash mails only the others (at most
 * the one or two mailed since the last write again). The writes run behind the sends, one at a
 * time and coalesced, so a long list costs no marker round trip per recipient; the last one
 * finishes before the marker is settled.
 */
async function sendEmail(ports: Ports, email: PlannedEmail, mailed: MailedSoFar, recordProgress: () => Promise<void>): Promise<{ detail: string; messageId: string; skipped: boolean }> {
  const behind = progressWriter(recordProgress);
  try {
    return await sendEach(ports, email, mailed, () => behind.note());
  } finally {
    await behind.done();
  }
}

/** At most one progress write in flight; progress noted meanwhile is written once it ends. */
export function progressWriter(write: () => Promise<void>): { note: () => void; done: () => Promise<void> } {
  let inFlight: Promise<void> | undefined;
  let pending = false;
  const run = async (): Promise<void> => {
    while (pending) {
      pending = false;
      await write();
    }
    inFlight = undefined;
  };
  return {
    note: () => {
      pending = true;
      inFlight ??= run();
    },
    done: async () => {
      await inFlight;
    },
  };
}

/** The message id per recipient mailed so far, keyed by the recipient's digest. */
interface MailedSoFar {
  mailed: Map<string, string>;
  digestOf: (to: string) => string;
}

async function sendEach(ports: Ports, email: PlannedEmail, { mailed, digestOf }: MailedSoFar, noteProgress: () => void): Promise<{ detail: string; messageId: string; skipped: boolean }> {
  const listed = email.contactList ? await ports.email.listContacts(email.contactList, email.topic, email.access) : [];
  const recipients = [...new Set([...email.to, ...listed])];
  if (recipients.length === 0) {
    return { detail: `no contact of ${email.contactList ?? 'the list'} is opted in to ${email.topic ?? 'the list'}: nothing to send`, messageId: 'none', skipped: true };
  }
  const pending = recipients.filter((to) => !mailed.has(digestOf(to)));
  for (const [i, to] of pending.entries()) {
    const sent = await ports.email.send({
      from: email.from,
      to: [to],
      subject: email.subject,
      ...(email.html ? { html: email.html } : {}),
      ...(email.text ? { text: email.text } : {}),
      ...(email.contactList ? { contactList: email.contactList } : {}),
      ...(email.topic ? { topic: email.topic } : {}),
      ...(email.access ? { access: email.access } : {}),
    });
    mailed.set(digestOf(to), sent.messageId);
    // The last one needs no write of its own: settling the marker records it.
    if (i < pending.length - 1) noteProgress();
  }
  const messageIds = recipients.map((to) => mailed.get(digestOf(to)));
  return { detail: mailedDetail(messageIds), messageId: messageIds.join(','), skipped: false };
}

/** `messageIds`: per recipient, what mailed it (EARLIER_DELIVERY for an earlier delivery of the event). */
function mailedDetail(messageIds: ReadonlyArray<string | undefined>): string {
  const count = messageIds.length;
  const total = `${count} recipient${count === 1 ? '' : 's'}`;
  const earlier = messageIds.filter((id) => id === EARLIER_DELIVERY).length;
  if (earlier === 0) return `sent to ${total}`;
  if (earlier === count) return `every one of ${total} was mailed by an earlier delivery of this event: nothing sent again`;
  return `sent to ${count - earlier} of ${total}; ${earlier} mailed by an earlier delivery of this event were not mailed again`;
}

function failed(base: Pick<ActionResult, 'actionId' | 'type' | 'destination'>, error: unknown, attempts: number, started: number, reason?: string): ActionResult {
  const e = error instanceof ActionError ? error : new ActionError('UnexpectedError', error instanceof Error ? error.message : String(error), 'unknown');
  return {
    ...base,
    outcome: 'failed',
    attempts,
    durationMs: Date.now() - started,
    error: { code: e.code, message: e.message, failureClass: e.failureClass, ...(reason ? { reason } : {}) },
  };
}
