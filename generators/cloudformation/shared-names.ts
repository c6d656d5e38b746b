/**
 * What the stacks of one deployment share, named so a shard can reach it without importing
 * anything: the state bucket and the alarms topic have physical names derived from the
 * deployment name, account and region. A standalone stack refers to its own resources.
 */
import { getAtt, PARTITION } from './arn.ts';
import { ALARMS_TOPIC_ID, fitName, STATE_BUCKET_ID } from './names.ts';
import type { CfnValue, GeneratorContext } from './types.ts';

/** Bucket names: 63 characters; `-state-<12-digit account>-<region up to 14>` takes 34 of them. */
const STATE_BUCKET_BASE_CHARS = 63 - '-state-'.length - 12 - 1 - 14;

/** `Fn::Sub` text of the state bucket's name in a sharded deployment (lower case: bucket names must be). */
export function stateBucketNameText(deploymentName: string): string {
  const base = fitName(deploymentName.toLowerCase().replace(/[^a-z0-9-]+/g, '-'), STATE_BUCKET_BASE_CHARS).replace(/^-+|-+$/g, '');
  return `${base}-state-\${AWS::AccountId}-\${AWS::Region}`;
}

/** The state bucket's ARN as `Fn::Sub` text, for IAM statements. */
export function stateBucketArnText(context: GeneratorContext): string {
  return context.layout === 'standalone' ? getAtt(STATE_BUCKET_ID, 'Arn') : `arn:${PARTITION}:s3:::${stateBucketNameText(context.deploymentName)}`;
}

/** The state bucket's name as a value (the function's environment). */
export function stateBucketName(context: GeneratorContext): CfnValue {
  return context.layout === 'standalone' ? { Ref: STATE_BUCKET_ID } : { 'Fn::Sub': stateBucketNameText(context.deploymentName) };
}

export function alarmsTopicName(deploymentName: string): string {
  return fitName(`${deploymentName}-alarms`, 256);
}

/** Where alarms notify: the topic of this stack, or the core stack's topic by its ARN. */
export function alarmsTopic(context: GeneratorContext): CfnValue {
  return context.layout === 'shard' ? { 'Fn::Sub': `arn:${PARTITION}:sns:\${AWS::Region}:\${AWS::AccountId}:${alarmsTopicName(context.deploymentName)}` } : { Ref: ALARMS_TOPIC_ID };
}
