/**
 * resolve: for one matched route and one event, evaluate `let`, `when` and every action's
 * fields into PlannedSteps, refusing destinations outside the allow-list.
 */
import { createHash } from 'node:crypto';
import { ActionError } from '../errors.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import type { CompiledAction, CompiledAssumeRole, CompiledRoute } from '../load/compiled-route.ts';
import type { CompiledValue } from '../load/expressions.ts';
import type { PlannedAction, PlannedStep, Refusal } from '../actions/planned-action.ts';
import type { Access } from '../ports/types.ts';
import { asOptionalString, asStringList, evaluate, plain, type Bindings } from './evaluate.ts';
import { sourceAccess } from './bindings.ts';

export interface Resolution {
  steps: PlannedStep[];
  refused: Refusal[];
  /** Actions whose `when` was false, with the reason. */
  skipped: Array<{ actionId: string; reason: string }>;
  /** The `let` values, for templates, messages and dry-run output. */
  values: Record<string, unknown>;
}

async function valueOf(value: CompiledValue, bindings: Bindings, what: string): Promise<unknown> {
  return value.kind === 'literal' ? value.value : plain(await evaluate(value.expression, bindings, what));
}

async function stringOf(value: CompiledValue, bindings: Bindings, what: string): Promise<string> {
  const result = asOptionalString(await valueOf(value, bindings, what), what);
  if (result === undefined || result === '') throw new ActionError('RouteError', `${what} resolved to nothing`, 'config');
  return result;
}

async function listOf(value: CompiledValue | { kind: 'list'; values: string[] }, bindings: Bindings, what: string): Promise<string[]> {
  if (value.kind === 'list') return value.values;
  return asStringList(await valueOf(value, bindings, what), what);
}

async function accessOf(role: CompiledAssumeRole | undefined, bindings: Bindings, what: string): Promise<Access | undefined> {
  if (!role) return undefined;
  const arn = await stringOf(role.arn, bindings, `${what} assumeRole.arn`);
  const externalId = role.externalId ? asOptionalString(await valueOf(role.externalId, bindings, `${what} assumeRole.externalId`), 'externalId') : undefined;
  return { roleArn: arn, ...(externalId ? { externalId } : {}), ...(role.sessionName ? { sessionName: role.sessionName } : {}) };
}

/** De-duplication id for messages: the same object version always gives the same id. */
export function deduplicationId(route: string, actionId: string, event: ObjectEvent): string {
  const parts = [route, actionId, event.bucket, event.key, event.versionId ?? event.eTag ?? '', event.sequencer ?? ''];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 64);
}

export async function resolveRoute(route: CompiledRoute, event: ObjectEvent, base: Bindings): Promise<Resolution> {
  const bindings: Bindings = { ...base };
  const values: Record<string, unknown> = {};
  for (const { name, expression } of route.lets) {
    const value = plain(await evaluate(expression, bindings, `let.${name}`));
    bindings[name] = value;
    values[name] = value;
  }
  const resolution: Resolution = { steps: [], refused: [], skipped: [], values };
  for (const action of route.actions) {
    if (action.when && !(await evaluate(action.when, bindings, `action ${action.id} when`))) {
      resolution.skipped.push({ actionId: action.id, reason: 'when is false' });
      continue;
    }
    const retries = action.retry.retriesFrom ? await retriesOf(action.retry.retriesFrom, action.retry.policy.retries, bindings, action.id) : action.retry.policy.retries;
    const retry = { ...action.retry.policy, retries };
    for (const planned of await planAction(route, action, event, bindings, values)) {
      const refusal = refuse(route, planned);
      if (refusal) resolution.refused.push(refusal);
      else resolution.steps.push({ action: planned, retry, concurrency: action.concurrency });
    }
  }
  return resolution;
}

/** Retries from an expression (seed 001's config): nothing there means the default; anything but a whole number ≥ 0 is the config's mistake. */
async function retriesOf(expression: CompiledValue, fallback: number, bindings: Bindings, actionId: string): Promise<number> {
  const value = await valueOf(expression, bindings, `action ${actionId} retry.retries`);
  if (value === undefined || value === null || value === '') return fallback;
  const retries = Number(value);
  if (!Number.isInteger(retries) || retries < 0) {
    throw new ActionError('RouteError', `action ${actionId}: retry.retries resolved to ${JSON.stringify(value)}, not a whole number ≥ 0: fix the value where the expression reads it`, 'config');
  }
  return retries;
}

