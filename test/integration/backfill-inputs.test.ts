/**
 * Inputs for large backfills on moto: an S3 Inventory report (manifest.json + CSV.gz, newest of
 * two) replaces the source listing, in-process and as the Distributed Map's MANIFEST items;
 * a `bucket,key` CSV manifest picks objects out of the listing. Keys are URL-encoded in both.
 */
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { runBatchPhase } from '../../engine/batch/phases.ts';
import { silentProgress } from '../../engine/batch/progress.ts';
import { runBackfill } from '../../engine/batch/run-backfill.ts';
import type { ListPhaseOutput, ReportPhaseOutput } from '../../engine/batch/step-payloads.ts';
import type { BackfillReport } from '../../engine/batch/report.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { createAwsPorts } from '../../engine/ports/aws/index.ts';
import { silentLog } from '../../engine/report/log.ts';
import { compileRoutes } from '../unit/pipeline/fake-world.ts';
import type { AwsTestEnv } from './support/aws-env.ts';
import { useMotoServer, type MotoServer } from './support/moto.ts';

let moto: MotoServer;
let env: AwsTestEnv;
useMotoServer((server, e) => {
  moto = server;
  env = e;
});

const INVENTORY = 's3://inventory/reports/src/daily/';
const routeYaml = (inventory: boolean) => `
name: ledger-copy
source: { bucket: src, prefix: data/, trigger: manual }
actions:
  - copy: { id: copy, to: dst, key: $key, skipExisting: true }
batch:
  manifests: s3://manifests/
${inventory ? `  inventory: ${INVENTORY}\n` : ''}`;
const route = (inventory: boolean): CompiledRoute => compileRoutes({ 'routes/ledger-copy.yaml': routeYaml(inventory) })[0] as CompiledRoute;

const keys = Array.from({ length: 12 }, (_, i) => `data/${i % 3}/ledger ${i}+v1.csv`);
const encode = (key: string): string => encodeURIComponent(key).replaceAll('%2F', '/');

async function put(bucket: string, key: string, body: string | Buffer): Promise<{ eTag: string; size: number }> {
  const answer = await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return { eTag: (answer.ETag ?? '').replaceAll('"', ''), size: Buffer.byteLength(body) };
}

async function destinationKeys(): Promise<string[]> {
  const answer = await env.s3.send(new ListObjectsV2Command({ Bucket: 'dst' }));
  return (answer.Contents ?? []).map((o) => o.Key ?? '').sort();
}

/** Two inventory reports: the older lists everything, the newest only the even objects (plus rows that are not the route's). */
async function writeInventory(): Promise<void> {
  const rows: string[] = [];
  for (const [i, key] of keys.entries()) {
    const { eTag, size } = await put('src', key, `ledger ${i}\n`.repeat(i + 1));
    if (i % 2 === 0) rows.push(`"src","${encode(key)}","${size}","2026-11-28T10:00:00.000Z","${eTag}"`);
  }
  rows.push('"other-bucket","data/0/x.csv","5","2026-11-28T10:00:00.000Z","e"', '"src","elsewhere/y.csv","5","2026-11-28T10:00:00.000Z","e"');
  await put('inventory', 'reports/src/daily/data/newest.csv.gz', gzipSync(`${rows.join('\n')}\n`));
  await put('inventory', 'reports/src/daily/data/older.csv.gz', gzipSync(`${keys.map((k) => `"src","${encode(k)}","1","2026-11-27T10:00:00.000Z","e"`).join('\n')}\n`));
  const manifest = (file: string) => JSON.stringify({ sourceBucket: 'src', fileFormat: 'CSV', fileSchema: 'Bucket, Key, Size, LastModifiedDate, ETag', files: [{ key: `reports/src/daily/data/${file}`, size: 1, MD5checksum: 'x' }] });
  await put('inventory', 'reports/src/daily/2026-11-27T01-00Z/manifest.json', manifest('older.csv.gz'));
  await put('inventory', 'reports/src/daily/2026-11-28T01-00Z/manifest.json', manifest('newest.csv.gz'));
}

beforeEach(async () => {
  for (const bucket of ['src', 'dst', 'manifests', 'inventory']) await env.createBucket(bucket);
});

