/**
 * The batch route's Step Functions steps (engine/batch/phases.ts) against moto, driven the way
 * the generated Distributed Map drives them: List → read items.json (ItemReader, JSON) →
 * ItemBatcher batches of `batch.batchSize` with the BatchInput → Validate → Report.
 *
 * What moto cannot run, and so is not covered here: the state machine itself with these
 * Lambda tasks (moto runs Lambda code only in Docker, which this machine does not have) and
 * ItemBatcher. The definition is checked by cfn-lint and by the generator's tests; this file
 * plays the Map's part with the exact payloads of engine/batch/step-payloads.ts.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatchPhase } from '../../engine/batch/phases.ts';
import type { BackfillReport } from '../../engine/batch/report.ts';
import type { ListPhaseOutput, ReportPhaseOutput, TransferPhaseInput } from '../../engine/batch/step-payloads.ts';
import type { ValidationResult } from '../../engine/batch/validate.ts';
import type { ManifestEntry } from '../../engine/batch/manifest-entry.ts';
import { mapLimit } from '../../engine/limiter.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import { createAwsPorts } from '../../engine/ports/aws/index.ts';
import type { Ports } from '../../engine/ports/types.ts';
import { memoryLog } from '../../engine/report/log.ts';
import { createAwsTestEnv, type AwsTestEnv } from './support/aws-env.ts';
import { startMoto, type MotoServer } from './support/moto.ts';

const ROUTE = 'cross-account-batch';
const OBJECTS = 45;

let moto: MotoServer;
let env: AwsTestEnv;
let routes: CompiledRoute[];
let ports: Ports;

async function body(bucket: string, key: string): Promise<string> {
  const answer = await env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await answer.Body?.transformToString()) ?? '';
}

/** What one execution of the state machine does, with the Map's failure tolerance of the route (0 %). */
async function execute(runId: string): Promise<{ list: ListPhaseOutput; batches: number; failedBatches: string[]; validation?: ValidationResult; report: ReportPhaseOutput }> {
  const deps = { routes, ports, log: memoryLog() };
  const startedAt = new Date().toISOString();
  const list = (await runBatchPhase({ switchyard: 'batch', phase: 'list', route: ROUTE, runId, input: {} }, deps)) as ListPhaseOutput;
  const items = JSON.parse(await body(list.itemsBucket, list.itemsKey)) as ManifestEntry[];
  const batchSize = routes.find((r) => r.name === ROUTE)?.definition.batch?.batchSize ?? 20;
  const batches: ManifestEntry[][] = [];
  for (let i = 0; i < items.length; i += batchSize) batches.push(items.slice(i, i + batchSize));
  const failedBatches: string[] = [];
  await mapLimit(batches, 4, async (Items) => {
    const input: TransferPhaseInput = { Items, BatchInput: { switchyard: 'batch', phase: 'transfer', route: ROUTE, runId } };
    try {
      await runBatchPhase(input, deps);
    } catch (error) {
      failedBatches.push((error as Error).name);
    }
  });
  const transferError = failedBatches.length > 0 ? { Error: 'States.ExceedToleratedFailureThreshold', Cause: failedBatches.join(', ') } : undefined;
  const validation = (await runBatchPhase({ switchyard: 'batch', phase: 'validate', route: ROUTE, runId }, deps)) as ValidationResult;
  const report = (await runBatchPhase(
    { switchyard: 'batch', phase: 'report', route: ROUTE, runId, startedAt, state: { list, validation, ...(transferError ? { transferError } : {}) } },
    deps,
  )) as ReportPhaseOutput;
  return { list, batches: batches.length, failedBatches, validation, report };
}

beforeAll(async () => {
  moto = await startMoto();
  env = createAwsTestEnv(moto.endpoint);
  for (const bucket of ['transfer-source', 'transfer-destination', 'transfer-manifests']) await env.createBucket(bucket);
  for (let i = 0; i < OBJECTS; i++) {
    await env.s3.send(new PutObjectCommand({ Bucket: 'transfer-source', Key: `exports/part ${i}/ledger+${i}.csv`, Body: `row,${i}\n`.repeat(i + 1), ContentType: 'text/csv' }));
  }
  await env.s3.send(new PutObjectCommand({ Bucket: 'transfer-source', Key: 'elsewhere/not-mine.csv', Body: 'no' }));
  const loaded = loadRoutes(routeSetFromDisk(['routes']));
  expect(loaded.diagnostics).toEqual([]);
  routes = loaded.routes;
  ports = createAwsPorts({ endpoint: moto.endpoint, region: 'us-east-1' });
});

afterAll(async () => {
  await moto?.stop();
});

describe('batch route steps as the Distributed Map runs them', () => {
  it('lists to a manifest and an ItemReader array, transfers in batches, validates and reports success', async () => {
    const run = await execute('2026-11-23T10-00-00Z-aaaaaa');
    expect(run.list.count).toBe(OBJECTS);
    expect(run.list.itemsKey).toBe('cross-account-batch/2026-11-23T10-00-00Z-aaaaaa/items.json');
    expect(run.batches).toBe(Math.ceil(OBJECTS / 20));
    expect(run.failedBatches).toEqual([]);
    expect(run.validation?.status).toBe('passed');
    expect(run.validation?.expectedCopies).toBe(OBJECTS);
    expect(run.report.status).toBe('succeeded');
    const report = JSON.parse(await body('transfer-manifests', 'cross-account-batch/2026-11-23T10-00-00Z-aaaaaa/report.json')) as BackfillReport;
    expect(report.counts).toMatchObject({ listed: OBJECTS, copied: OBJECTS, skipped: 0, failed: 0 });
    expect(await body('transfer-destination', 'exports/part 7/ledger+7.csv')).toBe('row,7\n'.repeat(8));
    await expect(body('transfer-destination', 'elsewhere/not-mine.csv')).rejects.toThrow();
  });

  it('a second execution copies nothing: every object is skipped', async () => {
    const run = await execute('2026-11-23T11-00-00Z-bbbbbb');
    const report = JSON.parse(await body('transfer-manifests', 'cross-account-batch/2026-11-23T11-00-00Z-bbbbbb/report.json')) as BackfillReport;
    expect(report.counts).toMatchObject({ copied: 0, skipped: OBJECTS, failed: 0 });
    expect(run.report.status).toBe('succeeded');
  });

  it('a batch whose destination is gone fails as non-retryable and the report says the run failed', async () => {
    await env.s3.send(new PutObjectCommand({ Bucket: 'transfer-source', Key: 'exports/zz/new.csv', Body: 'new' }));
    const brokenRoutes = routes.map((r) =>
      r.name === ROUTE ? { ...r, actions: r.actions.map((a) => (a.type === 'copy' ? { ...a, to: { kind: 'literal' as const, value: 'transfer-destination-gone' } } : a)), allow: {} } : r,
    );
    const saved = routes;
    routes = brokenRoutes;
    try {
      const run = await execute('2026-11-23T12-00-00Z-cccccc');
      expect(run.failedBatches.length).toBeGreaterThan(0);
      expect(new Set(run.failedBatches)).toEqual(new Set(['Switchyard.NonRetryable']));
      expect(run.report.status).toBe('failed');
      expect(run.report.problems.join(' ')).toMatch(/transfer failed|objects failed/);
    } finally {
      routes = saved;
    }
  });
});
