/**
 * Batch routes on AWS (seed 003): one Step Functions state machine per route with `batch`,
 * running list → Distributed Map transfer → validate → report on the generic function. Each
 * has its own role (invoke the function, read the run's items file, start and follow its own
 * Map children, deliver its logs, write traces), a log group at level ALL with execution data,
 * X-Ray tracing, an alarm on failed executions and, with `batch.schedule`, a schedule; with
 * `batch.api`, an HTTPS API that starts runs (batch-api.ts).
 */
import { stateMachineName } from '../../engine/batch/step-payloads.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import type { Batch } from '../../schema/route.ts';
import { alarm } from './alarms.ts';
import { batchApiResources } from './batch-api.ts';
import { getAtt, HERE, logGroupArn, PARTITION, s3BucketArn, s3ObjectsArn } from './arn.ts';
import { addOutput, addOwned, addResource } from './id-owners.ts';
import { FUNCTION_ID, pascal, queueName } from './names.ts';
import { deadLetterQueue } from './queues.ts';
import { alarmsTopic } from './shared-names.ts';
import { renderStatement, trustedBy } from './role.ts';
import { stateMachineDefinition } from './state-machine-definition.ts';
import { EVENTBRIDGE_RETRY } from './triggers.ts';
import type { CfnResource, GeneratorContext, PartOutput, PolicyStatement } from './types.ts';

/**
 * Step Functions configures vended log delivery with these CloudWatch Logs calls, which take
 * no resource-level permissions ("Resource": "*"), per "Using CloudWatch Logs to log execution
 * history in Step Functions" (IAM policies for logging to CloudWatch Logs) in the AWS docs.
 */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
];
/** X-Ray has no resource-level permissions either. */
export const TRACE_ACTIONS = ['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** Where a batch route's runs live: `<manifests bucket>`, `<manifests prefix><route>/`. */
export function runsLocation(batch: Batch, route: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(batch.manifests);
  const base = match?.[2] ?? '';
  return { bucket: match?.[1] ?? batch.manifests, prefix: `${base === '' || base.endsWith('/') ? base : `${base}/`}${route}/` };
}

export function stateMachineIds(route: string): { machine: string; role: string; policy: string; logGroup: string } {
  const p = pascal(route);
  return { machine: `${p}StateMachine`, role: `${p}StateMachineRole`, policy: `${p}StateMachinePolicy`, logGroup: `${p}StateMachineLogGroup` };
}

export function stateMachinePart(context: GeneratorContext): PartOutput {
  const part: PartOutput = { resources: {}, outputs: {}, statements: [] };
  for (const route of context.routes) {
    const batch = route.definition.batch;
    if (batch === undefined) continue;
    addStateMachine(context, route, batch, part);
  }
  return part;
}

function addStateMachine(context: GeneratorContext, route: CompiledRoute, batch: Batch, part: PartOutput): void {
  const name = stateMachineName(context.deploymentName, route.name);
  const ids = stateMachineIds(route.name);
  const runs = runsLocation(batch, route.name);
  const owner = `the backfill state machine of route ${route.name}`;
  addResource(part, ids.logGroup, {
    Type: 'AWS::Logs::LogGroup',
    DeletionPolicy: 'Delete',
    UpdateReplacePolicy: 'Delete',
    // Under /aws/vendedlogs/ CloudWatch Logs needs no resource-policy entry per log group (that policy is size-limited).
    Properties: { LogGroupName: `/aws/vendedlogs/states/${name}`, RetentionInDays: context.function.logRetentionDays },
  }, `the log group of ${owner}`);
  addResource(part, ids.policy, {
    Type: 'AWS::IAM::ManagedPolicy',
    Properties: {
      Description: `Switchyard backfill state machine of route ${route.name} (generated from routes/)`,
      PolicyDocument: { Version: '2012-10-17', Statement: stateMachineStatements(name, runs, `/aws/vendedlogs/states/${name}`, inventoryLocation(batch)).map(renderStatement) },
    },
  }, `the policy of ${owner}`);
  addResource(part, ids.role, {
    Type: 'AWS::IAM::Role',
    Properties: {
      Description: `Switchyard backfill state machine of route ${route.name}`,
      AssumeRolePolicyDocument: trustedBy('states.amazonaws.com'),
      ManagedPolicyArns: [{ Ref: ids.policy }],
    },
  }, `the role of ${owner}`);
  addResource(part, ids.machine, {
    Type: 'AWS::StepFunctions::StateMachine',
    Properties: {
      StateMachineName: name,
      StateMachineType: 'STANDARD',
      Definition: stateMachineDefinition({ route: route.name, batch, runsUri: `s3://${runs.bucket}/${runs.prefix}` }),
      DefinitionSubstitutions: { RouterFunctionArn: { 'Fn::GetAtt': [FUNCTION_ID, 'Arn'] } },
      RoleArn: { 'Fn::GetAtt': [ids.role, 'Arn'] },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [ids.logGroup, 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    },
  }, owner);
  addResource(part, `${ids.machine}FailedAlarm`, alarm(
    `Route ${route.name}: a backfill run failed (see the execution in Step Functions and its report.json)`,
    { Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: ids.machine } }] },
    1,
    'Sum',
    alarmsTopic(context),
  ), `the alarm of ${owner}`);
  addOutput(part, `${ids.machine}Arn`, { Description: `Backfill state machine of route ${route.name} (switchyard backfill --on aws)`, Value: { Ref: ids.machine } }, `the ARN of ${owner}`);
  // The report phase lists the batch result files of the run.
  part.statements.push({
    Sid: `${pascal(route.name)}ListBatchResults`,
    Effect: 'Allow',
    Action: ['s3:ListBucket'],
    Resource: [s3BucketArn(runs.bucket)],
    Condition: { StringLike: { 's3:prefix': [`${runs.prefix}*`] } },
  });
  const inventory = inventoryLocation(batch);
  if (inventory) {
    // The List step finds the newest report under the inventory prefix (ListBucket, HeadObject of its manifest.json).
    part.statements.push(
      { Sid: `${pascal(route.name)}FindInventory`, Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [s3BucketArn(inventory.bucket)], Condition: { StringLike: { 's3:prefix': [`${inventory.prefix}*`] } } },
      { Sid: `${pascal(route.name)}ReadInventoryManifest`, Effect: 'Allow', Action: ['s3:GetObject'], Resource: [s3ObjectsArn(inventory.bucket, inventory.prefix)] },
    );
  }
  if (batch.schedule !== undefined) {
    addOwned(part, { resources: scheduleResources(context, route.name, batch.schedule, ids.machine) }, `the backfill schedule of route ${route.name}`);
  }
  if (batch.api === true) addOwned(part, batchApiResources(context.stackName, route.name, ids.machine), `the backfill API of route ${route.name}`);
}

