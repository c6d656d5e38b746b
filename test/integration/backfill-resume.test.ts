/**
 * `kill -9` in the middle of `switchyard backfill`, then `--resume`: the CLI runs in a child
 * process against moto through a proxy that logs every request moto receives; the child is
 * SIGKILLed once a checkpoint is saved and part of the objects are copied. The log holds the
 * requests moto answered, i.e. carried out. The resumed run must
 * leave every object at the destination with its bytes, and the log must show exactly one
 * CopyObject per object over both runs: nothing copied twice, nothing missed. Both with
 * skipExisting and without it: a resumed run never copies again what it copied before it stopped.
 * And for a route whose destination depends on the object (a bucket per folder, from JSONata):
 * the resumed run's validation covers the killed run's copies too, from what its checkpoint recorded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillCommand } from '../../cli/commands/backfill.ts';
import { mapLimit } from '../../engine/limiter.ts';
import { TEST_REGION, createAwsTestEnv, type AwsTestEnv } from './support/aws-env.ts';
import { startFaultProxy, type FaultProxy, type ForwardedRequest } from './support/fault-proxy.ts';
import { startMoto, type MotoServer } from './support/moto.ts';
import { capture } from '../support/captured-output.ts';

const OBJECTS = 200;
const SOURCE = 'resume-source';
const MANIFESTS = 'resume-manifests';
const keyOf = (i: number): string => `data/g${i % 4}/object ${String(i).padStart(3, '0')}.bin`;
const TEAMS = ['g0', 'g1', 'g2', 'g3'].map((folder) => `resume-team-${folder}`);
/**
 * Three routes over the same source: with skipExisting, without (the resumed run must not copy
 * twice either way), and to a bucket that depends on the object (its folder).
 */
const CASES = [
  { route: 'resume-demo', to: 'resume-destination', destinations: ['resume-destination'], destinationOf: () => 'resume-destination', skipExisting: true },
  { route: 'resume-plain', to: 'resume-plain-destination', destinations: ['resume-plain-destination'], destinationOf: () => 'resume-plain-destination', skipExisting: false },
  { route: 'resume-by-folder', to: `"='resume-team-' & $split($key, '/')[1]"`, allow: 'resume-team-*', destinations: TEAMS, destinationOf: (i: number) => `resume-team-g${i % 4}`, skipExisting: true },
];
const routeYaml = (c: (typeof CASES)[number]): string => `
name: ${c.route}
source: { bucket: ${SOURCE}, prefix: data/, trigger: manual }
${c.allow !== undefined ? `allow: { buckets: ["${c.allow}"] }\n` : ''}actions:
  - copy: { id: copy, to: ${c.to}, key: $key, skipExisting: ${c.skipExisting} }
batch: { manifests: s3://${MANIFESTS}/, concurrency: 4 }
`;
const bodyOf = (i: number): Buffer => Buffer.alloc(100 + (i % 50), i % 251);

let moto: MotoServer;
let proxy: FaultProxy;
let env: AwsTestEnv;
let routesDir: string;
const forwarded: ForwardedRequest[] = [];

beforeAll(async () => {
  moto = await startMoto();
  env = createAwsTestEnv(moto.endpoint);
  proxy = await startFaultProxy(moto.endpoint, [], { onAnswered: (request) => forwarded.push(request) });
  for (const bucket of [SOURCE, MANIFESTS, ...CASES.flatMap((c) => c.destinations)]) await env.createBucket(bucket);
  await mapLimit(
    Array.from({ length: OBJECTS }, (_, i) => i),
    16,
    (i) => env.s3.send(new PutObjectCommand({ Bucket: SOURCE, Key: keyOf(i), Body: bodyOf(i) })),
  );
  routesDir = mkdtempSync(path.join(tmpdir(), 'switchyard-resume-'));
  for (const c of CASES) writeFileSync(path.join(routesDir, `${c.route}.yaml`), routeYaml(c));
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
  if (routesDir) rmSync(routesDir, { recursive: true, force: true });
});

/** `bucket/key` of a CopyObject into one of `destinations` moto received (path-style: /bucket/key?x-id=CopyObject). */
function copiedTo(request: ForwardedRequest, destinations: readonly string[]): string | undefined {
  if (request.method !== 'PUT' || request.headers['x-amz-copy-source'] === undefined) return undefined;
  const pathname = decodeURIComponent(new URL(request.url, 'http://proxy').pathname);
  return destinations.some((d) => pathname.startsWith(`/${d}/`)) ? pathname.slice(1) : undefined;
}

