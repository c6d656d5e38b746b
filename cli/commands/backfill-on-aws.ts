/**
 * `switchyard backfill --route NAME --on aws`: start the route's deployed state machine (the
 * Distributed Map `generate` writes for batch routes) instead of copying in-process; with
 * `--wait`, follow the execution until it ends and print where its report is.
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { newRunId, runLocation, s3Uri } from '../../engine/batch/location.ts';
import { stateMachineName } from '../../engine/batch/step-payloads.ts';
import { UsageError } from '../../engine/errors.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { nearestName } from '../../engine/load/nearest-name.ts';
import type { Output } from '../output.ts';
import { loadValidRoutes } from './load-valid-routes.ts';

export interface BackfillOnAwsOptions {
  route: string;
  routes: string;
  /** The deployed stack's name (the prefix of the state machine's name). */
  stack: string;
  prefix?: string;
  endpoint?: string;
  region?: string;
  wait: boolean;
  json: boolean;
}

/** What tests change: the clock, the pause between polls and how long `--wait` waits. */
export interface BackfillOnAwsDeps {
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  pollIntervalMs?: number;
  maxWaitMs?: number;
}

export const POLL_INTERVAL_MS = 5_000;
/** `--wait` gives up after this long (the run goes on; the command says where to follow it). */
export const MAX_WAIT_MS = 12 * 3600 * 1000;

/** The words the Step Functions console shows for each execution status. */
const CONSOLE_STATUS: Record<string, string> = {
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  TIMED_OUT: 'Timed out',
  ABORTED: 'Aborted',
  PENDING_REDRIVE: 'Pending redrive',
};

interface RunSummary {
  route: string;
  stateMachineArn: string;
  executionArn: string;
  runId: string;
  input: { prefix?: string };
  status: string;
  console?: string;
  report?: string;
  error?: string;
  cause?: string;
}

export async function backfillOnAwsCommand(options: BackfillOnAwsOptions, out: Output, deps: BackfillOnAwsDeps = {}): Promise<number> {
  const routes = loadValidRoutes(options.routes, out);
  if (!routes) return 1;
  const route = batchRoute(routes, options);
  const config = { ...(options.endpoint ? { endpoint: options.endpoint } : {}), ...(options.region ? { region: options.region } : {}) };
  const sts = new STSClient(config);
  const sfn = new SFNClient(config);
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    const partition = identity.Arn?.split(':')[1] ?? 'aws';
    const region = await sfn.config.region();
    const name = stateMachineName(options.stack, route.name);
    const stateMachineArn = `arn:${partition}:states:${region}:${identity.Account ?? ''}:stateMachine:${name}`;
    const runId = newRunId((deps.now ?? (() => new Date()))());
    const input = options.prefix !== undefined ? { prefix: options.prefix } : {};
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: runId, input: JSON.stringify(input) }));
    const executionArn = started.executionArn ?? '';
    const summary: RunSummary = {
      route: route.name,
      stateMachineArn,
      executionArn,
      runId,
      input,
      status: 'RUNNING',
      ...(partition === 'aws' && !options.endpoint ? { console: `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}` } : {}),
    };
    if (!options.json) {
      out.stdout(`started backfill of ${route.name} on ${name}: run ${runId}${options.prefix !== undefined ? ` (prefix ${options.prefix})` : ''}`);
      out.stdout(`  execution: ${executionArn}`);
      if (summary.console) out.stdout(`  console:   ${summary.console}`);
      out.stdout(`  status:    ${consoleStatus('RUNNING')}`);
    }
    if (!options.wait) {
      if (options.json) out.stdout(JSON.stringify(summary));
      else out.stdout(`  report:    ${reportUri(route, runId)} (when the run ends; follow it with --wait or in the console)`);
      return 0;
    }
    const ended = await follow(sfn, summary, options, out, deps);
    if (ended === undefined) {
      const waited = Math.round((deps.maxWaitMs ?? MAX_WAIT_MS) / 1000);
      out.stderr(`switchyard backfill --on aws: run ${runId} is still ${consoleStatus(summary.status)} after ${waited} s; it goes on in Step Functions: ${summary.console ?? executionArn}`);
      if (options.json) out.stdout(JSON.stringify(summary));
      return 1;
    }
    finish(summary, ended, route);
    if (options.json) out.stdout(JSON.stringify(summary));
    else {
      if (summary.error !== undefined) out.stdout(`  error:     ${summary.error}${summary.cause ? `: ${summary.cause}` : ''}`);
      out.stdout(`  report:    ${summary.report ?? ''}`);
    }
    return summary.status === 'SUCCEEDED' ? 0 : 1;
  } catch (error) {
    const message = awsFailure(error, options, route);
    if (message === undefined) throw error;
    out.stderr(`switchyard backfill --on aws: ${message}`);
    if (options.json) out.stdout(JSON.stringify({ route: route.name, error: { message } }));
    return 1;
  } finally {
    sts.destroy();
    sfn.destroy();
  }
}

