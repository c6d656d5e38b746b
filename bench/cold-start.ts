/**
 * Cold start of the router function, as Lambda does it: a fresh `node` process per run that
 * imports the bundled handler (extracted from the deployment zip, no node_modules) and handles
 * one EventBridge "Object Created" event whose route copies the object to another bucket on a
 * local moto server. The baseline is a minimal single-purpose handler (one @aws-sdk/client-s3
 * CopyObject) bundled with the same esbuild options, run the same way against the same server.
 *
 *   npm run bench:cold-start [-- --runs 15] [-- --routes 5,1000] [-- --json]
 *
 * Runs alternate between the two handlers so that load on the (shared) machine hits both alike.
 * A run's time is import + first event, measured inside the child process: node's own start-up
 * is the same for both and Lambda pays it before the handler's code anyway.
 *
 * The routes are generated (seeded, so every run measures the same set): each has its own
 * source prefix on one of routes/5 buckets and copies to its own bucket, some with a key
 * expression, a suffix or a `when`; every fifth also sends to a queue it owns.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { bundleLambda, HANDLER_FILE, LAMBDA_BUILD } from '../deploy/bundle.ts';
import { createAwsTestEnv, TEST_REGION, type AwsTestEnv } from '../test/integration/support/aws-env.ts';
import { startMoto } from '../test/integration/support/moto.ts';
import { seededRandom } from '../test/support/seeded-random.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const ROUTES_PER_BUCKET = 5;
const TARGET = 1; // the route the event is for: copy only, like the baseline
const KEYS = ['$key', "='incoming/' & $key", "=$substringAfter($key, '/')"];
const SUFFIXES = ['.csv', '.json', '.parquet'];

interface Args {
  runs: number;
  routeCounts: number[];
  json: boolean;
}

interface Row {
  routes: number;
  switchyardMs: number;
  baselineMs: number;
  ratio: number;
}

interface RunTiming {
  importMs: number;
  handleMs: number;
  totalMs: number;
}

function parseArgs(argv: string[]): Args {
  const at = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
  };
  const runs = Number(at('--runs') ?? 15);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a whole number ≥ 1, got ${at('--runs')}`);
  const routeCounts = (at('--routes') ?? '5,1000').split(',').map(Number);
  if (routeCounts.some((n) => !Number.isInteger(n) || n <= TARGET)) throw new Error(`--routes needs whole numbers > ${TARGET}, e.g. 5,1000`);
  return { runs, routeCounts, json: argv.includes('--json') };
}

const pad = (n: number): string => String(n).padStart(4, '0');
const sourceBucket = (n: number, count: number): string => `cold-source-${pad(n % Math.ceil(count / ROUTES_PER_BUCKET))}`;

/** One route file per route, in a fresh routes directory. */
function writeRoutes(dir: string, count: number): string {
  const random = seededRandom(count);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  mkdirSync(dir, { recursive: true });
  for (let n = 0; n < count; n++) {
    const target = n === TARGET;
    const key = target ? '$key' : pick(KEYS);
    const suffix = !target && random() < 0.3 ? pick(SUFFIXES) : undefined;
    const when = !target && random() < 0.2 ? '$size > 0' : undefined;
    const lines = [
      `name: route-${pad(n)}`,
      `description: generated route ${n} for the cold-start benchmark`,
      'source:',
      `  bucket: ${sourceBucket(n, count)}`,
      `  prefix: team-${pad(n)}/`,
      '  trigger: eventbridge',
      ...(suffix || when ? ['match:', ...(suffix ? [`  suffix: "${suffix}"`] : []), ...(when ? [`  when: "${when}"`] : [])] : []),
      'allow:',
      `  buckets: [cold-destination-${pad(n)}]`,
      ...(n % 5 === 0 ? [`  queues: [cold-queue-${pad(n)}]`] : []),
      'actions:',
      '  - copy:',
      `      to: cold-destination-${pad(n)}`,
      `      key: "${key}"`,
      ...(n % 5 === 0 ? ['  - sqs:', `      queue: cold-queue-${pad(n)}`] : []),
    ];
    writeFileSync(path.join(dir, `route-${pad(n)}.yaml`), `${lines.join('\n')}\n`);
  }
  return dir;
}

