/**
 * What `deploy` and `diff` share: validate the routes, generate the template, bundle the
 * router, put what CloudFormation needs in the code bucket, and create the change set.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Output } from '../cli/output.ts';
import { formatText } from '../cli/format-diagnostics.ts';
import { loadRoutes } from '../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../engine/load/route-set.ts';
import { generateTemplate } from '../generators/cloudformation/template.ts';
import { bundleLambda, type LambdaBundle } from './bundle.ts';
import { MAX_TEMPLATE_BODY_BYTES, createChangeSet, type ChangeSetRequest, type ChangeSetResult } from './changeset.ts';
import { deployClients, resolvedRegion, type DeployClients } from './clients.ts';
import { DeployError } from './errors.ts';
import { changeSetTypeFor, stackState } from './stack-state.ts';
import { bundleKey, defaultCodeBucketName, ensureCodeBucket, uploadBundle, uploadTemplate, type CodeBucket } from './upload.ts';
import { DEFAULT_WAIT, type WaitOptions } from './wait.ts';

export interface PlanOptions {
  routesDir: string;
  stackName: string;
  region?: string;
  /** Points every client at a stand-in such as moto (S3 path-style). */
  endpoint?: string;
  /** Default: switchyard-code-<account>-<region>, created when missing. */
  codeBucket?: string;
  out: Output;
  wait?: Partial<WaitOptions>;
}

export interface Plan {
  clients: DeployClients;
  wait: WaitOptions;
  bundle: LambdaBundle;
  changeSet: ChangeSetResult;
}

/** `uploadCode: false` (diff) only names the bundle by its hash; the change set does not need the object to exist. */
export async function planDeployment(options: PlanOptions, uploadCode: boolean): Promise<Plan> {
  const { out } = options;
  const wait = { ...DEFAULT_WAIT, ...options.wait };

  const loaded = loadRoutes(routeSetFromDisk([options.routesDir]));
  for (const d of loaded.diagnostics) out.stderr(formatText(d));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new DeployError('InvalidRoutes', `${errors.length} problem${errors.length === 1 ? '' : 's'} in the routes under ${options.routesDir}: nothing is deployed until they are fixed`);
  }

  const clients = deployClients(options);
  const region = await resolvedRegion(clients);
  const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  const account = identity.Account ?? '';
  out.stderr(`${uploadCode ? 'Deploying' : 'Comparing'} ${loaded.routes.length} route${loaded.routes.length === 1 ? '' : 's'} to stack ${options.stackName} (account ${account}, ${region}${options.endpoint ? `, endpoint ${options.endpoint}` : ''}).`);

  const template = JSON.stringify(generateTemplate(loaded.routes, { stackName: options.stackName, deployAccount: account, region }));

  const bundle = await bundleLambda({ routesDir: options.routesDir });
  out.stderr(`Bundled the router: handler.js ${formatBytes(bundle.bundleBytes)}, zip ${formatBytes(bundle.zipBytes)} (sha256 ${bundle.sha256.slice(0, 12)}).`);

  const bucket: CodeBucket = options.codeBucket !== undefined
    ? { name: options.codeBucket, region }
    : { name: defaultCodeBucketName(account, region), region, ...(account ? { owner: account } : {}) };
  const needsBucket = uploadCode || Buffer.byteLength(template) > MAX_TEMPLATE_BODY_BYTES;
  if (needsBucket) await ensureCodeBucket(clients.s3, bucket, out);
  if (uploadCode) {
    const uploaded = await uploadBundle(clients.s3, bucket, bundle);
    out.stderr(uploaded.uploaded ? `Uploaded s3://${uploaded.bucket}/${uploaded.key}.` : `s3://${uploaded.bucket}/${uploaded.key} is already there; not uploaded again.`);
  }

  const stack = await stackState(clients.cloudformation, options.stackName);
  const request: ChangeSetRequest = {
    stackName: options.stackName,
    changeSetType: changeSetTypeFor(options.stackName, stack),
    template: Buffer.byteLength(template) > MAX_TEMPLATE_BODY_BYTES ? { url: (await uploadTemplate(clients.s3, bucket, template)).url } : { body: template },
    parameters: { LambdaCodeBucket: bucket.name, LambdaCodeKey: bundleKey(bundle) },
    description: `switchyard deploy: ${loaded.routes.map((r) => r.name).join(', ')}`.slice(0, 1024),
  };
  const changeSet = await createChangeSet(clients.cloudformation, request, wait);
  return { clients, wait, bundle, changeSet };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
