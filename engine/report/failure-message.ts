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
    '{{/each}}',
    '',
    'Fix the cause, then re-drive the event from the dead-letter queue.',
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
}

export function failureMessage(ctx: FailureContext, template: Template = DEFAULT_TEMPLATE): { subject: string; body: string } {
  const failures = [
    ...ctx.results
      .filter((r) => r.outcome === 'failed')
      .map((r) => ({ action: r.actionId, destination: r.destination, errorCode: r.error?.code, message: r.error?.message, attempts: r.attempts })),
    ...ctx.refused.map((r) => ({ action: r.actionId, destination: r.destination, errorCode: 'NotAllowed', message: r.reason, attempts: 0 })),
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
    counts: { total: failures.length + succeeded.length, failed: failures.length, succeeded: succeeded.length },
  });
  const subject = `Switchyard ${ctx.route}: ${failures.length || 'event'} failed for ${ctx.event.key}`.slice(0, 99);
  return { subject, body };
}
