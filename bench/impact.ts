/**
 * `switchyard impact` at scale: 100,000 listed keys against two sets of 1,000 routes (the second
 * an edited copy of the first), through the same code the command runs. The baseline, measured
 * in the same run on the first BASELINE_KEYS keys, sends every key through the whole pipeline
 * without reusing any route's resolution.
 *
 *   npm run bench:impact            markdown table
 *   npm run bench:impact -- --json  the same results as JSON
 *   npm run bench:impact -- --keys 10000   a smaller run while developing
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { routeSetInMemory } from '../engine/impact/git-route-set.ts';
import { impactOf, type ImpactReport } from '../engine/impact/impact.ts';
import type { ListedObject } from '../engine/impact/key-list.ts';
import type { CompiledRoute } from '../engine/load/compiled-route.ts';
import { loadRoutes } from '../engine/load/load-routes.ts';
import { parseFixtures } from '../engine/ports/fixtures.ts';
import { seededRandom } from '../test/support/seeded-random.ts';

const ROUTES = 1_000;
const BUCKETS = 20;
const KEYS = Number(argument('--keys') ?? 100_000);
const BASELINE_KEYS = Math.min(KEYS, 10_000);
const NOW = new Date('2026-11-30T12:00:00Z');

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

/** One route of the generated set; `edited` applies the second set's changes. */
function routeYaml(n: number, edited: boolean): string | undefined {
  if (edited && n % 100 === 7) return undefined; // 1 % of the routes removed
  const prefix = edited && n % 50 === 3 ? `data/team${n}/current/` : `data/team${n}/`; // 2 % narrowed
  const dest = edited && n % 20 === 5 ? `dest-${n}-v2` : `dest-${n}`; // 5 % renamed
  const head = [`name: route-${n}`, 'source:', `  bucket: bucket-${n % BUCKETS}`, '  trigger: s3-notification', 'match:', `  prefix: ${prefix}`];
  switch (n % 20) {
    case 1: // destination from a config table
      return [...head, 'tables:', '  teams: { s3json: s3://bench-config/teams.json }', 'allow:', '  buckets: ["team-*"]', 'actions:', '  - copy:', `      to: $lookup($teams, 'team${n}')`, '      key: $key'].join('\n');
    case 2: // a key computed from the key: resolved for every object
      return [...head, 'actions:', '  - copy:', `      to: ${dest}`, `      key: "='archive/' & $substringAfter($key, '/')"`].join('\n');
    case 3:
      return [...head, 'actions:', '  - sqs:', `      queue: ${edited && n % 40 === 3 ? `queue-${n}-v2` : `queue-${n}`}`].join('\n');
    default:
      return [...head, 'actions:', '  - copy:', `      to: ${dest}`, '      key: $key'].join('\n');
  }
}

function routeSet(edited: boolean): CompiledRoute[] {
  const files: Record<string, string> = {};
  for (let n = 0; n < ROUTES; n++) {
    const yaml = routeYaml(n, edited);
    if (yaml !== undefined) files[`routes/r${String(n).padStart(4, '0')}.yaml`] = yaml;
  }
  if (edited) for (let n = ROUTES; n < ROUTES + 10; n++) files[`routes/r${n}.yaml`] = routeYaml(n, false) ?? ''; // 10 new routes
  const loaded = loadRoutes(routeSetInMemory(files));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`generated routes do not validate: ${errors[0]?.message}`);
  return loaded.routes;
}

function keys(count: number): ListedObject[] {
  const random = seededRandom(11);
  return Array.from({ length: count }, (_, i) => {
    const n = Math.floor(random() * (ROUTES + 10));
    if (random() < 0.1) return { bucket: `bucket-${n % BUCKETS}`, key: `misc/${i}.bin` };
    const current = random() < 0.5 ? 'current/' : '';
    return { bucket: `bucket-${n % BUCKETS}`, key: `data/team${n}/${current}2026/11/file-${i}.csv` };
  });
}

const teams = Object.fromEntries(Array.from({ length: ROUTES + 10 }, (_, n) => [`team${n}`, `team-${n}-bucket`]));
const fixtures = parseFixtures({ objects: { 's3://bench-config/teams.json': { body: teams } } });

interface Row {
  run: string;
  keys: number;
  loadMs: number;
  evaluateMs: number;
  totalMs: number;
  /** CPU time (user + system) of loading and of evaluating: what the run costs when the machine is shared. */
  loadCpuMs: number;
  evaluateCpuMs: number;
  keysPerSecond: number;
  changed: number;
  groups: number;
}

async function run(name: string, listed: ListedObject[], reuse: boolean): Promise<Row> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const before = routeSet(false);
  const after = routeSet(true);
  const loaded = performance.now();
  const loadCpu = process.cpuUsage(cpu);
  const report: ImpactReport = await impactOf({ before, after, tests: [], listed, fixtures, now: () => NOW, reuse });
  const end = performance.now();
  const used = process.cpuUsage(cpu);
  return {
    run: name,
    keys: listed.length,
    loadMs: loaded - start,
    evaluateMs: end - loaded,
    totalMs: end - start,
    loadCpuMs: (loadCpu.user + loadCpu.system) / 1000,
    evaluateCpuMs: (used.user + used.system - loadCpu.user - loadCpu.system) / 1000,
    keysPerSecond: (listed.length / (end - loaded)) * 1000,
    changed: report.summary.changed,
    groups: report.groups.length,
  };
}

const load = loadavg()[0] ?? 0;
const listed = keys(KEYS);
const baseline = await run('baseline: every key through the whole pipeline', listed.slice(0, BASELINE_KEYS), false);
const reused = await run('impact: resolution reused where the key only passes through', listed, true);
// Same objects, same answer: the reuse must not change what the report says.
const check = await run('check', listed.slice(0, BASELINE_KEYS), true);
if (check.changed !== baseline.changed || check.groups !== baseline.groups) {
  throw new Error(`reuse changed the report: ${check.changed}/${check.groups} vs baseline ${baseline.changed}/${baseline.groups}`);
}

const rows = [baseline, reused];
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ routesPerSet: ROUTES, loadAverage: load, rows, ratio: reused.keysPerSecond / baseline.keysPerSecond }, null, 2));
} else {
  const whole = (n: number): string => Math.round(n).toLocaleString('en-US');
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    [
      `| run | keys | load both sets (${whole(ROUTES)} routes each) | evaluate + diff | total | CPU: load + evaluate | keys/s | objects changed | groups |`,
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (r) =>
          `| ${r.run} | ${whole(r.keys)} | ${seconds(r.loadMs)} | ${seconds(r.evaluateMs)} | ${seconds(r.totalMs)} | ${seconds(r.loadCpuMs)} + ${seconds(r.evaluateCpuMs)} | ${whole(r.keysPerSecond)} | ${whole(r.changed)} | ${whole(r.groups)} |`,
      ),
      '',
      `Reuse evaluates ${(reused.keysPerSecond / baseline.keysPerSecond).toFixed(1)}× as many keys per second as the baseline; ` +
        `the baseline at ${whole(KEYS)} keys would take about ${seconds(baseline.loadMs + (KEYS / baseline.keysPerSecond) * 1000)}. ` +
        `Both report the same changes on the first ${whole(BASELINE_KEYS)} keys. Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
        `load average ${load.toFixed(1)} at the start (above the core count, wall times stretch; CPU time does not).`,
    ].join('\n'),
  );
}
