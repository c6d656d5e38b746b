/**
 * act: carries out one planned step with its retry policy, through the ports. Messages and
 * emails are claimed first (idempotency markers); copies are idempotent by nature.
 */
import { ActionError } from '../errors.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { ObjectHead, Ports } from '../ports/types.ts';
import { withRetry } from '../retry.ts';
import { runCopy } from './copy.ts';
import { claim, markerKey, settle, type MarkerStore } from './idempotency.ts';
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
}

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
  if (marker && options.markers) {
    // The claim is a write to the state bucket: throttling and network trouble are retried like the send itself.
    const markers = options.markers;
    const claimed = await withRetry(() => claim(markers, marker), step.retry, { sleep: (ms) => ports.clock.sleep(ms) });
    if (!claimed.ok) return failed(base, claimed.error, 0, started, claimed.reason);
    if (!claimed.value.claimed) {
      const messageId = claimed.value.messageId;
      return { ...base, outcome: 'duplicate', attempts: 0, durationMs: Date.now() - started, detail: `already sent${messageId ? ` as ${messageId}` : ''} (redelivered event)` };
    }
  }

  // Recipients already mailed by an earlier attempt of this step: a retry mails only the rest.
  const mailed = new Map<string, string>();

  const outcome = await withRetry(
    async () => {
      switch (action.type) {
        case 'copy': {
          const result = await runCopy(ports.storage, event, route, action, options.sourceHead);
          return { detail: result.method === 'skipped' ? result.detail : `${result.method}, ${result.bytes} bytes`, skipped: result.method === 'skipped' };
        }
        case 'sqs': {
          const sent = await ports.queues.send({
            queue: action.queue,
            body: action.body,
            ...(action.groupId ? { groupId: action.groupId } : {}),
            ...(action.deduplicationId ? { deduplicationId: action.deduplicationId } : {}),
            ...(action.access ? { access: action.access } : {}),
          });
          return { detail: `message ${sent.messageId}`, messageId: sent.messageId, skipped: false };
        }
        case 'email':
          return sendEmail(ports, action, mailed);
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
    const messageId = outcome.ok && 'messageId' in outcome.value ? outcome.value.messageId : undefined;
    await settle(options.markers, marker, outcome.ok ? { sent: true, messageId: messageId ?? 'sent' } : { sent: false }).catch(() => undefined);
  }
  if (!outcome.ok) return failed(base, outcome.error, outcome.attempts, started, outcome.reason);
  return {
    ...base,
    outcome: outcome.value.skipped ? 'skipped' : 'succeeded',
    attempts: outcome.attempts,
    durationMs: Date.now() - started,
    ...(outcome.value.detail ? { detail: outcome.value.detail } : {}),
  };
}

async function sendEmail(ports: Ports, email: PlannedEmail, mailed: Map<string, string>): Promise<{ detail: string; messageId: string; skipped: boolean }> {
  const listed = email.contactList ? await ports.email.listContacts(email.contactList, email.topic, email.access) : [];
  const recipients = [...new Set([...email.to, ...listed])];
  if (recipients.length === 0) {
    return { detail: `no contact of ${email.contactList ?? 'the list'} is opted in to ${email.topic ?? 'the list'}: nothing to send`, messageId: 'none', skipped: true };
  }
  // One message per recipient: contacts must not see each other, and list headers are per contact.
  for (const to of recipients) {
    if (mailed.has(to)) continue;
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
    mailed.set(to, sent.messageId);
  }
  return { detail: `sent to ${recipients.length} recipient${recipients.length === 1 ? '' : 's'}`, messageId: recipients.map((to) => mailed.get(to)).join(','), skipped: false };
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
