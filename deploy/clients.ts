/**
 * The SDK clients `deploy` and `diff` use. With `endpoint` (a local stand-in such as moto)
 * every client points at it and S3 uses path-style addressing.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { lambdaAccount, type LambdaAccount } from './lambda-account.ts';

/** The SDK's standard retry (exponential backoff with jitter, up to 20 s apart) gets this many attempts. */
export const CLOUDFORMATION_ATTEMPTS = 10;

export interface DeployTarget {
  /** Defaults to the SDK's own resolution (AWS_REGION, profile). */
  region?: string;
  endpoint?: string;
}

export interface DeployClients {
  cloudformation: CloudFormationClient;
  s3: S3Client;
  sts: STSClient;
  /** Depths of the queues a bucket move deletes (queue-depths.ts); absent in stand-ins that do not need it. */
  sqs?: SQSClient;
  /** GetAccountSettings only (signed here: there is no Lambda SDK client in the dependencies). */
  lambda: LambdaAccount;
}

export function deployClients(target: DeployTarget): DeployClients {
  const common = {
    ...(target.region !== undefined ? { region: target.region } : {}),
    ...(target.endpoint !== undefined ? { endpoint: target.endpoint } : {}),
  };
  const sts = new STSClient(common);
  return {
    // Many stacks are polled at once: CloudFormation throttles Describe* calls per account, and a
    // throttled poll must wait and ask again rather than fail a stack that is deploying fine.
    cloudformation: new CloudFormationClient({ ...common, maxAttempts: CLOUDFORMATION_ATTEMPTS }),
    s3: new S3Client({ ...common, forcePathStyle: target.endpoint !== undefined }),
    sts,
    sqs: new SQSClient(common),
    lambda: lambdaAccount({
      region: () => sts.config.region(),
      credentials: () => sts.config.credentials(),
      ...(target.endpoint !== undefined ? { endpoint: target.endpoint } : {}),
    }),
  };
}

/** The region the clients actually use (explicit, or what the SDK resolved from the environment). */
export async function resolvedRegion(clients: DeployClients): Promise<string> {
  return clients.cloudformation.config.region();
}
