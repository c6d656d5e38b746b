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
 * The logical-id stem of every name of a set (a stack's notification buckets, or the queues its
 * routes read): the stem `deployed` gives the name, for a name the stack's deployed template
 * already has; else `pascal(name)` where no other name of the set holds or shares it, so a name
 * that never collided keeps the ids it was deployed with. Of new names that share one
 * (`acme-data`, `acme.data`), the name the pascal form reads back to (`acme-data`), else the
 * first in code-point order, takes it if it is free; the others get a short hash of the name
 * after it. `readable` is the part of a name the stem shows (the queue name of an ARN); the
 * hash is always of the whole name.
 *
 * Why `deployed` matters: a logical id that moves to another name makes CloudFormation create
 * that name's resources again under their unchanged physical names, which the deployed ones
 * still hold, and the update fails. Given the deployed stems, a name keeps its stem whatever is
 * added or removed. Without them the choice is the set's alone, and adding a name changes the
 * stem of at most one other: the one that held the plain stem the added name takes (the same
 * plain stem, and the added name reads back from it while that one does not, or both or neither
 * do and the added name sorts first). No rule of the set alone can do better while every name
 * that collides with nothing keeps its plain stem (docs/sharding.md, "Logical ids").
 */
export function uniqueIdStems(
  names: readonly string[],
  readable: (name: string) => string = (name) => name,
  deployed: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const sorted = [...new Set(names)].sort();
  const stems = new Map<string, string>();
  const owners = new Map<string, string>();
  const claim = (name: string, stem: string): void => {
    const owner = owners.get(stem);
    if (owner !== undefined) throw new GeneratorError('DuplicateLogicalId', `${owner} and ${name} give the same logical id stem ${stem} even with a hash: rename one of them`);
    owners.set(stem, name);
    stems.set(name, stem);
  };
  for (const name of sorted) {
    const stem = deployed.get(name);
    if (stem !== undefined && !owners.has(stem)) claim(name, stem);
  }
  const groups = new Map<string, string[]>();
  for (const name of sorted) {
    if (stems.has(name)) continue;
    const stem = idStem(pascal(readable(name)));
    groups.set(stem, [...(groups.get(stem) ?? []), name]);
  }
  for (const [stem, group] of groups) {
    const kept = owners.has(stem) ? undefined : (group.find((name) => readsBack(readable(name))) ?? group[0]);
    for (const name of group) claim(name, name === kept ? stem : idStem(`${pascal(readable(name))}${shortHash(name)}`));
  }
  return stems;
}

/** `acme-data` → `AcmeData` → `acme-data`: the one spelling of a pascal form that keeps the plain stem. */
function readsBack(name: string): boolean {
  return pascal(name).replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase() === name;
}

export function shortHash(text: string): string {
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
