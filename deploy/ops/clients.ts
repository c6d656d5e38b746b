/**
 * The SDK clients `status` and `replay` use, all pointed at one region and, for a stand-in such
 * as moto, one endpoint (S3 path-style then).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAwsPorts } from '../../engine/ports/aws/index.ts';
import type { StoragePort } from '../../engine/ports/types.ts';
import { cloudWatchMetrics, type MetricsClient } from './cloudwatch.ts';
import { functionInvoker, type FunctionInvoker } from './function-invoke.ts';

export interface OpsTarget {
  region?: string;
  endpoint?: string;
}

export interface OpsClients {
  cloudformation: CloudFormationClient;
  s3: S3Client;
  sqs: SQSClient;
  metrics: MetricsClient;
  /** The router's own S3 storage port, for what the router itself writes (failure records). */
  storage: StoragePort;
  /** Lambda Invoke of a deployed function (replay --through-function). */
  invoke: FunctionInvoker;
}

export function opsClients(target: OpsTarget): OpsClients {
  const common = {
    ...(target.region !== undefined ? { region: target.region } : {}),
    ...(target.endpoint !== undefined ? { endpoint: target.endpoint } : {}),
  };
  const sqs = new SQSClient(common);
  const signing = {
    region: () => sqs.config.region(),
    credentials: () => sqs.config.credentials(),
    ...(target.endpoint !== undefined ? { endpoint: target.endpoint } : {}),
  };
  return {
    cloudformation: new CloudFormationClient(common),
    s3: new S3Client({ ...common, forcePathStyle: target.endpoint !== undefined }),
    sqs,
    storage: createAwsPorts(common).storage,
    metrics: cloudWatchMetrics(signing),
    invoke: functionInvoker(signing),
  };
}
