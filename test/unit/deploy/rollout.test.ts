import { describe, expect, it } from 'vitest';
import type { Output } from '../../../cli/output.ts';
import type { DesiredStack } from '../../../deploy/desired-stack.ts';
import { existingStacks, stackTags, withTemplates } from '../../../deploy/existing-stacks.ts';
import { allSucceeded, type StackOutcome } from '../../../deploy/outcome-table.ts';
import { deployStacks, diffStacks, type Rollout } from '../../../deploy/rollout.ts';
import type { BucketTargets, NotifiedQueues } from '../../../deploy/notified-queues.ts';
import type { QueueDepth } from '../../../deploy/queue-depths.ts';
import { FakeStacks } from './fake-stacks.ts';
import { capture } from '../../support/captured-output.ts';

const DEPLOYMENT = 'router';
const FAST = { pollIntervalMs: 1, timeoutMs: 5_000 };


const template = (...queues: string[]): string => JSON.stringify({ Resources: Object.fromEntries(queues.map((q) => [q, { Type: 'AWS::SQS::Queue', Properties: { QueueName: q } }])) });

function core(body = template('StateBucket')): DesiredStack {
  return { name: `${DEPLOYMENT}-core`, kind: 'core', routes: [], dependsOn: [], body, parameters: {}, tags: stackTags(DEPLOYMENT, 'core') };
}

function shard(n: number, body = template(`Queue${n}`), codeKey = `switchyard/${n}.zip`): DesiredStack {
  return {
    name: `${DEPLOYMENT}-s${n}`,
    kind: 'shard',
    routes: [`route-${n}`],
    dependsOn: [`${DEPLOYMENT}-core`],
    body,
    parameters: { LambdaCodeBucket: 'code', LambdaCodeKey: codeKey },
    tags: stackTags(DEPLOYMENT, 'shard'),
  };
}

const FIVE_SHARDS = [1, 2, 3, 4, 5].map((n) => shard(n));

async function rollout(cfn: FakeStacks, stacks: DesiredStack[], io: Output, extra: Partial<Rollout> = {}): Promise<Rollout> {
  return {
    deployment: DEPLOYMENT,
    stacks,
    existing: await withTemplates(cfn.client, await existingStacks(cfn.client, DEPLOYMENT), 2),
    work: { cfn: cfn.client, wait: FAST, out: io, stage: async (s) => ({ body: s.body }) },
    concurrency: 2,
    yes: true,
    confirm: undefined,
    clock: { now: () => cfn.now, sleep: async (ms) => void (cfn.now += ms) },
    ...extra,
  };
}

/** Deploys `stacks` as a previous run would have: everything CREATE_COMPLETE. */
async function deployed(stacks: DesiredStack[]): Promise<FakeStacks> {
  const cfn = new FakeStacks();
  const outcomes = await deployStacks(await rollout(cfn, stacks, capture()));
  expect(outcomes.map((o) => o.action)).toEqual(stacks.map(() => 'create'));
  cfn.calls.length = 0;
  cfn.maxInProgress = 0;
  return cfn;
}

const actions = (outcomes: StackOutcome[]): Record<string, string> => Object.fromEntries(outcomes.map((o) => [o.stack, o.action]));