/** `batch.inventory` as bucket and prefix. */
export function inventoryLocation(batch: Batch): { bucket: string; prefix: string } | undefined {
  const match = batch.inventory === undefined ? null : /^s3:\/\/([^/]+)\/(.*)$/.exec(batch.inventory);
  return match?.[1] !== undefined ? { bucket: match[1], prefix: match[2] ?? '' } : undefined;
}

/** The state machine's own permissions, exactly. */
export function stateMachineStatements(name: string, runs: { bucket: string; prefix: string }, logGroupName: string, inventory?: { bucket: string; prefix: string }): PolicyStatement[] {
  const states = `arn:${PARTITION}:states:${HERE}`;
  return [
    // With batch.inventory the ItemReader reads the report: its manifest.json and CSV files.
    ...(inventory ? [{ Sid: 'ReadInventory', Effect: 'Allow' as const, Action: ['s3:GetObject'], Resource: [s3ObjectsArn(inventory.bucket, inventory.prefix)] }] : []),
    { Sid: 'InvokeRouter', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [getAtt(FUNCTION_ID, 'Arn'), `${getAtt(FUNCTION_ID, 'Arn')}:*`] },
    // The Distributed Map's ItemReader reads `<run>/items.json`.
    { Sid: 'ReadRunItems', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [s3ObjectsArn(runs.bucket, runs.prefix)] },
    // A Distributed Map runs its batches as child executions of this state machine (ARNs from the known name: no reference cycle).
    { Sid: 'StartMapRuns', Effect: 'Allow', Action: ['states:StartExecution'], Resource: [`${states}:stateMachine:${name}`] },
    { Sid: 'FollowMapRuns', Effect: 'Allow', Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: [`${states}:execution:${name}/*`] },
    { Sid: 'DeliverLogs', Effect: 'Allow', Action: LOG_DELIVERY_ACTIONS, Resource: ['*'] },
    { Sid: 'WriteLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logGroupArn(logGroupName)] },
    { Sid: 'WriteTraces', Effect: 'Allow', Action: TRACE_ACTIONS, Resource: ['*'] },
  ];
}

/** `batch.schedule`: a rule that starts a run with input `{}`, retried by EventBridge, undeliverable starts kept in a DLQ. */
function scheduleResources(context: GeneratorContext, route: string, schedule: string, machineId: string): Record<string, CfnResource> {
  const p = pascal(route);
  const ruleId = `${p}ScheduleRule`;
  const roleId = `${p}ScheduleRole`;
  const dlqId = `${p}ScheduleDeadLetterQueue`;
  const start: PolicyStatement = { Sid: 'StartBackfill', Effect: 'Allow', Action: ['states:StartExecution'], Resource: [`\${${machineId}}`] };
  return {
    [ruleId]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Description: `Scheduled backfill of route ${route}`,
        ScheduleExpression: schedule,
        State: 'ENABLED',
        Targets: [
          {
            Id: 'backfill',
            Arn: { Ref: machineId },
            RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
            Input: '{}',
            RetryPolicy: EVENTBRIDGE_RETRY,
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          },
        ],
      },
    },
    [roleId]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `Starts the scheduled backfill of route ${route}`,
        AssumeRolePolicyDocument: trustedBy('events.amazonaws.com'),
        Policies: [{ PolicyName: 'start-backfill', PolicyDocument: { Version: '2012-10-17', Statement: [renderStatement(start)] } }],
      },
    },
    [dlqId]: deadLetterQueue(queueName(context.stackName, route, 'schedule-dlq')),
    [`${dlqId}Policy`]: {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: dlqId }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'EventBridgeDeadLetters',
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] },
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
            },
          ],
        },
      },
    },
  };
}
