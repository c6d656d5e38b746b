/**
 * Ids made from names of different kinds (owned queues, source buckets, topics, routes) and
 * Switchyard's own ids share one namespace per template: two that meet are an error naming
 * both, never one resource silently replacing the other; ids that are no resource (lifecycle
 * rule ids, policy Sids) are made distinct instead.
 */
import { describe, expect, it } from 'vitest';
import { DuplicateLogicalIdError } from '../../../generators/cloudformation/errors.ts';
import { lifecycleRules } from '../../../generators/cloudformation/state.ts';
import { contextFor } from '../../../generators/cloudformation/defaults.ts';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import { generateDeployment } from '../../../generators/deployment.ts';
import { generatePolicyFiles } from '../../../generators/policies/index.ts';
import { compileRouteFiles } from './synthetic-routes.ts';

interface RouteShape {
  name: string;
  bucket?: string;
  trigger?: 'eventbridge' | 's3-notification' | 'manual';
  queues?: string[];
  sns?: string;
  batch?: 'schedule' | 'plain';
  tracking?: boolean;
  /** Copies to this bucket of account 222222222222. */
  copyTo?: string;
  /** The source bucket is in account 333333333333. */
  sourceAccount?: boolean;
}

function routeFile(r: RouteShape): [string, string] {
  const lines = [
    `name: ${r.name}`,
    `source: { bucket: ${r.bucket ?? `${r.name}-bucket`}, trigger: ${r.trigger ?? (r.batch ? 'manual' : 'eventbridge')}${r.sourceAccount ? ', account: "333333333333"' : ''} }`,
    ...(r.copyTo ? ['allow:', '  buckets:', `    - { bucket: ${r.copyTo}, account: "222222222222" }`] : []),
    ...(r.queues ? ['queues:', ...r.queues.map((q) => `  - { name: ${q} }`)] : []),
    'actions:',
    `  - copy: { to: ${r.copyTo ?? 'out-bucket'}, key: $key }`,
    ...(r.queues ?? []).map((q) => `  - sqs: { queue: ${q} }`),
    ...(r.sns ? ['notify:', `  onFailure: { sns: ${r.sns} }`] : []),
    ...(r.batch ? ['batch:', '  manifests: s3://ops-manifests/backfills', ...(r.batch === 'schedule' ? ['  schedule: rate(1 day)'] : [])] : []),
    ...(r.tracking ? ['tracking: { enabled: true, retention: 30d }'] : []),
    '',
  ];
  return [`routes/${r.name}.yaml`, lines.join('\n')];
}

const compiled = (routes: RouteShape[]) => compileRouteFiles(Object.fromEntries(routes.map(routeFile)));

function collisionOf(generate: () => unknown): DuplicateLogicalIdError {
  try {
    generate();
  } catch (error) {
    if (error instanceof DuplicateLogicalIdError) return error;
    throw error;
  }
  throw new Error('no DuplicateLogicalIdError');
}