function objectCreated(bucket: string, key: string): unknown {
  return {
    version: '0',
    id: '0b7e2f5a-cold-start',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-03-04T10:11:12Z',
    region: TEST_REGION,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: { version: '0', bucket: { name: bucket }, object: { key, size: 5, etag: 'b1946ac92492d2347c6235b4d2611184' }, reason: 'PutObject' },
  };
}

const BASELINE_SOURCE = `
import { CopyObjectCommand, S3Client } from '@aws-sdk/client-s3';
const s3 = new S3Client({ endpoint: process.env.AWS_ENDPOINT_URL, forcePathStyle: true });
export async function handler(event) {
  const { bucket, object } = event.detail;
  await s3.send(new CopyObjectCommand({ Bucket: process.env.DESTINATION_BUCKET, Key: object.key, CopySource: bucket.name + '/' + encodeURIComponent(object.key) }));
  return { copied: object.key };
}`;

/** The baseline handler, bundled like the router function (handler.mjs); returns the directory holding it. */
async function bundleBaseline(dir: string): Promise<string> {
  const result = await build({
    ...LAMBDA_BUILD,
    mainFields: [...LAMBDA_BUILD.mainFields],
    stdin: { contents: BASELINE_SOURCE, resolveDir: REPO_ROOT, sourcefile: 'baseline.mjs', loader: 'js' },
    outdir: dir,
    sourcemap: false,
  });
  mkdirSync(dir, { recursive: true });
  for (const file of result.outputFiles) writeFileSync(file.path, file.contents);
  return dir;
}

/** The router function's zip, extracted as Lambda does; returns the directory and the handler file's size. */
async function bundleSwitchyard(routesDir: string, dir: string): Promise<{ dir: string; bytes: number; startupBytes: number }> {
  const bundle = await bundleLambda({ routesDir });
  mkdirSync(dir, { recursive: true });
  const zip = `${dir}.zip`;
  writeFileSync(zip, bundle.zip);
  execFileSync('python3', ['-m', 'zipfile', '-e', zip, dir]);
  return { dir, bytes: bundle.bundleBytes, startupBytes: bundle.startupBytes };
}

// As Lambda's Node runtime does: require() a .js handler (CommonJS), import() an .mjs one.
const RUNNER = `
const started = performance.now();
const file = process.env.HANDLER_FILE;
const { handler } = file.endsWith('.mjs') ? await import('file://' + file) : (await import('node:module')).createRequire(import.meta.url)(file);
const imported = performance.now();
const result = await handler(JSON.parse(process.env.EVENT), { getRemainingTimeInMillis: () => 30000, awsRequestId: 'cold-start' });
const handled = performance.now();
process.stdout.write('\\nCOLD-START ' + JSON.stringify({ importMs: imported - started, handleMs: handled - imported, result }) + '\\n');`;

