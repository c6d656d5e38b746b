/**
 * Source buckets grouped by trigger: one EventBridge rule set and one notification queue per
 * bucket however many routes read it (AWS limits: 300 rules per bus; one S3 notification filter
 * per event type), with the widest filter that still covers every route on it. The runtime
 * matches each route again, so a wider trigger is never wrong, only busier.
 */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import type { DeployedIdStems } from './deployed-ids.ts';
import { fitName, queueName, uniqueIdStems } from './names.ts';
import type { PatternDetail } from './types.ts';

/** One `key` condition of an EventBridge pattern. */
export type KeyFilter = { prefix: string } | { suffix: string };

export interface EventBridgeSource {
  bucket: string;
  /** Undefined: every key of the bucket. */
  keyFilters?: KeyFilter[];
  detailTypes: string[];
  routes: string[];
}

export interface NotificationSource {
  bucket: string;
  account?: string;
  prefix?: string;
  suffix?: string;
  /** S3 event names, e.g. `s3:ObjectCreated:*`. */
  events: string[];
  /** What the logical ids of the bucket's queues, policy, mapping and outputs start with (names.ts uniqueIdStems). */
  idStem: string;
  queueId: string;
  queueName: string;
  deadLetterQueueId: string;
  deadLetterQueueName: string;
  routes: string[];
}

export interface QueueSource {
  queueArn: string;
  /** What the logical id of the queue's mapping starts with: its name's, unique among the stack's queues. */
  idStem: string;
  routes: string[];
}

const DETAIL_TYPES = { created: 'Object Created', deleted: 'Object Deleted' } as const;
const S3_EVENTS = { created: 's3:ObjectCreated:*', deleted: 's3:ObjectRemoved:*' } as const;

function eventsOf(route: CompiledRoute): Array<'created' | 'deleted'> {
  return route.definition.source.events ?? ['created'];
}

