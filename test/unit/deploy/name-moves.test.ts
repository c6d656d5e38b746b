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

  it('nothing moves, nothing is ordered', () => {
    expect(nameReleases([...deployed].map(([name, b]) => ({ name, body: b })), deployed).size).toBe(0);
  });
});