describe('deployStacks', () => {
  it('creates the core before any shard, then the shards at most `concurrency` at a time, each through its own change set', async () => {
    const cfn = new FakeStacks();
    const io = capture();
    const outcomes = await deployStacks(await rollout(cfn, [...FIVE_SHARDS, core()], io));
    expect(outcomes.map((o) => [o.stack, o.action, o.status])).toEqual([...FIVE_SHARDS, core()].map((s) => [s.name, 'create', 'CREATE_COMPLETE']));
    expect(allSucceeded(outcomes)).toBe(true);
    const created = cfn.commands('CreateChangeSet');
    expect(created[0]).toBe('router-core');
    expect(cfn.calls.findIndex((c) => c.command === 'CreateChangeSet' && c.stack === 'router-s1')).toBeGreaterThan(cfn.calls.findIndex((c) => c.command === 'ExecuteChangeSet' && c.stack === 'router-core'));
    expect(cfn.commands('ExecuteChangeSet').sort()).toEqual([core(), ...FIVE_SHARDS].map((s) => s.name).sort());
    expect(cfn.maxInProgress).toBe(2);
    // Tagged, so the next run finds them; progress lines name their stack.
    expect(cfn.byName('router-s3')?.tags).toEqual({ 'switchyard:deployment': 'router', 'switchyard:kind': 'shard' });
    expect(io.out.some((l) => /^\[router-s3\] .*CREATE_COMPLETE\s+router-s3$/.test(l))).toBe(true);
  });

  it('leaves stacks whose template, parameters and tags are deployed alone, without a change set', async () => {
    const cfn = await deployed([core(), ...FIVE_SHARDS]);
    const outcomes = await deployStacks(await rollout(cfn, [core(), ...FIVE_SHARDS], capture()));
    expect(new Set(outcomes.map((o) => o.action))).toEqual(new Set(['unchanged']));
    expect(cfn.commands('CreateChangeSet')).toEqual([]);
  });

  it('one changed template, or one new code key, changes exactly that stack', async () => {
    const cfn = await deployed([core(), ...FIVE_SHARDS]);
    const stacks = [core(), shard(1), shard(2, template('Queue2', 'Extra2')), shard(3), shard(4, undefined, 'switchyard/new.zip'), shard(5)];
    const outcomes = await deployStacks(await rollout(cfn, stacks, capture()));
    expect(actions(outcomes)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'unchanged', 'router-s2': 'update', 'router-s3': 'unchanged', 'router-s4': 'update', 'router-s5': 'unchanged' });
    expect(cfn.commands('ExecuteChangeSet').sort()).toEqual(['router-s2', 'router-s4']);
    expect(outcomes.find((o) => o.stack === 'router-s2')).toMatchObject({ resourcesChanged: 1, status: 'UPDATE_COMPLETE' });
    expect(cfn.byName('router-s4')?.parameters.LambdaCodeKey).toBe('switchyard/new.zip');
  });

  it('a failing shard rolls back alone: it is named with the first failed resource and its reason, the others deploy', async () => {
    const cfn = new FakeStacks();
    cfn.failing.set('router-s3', 'Resource handler returned message: "Queue name taken"');
    const io = capture();
    const outcomes = await deployStacks(await rollout(cfn, [core(), ...FIVE_SHARDS], io));
    expect(outcomes.find((o) => o.stack === 'router-s3')).toEqual({
      stack: 'router-s3',
      action: 'failed',
      resourcesChanged: 1,
      status: 'ROLLBACK_COMPLETE',
      reason: 'Broken (AWS::SQS::Queue) CREATE_FAILED: Resource handler returned message: "Queue name taken"',
    });
    expect(outcomes.filter((o) => o.stack !== 'router-s3').map((o) => o.action)).toEqual(['create', 'create', 'create', 'create', 'create']);
    expect(allSucceeded(outcomes)).toBe(false);
    expect(io.err).toContain('[router-s3] Deployment failed: stack router-s3 is ROLLBACK_COMPLETE.');
  });

  it('when the core fails, no shard is touched and each says which stack it waited for', async () => {
    const cfn = new FakeStacks();
    cfn.failing.set('router-core', 'bucket name taken');
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1), shard(2)], capture()));
    expect(outcomes.map((o) => [o.stack, o.action, o.reason])).toEqual([
      ['router-core', 'failed', 'Broken (AWS::SQS::Queue) CREATE_FAILED: bucket name taken'],
      ['router-s1', 'skipped', 'not deployed: it needs router-core, which did not deploy'],
      ['router-s2', 'skipped', 'not deployed: it needs router-core, which did not deploy'],
    ]);
    expect(cfn.commands('CreateChangeSet')).toEqual(['router-core']);
  });

  it('a stack no change set can start from fails with the way out, and the others still deploy', async () => {
    const cfn = new FakeStacks();
    cfn.addStack('router-s1', template('Queue1'), {}, stackTags(DEPLOYMENT, 'shard'), 'ROLLBACK_COMPLETE');
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1), shard(2)], capture()));
    expect(actions(outcomes)).toEqual({ 'router-core': 'create', 'router-s1': 'failed', 'router-s2': 'create' });
    expect(outcomes.find((o) => o.stack === 'router-s1')?.reason).toMatch(/ROLLBACK_COMPLETE.*delete-stack --stack-name router-s1.*\[StackNotUpdatable\]/);
  });

  it('without --yes asks once per wave; a "no" deletes the change sets and deploys nothing after it', async () => {
    const cfn = await deployed([core(), shard(1)]);
    const questions: string[] = [];
    const stacks = [core(template('StateBucket', 'More')), shard(1, template('Queue1', 'Extra1'))];
    const outcomes = await deployStacks(await rollout(cfn, stacks, capture(), { yes: false, confirm: async (q) => (questions.push(q), false) }));
    expect(questions).toEqual(['Execute the change set on stack router-core?']);
    expect(actions(outcomes)).toEqual({ 'router-core': 'skipped', 'router-s1': 'skipped' });
    expect(cfn.changeSets.size).toBe(0);
    expect(cfn.commands('ExecuteChangeSet')).toEqual([]);
  });

  it('without --yes and without a terminal refuses before executing anything, leaving no change set behind', async () => {
    const cfn = new FakeStacks();
    await expect(deployStacks(await rollout(cfn, [core()], capture(), { yes: false, confirm: undefined }))).rejects.toMatchObject({ code: 'ConfirmationRequired' });
    expect(cfn.changeSets.size).toBe(0);
    expect(cfn.byName('router-core')).toBeUndefined();
  });
});