function byBucket(routes: CompiledRoute[], trigger: string): Map<string, CompiledRoute[]> {
  const groups = new Map<string, CompiledRoute[]>();
  for (const route of routes) {
    if (route.definition.source.trigger !== trigger) continue;
    const bucket = route.definition.source.bucket;
    groups.set(bucket, [...(groups.get(bucket) ?? []), route]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * A route's key filters for an EventBridge pattern (any one matches): its source prefix, else
 * its source suffix; without either, its `match` prefixes, else its `match` suffixes (pushed
 * down so objects no route wants never invoke the function). EventBridge has no "prefix and
 * suffix" on one field short of wildcard patterns (30 per bus), so with both the prefixes are
 * used alone, and suffixes compared ignoring case stay in the runtime. The filter is never
 * narrower than the route: the runtime matches every route again.
 */
export function keyFiltersOf(route: CompiledRoute): KeyFilter[] | undefined {
  const { prefix, suffix } = route.definition.source;
  if (prefix !== undefined && prefix !== '') return [{ prefix }];
  if (suffix !== undefined && suffix !== '') return [{ suffix }];
  const { prefixes, suffixes, ignoreCase } = route.structural;
  if (prefixes.length > 0 && !prefixes.includes('')) return prefixes.map((p) => ({ prefix: p }));
  if (suffixes.length > 0 && !suffixes.includes('') && !ignoreCase) return suffixes.map((x) => ({ suffix: x }));
  return undefined;
}

/** A route's S3 notification filter: one prefix and one suffix, from the source, else the longest its `match` allows. */
function notificationFilterOf(route: CompiledRoute): { prefix: string; suffix: string } {
  const { prefix, suffix } = route.definition.source;
  const { prefixes, suffixes, ignoreCase } = route.structural;
  return {
    prefix: prefix ?? (prefixes.length > 0 ? commonPrefix(prefixes) : ''),
    suffix: suffix ?? (suffixes.length > 0 && !ignoreCase ? commonSuffix(suffixes) : ''),
  };
}

export function eventBridgeSources(routes: CompiledRoute[]): EventBridgeSource[] {
  return [...byBucket(routes, 'eventbridge').entries()].map(([bucket, group]) => {
    const filters = group.map(keyFiltersOf);
    const keyFilters = filters.some((f) => f === undefined) ? undefined : uniqueFilters(filters.flat() as KeyFilter[]);
    const detailTypes = [...new Set(group.flatMap(eventsOf).map((e) => DETAIL_TYPES[e]))].sort();
    return { bucket, ...(keyFilters !== undefined ? { keyFilters } : {}), detailTypes, routes: group.map((r) => r.name) };
  });
}

/** What a bucket's intake queue's logical id ends with: `<stem>NotificationQueue`. */
export const INTAKE_QUEUE_KIND = 'NotificationQueue';
/** What the logical id of the mapping of a queue a route reads ends with: `<stem>QueueMapping`. */
export const QUEUE_MAPPING_KIND = 'QueueMapping';

/**
 * The logical-id stem of each S3-notification bucket of a stack (its intake queue, dead-letter
 * queue, queue policy, mapping and outputs start with it), keeping the stem each already has in
 * the stack's deployed template (see names.ts uniqueIdStems).
 */
function notificationIdStems(stackName: string, buckets: readonly string[], deployed?: DeployedIdStems): Map<string, string> {
  const kept = new Map<string, string>();
  for (const bucket of buckets) {
    const stem = deployed?.intakeQueues.get(queueName(stackName, bucket, 'events'));
    if (stem !== undefined) kept.set(bucket, stem);
  }
  return uniqueIdStems(buckets, undefined, kept);
}

export function notificationSources(stackName: string, routes: CompiledRoute[], deployed?: DeployedIdStems): NotificationSource[] {
  const buckets = byBucket(routes, 's3-notification');
  const stems = notificationIdStems(stackName, [...buckets.keys()], deployed);
  return [...buckets.entries()].map(([bucket, group]) => {
    const filters = group.map(notificationFilterOf);
    const prefix = commonPrefix(filters.map((f) => f.prefix));
    const suffix = commonSuffix(filters.map((f) => f.suffix));
    const account = group.find((r) => r.definition.source.account !== undefined)?.definition.source.account;
    const idStem = stems.get(bucket) ?? '';
    return {
      bucket,
      ...(account !== undefined ? { account } : {}),
      ...(prefix !== '' ? { prefix } : {}),
      ...(suffix !== '' ? { suffix } : {}),
      events: [...new Set(group.flatMap(eventsOf).map((e) => S3_EVENTS[e]))].sort(),
      idStem,
      queueId: `${idStem}${INTAKE_QUEUE_KIND}`,
      queueName: queueName(stackName, bucket, 'events'),
      deadLetterQueueId: `${idStem}NotificationDeadLetterQueue`,
      deadLetterQueueName: queueName(stackName, bucket, 'events-dlq'),
      routes: group.map((r) => r.name),
    };
  });
}

export function queueSources(routes: CompiledRoute[], deployed?: DeployedIdStems): QueueSource[] {
  const groups = new Map<string, string[]>();
  for (const route of routes) {
    const arn = route.definition.source.trigger === 'sqs' ? route.definition.source.queueArn : undefined;
    if (arn !== undefined) groups.set(arn, [...(groups.get(arn) ?? []), route.name]);
  }
  const stems = uniqueIdStems([...groups.keys()], (arn) => fitName(arn.split(':').pop() ?? arn, 200), deployed?.sourceQueues);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([queueArn, names]) => ({ queueArn, idStem: stems.get(queueArn) ?? '', routes: names }));
}

/**
 * A bucket's key filters at a coarser detail (never narrower): `shared-prefix` keeps the
 * longest prefix all its prefix filters share (none if a suffix filter or an empty prefix is
 * among them), `buckets` keeps none.
 */
export function coarsened(source: EventBridgeSource, detail: PatternDetail): EventBridgeSource {
  const { keyFilters, ...rest } = source;
  if (detail === 'keys') return source;
  if (detail === 'buckets' || keyFilters === undefined || keyFilters.some((f) => !('prefix' in f))) return rest;
  const shared = commonPrefix(keyFilters.map((f) => ('prefix' in f ? f.prefix : '')));
  return shared === '' ? rest : { ...rest, keyFilters: [{ prefix: shared }] };
}

function uniqueFilters(filters: KeyFilter[]): KeyFilter[] {
  const seen = new Map<string, KeyFilter>();
  for (const f of filters) seen.set(JSON.stringify(f), f);
  // A prefix covered by a shorter one adds nothing.
  const all = [...seen.values()];
  return all
    .filter((f) => !('prefix' in f) || !all.some((g) => 'prefix' in g && g.prefix !== f.prefix && f.prefix.startsWith(g.prefix)))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function commonPrefix(values: string[]): string {
  return values.reduce((common, v) => {
    let i = 0;
    while (i < common.length && i < v.length && common[i] === v[i]) i++;
    return common.slice(0, i);
  }, values[0] ?? '');
}

function commonSuffix(values: string[]): string {
  const reversed = values.map((v) => [...v].reverse().join(''));
  return [...commonPrefix(reversed)].reverse().join('');
}