function startCli(route: string): ChildProcess {
  const cli = path.resolve('cli/switchyard.ts');
  return spawn(process.execPath, ['--import', 'tsx', cli, 'backfill', '--route', route, '--routes', routesDir, '--endpoint', proxy.endpoint, '--region', TEST_REGION, '--json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env },
  });
}

async function until(condition: () => boolean, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 40_000;
  while (!condition()) {
    if (child.exitCode !== null) throw new Error(`the backfill ended before it could be killed (exit ${child.exitCode}): ${stderr().slice(-1500)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting to kill the backfill: ${stderr().slice(-1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Until moto has answered nothing new for a second: what it was doing at the kill is done. */
async function settled(): Promise<void> {
  let seen = -1;
  while (seen !== forwarded.length) {
    seen = forwarded.length;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Until every `bucket/key` in `copies` is listed. */
async function landed(destinations: readonly string[], copies: Set<string>): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const present = new Set<string>();
    for (const destination of destinations) {
      let token: string | undefined;
      do {
        const page = await env.s3.send(new ListObjectsV2Command({ Bucket: destination, ContinuationToken: token }));
        for (const o of page.Contents ?? []) present.add(`${destination}/${o.Key ?? ''}`);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    }
    if ([...copies].every((k) => present.has(k))) return;
    if (Date.now() > deadline) throw new Error('copies received by moto before the kill did not land within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}


describe.each(CASES)('backfill killed with SIGKILL and resumed ($route, skipExisting: $skipExisting)', ({ route, destinations, destinationOf }) => {
  it('copies every object exactly once over both runs', async () => {
    const copies = (): string[] => forwarded.flatMap((r) => copiedTo(r, destinations) ?? []);
    const checkpointSaved = (): boolean => forwarded.some((r) => r.method === 'PUT' && r.url.includes(`/${route}/`) && r.url.includes('checkpoint.json'));
    // At most 4 × 20 copies/s: the first checkpoint (after 2 s) comes well before the last copy.
    proxy.setRules([{ method: 'PUT', header: { name: 'x-amz-copy-source' }, action: { delayMs: 50 } }]);
    const child = startCli(route);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await until(() => checkpointSaved() && copies().length >= OBJECTS / 3, child, () => stderr);
    child.kill('SIGKILL');
    await exited;
    // Copies moto was already working on when the process died still land (as S3 finishes a request
    // whose client is gone): wait until every CopyObject moto answered has, as an operator resuming a
    // moment later would find it. Only then does the resumed run's listing decide.
    await settled();
    await landed(destinations, new Set(copies()));
    const beforeResume = copies().length;
    expect(beforeResume).toBeLessThan(OBJECTS);
    proxy.setRules([]);

    const out = capture();
    const code = await backfillCommand({ route, routes: routesDir, endpoint: proxy.endpoint, region: TEST_REGION, dryRun: false, json: true, resume: 'latest' }, out);

    expect(out.err.filter((line) => line.includes('"level":"error"'))).toEqual([]);
    expect(code).toBe(0);
    const summary = JSON.parse(out.out[0] ?? '{}') as { copied: number; skipped: number; failed: number; resumed: number; listed: number; validation: { status: string; expectedCopies: number; foundCopies: number; earlierAttempts?: unknown } };
    expect(summary.listed).toBe(OBJECTS);
    expect(summary.failed).toBe(0);
    expect(summary.resumed, 'the checkpoint spared the resumed run some objects').toBeGreaterThan(0);
    expect(summary.copied + summary.skipped).toBe(OBJECTS);
    // Validation covers the whole run, the earlier attempt's copies included, wherever the route put them.
    expect(summary.validation).toMatchObject({ status: 'passed', expectedCopies: OBJECTS, foundCopies: OBJECTS });
    expect(summary.validation.earlierAttempts).toEqual({ objects: summary.resumed, copies: summary.resumed, unrecorded: 0 });

    const perKey = new Map<string, number>();
    for (const key of copies()) perKey.set(key, (perKey.get(key) ?? 0) + 1);
    const twice = [...perKey.entries()].filter(([, n]) => n > 1);
    expect(twice, 'objects copied more than once').toEqual([]);
    expect(perKey.size, 'objects never copied').toBe(OBJECTS);
    expect(forwarded.filter((r) => r.method === 'HEAD' && r.url.startsWith(`/${SOURCE}/`)), 'no HeadObject of the source').toEqual([]);

    await mapLimit(
      Array.from({ length: OBJECTS }, (_, i) => i),
      16,
      async (i) => {
        const answer = await env.s3.send(new GetObjectCommand({ Bucket: destinationOf(i), Key: keyOf(i) }));
        expect(Buffer.from((await answer.Body?.transformToByteArray()) ?? []).equals(bodyOf(i)), keyOf(i)).toBe(true);
      },
    );
  }, 90_000);
});
