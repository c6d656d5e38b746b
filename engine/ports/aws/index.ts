/** The AWS side of the ports: what the Lambda handler runs with. */
import type { Clock, Ports } from '../types.ts';
import type { AwsConfig } from './clients.ts';
import { AccessResolver } from './credentials.ts';
import { SsmParameters } from './parameters.ts';
import { S3Storage } from './s3-storage.ts';
import { SesEmail } from './ses-email.ts';
import { SnsNotifications } from './sns-notifications.ts';
import { SqsQueues } from './sqs-queue.ts';
import { reassumingPorts } from './reassume.ts';
import { retryingLookups } from './retrying-lookups.ts';

export type { AwsConfig } from './clients.ts';
export { AccessResolver } from './credentials.ts';
export { classifyAwsError, toActionError } from './classify.ts';

export const realClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function createAwsPorts(config: AwsConfig, access: AccessResolver = new AccessResolver(config)): Ports {
  const ports: Ports = {
    storage: new S3Storage(access),
    parameters: new SsmParameters(access),
    queues: new SqsQueues(access),
    email: new SesEmail(access),
    notifications: new SnsNotifications(access),
    clock: realClock,
  };
  return retryingLookups(reassumingPorts(ports, access));
}
