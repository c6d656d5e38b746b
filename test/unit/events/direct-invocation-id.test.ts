/** A direct invocation's event id: Lambda's retries of one asynchronous invocation are one event; two invocations are two. */
import { describe, expect, it } from 'vitest';
import { normaliseInput } from '../../../engine/events/normalise.ts';

const input = { sourceBucket: 'global-builds', sourceKey: 'builds/app-1.4.2.zip' };
const idOf = (at: string, requestId?: string): string | undefined => {
  const record = normaliseInput(input, () => new Date(at), {}, requestId).records[0];
  return record?.status === 'events' ? record.events[0]?.id : undefined;
};

describe('direct invocation event ids', () => {
  it("Lambda's retry of an asynchronous invocation (same request id, minutes later) is the same event", () => {
    expect(idOf('2026-12-01T10:00:00.000Z', 'req-1')).toBe(idOf('2026-12-01T10:03:00.000Z', 'req-1'));
  });

  it('two invocations of the same copy are two events, by request id or, without one, by time', () => {
    expect(idOf('2026-12-01T10:00:00.000Z', 'req-1')).not.toBe(idOf('2026-12-01T10:00:00.000Z', 'req-2'));
    expect(idOf('2026-12-01T10:00:00.000Z')).not.toBe(idOf('2026-12-01T10:00:01.000Z'));
  });
});
