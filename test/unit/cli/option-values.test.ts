/**
 * Counts given on the command line: a value that is not a whole number of at least one is a
 * usage error (exit 2) naming the option and what was given, for every command that takes one.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve('bin/switchyard.mjs');

describe('count options', () => {
  it.concurrent.for([
    ['backfill --concurrency 0', ['backfill', '--route', 'cross-account-batch', '--concurrency', '0'], "--concurrency must be a whole number ≥ 1, got '0' [SY202]"],
    ['backfill --concurrency 2.5', ['backfill', '--route', 'cross-account-batch', '--concurrency', '2.5'], "--concurrency must be a whole number ≥ 1, got '2.5' [SY202]"],
    ['deploy --concurrency many', ['deploy', '--concurrency', 'many'], "--concurrency must be a whole number ≥ 1, got 'many' [SY202]"],
    ['diff --concurrency -1', ['diff', '--concurrency=-1'], "--concurrency must be a whole number ≥ 1, got '-1' [SY202]"],
    ['generate --reserved-concurrency ten', ['generate', '--out', '/tmp/never-written', '--reserved-concurrency', 'ten'], "--reserved-concurrency takes a whole number of executions (0 reserves none), not 'ten' [SY206]"],
    ['deploy --reserved-concurrency 2.5', ['deploy', '--reserved-concurrency', '2.5'], "--reserved-concurrency takes a whole number of executions (0 reserves none), not '2.5' [SY206]"],
    ['diff --reserved-concurrency -1', ['diff', '--reserved-concurrency=-1'], "--reserved-concurrency takes a whole number of executions (0 reserves none), not '-1' [SY206]"],
    ['deploy --moved-buckets-applied b,,c', ['deploy', '--moved-buckets-applied', 'b,,c'], "--moved-buckets-applied takes bucket names separated by commas (--moved-buckets-applied b,c), or nothing for every moved bucket; got 'b,,c' [SY207]"],
    ['diff --moved-buckets-applied=', ['diff', '--moved-buckets-applied='], "--moved-buckets-applied takes bucket names separated by commas (--moved-buckets-applied b,c), or nothing for every moved bucket; got '' [SY207]"],
  ] as const)('%s', async ([, args, message], { expect: expectHere }) => {
    const failure = (await run(process.execPath, [CLI, ...args]).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    )) as { code: number; stdout: string; stderr: string };
    expectHere(failure.code).toBe(2);
    expectHere(`${failure.stdout}${failure.stderr}`).toContain(message);
  });
});
