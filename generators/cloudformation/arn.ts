/** ARNs as `Fn::Sub` strings: the partition, region and account come from the stack. */
import type { CfnValue } from './types.ts';

export const PARTITION = '${AWS::Partition}';
export const HERE = '${AWS::Region}:${AWS::AccountId}';

export function s3BucketArn(bucket: string): string {
  return `arn:${PARTITION}:s3:::${bucket}`;
}

/** Objects of `bucket` under `prefix` (every object when the prefix is empty). */
export function s3ObjectsArn(bucket: string, prefix = ''): string {
  return `arn:${PARTITION}:s3:::${bucket}/${prefix}*`;
}

export function s3ObjectArn(bucket: string, key: string): string {
  return `arn:${PARTITION}:s3:::${bucket}/${key}`;
}

/** `/pipeline/destination/` → `…:parameter/pipeline/destination/*`; a name without a leading slash gets one in the ARN. */
export function ssmParameterArn(name: string, wildcard: boolean): string {
  const path = name.startsWith('/') ? name.slice(1) : name;
  return `arn:${PARTITION}:ssm:${HERE}:parameter/${path}${wildcard ? '*' : ''}`;
}

/** An SQS queue named by name, ARN or URL (any of them may hold `*`). */
export function sqsQueueArn(queue: string): string {
  if (queue.startsWith('arn:')) return queue;
  const url = /^https?:\/\/sqs[.-]([a-z0-9-]+)\.[^/]+\/([0-9*]+)\/([^/]+)$/.exec(queue);
  if (url) return `arn:${PARTITION}:sqs:${url[1]}:${url[2]}:${url[3]}`;
  return `arn:${PARTITION}:sqs:${HERE}:${queue}`;
}

export function snsTopicArn(name: string): string {
  return `arn:${PARTITION}:sns:${HERE}:${name}`;
}

export function logGroupArn(name: string): string {
  return `arn:${PARTITION}:logs:${HERE}:log-group:${name}:*`;
}

export function getAtt(id: string, attribute: string): string {
  return `\${${id}.${attribute}}`;
}

export function ref(id: string): string {
  return `\${${id}}`;
}

/** `Fn::Sub` when the text holds a substitution, the plain text otherwise. */
export function sub(text: string): CfnValue {
  return text.includes('${') ? { 'Fn::Sub': text } : text;
}
