/**
 * Backfill throughput on a local moto server (started here): the cross-account-batch route
 * copying N small objects plus a few large ones at concurrency 1, 10, 40 and 100, against a
 * plain sequential CopyObject loop and rclone (when on PATH); a no-op re-run against rclone's
 * re-check; and runs through the fault proxy with 50 ms added to every request, where
 * concurrency rather than moto decides.
 *
 *   npx tsx bench/backfill.ts [--objects 1000] [--large 3] [--large-mib 24] [--latency-objects 200] [--json]
 *
 * The default of 1,000 small objects runs in about 3 minutes on a 2-core machine; moto (one
 * Python process, ~100 requests/s) is the bottleneck, so `--objects 10000` takes ~20 minutes.
 *
 * Every request goes through the fault proxy (no faults, or the 50 ms delay), so the table can
 * say how many requests each tool made per object. moto is a single Python process: absolute
 * rates measure moto on this machine, the ratios between rows are what carries over.
 */
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { runBackfill } from '../engine/batch/run-backfill.ts';
import { silentProgress } from '../engine/batch/progress.ts';
import { mapLimit } from '../engine/limiter.ts';
import type { CompiledRoute } from '../engine/load/compiled-route.ts';
import { loadRoutes } from '../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../engine/load/route-set.ts';
import { AccessResolver, createAwsPorts } from '../engine/ports/aws/index.ts';
import { silentLog } from '../engine/report/log.ts';
import { createAwsTestEnv, TEST_REGION } from '../test/integration/support/aws-env.ts';
import { startFaultProxy, type FaultProxy } from '../test/integration/support/fault-proxy.ts';
import { startMoto } from '../test/integration/support/moto.ts';

const MIB = 1024 * 1024;
const SOURCE = 'transfer-source';
const DESTINATION = 'transfer-destination';
const GROUP = 200;

interface Args {
  objects: number;
  large: number;
  largeMib: number;
  latencyObjects: number;
  json: boolean;
}

interface Row {
  run: string;
  concurrency: number | string;
  objects: number;
  bytes: number;
  seconds: number;
  requests: number;
  note?: string;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback: number): number => {
    const i = argv.indexOf(name);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} needs a whole number, got ${argv[i + 1]}`);
    return n;
  };
  return { objects: value('--objects', 1000), large: value('--large', 3), largeMib: value('--large-mib', 24), latencyObjects: value('--latency-objects', 200), json: argv.includes('--json') };
}

/**
 * The prefix the 50 ms runs copy: one folder of 200 (`exports/g000/`), ten (`exports/g00`) or a
 * hundred (`exports/g0`), the smallest that holds the requested number, so the run's fixed steps
 * (listing, manifest, validation sample, report) can be amortised over more objects.
 */
function latencySubset(requested: number, objects: number): { latencyPrefix: string; latencyObjects: number } {
  const wanted = Math.min(requested, objects);
  if (wanted <= GROUP) return { latencyPrefix: 'exports/g000/', latencyObjects: wanted };
  if (wanted <= GROUP * 10) return { latencyPrefix: 'exports/g00', latencyObjects: Math.min(objects, GROUP * 10) };
  return { latencyPrefix: 'exports/g0', latencyObjects: Math.min(objects, GROUP * 100) };
}

/** Small objects in folders of 200 (exports/g000/…), so a prefix picks a subset; large ones under exports/large/. */
function keys(args: Args): Array<{ key: string; size: number }> {
  const small = Array.from({ length: args.objects }, (_, i) => ({ key: `exports/g${String(Math.floor(i / GROUP)).padStart(3, '0')}/object ${i}+x.txt`, size: 1024 + (i % 7) * 512 }));
  const large = Array.from({ length: args.large }, (_, i) => ({ key: `exports/large/blob-${i}.bin`, size: args.largeMib * MIB }));
  return [...small, ...large];
}

async function seed(s3: S3Client, objects: Array<{ key: string; size: number }>): Promise<void> {
  await mapLimit(objects, 16, async (o) => {
    await s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: o.key, Body: Buffer.alloc(o.size, o.key.length % 251), Metadata: { origin: 'bench' } }));
  });
}

async function listAll(s3: S3Client, bucket: string, prefix: string): Promise<Array<{ key: string; size: number }>> {
  const all: Array<{ key: string; size: number }> = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    all.push(...(page.Contents ?? []).map((o) => ({ key: o.Key ?? '', size: o.Size ?? 0 })));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return all;
}

async function emptyDestination(s3: S3Client): Promise<void> {
  const keys = (await listAll(s3, DESTINATION, '')).map((o) => ({ Key: o.key }));
  for (let i = 0; i < keys.length; i += 1000) {
    await s3.send(new DeleteObjectsCommand({ Bucket: DESTINATION, Delete: { Objects: keys.slice(i, i + 1000), Quiet: true } }));
  }
}

function loadRoute(): CompiledRoute {
  const result = loadRoutes(routeSetFromDisk(['routes/cross-account-batch.yaml']));
  const route = result.routes.find((r) => r.name === 'cross-account-batch');
  if (!route) throw new Error(`routes/cross-account-batch.yaml did not load: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return route;
}

