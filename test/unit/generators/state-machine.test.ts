import { describe, expect, it } from 'vitest';
import { stateMachineName } from '../../../engine/batch/step-payloads.ts';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import type { CfnTemplate, CfnValue } from '../../../generators/cloudformation/types.ts';
import { walk, type TaskAnswer } from './asl-walker.ts';
import { loadRouteSet } from './load-fixture-routes.ts';
import { resource } from './template-resource.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const seeds = generateTemplate(loadRouteSet('routes'));
const scheduled = generateTemplate(loadRouteSet('test/fixtures/generators/scheduled-batch'), { stackName: 'ops' });

function definitionOf(template: CfnTemplate, id: string): Obj {
  return resource(template, id).Properties?.Definition as Obj;
}

function states(definition: Obj): Record<string, Obj> {
  return definition.States as Record<string, Obj>;
}

const seedDefinition = definitionOf(seeds, 'CrossAccountBatchStateMachine');
const seedStates = states(seedDefinition);
const transfer = seedStates.Transfer as Obj;
const transferBatch = (transfer.ItemProcessor as { States: Record<string, Obj> }).States.TransferBatch as Obj;

const LAMBDA_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
const LAMBDA_RETRY = { ErrorEquals: LAMBDA_ERRORS, IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' };

describe('the state machine of seed 003 (cross-account-batch)', () => {
  const machine = resource(seeds, 'CrossAccountBatchStateMachine').Properties ?? {};

  it('is a standard state machine named as backfill --on aws expects, calling the router function', () => {
    expect(machine.StateMachineName).toBe(stateMachineName('switchyard', 'cross-account-batch'));
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(machine.DefinitionSubstitutions).toEqual({ RouterFunctionArn: { 'Fn::GetAtt': ['RouterFunction', 'Arn'] } });
    for (const task of [seedStates.List, seedStates.Validate, seedStates.Report, transferBatch]) {
      expect(task?.Resource).toBe('arn:aws:states:::lambda:invoke');
      expect((task?.Parameters as Obj).FunctionName).toBe('${RouterFunctionArn}');
    }
  });

  it('logs every event with execution data to its own log group with retention, and traces with X-Ray', () => {
    expect(machine.LoggingConfiguration).toEqual({
      Level: 'ALL',
      IncludeExecutionData: true,
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': ['CrossAccountBatchStateMachineLogGroup', 'Arn'] } } }],
    });
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(resource(seeds, 'CrossAccountBatchStateMachineLogGroup').Properties).toEqual({
      LogGroupName: '/aws/vendedlogs/states/switchyard-cross-account-batch-backfill',
      RetentionInDays: 30,
    });
  });

  it('reads the listed items from S3 as JSON and batches them 20 at a time, 40 batches at once, no failure tolerated', () => {
    expect(transfer.Type).toBe('Map');
    expect(transfer.ItemReader).toEqual({
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSON' },
      Parameters: { 'Bucket.$': '$.list.itemsBucket', 'Key.$': '$.list.itemsKey' },
    });
    expect(transfer.ItemProcessor).toMatchObject({ ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'TransferBatch' });
    expect(transfer.ItemBatcher).toEqual({
      MaxItemsPerBatch: 20,
      BatchInput: { switchyard: 'batch', phase: 'transfer', route: 'cross-account-batch', 'runId.$': '$.list.runId', 'sourcePrefix.$': '$.list.sourcePrefix' },
    });
    expect(transfer.MaxConcurrency).toBe(40);
    expect(transfer.ToleratedFailurePercentage).toBe(0);
    expect(transfer.ResultPath).toBeNull();
    expect(transfer.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.transferError', Next: 'Validate' }]);
  });

  it('retries a batch as seed 003 says: throttling 8 × 5 s ×2.5, Lambda errors 3 × 2 s ×2, failures 2 × 5 s ×2, AccessDenied never, all full jitter', () => {
    expect(transferBatch.Parameters).toEqual({ FunctionName: '${RouterFunctionArn}', 'Payload.$': '$' });
    expect(transferBatch.Retry).toEqual([
      { ErrorEquals: ['Switchyard.Throttled'], IntervalSeconds: 5, MaxAttempts: 8, BackoffRate: 2.5, MaxDelaySeconds: 300, JitterStrategy: 'FULL' },
      LAMBDA_RETRY,
      { ErrorEquals: ['Switchyard.TransferFailed'], IntervalSeconds: 5, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' },
    ]);
    expect(JSON.stringify(seedDefinition)).not.toContain('Switchyard.NonRetryable');
  });

  it.each([
    { state: 'List', resultPath: '$.list', catchPath: '$.listError', next: 'ListResult' },
    { state: 'Validate', resultPath: '$.validation', catchPath: '$.validateError', next: 'ValidateResult' },
    { state: 'Report', resultPath: '$.report', catchPath: undefined, next: 'ReportResult' },
  ])('$state keeps the Payload at $resultPath, retries Lambda service errors, and goes to Report when it fails', ({ state, resultPath, catchPath, next }) => {
    const task = seedStates[state] as Obj;
    expect(task.ResultSelector).toEqual({ 'Payload.$': '$.Payload' });
    expect(task.ResultPath).toBe(resultPath);
    expect(task.Retry).toEqual([LAMBDA_RETRY]);
    expect(task.Next).toBe(next);
    expect(seedStates[next]).toEqual({ Type: 'Pass', InputPath: `${resultPath}.Payload`, ResultPath: resultPath, Next: expect.any(String) });
    expect(task.Catch).toEqual(catchPath === undefined ? undefined : [{ ErrorEquals: ['States.ALL'], ResultPath: catchPath, Next: 'Report' }]);
  });

  // The fields of each payload in engine/batch/step-payloads.ts, and how the state machine fills them.
  it.each([
    { state: 'List', payload: { switchyard: 'batch', phase: 'list', route: 'cross-account-batch', 'runId.$': '$$.Execution.Name', 'input.$': '$' } },
    { state: 'Validate', payload: { switchyard: 'batch', phase: 'validate', route: 'cross-account-batch', 'runId.$': '$$.Execution.Name' } },
    {
      state: 'Report',
      payload: { switchyard: 'batch', phase: 'report', route: 'cross-account-batch', 'runId.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime', 'state.$': '$' },
    },
  ])('$state sends exactly the contract payload', ({ state, payload }) => {
    expect(((seedStates[state] as Obj).Parameters as Obj).Payload).toEqual(payload);
  });

  it('fails the execution when the report says failed, and succeeds otherwise', () => {
    expect(seedStates['RunSucceeded?']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.report.status', StringEquals: 'failed', Next: 'RunFailed' }],
      Default: 'RunSucceeded',
    });
    expect(seedStates.RunFailed).toMatchObject({ Type: 'Fail', Error: 'BackfillFailed' });
    expect(String((seedStates.RunFailed as Obj).Cause)).toContain('s3://transfer-manifests/cross-account-batch/');
    expect(seedStates.RunSucceeded).toEqual({ Type: 'Succeed' });
  });
});

describe('data between the states (a walk through the definition)', () => {
  const context = { executionName: '2024-05-01T03-00-00Z-a1b2c3', startTime: '2024-05-01T03:00:00.000Z' };
  const list = { runId: context.executionName, manifest: 's3://transfer-manifests/x/manifest.jsonl', itemsBucket: 'transfer-manifests', itemsKey: 'x/items.json', count: 2, excluded: 0, sourcePrefix: 'exports/' };
  const validation = { status: 'passed', manifestObjects: 2, expectedCopies: 2, foundCopies: 2, missing: [], sampled: 2, mismatches: [] };
  const lambda = (payload: Json): Json => ({ ExecutedVersion: '$LATEST', StatusCode: 200, Payload: payload });
  const answers = (status: string, failing?: string): TaskAnswer => (call) => {
    if (call.state === failing) return { error: 'Lambda.Unknown', cause: `${failing} broke` };
    const phase = ((call.parameters as Obj).Payload as Obj).phase;
    if (phase === 'list') return { result: lambda(list) };
    if (phase === 'validate') return { result: lambda(validation) };
    return { result: lambda({ status, report: 's3://transfer-manifests/x/report.json', problems: [] }) };
  };
  const reportState = (w: ReturnType<typeof walk>): Json => ((w.calls.find((c) => c.state === 'Report')?.parameters as Obj).Payload as Obj).state ?? null;

  it('gives Report the list and validation outputs themselves, and the execution output the report', () => {
    const w = walk(seedDefinition, { prefix: 'exports/2024/' }, answers('succeeded'), context);
    expect(w.visited).toEqual(['List', 'ListResult', 'Transfer', 'Validate', 'ValidateResult', 'Report', 'ReportResult', 'RunSucceeded?', 'RunSucceeded']);
    expect((w.calls[0]?.parameters as Obj).Payload).toEqual({ switchyard: 'batch', phase: 'list', route: 'cross-account-batch', runId: context.executionName, input: { prefix: 'exports/2024/' } });
    // The run's prefix reaches every batch (inventory rows outside it are left out there).
    expect(w.batchInputs.Transfer).toEqual({ switchyard: 'batch', phase: 'transfer', route: 'cross-account-batch', runId: context.executionName, sourcePrefix: list.sourcePrefix });
    expect(reportState(w)).toEqual({ prefix: 'exports/2024/', list, validation });
    expect(((w.calls.at(-1)?.parameters as Obj).Payload as Obj).startedAt).toBe(context.startTime);
    expect(w.end).toEqual({ type: 'Succeed', output: { prefix: 'exports/2024/', list, validation, report: { status: 'succeeded', report: 's3://transfer-manifests/x/report.json', problems: [] } } });
  });

  it('reports a failed listing and ends in BackfillFailed when the report says failed', () => {
    const w = walk(seedDefinition, {}, answers('failed', 'List'), context);
    expect(w.visited).toEqual(['List', 'Report', 'ReportResult', 'RunSucceeded?', 'RunFailed']);
    expect(reportState(w)).toEqual({ listError: { Error: 'Lambda.Unknown', Cause: 'List broke' } });
    expect(w.end).toMatchObject({ type: 'Fail', error: 'BackfillFailed' });
  });

  it('still reports when validation itself fails', () => {
    const w = walk(seedDefinition, {}, answers('failed', 'Validate'), context);
    expect(w.visited).toEqual(['List', 'ListResult', 'Transfer', 'Validate', 'Report', 'ReportResult', 'RunSucceeded?', 'RunFailed']);
    expect(reportState(w)).toEqual({ list, validateError: { Error: 'Lambda.Unknown', Cause: 'Validate broke' } });
  });
});

describe('the state machine role', () => {
  const P = 'arn:${AWS::Partition}';
  const HERE = '${AWS::Region}:${AWS::AccountId}';
  const policy = resource(seeds, 'CrossAccountBatchStateMachinePolicy').Properties?.PolicyDocument as { Statement: CfnValue[] };

  it('has exactly the statements the state machine needs', () => {
    expect(policy.Statement).toEqual([
      { Sid: 'InvokeRouter', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [{ 'Fn::Sub': '${RouterFunction.Arn}' }, { 'Fn::Sub': '${RouterFunction.Arn}:*' }] },
      { Sid: 'ReadRunItems', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [{ 'Fn::Sub': `${P}:s3:::transfer-manifests/cross-account-batch/*` }] },
      { Sid: 'StartMapRuns', Effect: 'Allow', Action: ['states:StartExecution'], Resource: [{ 'Fn::Sub': `${P}:states:${HERE}:stateMachine:switchyard-cross-account-batch-backfill` }] },
      {
        Sid: 'FollowMapRuns',
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution'],
        Resource: [{ 'Fn::Sub': `${P}:states:${HERE}:execution:switchyard-cross-account-batch-backfill/*` }],
      },
      {
        Sid: 'DeliverLogs',
        Effect: 'Allow',
        Action: [
          'logs:CreateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:DescribeLogGroups',
          'logs:DescribeResourcePolicies',
          'logs:GetLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:UpdateLogDelivery',
        ],
        Resource: ['*'],
      },
      {
        Sid: 'WriteLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [{ 'Fn::Sub': `${P}:logs:${HERE}:log-group:/aws/vendedlogs/states/switchyard-cross-account-batch-backfill:*` }],
      },
      { Sid: 'WriteTraces', Effect: 'Allow', Action: ['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: ['*'] },
    ]);
  });

  it('is assumed by Step Functions of this account only', () => {
    const role = resource(seeds, 'CrossAccountBatchStateMachineRole').Properties ?? {};
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
    });
    expect(role.ManagedPolicyArns).toEqual([{ Ref: 'CrossAccountBatchStateMachinePolicy' }]);
  });
});

describe('the router function, for the batch phases', () => {
  const functionStatements = (template: CfnTemplate): Obj[] =>
    Object.entries(template.Resources)
      .filter(([id]) => id.startsWith('RouterFunctionPolicy'))
      .flatMap(([, r]) => (r.Properties?.PolicyDocument as { Statement: Obj[] }).Statement);

  it.each([
    { name: 'seed 003 (manifests at the bucket root)', template: seeds, sid: 'CrossAccountBatchListBatchResults', bucket: 'transfer-manifests', prefix: 'cross-account-batch/*' },
    { name: 'a route with a manifests prefix without a trailing slash', template: scheduled, sid: 'NightlyBackfillListBatchResults', bucket: 'ops-manifests', prefix: 'backfills/nightly-backfill/*' },
  ])('$name: lists the manifests bucket under the route only', ({ template, sid, bucket, prefix }) => {
    expect(functionStatements(template).find((s) => s.Sid === sid)).toEqual({
      Sid: sid,
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucket}` }],
      Condition: { StringLike: { 's3:prefix': [prefix] } },
    });
  });
});

describe('batch settings, schedule, outputs and alarms', () => {
  it('takes concurrency, batch size and tolerated failures from the route', () => {
    const map = states(definitionOf(scheduled, 'NightlyBackfillStateMachine')).Transfer as Obj;
    expect(map).toMatchObject({ MaxConcurrency: 100, ToleratedFailurePercentage: 2.5, ItemBatcher: { MaxItemsPerBatch: 5 } });
    expect(resource(scheduled, 'NightlyBackfillStateMachine').Properties?.StateMachineName).toBe(stateMachineName('ops', 'nightly-backfill'));
  });

  it('starts scheduled runs with input {} through a role that may only start this state machine', () => {
    expect(resource(scheduled, 'NightlyBackfillScheduleRule').Properties).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: 'ENABLED',
      Targets: [{ Arn: { Ref: 'NightlyBackfillStateMachine' }, RoleArn: { 'Fn::GetAtt': ['NightlyBackfillScheduleRole', 'Arn'] }, Input: '{}' }],
    });
    const role = resource(scheduled, 'NightlyBackfillScheduleRole').Properties ?? {};
    expect((role.AssumeRolePolicyDocument as { Statement: Obj[] }).Statement[0]?.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(role.Policies).toEqual([
      {
        PolicyName: 'start-backfill',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Sid: 'StartBackfill', Effect: 'Allow', Action: ['states:StartExecution'], Resource: [{ 'Fn::Sub': '${NightlyBackfillStateMachine}' }] }],
        },
      },
    ]);
    expect(seeds.Resources.CrossAccountBatchScheduleRule).toBeUndefined();
  });

  it.each([
    { name: 'seed 003', template: seeds, id: 'CrossAccountBatchStateMachine' },
    { name: 'the scheduled route', template: scheduled, id: 'NightlyBackfillStateMachine' },
  ])('$name: outputs the state machine ARN and alarms on failed executions', ({ template, id }) => {
    expect(template.Outputs[`${id}Arn`]?.Value).toEqual({ Ref: id });
    expect(resource(template, `${id}FailedAlarm`).Properties).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: id } }],
      AlarmActions: [{ Ref: 'AlarmsTopic' }],
    });
  });

  it('adds nothing for routes without a batch section', () => {
    const plain = generateTemplate(loadRouteSet('test/fixtures/generators/shared-notifications'));
    expect(Object.values(plain.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')).toEqual([]);
    expect(Object.keys(plain.Resources).filter((id) => id.includes('StateMachine'))).toEqual([]);
  });
});

describe('a batch route with batch.inventory', () => {
  const inventory = states(definitionOf(scheduled, 'InventoryBackfillStateMachine'));

  it('the Distributed Map reads the S3 Inventory report the List step picked (ItemReader MANIFEST)', () => {
    expect((inventory.Transfer as Obj).ItemReader).toEqual({
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'MANIFEST' },
      Parameters: { 'Bucket.$': '$.list.inventoryBucket', 'Key.$': '$.list.inventoryKey' },
    });
  });

  it('the state machine may read the report and the function may find the newest one, under the inventory prefix only', () => {
    const policy = resource(scheduled, 'InventoryBackfillStateMachinePolicy').Properties?.PolicyDocument as { Statement: Obj[] };
    expect(policy.Statement).toContainEqual({ Sid: 'ReadInventory', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:s3:::ops-inventory/reports/inventory-source/daily/*' }] });
    expect(JSON.stringify(scheduled.Resources)).toContain('InventoryBackfillFindInventory');
  });
});
