/**
 * Near the Lambda timeout nothing new starts: a record or an action that would start inside the
 * time kept for reporting is returned failed, untouched, and says why; report writes stop retrying
 * at the deadline. Otherwise a timeout loses the partial-batch response and all 10 messages come back.
 */
import { describe, expect, it } from 'vitest';
import { NOT_ATTEMPTED, Pipeline } from '../../../engine/pipeline.ts';
import { memoryLog } from '../../../engine/report/log.ts';
import { compileRoutes, fakeWorld, s3Created, sqsBatch, type FakeWorld } from './fake-world.ts';

const RESERVE_MS = 5_000;

const routes = compileRoutes({
  'routes/slow.yaml': `
name: slow
source: { bucket: inbox, trigger: s3-notification }
concurrency: 1
notify:
  onFailure: { sns: copy-failures }
actions:
  - copy: { id: first, to: out-a, key: $key }
  - copy: { id: second, to: out-b, key: $key }
`,
});

/** The world's ports, except that every copy takes `ms` of the fake clock. */
function slowCopies(w: FakeWorld, ms: number): FakeWorld['ports'] {
  return { ...w.ports, storage: { ...w.ports.storage, copy: async (request) => { w.advance(ms); return w.ports.storage.copy(request); } } };
}

function deadlineIn(w: FakeWorld, ms: number): () => number {
  const deadline = w.now().getTime() + ms;
  return () => deadline - w.now().getTime();
}

const message = (id: string, key: string) => ({ messageId: id, body: JSON.stringify(s3Created('inbox', key)) });

describe('near the invocation deadline', () => {
  it('a record that would start inside the reserve is not attempted: it alone goes back in batchItemFailures, with a log line saying why', async () => {
    const w = fakeWorld();
    for (const key of ['a', 'b', 'c']) w.putObject('inbox', key, 'x');
    const log = memoryLog();
    // Each record copies twice at 1.5 s a copy: 10 s, 7 s, then 4 s left when the third would start.
    const pipeline = new Pipeline({ routes, ports: slowCopies(w, 1_500), log, eventConcurrency: 1, reportReserveMs: RESERVE_MS });

    const report = await pipeline.processInput(sqsBatch([message('m1', 'a'), message('m2', 'b'), message('m3', 'c')]), { remainingMs: deadlineIn(w, 10_000) });

    expect(report.batchItemFailures).toEqual([{ itemIdentifier: 'm3' }]);
    expect(report.records.map((r) => r.status)).toEqual(['processed', 'processed', 'failed']);
    expect(report.records[2]?.reason).toBe('not attempted: 4000 ms of the invocation left, under the 5000 ms kept to report and answer before the timeout; it is returned as failed, untouched, and the trigger delivers it again');
    expect(w.copies.map((c) => c.source.key)).toEqual(['a', 'a', 'b', 'b']);
    expect(log.lines.filter((l) => l.fields['code'] === NOT_ATTEMPTED).map((l) => [l.level, l.fields['recordId']])).toEqual([['warn', 'm3']]);
  });

  it("an action that would start inside the reserve is not attempted: it fails the event, so it is delivered again, and says why", async () => {
    const w = fakeWorld();
    w.putObject('inbox', 'a', 'x');
    const pipeline = new Pipeline({ routes, ports: slowCopies(w, 5_000), reportReserveMs: RESERVE_MS });

    const report = await pipeline.processInput(sqsBatch([message('m1', 'a')]), { remainingMs: deadlineIn(w, 9_000) });
    const results = report.records[0]?.events[0]?.routes[0]?.results;

    expect(report.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(results?.map((r) => [r.actionId, r.outcome, r.attempts, r.error?.code])).toEqual([
      ['first', 'succeeded', 1, undefined],
      ['second', 'failed', 0, NOT_ATTEMPTED],
    ]);
    expect(results?.[1]?.error).toMatchObject({ reason: 'deadline', message: expect.stringContaining('4000 ms of the invocation left') });
    expect(w.copies.map((c) => c.destination.bucket)).toEqual(['out-a']);
  });

  it('an action not attempted is neither recorded as a failure nor announced: the event comes back for it', async () => {
    const w = fakeWorld();
    w.putObject('inbox', 'a', 'x');
    const log = memoryLog();
    const pipeline = new Pipeline({ routes, ports: slowCopies(w, 5_000), reportReserveMs: RESERVE_MS, stateBucket: 'state', log });

    const report = await pipeline.processInput(sqsBatch([message('m1', 'a')]), { remainingMs: deadlineIn(w, 9_000) });

    expect(report.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(report.records[0]?.events[0]?.routes[0]?.failureRecords ?? []).toEqual([]);
    expect(w.published).toEqual([]);
    expect(log.lines.map((l) => l.message)).toContain('failure notification not sent: the only failures are actions not started for lack of time, and the event is delivered again for them');
  });

  it('under failWhen: all too, an action not attempted fails the event: it would be lost once the message is deleted', async () => {
    const w = fakeWorld();
    w.putObject('inbox', 'a', 'x');
    const [lenient] = compileRoutes({ 'routes/slow.yaml': `
name: slow
source: { bucket: inbox, trigger: s3-notification }
concurrency: 1
failWhen: all
actions:
  - copy: { id: first, to: out-a, key: $key }
  - copy: { id: second, to: out-b, key: $key }
` });
    const pipeline = new Pipeline({ routes: lenient ? [lenient] : [], ports: slowCopies(w, 5_000), reportReserveMs: RESERVE_MS });

    const report = await pipeline.processInput(sqsBatch([message('m1', 'a')]), { remainingMs: deadlineIn(w, 9_000) });

    expect(report.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(w.copies.map((c) => c.destination.bucket)).toEqual(['out-a']);
  });

  it('a report write is not retried past the deadline (the failure notification is tried once)', async () => {
    const w = fakeWorld();
    w.putObject('inbox', 'a', 'x');
    w.faults.push({ operation: 'copy', times: 1, code: 'AccessDenied', failureClass: 'access-denied' });
    w.faults.push({ operation: 'publish', times: 5, code: 'Throttling', failureClass: 'throttling' });
    const log = memoryLog();
    const pipeline = new Pipeline({ routes, ports: w.ports, log, reportReserveMs: 1_000 });

    await pipeline.processInput(s3Created('inbox', 'a'), { remainingMs: () => 1_500 });

    expect(w.calls.publish).toBe(1);
    expect(w.sleeps).toEqual([]);
    expect(log.lines.map((l) => l.message)).toContain('failure notification to copy-failures could not be written (not retried: the invocation is about to time out): injected Throttling on publish copy-failures');
  });

  it('without a deadline (dry-run, local runs) every record and action starts', async () => {
    const w = fakeWorld();
    w.putObject('inbox', 'a', 'x');
    const pipeline = new Pipeline({ routes, ports: slowCopies(w, 60_000), reportReserveMs: RESERVE_MS });

    const report = await pipeline.processInput(sqsBatch([message('m1', 'a')]));

    expect(report.batchItemFailures).toEqual([]);
    expect(w.copies).toHaveLength(2);
  });
});
