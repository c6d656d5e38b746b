/**
 * planDeployment with stand-ins for AWS: the account's unreserved concurrency is checked before
 * anything is created, so a deploy that stops on it leaves no code bucket behind.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { DeployClients } from '../../../deploy/clients.ts';
import type { AccountConcurrency } from '../../../deploy/lambda-account.ts';
import { stackTags } from '../../../deploy/existing-stacks.ts';
import { planDeployment } from '../../../deploy/plan.ts';
import { capture } from '../../support/captured-output.ts';
import { FakeStacks } from './fake-stacks.ts';

/** Every AWS request in the order it was answered; GetAccountSettings answers a little late, as a real round trip does. */
function standIns(account: AccountConcurrency, cfn = new FakeStacks()): { clients: DeployClients; answered: string[] } {
  const answered: string[] = [];
  const s3 = async (command: { constructor: { name: string } }): Promise<object> => {
    const name = command.constructor.name.replace(/Command$/, '');
    answered.push(name);
    if (name === 'HeadBucket') throw Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    return {};
  };
  const clients: DeployClients = {
    cloudformation: { send: cfn.client.send, config: { region: async () => 'eu-west-1' } } as unknown as CloudFormationClient,
    s3: { send: s3 } as unknown as S3Client,
    sts: { send: async () => ({ Account: '111122223333' }) } as unknown as STSClient,
    lambda: {
      concurrency: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        answered.push('GetAccountSettings');
        return account;
      },
    },
  };
  return { clients, answered };
}

describe('planDeployment: the concurrency check comes before anything is created', () => {
  it('a check that fails stops deploy with nothing created: no code bucket left behind', async () => {
    const { clients, answered } = standIns({ limit: 1000, unreserved: 100 });
    await expect(planDeployment({ routesDir: 'routes', stackName: 'plan-test', out: capture(), clients }, true)).rejects.toMatchObject({ code: 'ConcurrencyQuota' });
    expect(answered).toContain('GetAccountSettings');
    expect(answered).not.toContain('CreateBucket');
  }, 120_000);

  it('a check that passes is answered before the code bucket is looked for and created', async () => {
    const { clients, answered } = standIns({ limit: 1000, unreserved: 1000 });
    await planDeployment({ routesDir: 'routes', stackName: 'plan-test', out: capture(), clients }, true);
    expect(answered.filter((name) => ['GetAccountSettings', 'HeadBucket', 'CreateBucket'].includes(name))).toEqual(['GetAccountSettings', 'HeadBucket', 'CreateBucket']);
  }, 120_000);
});

describe('planDeployment: names keep the logical ids their deployed stack gave them', () => {
  /** A route on `bucket`; the bucket names below drop to the same letters and digits (`Data1x`). */
  const routeOn = (bucket: string): string => `name: from-${bucket}\nsource: { bucket: ${bucket}, trigger: s3-notification }\nactions:\n  - copy: { id: copy, to: archive-${bucket}, key: $key }\n`;

  it('adding data1x next to a deployed data-1x leaves data-1x on its ids (a moved id would fail the update: its queue name exists)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-plan-'));
    try {
      mkdirSync(path.join(dir, 'routes'));
      writeFileSync(path.join(dir, 'routes', 'data-1x.yaml'), routeOn('data-1x'));
      const routesDir = path.join(dir, 'routes');
      const cfn = new FakeStacks();
      const first = await planDeployment({ routesDir, stackName: 'ids', out: capture(), clients: standIns({ limit: 1000, unreserved: 1000 }, cfn).clients }, false);
      for (const stack of first.stacks) cfn.addStack(stack.name, stack.body, {}, stackTags('ids', stack.kind));
      const queueIdOf = (body: string, bucket: string): string | undefined =>
        Object.entries((JSON.parse(body) as { Resources: Record<string, { Type: string; Properties?: { QueueName?: string } }> }).Resources).find(
          ([, resource]) => resource.Type === 'AWS::SQS::Queue' && resource.Properties?.QueueName?.endsWith(`-${bucket}-events`),
        )?.[0];
      const shardOf = (plan: typeof first) => plan.stacks.find((stack) => queueIdOf(stack.body, 'data-1x') !== undefined);
      const deployedId = queueIdOf(shardOf(first)?.body ?? '', 'data-1x');
      expect(deployedId).toBe('Data1xNotificationQueue');

      writeFileSync(path.join(dir, 'routes', 'data1x.yaml'), routeOn('data1x'));
      const second = await planDeployment({ routesDir, stackName: 'ids', out: capture(), clients: standIns({ limit: 1000, unreserved: 1000 }, cfn).clients }, false);
      const body = shardOf(second)?.body ?? '';

      expect(queueIdOf(body, 'data-1x')).toBe(deployedId);
      expect(queueIdOf(body, 'data1x')).toMatch(/^Data1x[0-9a-f]{8}NotificationQueue$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
