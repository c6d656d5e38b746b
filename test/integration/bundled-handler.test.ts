/**
 * The bundled router function against moto, run from its extracted zip in a plain node process
 * as Lambda runs it: an event whose route looks a queue up in SSM and sends to it, so the
 * chunks a cold start does not read (JSONata, the SSM and SQS clients) are imported on demand
 * inside the real bundle, and the message arrives.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda, HANDLER_FILE } from '../../deploy/bundle.ts';
import type { AwsTestEnv } from './support/aws-env.ts';
import { TEST_REGION } from './support/aws-env.ts';
import { useMotoServer, type MotoServer } from './support/moto.ts';

const ROUTE = `name: queue-from-ssm
source: { bucket: lookup-intake, prefix: orders/, trigger: eventbridge }
let:
  queue: "$ssm('/switchyard/order-queue')"
allow:
  queues: [order-*]
actions:
  - sqs:
      queue: $queue
      body: "{ 'order': $substringAfter($key, 'orders/'), 'size': $size }"
`;

const work = mkdtempSync(path.join(tmpdir(), 'switchyard-bundled-'));
let moto: MotoServer;
let env: AwsTestEnv;
let codeDir: string;

useMotoServer((server, awsEnv) => {
  moto = server;
  env = awsEnv;
});

beforeAll(async () => {
  const routesDir = path.join(work, 'routes');
  mkdirSync(routesDir);
  writeFileSync(path.join(routesDir, 'queue-from-ssm.yaml'), ROUTE);
  const bundle = await bundleLambda({ routesDir });
  codeDir = path.join(work, 'code');
  writeFileSync(`${codeDir}.zip`, bundle.zip);
  execFileSync('python3', ['-m', 'zipfile', '-e', `${codeDir}.zip`, codeDir]);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the bundled handler', () => {
  it('imports JSONata, SSM and SQS on demand and delivers the message', async () => {
    const queue = await env.createQueue('order-events');
    await env.ssm.send(new PutParameterCommand({ Name: '/switchyard/order-queue', Value: 'order-events', Type: 'String' }));
    const event = {
      version: '0',
      id: 'bundled-handler-1',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '123456789012',
      time: '2026-03-04T10:11:12Z',
      region: TEST_REGION,
      resources: ['arn:aws:s3:::lookup-intake'],
      detail: { version: '0', bucket: { name: 'lookup-intake' }, object: { key: 'orders/4711.json', size: 42, etag: 'e1' }, reason: 'PutObject' },
    };
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(codeDir, HANDLER_FILE)).href)});
      const result = await handler(JSON.parse(process.env.EVENT), { getRemainingTimeInMillis: () => 30000, awsRequestId: 'test' });
      console.log('RESULT ' + JSON.stringify(result));`;
    // cwd outside the repository and no NODE_PATH: the chunks must come from the zip alone.
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: codeDir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        AWS_REGION: TEST_REGION,
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_ENDPOINT_URL: moto.endpoint,
        EVENT: JSON.stringify(event),
      },
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const result = run.stdout.split('\n').find((l) => l.startsWith('RESULT '))?.slice('RESULT '.length);
    expect(JSON.parse(result ?? 'null')).toEqual({ records: [{ recordId: expect.any(String) as string, status: 'processed', routes: ['queue-from-ssm'] }] });
    const messages = await env.receiveAll(queue.url);
    expect(messages.map((m) => JSON.parse(m.Body ?? 'null') as unknown)).toEqual([{ order: '4711.json', size: 42 }]);
  }, 90_000);
});
