/**
 * Lookups (an object's head, tags or body, SSM parameters, a contact list) are reads that a
 * route needs before it can act. One 503 or connection reset on such a read used to fail the
 * whole route and send the event round again; here each read is retried briefly (throttling,
 * 5xx and network only) before its error reaches the route. Writes are left alone: actions have
 * their own retry policy, and markers their own bookkeeping.
 */
import { withRetry, type RetryPolicy } from '../../retry.ts';
import type { Clock, Ports } from '../types.ts';
import { classifyAwsError } from './classify.ts';

/** Short: the route's own retries and the queue's redelivery stand behind it. */
export const LOOKUP_RETRY: RetryPolicy = { retries: 3, delayMs: 100, maxDelayMs: 1_000, backoff: 2, jitter: 'full', on: ['throttling', '5xx', 'network'] };

export function retryingLookups(ports: Ports, policy: RetryPolicy = LOOKUP_RETRY): Ports {
  const read = <T>(fn: () => Promise<T>): Promise<T> => retried(fn, policy, ports.clock);
  const { storage, parameters, email } = ports;
  return {
    ...ports,
    storage: {
      ...storage,
      head: (ref, access) => read(() => storage.head(ref, access)),
      headWithChecksums: (ref, access) => read(() => storage.headWithChecksums(ref, access)),
      getTags: (ref, access) => read(() => storage.getTags(ref, access)),
      getBody: (ref, access) => read(() => storage.getBody(ref, access)),
      copy: (request) => storage.copy(request),
      put: (...args) => storage.put(...args),
      putIfAbsent: (...args) => storage.putIfAbsent(...args),
      getBodyAndETag: (ref, access) => read(() => storage.getBodyAndETag(ref, access)),
      putIfMatch: (...args) => storage.putIfMatch(...args),
      list: (...args) => read(() => storage.list(...args)),
    },
    parameters: { getParameters: (names) => read(() => parameters.getParameters(names)) },
    email: { listContacts: (contactList, topic, access) => read(() => email.listContacts(contactList, topic, access)), send: (message) => email.send(message) },
  };
}

async function retried<T>(fn: () => Promise<T>, policy: RetryPolicy, clock: Clock): Promise<T> {
  const outcome = await withRetry(fn, policy, { sleep: (ms) => clock.sleep(ms), classify: classifyAwsError });
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}
