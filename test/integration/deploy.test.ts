/**
 * `switchyard deploy` / `diff` through the real SDK against moto: the seed routes create their
 * deployment (a core stack and the shard holding the routes), an unchanged redeploy is "no
 * changes" without a change set, and an edited route gives an UPDATE change set on its stack
 * alone holding exactly the resources the edit touches.
 *
 * moto's gaps shape the checks: its CloudFormation emits stack-level events only, returns no
 * Outputs after ExecuteChangeSet, lists parameter-only changes as no resource change, keeps
 * executed change sets, refuses an unchanged UPDATE outright, and lists the resources it does
 * not model (alarms, queue and bucket policies, EventInvokeConfig) without a logical id — so
 * the kinds it does model are checked by logical id through ListStackResources.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  type ChangeSetSummary,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from '../../cli/output.ts';
import { createChangeSet, discardChangeSet, MAX_TEMPLATE_BODY_BYTES } from '../../deploy/changeset.ts';
import { deployCommand, diffCommand, type DeployOptions } from '../../deploy/deploy.ts';
import { ensureCodeBucket, uploadTemplate } from '../../deploy/upload.ts';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import type { CfnTemplate } from '../../generators/cloudformation/types.ts';
import { generateDeployment, type StackTemplate } from '../../generators/deployment.ts';
import { createAwsTestEnv, TEST_ACCOUNT, TEST_REGION, type AwsTestEnv } from './support/aws-env.ts';
import { startMoto, type MotoServer } from './support/moto.ts';
import { motoGet } from './support/moto-rest.ts';
import { capture } from '../support/captured-output.ts';

const SEED_ROUTES = path.resolve('routes');
const DEPLOYMENT = 'switchyard-it';
const CORE = `${DEPLOYMENT}-core`;

let moto: MotoServer;
let aws: AwsTestEnv;
let cfn: CloudFormationClient;
let workDir: string;

beforeAll(async () => {
  moto = await startMoto();
  aws = createAwsTestEnv(moto.endpoint);
  cfn = new CloudFormationClient({ region: TEST_REGION, endpoint: moto.endpoint });
  workDir = mkdtempSync(path.join(tmpdir(), 'switchyard-deploy-'));
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});



function options(routesDir: string, out: Output, extra: Partial<DeployOptions> = {}): DeployOptions {
  return { routesDir, stackName: DEPLOYMENT, region: TEST_REGION, endpoint: moto.endpoint, yes: true, out, wait: { pollIntervalMs: 100, timeoutMs: 30_000 }, ...extra };
}

function stacksFor(routesDir: string): StackTemplate[] {
  const loaded = loadRoutes(routeSetFromDisk([routesDir]));
  return generateDeployment(loaded.routes, { stackName: DEPLOYMENT, deployAccount: TEST_ACCOUNT, region: TEST_REGION }).stacks;
}

/** The seed routes fit one shard: the stack that holds every route. */
function shardFor(routesDir: string): StackTemplate {
  const shards = stacksFor(routesDir).filter((s) => s.kind === 'shard');
  expect(shards).toHaveLength(1);
  return shards[0] as StackTemplate;
}

const SHARD = (): string => shardFor(SEED_ROUTES).name;

/** `Action  LogicalId  Type  Replacement` rows of the printed change table. */
function tableRows(lines: string[]): Array<{ action: string; logicalId: string; type: string; replacement: string }> {
  return lines
    .map((l) => l.split(/\s{2,}/))
    .filter((cells) => cells.length === 4 && ['Add', 'Modify', 'Remove'].includes(cells[0] ?? ''))
    .map(([action = '', logicalId = '', type = '', replacement = '']) => ({ action, logicalId, type, replacement }));
}

/** `stack  action  resources  status  reason` rows of the final table. */
function outcomeRows(lines: string[]): string[][] {
  return lines.map((l) => l.split(/\s{2,}/)).filter((cells) => cells.length === 5 && cells[0]?.startsWith(DEPLOYMENT));
}

async function stackResources(stackName: string): Promise<StackResourceSummary[]> {
  const listed = await cfn.send(new ListStackResourcesCommand({ StackName: stackName }));
  return listed.StackResourceSummaries ?? [];
}

async function stack(stackName: string) {
  const described = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return described.Stacks?.[0];
}

/** Names of the live stacks (moto lists deleted ones by id only). */
async function liveStacks(): Promise<string[]> {
  const described = await cfn.send(new DescribeStacksCommand({}));
  return (described.Stacks ?? []).map((s) => s.StackName ?? '').sort();
}

