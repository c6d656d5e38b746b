/**
 * A source bucket has one notification configuration, shared by every tool that wants its events;
 * PutBucketNotificationConfiguration replaces it whole. Switchyard therefore replaces only its own
 * entries (by Id), keeps every other target, and refuses where S3 would: two queue/topic/function
 * entries of overlapping event types whose prefix and suffix filters overlap.
 *
 * An entry is Switchyard's by its Id (`<stack>-router` of the deployment's stacks, see isSwitchyardEntry), not only
 * when the routes still want it: a bucket whose routes moved to EventBridge, or went, must lose
 * the entry that sends to the old intake queue, or events are delivered twice and, once that
 * queue is deleted, S3 refuses every later PutBucketNotificationConfiguration.
 */
import { DeployError } from '../errors.ts';

export interface FilterRule {
  Name?: string;
  Value?: string;
}

/** One queue, topic or function entry, in the S3 API's shape (only what the merge reads is typed). */
export interface NotificationEntry {
  Id?: string;
  Events?: string[];
  Filter?: { Key?: { FilterRules?: FilterRule[] } };
  [target: string]: unknown;
}

export interface NotificationConfiguration {
  QueueConfigurations?: NotificationEntry[];
  TopicConfigurations?: NotificationEntry[];
  LambdaFunctionConfigurations?: NotificationEntry[];
  EventBridgeConfiguration?: Record<string, never>;
}

const LISTS = ['QueueConfigurations', 'TopicConfigurations', 'LambdaFunctionConfigurations'] as const;

export interface MergeResult {
  configuration: NotificationConfiguration;
  /** Ids of Switchyard's entries that were replaced (there before) or added (new). */
  replaced: string[];
  added: string[];
  /** Switchyard's entries no route wants any more, taken out. */
  removed: string[];
  /** Entries of other tools, kept as they were. */
  kept: string[];
  /** Whether EventBridge delivery was switched on by this merge. */
  eventBridgeAdded: boolean;
}

/**
 * The Ids Switchyard gives its entries: `<stack>-router` (generators/policies/bucket-config.ts)
 * for the deployment's stacks, `<deployment>-core`, `<deployment>-shard-<bits>`, and the single
 * stack `<deployment>` of earlier layouts. Nothing else is Switchyard's: not another tool's entry
 * that starts with the deployment's name (`switchyard-audit`), nor another deployment's
 * (`switchyard-eu-router` when applying `switchyard`).
 */
export function isSwitchyardEntry(id: string | undefined, deployment: string): boolean {
  if (id === undefined || !id.startsWith(deployment)) return false;
  return /^(-core|-shard-[01]+)?-router$/.test(id.slice(deployment.length));
}

export function mergeNotifications(bucket: string, current: NotificationConfiguration, desired: NotificationConfiguration, deployment: string): MergeResult {
  const ours = new Set(LISTS.flatMap((list) => (desired[list] ?? []).map((e) => e.Id ?? '')));
  const configuration: NotificationConfiguration = {};
  const kept: string[] = [];
  const replaced: string[] = [];
  const removed: string[] = [];
  for (const list of LISTS) {
    const theirs = (current[list] ?? []).filter((e) => {
      if (ours.has(e.Id ?? '')) {
        replaced.push(e.Id ?? '');
        return false;
      }
      if (isSwitchyardEntry(e.Id, deployment)) {
        removed.push(e.Id ?? '');
        return false;
      }
      kept.push(e.Id ?? '(no id)');
      return true;
    });
    const merged = [...theirs, ...(desired[list] ?? [])];
    if (merged.length > 0) configuration[list] = merged;
  }
  if (current.EventBridgeConfiguration !== undefined || desired.EventBridgeConfiguration !== undefined) configuration.EventBridgeConfiguration = {};
  refuseOverlaps(bucket, configuration, ours);
  return {
    configuration,
    replaced,
    added: [...ours].filter((id) => !replaced.includes(id)),
    removed,
    kept,
    eventBridgeAdded: current.EventBridgeConfiguration === undefined && desired.EventBridgeConfiguration !== undefined,
  };
}

function refuseOverlaps(bucket: string, configuration: NotificationConfiguration, ours: Set<string>): void {
  const all = LISTS.flatMap((list) => configuration[list] ?? []);
  for (const mine of all.filter((e) => ours.has(e.Id ?? ''))) {
    for (const other of all.filter((e) => !ours.has(e.Id ?? ''))) {
      const events = (mine.Events ?? []).filter((a) => (other.Events ?? []).some((b) => eventsOverlap(a, b)));
      if (events.length === 0 || !filtersOverlap(mine, other)) continue;
      throw new DeployError(
        'NotificationOverlap',
        `bucket ${bucket}: Switchyard's entry ${mine.Id ?? ''} (${describe(mine)}) overlaps entry ${other.Id ?? '(no id)'} (${describe(other)}) for ${events.join(', ')}, which S3 refuses. ` +
          'Give one of them a prefix or suffix the other does not cover (the route\'s source.prefix/suffix, or the other tool\'s filter), or move the routes of this bucket to trigger: eventbridge',
      );
    }
  }
}

/** `s3:ObjectCreated:*` covers `s3:ObjectCreated:Put`, and the same type overlaps itself. */
function eventsOverlap(a: string, b: string): boolean {
  const covers = (wide: string, narrow: string): boolean => wide === narrow || (wide.endsWith(':*') && narrow.startsWith(wide.slice(0, -1)));
  return covers(a, b) || covers(b, a);
}

function rule(entry: NotificationEntry, name: 'prefix' | 'suffix'): string {
  return entry.Filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === name)?.Value ?? '';
}

/** S3's rule: filters overlap when neither prefix tells them apart and neither suffix does. */
function filtersOverlap(a: NotificationEntry, b: NotificationEntry): boolean {
  const [pa, pb, sa, sb] = [rule(a, 'prefix'), rule(b, 'prefix'), rule(a, 'suffix'), rule(b, 'suffix')];
  const prefixes = pa.startsWith(pb) || pb.startsWith(pa);
  const suffixes = sa.endsWith(sb) || sb.endsWith(sa);
  return prefixes && suffixes;
}

function describe(entry: NotificationEntry): string {
  const prefix = rule(entry, 'prefix');
  const suffix = rule(entry, 'suffix');
  return prefix || suffix ? `prefix '${prefix}', suffix '${suffix}'` : 'every key';
}
