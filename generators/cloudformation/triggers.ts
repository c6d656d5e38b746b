/**
 * How events reach the function. EventBridge: rules shared by several source buckets (see
 * eventbridge-pattern.ts), each with a retry policy and the stack's one dead-letter queue on
 * its target, and permission to invoke. S3 notifications: one queue per
 * source bucket with its dead-letter queue, read with partial batch responses (the bucket's
 * notification configuration itself is the bucket owner's, see generators/policies). SQS: a
 * mapping on the existing queue. Async invocations that still fail end in the function's own DLQ.
 */
import { getAtt } from './arn.ts';
import { rulesFor, type EventRule } from './eventbridge-pattern.ts';
import { QUOTAS } from '../quotas.ts';
import { ASYNC_DLQ_ID, FUNCTION_ID, queueName } from './names.ts';
import { deadLetterQueue, QUEUE_POLICIES } from './queues.ts';
import { addOutput, addResource } from './id-owners.ts';
import { coarsened, eventBridgeSources, notificationSources, QUEUE_MAPPING_KIND, queueSources } from './sources.ts';
import type { CfnResource, CfnValue, GeneratorContext, PartOutput, PolicyStatement } from './types.ts';

/** EventBridge gives up on delivering to the function after this many attempts or this age. */
export const EVENTBRIDGE_RETRY = { MaximumRetryAttempts: 24, MaximumEventAgeInSeconds: 3600 };
export const NOTIFICATION_MAX_RECEIVE_COUNT = 5;
const EVENTS_DLQ_ID = 'EventsDeadLetterQueue';
const QUEUE_RETENTION_SECONDS = 4 * 24 * 3600;

const CONSUME_ACTIONS = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'];
const functionArn: CfnValue = { 'Fn::GetAtt': [FUNCTION_ID, 'Arn'] };

export function triggersPart(context: GeneratorContext): PartOutput {
  const part: PartOutput = { resources: {}, outputs: {}, statements: [] };
  const sqsSources = notificationSources(context.stackName, context.routes).length + queueSources(context.routes).length;
  const concurrency = eventSourceConcurrency(context.function.reservedConcurrency, sqsSources);
  eventBridgeTriggers(context, part);
  notificationTriggers(context, part, concurrency);
  queueTriggers(context, part, concurrency);
  asyncFailures(context, part);
  return part;
}

/** The stack's EventBridge rules: several buckets a rule, one dead-letter queue for all of them. */
function eventBridgeTriggers(context: GeneratorContext, part: PartOutput): void {
  const rules = eventRules(context);
  if (rules.length === 0) return;
  const ruleIds: string[] = [];
  rules.forEach((rule, index) => {
    const ruleId = `EventsRule${index + 1}`;
    ruleIds.push(ruleId);
    part.resources[ruleId] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: `S3 object events of ${rule.buckets.join(', ')}`.slice(0, 512),
        State: 'ENABLED',
        EventPattern: rule.pattern as unknown as CfnValue,
        Targets: [
          {
            Id: 'router',
            Arn: functionArn,
            RetryPolicy: EVENTBRIDGE_RETRY,
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [EVENTS_DLQ_ID, 'Arn'] } },
          },
        ],
      },
    };
    part.resources[`EventsPermission${index + 1}`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: functionArn,
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
      },
    };
  });
  part.resources[EVENTS_DLQ_ID] = deadLetterQueue(queueName(context.stackName, 'events', 'rule-dlq'));
  part.resources.EventsDeadLetterQueuePolicy = queuePolicy(EVENTS_DLQ_ID, {
    Sid: 'EventBridgeDeadLetters',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: { 'Fn::GetAtt': [EVENTS_DLQ_ID, 'Arn'] },
    Condition: { ArnEquals: { 'aws:SourceArn': ruleIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) } },
  });
  part.outputs.EventsDeadLetterQueueUrl = {
    Description: `Events EventBridge could not deliver to the function`,
    Value: { Ref: EVENTS_DLQ_ID },
  };
}

/** The stack's EventBridge rules at the context's pattern detail. */
export function eventRules(context: GeneratorContext): EventRule[] {
  return rulesFor(eventBridgeSources(context.routes).map((source) => coarsened(source, context.patternDetail ?? 'keys')));
}

/**
 * Each SQS event source's MaximumConcurrency: the function's reserved concurrency shared among
 * the stack's SQS event sources, so that together they never poll for more executions than the
 * function may run (a throttled receive still counts toward the message's receive count, and
 * good messages end in the dead-letter queue). Within AWS's 2–1000; at the floor of 2 the sources
 * may together exceed the reservation, and generate says so (quotas.ts stackWarnings).
 */
export function eventSourceConcurrency(reservedConcurrency: number, sqsSources: number): number {
  const { min, max } = QUOTAS.eventSourceConcurrency;
  if (reservedConcurrency <= 0) return max;
  return Math.max(min, Math.min(max, Math.floor(reservedConcurrency / Math.max(1, sqsSources))));
}

