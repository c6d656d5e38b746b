/**
 * Alarms: the function's errors, throttles and long runs (≥ 80% of its timeout), any message
 * in any dead-letter queue, and partial failures the runtime reports as a custom metric. All
 * notify one alarms topic, encrypted with a key CloudWatch may use (it cannot use alias/aws/sns).
 */
import { ALARMS_KEY_ID, ALARMS_TOPIC_ID, FUNCTION_ID, fitName, pascal } from './names.ts';
import type { CfnResource, CfnValue, GeneratorContext, PartOutput } from './types.ts';

/** The runtime publishes this metric (EMF in its logs) with one dimension, `Route`. */
export const PARTIAL_FAILURES_METRIC = { namespace: 'Switchyard', name: 'PartialFailures', dimension: 'Route' } as const;
export const LONG_RUN_SHARE = 0.8;
const PERIOD_SECONDS = 300;

/** One alarm notifying the alarms topic (also used by state-machine.ts). */
export function alarm(description: string, metric: Record<string, CfnValue>, threshold: number, statistic: string): CfnResource {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: description,
      ...metric,
      Statistic: statistic,
      Period: PERIOD_SECONDS,
      EvaluationPeriods: 1,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: ALARMS_TOPIC_ID }],
      OKActions: [{ Ref: ALARMS_TOPIC_ID }],
    },
  };
}

function functionMetric(name: string): Record<string, CfnValue> {
  return { Namespace: 'AWS/Lambda', MetricName: name, Dimensions: [{ Name: 'FunctionName', Value: { Ref: FUNCTION_ID } }] };
}

export function alarmsPart(context: GeneratorContext, deadLetterQueueIds: string[]): PartOutput {
  const resources: Record<string, CfnResource> = {
    ...alarmsTopic(context),
    RouterFunctionErrorsAlarm: alarm('The router function failed (see its log group)', functionMetric('Errors'), 1, 'Sum'),
    RouterFunctionThrottlesAlarm: alarm('The router function was throttled (reserved concurrency reached)', functionMetric('Throttles'), 1, 'Sum'),
    RouterFunctionDurationAlarm: alarm(
      `The router function ran for ${LONG_RUN_SHARE * 100}% of its ${context.function.timeoutSeconds} s timeout`,
      functionMetric('Duration'),
      Math.round(context.function.timeoutSeconds * 1000 * LONG_RUN_SHARE),
      'Maximum',
    ),
  };
  for (const queueId of [...new Set(deadLetterQueueIds)].sort()) {
    resources[`${queueId}Alarm`] = alarm(
      `Messages are waiting in dead-letter queue ${queueId}`,
      { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }] },
      1,
      'Maximum',
    );
  }
  for (const route of context.routes) {
    resources[`${pascal(route.name)}PartialFailuresAlarm`] = alarm(
      `Route ${route.name}: some destinations of an event failed`,
      {
        Namespace: PARTIAL_FAILURES_METRIC.namespace,
        MetricName: PARTIAL_FAILURES_METRIC.name,
        Dimensions: [{ Name: PARTIAL_FAILURES_METRIC.dimension, Value: route.name }],
      },
      1,
      'Sum',
    );
  }
  return {
    resources,
    outputs: { AlarmsTopicArn: { Description: 'Subscribe here to hear about alarms', Value: { Ref: ALARMS_TOPIC_ID } } },
    statements: [],
  };
}

function alarmsTopic(context: GeneratorContext): Record<string, CfnResource> {
  return {
    [ALARMS_KEY_ID]: {
      Type: 'AWS::KMS::Key',
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: {
        Description: 'Encrypts the Switchyard alarms topic (CloudWatch alarms cannot publish with alias/aws/sns)',
        EnableKeyRotation: true,
        KeyPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'AccountAdministers',
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
              Action: 'kms:*',
              Resource: '*',
            },
            {
              Sid: 'CloudWatchPublishesAlarms',
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
      },
    },
    [ALARMS_TOPIC_ID]: {
      Type: 'AWS::SNS::Topic',
      Properties: { TopicName: fitName(`${context.stackName}-alarms`, 256), KmsMasterKeyId: { Ref: ALARMS_KEY_ID } },
    },
  };
}
