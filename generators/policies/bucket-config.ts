/**
 * The source bucket owner's configuration: where the bucket sends its events (the stack's
 * notification queue, or EventBridge) and its lifecycle rules. The stack does not own source
 * buckets, so these are files to apply with `aws s3api put-bucket-…`.
 */
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { eventBridgeSources, notificationSources } from '../cloudformation/sources.ts';
import { stackOf } from './principals.ts';
import type { PolicyFile, SnippetContext } from './types.ts';

export function bucketNotificationConfigs(routes: CompiledRoute[], context: SnippetContext): PolicyFile[] {
  const configs = new Map<string, Record<string, unknown>>();
  const byStack = new Map<string, CompiledRoute[]>();
  for (const route of routes) {
    const stack = stackOf(context, route.name);
    byStack.set(stack, [...(byStack.get(stack) ?? []), route]);
  }
  const sources = [...byStack.entries()].flatMap(([stack, group]) => notificationSources(stack, group));
  for (const source of sources) {
    const rules = [
      ...(source.prefix !== undefined ? [{ Name: 'prefix', Value: source.prefix }] : []),
      ...(source.suffix !== undefined ? [{ Name: 'suffix', Value: source.suffix }] : []),
    ];
    configs.set(source.bucket, {
      QueueConfigurations: [
        {
          Id: `${context.stackName}-router`,
          QueueArn: `arn:${context.partition}:sqs:${context.region}:${context.deployAccount}:${source.queueName}`,
          Events: source.events,
          ...(rules.length > 0 ? { Filter: { Key: { FilterRules: rules } } } : {}),
        },
      ],
    });
  }
  for (const source of eventBridgeSources(routes)) {
    configs.set(source.bucket, { ...(configs.get(source.bucket) ?? {}), EventBridgeConfiguration: {} });
  }
  return [...configs.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([bucket, document]) => ({
      path: `bucket-config/${bucket}.notification.json`,
      description: `Switchyard's event notifications of source bucket ${bucket} (applied beside the bucket's other targets, which stay)`,
      apply: `switchyard notifications apply --bucket ${bucket} --stack ${context.stackName}`,
      document,
    }));
}

export function bucketLifecycleConfigs(routes: CompiledRoute[]): PolicyFile[] {
  const rules = new Map<string, Map<string, { ID: string; Status: 'Enabled'; Filter: { Prefix: string }; Expiration: { Days: number } }>>();
  for (const route of routes) {
    const { bucket, lifecycle = [] } = route.definition.source;
    for (const rule of lifecycle) {
      const slug = rule.prefix.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
      const id = `switchyard-expire-${slug || 'all'}-${rule.expireAfterDays}d`;
      const forBucket = rules.get(bucket) ?? new Map();
      forBucket.set(id, { ID: id, Status: 'Enabled', Filter: { Prefix: rule.prefix }, Expiration: { Days: rule.expireAfterDays } });
      rules.set(bucket, forBucket);
    }
  }
  return [...rules.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([bucket, forBucket]) => ({
      path: `bucket-config/${bucket}.lifecycle.json`,
      description: `Lifecycle rules of source bucket ${bucket} (replaces the bucket's whole lifecycle configuration: merge with what is there)`,
      apply: `aws s3api put-bucket-lifecycle-configuration --bucket ${bucket} --lifecycle-configuration file://bucket-config/${bucket}.lifecycle.json`,
      document: { Rules: [...forBucket.values()].sort((a, b) => a.ID.localeCompare(b.ID)) },
    }));
}
