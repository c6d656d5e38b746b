/** The rich failure notification (seed 002): route, object, every failed destination with its error and attempts. */
import type { ActionResult } from '../actions/execute.ts';
import type { Refusal } from '../actions/planned-action.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import { compileTemplate, type Template } from '../templates.ts';

const DEFAULT_TEMPLATE = compileTemplate(
  [
    '❌ Switchyard route {{route}} failed for s3://{{object.bucket}}/{{object.key}}',
    '',
    'Event: {{event.id}} ({{object.eventName}} at {{object.eventTime}})',
    'Destinations: {{counts.succeeded}} succeeded, {{counts.failed}} failed, of {{counts.total}}',
    '{{#if error}}Error: {{error}}{{/if}}',
    '{{#each failures}}',
    '  ✗ {{this.action}} → {{this.destination}}: {{this.errorCode}}: {{this.message}} (attempts: {{this.attempts}})',
    '{{#if this.record}}    failure record: {{this.record}}{{/if}}',
    '{{/each}}',
    '',
    '{{#if eventFailed}}Fix the cause, then re-drive the event from the dead-letter queue with `switchyard replay`.{{else}}The other destinations got the object. Fix the cause, then re-drive the failed ones with `switchyard replay --route {{route}}`.{{/if}}',
  ].join('\n'),
  false,
);

export interface FailureContext {
  route: string;
  event: ObjectEvent;
  results: ActionResult[];
  refused: Refusal[];
  error?: string;
  tracking?: string;
  /** Whether the event failed as a whole (false: a partial failure under `failWhen: all`). */
  eventFailed?: boolean;
  /** The failure record written for each failed destination. */
  records?: Array<{ actionId: string; destination: string; uri: string }>;
}

export function failureMessage(ctx: FailureContext, template: Template = DEFAULT_TEMPLATE): { subject: string; body: string } {
  const failures = [
    ...ctx.results
      .filter((r) => r.outcome === 'failed')
      .map((r) => ({ action: r.actionId, destination: r.destination, errorCode: r.error?.code, message: r.error?.message, attempts: r.attempts, record: recordOf(ctx, r.actionId, r.destination) })),
    ...ctx.refused.map((r) => ({ action: r.actionId, destination: r.destination, errorCode: 'NotAllowed', message: r.reason, attempts: 0, record: recordOf(ctx, r.actionId, r.destination) })),
  ];
  const succeeded = ctx.results.filter((r) => r.outcome !== 'failed').map((r) => ({ action: r.actionId, destination: r.destination }));
  const body = template({
    route: ctx.route,
    event: ctx.event,
    object: ctx.event,
    failures,
    succeeded,
    error: ctx.error,
    tracking: ctx.tracking,
    eventFailed: ctx.eventFailed ?? true,
    records: ctx.records ?? [],
    counts: { total: failures.length + succeeded.length, failed: failures.length, succeeded: succeeded.length },
  });
  const partial = ctx.eventFailed === false ? ' (partial)' : '';
  const subject = `Switchyard ${ctx.route}: ${failures.length || 'event'} failed${partial} for ${ctx.event.key}`.slice(0, 99);
  return { subject, body };
}

function recordOf(ctx: FailureContext, actionId: string, destination: string): string | undefined {
  return ctx.records?.find((r) => r.actionId === actionId && r.destination === destination)?.uri;
}
