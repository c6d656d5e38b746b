/**
 * Routes reading one operator queue (`trigger: sqs`) must share a stack: each stack maps the queue
 * to its own function, SQS hands a message to one of them, and a function without the message's
 * bucket deletes it unrouted. Placement goes by bucket, so a big enough set splits them: refused.
 */
import { describe, expect, it } from 'vitest';
import { GeneratorError } from '../../../generators/cloudformation/errors.ts';
import { generateDeployment } from '../../../generators/deployment.ts';
import { compileRouteFiles } from './synthetic-routes.ts';

function readers(count: number, queueOf: (i: number) => string): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    files[`routes/route-${i}.yaml`] = `name: route-${i}\nsource: { bucket: bucket-${i}, trigger: sqs, queueArn: "${queueOf(i)}" }\nactions:\n  - copy: { id: copy, to: out-bucket-${i}, key: $key }\n`;
  }
  return files;
}

describe('routes reading one operator queue', () => {
  it('placed in one stack: generated', () => {
    const deployment = generateDeployment(compileRouteFiles(readers(20, () => 'arn:aws:sqs:eu-west-1:123456789012:shared')), { stackName: 'x' });
    expect(deployment.stacks.filter((s) => s.kind === 'shard')).toHaveLength(1);
  });

  it('placed in several stacks: refused, naming the queue, some routes and the stacks', () => {
    const generate = () => generateDeployment(compileRouteFiles(readers(400, () => 'arn:aws:sqs:eu-west-1:123456789012:shared')), { stackName: 'x' });
    expect(generate).toThrow(GeneratorError);
    expect(generate).toThrow(/^400 routes read queue arn:aws:sqs:eu-west-1:123456789012:shared \(route-0 on bucket-0, .* and 395 more\), but their buckets are placed in different stacks \(x-shard-/);
  }, 60_000);

  it('one queue per bucket splits freely', () => {
    const deployment = generateDeployment(compileRouteFiles(readers(400, (i) => `arn:aws:sqs:eu-west-1:123456789012:queue-${i}`)), { stackName: 'x' });
    expect(deployment.stacks.filter((s) => s.kind === 'shard').length).toBeGreaterThan(1);
  }, 60_000);
});
