/**
 * `switchyard notifications apply --bucket B`: writes Switchyard's entries into a source bucket's
 * notification configuration (the intake queue of the stack that holds the bucket's routes, or
 * EventBridge delivery) and keeps every other target the bucket already has.
 */
import { GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { generateDeployment } from '../../generators/deployment.ts';
import { generatePolicyFiles } from '../../generators/policies/index.ts';
import { stackOfRoute } from '../../generators/write.ts';
import { DeployError } from '../errors.ts';
import { mergeNotifications, type MergeResult, type NotificationConfiguration } from './merge.ts';

export interface ApplyNotificationsOptions {
  bucket: string;
  deployment: string;
  region: string;
  /** The account the stacks run in; asked of STS when absent. */
  account?: string;
  dryRun: boolean;
}

export interface ApplyNotificationsResult extends MergeResult {
  before: NotificationConfiguration;
  applied: boolean;
}

/** Switchyard's entries for one bucket, exactly as `generate` writes them to bucket-config/. */
export function desiredNotifications(routes: CompiledRoute[], bucket: string, options: { deployment: string; region: string; account: string }): NotificationConfiguration {
  const generate = { stackName: options.deployment, region: options.region, deployAccount: options.account };
  const file = generatePolicyFiles(routes, generate, stackOfRoute(generateDeployment(routes, generate))).find((f) => f.path === `bucket-config/${bucket}.notification.json`);
  if (!file) {
    const sources = [...new Set(routes.map((r) => r.definition.source.bucket))].sort();
    throw new DeployError('NoNotificationForBucket', `no route of this deployment takes its events from bucket ${bucket} by S3 notification or EventBridge; the source buckets are: ${sources.join(', ')}`);
  }
  return file.document as NotificationConfiguration;
}

export async function applyNotifications(routes: CompiledRoute[], clients: { s3: S3Client; sts: STSClient }, options: ApplyNotificationsOptions): Promise<ApplyNotificationsResult> {
  const account = options.account ?? (await clients.sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
  const desired = desiredNotifications(routes, options.bucket, { deployment: options.deployment, region: options.region, account });
  const current = await clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: options.bucket }));
  const before: NotificationConfiguration = {
    ...(current.QueueConfigurations?.length ? { QueueConfigurations: current.QueueConfigurations } : {}),
    ...(current.TopicConfigurations?.length ? { TopicConfigurations: current.TopicConfigurations } : {}),
    ...(current.LambdaFunctionConfigurations?.length ? { LambdaFunctionConfigurations: current.LambdaFunctionConfigurations } : {}),
    ...(current.EventBridgeConfiguration ? { EventBridgeConfiguration: {} } : {}),
  } as NotificationConfiguration;
  const merged = mergeNotifications(options.bucket, before, desired);
  if (!options.dryRun) {
    await clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: options.bucket,
        NotificationConfiguration: merged.configuration as ConstructorParameters<typeof PutBucketNotificationConfigurationCommand>[0]['NotificationConfiguration'],
      }),
    );
  }
  return { ...merged, before, applied: !options.dryRun };
}