describe('backfill inputs', () => {
  it('batch.inventory: copies what the newest inventory report lists, byte for byte, and nothing the report leaves out', async () => {
    await writeInventory();
    const ports = createAwsPorts({ endpoint: moto.endpoint, region: 'us-east-1' });

    const summary = await runBackfill(route(true), ports, { log: silentLog, progress: silentProgress });

    expect(summary).toMatchObject({ status: 'succeeded', listed: 6, excluded: 2, copied: 6, failed: 0 });
    const even = keys.filter((_, i) => i % 2 === 0);
    expect(await destinationKeys()).toEqual([...even].sort());
    const copy = await env.s3.send(new GetObjectCommand({ Bucket: 'dst', Key: even[2] }));
    expect(await copy.Body?.transformToString()).toBe('ledger 4\n'.repeat(5));
  });

  it('batch.inventory on Step Functions: List picks the newest report, the MANIFEST reader’s rows transfer as items, the report counts them', async () => {
    await writeInventory();
    const deps = { routes: [route(true)], ports: createAwsPorts({ endpoint: moto.endpoint, region: 'us-east-1' }), log: silentLog };
    const runId = '2026-11-30T10-00-00Z-inv';

    const list = (await runBatchPhase({ switchyard: 'batch', phase: 'list', route: 'ledger-copy', runId, input: {} }, deps)) as ListPhaseOutput;
    expect(list).toMatchObject({ inventoryBucket: 'inventory', inventoryKey: 'reports/src/daily/2026-11-28T01-00Z/manifest.json' });
    // What the MANIFEST reader hands the batches: one object per CSV row, named by fileSchema, every value a string.
    const gz = await env.s3.send(new GetObjectCommand({ Bucket: 'inventory', Key: 'reports/src/daily/data/newest.csv.gz' }));
    const { gunzipSync } = await import('node:zlib');
    const rows = gunzipSync(Buffer.from((await gz.Body?.transformToByteArray()) ?? [])).toString('utf8').trim().split('\n');
    const items = rows.map((line) => {
      const [Bucket, Key, Size, LastModifiedDate, ETag] = line.split(',').map((f) => f.slice(1, -1));
      return { Bucket, Key, Size, LastModifiedDate, ETag };
    });
    for (const Items of [items.slice(0, 4), items.slice(4)]) await runBatchPhase({ Items, BatchInput: { switchyard: 'batch', phase: 'transfer', route: 'ledger-copy', runId } }, deps);
    const report = (await runBatchPhase({ switchyard: 'batch', phase: 'report', route: 'ledger-copy', runId, startedAt: new Date().toISOString(), state: { list } }, deps)) as ReportPhaseOutput;

    expect(report.status).toBe('succeeded');
    const written = JSON.parse((await (await env.s3.send(new GetObjectCommand({ Bucket: 'manifests', Key: `ledger-copy/${runId}/report.json` }))).Body?.transformToString()) ?? '{}') as BackfillReport;
    expect(written.counts).toMatchObject({ listed: 6, excluded: 2, copied: 6, failed: 0 });
    expect(await destinationKeys()).toEqual(keys.filter((_, i) => i % 2 === 0).sort());
  });

  it('batch.inventory on Step Functions with --prefix: the batches copy only the rows under the run’s prefix', async () => {
    await writeInventory();
    const deps = { routes: [route(true)], ports: createAwsPorts({ endpoint: moto.endpoint, region: 'us-east-1' }), log: silentLog };
    const runId = '2026-11-30T11-00-00Z-pfx';

    const list = (await runBatchPhase({ switchyard: 'batch', phase: 'list', route: 'ledger-copy', runId, input: { prefix: 'data/1/' } }, deps)) as ListPhaseOutput;
    const items = keys.filter((_, i) => i % 2 === 0).map((key) => ({ Bucket: 'src', Key: encode(key), Size: '1', LastModifiedDate: '2026-11-28T10:00:00.000Z', ETag: 'e' }));
    // The state machine passes the list phase's sourcePrefix to every batch (state-machine-definition.ts).
    await runBatchPhase({ Items: items, BatchInput: { switchyard: 'batch', phase: 'transfer', route: 'ledger-copy', runId, sourcePrefix: list.sourcePrefix } }, deps);

    expect(list.sourcePrefix).toBe('data/1/');
    expect(await destinationKeys()).toEqual(keys.filter((key, i) => i % 2 === 0 && key.startsWith('data/1/')).sort());
  });

  it('--csv: copies exactly the objects a bucket,key manifest names (URL-encoded keys), and counts names that do not exist and rows of other buckets', async () => {
    for (const [i, key] of keys.entries()) await put('src', key, `ledger ${i}\n`);
    const chosen = [keys[1], keys[5], keys[10]] as string[];
    await put('manifests', 'inputs/keys.csv', `${chosen.map((k) => `src,${encode(k)}`).join('\n')}\nsrc,data/missing.csv\nother,${encode(keys[0] as string)}\n`);
    const ports = createAwsPorts({ endpoint: moto.endpoint, region: 'us-east-1' });

    const summary = await runBackfill(route(false), ports, { log: silentLog, progress: silentProgress, input: { kind: 'csv', uri: 's3://manifests/inputs/keys.csv' } });

    expect(summary).toMatchObject({ status: 'succeeded', listed: 3, excluded: 2, copied: 3 });
    expect(await destinationKeys()).toEqual([...chosen].sort());
  });
});
