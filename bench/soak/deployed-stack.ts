/**
 * The seed routes deployed to moto with `switchyard deploy` itself, and what the soak needs to
 * run them: the stack as `status`/`replay` see it, the function's own zip (from the code
 * bucket, as Lambda would fetch it), and the notification queue of each source bucket.
 */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Output } from '../../cli/output.ts';
import { deploy } from '../../deploy/deploy.ts';
import { describeStack, type DeployedStack } from '../../deploy/ops/deployment.ts';
import { logicalId } from '../../generators/cloudformation/names.ts';

export interface DeployedSeedStack {
  stack: DeployedStack;
  zip: Buffer;
  functionArn: string;
  /** Source bucket → its notification queue URL. */
  notificationQueues: Map<string, string>;
  /** Logical id → physical id of every resource. */
  resources: Map<string, string>;
}

export const NOTIFICATION_BUCKETS = ['artifacts-source', 'global-builds', 'metadata-trigger-bucket'];

export async function deploySeedStack(options: { endpoint: string; region: string; stackName: string; routesDir?: string; s3: S3Client }): Promise<DeployedSeedStack> {
  const lines: string[] = [];
  const out: Output = { isTTY: false, stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) };
  const code = await deploy({ routesDir: options.routesDir ?? 'routes', stackName: options.stackName, region: options.region, endpoint: options.endpoint, yes: true, out, wait: { pollIntervalMs: 100, timeoutMs: 60_000 } });
  if (code !== 0) throw new Error(`deploy of the seed routes to moto failed:\n${lines.join('\n')}`);
  const cfn = new CloudFormationClient({ region: options.region, endpoint: options.endpoint });
  const described = (await cfn.send(new DescribeStacksCommand({ StackName: options.stackName }))).Stacks?.[0];
  const summaries = (await cfn.send(new ListStackResourcesCommand({ StackName: options.stackName }))).StackResourceSummaries ?? [];
  if (!described) throw new Error(`stack ${options.stackName} is not there after deploy`);
  const stack = describeStack(described, summaries);
  if (!stack.code || !stack.stateBucket || !stack.functionName) throw new Error(`stack ${options.stackName} lacks its code parameters, state bucket or function`);
  const object = await options.s3.send(new GetObjectCommand({ Bucket: stack.code.bucket, Key: stack.code.key }));
  const zip = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
  const resources = new Map(summaries.map((r) => [r.LogicalResourceId ?? '', r.PhysicalResourceId ?? '']));
  const notificationQueues = new Map<string, string>();
  for (const bucket of NOTIFICATION_BUCKETS) {
    const url = resources.get(logicalId(bucket, 'NotificationQueue'));
    if (url) notificationQueues.set(bucket, url);
  }
  return { stack, zip, functionArn: `arn:aws:lambda:${options.region}:123456789012:function:${stack.functionName}`, notificationQueues, resources };
}
