/**
 * Alarms: the function's errors, throttles and long runs (≥ 80% of its timeout), any message
 * in any dead-letter queue, and partial failures the runtime reports as a custom metric. All
 * notify one alarms topic per deployment, encrypted with a key CloudWatch may use (it cannot
 * use alias/aws/sns).
 */
import { ALARMS_KEY_ID, ALARMS_TOPIC_ID, FUNCTION_ID } from './names.ts';
import { alarmsTopic, alarmsTopicName } from './shared-names.ts';
import type { CfnResource, CfnValue, GeneratorContext, PartOutput } from './types.ts';

/** The runtime publishes this metric (EMF in its logs) with one dimension, `Route`. */
export const PARTIAL_FAILURES_METRIC = { namespace: 'Switchyard', name: 'PartialFailures', dimension: 'Route' } as const;
export const LONG_RUN_SHARE = 0.8;
const PERIOD_SECONDS = 300;

/** Alarms over metric math take at most 10 metrics (a hard CloudWatch limit). */
export const METRICS_PER_ALARM = 10;

/** One alarm notifying `topic` (the stack's alarms topic, or the core stack's; also used by state-machine.ts). */
export function alarm(description: string, metric: Record<string, CfnValue>, threshold: number, statistic: string, topic: CfnValue = { Ref: ALARMS_TOPIC_ID }): CfnResource {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: description,
      ...metric,
      Statistic: statistic,
      Period: PERIOD_SECONDS,
      ...alarmSettings(threshold, topic),
    },
  };
}

function alarmSettings(threshold: number, topic: CfnValue): Record<string, CfnValue> {
  return {
    EvaluationPeriods: 1,
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [topic],
    OKActions: [topic],
  };
}

function functionMetric(name: string): Record<string, CfnValue> {
  return { Namespace: 'AWS/Lambda', MetricName: name, Dimensions: [{ Name: 'FunctionName', Value: { Ref: FUNCTION_ID } }] };
}

function deadLetterMetric(queueId: string): Record<string, CfnValue> {
  return { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }] };
}

/**
 * The stack's alarms. A standalone or core stack creates the alarms topic and one alarm on
 * partial failures across all routes (the runtime publishes the metric without dimensions too;
 * its `Route` dimension says which). A standalone or shard stack watches its function and its
 * dead-letter queues: up to 10 queues per alarm through metric math, not one alarm per queue.
 */
export function alarmsPart(context: GeneratorContext, deadLetterQueueIds: string[]): PartOutput {
  const topic = alarmsTopic(context);
  const resources: Record<string, CfnResource> = {};
  const outputs: PartOutput['outputs'] = {};
  if (context.layout !== 'shard') {
    Object.assign(resources, alarmsTopicResources(context));
    resources.PartialFailuresAlarm = alarm(
      'Some destinations of an event failed on a route (the metric\'s Route dimension says which)',
      { Namespace: PARTIAL_FAILURES_METRIC.namespace, MetricName: PARTIAL_FAILURES_METRIC.name },
      1,
      'Sum',
      topic,
    );
    outputs.AlarmsTopicArn = { Description: 'Subscribe here to hear about alarms', Value: { Ref: ALARMS_TOPIC_ID } };
  }
  if (context.layout !== 'core') {
    resources.RouterFunctionErrorsAlarm = alarm('The router function failed (see its log group)', functionMetric('Errors'), 1, 'Sum', topic);
    resources.RouterFunctionThrottlesAlarm = alarm('The router function was throttled (reserved concurrency reached)', functionMetric('Throttles'), 1, 'Sum', topic);
    resources.RouterFunctionDurationAlarm = alarm(
      `The router function ran for ${LONG_RUN_SHARE * 100}% of its ${context.function.timeoutSeconds} s timeout`,
      functionMetric('Duration'),
      Math.round(context.function.timeoutSeconds * 1000 * LONG_RUN_SHARE),
      'Maximum',
      topic,
    );
    Object.assign(resources, deadLetterAlarms([...new Set(deadLetterQueueIds)].sort(), topic));
  }
  return { resources, outputs, statements: [] };
}

/** One alarm for a single queue; for more, one alarm on the largest backlog of each 10. */
function deadLetterAlarms(queueIds: string[], topic: CfnValue): Record<string, CfnResource> {
  if (queueIds.length === 1) {
    const [queueId] = queueIds as [string];
    return { [`${queueId}Alarm`]: alarm(`Messages are waiting in dead-letter queue ${queueId}`, deadLetterMetric(queueId), 1, 'Maximum', topic) };
  }
  const resources: Record<string, CfnResource> = {};
  for (let start = 0, n = 1; start < queueIds.length; start += METRICS_PER_ALARM, n++) {
    const group = queueIds.slice(start, start + METRICS_PER_ALARM);
    resources[`DeadLetterQueuesAlarm${n}`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `Messages are waiting in a dead-letter queue: ${group.join(', ')}`.slice(0, 1024),
        Metrics: [
          ...group.map((queueId, i) => ({ Id: `q${i}`, MetricStat: { Metric: deadLetterMetric(queueId), Period: PERIOD_SECONDS, Stat: 'Maximum' }, ReturnData: false })),
          { Id: 'waiting', Expression: 'MAX(METRICS())', Label: 'Messages in the fullest dead-letter queue', ReturnData: true },
        ],
        ...alarmSettings(1, topic),
      },
    };
  }
  return resources;
}

function alarmsTopicResources(context: GeneratorContext): Record<string, CfnResource> {
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
      Properties: { TopicName: alarmsTopicName(context.deploymentName), KmsMasterKeyId: { Ref: ALARMS_KEY_ID } },
    },
  };
}
