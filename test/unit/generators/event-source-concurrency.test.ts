import { describe, expect, it } from 'vitest';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import { eventSourceConcurrency } from '../../../generators/cloudformation/triggers.ts';
import type { CfnTemplate } from '../../../generators/cloudformation/types.ts';
import { generateDeployment } from '../../../generators/deployment.ts';
import { compileRouteFiles } from './synthetic-routes.ts';

/** `count` routes, each on its own bucket with trigger s3-notification (one intake queue each), plus one reading an existing queue. */
function routesOnQueues(count: number): ReturnType<typeof compileRouteFiles> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    files[`routes/n${i}.yaml`] = `name: n${i}\nsource: { bucket: drop-${i}, trigger: s3-notification }\nactions:\n  - copy: { to: out-bucket, key: $key }\n`;
  }
  files['routes/from-queue.yaml'] = 'name: from-queue\nsource: { bucket: via-queue, trigger: sqs, queueArn: "arn:aws:sqs:eu-west-1:111111111111:feed" }\nactions:\n  - copy: { to: out-bucket, key: $key }\n';
  return compileRouteFiles(files);
}

function maximumConcurrencies(template: CfnTemplate): number[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
    .map((r) => (r.Properties?.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency);
}

describe('eventSourceConcurrency', () => {
  const cases: Array<{ name: string; reserved: number; sources: number; expected: number }> = [
    { name: 'one source polls with the whole reservation', reserved: 50, sources: 1, expected: 50 },
    { name: 'five sources share 50 as 10 each', reserved: 50, sources: 5, expected: 10 },
    { name: 'a share is rounded down, never over the reservation', reserved: 50, sources: 3, expected: 16 },
    { name: 'below 2 each source still polls with 2, the least AWS takes', reserved: 50, sources: 30, expected: 2 },
    { name: 'a reservation of 1 still gives 2', reserved: 1, sources: 1, expected: 2 },
    { name: 'no reservation: the most AWS takes', reserved: 0, sources: 4, expected: 1000 },
    { name: 'a reservation over 1000 is capped at 1000', reserved: 5000, sources: 1, expected: 1000 },
  ];
  for (const c of cases) it(c.name, () => expect(eventSourceConcurrency(c.reserved, c.sources)).toBe(c.expected));
});

describe("a stack's SQS event sources together", () => {
  it('poll for no more executions than the function reserves (intake queues and queues routes read alike)', () => {
    const template = generateTemplate(routesOnQueues(4), { function: { reservedConcurrency: 50 } });
    const values = maximumConcurrencies(template);
    expect(values).toEqual([10, 10, 10, 10, 10]);
    expect(values.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(50);
  });

  it('are named in a warning when 2 each is more than the reservation, and not otherwise', () => {
    const over = generateDeployment(routesOnQueues(30), { function: { reservedConcurrency: 50 } }).stacks.filter((s) => s.kind === 'shard');
    expect(over.flatMap((s) => s.warnings)).toEqual([expect.stringMatching(/^31 SQS event sources share a reserved concurrency of 50: .*--reserved-concurrency to 62/)]);
    const fits = generateDeployment(routesOnQueues(4), { function: { reservedConcurrency: 50 } });
    expect(fits.stacks.flatMap((s) => s.warnings)).toEqual([]);
  });
});
