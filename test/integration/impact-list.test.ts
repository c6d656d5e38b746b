/**
 * `switchyard impact --list s3://bucket/prefix --endpoint …`: the objects listed from a real S3 API
 * (moto) are evaluated against both route sets; only keys under the prefix are listed.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { impactCommand } from '../../cli/commands/impact.ts';
import type { Output } from '../../cli/output.ts';
import type { AwsTestEnv } from './support/aws-env.ts';
import { useMotoServer, type MotoServer } from './support/moto.ts';

let moto: MotoServer;
let env: AwsTestEnv;
useMotoServer((server, awsEnv) => {
  moto = server;
  env = awsEnv;
});

describe('impact --list', () => {
  it('evaluates every object under the prefix and groups them by key pattern', async () => {
    await env.createBucket('global-builds');
    for (const key of ['builds/app-1.0.0.zip', 'builds/app-1.0.1.zip', 'builds/app 2.0.0.zip', 'docs/readme.txt']) {
      await env.s3.send(new PutObjectCommand({ Bucket: 'global-builds', Key: key, Body: 'x' }));
    }
    const stdout: string[] = [];
    const stderr: string[] = [];
    const out: Output = { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), isTTY: false };
    const code = await impactCommand(
      { base: 'routes', routes: 'test/fixtures/impact/edited-routes', tests: 'test/fixtures/impact/no-tests', list: 's3://global-builds/builds/', endpoint: moto.endpoint, format: 'markdown', graph: false },
      out,
    );
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    const report = stdout.join('\n');
    expect(report).toContain('3 objects evaluated (0 from route tests, 3 listed)');
    expect(report).toContain('| global-builds | moves | 3 | `s3://global-builds/builds/app*.zip` | `s3://region-b-builds/{key}` | `s3://region-c-builds/{key}` |');
  });
});
