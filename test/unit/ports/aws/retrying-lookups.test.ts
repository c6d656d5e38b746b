/** Lookups (head, tags, body, SSM, contact lists) are retried briefly on throttling, 5xx and network errors; writes and not-found are not. */
import { describe, expect, it } from 'vitest';
import { ActionError, type FailureClass } from '../../../../engine/errors.ts';
import { retryingLookups } from '../../../../engine/ports/aws/retrying-lookups.ts';
import type { Ports } from '../../../../engine/ports/types.ts';

/** Ports whose every call fails with the given classes in turn, then answers. */
function flaky(failures: FailureClass[]): { ports: Ports; calls: string[]; sleeps: number[] } {
  const calls: string[] = [];
  const sleeps: number[] = [];
  const queue = [...failures];
  const answer = async <T>(name: string, value: T): Promise<T> => {
    calls.push(name);
    const next = queue.shift();
    if (next) throw new ActionError(next === 'not-found' ? 'NoSuchKey' : 'ServiceUnavailable', `${name} failed`, next);
    return value;
  };
  const ports = {
    storage: {
      head: () => answer('head', { size: 1 }),
      getTags: () => answer('getTags', { a: '1' }),
      getBody: () => answer('getBody', Buffer.from('x')),
      copy: () => answer('copy', { method: 'copy' as const, bytes: 1 }),
      put: () => answer('put', undefined),
      putIfAbsent: () => answer('putIfAbsent', true),
      list: () => answer('list', { objects: [] }),
    },
    parameters: { getParameters: () => answer('getParameters', new Map([['/p', 'v']])) },
    queues: { send: () => answer('send', { messageId: 'm' }) },
    email: { listContacts: () => answer('listContacts', ['a@example.com']), send: () => answer('sendEmail', { messageId: 'e' }) },
    notifications: { publish: () => answer('publish', { messageId: 'n' }) },
    clock: { now: () => new Date(0), sleep: async (ms: number) => void sleeps.push(ms) },
  } as unknown as Ports;
  return { ports, calls, sleeps };
}

describe('retryingLookups', () => {
  it.each([
    ['tags', (p: Ports) => p.storage.getTags({ bucket: 'b', key: 'k' }), { a: '1' }],
    ['a body', (p: Ports) => p.storage.getBody({ bucket: 'b', key: 'k' }), Buffer.from('x')],
    ['SSM parameters', (p: Ports) => p.parameters.getParameters(['/p']), new Map([['/p', 'v']])],
    ['a contact list', (p: Ports) => p.email.listContacts('list', 'topic'), ['a@example.com']],
  ] as const)('%s: a 503 and a reset are retried, and the answer comes through', async (_name, call, expected) => {
    const { ports, calls, sleeps } = flaky(['5xx', 'network']);
    await expect(call(retryingLookups(ports))).resolves.toEqual(expected);
    expect(calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('gives up after three retries with the last error', async () => {
    const { ports, calls } = flaky(['5xx', '5xx', '5xx', '5xx', '5xx']);
    await expect(retryingLookups(ports).storage.head({ bucket: 'b', key: 'k' })).rejects.toMatchObject({ code: 'ServiceUnavailable', failureClass: '5xx' });
    expect(calls).toHaveLength(4);
  });

  it('does not retry a not-found (it is an answer) nor any write', async () => {
    const missing = flaky(['not-found']);
    await expect(retryingLookups(missing.ports).storage.getTags({ bucket: 'b', key: 'k' })).rejects.toMatchObject({ code: 'NoSuchKey' });
    expect(missing.calls).toEqual(['getTags']);

    const write = flaky(['5xx']);
    await expect(retryingLookups(write.ports).storage.put('b', 'k', 'x')).rejects.toMatchObject({ failureClass: '5xx' });
    await expect(retryingLookups(write.ports).queues.send({ queue: 'q', body: 'x' })).resolves.toEqual({ messageId: 'm' });
    expect(write.calls).toEqual(['put', 'send']);
  });
});
