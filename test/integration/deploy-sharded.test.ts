/**
 * `switchyard deploy` of a route set too large for one stack, against moto: 300 routes over 60
 * source buckets go out with one `deploy`; after one route is edited the next `deploy` changes
 * its stack alone (plus the core stack, where one holds it); and an event for a route of the
 * last stack goes through the code that stack deployed; once that stack's routes are all
 * removed, deploy keeps it while one of its queues holds a message, then asks and deletes it.
 *
 * moto cannot run Lambda functions, so the event is driven by hand, the way Lambda would:
 * the zip the stack's LambdaCodeKey names is fetched from the code bucket, unpacked with
 * Python's zipfile (an independent reader of deploy/zip.ts's output), and its handler module
 * handles the event in a child process with the function's environment as moto stored it
 * and AWS_ENDPOINT_URL pointing at moto. What it did is then read back from moto.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Output } from '../../cli/output.ts';
import { HANDLER_FILE, ROUTES_FILE } from '../../deploy/bundle.ts';
import { deployCommand, type DeployOptions } from '../../deploy/deploy.ts';
import { DEPLOYMENT_TAG } from '../../deploy/existing-stacks.ts';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import { generateDeployment, type Deployment, type StackTemplate } from '../../generators/deployment.ts';
import { routeYaml, syntheticRoutes, type SyntheticRoute } from '../unit/generators/synthetic-routes.ts';
import { TEST_ACCOUNT, TEST_REGION, type AwsTestEnv } from './support/aws-env.ts';
import { startMoto, type MotoServer } from './support/moto.ts';
import { serviceHeaders } from './support/moto-rest.ts';
import { createAwsTestEnv } from './support/aws-env.ts';
import { capture } from '../support/captured-output.ts';

const DEPLOYMENT = 'fleet';
const ROUTES = 300;
const BUCKETS = 60;

let moto: MotoServer;
let aws: AwsTestEnv;
let cfn: CloudFormationClient;
let workDir: string;
let routesDir: string;

/**
 * The shape (each route: its own prefix on one of the source buckets, a copy to its own
 * bucket in another account, every fifth route also a queue it owns), with the long names that
 * make IAM policies grow: enough for the generator to need more than one shard.
 */
const ROUTE_SET = syntheticRoutes({ routes: ROUTES, buckets: BUCKETS, seed: 10, style: 'long' });

/** The route file with its copy writing under `edited/` instead of the source key. */
function editedYaml(route: SyntheticRoute): string {
  const yaml = routeYaml(route);
  const edited = yaml.replace('key: $key }', `key: "='edited/' & $key" }`);
  expect(edited).not.toBe(yaml);
  return edited;
}

beforeAll(async () => {
  moto = await startMoto();
  aws = createAwsTestEnv(moto.endpoint);
  cfn = new CloudFormationClient({ region: TEST_REGION, endpoint: moto.endpoint });
  workDir = mkdtempSync(path.join(tmpdir(), 'switchyard-fleet-'));
  routesDir = path.join(workDir, 'routes');
  mkdirSync(routesDir);
  for (const route of ROUTE_SET) writeFileSync(path.join(routesDir, `${route.name}.yaml`), routeYaml(route));
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});



function options(out: Output): DeployOptions {
  return { routesDir, stackName: DEPLOYMENT, region: TEST_REGION, endpoint: moto.endpoint, yes: true, out, concurrency: 4, wait: { pollIntervalMs: 50, timeoutMs: 60_000 } };
}

/** What the generator places the routes into, computed the same way deploy does. */
function expectedDeployment(): Deployment {
  const loaded = loadRoutes(routeSetFromDisk([routesDir]));
  return generateDeployment(loaded.routes, { stackName: DEPLOYMENT, deployAccount: TEST_ACCOUNT, region: TEST_REGION });
}

