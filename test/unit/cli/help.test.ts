/**
 * What a new user types first: --version, --help, `<command> --help`. Through the real CLI.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve('bin/switchyard.mjs');
const cli = (...args: string[]) => run(process.execPath, [CLI, ...args]);

describe('switchyard help and version', () => {
  it('prints the version of the package with --version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect((await cli('--version')).stdout.trim()).toBe(version);
  });

  it('lists init among the commands', async () => {
    expect((await cli('--help')).stdout).toMatch(/^\s+init \[dir\]\s+scaffold a routes repository/m);
  });

  it('shows one default for the paths of `test`, the one in words', async () => {
    const { stdout } = await cli('test', '--help');
    const paths = stdout.slice(stdout.indexOf('Arguments:'), stdout.indexOf('Options:'));
    expect(paths.match(/\(default:/g)).toHaveLength(1);
    expect(paths).toContain('(default: <routes>/tests)');
  });

  it('stops quietly when its output is piped into a reader that has already gone', async () => {
    const { stderr } = await run('sh', ['-c', `"${process.execPath}" "${CLI}" test | true`]);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
  });
});
