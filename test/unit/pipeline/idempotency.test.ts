/** Idempotency markers: first delivery sends, redelivery is a duplicate, stale 'sending' is taken over, a fresh one is a conflict. */
import { describe, expect, it } from 'vitest';
import { claim, markerKey, settle, type MarkerStore } from '../../../engine/actions/idempotency.ts';
import { ActionError } from '../../../engine/errors.ts';
import { Pipeline } from '../../../engine/pipeline.ts';
import { compileRoutes, fakeWorld, s3Created, type FakeWorld } from './fake-world.ts';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

function store(world: FakeWorld): MarkerStore {
  return { storage: world.ports.storage, bucket: 'state', now: () => world.now(), staleAfterMs: FIFTEEN_MINUTES };
}

describe('claim and settle', () => {
  const mine = { token: 'claim-1', leaseMs: FIFTEEN_MINUTES };
  const cases = [
    { proves: 'nothing there: the first delivery claims', existing: undefined, ageMs: 0, expected: { claimed: true } },
    { proves: "a 'sent' marker: a redelivery does not claim and learns the message id", existing: { status: 'sent', messageId: 'msg-7' }, ageMs: 0, expected: { claimed: false, messageId: 'msg-7' } },
    { proves: "a 'failed' marker: the send is tried again", existing: { status: 'failed' }, ageMs: 0, expected: { claimed: true } },
    { proves: "this claim's own 'sending' marker (its create went through, the answer was lost) is its own", existing: { status: 'sending', claim: 'claim-1', leaseUntil: '2026-11-20T10:10:00.000Z' }, ageMs: 0, expected: { claimed: true } },
    { proves: "a 'sending' marker without a lease is in doubt after 15 minutes and taken over", existing: { status: 'sending' }, ageMs: FIFTEEN_MINUTES + 1, expected: { claimed: true, inDoubt: expect.stringContaining('never settled') } },
    { proves: "a 'sending' marker whose claimer's lease ended is in doubt and taken over at once", existing: { status: 'sending', claim: 'other', leaseUntil: '2026-11-20T10:00:30.000Z' }, ageMs: 31_000, expected: { claimed: true, inDoubt: expect.stringContaining('never settled') } },
    { proves: 'something that is not a marker is taken over, in doubt', existing: 'not json', ageMs: 0, expected: { claimed: true, inDoubt: expect.stringContaining('not readable') } },
  ] as const;

  it.each(cases)('$proves', async ({ existing, ageMs, expected }) => {
    const world = fakeWorld();
    if (existing !== undefined) {
      const body = typeof existing === 'string' ? existing : JSON.stringify({ ...existing, at: world.now().toISOString() });
      world.putObject('state', 'markers/m.json', body);
    }
    world.advance(ageMs);

    expect(await claim(store(world), 'markers/m.json', mine)).toEqual(expected);
    if (expected.claimed) expect(JSON.parse(world.object('state', 'markers/m.json')?.body.toString() ?? '{}')).toMatchObject({ status: 'sending', claim: 'claim-1' });
  });

  it("a 'sending' marker of another claim within its lease is a conflict: another invocation is sending right now", async () => {
    const world = fakeWorld();
    world.putObject('state', 'markers/m.json', JSON.stringify({ status: 'sending', at: world.now().toISOString(), claim: 'other', leaseUntil: '2026-11-20T10:05:00.000Z' }));
    world.advance(5 * 60 * 1000 - 1);

    const error = await claim(store(world), 'markers/m.json', mine).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ code: 'SendInProgress', failureClass: 'conflict' });
  });

  it.each([
    { proves: "a 'failed' marker", existing: { status: 'failed' } },
    { proves: "an abandoned 'sending' marker", existing: { status: 'sending', claim: 'gone', leaseUntil: '2026-11-20T09:59:00.000Z' } },
  ])('two deliveries taking over $proves at once: one claims, the other backs off (conflict) and nothing is sent twice', async ({ existing }) => {
    const world = fakeWorld();
    world.putObject('state', 'markers/m.json', JSON.stringify({ ...existing, at: world.now().toISOString() }));
    // Both read the marker before either writes: the race a plain PUT would lose.
    const storage = world.ports.storage;
    let reads = 0;
    let bothRead: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (bothRead = resolve));
    const racing: MarkerStore = {
      ...store(world),
      storage: {
        ...storage,
        async getBodyAndETag(ref, access) {
          const read = await storage.getBodyAndETag(ref, access);
          if (++reads === 2) bothRead();
          await barrier;
          return read;
        },
      },
    };

    const outcomes = await Promise.allSettled([claim(racing, 'markers/m.json', { token: 'a', leaseMs: FIFTEEN_MINUTES }), claim(racing, 'markers/m.json', { token: 'b', leaseMs: FIFTEEN_MINUTES })]);

    const claimed = outcomes.filter((o) => o.status === 'fulfilled' && o.value.claimed);
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(claimed).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: 'MarkerChanged', failureClass: 'conflict' });
    const winner = JSON.parse(world.object('state', 'markers/m.json')?.body.toString() ?? '{}') as { claim?: string };
    expect(['a', 'b']).toContain(winner.claim);
  });

  it('the lease written is the shorter of the claimer\'s time left and 15 minutes', async () => {
    const world = fakeWorld();
    await claim(store(world), 'markers/a.json', { token: 't', leaseMs: 40_000 });
    await claim(store(world), 'markers/b.json', { token: 't', leaseMs: 10 * FIFTEEN_MINUTES });

    expect(JSON.parse(world.object('state', 'markers/a.json')?.body.toString() ?? '{}').leaseUntil).toBe('2026-11-20T10:00:40.000Z');
    expect(JSON.parse(world.object('state', 'markers/b.json')?.body.toString() ?? '{}').leaseUntil).toBe('2026-11-20T10:15:00.000Z');
  });

  it('settle records sent with the message id, or failed', async () => {
    const world = fakeWorld();
    await settle(store(world), 'markers/a.json', { sent: true, messageId: 'msg-1' });
    await settle(store(world), 'markers/b.json', { sent: false });

    expect(JSON.parse(world.object('state', 'markers/a.json')?.body.toString() ?? '')).toEqual({ status: 'sent', at: world.now().toISOString(), messageId: 'msg-1' });
    expect(JSON.parse(world.object('state', 'markers/b.json')?.body.toString() ?? '')).toEqual({ status: 'failed', at: world.now().toISOString() });
  });

  it('the marker key differs by object version and destination, and is stable otherwise', () => {
    const event = { id: 'e', origin: 's3-notification', kind: 'created', eventName: 'ObjectCreated:Put', bucket: 'b', key: 'k', eTag: 'e1', eventTime: '' } as const;
    const key = markerKey('r', 'a', event, 'q1');

    expect(markerKey('r', 'a', { ...event }, 'q1')).toBe(key);
    expect(markerKey('r', 'a', { ...event, eTag: 'e2' }, 'q1')).not.toBe(key);
    expect(markerKey('r', 'a', event, 'q2')).not.toBe(key);
    expect(key).toMatch(/^markers\/r\/a\/[0-9a-f]{64}\.json$/);
  });
});