async function planAction(route: CompiledRoute, action: CompiledAction, event: ObjectEvent, bindings: Bindings, values: Record<string, unknown>): Promise<PlannedAction[]> {
  const what = `action ${action.id}`;
  switch (action.type) {
    case 'copy': {
      const buckets = [...new Set(await listOf(action.to, bindings, `${what} to`))];
      if (buckets.length === 0) throw new ActionError('RouteError', `${what}: 'to' resolved to no bucket`, 'config');
      const key = await stringOf(action.key, bindings, `${what} key`);
      const destinationAccess = await accessOf(action.assumeRole, bindings, what);
      const source = sourceAccess(route);
      return buckets.map((bucket) => {
        const rule = route.allow.buckets?.find((r) => r.matcher.test(bucket));
        const kmsKey = action.kmsKey ?? rule?.kmsKey;
        const crossAccount = rule?.account !== undefined && rule.account !== route.definition.source.account;
        return {
          type: 'copy',
          actionId: action.id,
          bucket,
          key,
          ...(source ? { sourceAccess: source } : {}),
          ...(destinationAccess ? { destinationAccess } : {}),
          ...(kmsKey ? { kmsKey } : {}),
          ...(route.definition.source.kmsKey !== undefined ? { sourceKmsKey: route.definition.source.kmsKey } : {}),
          ...(crossAccount && !destinationAccess ? { acl: 'bucket-owner-full-control' as const } : {}),
          multipartThreshold: action.multipartThreshold,
          partSize: action.partSize,
          partConcurrency: action.partConcurrency,
          skipExisting: action.skipExisting,
          loopMarker: route.watchedDestinations?.includes(bucket) ?? true,
        };
      });
    }
    case 'sqs': {
      const queue = await stringOf(action.queue, bindings, `${what} queue`);
      const bodyValue = action.body
        ? plain(await evaluate(action.body, bindings, `${what} body`))
        : { route: route.name, event, values };
      const body = typeof bodyValue === 'string' ? bodyValue : JSON.stringify(bodyValue);
      const fifo = queue.endsWith('.fifo');
      const groupId = action.groupId ? await stringOf(action.groupId, bindings, `${what} groupId`) : fifo ? `${event.bucket}/${event.key}`.slice(0, 128) : undefined;
      const access = await accessOf(action.assumeRole, bindings, what);
      return [
        {
          type: 'sqs',
          actionId: action.id,
          queue,
          body,
          ...(groupId ? { groupId } : {}),
          ...(fifo ? { deduplicationId: deduplicationId(route.name, action.id, event) } : {}),
          ...(access ? { access } : {}),
        },
      ];
    }
    case 'email': {
      const context = { ...values, event, route: route.name, bucket: event.bucket, key: event.key };
      const contactList = action.contactList ? await stringOf(action.contactList, bindings, `${what} contactList`) : undefined;
      const topic = action.topic ? asOptionalString(await valueOf(action.topic, bindings, `${what} topic`), `${what} topic`) : undefined;
      const to = action.to ? await listOf(action.to, bindings, `${what} to`) : [];
      const access = await accessOf(action.assumeRole, bindings, what);
      const render = (template: (ctx: unknown) => string, part: string): string => {
        try {
          return template({ ...context, topic });
        } catch (error) {
          throw new ActionError('TemplateError', `${what} ${part} template failed: ${(error as Error).message}`, 'config');
        }
      };
      return [
        {
          type: 'email',
          actionId: action.id,
          from: await stringOf(action.from, bindings, `${what} from`),
          to,
          ...(contactList ? { contactList } : {}),
          ...(topic ? { topic } : {}),
          subject: render(action.subject, 'subject').trim(),
          ...(action.html ? { html: render(action.html, 'html') } : {}),
          ...(action.text ? { text: render(action.text, 'text') } : {}),
          ...(access ? { access } : {}),
        },
      ];
    }
  }
}

function refuse(route: CompiledRoute, action: PlannedAction): Refusal | undefined {
  const allow = route.allow;
  const refusal = (destination: string, list: string): Refusal => ({
    actionId: action.actionId,
    type: action.type,
    destination,
    reason: `${destination} is not in allow.${list} of route ${route.name}: refused, nothing written`,
  });
  if (action.type === 'copy' && allow.buckets && !allow.buckets.some((r) => r.matcher.test(action.bucket))) return refusal(action.bucket, 'buckets');
  if (action.type === 'sqs' && allow.queues) {
    const name = queueName(action.queue);
    if (!allow.queues.some((q) => q.test(action.queue) || q.test(name))) return refusal(action.queue, 'queues');
  }
  const role = action.type === 'copy' ? action.destinationAccess?.roleArn : action.access?.roleArn;
  if (role && allow.roles && !allow.roles.some((r) => r.test(role))) return refusal(role, 'roles');
  return undefined;
}

/** The queue's name from a URL, an ARN or a plain name. */
export function queueName(queue: string): string {
  return queue.split(/[/:]/).pop() ?? queue;
}
