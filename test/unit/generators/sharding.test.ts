/**
 * Sharded deployments at scale, on a route set of a shape not in the repository (long bucket,
 * prefix and queue names): every stack within every quota, each destination writable from
 * exactly one stack, nothing wider than the routes declare, byte-identical output, and one
 * edited route plus one new route on a new bucket changing at most 2 templates. A sample of
 * the stacks passes cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stateMachineName } from '../../../engine/batch/step-payloads.ts';
import { partStatements, roleStatements } from '../../../generators/cloudformation/template.ts';
import type { CfnValue, GeneratorContext } from '../../../generators/cloudformation/types.ts';
import { contextFor } from '../../../generators/cloudformation/defaults.ts';
import { generateDeployment, type Deployment, type StackTemplate } from '../../../generators/deployment.ts';
import { QUOTAS, stackBreach } from '../../../generators/quotas.ts';
import { compileRouteFiles, routeFiles, syntheticRoutes, type SyntheticRoute } from './synthetic-routes.ts';

const SHAPE = { routes: 1000, buckets: 200, seed: 7, style: 'long' } as const;
const routes = syntheticRoutes(SHAPE);
const files = routeFiles(routes);
const compiled = compileRouteFiles(files);
const deployment = generateDeployment(compiled, { deployAccount: '111111111111', region: 'eu-west-1' });
const shards = deployment.stacks.filter((s) => s.kind === 'shard');

interface Statement {
  Action: string[];
  Resource: CfnValue[];
}

function functionStatements(stack: StackTemplate): Statement[] {
  return Object.values(stack.template.Resources)
    .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
    .flatMap((r) => (r.Properties?.PolicyDocument as unknown as { Statement: Statement[] }).Statement);
}

function text(resource: CfnValue): string {
  return typeof resource === 'string' ? resource : String((resource as { 'Fn::Sub': string })['Fn::Sub']);
}

describe(`a deployment of ${SHAPE.routes} routes over ${SHAPE.buckets} buckets`, () => {
  it('is split into a core stack and several shards, every route and bucket in exactly one shard', () => {
    expect(deployment.stacks[0]?.kind).toBe('core');
    expect(shards.length).toBeGreaterThan(1);
    const placed = shards.flatMap((s) => s.routes).sort();
    expect(placed).toEqual(routes.map((r) => r.name).sort());
    const buckets = shards.flatMap((s) => s.buckets);
    expect(new Set(buckets).size).toBe(buckets.length);
    for (const shard of shards) expect(shard.dependsOn).toEqual([`${deployment.name}-core`]);
  });

  it('keeps every stack within every per-stack quota, and the bus within its rules', () => {
    for (const stack of deployment.stacks) {
      expect(stackBreach(stack.measure), stack.name).toBeUndefined();
      expect(stack.measure.resources).toBe(Object.keys(stack.template.Resources).length);
      expect(stack.measure.bytes).toBe(Buffer.byteLength(stack.body));
    }
    expect(deployment.rules).toBe(deployment.stacks.reduce((n, s) => n + Object.values(s.template.Resources).filter((r) => r.Type === 'AWS::Events::Rule').length, 0));
    expect(deployment.rules).toBeLessThanOrEqual(QUOTAS.rules);
    expect(deployment.stacks.reduce((n, s) => n + s.measure.wildcardRules, 0)).toBeLessThanOrEqual(QUOTAS.wildcardRules);
  });

  it('makes each destination writable from exactly one stack: the one holding its route', () => {
    const writers = new Map<string, string[]>();
    for (const stack of shards) {
      for (const s of functionStatements(stack).filter((st) => st.Action.includes('s3:PutObject'))) {
        for (const r of s.Resource.map(text)) writers.set(r, [...(writers.get(r) ?? []), stack.name]);
      }
    }
    for (const route of routes) {
      const arn = `arn:\${AWS::Partition}:s3:::${route.destination}/*`;
      const holder = shards.find((s) => s.routes.includes(route.name))?.name;
      expect(writers.get(arn), route.name).toEqual([holder]);
    }
  });

  it('grants each role exactly what its routes declare, compacted: nothing added, nothing lost', () => {
    for (const stack of shards.slice(0, 4)) {
      const context: GeneratorContext = { ...contextFor(compiled.filter((r) => stack.routes.includes(r.name)), { deployAccount: '111111111111', region: 'eu-west-1' }), layout: 'shard', stackName: stack.name };
      const declared = roleStatements(context, partStatements(context));
      const granted = functionStatements(stack);
      const grantedPairs = new Set(granted.flatMap((s) => s.Resource.map((r) => `${[...s.Action].sort().join(',')} ${text(r)}`)));
      const declaredPairs = new Set(declared.flatMap((s) => s.Resource.map((r) => `${[...s.Action].sort().join(',')} ${r}`)));
      expect([...grantedPairs].filter((p) => !declaredPairs.has(p)), `${stack.name}: granted but not declared`).toEqual([]);
      // This shape declares no resource covering another, so compaction drops none either.
      expect(grantedPairs.size, stack.name).toBe(declaredPairs.size);
      expect(granted.flatMap((s) => s.Resource).filter((r) => r === '*').length, `${stack.name}: only X-Ray's "*"`).toBe(1);
    }
  });

  it('is byte-identical on a second run and whatever order the routes come in', () => {
    const again = generateDeployment([...compiled].reverse(), { deployAccount: '111111111111', region: 'eu-west-1' });
    expect(again.stacks.map((s) => s.name)).toEqual(deployment.stacks.map((s) => s.name));
    again.stacks.forEach((s, i) => expect(s.body === deployment.stacks[i]?.body, s.name).toBe(true));
  });

  it('changes at most 2 templates for one edited route plus one new route on a new bucket', () => {
    const edited: SyntheticRoute = { ...(routes[123] as SyntheticRoute), prefix: `landing/${routes[123]?.name}/incoming-v2/` };
    const added: SyntheticRoute = { name: 'team-new-feed', bucket: 'acme-ingest-new-eu-west-1-landing', prefix: 'landing/new/', destination: 'acme-partner-new-delivery', account: '200000000001' };
    const next = generateDeployment(compileRouteFiles(routeFiles([...routes.slice(0, 123), edited, ...routes.slice(124), added])), { deployAccount: '111111111111', region: 'eu-west-1' });
    expect(changedStacks(deployment, next).length).toBeLessThanOrEqual(2);
    expect(changedStacks(deployment, next)).toContain(shards.find((s) => s.routes.includes(edited.name))?.name);
  });
});

describe('cfn-lint on a sample of the stacks', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'switchyard-shards-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('finds nothing in the core stack and the smallest shard (cfn-lint takes seconds per large template)', () => {
    const smallest = [...shards].sort((a, b) => a.measure.bytes - b.measure.bytes)[0] as StackTemplate;
    const sample = [deployment.stacks[0] as StackTemplate, smallest];
    const paths = sample.map((s) => {
      const file = path.join(out, `${s.name}.json`);
      writeFileSync(file, s.body);
      return file;
    });
    const run = spawnSync('cfn-lint', ['--format', 'parseable', '--include-checks', 'I', '--', ...paths], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe('');
    expect(run.status).toBe(0);
  }, 120_000);
});

function changedStacks(before: Deployment, after: Deployment): string[] {
  const old = new Map(before.stacks.map((s) => [s.name, s.body]));
  const now = new Map(after.stacks.map((s) => [s.name, s.body]));
  return [...new Set([...old.keys(), ...now.keys()])].filter((name) => old.get(name) !== now.get(name)).sort();
}

describe('a batch route in a sharded deployment', () => {
  // Seed 003 beside enough synthetic routes to need several shards.
  const withBatch = compileRouteFiles({ ...routeFiles(syntheticRoutes({ routes: 400, buckets: 80, seed: 3 })), 'routes/cross-account-batch.yaml': readFileSync('routes/cross-account-batch.yaml', 'utf8') });
  const sharded = generateDeployment(withBatch, { deployAccount: '111111111111', region: 'eu-west-1', stackName: 'ingest' });

  it('keeps its state machine named after the deployment, which is what backfill --on aws --stack <deployment> starts', () => {
    const holders = sharded.stacks.filter((s) => s.routes.includes('cross-account-batch'));
    expect(sharded.stacks.filter((s) => s.kind === 'shard').length).toBeGreaterThan(1);
    expect(holders.map((s) => s.kind)).toEqual(['shard']);
    const machines = Object.values(holders[0]?.template.Resources ?? {}).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    expect(machines.map((m) => m.Properties?.StateMachineName)).toEqual([stateMachineName('ingest', 'cross-account-batch')]);
    // Its tasks call the router function of its own shard.
    const target = (machines[0]?.Properties?.DefinitionSubstitutions as { RouterFunctionArn: { 'Fn::GetAtt': [string, string] } }).RouterFunctionArn['Fn::GetAtt'][0];
    expect(holders[0]?.template.Resources[target]?.Type).toBe('AWS::Lambda::Function');
  });
});
