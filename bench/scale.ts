/**
 * Validate + generate at 100, 1,000 and 10,000 routes over a fifth as many buckets (the plain
 * shape of issue #10: each route its own source prefix on a bucket, a copy to its own bucket
 * in another account, every fifth route also sending to a queue it owns).
 *
 *   npm run bench:scale                      markdown table
 *   npm run bench:scale -- --json            the same results as JSON
 *   npm run bench:scale -- --routes 100,1000 other sizes
 *
 * Baseline, measured in the same run: the one-stack generator (everything in one template, as
 * before sharding) on the same routes: its seconds, or the AWS quota it breaks.
 * Goal: 10,000 routes validated and generated in ≤ 10 s on a 2-core machine.
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { SwitchyardError } from '../engine/errors.ts';
import { generateTemplate } from '../generators/cloudformation/template.ts';
import { generateDeployment, toJson } from '../generators/deployment.ts';
import { measureStack, QUOTAS, stackBreach } from '../generators/quotas.ts';
import { compileRouteFiles, routeFiles, syntheticRoutes } from '../test/unit/generators/synthetic-routes.ts';

interface Row {
  routes: number;
  buckets: number;
  validateSeconds: number;
  validateCpuSeconds: number;
  generateSeconds: number;
  generateCpuSeconds: number;
  totalSeconds: number;
  stacks: number;
  largestResources: number;
  largestTemplateBytes: number;
  largestPolicyChars: number;
  largestOutputs: number;
  rules: number;
  withinQuotas: boolean;
  oneStack: string;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const SIZES = (argument('--routes') ?? '100,1000,10000').split(',').map(Number);

function seconds(start: number): number {
  return Math.round((performance.now() - start) / 10) / 100;
}

/** CPU seconds (user + system) since `start`: what the work costs, whatever else shares the cores. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return Math.round((used.user + used.system) / 10_000) / 100;
}

function oneStack(routes: Parameters<typeof generateTemplate>[0]): string {
  const start = performance.now();
  try {
    const template = generateTemplate(routes);
    const breach = stackBreach(measureStack(template, toJson(template)));
    return breach === undefined ? `${seconds(start)} s, fits` : `over ${breach.quota} (${breach.actual})`;
  } catch (error) {
    if (error instanceof SwitchyardError) return `fails: ${error.message.replace(/:.*$/, '')}`;
    throw error;
  }
}

function run(count: number): Row {
  const buckets = Math.max(1, Math.round(count / 5));
  const files = routeFiles(syntheticRoutes({ routes: count, buckets, seed: 10 }));
  const validateStart = performance.now();
  const validateCpu = process.cpuUsage();
  const routes = compileRouteFiles(files);
  const validateSeconds = seconds(validateStart);
  const validateCpuSeconds = cpuSeconds(validateCpu);
  const generateStart = performance.now();
  const generateCpu = process.cpuUsage();
  const deployment = generateDeployment(routes, { deployAccount: '111111111111', region: 'eu-west-1' });
  const generateSeconds = seconds(generateStart);
  const generateCpuSeconds = cpuSeconds(generateCpu);
  const largest = (pick: (m: (typeof deployment.stacks)[number]['measure']) => number): number => Math.max(...deployment.stacks.map((s) => pick(s.measure)));
  return {
    routes: count,
    buckets,
    validateSeconds,
    validateCpuSeconds,
    generateSeconds,
    generateCpuSeconds,
    totalSeconds: Math.round((validateSeconds + generateSeconds) * 100) / 100,
    stacks: deployment.stacks.length,
    largestResources: largest((m) => m.resources),
    largestTemplateBytes: largest((m) => m.bytes),
    largestPolicyChars: largest((m) => m.largestPolicyChars),
    largestOutputs: largest((m) => m.outputs),
    rules: deployment.rules,
    withinQuotas: deployment.stacks.every((s) => stackBreach(s.measure) === undefined) && deployment.rules <= QUOTAS.rules,
    oneStack: oneStack(routes),
  };
}

function markdown(rows: Row[]): string {
  const header = '| routes / buckets | validate s (CPU) | generate s (CPU) | total s | stacks | largest resources | largest template bytes | largest policy chars | largest outputs | rules in all | every quota | one stack (baseline) |';
  const lines = rows.map(
    (r) =>
      `| ${r.routes.toLocaleString('en')} / ${r.buckets.toLocaleString('en')} | ${r.validateSeconds} (${r.validateCpuSeconds}) | ${r.generateSeconds} (${r.generateCpuSeconds}) | ${r.totalSeconds} | ${r.stacks} | ${r.largestResources} / ${QUOTAS.resources} | ${r.largestTemplateBytes.toLocaleString('en')} | ${r.largestPolicyChars} / ${QUOTAS.managedPolicyChars} | ${r.largestOutputs} / ${QUOTAS.outputs} | ${r.rules} / ${QUOTAS.rules} | ${r.withinQuotas ? 'within' : 'OVER'} | ${r.oneStack} |`,
  );
  const goal = rows.find((r) => r.routes === 10_000);
  return [
    `Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()[0]?.toFixed(1)} at the end: wall seconds, CPU seconds in brackets`,
    '',
    header,
    `|${'---|'.repeat(12)}`,
    ...lines,
    '',
    goal === undefined ? '' : `Goal: 10,000 routes in ≤ 10 s: ${goal.totalSeconds} s (${goal.totalSeconds <= 10 ? 'met' : 'not met'}; generate alone ${goal.generateSeconds} s).`,
  ].join('\n');
}

const rows = SIZES.map(run);
console.log(process.argv.includes('--json') ? JSON.stringify(rows, null, 2) : markdown(rows));
if (rows.some((r) => !r.withinQuotas)) process.exitCode = 1;
