/**
 * What `deploy` and `diff` share: validate the routes, place them into stacks, bundle each
 * stack's function with only its own routes, and find the deployment's stacks that exist.
 * Nothing is sent to CloudFormation here; `stage` puts a stack's code and (large) template
 * in the code bucket when its change set is about to be made.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Output } from '../cli/output.ts';
import { formatText } from '../cli/format-diagnostics.ts';
import { formatBytes } from '../engine/batch/progress.ts';
import { mapLimit } from '../engine/limiter.ts';
import { loadRoutes } from '../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../engine/load/route-set.ts';
import { generateDeployment, type DeploymentOptions, type StackTemplate } from '../generators/deployment.ts';
import { bundleLambda, type LambdaBundle } from './bundle.ts';
import { MAX_TEMPLATE_BODY_BYTES, type ChangeSetRequest } from './changeset.ts';
import { deployClients, resolvedRegion, type DeployClients } from './clients.ts';
import type { DesiredStack } from './desired-stack.ts';
import { DeployError } from './errors.ts';
import { existingStacks, stackTags, withTemplates, type ExistingStack } from './existing-stacks.ts';
import { prefixedOutput } from './prefixed-output.ts';
import { checkReservedConcurrency, reservationOf } from './reserved-concurrency.ts';
import { bundleKey, defaultCodeBucketName, ensureCodeBucket, uploadBundle, uploadTemplate, type CodeBucket } from './upload.ts';
import { DEFAULT_WAIT, type WaitOptions } from './wait.ts';

export interface PlanOptions {
  routesDir: string;
  /** The deployment's name: the stack name for a single stack, the prefix of every stack's name otherwise. */
  stackName: string;
  region?: string;
  /** Points every client at a stand-in such as moto (S3 path-style). */
  endpoint?: string;
  /** Default: switchyard-code-<account>-<region>, created when missing. */
  codeBucket?: string;
  /** Stacks worked on at once (change sets, executions, deletions). Default 4. */
  concurrency?: number;
  /** Executions each stack's function reserves, as `generate --reserved-concurrency`; 0 reserves none. Default: the generator's. */
  reservedConcurrency?: number;
  out: Output;
  wait?: Partial<WaitOptions>;
  /** The AWS clients to use; default: deployClients(region, endpoint). */
  clients?: DeployClients;
}

export interface Plan {
  clients: DeployClients;
  /** Where the deployment runs (its queues live there). */
  account: string;
  region: string;
  wait: WaitOptions;
  deployment: string;
  stacks: DesiredStack[];
  existing: Map<string, ExistingStack>;
  /** Uploads what a stack's change set reads; see StackWork.stage. */
  stage(stack: DesiredStack): Promise<ChangeSetRequest['template']>;
}

export const DEFAULT_CONCURRENCY = 4;
/** esbuild already uses every core; two builds at once keep both busy without thrashing. */
const BUNDLE_CONCURRENCY = 2;
/** The parameters through which a stack's function finds its code. */
const CODE_KEY = 'LambdaCodeKey';
const CODE_BUCKET = 'LambdaCodeBucket';

