/**
 * `switchyard backfill` against rclone on one local moto server (started here), from one run
 * and the same objects: copy seconds, objects/s and requests per object at each size (default
 * 2,000 and 10,000 small objects — the 2,000 are the folders exports/g000–g009 of the 10,000),
 * then the no-op re-run of each tool. Both tools run as an operator runs them: their own
 * process (`switchyard backfill` through bin/, `rclone copy`) talking straight to moto.
 * Requests are counted from moto's access log; CPU time is taken for each tool's process and
 * for moto itself, since on a 2-core machine the server's CPU per object is what decides the
 * rate. A bare CopyObject loop with 16 requests in flight (moto's own thread count) measures
 * moto's ceiling in the same run: how close the copy comes to it.
 *
 *   npx tsx bench/backfill.ts [--sizes 2000,10000] [--concurrency 40] [--rounds 3] [--rclone-checksum] [--latency] [--json]
 *
 * `--rounds N` measures every row N times, the tools taking turns to go first, and compares
 * medians: the 2-core VM's speed drifts within a minute, and one run of each can land on either side.
 *
 * rclone runs as the issue names it, `--transfers 40 --checkers 40` (size and modification time,
 * which on S3 reads each object's mtime); `--rclone-checksum` adds `--checksum` (ETags from the
 * listing only), rclone's cheapest re-check.
 *
 * `--latency` adds runs through a proxy that holds every request 50 ms (where concurrency rather
 * than moto decides) over the smallest size. rclone must be on PATH (`apt-get install -y
 * rclone`); without it the table says so. moto is one Python process: absolute rates measure
 * moto on this machine, the ratios are what carries over; runs differ by about ±10 %.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { mapLimit } from '../engine/limiter.ts';
import { createAwsTestEnv, TEST_REGION } from '../test/integration/support/aws-env.ts';
import { startFaultProxy } from '../test/integration/support/fault-proxy.ts';
import { startMoto, type MotoServer } from '../test/integration/support/moto.ts';

const SOURCE = 'transfer-source';
const DESTINATION = 'transfer-destination';
const GROUP = 200;

interface Args {
  sizes: number[];
  concurrency: number;
  latency: boolean;
  /** Run rclone with `--checksum` (ETags from the listing) instead of its default size + modification time. */
  rcloneChecksum: boolean;
  json: boolean;
  rounds: number;
}

