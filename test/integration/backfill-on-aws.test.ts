/**
 * `switchyard backfill --on aws` through the real SDK against moto.
 *
 * Deploying the whole stack is heavy, so the state machine is created directly with
 * CreateStateMachine from the definition `generate` writes (DefinitionSubstitutions filled in
 * with the router's ARN) and a dummy role. With moto's ASL parser switched on
 * (`stepfunctions.execute_state_machine`), CreateStateMachine parses the definition: that is
 * the check that the generated ASL is accepted beyond cfn-lint's schema.
 *
 * What moto cannot do: run the execution. Its Lambda tasks need Docker (moto runs functions in
 * containers), and its parser does not know the Distributed Map's ItemBatcher at all (see
 * `forMotoParser`). So the command is checked up to the execution it starts (name = the run
 * id, input = the prefix) and how it follows one that ends (stopped; a stand-in of Pass states
 * for a run that succeeds). The phases themselves are tested by the engine's tests, the data
 * between the states by test/unit/generators/state-machine.test.ts.
 */
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StopExecutionCommand, CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillOnAwsCommand, type BackfillOnAwsOptions } from '../../cli/commands/backfill-on-aws.ts';
import { newRunId } from '../../engine/batch/location.ts';
import { stateMachineName } from '../../engine/batch/step-payloads.ts';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import { generateTemplate } from '../../generators/cloudformation/template.ts';
import { createAwsTestEnv, TEST_ACCOUNT, TEST_REGION } from './support/aws-env.ts';
import { startMoto, type MotoServer } from './support/moto.ts';
import { capture } from '../support/captured-output.ts';

const ROUTE = 'cross-account-batch';
const STACK = 'switchyard-it';
const ROLE = `arn:aws:iam::${TEST_ACCOUNT}:role/switchyard-it-backfill`;
const ROUTER = `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:switchyard-it-router`;
const STARTED = new Date('2024-05-01T03:00:00.000Z');

let moto: MotoServer;
let sfn: SFNClient;
let definition: string;



function options(extra: Partial<BackfillOnAwsOptions> = {}): BackfillOnAwsOptions {
  return { route: ROUTE, routes: path.resolve('routes'), stack: STACK, endpoint: moto.endpoint, region: TEST_REGION, wait: false, json: false, ...extra };
}

/** The definition exactly as the template holds it, with CloudFormation's substitutions applied. */
function generatedDefinition(): string {
  const routes = loadRoutes(routeSetFromDisk([path.resolve('routes')])).routes;
  const machine = generateTemplate(routes, { stackName: STACK }).Resources.CrossAccountBatchStateMachine?.Properties;
  const substitutions = Object.keys((machine?.DefinitionSubstitutions ?? {}) as object);
  expect(substitutions).toEqual(['RouterFunctionArn']);
  return JSON.stringify(machine?.Definition).replaceAll('${RouterFunctionArn}', ROUTER);
}

/** Switches moto between its plain Step Functions backend and its ASL parser (separate state each). */
async function useAslParser(on: boolean): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/config`, { method: 'POST', body: JSON.stringify({ stepfunctions: { execute_state_machine: on } }) });
  expect(response.status).toBe(201);
}

async function createMachine(name: string, body: string): Promise<string> {
  const created = await sfn.send(new CreateStateMachineCommand({ name, definition: body, roleArn: ROLE, type: 'STANDARD', tracingConfiguration: { enabled: true } }));
  return created.stateMachineArn ?? '';
}

async function executions(machineArn: string) {
  return (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn }))).executions ?? [];
}

beforeAll(async () => {
  moto = await startMoto();
  createAwsTestEnv(moto.endpoint);
  sfn = new SFNClient({ region: TEST_REGION, endpoint: moto.endpoint });
  definition = generatedDefinition();
}, 60_000);

afterAll(async () => {
  sfn?.destroy();
  await moto?.stop();
});

/**
 * The definition as moto 5.2.1's parser can take it. Its grammar has no `ItemBatcher` at all
 * (so that block is removed: the unit tests check it), and lexes an integer
 * `ToleratedFailurePercentage` (our default 0) as INT where it expects NUMBER (so 0 is written 0.0).
 */
function forMotoParser(body: string): string {
  const parsed = JSON.parse(body) as { States: { Transfer: Record<string, unknown> } };
  expect(parsed.States.Transfer.ItemBatcher).toBeDefined();
  delete parsed.States.Transfer.ItemBatcher;
  return JSON.stringify(parsed).replace(/"ToleratedFailurePercentage":(\d+)(?=[,}])/, '"ToleratedFailurePercentage":$1.0');
}

/** CreateStateMachine spoken by hand: moto's parser answers errors with `"__type": null`, which the SDK cannot read. */
async function createThroughParser(name: string, body: string): Promise<{ status: number; text: string }> {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const response = await fetch(`${moto.endpoint}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'AWSStepFunctions.CreateStateMachine',
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/${date}/${TEST_REGION}/states/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ name, definition: body, roleArn: ROLE }),
  });
  return { status: response.status, text: await response.text() };
}

describe('the generated definition', () => {
  it("is accepted by moto's ASL parser, which refuses a broken one", async () => {
    await useAslParser(true);
    try {
      const accepted = await createThroughParser(`${stateMachineName(STACK, ROUTE)}-parsed`, forMotoParser(definition));
      expect(accepted.text).toContain(`stateMachine:${stateMachineName(STACK, ROUTE)}-parsed`);
      expect(accepted.status).toBe(200);
      const broken = forMotoParser(definition).replace('"Next":"Validate"}', '"Next":"Validate","Bogus":1}');
      const refused = await createThroughParser('broken-definition', broken);
      expect(refused.status).toBe(400);
      expect(refused.text).toMatch(/ASLParserException.*Bogus/);
    } finally {
      await useAslParser(false);
    }
  });
});

