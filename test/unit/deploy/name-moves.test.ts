import { describe, expect, it } from 'vitest';
import { namedResources, nameReleases } from '../../../deploy/name-moves.ts';

const body = (resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>): string => JSON.stringify({ Resources: resources });
const queue = (name: unknown) => ({ Type: 'AWS::SQS::Queue', Properties: { QueueName: name, VisibilityTimeout: 30 } });

describe('namedResources', () => {
  it('literal …Name properties only: a name built from the stack (Fn::Sub, Ref) cannot move and is left out', () => {
    const template = body({ Q: queue('orders-q'), T: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'failures' } }, F: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: { 'Fn::Sub': '${AWS::StackName}-router' } } }, B: { Type: 'AWS::S3::Bucket' } });
    expect([...namedResources(template)].sort()).toEqual(['AWS::SNS::Topic TopicName=failures', 'AWS::SQS::Queue QueueName=orders-q']);
  });

  it('a body that is not JSON names nothing', () => expect(namedResources('Resources: {}').size).toBe(0));

  const cases: Array<{ name: string; resource: { Type: string; Properties?: Record<string, unknown> }; expected: string[] }> = [
    { name: "an alarm's MetricName is the metric it watches, not a name the stack owns", resource: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors', Namespace: 'AWS/Lambda' } }, expected: [] },
    { name: "an alarm's AlarmName is its physical name", resource: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'orders-errors', MetricName: 'Errors' } }, expected: ['AWS::CloudWatch::Alarm AlarmName=orders-errors'] },
    { name: "a permission's FunctionName names another resource, even as a literal", resource: { Type: 'AWS::Lambda::Permission', Properties: { FunctionName: 'router', Action: 'lambda:InvokeFunction' } }, expected: [] },
    { name: "a state machine's StateMachineName is its physical name", resource: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'sy-backfill' } }, expected: ['AWS::StepFunctions::StateMachine StateMachineName=sy-backfill'] },
    { name: "a log group's LogGroupName is its physical name", resource: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/vendedlogs/states/sy-backfill' } }, expected: ['AWS::Logs::LogGroup LogGroupName=/aws/vendedlogs/states/sy-backfill'] },
    { name: 'a type without a physical name names nothing', resource: { Type: 'AWS::KMS::Key', Properties: { KeyName: 'x' } }, expected: [] },
  ];
  for (const c of cases) it(c.name, () => expect([...namedResources(body({ R: c.resource }))]).toEqual(c.expected));
});

describe('nameReleases', () => {
  const deployed = new Map([
    ['r-s1', body({ A: queue('a-q'), M: queue('moving-q') })],
    ['r-s2', body({ B: queue('b-q') })],
  ]);

  it('a stack taking over a name must wait for the stack holding it; names staying put order nothing', () => {
    const desired = [
      { name: 'r-s1', body: body({ A: queue('a-q') }) },
      { name: 'r-s2', body: body({ B: queue('b-q') }) },
      { name: 'r-s3', body: body({ M: queue('moving-q') }) },
    ];
    expect(nameReleases(desired, deployed)).toEqual(new Map([['r-s3', new Map([['r-s1', ['AWS::SQS::Queue QueueName=moving-q']]])]]));
  });

  it('shards that each watch their own function with Errors, Duration and Throttles alarms wait for nobody', () => {
    const alarm = (metric: string) => ({ Type: 'AWS::CloudWatch::Alarm', Properties: { Namespace: 'AWS/Lambda', MetricName: metric, Statistic: 'Sum' } });
    const shard = (queueName: string) => body({ Q: queue(queueName), E: alarm('Errors'), D: alarm('Duration'), T: alarm('Throttles') });
    const live = new Map([['r-shard-0', shard('r-shard-0-a-events')], ['r-shard-1', shard('r-shard-1-b-events')]]);
    const desired = [...live].map(([name, b]) => ({ name, body: b })).concat({ name: 'r-shard-11', body: shard('r-shard-11-c-events') });
    expect(nameReleases(desired, live).size).toBe(0);
  });

  it('nothing moves, nothing is ordered', () => {
    expect(nameReleases([...deployed].map(([name, b]) => ({ name, body: b })), deployed).size).toBe(0);
  });
});