interface Row {
  run: string;
  /** The objects the run was asked to cover (the size of the comparison it belongs to). */
  size: number;
  concurrency: number | string;
  objects: number;
  bytes: number;
  seconds: number;
  requests: number;
  /** CPU seconds of the tool's own process (user + system). */
  clientCpuSeconds?: number;
  /** CPU seconds moto spent serving the run. */
  motoCpuSeconds?: number;
  note?: string;
  /** Which measurement of this row (1-based), with `--rounds`. */
  round: number;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : argv[i + 1];
  };
  const sizes = (value('--sizes') ?? '2000,10000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes needs whole numbers, e.g. 2000,10000; got ${value('--sizes')}`);
  const concurrency = Number(value('--concurrency') ?? 40);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`--concurrency needs a whole number ≥ 1, got ${value('--concurrency')}`);
  const rounds = Number(value('--rounds') ?? 1);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds needs a whole number ≥ 1, got ${value('--rounds')}`);
  return { sizes: [...new Set(sizes)].sort((a, b) => a - b), concurrency, latency: argv.includes('--latency'), rcloneChecksum: argv.includes('--rclone-checksum'), json: argv.includes('--json'), rounds };
}

/**
 * The prefix covering the first `size` objects: folders of 200 (exports/g000/ …), so 2,000 is
 * exports/g00 (ten folders) and 10,000 is the whole exports/. Sizes that are not such a
 * subset are rounded up to the next one.
 */
function subset(size: number, total: number): { prefix: string; objects: number } {
  if (size >= total) return { prefix: 'exports/', objects: total };
  for (const [prefix, width] of [['exports/g000/', GROUP], ['exports/g00', GROUP * 10], ['exports/g0', GROUP * 100]] as const) {
    if (size <= width) return { prefix, objects: Math.min(width, total) };
  }
  return { prefix: 'exports/', objects: total };
}

/** Small objects in folders of 200 (exports/g000/…), so a prefix picks a subset. */
function keys(total: number): Array<{ key: string; size: number }> {
  return Array.from({ length: total }, (_, i) => ({ key: `exports/g${String(Math.floor(i / GROUP)).padStart(3, '0')}/object ${i}+x.txt`, size: 1024 + (i % 7) * 512 }));
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

const root = fileURLToPath(new URL('..', import.meta.url));
const toolEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: TEST_REGION, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  // rclone refuses a custom CA bundle on a plain-HTTP endpoint.
  delete env.AWS_CA_BUNDLE;
  return env;
};

interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
  cpuSeconds: number;
}

/** Runs a tool in its own process; bash's `times` reports the CPU the tool used. */
function runTool(command: string, args: string[]): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', '"$@"; status=$?; times >&2; exit $status', '--', command, ...args], { cwd: root, env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => {
      const lines = stderr.trimEnd().split('\n');
      // The second line of `times` is the children's user and system time: `0m2.760s 0m0.750s`.
      const children = lines.at(-1) ?? '';
      const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
      resolve({ status, stdout, stderr: lines.slice(0, -2).join('\n'), cpuSeconds: seconds });
    });
  });
}

async function measured<T>(moto: MotoServer, fn: () => Promise<T>): Promise<{ value: T; seconds: number; requests: number; motoCpuSeconds?: number }> {
  const requestsBefore = moto.requestsServed();
  const cpuBefore = moto.cpuSeconds();
  const started = performance.now();
  const value = await fn();
  const seconds = (performance.now() - started) / 1000;
  // The access log line is written as the response goes out: let the last ones reach the pipe.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cpuAfter = moto.cpuSeconds();
  return { value, seconds, requests: moto.requestsServed() - requestsBefore, ...(cpuBefore !== undefined && cpuAfter !== undefined ? { motoCpuSeconds: cpuAfter - cpuBefore } : {}) };
}

interface BackfillSummary {
  status: string;
  copied: number;
  skipped: number;
  bytes: number;
  problems: string[];
}

/** `switchyard backfill` of the seed 003 route, as an operator runs it. */
async function switchyard(moto: MotoServer, endpoint: string, concurrency: number, prefix: string): Promise<Omit<Row, 'run' | 'size' | 'round'>> {
  const args = ['bin/switchyard.mjs', 'backfill', '--route', 'cross-account-batch', '--routes', 'routes', '--endpoint', endpoint, '--prefix', prefix, '--concurrency', String(concurrency), '--json'];
  const run = await measured(moto, () => runTool(process.execPath, args));
  const { value } = run;
  if (value.status !== 0) throw new Error(`switchyard backfill exited ${value.status}: ${value.stderr.slice(-2000)}${value.stdout.slice(-2000)}`);
  const s = JSON.parse(value.stdout) as BackfillSummary;
  if (s.status !== 'succeeded') throw new Error(`backfill at concurrency ${concurrency} ${s.status}: ${s.problems.join('; ')}`);
  return { concurrency, objects: s.copied + s.skipped, bytes: s.bytes, seconds: run.seconds, requests: run.requests, clientCpuSeconds: value.cpuSeconds, ...(run.motoCpuSeconds !== undefined ? { motoCpuSeconds: run.motoCpuSeconds } : {}), note: `${s.copied} copied, ${s.skipped} skipped` };
}

/** moto's ceiling: ListObjectsV2, then bare CopyObject calls (no checks) with 16 in flight, as many as moto has threads. */
async function bareCopies(moto: MotoServer, s3: S3Client, prefix: string): Promise<Omit<Row, 'run' | 'size' | 'round'>> {
  const run = await measured(moto, async () => {
    const listed = await listAll(s3, SOURCE, prefix);
    await mapLimit(listed, 16, (o) =>
      s3.send(new CopyObjectCommand({ Bucket: DESTINATION, Key: o.key, CopySource: `${SOURCE}/${o.key.split('/').map(encodeURIComponent).join('/')}`, MetadataDirective: 'COPY' })),
    );
    return listed;
  });
  return { concurrency: 16, objects: run.value.length, bytes: run.value.reduce((sum, o) => sum + o.size, 0), seconds: run.seconds, requests: run.requests, ...(run.motoCpuSeconds !== undefined ? { motoCpuSeconds: run.motoCpuSeconds } : {}), note: 'moto ceiling: ListObjectsV2 + CopyObject, no checks' };
}

async function rcloneAvailable(): Promise<boolean> {
  return (await runTool('sh', ['-c', 'command -v rclone'])).status === 0;
}

/** rclone as the issue names it (`--transfers N --checkers N`: size and modification time); `checksum` compares listed ETags instead. */
async function rclone(moto: MotoServer, s3: S3Client, endpoint: string, transfers: number, prefix: string, checksum: boolean): Promise<Omit<Row, 'run' | 'size' | 'round'>> {
  const source = await listAll(s3, SOURCE, prefix);
  const sourceBytes = source.reduce((sum, o) => sum + o.size, 0);
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
    ...(checksum ? ['--checksum'] : []),
    '--stats-one-line', '--stats', '0', '-v',
  ];
  const run = await measured(moto, () => runTool('rclone', args));
  if (run.value.status !== 0) throw new Error(`rclone failed: ${run.value.stderr.slice(-2000)}`);
  const log = run.value.stderr;
  const copied = (log.match(/Copied \(server-side copy\)/g) ?? []).length;
  const other = (log.match(/: Copied \((?!server-side)/g) ?? []).length;
  // `objects` is what the run covered (as for switchyard, whose re-run covers every object and copies none).
  return { concurrency: transfers, objects: source.length, bytes: copied > 0 ? sourceBytes : 0, seconds: run.seconds, requests: run.requests, clientCpuSeconds: run.value.cpuSeconds, ...(run.motoCpuSeconds !== undefined ? { motoCpuSeconds: run.motoCpuSeconds } : {}), note: `${copied} server-side copies${other > 0 ? `, ${other} other copies` : ''}` };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

function markdown(rows: Row[], args: Args): string {
  const header = '| size | round | run | concurrency | objects | seconds | objects/s | requests | requests/object | tool CPU ms/object | moto CPU ms/object | note |\n|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|';
  const perObject = (r: Row, cpu: number | undefined): string => (cpu !== undefined && r.objects > 0 ? ((cpu * 1000) / r.objects).toFixed(1) : '–');
  const lines = rows.map((r) => {
    const requests = r.objects > 0 ? (r.requests / r.objects).toFixed(2) : '–';
    const rate = r.seconds > 0 ? (r.objects / r.seconds).toFixed(1) : '–';
    return `| ${r.size} | ${r.round} | ${r.run} | ${r.concurrency} | ${r.objects} | ${r.seconds.toFixed(2)} | ${rate} | ${r.requests} | ${requests} | ${perObject(r, r.clientCpuSeconds)} | ${perObject(r, r.motoCpuSeconds)} | ${r.note ?? ''} |`;
  });
  const summary = args.sizes.map((size) => {
    /** The median seconds of a row over its rounds. */
    const find = (run: string): { seconds: number; objects: number } | undefined => {
      const measured = rows.filter((r) => r.size === size && r.run === run && r.seconds > 0);
      return measured.length > 0 ? { seconds: median(measured.map((r) => r.seconds)), objects: measured[0]?.objects ?? 0 } : undefined;
    };
    const [copy, rerun, rcopy, rrerun, ceiling] = ['switchyard copy', 'switchyard re-run (no-op)', 'rclone copy', 'rclone re-run (no-op)', 'bare CopyObject × 16'].map(find);
    const ratio = (a: { seconds: number } | undefined, b: { seconds: number } | undefined): string => (a && b && a.seconds > 0 && b.seconds > 0 ? `${(b.seconds / a.seconds).toFixed(2)}×` : 'n/a');
    const share = copy && ceiling ? `${Math.round((copy.objects / copy.seconds / (ceiling.objects / ceiling.seconds)) * 100)} %` : 'n/a';
    const perRound = Array.from({ length: args.rounds }, (_, i) => {
      const at = (run: string): Row | undefined => rows.find((r) => r.size === size && r.run === run && r.round === i + 1);
      return ratio(at('switchyard copy'), at('rclone copy'));
    });
    return `| ${size} | ${ratio(copy, rcopy)} | ${perRound.join(', ')} | ${ratio(rerun, rrerun)} | ${share} |`;
  });
  return (
    `Backfill on moto: switchyard (concurrency ${args.concurrency}) vs rclone (--transfers ${args.concurrency} --checkers ${args.concurrency}${args.rcloneChecksum ? ' --checksum' : ''}), small objects\n\n${header}\n${lines.join('\n')}\n\n` +
    `Medians over ${args.rounds} round(s):\n\n| size | copy: switchyard vs rclone | copy, each round | re-run: switchyard vs rclone | copy rate / moto ceiling |\n|---:|---:|---|---:|---:|\n${summary.join('\n')}`
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const total = Math.max(...args.sizes);
  const moto = await startMoto();
  const env = createAwsTestEnv(moto.endpoint);
  const rows: Row[] = [];
  const say = (text: string): void => void process.stderr.write(`${text}\n`);
  try {
    for (const bucket of [SOURCE, DESTINATION, 'transfer-manifests']) await env.createBucket(bucket);
    // The route announces each run's report there.
    await env.sns.send(new CreateTopicCommand({ Name: 'transfer-notifications' }));
    say(`seeding ${total} objects…`);
    await seed(env.s3, keys(total));
    const hasRclone = await rcloneAvailable();
    // Builds dist/ if it is stale, outside the measurement.
    await runTool(process.execPath, ['bin/switchyard.mjs', '--version']);

    for (const size of args.sizes) {
      const { prefix, objects } = subset(size, total);
      for (let round = 1; round <= args.rounds; round++) {
        const row = (run: string, values: Omit<Row, 'run' | 'size' | 'round'>): void => {
          rows.push({ size: objects, run, round, ...values });
          // Each row as it is measured: a long run that is stopped still leaves its figures.
          say(`  ${run}: ${values.objects} objects in ${values.seconds.toFixed(2)} s, ${values.requests} requests`);
        };
        const measureSwitchyard = async (): Promise<void> => {
          await emptyDestination(env.s3);
          say(`${objects} objects, round ${round}: switchyard backfill…`);
          row('switchyard copy', await switchyard(moto, moto.endpoint, args.concurrency, prefix));
          say(`${objects} objects, round ${round}: switchyard no-op re-run…`);
          row('switchyard re-run (no-op)', await switchyard(moto, moto.endpoint, args.concurrency, prefix));
        };
        const measureRclone = async (): Promise<void> => {
          if (!hasRclone) {
            row('rclone', { concurrency: '–', objects: 0, bytes: 0, seconds: 0, requests: 0, note: 'not on PATH: apt-get install -y rclone' });
            return;
          }
          await emptyDestination(env.s3);
          say(`${objects} objects, round ${round}: rclone copy…`);
          row('rclone copy', await rclone(moto, env.s3, moto.endpoint, args.concurrency, prefix, args.rcloneChecksum));
          say(`${objects} objects, round ${round}: rclone re-check (no-op)…`);
          row('rclone re-run (no-op)', await rclone(moto, env.s3, moto.endpoint, args.concurrency, prefix, args.rcloneChecksum));
        };
        await emptyDestination(env.s3);
        say(`${objects} objects, round ${round}: moto ceiling (bare CopyObject × 16)…`);
        row('bare CopyObject × 16', await bareCopies(moto, env.s3, prefix));
        // The tools take turns to go first, so a drift in the machine's speed does not favour one.
        if (round % 2 === 1) {
          await measureSwitchyard();
          await measureRclone();
        } else {
          await measureRclone();
          await measureSwitchyard();
        }
      }
    }
    args.sizes = args.sizes.map((size) => subset(size, total).objects);

    if (args.latency) {
      const { prefix, objects } = subset(Math.min(...args.sizes), total);
      const proxy = await startFaultProxy(moto.endpoint);
      proxy.setRules([{ action: { delayMs: 50 } }]);
      try {
        for (const concurrency of [10, 40, 100]) {
          await emptyDestination(env.s3);
          say(`50 ms latency, switchyard concurrency ${concurrency}…`);
          rows.push({ size: objects, run: '+50 ms/request: switchyard', round: 1, ...(await switchyard(moto, proxy.endpoint, concurrency, prefix)) });
        }
        if (hasRclone) {
          await emptyDestination(env.s3);
          say('50 ms latency, rclone…');
          rows.push({ size: objects, run: '+50 ms/request: rclone', round: 1, ...(await rclone(moto, env.s3, proxy.endpoint, args.concurrency, prefix, args.rcloneChecksum)) });
        }
      } finally {
        await proxy.stop();
      }
    }
  } finally {
    await moto.stop();
  }
  console.log(args.json ? JSON.stringify(rows, null, 2) : markdown(rows, args));
}

await main();
