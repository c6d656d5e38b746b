/**
 * `switchyard deploy` / `diff` through the real SDK against moto: the seed routes create the
 * stack, an unchanged redeploy is "no changes", and an edited route gives an UPDATE change set
 * holding exactly the resources the edit touches.
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
import { generateTemplate } from '../../generators/cloudformation/template.ts';
import type { CfnTemplate } from '../../generators/cloudformation/types.ts';
import { createAwsTestEnv, TEST_ACCOUNT, TEST_REGION, type AwsTestEnv } from './support/aws-env.ts';
import { startMoto, type MotoServer } from './support/moto.ts';

const SEED_ROUTES = path.resolve('routes');
const STACK = 'switchyard-it';

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

interface Captured extends Output {
  out: string[];
  err: string[];
}

function capture(): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, isTTY: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
}

function options(routesDir: string, out: Output, extra: Partial<DeployOptions> = {}): DeployOptions {
  return { routesDir, stackName: STACK, region: TEST_REGION, endpoint: moto.endpoint, yes: true, out, wait: { pollIntervalMs: 100, timeoutMs: 30_000 }, ...extra };
}

function templateFor(routesDir: string): CfnTemplate {
  const loaded = loadRoutes(routeSetFromDisk([routesDir]));
  return generateTemplate(loaded.routes, { stackName: STACK, deployAccount: TEST_ACCOUNT, region: TEST_REGION });
}

/** `Action  LogicalId  Type  Replacement` rows of the printed change table. */
function tableRows(lines: string[]): Array<{ action: string; logicalId: string; type: string; replacement: string }> {
  return lines
    .map((l) => l.split(/\s{2,}/))
    .filter((cells) => cells.length === 4 && ['Add', 'Modify', 'Remove'].includes(cells[0] ?? ''))
    .map(([action = '', logicalId = '', type = '', replacement = '']) => ({ action, logicalId, type, replacement }));
}

async function stackResources(): Promise<StackResourceSummary[]> {
  const listed = await cfn.send(new ListStackResourcesCommand({ StackName: STACK }));
  return listed.StackResourceSummaries ?? [];
}

async function stack() {
  const described = await cfn.send(new DescribeStacksCommand({ StackName: STACK }));
  return described.Stacks?.[0];
}