describe('deployStacks: stacks whose routes are all gone', () => {
  const remaining = [core(), shard(1), shard(2)];

  it('are found by tag and deleted last with --yes, shards before the core; stacks of other deployments are never touched', async () => {
    const cfn = await deployed([core(), ...FIVE_SHARDS]);
    cfn.addStack('other-s4', template('Q'), {}, stackTags('other', 'shard'));
    cfn.addStack('router-s9-untagged', template('Q'), {}, {});
    const io = capture();
    const outcomes = await deployStacks(await rollout(cfn, remaining, io));
    expect(outcomes.map((o) => [o.stack, o.action])).toEqual([
      ['router-core', 'unchanged'],
      ['router-s1', 'unchanged'],
      ['router-s2', 'unchanged'],
      ['router-s3', 'delete'],
      ['router-s4', 'delete'],
      ['router-s5', 'delete'],
    ]);
    expect(outcomes.find((o) => o.stack === 'router-s4')).toMatchObject({ resourcesChanged: 1, status: 'DELETE_COMPLETE' });
    expect(cfn.commands('DeleteStack').sort()).toEqual(['router-s3', 'router-s4', 'router-s5']);
    expect(cfn.byName('other-s4')?.status).toBe('CREATE_COMPLETE');
    expect(cfn.byName('router-s9-untagged')?.status).toBe('CREATE_COMPLETE');
  });

  it("include the single untagged stack an earlier Switchyard deployed under the deployment's name, and nothing else untagged", async () => {
    const cfn = await deployed(remaining);
    cfn.addStack('router', template('Everything'), {}, {}, 'UPDATE_COMPLETE', 'Switchyard router: routes a, b, c');
    cfn.addStack('router-notes', template('Q'), {}, {}, 'CREATE_COMPLETE', 'Switchyard router: routes x');
    const io = capture();
    const outcomes = await deployStacks(await rollout(cfn, remaining, io));
    expect(outcomes.filter((o) => o.action === 'delete').map((o) => o.stack)).toEqual(['router']);
    expect(io.out).toContain('  router  (the single stack of an earlier Switchyard, UPDATE_COMPLETE)');
    expect([...cfn.stacks.values()].filter((s) => s.status !== 'DELETE_COMPLETE').map((s) => s.name).sort()).toEqual(['router-core', 'router-notes', 'router-s1', 'router-s2']);
  });

  it("leave an untagged stack that merely shares the deployment's name alone", async () => {
    const cfn = await deployed(remaining);
    cfn.addStack('router', template('Q'), {}, {}, 'CREATE_COMPLETE', 'Hand-made stack that happens to share the name');
    const outcomes = await deployStacks(await rollout(cfn, remaining, capture()));
    expect(outcomes.map((o) => o.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(cfn.commands('DeleteStack')).toEqual([]);
  });

  it('are kept when the deletion is not confirmed, and the run says so', async () => {
    const cfn = await deployed([core(), ...FIVE_SHARDS]);
    const questions: string[] = [];
    const outcomes = await deployStacks(await rollout(cfn, remaining, capture(), { yes: false, confirm: async (q) => (questions.push(q), false) }));
    expect(questions).toEqual(['Delete these 3 stacks?']);
    expect(outcomes.filter((o) => o.action === 'skipped').map((o) => [o.stack, o.reason])).toEqual(['router-s3', 'router-s4', 'router-s5'].map((s) => [s, 'kept: deletion not confirmed']));
    expect(cfn.commands('DeleteStack')).toEqual([]);
  });

  it('are not deleted without a terminal or --yes', async () => {
    const cfn = await deployed([core(), ...FIVE_SHARDS]);
    await expect(deployStacks(await rollout(cfn, remaining, capture(), { yes: false }))).rejects.toMatchObject({ code: 'ConfirmationRequired', message: expect.stringContaining('these 3 stacks') });
    expect(cfn.commands('DeleteStack')).toEqual([]);
  });

  it('are kept while their queues hold messages, or the messages cannot be counted; the empty ones are deleted', async () => {
    const cfn = await deployed([core(), ...FIVE_SHARDS]);
    const depths: Record<string, QueueDepth> = { Queue3: { kind: 'counted', messages: 2 }, Queue4: { kind: 'unreadable', reason: 'AccessDenied: not authorized' }, Queue5: { kind: 'counted', messages: 0 } };
    const asked: string[] = [];
    const io = capture();
    const outcomes = await deployStacks(await rollout(cfn, remaining, io, { queueDepths: { of: async (queue) => (asked.push(queue), depths[queue] ?? { kind: 'gone' }) } }));
    expect(asked.sort()).toEqual(['Queue3', 'Queue4', 'Queue5']);
    expect(actions(outcomes)).toMatchObject({ 'router-s3': 'skipped', 'router-s4': 'skipped', 'router-s5': 'delete' });
    expect(outcomes.find((o) => o.stack === 'router-s3')?.reason).toMatch(/^kept: deleting the stack deletes its queues, with every message in them: Queue3 still holds 2 message\(s\)\. let the consumers drain/);
    expect(outcomes.find((o) => o.stack === 'router-s4')?.reason).toContain('the messages left in Queue4 could not be counted (AccessDenied: not authorized; the deployer needs sqs:GetQueueUrl and sqs:GetQueueAttributes on it)');
    expect(io.err).toContainEqual(expect.stringMatching(/^Stack router-s3 is not deleted: deleting the stack deletes its queues, with every message in them: Queue3 still holds 2 message/));
    expect(cfn.commands('DeleteStack')).toEqual(['router-s5']);
  });

  it('are kept while another stack of the deployment failed (their routes may be on their way to it)', async () => {
    const cfn = await deployed([core(), ...FIVE_SHARDS]);
    cfn.failing.set('router-s1', 'no');
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1, template('Queue1', 'New')), shard(2)], capture()));
    expect(actions(outcomes)).toMatchObject({ 'router-s1': 'failed', 'router-s3': 'skipped' });
    expect(outcomes.find((o) => o.stack === 'router-s3')?.reason).toMatch(/^kept: another stack/);
    expect(cfn.commands('DeleteStack')).toEqual([]);
  });
});