/** One fresh node process: import the handler, handle the event, report the times. */
function runOnce(dir: string, event: unknown, env: Record<string, string>, check: (result: unknown) => string | undefined): Promise<RunTiming> {
  const handlerFile = path.join(dir, HANDLER_FILE);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env, HANDLER_FILE: handlerFile, EVENT: JSON.stringify(event) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      const line = stdout.split('\n').find((l) => l.startsWith('COLD-START '));
      if (status !== 0 || !line) {
        reject(new Error(`${handlerFile} exited with ${status}: ${stderr.trim() || stdout.trim()}`));
        return;
      }
      const report = JSON.parse(line.slice('COLD-START '.length)) as { importMs: number; handleMs: number; result: unknown };
      const problem = check(report.result);
      if (problem) reject(new Error(`${handlerFile}: ${problem}`));
      else resolve({ importMs: report.importMs, handleMs: report.handleMs, totalMs: report.importMs + report.handleMs });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

async function measure(count: number, args: Args, aws: AwsTestEnv, work: string, baselineDir: string, log: (line: string) => void): Promise<Row & { detail: string }> {
  const source = sourceBucket(TARGET, count);
  const key = `team-${pad(TARGET)}/report.csv`;
  const destination = `cold-destination-${pad(TARGET)}`;
  for (const bucket of [source, destination]) await aws.s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
  await aws.s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: 'hello' }));
  const switchyard = await bundleSwitchyard(writeRoutes(path.join(work, `routes-${count}`), count), path.join(work, `switchyard-${count}`));
  const env = {
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_ENDPOINT_URL: aws.endpoint,
    DESTINATION_BUCKET: destination,
  };
  const event = objectCreated(source, key);
  const routed = (result: unknown): string | undefined => {
    const records = (result as { records?: Array<{ status: string }> }).records;
    return records?.length === 1 && records[0]?.status === 'processed' ? undefined : `expected one processed record, got ${JSON.stringify(result)}`;
  };
  const copied = (result: unknown): string | undefined => ((result as { copied?: string }).copied === key ? undefined : `unexpected result ${JSON.stringify(result)}`);
  // One unmeasured run each: the first spawn pays for the file cache.
  await runOnce(switchyard.dir, event, env, routed);
  await runOnce(baselineDir, event, env, copied);
  const ours: RunTiming[] = [];
  const theirs: RunTiming[] = [];
  for (let run = 0; run < args.runs; run++) {
    ours.push(await runOnce(switchyard.dir, event, env, routed));
    theirs.push(await runOnce(baselineDir, event, env, copied));
    log(`  ${count} routes: run ${run + 1}/${args.runs}`);
  }
  await aws.s3.send(new HeadObjectCommand({ Bucket: destination, Key: key }));
  const switchyardMs = median(ours.map((t) => t.totalMs));
  const baselineMs = median(theirs.map((t) => t.totalMs));
  const detail = `import ${round(median(ours.map((t) => t.importMs)))} + event ${round(median(ours.map((t) => t.handleMs)))} ms vs import ${round(median(theirs.map((t) => t.importMs)))} + event ${round(median(theirs.map((t) => t.handleMs)))} ms; code ${Math.round(switchyard.bytes / 1024)} KB, read at start ${Math.round(switchyard.startupBytes / 1024)} KB`;
  return { routes: count, switchyardMs: round(switchyardMs), baselineMs: round(baselineMs), ratio: Math.round((switchyardMs / baselineMs) * 100) / 100, detail };
}

function table(rows: Array<Row & { detail: string }>, runs: number): string {
  const lines = [
    `Cold start: import + first event in a fresh node ${process.version} process, median of ${runs} runs each (moto)`,
    '',
    '| routes | switchyard ms | baseline ms | ratio | switchyard vs baseline |',
    '|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.routes.toLocaleString('en-US')} | ${r.switchyardMs} | ${r.baselineMs} | ${r.ratio}× | ${r.detail} |`),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const work = mkdtempSync(path.join(tmpdir(), 'switchyard-cold-start-'));
  const moto = await startMoto();
  try {
    const aws = createAwsTestEnv(moto.endpoint);
    const baselineDir = await bundleBaseline(path.join(work, 'baseline'));
    const rows: Array<Row & { detail: string }> = [];
    for (const count of args.routeCounts) rows.push(await measure(count, args, aws, work, baselineDir, log));
    console.log(args.json ? JSON.stringify(rows.map(({ routes, switchyardMs, baselineMs, ratio }) => ({ routes, switchyardMs, baselineMs, ratio })), null, 2) : table(rows, args.runs));
  } finally {
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
