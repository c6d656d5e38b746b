/**
 * The seed routes deployed to moto with `switchyard deploy` itself, and what the soak needs to
 * run them: the stack as `status`/`replay` see it, the function's own zip (from the code
 * bucket, as Lambda would fetch it), and the notification queue of each source bucket. moto's own
 * event source mappings are disabled (moto-mappings.ts): whoever uses the stack is the mapping.
 */
import { CloudFormationClient, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Output } from '../../cli/output.ts';
import { deploy } from '../../deploy/deploy.ts';
import { findDeployment, type DeployedStack } from '../../deploy/ops/deployment.ts';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import { notificationSources } from '../../generators/cloudformation/sources.ts';
import { disableMotoEventSourceMappings } from './moto-mappings.ts';

export interface DeployedSeedStack {
  stack: DeployedStack;
  zip: Buffer;
  functionArn: string;
  /** Source bucket → its notification queue URL. */
  notificationQueues: Map<string, string>;
  /** Logical id → physical id of every resource. */
  resources: Map<string, string>;
  /** The queues whose moto event source mapping was disabled. */
  mappingsDisabled: string[];
}

export const NOTIFICATION_BUCKETS = ['artifacts-source', 'global-builds', 'metadata-trigger-bucket'];

export async function deploySeedStack(options: { endpoint: string; region: string; stackName: string; routesDir?: string; s3: S3Client }): Promise<DeployedSeedStack> {
  const lines: string[] = [];
  const out: Output = { isTTY: false, stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) };
  const routesDir = options.routesDir ?? 'routes';
  const code = await deploy({ routesDir, stackName: options.stackName, region: options.region, endpoint: options.endpoint, yes: true, out, wait: { pollIntervalMs: 100, timeoutMs: 60_000 } });
  if (code !== 0) throw new Error(`deploy of the seed routes to moto failed:\n${lines.join('\n')}`);
  const cfn = new CloudFormationClient({ region: options.region, endpoint: options.endpoint });
  // The seed routes fit one shard: its function, code and queues; the state bucket is the core's.
  const deployment = await findDeployment(cfn, options.stackName);
  const shard = deployment.stacks.find((s) => s.functionName !== undefined);
  if (!shard?.code || !shard.functionName || !deployment.stateBucket) throw new Error(`deployment ${options.stackName} lacks a function with its code parameters, or a state bucket`);
  const stack: DeployedStack = { ...shard, stateBucket: deployment.stateBucket };
  const summaries: StackResourceSummary[] = [];
  for (const s of deployment.stacks) summaries.push(...((await cfn.send(new ListStackResourcesCommand({ StackName: s.name }))).StackResourceSummaries ?? []));
  if (!stack.code || !stack.functionName) throw new Error(`stack ${shard.name} lacks its code parameters or function`);
  const object = await options.s3.send(new GetObjectCommand({ Bucket: stack.code.bucket, Key: stack.code.key }));
  const zip = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
  const resources = new Map(summaries.map((r) => [r.LogicalResourceId ?? '', r.PhysicalResourceId ?? '']));
  // Each intake queue's logical id as the generator gives it: a bucket's stem is not always its plain pascal form (names.ts uniqueIdStems).
  const intakeQueueIds = new Map(notificationSources(shard.name, loadRoutes(routeSetFromDisk([routesDir])).routes).map((source) => [source.bucket, source.queueId]));
  const notificationQueues = new Map<string, string>();
  for (const bucket of NOTIFICATION_BUCKETS) {
    const id = intakeQueueIds.get(bucket);
    const url = id === undefined ? undefined : resources.get(id);
    if (url) notificationQueues.set(bucket, url);
  }
  const mappingsDisabled = await disableMotoEventSourceMappings(options.endpoint, stack.functionName);
  return { stack, zip, mappingsDisabled, functionArn: `arn:aws:lambda:${options.region}:123456789012:function:${stack.functionName}`, notificationQueues, resources };
}