describe('through the pipeline', () => {
  const routes = () =>
    compileRoutes({
      'routes/notify.yaml': `
name: notify
source: { bucket: inbox, trigger: s3-notification }
actions:
  - sqs: { id: tell, queue: customer-a }
  - email: { id: mail, from: changes@example.com, to: [ops@example.com], subject: "New {{key}}" }
  - copy: { id: keep, to: archive-bucket, key: $key }
`,
    });

  it('sends once: the redelivered event reports duplicate for the message and the email, and copies again harmlessly', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'a.json', '{}');
    const pipeline = new Pipeline({ routes: routes(), ports: world.ports, stateBucket: 'state' });

    const first = await pipeline.processInput(s3Created('inbox', 'a.json'));
    const second = await pipeline.processInput(s3Created('inbox', 'a.json'));

    const outcomes = (r: typeof first) => r.records[0]?.events[0]?.routes[0]?.results.map((x) => [x.actionId, x.outcome]);
    expect(outcomes(first)).toEqual([['tell', 'succeeded'], ['mail', 'succeeded'], ['keep', 'succeeded']]);
    expect(outcomes(second)).toEqual([['tell', 'duplicate'], ['mail', 'duplicate'], ['keep', 'succeeded']]);
    expect(world.messages).toHaveLength(1);
    expect(world.emails).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
  });

  it('a send that failed leaves a failed marker, so the redelivery sends', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'a.json', '{}');
    world.faults.push({ operation: 'send', times: 1, code: 'AccessDenied', failureClass: 'access-denied' });
    const pipeline = new Pipeline({ routes: routes(), ports: world.ports, stateBucket: 'state' });

    const first = await pipeline.processInput(s3Created('inbox', 'a.json'));
    const second = await pipeline.processInput(s3Created('inbox', 'a.json'));

    expect(first.records[0]?.events[0]?.routes[0]?.results[0]).toMatchObject({ actionId: 'tell', outcome: 'failed', attempts: 1 });
    expect(second.records[0]?.events[0]?.routes[0]?.results[0]).toMatchObject({ actionId: 'tell', outcome: 'succeeded' });
    expect(world.messages).toHaveLength(1);
  });

  it("a concurrent invocation's fresh marker makes the action fail as conflict, so SQS redelivers later", async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'a.json', '{}');
    const pipeline = new Pipeline({ routes: routes(), ports: world.ports, stateBucket: 'state' });
    const first = await pipeline.processInput(s3Created('inbox', 'a.json'));
    // Make the 'tell' marker look freshly claimed by someone else.
    const marker = [...world.objects.keys()].find((k) => k.startsWith('state/markers/notify/tell/')) ?? '';
    world.objects.set(marker, { body: Buffer.from(JSON.stringify({ status: 'sending', at: world.now().toISOString() })), tags: {}, metadata: {} });

    const again = await pipeline.processInput(s3Created('inbox', 'a.json'));

    expect(first.records[0]?.status).toBe('processed');
    expect(again.records[0]?.events[0]?.routes[0]?.results[0]).toMatchObject({ outcome: 'failed', error: { code: 'SendInProgress', failureClass: 'conflict' } });
    expect(again.records[0]?.status).toBe('failed');
    expect(world.messages).toHaveLength(1);
  });

  it('without a state bucket nothing is claimed and every delivery sends', async () => {
    const world = fakeWorld();
    world.putObject('inbox', 'a.json', '{}');
    const pipeline = new Pipeline({ routes: routes(), ports: world.ports });

    await pipeline.processInput(s3Created('inbox', 'a.json'));
    await pipeline.processInput(s3Created('inbox', 'a.json'));

    expect(world.messages).toHaveLength(2);
    expect(world.calls.putIfAbsent).toBe(0);
  });
});