describe('deployStacks: a queue name that moves to another stack', () => {
  it('is given up first: the stack losing it is updated before the stack taking it over is created', async () => {
    const cfn = await deployed([core(), shard(1, template('Queue1', 'orders-q'))]);
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1), shard(2, template('Queue2', 'orders-q'))], capture()));
    expect(actions(outcomes)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'update', 'router-s2': 'create' });
    const index = (command: string, stack: string): number => cfn.calls.findIndex((c) => c.command === command && c.stack === stack);
    expect(index('CreateChangeSet', 'router-s2')).toBeGreaterThan(index('ExecuteChangeSet', 'router-s1'));
  });

  it("waits out SQS's one-minute cooldown on the name before creating the queue again in the stack taking it over", async () => {
    const cfn = await deployed([core(), shard(1, template('Queue1', 'orders-q'))]);
    const io = capture();
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1), shard(2, template('Queue2', 'orders-q'))], io));
    expect(actions(outcomes)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'update', 'router-s2': 'create' });
    expect(io.err).toContainEqual(expect.stringMatching(/^\[router-s2\] Waiting (69|70) s before creating orders-q \(deleted by router-s1\): SQS refuses a queue's name for 60 s after the queue is deleted \(QueueDeletedRecently\)\.$/));
  });

  it('without that wait, creating the queue again fails as SQS fails it (what the wait avoids)', async () => {
    const cfn = await deployed([core(), shard(1, template('Queue1', 'orders-q'))]);
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1), shard(2, template('Queue2', 'orders-q'))], capture(), { clock: { now: () => cfn.now, sleep: async () => undefined } }));
    expect(outcomes.find((o) => o.stack === 'router-s2')).toMatchObject({ action: 'failed', reason: expect.stringContaining('QueueDeletedRecently') });
  });

  it('a shard merged back takes over a name its retired half holds: that half is deleted first', async () => {
    const cfn = await deployed([core(), shard(1), shard(2, template('Queue2', 'orders-q'))]);
    const io = capture();
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1, template('Queue1', 'orders-q'))], io));
    expect(outcomes.map((o) => [o.stack, o.action])).toEqual([
      ['router-s2', 'delete'],
      ['router-core', 'unchanged'],
      ['router-s1', 'update'],
    ]);
    expect(io.err).toContain('Stack router-s2 holds names (AWS::SQS::Queue QueueName=orders-q) that other stacks take over, so it is deleted first.');
    expect(io.err).toContainEqual(expect.stringMatching(/^\[router-s1\] Waiting 70 s before creating orders-q \(deleted by router-s2\)/));
  });

  it('when that deletion is declined, the stack taking the name over is skipped and says why', async () => {
    const cfn = await deployed([core(), shard(1), shard(2, template('Queue2', 'orders-q'))]);
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1, template('Queue1', 'orders-q'))], capture(), { yes: false, confirm: async () => false }));
    expect(outcomes.find((o) => o.stack === 'router-s1')).toMatchObject({ action: 'skipped', reason: 'not deployed: router-s2 still holds names it takes over and was not deleted' });
    expect(cfn.commands('CreateChangeSet')).toEqual([]);
  });

  it('a name another stack still holds is refused, as CloudFormation does (what the ordering above avoids)', async () => {
    const cfn = await deployed([core(), shard(1, template('Queue1', 'orders-q'))]);
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1, template('Queue1', 'orders-q')), shard(2, template('Queue2', 'orders-q'))], capture()));
    expect(outcomes.find((o) => o.stack === 'router-s2')).toMatchObject({ action: 'failed', reason: expect.stringContaining('orders-q already exists') });
  });
});

