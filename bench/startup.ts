/**
 * Start-up of the CLI as an operator meets it: `switchyard --help` and `switchyard validate`
 * of the five seed routes, each a fresh Node process, against baselines measured in the same
 * run and interleaved with them (so load on the machine hits every row alike):
 *   - `node -e 0`, the floor: Node itself starting;
 *   - the CLI run from its TypeScript sources through tsx's loader, as bin/ did before the build.
 *
 *   npm run bench:startup              markdown table
 *   npm run bench:startup -- --json    the same results as JSON
 *   npm run bench:startup -- --runs 21 more runs per row (default 11)
 *
 * The built CLI is run two ways: as installed (bin/ and dist/ copied into a scratch directory
 * laid out as `npm install` lays out the package, no sources beside it), which is what an
 * operator starts and what the goals apply to; and from this checkout, where bin/ first checks
 * that dist/ is not older than the sources.
 * Goals (issue #11): --help ≤ 0.2 s, validate of the seed routes ≤ 0.5 s.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg === -1 ? 11 : Number(process.argv[runsArg + 1]);
const JSON_OUTPUT = process.argv.includes('--json');
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1' };

interface Row {
  name: string;
  args: string[];
  goalSeconds?: number;
}

/** The package as `npm install` leaves it: bin/ and dist/ with no sources beside them, dependencies reachable. */
function installedLayout(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-startup-'));
  for (const entry of ['package.json', 'bin/switchyard.mjs', 'dist']) cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

const tsx = ['--import', 'tsx', path.join(root, 'cli/switchyard.ts')];
const checkout = [path.join(root, 'bin/switchyard.mjs')];
// Builds dist/ if stale before it is copied.
spawnSync(process.execPath, [...checkout, '--version'], { cwd: root, env, stdio: 'ignore' });
const installedDir = installedLayout();
process.on('exit', () => rmSync(installedDir, { recursive: true, force: true }));
const installed = [path.join(installedDir, 'bin/switchyard.mjs')];
const ROWS: Row[] = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: '--help, sources through tsx (baseline)', args: [...tsx, '--help'] },
  { name: '--help, built CLI as installed', args: [...installed, '--help'], goalSeconds: 0.2 },
  { name: '--help, built CLI in this checkout', args: [...checkout, '--help'] },
  { name: 'validate routes/, sources through tsx (baseline)', args: [...tsx, 'validate', 'routes/'] },
  { name: 'validate routes/, built CLI as installed', args: [...installed, 'validate', 'routes/'], goalSeconds: 0.5 },
  { name: 'validate routes/, built CLI in this checkout', args: [...checkout, 'validate', 'routes/'] },
];

/**
 * Each process reports its own CPU time (user + system) on fd 3 as it exits: on a shared machine
 * wall time swings with the load, CPU time much less, so the table shows both.
 */
const REPORT_CPU = `data:text/javascript,${encodeURIComponent('import { writeSync } from "node:fs"; process.on("exit", () => { const u = process.cpuUsage(); writeSync(3, String((u.user + u.system) / 1e6)); });')}`;

interface Sample {
  wall: number;
  cpu: number;
}

function once(row: Row): Sample {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', REPORT_CPU, ...row.args], { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${row.name} exited ${result.status}: ${result.stderr}`);
  return { wall, cpu: Number(result.output[3]) };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

// Warms the file cache, outside the measurement.
for (const row of ROWS) once(row);
const samples = new Map<Row, Sample[]>(ROWS.map((r) => [r, []]));
for (let i = 0; i < RUNS; i += 1) for (const row of ROWS) samples.get(row)?.push(once(row));

const sortedOf = (row: Row, field: keyof Sample) => (samples.get(row) ?? []).map((x) => x[field]).sort((a, b) => a - b);
const baseline = quantile(sortedOf(ROWS[0] as Row, 'wall'), 0.5);
const results = ROWS.map((row) => {
  const sorted = sortedOf(row, 'wall');
  const median = quantile(sorted, 0.5);
  return {
    name: row.name,
    runs: sorted.length,
    medianSeconds: median,
    minSeconds: sorted[0] ?? Number.NaN,
    p90Seconds: quantile(sorted, 0.9),
    medianCpuSeconds: quantile(sortedOf(row, 'cpu'), 0.5),
    timesNodeStart: median / baseline,
    ...(row.goalSeconds !== undefined ? { goalSeconds: row.goalSeconds, meetsGoal: median <= row.goalSeconds } : {}),
  };
});
const tsxOf = (name: string) => results.find((r) => r.name === `${name}, sources through tsx (baseline)`)?.medianSeconds ?? Number.NaN;
const machine = { node: process.version, cpus: cpus().length, loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)) };

if (JSON_OUTPUT) {
  console.log(JSON.stringify({ machine, results }, null, 2));
} else {
  const s = (n: number) => n.toFixed(3);
  console.log(`Start-up, ${RUNS} runs per row interleaved (Node ${machine.node}, ${machine.cpus} cores, load ${machine.loadAverage1m})\n`);
  console.log('| command | median s | min s | p90 s | CPU s (median) | × node -e 0 | × tsx | goal (median wall) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    const versusTsx = r.name.includes(', built CLI') ? (r.medianSeconds / tsxOf(r.name.replace(/, built CLI.*$/, ''))).toFixed(2) : '';
    const goal = r.goalSeconds !== undefined ? `≤ ${r.goalSeconds} s ${r.meetsGoal ? 'met' : 'MISSED'}` : '';
    console.log(`| ${r.name} | ${s(r.medianSeconds)} | ${s(r.minSeconds)} | ${s(r.p90Seconds)} | ${s(r.medianCpuSeconds)} | ${r.timesNodeStart.toFixed(2)} | ${versusTsx} | ${goal} |`);
  }
}
