/** The text `switchyard status` prints for a person: stacks, queues, the per-route table, problems. */
import { describe, expect, it } from 'vitest';
import { statusText } from '../../../cli/commands/status.ts';
import type { DeploymentStatus } from '../../../deploy/ops/status.ts';

const status: DeploymentStatus = {
  deployment: 'switchyard',
  checkedAt: '2026-11-30T20:00:00.000Z',
  healthy: false,
  problems: ['1 message(s) in dead-letter queue switchyard-artifacts-source-events-dlq (s3-notification) of stack switchyard: see them with \'switchyard replay --dry-run\''],
  notes: ['metrics unavailable: AccessDenied', "route one-to-many: 1 failure record(s) whose destination was delivered after all (e.g. s3://intel-late/x.bin has the same size and ETag), by a retry that did not close the record: 'switchyard replay --route one-to-many' closes them without sending anything twice"],
  stacks: [
    {
      name: 'switchyard',
      status: 'UPDATE_COMPLETE',
      deadLetters: [
        { queue: 'switchyard-artifacts-source-events-dlq', kind: 's3-notification', depth: 1 },
        { queue: 'switchyard-router-async-dlq', kind: 'async-invocation', depth: 0 },
      ],
      failureRecords: 2,
      deliveredLater: 1,
    },
  ],
  routes: [
    { route: 'artifacts-export', stack: 'switchyard', state: 'same', failureRecords: 0, deliveredLater: 0 },
    {
      route: 'one-to-many',
      stack: 'switchyard',
      state: 'changed',
      activity: { routed: 12, failed: 1, retried: 3 },
      failureRecords: 2,
      deliveredLater: 1,
      lastError: { at: '2026-11-30T19:58:00.000Z', destination: 's3://ops-a/x.bin', code: 'NoSuchBucket', message: 'bucket ops-a does not exist', object: 's3://my-ingestion-bucket/x.bin' },
    },
  ],
};

describe('statusText', () => {
  it('prints the stack with its dead-letter depths, one aligned row per route (records delivered later counted apart), the problems and the notes', () => {
    expect(statusText(status)).toEqual([
      'Deployment switchyard at 2026-11-30T20:00:00.000Z: 1 problem(s)',
      '',
      'stack switchyard  UPDATE_COMPLETE  dead-lettered 1  failure records 2 (+1 delivered later)',
      '  dead-letter queue switchyard-artifacts-source-events-dlq (s3-notification): 1',
      '  dead-letter queue switchyard-router-async-dlq (async-invocation): 0',
      '',
      'last hour per route:',
      '  route             deployed  routed  failed  retried  failure records         last error',
      '  artifacts-export  same      ?       ?       ?        0                       -',
      '  one-to-many       changed   12      1       3        2 (+1 delivered later)  2026-11-30T19:58:00.000Z s3://ops-a/x.bin: NoSuchBucket: bucket ops-a does not exist',
      '',
      'problems:',
      "  - 1 message(s) in dead-letter queue switchyard-artifacts-source-events-dlq (s3-notification) of stack switchyard: see them with 'switchyard replay --dry-run'",
      '',
      'notes:',
      '  - metrics unavailable: AccessDenied',
      "  - route one-to-many: 1 failure record(s) whose destination was delivered after all (e.g. s3://intel-late/x.bin has the same size and ETag), by a retry that did not close the record: 'switchyard replay --route one-to-many' closes them without sending anything twice",
    ]);
  });
});