describe('deployStacks: a held stack keeps the names it takes over where they are', () => {
  it('the stack giving a name up to a held stack is held too, so the name is never in no stack; once the hold lifts both go', async () => {
    const cfn = await deployed([core(), shard(1, template('Queue1', 'old-q')), shard(2, template('Queue2', 'orders-q'))]);
    let messages = 3;
    const queueDepths = { of: async (queue: string): Promise<QueueDepth> => (queue === 'old-q' ? { kind: 'counted', messages } : { kind: 'gone' }) };
    const desired = [core(), shard(1, template('Queue1', 'orders-q')), shard(2)];

    const first = await deployStacks(await rollout(cfn, desired, capture(), { queueDepths }));
    expect(first.find((o) => o.stack === 'router-s1')?.reason).toMatch(/^held: this update deletes queues no route uses any more, with every message in them: old-q still holds 3 message/);
    expect(first.find((o) => o.stack === 'router-s2')).toMatchObject({ action: 'skipped', reason: 'held: router-s1 takes over AWS::SQS::Queue QueueName=orders-q from it and is held itself (see its reason); giving it up before router-s1 deploys would leave it in no stack' });
    expect(cfn.commands('ExecuteChangeSet')).toEqual([]);

    messages = 0;
    const second = await deployStacks(await rollout(cfn, desired, capture(), { queueDepths }));
    expect(actions(second)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'update', 'router-s2': 'update' });
  });

  it('an orphan giving a name up to a held stack is kept, not deleted first', async () => {
    const cfn = await deployed([core(), shard(1, template('Queue1', 'old-q')), shard(2, template('Queue2', 'orders-q'))]);
    const queueDepths = { of: async (queue: string): Promise<QueueDepth> => (queue === 'old-q' ? { kind: 'counted', messages: 1 } : { kind: 'gone' }) };
    const io = capture();
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1, template('Queue1', 'orders-q'))], io, { queueDepths }));
    expect(actions(outcomes)).toMatchObject({ 'router-s1': 'skipped', 'router-s2': 'skipped' });
    expect(outcomes.find((o) => o.stack === 'router-s2')?.reason).toMatch(/^kept: router-s1 takes over AWS::SQS::Queue QueueName=orders-q from it and is held itself/);
    expect(io.err.filter((l) => l.includes('deleted first'))).toEqual([]);
    expect(cfn.commands('DeleteStack')).toEqual([]);
  });
});

describe('deployStacks: a queue no route uses any more', () => {
  it('holds the update that would delete it while it holds messages, and lets it through once it is empty', async () => {
    const cfn = await deployed([core(), shard(1, template('Queue1', 'orders-q'))]);
    let messages = 2;
    const queueDepths = { of: async (queue: string): Promise<QueueDepth> => (queue === 'orders-q' ? { kind: 'counted', messages } : { kind: 'gone' }) };

    const first = await deployStacks(await rollout(cfn, [core(), shard(1)], capture(), { queueDepths }));
    expect(first.find((o) => o.stack === 'router-s1')).toMatchObject({ action: 'skipped', reason: expect.stringMatching(/^held: this update deletes queues no route uses any more, with every message in them: orders-q still holds 2 message\(s\)\./) });
    expect(cfn.commands('ExecuteChangeSet')).toEqual([]);

    messages = 0;
    const second = await deployStacks(await rollout(cfn, [core(), shard(1)], capture(), { queueDepths }));
    expect(actions(second)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'update' });
  });
});

describe('diffStacks', () => {
  it('shows the change set of every stack that differs, deletes each again, and lists the stacks deploy would delete', async () => {
    const cfn = await deployed([core(), ...FIVE_SHARDS]);
    const io = capture();
    const stacks = [core(), shard(1, template('Queue1', 'Extra1')), shard(2), shard(3), shard(6)];
    const outcomes = await diffStacks(await rollout(cfn, stacks, io, { yes: false }));
    expect(outcomes.map((o) => [o.stack, o.action, o.resourcesChanged])).toEqual([
      ['router-core', 'unchanged', 0],
      ['router-s1', 'update', 1],
      ['router-s2', 'unchanged', 0],
      ['router-s3', 'unchanged', 0],
      ['router-s6', 'create', 1],
      ['router-s4', 'delete', 1],
      ['router-s5', 'delete', 1],
    ]);
    expect(io.out).toContain('Stack router-s1 (update, 1 route):');
    expect(io.out).toContain('Add     Extra1     AWS::SQS::Queue  -');
    expect(cfn.commands('ExecuteChangeSet')).toEqual([]);
    expect(cfn.commands('DeleteStack')).toEqual(['router-s6']); // the empty stack a CREATE change set makes
    expect(cfn.changeSets.size).toBe(0);
  });

  it('says a stack deploy would keep because its queues hold messages is kept, not deleted', async () => {
    const cfn = await deployed([core(), ...FIVE_SHARDS]);
    const io = capture();
    const queueDepths = { of: async (queue: string): Promise<QueueDepth> => (queue === 'Queue4' ? { kind: 'counted', messages: 5 } : { kind: 'gone' }) };
    const outcomes = await diffStacks(await rollout(cfn, [core(), shard(1), shard(2), shard(3)], io, { yes: false, queueDepths }));
    expect(outcomes.filter((o) => o.stack === 'router-s4' || o.stack === 'router-s5').map((o) => [o.stack, o.action])).toEqual([
      ['router-s4', 'skipped'],
      ['router-s5', 'delete'],
    ]);
    expect(io.err).toContainEqual(expect.stringMatching(/^Stack router-s4 would be kept: deleting the stack deletes its queues, with every message in them: Queue4 still holds 5 message/));
  });
});