async function timed<T>(proxy: FaultProxy, fn: () => Promise<T>): Promise<{ value: T; seconds: number; requests: number }> {
  const before = proxy.stats.forwarded + proxy.stats.faulted;
  const started = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - started) / 1000, requests: proxy.stats.forwarded + proxy.stats.faulted - before };
}

async function switchyard(route: CompiledRoute, endpoint: string, proxy: FaultProxy, concurrency: number, prefix?: string): Promise<Omit<Row, 'run'>> {
  const resolver = new AccessResolver({ endpoint, region: TEST_REGION });
  try {
    const ports = createAwsPorts({ endpoint, region: TEST_REGION }, resolver);
    const run = await timed(proxy, () =>
      runBackfill(route, ports, { concurrency, multipartThreshold: 8 * MIB, log: silentLog, progress: silentProgress, ...(prefix ? { prefix } : {}) }),
    );
    const s = run.value;
    if (s.status !== 'succeeded') throw new Error(`backfill at concurrency ${concurrency} ${s.status}: ${s.problems.join('; ')}`);
    return { concurrency, objects: s.copied + s.skipped, bytes: s.bytes, seconds: run.seconds, requests: run.requests, note: `${s.copied} copied, ${s.skipped} skipped` };
  } finally {
    resolver.clear();
    resolver.own.destroy();
  }
}

async function sequentialLoop(s3: S3Client, proxy: FaultProxy): Promise<Omit<Row, 'run'>> {
  const run = await timed(proxy, async () => {
    const listed = await listAll(s3, SOURCE, 'exports/');
    for (const o of listed) {
      await s3.send(new CopyObjectCommand({ Bucket: DESTINATION, Key: o.key, CopySource: `${SOURCE}/${o.key.split('/').map(encodeURIComponent).join('/')}`, MetadataDirective: 'COPY' }));
    }
    return listed;
  });
  return { concurrency: 1, objects: run.value.length, bytes: run.value.reduce((sum, o) => sum + o.size, 0), seconds: run.seconds, requests: run.requests, note: 'ListObjectsV2 + CopyObject, no checks' };
}

function rcloneAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v rclone'], { stdio: 'ignore' }).status === 0;
}

async function rclone(s3: S3Client, endpoint: string, proxy: FaultProxy, transfers: number, prefix = 'exports/'): Promise<Omit<Row, 'run'>> {
  const sourceBytes = (await listAll(s3, SOURCE, prefix)).reduce((sum, o) => sum + o.size, 0);
  const env = { ...process.env };
  delete env.AWS_CA_BUNDLE;
  // rclone copies directories: a prefix that ends inside a name becomes its folder plus a filter.
  const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const rest = prefix.slice(folder.length);
  const args = [
    'copy',
    `:s3:${SOURCE}/${folder}`,
    `:s3:${DESTINATION}/${folder}`,
    ...(rest === '' ? [] : ['--include', `/${rest}*/**`]),
    '--s3-provider', 'Other',
    '--s3-endpoint', endpoint,
    '--s3-access-key-id', 'testing',
    '--s3-secret-access-key', 'testing',
    '--s3-region', TEST_REGION,
    '--s3-force-path-style',
    '--s3-no-check-bucket',
    '--transfers', String(transfers),
    '--checkers', String(transfers),
    '--checksum',
    '--stats-one-line', '--stats', '0', '-v',
  ];
  // Asynchronously: the proxy rclone talks to runs on this process's event loop.
  const run = await timed(proxy, () => runProcess('rclone', args, env));
  if (run.value.status !== 0) throw new Error(`rclone failed: ${run.value.stderr.slice(-2000)}`);
  const log = run.value.stderr;
  const copied = (log.match(/Copied \(server-side copy\)/g) ?? []).length;
  const other = (log.match(/: Copied \((?!server-side)/g) ?? []).length;
  return { concurrency: transfers, objects: copied, bytes: copied > 0 ? sourceBytes : 0, seconds: run.seconds, requests: run.requests, note: `${copied} server-side copies${other > 0 ? `, ${other} other copies` : ''}` };
}

function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stderr }));
  });
}

