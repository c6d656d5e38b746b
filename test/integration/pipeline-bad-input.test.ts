/**
 * Bad input at run time on moto, through the real SDK: an object deleted before its copy, a
 * destination bucket that does not exist, and assumed-role credentials that expire mid-batch
 * (the fault proxy answers ExpiredToken to requests signed with them).
 */
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromFiles } from '../../engine/load/route-set.ts';
import { Pipeline } from '../../engine/pipeline.ts';
import type { Ports } from '../../engine/ports/types.ts';
import { memoryLog } from '../../engine/report/log.ts';
import { parseFailureRecord } from '../../engine/report/failure-record.ts';
import { s3Created } from '../unit/pipeline/fake-world.ts';
import type { FaultRequest } from './support/fault-proxy.ts';
import { useMotoBehindFaultProxy } from './support/moto-behind-proxy.ts';
import { motoPorts, objectExists, onlyRoute, putObject, readObject } from './pipeline-support.ts';

const STATE = 'switchyard-state';
const WRITER = 'arn:aws:iam::123456789012:role/switchyard-writer';
const { routes, diagnostics } = loadRoutes(
  routeSetFromFiles({
    'routes/keep.yaml': `
name: keep
source: { bucket: inbox, trigger: s3-notification }
allow: { buckets: ["archive-*"] }
actions:
  - copy: { id: keep, to: [archive-a, archive-missing], key: $key, retry: { retries: 1, delay: 1s } }
failWhen: all
`,
    'routes/handover.yaml': `
name: handover
source: { bucket: handover-inbox, trigger: s3-notification }
allow: { buckets: ["archive-*"], roles: ["arn:aws:iam::*:role/switchyard-*"] }
actions:
  - copy: { id: hand, to: archive-a, key: $key, assumeRole: { arn: "${WRITER}" } }
`,
  }),
);

const aws = useMotoBehindFaultProxy(8);
let ports: Ports;
beforeEach(async () => {
  // A fresh resolver per test: no credentials cached from the last one.
  ports = (await motoPorts(aws.proxy.endpoint, { fastClock: true })).ports;
  for (const bucket of ['inbox', 'handover-inbox', 'archive-a', STATE]) await aws.env.createBucket(bucket);
});

async function failureRecords(): Promise<string[]> {
  const listed = await aws.env.s3.send(new ListObjectsV2Command({ Bucket: STATE, Prefix: 'failures/' }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '');
}

describe('bad input at run time', () => {
  it('an object deleted between the event and the copy is skipped with the reason, not retried, not recorded', async () => {
    await putObject(aws.env, 'inbox', 'gone.pdf', 'bytes');
    await aws.env.s3.send(new DeleteObjectCommand({ Bucket: 'inbox', Key: 'gone.pdf' }));
    const log = memoryLog();

    const report = await new Pipeline({ routes, ports, stateBucket: STATE, log }).processInput(s3Created('inbox', 'gone.pdf'));

    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(report.records[0]?.status).toBe('processed');
    expect(onlyRoute(report, 'keep').results.map((r) => [r.outcome, r.attempts, r.detail])).toEqual([
      ['skipped', 1, 's3://inbox/gone.pdf no longer exists: deleted after the event, nothing to route (skipped, not retried)'],
      ['skipped', 1, 's3://inbox/gone.pdf no longer exists: deleted after the event, nothing to route (skipped, not retried)'],
    ]);
    expect(log.lines.filter((l) => l.message === 'copy skipped').map((l) => l.fields.detail)).toHaveLength(2);
    expect(await failureRecords()).toEqual([]);
  });

  it('a destination bucket that does not exist fails that destination at once, with a failure record naming it', async () => {
    await putObject(aws.env, 'inbox', 'doc.pdf', 'bytes');

    const report = await new Pipeline({ routes, ports, stateBucket: STATE }).processInput(s3Created('inbox', 'doc.pdf'));
    const results = onlyRoute(report, 'keep').results;

    expect(report.records[0]?.status).toBe('processed');
    expect(results.map((r) => [r.destination, r.outcome, r.attempts])).toEqual([
      ['s3://archive-a/doc.pdf', 'succeeded', 1],
      ['s3://archive-missing/doc.pdf', 'failed', 1],
    ]);
    expect(results[1]?.error).toMatchObject({ code: 'NoSuchBucket', failureClass: 'not-found', message: expect.stringMatching(/^destination bucket archive-missing does not exist: create it/) });
    const [key] = await failureRecords();
    const body = await readObject(aws.env, STATE, key ?? '');
    expect(parseFailureRecord(body.body.toString('utf8'))).toMatchObject({ route: 'keep', destination: { kind: 's3', bucket: 'archive-missing' }, error: { code: 'NoSuchBucket' }, eventFailed: false });
  });
});

describe('assumed-role credentials that expire mid-batch', () => {
  const signedByRole = (r: FaultRequest): boolean => {
    const credential = /Credential=([^/]+)\//.exec(String(r.headers.authorization ?? ''))?.[1];
    return credential !== undefined && credential !== 'testing';
  };
  let assumed = 0;
  const countAssumeRole = (r: FaultRequest): boolean => {
    if (/\/sts\/aws4_request/.test(String(r.headers.authorization ?? ''))) assumed++;
    return false;
  };

  it('the role is assumed again once and the copy goes through', async () => {
    await putObject(aws.env, 'handover-inbox', 'a.pdf', 'bytes');
    assumed = 0;
    aws.proxy.setRules([
      { when: countAssumeRole, action: { status: 500 } },
      { when: signedByRole, action: { status: 400, s3Error: 'ExpiredToken', message: 'The provided token has expired.' }, count: 1 },
    ]);

    const report = await new Pipeline({ routes, ports, stateBucket: STATE }).processInput(s3Created('handover-inbox', 'a.pdf'));

    expect(onlyRoute(report, 'handover').results).toEqual([expect.objectContaining({ outcome: 'succeeded', attempts: 1 })]);
    expect(aws.proxy.stats.byRule[1]).toBe(1);
    expect(assumed).toBe(2);
    expect(await objectExists(aws.env, 'archive-a', 'a.pdf')).toBe(true);
  });

  it('credentials refused again after assuming once more fail with the reason, not in a loop', async () => {
    await putObject(aws.env, 'handover-inbox', 'b.pdf', 'bytes');
    assumed = 0;
    aws.proxy.setRules([
      { when: countAssumeRole, action: { status: 500 } },
      { when: signedByRole, action: { status: 400, s3Error: 'ExpiredToken', message: 'The provided token has expired.' } },
    ]);

    const report = await new Pipeline({ routes, ports, stateBucket: STATE }).processInput(s3Created('handover-inbox', 'b.pdf'));
    const [result] = onlyRoute(report, 'handover').results;

    expect(result).toMatchObject({ outcome: 'failed', attempts: 1, error: { code: 'ExpiredToken', failureClass: 'access-denied' } });
    expect(result?.error?.message).toMatch(new RegExp(`^credentials of role ${WRITER} failed: ExpiredToken: expired mid-batch; the role was assumed again once`));
    expect(assumed).toBe(2);
  });
});