describe('switchyard backfill --on aws', () => {
  let machineArn: string;
  beforeAll(async () => {
    machineArn = await createMachine(stateMachineName(STACK, ROUTE), definition);
  });

  it('starts the route\'s state machine with the run id as execution name and the prefix as input, without waiting', async () => {
    const io = capture();
    const code = await backfillOnAwsCommand(options({ prefix: 'exports/2024/' }), io, { now: () => STARTED });
    expect(code).toBe(0);
    const running = await executions(machineArn);
    expect(running).toHaveLength(1);
    const execution = running[0];
    const runIdShape = new RegExp(`^${newRunId(STARTED, () => '').replaceAll('-', '\\-')}[0-9a-f]{6}$`);
    expect(execution?.name).toMatch(runIdShape);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution?.executionArn }));
    expect(JSON.parse(described.input ?? '')).toEqual({ prefix: 'exports/2024/' });
    expect(described.status).toBe('RUNNING');
    expect(io.out).toEqual([
      `started backfill of ${ROUTE} on ${stateMachineName(STACK, ROUTE)}: run ${execution?.name} (prefix exports/2024/)`,
      `  execution: ${execution?.executionArn}`,
      '  status:    Running',
      `  report:    s3://transfer-manifests/${ROUTE}/${execution?.name}/report.json (when the run ends; follow it with --wait or in the console)`,
    ]);
    expect(io.err).toEqual([]);
  });

  it('starts with input {} when no prefix is given, and prints one JSON summary with --json', async () => {
    const io = capture();
    expect(await backfillOnAwsCommand(options({ json: true }), io)).toBe(0);
    const summary = JSON.parse(io.out.join('\n')) as { executionArn: string; runId: string; stateMachineArn: string; status: string; input: unknown };
    expect(summary).toMatchObject({ route: ROUTE, stateMachineArn: machineArn, status: 'RUNNING', input: {} });
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: summary.executionArn }));
    expect(described.name).toBe(summary.runId);
    expect(JSON.parse(described.input ?? '')).toEqual({});
  });

  it('with --wait, follows the run until it ends: a stopped run prints Running → Aborted and exits 1', async () => {
    const io = capture();
    let polls = 0;
    const stopRunning = async (): Promise<void> => {
      polls++;
      for (const e of await executions(machineArn)) if (e.status === 'RUNNING') await sfn.send(new StopExecutionCommand({ executionArn: e.executionArn, error: 'Operator', cause: 'stopped by the test' }));
    };
    const code = await backfillOnAwsCommand(options({ wait: true }), io, { sleep: stopRunning, pollIntervalMs: 10 });
    expect(code).toBe(1);
    expect(polls).toBe(1);
    expect(io.out.find((l) => l.includes('→'))).toMatch(/^ {2}status: {4}Running → Aborted after \d+ s$/);
    expect(io.out.at(-1)).toMatch(new RegExp(`^ {2}report: {4}s3://transfer-manifests/${ROUTE}/[^/]+/report\\.json$`));
  });

  it('with --wait, gives up after the wait bound with exit 1 and says the run goes on', async () => {
    const io = capture();
    expect(await backfillOnAwsCommand(options({ wait: true }), io, { maxWaitMs: 0, pollIntervalMs: 10 })).toBe(1);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/is still Running after 0 s; it goes on in Step Functions: arn:aws:states:/);
  });

  it('says what to do when the stack was not deployed (exit 1)', async () => {
    const io = capture();
    expect(await backfillOnAwsCommand(options({ stack: 'not-deployed' }), io)).toBe(1);
    expect(io.err).toEqual([
      `switchyard backfill --on aws: no state machine ${stateMachineName('not-deployed', ROUTE)} in this account and region: deploy the routes first (switchyard deploy --stack not-deployed), or pass the --stack they were deployed with`,
    ]);
  });

  it('refuses a route without a batch section before calling AWS', async () => {
    await expect(backfillOnAwsCommand(options({ route: 'one-to-many' }), capture())).rejects.toMatchObject({ code: 'SY300' });
  });
});

describe('switchyard backfill --on aws --wait on a run that succeeds', () => {
  // moto's parser runs Pass states: a stand-in with the real machine's name shape ends the way a
  // successful run does, with the report phase's output at $.report.
  const stack = 'stand-in';
  const report = `s3://transfer-manifests/${ROUTE}/run/report.json`;
  const standIn = JSON.stringify({
    StartAt: 'Report',
    States: { Report: { Type: 'Pass', Result: { status: 'succeeded', report, problems: [] }, ResultPath: '$.report', End: true } },
  });

  it('prints Running → Succeeded and the report URI from the execution output, exit 0', async () => {
    await useAslParser(true);
    try {
      await createMachine(stateMachineName(stack, ROUTE), standIn);
      const io = capture();
      const code = await backfillOnAwsCommand(options({ stack, wait: true, prefix: 'exports/' }), io, { pollIntervalMs: 100, maxWaitMs: 20_000 });
      expect(io.err).toEqual([]);
      expect(code).toBe(0);
      expect(io.out.find((l) => l.includes('→'))).toMatch(/Running → Succeeded after \d+ s$/);
      expect(io.out.at(-1)).toBe(`  report:    ${report}`);
    } finally {
      await useAslParser(false);
    }
  });
});