/** Change sets neither executed nor deleted (moto keeps executed ones listed; CloudFormation does not). */
async function changeSetsLeft(): Promise<number> {
  const listed = await cfn.send(new ListChangeSetsCommand({ StackName: STACK }));
  return (listed.Summaries ?? []).filter((s) => s.ExecutionStatus !== 'EXECUTE_COMPLETE').length;
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
    await expect(stack()).rejects.toThrow(/does not exist/);
  }, 60_000);

  it('diff of a stack that does not exist lists every resource as Add and leaves no stack behind', async () => {
    const io = capture();
    expect(await diffCommand(options(SEED_ROUTES, io))).toBe(0);
    const expected = Object.keys(templateFor(SEED_ROUTES).Resources).sort();
    const rows = tableRows(io.out);
    expect(rows.map((r) => r.logicalId).sort()).toEqual(expected);
    expect(new Set(rows.map((r) => r.action))).toEqual(new Set(['Add']));
    await expect(stack()).rejects.toThrow(/does not exist/);
  }, 60_000);

  it('deploys the seed routes: CREATE_COMPLETE with the function, its role, the rules and the queues', async () => {
    const io = capture();
    const code = await deployCommand(options(SEED_ROUTES, io));
    expect({ code, err: io.err }).toMatchObject({ code: 0 });

    const created = await stack();
    expect(created?.StackStatus).toBe('CREATE_COMPLETE');
    expect(io.out.some((l) => /^\[switchyard-it\] .*CREATE_COMPLETE\s+switchyard-it$/.test(l)), 'progress lines carry the stack name').toBe(true);
    expect(io.out.some((l) => /^switchyard-it\s+create\s+\d+\s+CREATE_COMPLETE\s+-$/.test(l)), 'the final table has the stack').toBe(true);
    expect(created?.Tags).toEqual(expect.arrayContaining([{ Key: 'switchyard:deployment', Value: STACK }]));

    const template = templateFor(SEED_ROUTES);
    const resources = new Map((await stackResources()).map((r) => [r.LogicalResourceId, r]));
    for (const type of ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::Events::Rule', 'AWS::SQS::Queue']) {
      const ids = Object.entries(template.Resources).filter(([, r]) => r.Type === type).map(([id]) => id);
      expect(ids.length, `the seed template has a ${type}`).toBeGreaterThan(0);
      for (const id of ids) {
        expect(resources.get(id), `${id} (${type}) is in the stack`).toMatchObject({ ResourceType: type, ResourceStatus: 'CREATE_COMPLETE' });
        expect(resources.get(id)?.PhysicalResourceId, `${id} has a physical id`).toBeTruthy();
      }
    }
    const listed = await stackResources();
    expect(listed.length, 'one stack resource per template resource').toBe(Object.keys(template.Resources).length);
    expect(listed.filter((r) => r.ResourceStatus !== 'CREATE_COMPLETE')).toEqual([]);

    // The queues are real queues, not just stack records.
    const queueNames = Object.values(template.Resources).filter((r) => r.Type === 'AWS::SQS::Queue').map((r) => r.Properties?.QueueName);
    for (const name of queueNames.filter((n): n is string => typeof n === 'string')) {
      const found = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      expect(found.QueueUrl, `queue ${name}`).toContain(name);
    }

    // The function's code parameters name the uploaded bundle.
    const parameters = Object.fromEntries((created?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
    expect(parameters.LambdaCodeKey).toMatch(/^switchyard\/[0-9a-f]{64}\.zip$/);
    const head = await aws.s3.send(new HeadObjectCommand({ Bucket: parameters.LambdaCodeBucket, Key: parameters.LambdaCodeKey }));
    expect(head.ContentLength).toBeGreaterThan(0);
    expect(await changeSetsLeft()).toBe(0);
  }, 120_000);

  it('deploying the same routes again says there is nothing to change, makes no change set and exits 0', async () => {
    const changeSetsBefore = (await cfn.send(new ListChangeSetsCommand({ StackName: STACK }))).Summaries?.length;
    const io = capture();
    expect(await deployCommand(options(SEED_ROUTES, io))).toBe(0);
    expect(io.out.join('\n')).toMatch(/^No changes/m);
    expect(io.out.some((l) => /^switchyard-it\s+unchanged\s+0\s+CREATE_COMPLETE\s+-$/.test(l))).toBe(true);
    expect((await cfn.send(new ListChangeSetsCommand({ StackName: STACK }))).Summaries?.length, 'no change set was created').toBe(changeSetsBefore);
    expect(tableRows(io.out)).toEqual([]);
    expect((await stack())?.StackStatus).toBe('CREATE_COMPLETE');
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

    const expected = changedResources(templateFor(SEED_ROUTES), templateFor(edited));
    const editedQueue = Object.entries(templateFor(edited).Resources).find(([, r]) => r.Properties?.QueueName === 'change-notifications-hts')?.[0];
    expect(expected, 'the edit changes only the queue it names').toEqual([editedQueue]);

    const diffIo = capture();
    expect(await diffCommand(options(edited, diffIo))).toBe(0);
    expect(tableRows(diffIo.out)).toEqual(expected.map((id) => ({ action: 'Modify', logicalId: id, type: 'AWS::SQS::Queue', replacement: 'no' })));
    expect(await changeSetsLeft()).toBe(0);
    expect((await stack())?.StackStatus).toBe('CREATE_COMPLETE');

    const io = capture();
    expect(await deployCommand(options(edited, io))).toBe(0);
    expect(tableRows(io.out).map((r) => `${r.action} ${r.logicalId}`)).toEqual(expected.map((id) => `Modify ${id}`));
    expect(io.out.some((l) => /^\[switchyard-it\] .*UPDATE_COMPLETE\s+switchyard-it$/.test(l))).toBe(true);
    expect((await stack())?.StackStatus).toBe('UPDATE_COMPLETE');
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
    expect((await stack())?.StackStatus).toBe('UPDATE_COMPLETE');
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
    const template = templateFor(SEED_ROUTES);
    const body = JSON.stringify(template, null, 2);
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