describe('deployStacks: source buckets that move to another stack (a shard split)', () => {
  /** A shard template listing its buckets, as the generator writes them (Metadata.Switchyard). */
  const holding = (n: number, buckets: string[], notified: string[] = []): string =>
    JSON.stringify({ Metadata: { Switchyard: { sourceBuckets: buckets, notifiedBuckets: notified } }, Resources: { [`Queue${n}`]: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `q${n}-${buckets.join('-')}` } } } });
  const index = (cfn: FakeStacks, command: string, stack: string): number => cfn.calls.findIndex((c) => c.command === command && c.stack === stack);

  it('an EventBridge bucket: the stack taking it over is deployed before the stack it leaves, and the run says what moves', async () => {
    const cfn = await deployed([core(), shard(1, holding(1, ['a', 'b']))]);
    const io = capture();
    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1, holding(1, ['a'])), shard(2, holding(2, ['b']))], io));

    expect(actions(outcomes)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'update', 'router-s2': 'create' });
    expect(index(cfn, 'CreateChangeSet', 'router-s1')).toBeGreaterThan(index(cfn, 'ExecuteChangeSet', 'router-s2'));
    expect(io.err).toContainEqual(expect.stringMatching(/^bucket b moves from router-s1 to router-s2: router-s2 is deployed first/));
  });

  it('a bucket notifying the old stack’s intake queue: that stack is held, saying what to do, until --moved-buckets-applied', async () => {
    const cfn = await deployed([core(), shard(1, holding(1, ['a', 'b'], ['b']))]);
    const desired = [core(), shard(1, holding(1, ['a'])), shard(2, holding(2, ['b'], ['b']))];

    const first = await deployStacks(await rollout(cfn, desired, capture()));
    expect(actions(first)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'skipped', 'router-s2': 'create' });
    expect(first.find((o) => o.stack === 'router-s1')?.reason).toBe('held: b moves to router-s2, whose intake queue for it (router-s2-b-events) is not deployed yet: once router-s2 is deployed, run switchyard notifications apply --bucket b, then deploy again');
    expect(cfn.calls.filter((c) => c.command === 'CreateChangeSet' && c.stack === 'router-s1')).toEqual([]);

    // The next run still sees the move (router-s1 lists b) and holds router-s1 again, until the notifications are applied.
    const again = await deployStacks(await rollout(cfn, desired, capture()));
    expect(actions(again)).toMatchObject({ 'router-s1': 'skipped', 'router-s2': 'unchanged' });

    const second = await deployStacks(await rollout(cfn, desired, capture(), { movedBucketsApplied: true }));
    expect(actions(second)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'update', 'router-s2': 'unchanged' });
  });
});

describe('deployStacks: a bucket and a queue name moving together', () => {
  it('the owned queue decides the order (the stack giving it up first), without a cycle', async () => {
    const both = (n: number, buckets: string[], queues: string[]): string =>
      JSON.stringify({ Metadata: { Switchyard: { sourceBuckets: buckets, notifiedBuckets: [] } }, Resources: Object.fromEntries([`Queue${n}`, ...queues].map((q) => [q, { Type: 'AWS::SQS::Queue', Properties: { QueueName: q } }])) });
    const cfn = await deployed([core(), shard(1, both(1, ['a', 'b'], ['orders-q']))]);

    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1, both(1, ['a'], [])), shard(2, both(2, ['b'], ['orders-q']))], capture()));

    expect(actions(outcomes)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'update', 'router-s2': 'create' });
    expect(cfn.calls.findIndex((c) => c.command === 'CreateChangeSet' && c.stack === 'router-s2')).toBeGreaterThan(cfn.calls.findIndex((c) => c.command === 'ExecuteChangeSet' && c.stack === 'router-s1'));
  });

  it('buckets moving both ways between two stacks: no order serves both, nothing is held, and the run says so instead of failing', async () => {
    const swap = (n: number, buckets: string[]): string => JSON.stringify({ Metadata: { Switchyard: { sourceBuckets: buckets, notifiedBuckets: buckets } }, Resources: { [`Queue${n}`]: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `q${n}` } } } });
    const cfn = await deployed([core(), shard(1, swap(1, ['a', 'b'])), shard(2, swap(2, ['c', 'd']))]);
    const io = capture();

    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1, swap(1, ['a', 'c'])), shard(2, swap(2, ['b', 'd']))], io));

    expect(actions(outcomes)).toEqual({ 'router-core': 'unchanged', 'router-s1': 'update', 'router-s2': 'update' });
    expect(io.err.filter((l) => l.includes('no order serves every move'))).toHaveLength(2);
  });
});

