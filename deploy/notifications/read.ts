/**
 * A bucket's notification configuration as S3 holds it, in the shape merge.ts works on. Read by
 * `notifications apply` (to merge into it) and by `deploy` (to see whether a bucket moving
 * between stacks notifies its new intake queue yet, deploy/notified-queues.ts).
 */
import { GetBucketNotificationConfigurationCommand, type S3Client } from '@aws-sdk/client-s3';
import type { NotificationConfiguration } from './merge.ts';

/** Throws the SDK's error (NoSuchBucket, AccessDenied …) for the caller to word. */
export async function readNotifications(s3: S3Client, bucket: string): Promise<NotificationConfiguration> {
  const current = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  return {
    ...(current.QueueConfigurations?.length ? { QueueConfigurations: current.QueueConfigurations } : {}),
    ...(current.TopicConfigurations?.length ? { TopicConfigurations: current.TopicConfigurations } : {}),
    ...(current.LambdaFunctionConfigurations?.length ? { LambdaFunctionConfigurations: current.LambdaFunctionConfigurations } : {}),
    ...(current.EventBridgeConfiguration ? { EventBridgeConfiguration: {} } : {}),
  } as NotificationConfiguration;
}