function notificationTriggers(context: GeneratorContext, part: PartOutput, concurrency: number): void {
  const consumed: string[] = [];
  for (const source of notificationSources(context.stackName, context.routes, context.deployed?.get(context.stackName))) {
    const owner = `the intake queue of bucket ${source.bucket}`;
    addResource(part, source.deadLetterQueueId, deadLetterQueue(source.deadLetterQueueName), `the dead-letter queue of ${owner}`);
    addResource(part, source.queueId, {
      Type: 'AWS::SQS::Queue',
      ...QUEUE_POLICIES,
      Properties: {
        QueueName: source.queueName,
        // SQS → Lambda: at least 6 × the function timeout, or messages are redelivered mid-run.
        VisibilityTimeout: 6 * context.function.timeoutSeconds,
        MessageRetentionPeriod: QUEUE_RETENTION_SECONDS,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [source.deadLetterQueueId, 'Arn'] }, maxReceiveCount: NOTIFICATION_MAX_RECEIVE_COUNT },
      },
    }, owner);
    addResource(part, `${source.idStem}NotificationQueuePolicy`, queuePolicy(source.queueId, {
      Sid: 'S3Notifications',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [source.queueId, 'Arn'] },
      Condition: {
        ArnLike: { 'aws:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${source.bucket}` } },
        StringEquals: { 'aws:SourceAccount': source.account ?? { Ref: 'AWS::AccountId' } },
      },
    }), `the policy of ${owner}`);
    addResource(part, `${source.idStem}NotificationMapping`, mapping({ 'Fn::GetAtt': [source.queueId, 'Arn'] }, concurrency), `the mapping of ${owner}`);
    consumed.push(getAtt(source.queueId, 'Arn'));
    addOutput(part, `${source.idStem}NotificationQueueArn`, {
      Description: `Queue the bucket ${source.bucket} must notify (see bucket-config/)`,
      Value: { 'Fn::GetAtt': [source.queueId, 'Arn'] },
    }, `the ARN of ${owner}`);
    addOutput(part, `${source.idStem}NotificationDeadLetterQueueUrl`, {
      Description: `Notifications of ${source.bucket} that failed ${NOTIFICATION_MAX_RECEIVE_COUNT} times`,
      Value: { Ref: source.deadLetterQueueId },
    }, `the dead-letter queue URL of ${owner}`);
  }
  for (const source of queueSources(context.routes)) {
    consumed.push(source.queueArn);
  }
  if (consumed.length > 0) part.statements.push(consumeStatement(consumed));
}

function queueTriggers(context: GeneratorContext, part: PartOutput, concurrency: number): void {
  for (const source of queueSources(context.routes, context.deployed?.get(context.stackName))) {
    addResource(part, `${source.idStem}${QUEUE_MAPPING_KIND}`, mapping(source.queueArn, concurrency), `the mapping of queue ${source.queueArn} (trigger: sqs)`);
  }
}

/** EventBridge and direct async invocations: after Lambda's own retries the event lands here, never dropped. */
function asyncFailures(context: GeneratorContext, part: PartOutput): void {
  part.resources[ASYNC_DLQ_ID] = deadLetterQueue(queueName(context.stackName, 'router', 'async-dlq'));
  part.resources.RouterFunctionEventInvokeConfig = {
    Type: 'AWS::Lambda::EventInvokeConfig',
    Properties: {
      FunctionName: { Ref: FUNCTION_ID },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: EVENTBRIDGE_RETRY.MaximumEventAgeInSeconds,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ASYNC_DLQ_ID, 'Arn'] } } },
    },
  };
  part.statements.push({
    Sid: 'SendAsyncFailures',
    Effect: 'Allow',
    Action: ['sqs:SendMessage'],
    Resource: [getAtt(ASYNC_DLQ_ID, 'Arn')],
  });
  part.outputs.RouterFunctionAsyncDeadLetterQueueUrl = {
    Description: 'Asynchronous invocations (EventBridge, direct) that failed after retries',
    Value: { Ref: ASYNC_DLQ_ID },
  };
}

function mapping(queueArn: CfnValue, maximumConcurrency: number): CfnResource {
  return {
    Type: 'AWS::Lambda::EventSourceMapping',
    Properties: {
      EventSourceArn: queueArn,
      FunctionName: { Ref: FUNCTION_ID },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: maximumConcurrency },
    },
  };
}

function consumeStatement(queueArns: string[]): PolicyStatement {
  return { Sid: 'ConsumeTriggerQueues', Effect: 'Allow', Action: CONSUME_ACTIONS, Resource: [...new Set(queueArns)].sort() };
}

function queuePolicy(queueId: string, statement: Record<string, CfnValue>): CfnResource {
  return {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: { Queues: [{ Ref: queueId }], PolicyDocument: { Version: '2012-10-17', Statement: [statement] } },
  };
}

