/**
 * An email goes to each recipient on its own; a redelivery must mail only the recipients an earlier
 * delivery did not reach (reviewer: contact list [r1, r2, r3], SES rejects r3, the redelivery sent
 * r1, r2, r1, r2, r3). The marker lists the recipients delivered, written as the list is worked through,
 * as digests: the addresses themselves never reach the state bucket.
 */
import { describe, expect, it } from 'vitest';
import { claim, recipientDigest, type MarkerStore } from '../../../engine/actions/idempotency.ts';
import { Pipeline, type InputReport } from '../../../engine/pipeline.ts';
import type { EmailMessage } from '../../../engine/ports/types.ts';
import { compileRoutes, fakeWorld, s3Created, sqsBatch, type FakeWorld } from './fake-world.ts';

const STATE = 'state';
const RECIPIENTS = ['r1@example.com', 'r2@example.com', 'r3@example.com'];

const routes = compileRoutes({
  'routes/announce.yaml': `
name: announce
source: { bucket: changes, trigger: s3-notification }
actions:
  - email: { id: mail, from: changes@example.com, contactList: customers, topic: announce, subject: "Change {{key}}" }
`,
});

function world(): FakeWorld {
  const w = fakeWorld();
  w.putObject('changes', 'c-1.json', '{}');
  w.contacts.set('customers', { announce: [...RECIPIENTS] });
  return w;
}

/** The same SQS message each time; from the second delivery on, ApproximateReceiveCount says so. */
const delivery = sqsBatch([{ messageId: 'm1', body: JSON.stringify(s3Created('changes', 'c-1.json')) }]);

const mailedTo = (w: FakeWorld): string[] => w.emails.flatMap((e) => e.to);
const mailResult = (report: InputReport) => report.records[0]?.events[0]?.routes[0]?.results[0];

function markerKeyOf(w: FakeWorld): string {
  return [...w.objects.keys()].find((k) => k.startsWith(`${STATE}/markers/announce/mail/`)) ?? '';
}

function markerOf(w: FakeWorld): Record<string, unknown> {
  return JSON.parse(w.objects.get(markerKeyOf(w))?.body.toString() ?? '{}') as Record<string, unknown>;
}

/** What the marker keeps of these recipients. */
function digests(w: FakeWorld, addresses: readonly string[]): string[] {
  const key = markerKeyOf(w).slice(`${STATE}/`.length);
  return addresses.map((address) => recipientDigest(key, address));
}

describe('a redelivered email mails only the recipients an earlier delivery did not reach', () => {
  it('SES rejects r3: the redelivery mails r3 alone (sent: r1, r2, r3), and the marker ends sent with all three', async () => {
    const w = world();
    w.faults.push({ operation: 'email', target: (to) => to === 'r3@example.com', times: 1, code: 'MessageRejected', failureClass: 'validation' });
    const pipeline = new Pipeline({ routes, ports: w.ports, stateBucket: STATE });

    const first = await pipeline.processInput(delivery);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(markerOf(w)).toMatchObject({ status: 'failed', delivered: digests(w, ['r1@example.com', 'r2@example.com']) });

    const second = await pipeline.processInput(delivery);

    expect(mailedTo(w)).toEqual(RECIPIENTS);
    expect(second.batchItemFailures).toEqual([]);
    expect(mailResult(second)).toMatchObject({ outcome: 'succeeded', detail: 'sent to 1 of 3 recipients; 2 mailed by an earlier delivery of this event were not mailed again' });
    expect(markerOf(w)).toMatchObject({ status: 'sent', delivered: digests(w, RECIPIENTS) });
    expect(w.objects.get(markerKeyOf(w))?.body.toString()).not.toContain('@');
  });

  it('a third delivery after that is a duplicate and mails nobody', async () => {
    const w = world();
    w.faults.push({ operation: 'email', target: (to) => to === 'r3@example.com', times: 1, code: 'MessageRejected', failureClass: 'validation' });
    const pipeline = new Pipeline({ routes, ports: w.ports, stateBucket: STATE });

    await pipeline.processInput(delivery);
    await pipeline.processInput(delivery);
    const third = await pipeline.processInput(delivery);

    expect(mailResult(third)).toMatchObject({ outcome: 'duplicate' });
    expect(mailedTo(w)).toEqual(RECIPIENTS);
  });

  it('an invocation that dies after mailing r1 (a timeout mid-list): once its lease ends, another container mails r2 and r3 only, in doubt', async () => {
    const w = world();
    const hanging = hangOn(w, 'r2@example.com');
    const dying = new Pipeline({ routes, ports: hanging, stateBucket: STATE });
    void dying.processInput(delivery, { remainingMs: () => 30_000 });
    await waitUntil(() => w.emails.length === 1);

    // Another container, while the first one's lease (its time left + margin) still runs: it backs off.
    const other = new Pipeline({ routes, ports: w.ports, stateBucket: STATE });
    const tooSoon = await other.processInput(delivery, { remainingMs: () => 30_000 });
    expect(mailResult(tooSoon)).toMatchObject({ outcome: 'failed', error: { code: 'SendInProgress' } });

    w.advance(41_000);
    const after = await other.processInput(delivery, { remainingMs: () => 30_000 });

    expect(mailedTo(w)).toEqual(RECIPIENTS);
    expect(mailResult(after)).toMatchObject({ outcome: 'succeeded', warning: { code: 'SendInDoubt', message: expect.stringContaining('1 recipient(s) it recorded as sent to are not sent to again') } });
  });

  it('a single recipient costs no marker write beyond the claim and the settle', async () => {
    const w = world();
    w.contacts.set('customers', { announce: ['only@example.com'] });
    const pipeline = new Pipeline({ routes, ports: w.ports, stateBucket: STATE });

    await pipeline.processInput(delivery);

    expect(w.calls.putIfAbsent + w.calls.put).toBe(2);
  });

  it('a recipient list whose progress cannot be recorded still sends once and settles the whole list, with a warning', async () => {
    const w = world();
    w.faults.push({ operation: 'put', key: (key) => key.startsWith('markers/'), times: 1, code: 'SlowDown', failureClass: 'throttling' });
    const pipeline = new Pipeline({ routes, ports: w.ports, stateBucket: STATE });

    const report = await pipeline.processInput(delivery);

    expect(mailedTo(w)).toEqual(RECIPIENTS);
    expect(mailResult(report)).toMatchObject({ outcome: 'succeeded', warning: { code: 'ProgressNotRecorded' } });
    expect(markerOf(w)).toMatchObject({ status: 'sent', delivered: digests(w, RECIPIENTS) });
  });
});