function markdown(rows: Row[], args: Args): string {
  const header = '| run | concurrency | objects | MB | seconds | objects/s | MB/s | requests | requests/object | note |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|';
  const lines = rows.map((r) => {
    const mb = r.bytes / 1e6;
    const perObject = r.objects > 0 ? (r.requests / r.objects).toFixed(1) : '–';
    return `| ${r.run} | ${r.concurrency} | ${r.objects} | ${mb.toFixed(1)} | ${r.seconds.toFixed(2)} | ${(r.objects / r.seconds).toFixed(1)} | ${(mb / r.seconds).toFixed(1)} | ${r.requests} | ${perObject} | ${r.note ?? ''} |`;
  });
  return `Backfill on moto: ${args.objects} small objects + ${args.large} × ${args.largeMib} MiB (multipart threshold 8 MiB)\n\n${header}\n${lines.join('\n')}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const moto = await startMoto();
  const proxy = await startFaultProxy(moto.endpoint);
  const env = createAwsTestEnv(moto.endpoint);
  const rows: Row[] = [];
  const say = (text: string): void => void process.stderr.write(`${text}\n`);
  try {
    for (const bucket of [SOURCE, DESTINATION, 'transfer-manifests']) await env.createBucket(bucket);
    const objects = keys(args);
    say(`seeding ${objects.length} objects…`);
    await seed(env.s3, objects);
    const route = loadRoute();
    const direct = proxy.endpoint;

    for (const concurrency of [1, 10, 100, 40]) {
      await emptyDestination(env.s3);
      say(`switchyard backfill, concurrency ${concurrency}…`);
      rows.push({ run: 'switchyard backfill', ...(await switchyard(route, direct, proxy, concurrency)) });
    }
    say('switchyard no-op re-run…');
    rows.push({ run: 'switchyard re-run (no-op)', ...(await switchyard(route, direct, proxy, 40)) });

    const plainS3 = createAwsTestEnv(direct).s3;
    await emptyDestination(env.s3);
    say('sequential CopyObject loop…');
    rows.push({ run: 'plain sequential copy loop', ...(await sequentialLoop(plainS3, proxy)) });

    if (rcloneAvailable()) {
      await emptyDestination(env.s3);
      say('rclone copy…');
      rows.push({ run: 'rclone copy --checksum', ...(await rclone(env.s3, direct, proxy, 40)) });
      say('rclone re-check (no-op)…');
      rows.push({ run: 'rclone re-run (no-op)', ...(await rclone(env.s3, direct, proxy, 40)) });
    } else rows.push({ run: 'rclone', concurrency: '–', objects: 0, bytes: 0, seconds: 0, requests: 0, note: 'not on PATH' });

    const { latencyPrefix, latencyObjects } = latencySubset(args.latencyObjects, args.objects);
    proxy.setRules([{ action: { delayMs: 50 } }]);
    for (const concurrency of [1, 10, 40, 100]) {
      await emptyDestination(env.s3);
      say(`50 ms latency, switchyard concurrency ${concurrency}…`);
      rows.push({ run: `+50 ms/request: switchyard (${latencyPrefix})`, ...(await switchyard(route, direct, proxy, concurrency, latencyPrefix)) });
    }
    if (rcloneAvailable()) {
      await emptyDestination(env.s3);
      say('50 ms latency, rclone…');
      rows.push({ run: `+50 ms/request: rclone (${latencyPrefix})`, ...(await rclone(env.s3, direct, proxy, 40, latencyPrefix)) });
    }
    proxy.setRules([]);
    say(`(latency runs cover the ${latencyObjects} objects under ${latencyPrefix})`);
  } finally {
    await proxy.stop();
    await moto.stop();
  }
  console.log(args.json ? JSON.stringify(rows, null, 2) : markdown(rows, args));
}

await main();