describe('deployStacks: a shard merged back whose notified bucket moves with an owned queue', () => {
  it('the queue name forces the retired half out first: nothing is held (it would block the new intake queue), and the run says to re-point the bucket at once', async () => {
    const listing = (n: number, buckets: string[], notified: string[], queues: string[] = []): string =>
      JSON.stringify({ Metadata: { Switchyard: { sourceBuckets: buckets, notifiedBuckets: notified } }, Resources: Object.fromEntries([`Queue${n}`, ...queues].map((q) => [q, { Type: 'AWS::SQS::Queue', Properties: { QueueName: q } }])) });
    const cfn = await deployed([core(), shard(1, listing(1, ['a'], [])), shard(2, listing(2, ['b'], ['b'], ['orders-q']))]);
    const io = capture();

    const outcomes = await deployStacks(await rollout(cfn, [core(), shard(1, listing(1, ['a', 'b'], ['b'], ['orders-q']))], io));

    expect(outcomes.map((o) => [o.stack, o.action])).toEqual([
      ['router-s2', 'delete'],
      ['router-core', 'unchanged'],
      ['router-s1', 'update'],
    ]);
    expect(io.err).toContainEqual(expect.stringMatching(/^bucket b moves from router-s2 to router-s1, and router-s1 cannot be deployed first .*its events are lost\. Run switchyard notifications apply --bucket b as soon as router-s1 is deployed$/));
  });
});

describe('diffStacks: bucket moves', () => {
  it('says which stack deploy would hold, and why', async () => {
    const holding = (n: number, buckets: string[], notified: string[]): string =>
      JSON.stringify({ Metadata: { Switchyard: { sourceBuckets: buckets, notifiedBuckets: notified } }, Resources: { [`Queue${n}`]: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `q${n}-${buckets.join('-')}` } } } });
    const cfn = await deployed([core(), shard(1, holding(1, ['a', 'b'], ['b']))]);
    const io = capture();

    await diffStacks(await rollout(cfn, [core(), shard(1, holding(1, ['a'], [])), shard(2, holding(2, ['b'], ['b']))], io, { yes: false }));

    expect(io.err).toContainEqual(expect.stringMatching(/^Stack router-s1 would be held: b moves to router-s2, whose intake queue for it \(router-s2-b-events\) is not deployed yet/));
    expect(io.err).toContainEqual(expect.stringMatching(/^bucket b moves from router-s1 to router-s2: router-s2 is deployed first/));
  });
});