/** The deployment's stacks as CloudFormation lists them, found by tag. */
async function deployedStacks(): Promise<Map<string, Stack>> {
  const stacks = new Map<string, Stack>();
  for (let token: string | undefined, first = true; first || token; first = false) {
    const page = await cfn.send(new DescribeStacksCommand(token ? { NextToken: token } : {}));
    for (const s of page.Stacks ?? []) if (s.Tags?.some((t) => t.Key === DEPLOYMENT_TAG && t.Value === DEPLOYMENT)) stacks.set(s.StackName ?? '', s);
    token = page.NextToken;
  }
  return stacks;
}

/** `stack  action  resources  status  reason` rows of the final table. */
function outcomeRows(lines: string[]): Map<string, { action: string; status: string }> {
  const rows = new Map<string, { action: string; status: string }>();
  for (const line of lines) {
    const cells = line.split(/\s{2,}/);
    if (cells.length === 5 && /^\d+$/.test(cells[2] ?? '') && cells[0]?.startsWith(`${DEPLOYMENT}`)) rows.set(cells[0], { action: cells[1] ?? '', status: cells[3] ?? '' });
  }
  return rows;
}

const parameter = (stack: Stack | undefined, key: string): string | undefined => stack?.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;

// The cases build on each other (deploy → edit one route → drive an event → retire a stack), so they run in order.
describe(`switchyard deploy of ${ROUTES} routes over ${BUCKETS} buckets against moto`, () => {
  let deployment: Deployment;

  it('one deploy creates every stack the generator places the routes into', async () => {
    deployment = expectedDeployment();
    expect(deployment.stacks.length, 'the routes need several stacks').toBeGreaterThan(1);
    expect(new Set(deployment.stacks.flatMap((s) => s.buckets)).size).toBe(new Set(ROUTE_SET.map((r) => r.bucket)).size);
    expect(new Set(ROUTE_SET.map((r) => r.bucket)).size, 'seed 10 puts routes on every bucket').toBe(BUCKETS);

    const io = capture();
    const code = await deployCommand(options(io));
    expect({ code, err: io.err.filter((l) => /fail|error/i.test(l)) }).toEqual({ code: 0, err: [] });

    const stacks = await deployedStacks();
    expect([...stacks.keys()].sort()).toEqual(deployment.stacks.map((s) => s.name).sort());
    for (const s of stacks.values()) expect(s.StackStatus, s.StackName).toBe('CREATE_COMPLETE');
    const rows = outcomeRows(io.out);
    expect([...rows.values()].map((r) => r.action)).toEqual(deployment.stacks.map(() => 'create'));
    // Every stack holding routes has a function whose code is that stack's own bundle.
    const codeKeys = deployment.stacks.filter((s) => s.routes.length > 0).map((s) => parameter(stacks.get(s.name), 'LambdaCodeKey'));
    expect(codeKeys.every((k) => /^switchyard\/[0-9a-f]{64}\.zip$/.test(k ?? ''))).toBe(true);
    expect(new Set(codeKeys).size, 'one bundle per stack').toBe(codeKeys.length);
  }, 180_000);

  it('after one route is edited, the next deploy changes only the stack that holds it (and the core, if it holds it)', async () => {
    const before = await deployedStacks();
    const edited = ROUTE_SET.at(-1) as SyntheticRoute;
    writeFileSync(path.join(routesDir, `${edited.name}.yaml`), editedYaml(edited));
    const holder = deployment.stacks.find((s) => s.routes.includes(edited.name));
    expect(holder?.kind).toBe('shard');

    const io = capture();
    expect(await deployCommand(options(io))).toBe(0);
    const rows = outcomeRows(io.out);
    const changed = [...rows].filter(([, r]) => r.action !== 'unchanged').map(([name]) => name);
    const allowed = new Set([holder?.name, ...deployment.stacks.filter((s) => s.kind === 'core').map((s) => s.name)]);
    expect(changed).toContain(holder?.name);
    expect(changed.filter((name) => !allowed.has(name)), 'stacks changed that do not hold the route').toEqual([]);
    expect(changed.length).toBeLessThanOrEqual(2);

    const after = await deployedStacks();
    for (const [name, stack] of after) {
      if (changed.includes(name)) expect(stack.StackStatus, name).toBe('UPDATE_COMPLETE');
      else expect({ name, status: stack.StackStatus, code: parameter(stack, 'LambdaCodeKey') }).toEqual({ name, status: 'CREATE_COMPLETE', code: parameter(before.get(name), 'LambdaCodeKey') });
    }
    expect(parameter(after.get(holder?.name ?? ''), 'LambdaCodeKey')).not.toBe(parameter(before.get(holder?.name ?? ''), 'LambdaCodeKey'));
  }, 180_000);

  it("an event for a route of the last stack goes through that stack's deployed code", async () => {
    const last = deployment.stacks.at(-1);
    const routeName = last?.routes[0];
    expect(routeName, 'the last stack holds routes').toBeDefined();
    const route = ROUTE_SET.find((r) => r.name === routeName) as SyntheticRoute;
    const stack = (await deployedStacks()).get(last?.name ?? '');

    // The code the stack runs: the zip its LambdaCodeKey names, unpacked by an independent reader.
    const zip = await aws.s3.send(new GetObjectCommand({ Bucket: parameter(stack, 'LambdaCodeBucket'), Key: parameter(stack, 'LambdaCodeKey') }));
    const codeDir = path.join(workDir, 'code');
    mkdirSync(codeDir, { recursive: true });
    writeFileSync(path.join(codeDir, 'code.zip'), Buffer.from(await (zip.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array()))));
    execFileSync('python3', ['-m', 'zipfile', '-e', path.join(codeDir, 'code.zip'), codeDir]);
    const handlerFile = path.join(codeDir, HANDLER_FILE);
    expect(readFileSync(handlerFile, 'utf8').length).toBeGreaterThan(0);
    const shipped = JSON.parse(readFileSync(path.join(codeDir, ROUTES_FILE), 'utf8')) as unknown;
    const otherRoute = deployment.stacks.find((s) => s !== last && s.routes.length > 0)?.routes[0];
    expect(JSON.stringify(shipped), 'the zip carries its own routes').toContain(`"${route.name}"`);
    expect(JSON.stringify(shipped), "and not another stack's").not.toContain(`"${otherRoute}"`);

    // The function's environment as the stack created it.
    const resources = (await cfn.send(new ListStackResourcesCommand({ StackName: last?.name }))).StackResourceSummaries ?? [];
    const functionName = resources.find((r) => r.ResourceType === 'AWS::Lambda::Function')?.PhysicalResourceId ?? '';
    const configuration = (await (await fetch(`${moto.endpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/configuration`, { headers: serviceHeaders('lambda') })).json()) as { Environment?: { Variables?: Record<string, string> } };
    const environment = configuration.Environment?.Variables ?? {};

    await aws.createBucket(route.bucket);
    await aws.createBucket(route.destination);
    const key = `${route.prefix}report-1.csv`;
    await aws.s3.send(new PutObjectCommand({ Bucket: route.bucket, Key: key, Body: 'a,b\n1,2\n' }));
    const event = eventBridgeObjectCreated(route.bucket, key, 8);

    const result = execFileSync(process.execPath, ['-e', RUN_HANDLER, handlerFile], {
      env: {
        PATH: process.env.PATH ?? '',
        ...environment,
        AWS_ENDPOINT_URL: moto.endpoint,
        AWS_REGION: TEST_REGION,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_SESSION_TOKEN: 'testing',
        SWITCHYARD_EVENT: JSON.stringify(event),
      },
      encoding: 'utf8',
    });
    expect(result).toMatch(/^@@done /m);

    const copied = await aws.s3.send(new HeadObjectCommand({ Bucket: route.destination, Key: key }));
    expect(copied.ContentLength).toBe(8);
    // The destination is no route's source: one CopyObject, no loop marker needed.
    expect(copied.Metadata?.['switchyard-route']).toBeUndefined();
  }, 60_000);

  it('when every route of the last stack is removed, deploy asks and then deletes that stack, leaving the others as they are', async () => {
    const retired = deployment.stacks.at(-1) as StackTemplate;
    for (const name of retired.routes) unlinkSync(path.join(routesDir, `${name}.yaml`));
    const remaining = expectedDeployment();
    expect(remaining.stacks.map((s) => s.name)).not.toContain(retired.name);
    const before = await deployedStacks();

    // A message left in one of its queues keeps it: deleting the stack would delete the message.
    const queues = ((await cfn.send(new ListStackResourcesCommand({ StackName: retired.name }))).StackResourceSummaries ?? []).filter((r) => r.ResourceType === 'AWS::SQS::Queue');
    const dlq = queues.find((q) => /dlq/i.test(q.LogicalResourceId ?? '')) ?? queues[0];
    const dlqUrl = (await aws.sqs.send(new GetQueueUrlCommand({ QueueName: queueNameOf(dlq?.PhysicalResourceId ?? '') }))).QueueUrl ?? '';
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: '{"dead":"letter"}' }));
    const held = capture();
    const keptCode = await deployCommand({ ...options(held), yes: false, confirm: async () => true });
    expect(keptCode).toBe(1);
    expect(outcomeRows(held.out).get(retired.name)?.action).toBe('skipped');
    expect(held.err).toContainEqual(expect.stringMatching(new RegExp(`^Stack ${retired.name} is not deleted: deleting the stack deletes its queues, with every message in them: \\S+ still holds 1 message\\(s\\)`)));
    expect((await deployedStacks()).has(retired.name)).toBe(true);
    expect(await aws.receiveAll(dlqUrl)).toHaveLength(1);

    const questions: string[] = [];
    const io = capture();
    const code = await deployCommand({ ...options(io), yes: false, confirm: async (question) => (questions.push(question), true) });
    expect({ code, questions }).toEqual({ code: 0, questions: [`Delete stack ${retired.name}?`] });
    const rows = outcomeRows(io.out);
    expect(rows.get(retired.name)).toEqual({ action: 'delete', status: 'DELETE_COMPLETE' });

    const after = await deployedStacks();
    expect([...after.keys()].sort()).toEqual(remaining.stacks.map((s) => s.name).sort());
    for (const s of remaining.stacks) {
      expect(rows.get(s.name)?.action, s.name).toBe('unchanged');
      expect(after.get(s.name)?.StackStatus).toBe(before.get(s.name)?.StackStatus);
    }
  }, 120_000);
});

/** A queue's name from what CloudFormation lists as its physical id (its URL, or its name). */
function queueNameOf(physicalId: string): string {
  return physicalId.split('/').at(-1) ?? physicalId;
}

/** Loads the bundled handler (an ES module) as Lambda's nodejs runtime would and hands it one event. */
const RUN_HANDLER = `
import(require('node:url').pathToFileURL(process.argv[1]).href)
  .then(({ handler }) => handler(JSON.parse(process.env.SWITCHYARD_EVENT), { getRemainingTimeInMillis: () => 60000 }))
  .then(
    (result) => console.log('@@done ' + JSON.stringify(result ?? null)),
    (error) => { console.error(error); process.exit(1); },
  );`;

function eventBridgeObjectCreated(bucket: string, key: string, size: number): unknown {
  return {
    version: '0',
    id: 'c1b5a4a2-0000-4000-8000-000000000001',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: TEST_ACCOUNT,
    time: new Date().toISOString(),
    region: TEST_REGION,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size, etag: 'e0d1' },
      'request-id': 'REQ1',
      requester: TEST_ACCOUNT,
      reason: 'PutObject',
    },
  };
}
