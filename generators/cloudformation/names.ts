/**
 * Logical ids and physical names. Both are derived from route, bucket and queue names only,
 * so the same routes always give the same template (and a rename shows up as a rename).
 */
import { createHash } from 'node:crypto';

/** `change-notifications` → `ChangeNotifications`; CloudFormation logical ids are alphanumeric. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** A logical id for `kind` of `name`, e.g. `logicalId('my-bucket', 'EventsRule')` → `MyBucketEventsRule`. */
export function logicalId(name: string, kind: string): string {
  const id = `${pascal(name)}${kind}`;
  // Logical ids may not start with a digit in practice of readable templates; keep them valid either way.
  return /^[A-Za-z]/.test(id) ? id : `N${id}`;
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** `base` cut to `max` characters, with a hash of the whole so two long names stay distinct. */
export function fitName(base: string, max: number): string {
  if (base.length <= max) return base;
  const hash = shortHash(base);
  return `${base.slice(0, max - hash.length - 1)}-${hash}`;
}

export const FUNCTION_ID = 'RouterFunction';
export const ROLE_ID = 'RouterFunctionRole';
export const LOG_GROUP_ID = 'RouterFunctionLogGroup';
export const STATE_BUCKET_ID = 'StateBucket';
export const ALARMS_TOPIC_ID = 'AlarmsTopic';
export const ALARMS_KEY_ID = 'AlarmsTopicKey';
export const ASYNC_DLQ_ID = 'RouterFunctionAsyncDeadLetterQueue';

export function functionName(stackName: string): string {
  return fitName(`${stackName}-router`, 64);
}

/** Fixed, so that other accounts can name it in their bucket and key policies. */
export function roleName(stackName: string): string {
  return fitName(`${stackName}-router-role`, 64);
}

export function roleArn(partition: string, account: string, stackName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName(stackName)}`;
}

/** Queue names are at most 80 characters. */
export function queueName(stackName: string, bucket: string, suffix: string): string {
  return fitName(`${stackName}-${bucket}`, 80 - suffix.length - 1) + `-${suffix}`;
}