describe('deployStacks: a rotation of notified buckets (b: s1 → s2 while c: s2 → s3), decided bucket by bucket', () => {
  /** A shard as the generator writes it: its buckets in Metadata, one intake queue `<stack>-<bucket>-events` per notified bucket. */
  const listing = (n: number, buckets: string[]): string =>
    JSON.stringify({
      Metadata: { Switchyard: { sourceBuckets: buckets, notifiedBuckets: buckets } },
      Resources: Object.fromEntries([[`Dlq${n}`, `router-s${n}-dlq`], ...buckets.map((b) => [`Queue${b}`, `router-s${n}-${b}-events`])].map(([id, name]) => [id, { Type: 'AWS::SQS::Queue', Properties: { QueueName: name } }])),
    });
  const before = [core(), shard(1, listing(1, ['a', 'b'])), shard(2, listing(2, ['c'])), shard(3, listing(3, ['d']))];
  const after = [core(), shard(1, listing(1, ['a'])), shard(2, listing(2, ['b'])), shard(3, listing(3, ['c', 'd']))];

  /**
   * The source buckets' notification configurations, as S3 keeps them. Like S3, it refuses to
   * point a bucket at a queue that does not exist (PutBucketNotificationConfiguration validates
   * its destinations), which is why b cannot be re-pointed before s2 has its queue.
   */
  class FakeBucketNotifications implements NotifiedQueues {
    readonly queueOf = new Map([['a', 'router-s1-a-events'], ['b', 'router-s1-b-events'], ['c', 'router-s2-c-events'], ['d', 'router-s3-d-events']]);
    readonly unreadable = new Set<string>();
    constructor(private readonly cfn: FakeStacks) {}

    async of(bucket: string): Promise<BucketTargets> {
      if (this.unreadable.has(bucket)) return { kind: 'unreadable', reason: 'AccessDenied: Access Denied' };
      const queue = this.queueOf.get(bucket);
      return { kind: 'read', queues: queue === undefined ? [] : [queue] };
    }

    /** `switchyard notifications apply --bucket B` for every moving bucket, as an operator following the printed advice would. */
    applyAll(): void {
      const live = this.liveQueues();
      for (const [bucket, queue] of [['b', 'router-s2-b-events'], ['c', 'router-s3-c-events']] as const) if (live.has(queue)) this.queueOf.set(bucket, queue);
    }

    /** Buckets whose notifications go to a queue no stack has any more: their events are lost. */
    orphaned(): string[] {
      const live = this.liveQueues();
      return [...this.queueOf].filter(([, queue]) => !live.has(queue)).map(([bucket]) => bucket);
    }

    private liveQueues(): Set<string> {
      const live = [...this.cfn.stacks.values()].filter((s) => !['DELETE_COMPLETE', 'REVIEW_IN_PROGRESS'].includes(s.status));
      return new Set(live.flatMap((s) => Object.values((JSON.parse(s.template) as { Resources?: Record<string, { Properties?: { QueueName?: string } }> }).Resources ?? {}).map((r) => r.Properties?.QueueName ?? '')));
    }
  }

  async function rotation(): Promise<{ cfn: FakeStacks; s3: FakeBucketNotifications; run: (extra?: Partial<Rollout>) => Promise<{ actions: Record<string, string>; outcomes: StackOutcome[]; err: string[] }> }> {
    const cfn = await deployed(before);
    const s3 = new FakeBucketNotifications(cfn);
    const run = async (extra: Partial<Rollout> = {}) => {
      const io = capture();
      const outcomes = await deployStacks(await rollout(cfn, after, io, { notifiedQueues: s3, ...extra }));
      expect(s3.orphaned(), 'buckets notifying a queue that no longer exists').toEqual([]);
      return { actions: actions(outcomes), outcomes, err: io.err };
    };
    return { cfn, s3, run };
  }

  it('s1 is released only once b notifies the queue s2 creates, however the flag is given', async () => {
    const { s3, run } = await rotation();

    const first = await run();
    expect(first.actions).toMatchObject({ 'router-s1': 'skipped', 'router-s2': 'skipped', 'router-s3': 'update' });
    s3.applyAll(); // c now notifies s3's queue; b cannot notify s2's yet: it does not exist

    // The flag used to release every held stack at once: s1 was updated and b's queue deleted under it.
    const second = await run({ movedBucketsApplied: true });
    expect(second.actions).toMatchObject({ 'router-s1': 'skipped', 'router-s2': 'update', 'router-s3': 'unchanged' });
    expect(second.outcomes.find((o) => o.stack === 'router-s1')?.reason).toMatch(/^held: b moves to router-s2, whose intake queue for it \(router-s2-b-events\) is not deployed yet: .*\(--moved-buckets-applied names b, but that queue did not exist before this run/);
    expect(second.err).toContain("router-s2 may be updated: c notifies router-s3's intake queue router-s3-c-events");
    s3.applyAll();

    const third = await run();
    expect(third.actions).toMatchObject({ 'router-s1': 'update', 'router-s2': 'unchanged', 'router-s3': 'unchanged' });
    expect(third.err).toContain("router-s1 may be updated: b notifies router-s2's intake queue router-s2-b-events");
  });

  it('buckets deploy may not read are taken on the operator’s word, bucket by bucket (--moved-buckets-applied c, then b)', async () => {
    const { s3, run } = await rotation();
    for (const bucket of ['b', 'c']) s3.unreadable.add(bucket);

    const first = await run();
    expect(first.actions).toMatchObject({ 'router-s1': 'skipped', 'router-s2': 'skipped', 'router-s3': 'update' });
    s3.applyAll();

    const second = await run({ movedBucketsApplied: ['c', 'cc'] });
    expect(second.actions).toMatchObject({ 'router-s1': 'skipped', 'router-s2': 'update' });
    expect(second.err).toContainEqual(expect.stringMatching(/^--moved-buckets-applied names cc, but no stack is held for it .*check the name$/));
    s3.applyAll();

    const stillHeld = await run({ movedBucketsApplied: ['c'] });
    expect(stillHeld.outcomes.find((o) => o.stack === 'router-s1')?.reason).toBe(
      "held: b moved to router-s2, and deploy cannot read its notification configuration (AccessDenied: Access Denied): once it notifies router-s2's intake queue router-s2-b-events " +
        '(switchyard notifications apply --bucket b, or the bucket owner applies bucket-config/b.notification.json), deploy again with --moved-buckets-applied b',
    );

    const third = await run({ movedBucketsApplied: ['b'] });
    expect(third.actions).toMatchObject({ 'router-s1': 'update', 'router-s2': 'unchanged', 'router-s3': 'unchanged' });
  });
});
