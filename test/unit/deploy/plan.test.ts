/**
 * planDeployment with stand-ins for AWS: the account's unreserved concurrency is checked before
 * anything is created, so a deploy that stops on it leaves no code bucket behind.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { DeployClients } from '../../../deploy/clients.ts';
import type { AccountConcurrency } from '../../../deploy/lambda-account.ts';
import { planDeployment } from '../../../deploy/plan.ts';
import { capture } from '../../support/captured-output.ts';
import { FakeStacks } from './fake-stacks.ts';

/** Every AWS request in the order it was answered; GetAccountSettings answers a little late, as a real round trip does. */
function standIns(account: AccountConcurrency): { clients: DeployClients; answered: string[] } {
  const answered: string[] = [];
  const cfn = new FakeStacks();
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