describe('names of different kinds that give one logical id', () => {
  const cases: Array<{ name: string; routes: RouteShape[]; id: string; claimedBy: [RegExp, RegExp] }> = [
    {
      name: "queue xyz-notification and bucket xyz's intake queue",
      routes: [
        { name: 'owner', queues: ['xyz-notification'] },
        { name: 'reader', bucket: 'xyz', trigger: 's3-notification' },
      ],
      id: 'XyzNotificationDeadLetterQueue',
      claimedBy: [/intake queue of bucket xyz$/, /queue xyz-notification$/],
    },
    {
      name: "queue events and the stack's EventBridge dead-letter queue",
      routes: [{ name: 'owner', queues: ['events'] }],
      id: 'EventsDeadLetterQueue',
      claimedBy: [/^Switchyard's own EventsDeadLetterQueue$/, /queue events$/],
    },
    {
      name: "queue router-function-async and the function's own dead-letter queue",
      routes: [{ name: 'owner', queues: ['router-function-async'] }],
      id: 'RouterFunctionAsyncDeadLetterQueue',
      claimedBy: [/^Switchyard's own/, /queue router-function-async$/],
    },
    {
      name: "queue nightly-schedule and route nightly's backfill schedule",
      routes: [
        { name: 'nightly', batch: 'schedule' },
        { name: 'owner', queues: ['nightly-schedule'] },
      ],
      id: 'NightlyScheduleDeadLetterQueue',
      claimedBy: [/backfill schedule of route nightly$/, /queue nightly-schedule$/],
    },
    {
      name: 'topic alarms and the alarms topic',
      routes: [{ name: 'notifier', sns: 'alarms' }],
      id: 'AlarmsTopic',
      claimedBy: [/topic alarms$/, /^Switchyard's own AlarmsTopic$/],
    },
    {
      name: 'queues a_b and a-b of two routes (one of them was silently dropped)',
      routes: [
        { name: 'first', queues: ['a_b'] },
        { name: 'second', queues: ['a-b'] },
      ],
      id: 'ABDeadLetterQueue',
      claimedBy: [/queue a_b$/, /queue a-b$/],
    },
    {
      name: 'topics a_b and a-b (one of them was silently dropped)',
      routes: [
        { name: 'first', sns: 'a_b' },
        { name: 'second', sns: 'a-b' },
      ],
      id: 'ABTopic',
      claimedBy: [/^topic a_b$/, /^topic a-b$/],
    },
    {
      name: 'the state machines of routes a1b and a-1b',
      routes: [
        { name: 'a-1b', batch: 'plain' },
        { name: 'a1b', batch: 'plain' },
      ],
      id: 'A1bStateMachineLogGroup',
      claimedBy: [/route a-1b$/, /route a1b$/],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: an error naming both`, () => {
      const error = collisionOf(() => generateTemplate(compiled(c.routes)));
      expect(error.code).toBe('DuplicateLogicalId');
      expect(error.logicalId).toBe(c.id);
      // In either order: which of the two is met first follows from how the template's parts are merged.
      const [first, second] = c.claimedBy[0].test(error.claimedBy[0]) ? error.claimedBy : [error.claimedBy[1], error.claimedBy[0]];
      expect(first).toMatch(c.claimedBy[0]);
      expect(second).toMatch(c.claimedBy[1]);
      expect(error.message).toContain(c.id);
    });
  }

  it('in a sharded deployment too: queue xyz-notification and bucket xyz in one shard', () => {
    const error = collisionOf(() => generateDeployment(compiled([{ name: 'owner', bucket: 'xyz', trigger: 's3-notification', queues: ['xyz-notification'] }])));
    expect(error.claimedBy.join(' / ')).toMatch(/bucket xyz.*queue xyz-notification/);
  });

  it('two routes declaring the same queue name never reach the generator: validate refuses it (SY033)', () => {
    expect(() => compiled([
      { name: 'first', queues: ['shared'] },
      { name: 'second', queues: ['shared'] },
    ])).toThrow(/SY033|queue 'shared' is already created by route 'first'/);
  });
});

describe('ids that are no resource, made from route names', () => {
  const twins: RouteShape[] = [
    { name: 'a1b', tracking: true, copyTo: 'partner-drop', sourceAccount: true, bucket: 'shared-source' },
    { name: 'a-1b', tracking: true, copyTo: 'partner-drop', sourceAccount: true, bucket: 'shared-source' },
  ];

  it('lifecycle rules of routes a1b and a-1b have distinct ids (S3 takes a rule id once a bucket)', () => {
    const ids = lifecycleRules(contextFor(compiled(twins))).map((rule) => (rule as { Id: string }).Id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('ExpireTrackingA1b');
  });

  it('policy documents several routes add to give every statement its own Sid', () => {
    const files = generatePolicyFiles(compiled(twins), { deployAccount: '111111111111', region: 'eu-west-1' });
    const documents = files.filter((f) => f.path.startsWith('policies/'));
    expect(documents.map((f) => f.path)).toEqual(expect.arrayContaining(['policies/222222222222/partner-drop.json', 'policies/source-shared-source.json']));
    for (const file of documents) {
      const sids = (file.document as { Statement: Array<{ Sid: string }> }).Statement.map((s) => s.Sid);
      expect({ file: file.path, unique: new Set(sids).size }).toEqual({ file: file.path, unique: sids.length });
    }
  });
});
