/**
 * Logical ids and physical names. Both are derived from route, bucket and queue names only,
 * so the same routes always give the same template (and a rename shows up as a rename).
 */
import { createHash } from 'node:crypto';
import { GeneratorError } from './errors.ts';

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
  return `${idStem(pascal(name))}${kind}`;
}

/** Logical ids must start with a letter: a stem that starts with a digit gets an `N`. */
function idStem(text: string): string {
  return text === '' || /^[A-Za-z]/.test(text) ? text : `N${text}`;
}

/**
 * The logical-id stem of every name of a set: `pascal(name)` where no other name of the set
 * shares it, so a name that never collided keeps the ids it was deployed with (a changed
 * logical id replaces the resource). Of names that share one (`acme-data`, `acme.data`), the
 * name the pascal form reads back to (`acme-data`), else the first in order, keeps it; the
 * others get a short hash of the name after it. `readable` is the part of a name the stem
 * shows (the queue name of an ARN); the hash is always of the whole name.
 */
export function uniqueIdStems(names: readonly string[], readable: (name: string) => string = (name) => name): Map<string, string> {
  const groups = new Map<string, string[]>();
  for (const name of [...new Set(names)].sort()) {
    const stem = idStem(pascal(readable(name)));
    groups.set(stem, [...(groups.get(stem) ?? []), name]);
  }
  const stems = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const [stem, group] of groups) {
    const kept = group.find((name) => readsBack(readable(name))) ?? group[0];
    for (const name of group) {
      const unique = name === kept ? stem : idStem(`${pascal(readable(name))}${shortHash(name)}`);
      const owner = owners.get(unique);
      if (owner !== undefined) throw new GeneratorError('DuplicateLogicalId', `${owner} and ${name} give the same logical id stem ${unique} even with a hash: rename one of them`);
      owners.set(unique, name);
      stems.set(name, unique);
    }
  }
  return stems;
}

/** `acme-data` → `AcmeData` → `acme-data`: the one spelling of a pascal form that keeps the plain stem. */
function readsBack(name: string): boolean {
  return pascal(name).replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase() === name;
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

/**
 * `base` as the physical name of a resource that allows fewer characters than `base` has: each
 * character `disallowed` matches becomes `-`, and a name that changed ends in a hash of `base`
 * (so `acme.data` and `acme-data` stay two names). A name that needed no cleaning is fitName's.
 */
export function cleanName(base: string, max: number, disallowed: RegExp): string {
  const cleaned = base.replace(disallowed, '-');
  if (cleaned === base) return fitName(base, max);
  const hash = shortHash(base);
  return `${cleaned.slice(0, max - hash.length - 1)}-${hash}`;
}

/** SQS queue names: letters, digits, `-` and `_`, at most 80 characters. */
const SQS_NAME_DISALLOWED = /[^A-Za-z0-9_-]/g;
const SQS_NAME_MAX = 80;

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

/** `<stack>-<bucket>-<suffix>` as SQS allows it: a bucket's dots become `-`, with a hash (see cleanName). */
export function queueName(stackName: string, bucket: string, suffix: string): string {
  return `${cleanName(`${stackName}-${bucket}`, SQS_NAME_MAX - suffix.length - 1, SQS_NAME_DISALLOWED)}-${suffix}`;
}