describe('claim carries the delivered recipients over', () => {
  const store = (w: FakeWorld): MarkerStore => ({ storage: w.ports.storage, bucket: STATE, now: () => w.now(), staleAfterMs: 15 * 60 * 1000 });

  const r1 = recipientDigest('markers/m.json', 'r1@example.com');
  const r2 = recipientDigest('markers/m.json', 'r2@example.com');

  it("taking over a 'failed' marker returns its recipients and writes them into the new 'sending' marker", async () => {
    const w = fakeWorld();
    w.putObject(STATE, 'markers/m.json', JSON.stringify({ status: 'failed', at: w.now().toISOString(), delivered: [r1] }));

    const claimed = await claim(store(w), 'markers/m.json', { token: 'mine', leaseMs: 60_000 });

    expect(claimed).toEqual({ claimed: true, delivered: [r1] });
    expect(JSON.parse(w.object(STATE, 'markers/m.json')?.body.toString() ?? '{}')).toMatchObject({ status: 'sending', claim: 'mine', delivered: [r1] });
  });

  it('a marker written before digests (plain addresses) is read as digests, so its recipients are still skipped', async () => {
    const w = fakeWorld();
    w.putObject(STATE, 'markers/m.json', JSON.stringify({ status: 'failed', at: w.now().toISOString(), delivered: ['r1@example.com'] }));

    const claimed = await claim(store(w), 'markers/m.json', { token: 'mine', leaseMs: 60_000 });

    expect(claimed).toEqual({ claimed: true, delivered: [r1] });
    expect(w.object(STATE, 'markers/m.json')?.body.toString()).not.toContain('@');
  });

  it('recipients this container remembers (its settle failed) are added to those the marker lists', async () => {
    const w = fakeWorld();
    w.putObject(STATE, 'markers/m.json', JSON.stringify({ status: 'sending', at: w.now().toISOString(), claim: 'mine-before', delivered: [r1] }));

    const claimed = await claim(store(w), 'markers/m.json', { token: 'mine', leaseMs: 60_000, unsentClaim: 'mine-before', knownDelivered: [r2] });

    expect(claimed).toEqual({ claimed: true, delivered: [r1, r2] });
  });

  it('one address has a different digest in every marker (not followable across markers)', () => {
    expect(recipientDigest('markers/a.json', 'r1@example.com')).not.toBe(recipientDigest('markers/b.json', 'r1@example.com'));
  });
});

/** The world's ports, except that mailing `recipient` never returns: the invocation hangs there until Lambda kills it. */
function hangOn(w: FakeWorld, recipient: string): FakeWorld['ports'] {
  const send = (message: EmailMessage) => (message.to.includes(recipient) ? new Promise<never>(() => undefined) : w.ports.email.send(message));
  return { ...w.ports, email: { ...w.ports.email, send } };
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(condition()).toBe(true);
}

describe('progressWriter: marker writes behind the sends', () => {
  it('keeps one write in flight and coalesces what was noted meanwhile; done waits for the last', async () => {
    const { progressWriter } = await import('../../../engine/actions/execute.ts');
    const written: number[] = [];
    let noted = 0;
    let release: (() => void) | undefined;
    const writer = progressWriter(async () => {
      written.push(noted);
      await new Promise<void>((resolve) => (release = resolve));
    });

    for (noted = 1; noted <= 5; noted++) writer.note();
    noted = 5;
    expect(written).toEqual([1]);
    release?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(written).toEqual([1, 5]);
    const done = writer.done();
    release?.();
    await done;
    expect(written).toEqual([1, 5]);
  });
});