function batchRoute(routes: CompiledRoute[], options: BackfillOnAwsOptions): CompiledRoute {
  const route = routes.find((r) => r.name === options.route);
  if (!route) {
    const near = nearestName(options.route, routes.map((r) => r.name));
    throw new UsageError('SY303', `no route named '${options.route}' in ${options.routes}${near ? ` (did you mean '${near}'?)` : ''}`);
  }
  if (!route.definition.batch) throw new UsageError('SY300', `route ${route.name} has no batch section: add batch.manifests (s3://bucket/prefix/) to backfill it`);
  return route;
}

/** Polls until the execution ends (its last description) or the wait runs out (undefined); prints each change of status. */
async function follow(sfn: SFNClient, summary: RunSummary, options: BackfillOnAwsOptions, out: Output, deps: BackfillOnAwsDeps): Promise<DescribeExecutionCommandOutput | undefined> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const interval = deps.pollIntervalMs ?? POLL_INTERVAL_MS;
  const started = now().getTime();
  const deadline = started + (deps.maxWaitMs ?? MAX_WAIT_MS);
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: summary.executionArn }));
    const status = described.status ?? 'RUNNING';
    if (status !== summary.status) {
      const line = `  status:    ${consoleStatus(summary.status)} → ${consoleStatus(status)} after ${Math.round((now().getTime() - started) / 1000)} s`;
      if (options.json) out.stderr(line.trim());
      else out.stdout(line);
      summary.status = status;
    }
    if (status !== 'RUNNING') return described;
    if (now().getTime() + interval > deadline) return undefined;
    await sleep(interval);
  }
}

/** The report's URI from the execution's output; for a failed run (no output) where the report phase writes it. */
function finish(summary: RunSummary, ended: DescribeExecutionCommandOutput, route: CompiledRoute): void {
  summary.report = reportFromOutput(ended.output) ?? reportUri(route, summary.runId);
  if (ended.error !== undefined) summary.error = ended.error;
  if (ended.cause !== undefined) summary.cause = ended.cause;
}

function reportFromOutput(output: string | undefined): string | undefined {
  if (output === undefined) return undefined;
  try {
    const report = (JSON.parse(output) as { report?: { report?: unknown } }).report?.report;
    return typeof report === 'string' ? report : undefined;
  } catch {
    return undefined;
  }
}

function reportUri(route: CompiledRoute, runId: string): string {
  const location = runLocation(route, runId);
  return s3Uri(location.bucket, location.reportKey);
}

function consoleStatus(status: string): string {
  return CONSOLE_STATUS[status] ?? status;
}

/** A message for the person at the terminal when AWS said no; undefined for anything that is not an AWS answer. */
function awsFailure(error: unknown, options: BackfillOnAwsOptions, route: CompiledRoute): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const name = error.name;
  if (name === 'StateMachineDoesNotExist') {
    return `no state machine ${stateMachineName(options.stack, route.name)} in this account and region: deploy the routes first (switchyard deploy --stack ${options.stack}), or pass the --stack they were deployed with`;
  }
  if (name === 'ExecutionAlreadyExists') return `a run with this id already exists; start it again for a new id (${error.message})`;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `cannot reach AWS (${code}): ${error.message}`;
  const metadata = (error as { $metadata?: unknown }).$metadata;
  const credentials = name === 'CredentialsProviderError' || name === 'ProviderError';
  if (metadata === undefined && !credentials) return undefined;
  return `${name}: ${error.message}`;
}