/** `uploadCode: false` (diff) only names each bundle by its hash; a change set does not need the object to exist. */
export async function planDeployment(options: PlanOptions, uploadCode: boolean): Promise<Plan> {
  const { out } = options;
  const wait = { ...DEFAULT_WAIT, ...options.wait };

  const loaded = loadRoutes(routeSetFromDisk([options.routesDir]));
  for (const d of loaded.diagnostics) out.stderr(formatText(d));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new DeployError('InvalidRoutes', `${errors.length} problem${errors.length === 1 ? '' : 's'} in the routes under ${options.routesDir}: nothing is deployed until they are fixed`);
  }

  const clients = options.clients ?? deployClients(options);
  const region = await resolvedRegion(clients);
  const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  const account = identity.Account ?? '';
  // The deployed templates say which logical ids the names already hold, so an added name never
  // takes a deployed one's id (generators/cloudformation/names.ts uniqueIdStems): read them first.
  const existing = await withTemplates(clients.cloudformation, await existingStacks(clients.cloudformation, options.stackName), options.concurrency ?? DEFAULT_CONCURRENCY);
  const deployedTemplates = new Map([...existing.values()].flatMap((stack) => (stack.template !== undefined ? [[stack.name, stack.template] as const] : [])));
  const deployment = generateDeployment(loaded.routes, { ...generationOptions(options, account, region), deployedTemplates });
  out.stderr(
    `${uploadCode ? 'Deploying' : 'Comparing'} ${loaded.routes.length} route${loaded.routes.length === 1 ? '' : 's'} in ${deployment.stacks.length} stack${deployment.stacks.length === 1 ? '' : 's'} of deployment ${deployment.name} (account ${account}, ${region}${options.endpoint ? `, endpoint ${options.endpoint}` : ''}).`,
  );

  const bucket: CodeBucket = options.codeBucket !== undefined
    ? { name: options.codeBucket, region }
    : { name: defaultCodeBucketName(account, region), region, ...(account ? { owner: account } : {}) };
  // The account's concurrency is checked while esbuild works. Nothing is created until both are
  // done: a deploy that stops here leaves no code bucket behind.
  const needsBucket = uploadCode || deployment.stacks.some((s) => Buffer.byteLength(s.body) > MAX_TEMPLATE_BODY_BYTES);
  const [bundles] = await Promise.all([
    bundleFunctions(options.routesDir, deployment.stacks, out),
    checkReservedConcurrency(clients.lambda, reservationOf(deployment.stacks.map((s) => s.template), existing), out, uploadCode),
  ]);
  if (needsBucket) await ensureCodeBucket(clients.s3, bucket, out);
  const stacks = deployment.stacks.map((stack) => desiredStack(deployment.name, stack, bucket, bundles.get(stack.name)));

  const stage = async (stack: DesiredStack): Promise<ChangeSetRequest['template']> => {
    const bundle = bundles.get(stack.name);
    if (uploadCode && bundle) {
      const uploaded = await uploadBundle(clients.s3, bucket, bundle);
      prefixedOutput(out, stack.name).stderr(uploaded.uploaded ? `Uploaded s3://${uploaded.bucket}/${uploaded.key}.` : `s3://${uploaded.bucket}/${uploaded.key} is already there; not uploaded again.`);
    }
    if (Buffer.byteLength(stack.body) <= MAX_TEMPLATE_BODY_BYTES) return { body: stack.body };
    return { url: (await uploadTemplate(clients.s3, bucket, stack.body)).url };
  };
  return { clients, account, region, wait, deployment: deployment.name, stacks, existing, stage };
}

/** What the templates are generated with: the same as `generate --stack --account --region --reserved-concurrency` given these figures. */
export function generationOptions(options: Pick<PlanOptions, 'stackName' | 'reservedConcurrency'>, account: string, region: string): DeploymentOptions {
  return {
    stackName: options.stackName,
    deployAccount: account,
    region,
    ...(options.reservedConcurrency !== undefined ? { function: { reservedConcurrency: options.reservedConcurrency } } : {}),
  };
}

/** One bundle per stack whose template takes a code key, holding only that stack's routes; stacks with the same routes share one. */
async function bundleFunctions(routesDir: string, stacks: StackTemplate[], out: Output): Promise<Map<string, LambdaBundle>> {
  const withCode = stacks.filter((s) => s.template.Parameters?.[CODE_KEY] !== undefined);
  const byRoutes = new Map<string, Promise<LambdaBundle>>();
  const bundled = await mapLimit(withCode, BUNDLE_CONCURRENCY, async (stack) => {
    const key = [...stack.routes].sort().join('\n');
    let bundle = byRoutes.get(key);
    if (!bundle) {
      bundle = bundleLambda({ routesDir, routeNames: stack.routes });
      byRoutes.set(key, bundle);
    }
    const done = await bundle;
    prefixedOutput(out, stack.name).stderr(
      `Bundled ${stack.routes.length} route${stack.routes.length === 1 ? '' : 's'}: code ${formatBytes(done.bundleBytes)} (${formatBytes(done.startupBytes)} read at cold start), zip ${formatBytes(done.zipBytes)} (sha256 ${done.sha256.slice(0, 12)}).`,
    );
    return [stack.name, done] as const;
  });
  return new Map(bundled);
}

function desiredStack(deployment: string, stack: StackTemplate, bucket: CodeBucket, bundle: LambdaBundle | undefined): DesiredStack {
  const declared = stack.template.Parameters ?? {};
  const parameters: Record<string, string> = {};
  if (bundle) parameters[CODE_KEY] = bundleKey(bundle);
  if (CODE_BUCKET in declared) parameters[CODE_BUCKET] = bucket.name;
  return { name: stack.name, kind: stack.kind, routes: stack.routes, dependsOn: stack.dependsOn, body: stack.body, parameters, tags: stackTags(deployment, stack.kind) };
}
