/**
 * A path that does not exist, whichever command and option names it: exit 1, the path and a
 * stable code, no invented line number, nothing about steps that were never reached.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve('bin/switchyard.mjs');

describe('missing paths', () => {
  it.concurrent.for([
    ['validate route/ (a typo of routes/)', ['validate', 'route/'], 'route/: error: no such file or directory: route/ [SY007]'],
    ['generate --routes nope', ['generate', '--routes', 'nope', '--out', 'out-never-written'], 'nope: error: no such file or directory: nope [SY007]'],
    ['test --routes nope', ['test', '--routes', 'nope'], 'nope: error: no such file or directory: nope [SY007]'],
    ['run --event nope.json', ['run', '--local', '.', '--event', 'nope.json'], 'event file nope.json does not exist [SY200]'],
    ['dry-run --event nope.json', ['dry-run', '--event', 'nope.json'], 'event file nope.json does not exist [SY200]'],
  ] as const)('%s', async ([, args, message], { expect: expectHere }) => {
    const failure = (await run(process.execPath, [CLI, ...args]).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    )) as { code: number; stdout: string; stderr: string };
    const printed = `${failure.stdout}${failure.stderr}`;
    expectHere(failure.code).toBe(1);
    expectHere(printed).toContain(message);
    expectHere(printed).not.toMatch(/:1:1|running events|deployed until|\n\s+at /);
  });
});