/** Change sets of the deployment's stacks (moto answers with every stack's, hence the filter). */
async function changeSets(): Promise<ChangeSetSummary[]> {
  const found = new Map<string, ChangeSetSummary>();
  for (const name of [CORE, SHARD()]) {
    const listed = await cfn.send(new ListChangeSetsCommand({ StackName: name })).catch((error: unknown) => {
      if (/does not exist/.test(String(error))) return { Summaries: [] };
      throw error;
    });
    for (const summary of listed.Summaries ?? []) if (summary.StackName === name) found.set(summary.ChangeSetId ?? '', summary);
  }
  return [...found.values()];
}

/** Change sets neither executed nor deleted (moto keeps executed ones listed; CloudFormation does not). */
async function changeSetsLeft(): Promise<number> {
  return (await changeSets()).filter((s) => s.ExecutionStatus !== 'EXECUTE_COMPLETE').length;
}

/** Logical ids whose definition differs between two templates. */
function changedResources(before: CfnTemplate, after: CfnTemplate): string[] {
  const ids = new Set([...Object.keys(before.Resources), ...Object.keys(after.Resources)]);
  return [...ids].filter((id) => JSON.stringify(before.Resources[id]) !== JSON.stringify(after.Resources[id])).sort();
}

// The cases build on each other (create → unchanged → update), so they run in order.
describe('switchyard deploy against moto', () => {
  it('refuses to execute without --yes when there is no terminal to ask, and leaves no stack behind', async () => {
    const io = capture();
    const code = await deployCommand(options(SEED_ROUTES, io, { yes: false }));
    expect(code).toBe(1);
    expect(io.err.join('\n')).toMatch(/--yes/);
    expect(tableRows(io.out).length).toBeGreaterThan(0);
    expect(await liveStacks()).toEqual([]);
  }, 60_000);

  it('diff of a deployment that does not exist lists every resource of every stack as Add and leaves no stack behind', async () => {
    const io = capture();
    expect(await diffCommand(options(SEED_ROUTES, io))).toBe(0);
    const stacks = stacksFor(SEED_ROUTES);
    expect(stacks.map((s) => s.kind)).toEqual(['core', 'shard']);
    for (const s of stacks) expect(io.out).toContain(`Stack ${s.name} (create${s.routes.length > 0 ? `, ${s.routes.length} routes` : ''}):`);
    const expected = stacks.flatMap((s) => Object.keys(s.template.Resources)).sort();
    const rows = tableRows(io.out);
    expect(rows.map((r) => r.logicalId).sort()).toEqual(expected);
    expect(new Set(rows.map((r) => r.action))).toEqual(new Set(['Add']));
    expect(outcomeRows(io.out).map((r) => r.slice(0, 2))).toEqual(stacks.map((s) => [s.name, 'create']));
    expect(await liveStacks()).toEqual([]);
  }, 60_000);

  it('deploys the seed routes: the core, then the shard with the function, its role, the rules, the queues and the two APIs', async () => {
    const io = capture();
    const code = await deployCommand(options(SEED_ROUTES, io));
    expect({ code, err: io.err }).toMatchObject({ code: 0 });

    const shard = shardFor(SEED_ROUTES);
    expect(await liveStacks()).toEqual([CORE, shard.name].sort());
    for (const name of [CORE, shard.name]) {
      const created = await stack(name);
      expect(created?.StackStatus, name).toBe('CREATE_COMPLETE');
      expect(created?.Tags, name).toEqual(expect.arrayContaining([{ Key: 'switchyard:deployment', Value: DEPLOYMENT }]));
      expect(io.out.some((l) => l.startsWith(`[${name}] `) && l.endsWith(`CREATE_COMPLETE       ${name}`)), `progress lines of ${name} carry its name`).toBe(true);
    }
    expect(outcomeRows(io.out).map((r) => [r[0], r[1], r[3]])).toEqual([
      [CORE, 'create', 'CREATE_COMPLETE'],
      [shard.name, 'create', 'CREATE_COMPLETE'],
    ]);
    // The core is created before anything of the shard starts.
    const firstShardLine = io.out.findIndex((l) => l.startsWith(`[${shard.name}] `));
    expect(io.out.findIndex((l) => l.startsWith(`[${CORE}] `) && l.includes('CREATE_COMPLETE'))).toBeLessThan(firstShardLine);

    const resources = new Map((await stackResources(shard.name)).map((r) => [r.LogicalResourceId, r]));
    for (const type of ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::Events::Rule', 'AWS::SQS::Queue']) {
      const ids = Object.entries(shard.template.Resources).filter(([, r]) => r.Type === type).map(([id]) => id);
      expect(ids.length, `the seed shard has a ${type}`).toBeGreaterThan(0);
      for (const id of ids) {
        expect(resources.get(id), `${id} (${type}) is in the stack`).toMatchObject({ ResourceType: type, ResourceStatus: 'CREATE_COMPLETE' });
        expect(resources.get(id)?.PhysicalResourceId, `${id} has a physical id`).toBeTruthy();
      }
    }
    for (const s of stacksFor(SEED_ROUTES)) {
      const listed = await stackResources(s.name);
      expect(listed.length, `one stack resource per template resource in ${s.name}`).toBe(Object.keys(s.template.Resources).length);
      expect(listed.filter((r) => r.ResourceStatus !== 'CREATE_COMPLETE')).toEqual([]);
    }

    // The queues are real queues, not just stack records.
    const queueNames = Object.values(shard.template.Resources).filter((r) => r.Type === 'AWS::SQS::Queue').map((r) => r.Properties?.QueueName);
    for (const name of queueNames.filter((n): n is string => typeof n === 'string')) {
      const found = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      expect(found.QueueUrl, `queue ${name}`).toContain(name);
    }

    // Seed 003's runs also start over HTTPS: POST /runs, IAM auth, straight to StartExecution of its state machine.
    const apis = await motoGet<{ item?: Array<{ id: string; name: string }> }>(moto.endpoint, 'apigateway', '/restapis');
    const api = apis.item?.find((a) => a.name === `${shard.name}-cross-account-batch`);
    expect(api, 'the backfill API of cross-account-batch').toBeDefined();
    const apiResources = await motoGet<{ item?: Array<{ id: string; path: string; resourceMethods?: Record<string, unknown> }> }>(moto.endpoint, 'apigateway', `/restapis/${api?.id ?? ''}/resources`);
    const runs = apiResources.item?.find((r) => r.path === '/runs');
    expect(Object.keys(runs?.resourceMethods ?? {})).toEqual(['POST']);
    const method = await motoGet<{ authorizationType?: string; methodIntegration?: { type?: string; uri?: string; httpMethod?: string } }>(moto.endpoint, 'apigateway', `/restapis/${api?.id ?? ''}/resources/${runs?.id ?? ''}/methods/POST`);
    expect(method).toMatchObject({ authorizationType: 'AWS_IAM', methodIntegration: { type: 'AWS', httpMethod: 'POST', uri: `arn:aws:apigateway:${TEST_REGION}:states:action/StartExecution` } });
    // Seed 002's manual invocations over HTTPS: POST /invocations, IAM auth, an asynchronous Invoke of the shard's function.
    const invocations = apis.item?.find((a) => a.name === `${shard.name}-global-builds-invocations`);
    const invocationPaths = await motoGet<{ item?: Array<{ id: string; path: string }> }>(moto.endpoint, 'apigateway', `/restapis/${invocations?.id ?? ''}/resources`);
    const post = invocationPaths.item?.find((r) => r.path === '/invocations');
    const invoke = await motoGet<{ authorizationType?: string; methodIntegration?: { uri?: string } }>(moto.endpoint, 'apigateway', `/restapis/${invocations?.id ?? ''}/resources/${post?.id ?? ''}/methods/POST`);
    expect(invoke.authorizationType).toBe('AWS_IAM');
    expect(invoke.methodIntegration?.uri).toMatch(new RegExp(`^arn:aws:apigateway:${TEST_REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:[^/]+/invocations$`));

    // The function's code parameters name the uploaded bundle.
    const parameters = Object.fromEntries(((await stack(shard.name))?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
    expect(parameters.LambdaCodeKey).toMatch(/^switchyard\/[0-9a-f]{64}\.zip$/);
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: parameters.LambdaCodeBucket, Key: parameters.LambdaCodeKey }));
    expect(head.ContentLength).toBeGreaterThan(0);
    expect(await changeSetsLeft()).toBe(0);
  }, 120_000);

  it('deploying the same routes again says there is nothing to change, makes no change set and exits 0', async () => {
    const changeSetsBefore = (await changeSets()).length;
    const io = capture();
    expect(await deployCommand(options(SEED_ROUTES, io))).toBe(0);
    expect(io.out.join('\n')).toMatch(/^No changes/m);
    expect(outcomeRows(io.out)).toEqual([
      [CORE, 'unchanged', '0', 'CREATE_COMPLETE', '-'],
      [SHARD(), 'unchanged', '0', 'CREATE_COMPLETE', '-'],
    ]);
    expect((await changeSets()).length, 'no change set was created').toBe(changeSetsBefore);
    expect(tableRows(io.out)).toEqual([]);
    expect((await stack(SHARD()))?.StackStatus).toBe('CREATE_COMPLETE');
    expect(await changeSetsLeft()).toBe(0);
  }, 60_000);

  it('an edited route gives an UPDATE change set with exactly the resources the edit touches', async () => {
    const edited = path.join(workDir, 'routes');
    cpSync(SEED_ROUTES, edited, { recursive: true });
    const file = path.join(edited, 'change-notifications.yaml');
    const before = readFileSync(file, 'utf8');
    const after = before.replace('{ name: change-notifications-hts, maxReceiveCount: 5,', '{ name: change-notifications-hts, maxReceiveCount: 7,');
    expect(after).not.toBe(before);
    writeFileSync(file, after);

    const shard = SHARD();
    const expected = changedResources(shardFor(SEED_ROUTES).template, shardFor(edited).template);
    const editedQueue = Object.entries(shardFor(edited).template.Resources).find(([, r]) => r.Properties?.QueueName === 'change-notifications-hts')?.[0];
    expect(expected, 'the edit changes only the queue it names').toEqual([editedQueue]);
    expect(stacksFor(edited).find((s) => s.kind === 'core')?.body, 'and not the core').toBe(stacksFor(SEED_ROUTES).find((s) => s.kind === 'core')?.body);

    const diffIo = capture();
    expect(await diffCommand(options(edited, diffIo))).toBe(0);
    expect(tableRows(diffIo.out)).toEqual(expected.map((id) => ({ action: 'Modify', logicalId: id, type: 'AWS::SQS::Queue', replacement: 'no' })));
    expect(outcomeRows(diffIo.out).map((r) => r.slice(0, 3))).toEqual([
      [CORE, 'unchanged', '0'],
      [shard, 'update', '1'],
    ]);
    expect(await changeSetsLeft()).toBe(0);
    expect((await stack(shard))?.StackStatus).toBe('CREATE_COMPLETE');

    const io = capture();
    expect(await deployCommand(options(edited, io))).toBe(0);
    expect(tableRows(io.out).map((r) => `${r.action} ${r.logicalId}`)).toEqual(expected.map((id) => `Modify ${id}`));
    expect(io.out.some((l) => l.startsWith(`[${shard}] `) && l.endsWith(`UPDATE_COMPLETE       ${shard}`))).toBe(true);
    expect((await stack(shard))?.StackStatus).toBe('UPDATE_COMPLETE');
    expect((await stack(CORE))?.StackStatus).toBe('CREATE_COMPLETE');
  }, 120_000);

  it('a declined confirmation deletes the change set and changes nothing', async () => {
    const edited = path.join(workDir, 'declined');
    cpSync(SEED_ROUTES, edited, { recursive: true });
    const file = path.join(edited, 'change-notifications.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('retention: 14d }', 'retention: 7d }'));
    let asked = 0;
    const io = capture();
    const code = await deployCommand(options(edited, io, { yes: false, confirm: async () => (asked++, false) }));
    expect({ code, asked }).toEqual({ code: 1, asked: 1 });
    expect(tableRows(io.out).length).toBeGreaterThan(0);
    expect(await changeSetsLeft()).toBe(0);
    expect((await stack(SHARD()))?.StackStatus).toBe('UPDATE_COMPLETE');
  }, 60_000);

  it('refuses invalid routes with their diagnostics before touching AWS', async () => {
    const broken = path.join(workDir, 'broken');
    cpSync(SEED_ROUTES, broken, { recursive: true });
    writeFileSync(path.join(broken, 'one-to-many.yaml'), 'name: one-to-many\nsource: { bucket: x, trigger: nowhere }\nactions: []\n');
    const io = capture();
    expect(await deployCommand(options(broken, io))).toBe(1);
    expect(io.err.some((l) => l.includes('one-to-many.yaml:'))).toBe(true);
    expect(io.err.at(-1)).toMatch(/nothing is deployed until they are fixed \[InvalidRoutes\]/);
  }, 60_000);

  it('a template over 51,200 bytes goes through S3 (TemplateURL) and still yields its changes', async () => {
    const { template, body } = shardFor(SEED_ROUTES);
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_TEMPLATE_BODY_BYTES);
    const bucket = { name: 'switchyard-templates-it', region: TEST_REGION };
    await ensureCodeBucket(aws.s3, bucket, capture());
    const { url } = await uploadTemplate(aws.s3, bucket, body);
    const result = await createChangeSet(
      cfn,
      { stackName: 'switchyard-it-url', changeSetType: 'CREATE', template: { url }, parameters: { LambdaCodeBucket: bucket.name, LambdaCodeKey: 'switchyard/none.zip' } },
      { pollIntervalMs: 100, timeoutMs: 30_000 },
    );
    expect(result.kind).toBe('changes');
    if (result.kind !== 'changes') return;
    expect(result.changes.map((c) => c.logicalId).sort()).toEqual(Object.keys(template.Resources).sort());
    await discardChangeSet(cfn, result);
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'switchyard-it-url' }))).rejects.toThrow(/does not exist/);
  }, 60_000);
});
