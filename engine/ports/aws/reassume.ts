/**
 * Every port call made with an assumed role goes through AccessResolver.retryExpired: credentials
 * that expire mid-batch are assumed again once. A wrapper, so the ports themselves stay plain.
 */
import type { EmailPort, Ports, QueuePort, StoragePort } from '../types.ts';
import type { AccessResolver } from './credentials.ts';

export function reassumingPorts(ports: Ports, resolver: AccessResolver): Ports {
  const { storage, queues, email } = ports;
  const reassumingStorage: StoragePort = {
    head: (ref, access) => resolver.retryExpired(access, () => storage.head(ref, access)),
    headWithChecksums: (ref, access) => resolver.retryExpired(access, () => storage.headWithChecksums(ref, access)),
    getTags: (ref, access) => resolver.retryExpired(access, () => storage.getTags(ref, access)),
    getBody: (ref, access) => resolver.retryExpired(access, () => storage.getBody(ref, access)),
    copy: (request) => resolver.retryExpired(request.destinationAccess ?? request.sourceAccess, () => storage.copy(request)),
    put: (bucket, key, body, contentType, access) => resolver.retryExpired(access, () => storage.put(bucket, key, body, contentType, access)),
    putIfAbsent: (bucket, key, body, access) => resolver.retryExpired(access, () => storage.putIfAbsent(bucket, key, body, access)),
    getBodyAndETag: (ref, access) => resolver.retryExpired(access, () => storage.getBodyAndETag(ref, access)),
    putIfMatch: (bucket, key, body, eTag, access) => resolver.retryExpired(access, () => storage.putIfMatch(bucket, key, body, eTag, access)),
    list: (...args: Parameters<StoragePort['list']>) => resolver.retryExpired(args[3], () => storage.list(...args)),
  };
  const reassumingQueues: QueuePort = { send: (message) => resolver.retryExpired(message.access, () => queues.send(message)) };
  const reassumingEmail: EmailPort = {
    listContacts: (contactList, topic, access) => resolver.retryExpired(access, () => email.listContacts(contactList, topic, access)),
    send: (message) => resolver.retryExpired(message.access, () => email.send(message)),
  };
  return { ...ports, storage: reassumingStorage, queues: reassumingQueues, email: reassumingEmail };
}
