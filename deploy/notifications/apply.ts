/**
 * `switchyard notifications apply --bucket B`: writes Switchyard's entries into a source bucket's
 * notification configuration (the intake queue of the stack that holds the bucket's routes, or
 * EventBridge delivery) and keeps every other target the bucket already has. A bucket no route
 * takes events from any more can be applied too: that removes the deployment's entries.
 */
import { PutBucketNotificationConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { generateDeployment } from '../../generators/deployment.ts';
import { generatePolicyFiles } from '../../generators/policies/index.ts';
import { stackOfRoute } from '../../generators/write.ts';
import { DeployError } from '../errors.ts';
import { mergeNotifications, type MergeResult, type NotificationConfiguration } from './merge.ts';
import { readNotifications } from './read.ts';

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
  /** No route of the deployment takes events from the bucket any more: only removals. */
  noRoutes: boolean;
}

/** Switchyard's entries for one bucket, exactly as `generate` writes them to bucket-config/; undefined when no route takes its events. */
export function desiredNotifications(routes: CompiledRoute[], bucket: string, options: { deployment: string; region: string; account: string }): NotificationConfiguration | undefined {
  const generate = { stackName: options.deployment, region: options.region, deployAccount: options.account };
  const file = generatePolicyFiles(routes, generate, stackOfRoute(generateDeployment(routes, generate))).find((f) => f.path === `bucket-config/${bucket}.notification.json`);
  return file?.document as NotificationConfiguration | undefined;
}

export async function applyNotifications(routes: CompiledRoute[], clients: { s3: S3Client; sts: STSClient }, options: ApplyNotificationsOptions): Promise<ApplyNotificationsResult> {
  const account = options.account ?? (await clients.sts.send(new GetCallerIdentityCommand({}))).Account ?? '';
  const desired = desiredNotifications(routes, options.bucket, { deployment: options.deployment, region: options.region, account });
  const before = await readNotifications(clients.s3, options.bucket).catch((error: unknown) => {
    // A bucket that is neither a source nor there at all is most likely a typo: say which buckets are sources.
    throw desired === undefined && (error as { name?: string }).name === 'NoSuchBucket' ? nothingToApply(routes, options, error) : error;
  });
  const merged = mergeNotifications(options.bucket, before, desired ?? {}, options.deployment);
  if (desired === undefined && merged.removed.length === 0) throw nothingToApply(routes, options);
  if (!options.dryRun) {
    await clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: options.bucket,
        NotificationConfiguration: merged.configuration as ConstructorParameters<typeof PutBucketNotificationConfigurationCommand>[0]['NotificationConfiguration'],
      }),
    );
  }
  return { ...merged, before, applied: !options.dryRun, noRoutes: desired === undefined };
}

function nothingToApply(routes: CompiledRoute[], options: ApplyNotificationsOptions, cause?: unknown): DeployError {
  const sources = [...new Set(routes.map((r) => r.definition.source.bucket))].sort();
  const found = cause === undefined ? `and the bucket has no entry of deployment ${options.deployment} to remove` : 'and there is no such bucket';
  return new DeployError(
    'NoNotificationForBucket',
    `no route of this deployment takes its events from bucket ${options.bucket} by S3 notification or EventBridge, ${found}: check --bucket and --stack; the source buckets are: ${sources.join(', ')}`,
    ...(cause === undefined ? [] : [{ cause }]),
  );
}
