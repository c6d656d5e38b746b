/**
 * The package as an operations team gets it: `npm pack` of a copy of this checkout, the
 * tarball installed into an empty project, `switchyard init`, then every command a routes
 * repository uses, through the installed binary. Deploy bundles the Lambda handler from
 * node_modules/switchyard and creates the stack on moto.
 *
 * Needs the npm registry for the dependencies (npm's cache makes repeated runs quick).
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { AwsTestEnv } from './support/aws-env.ts';
import { useMotoServer } from './support/moto.ts';

const exec = promisify(execFile);
const repoRoot = path.resolve('.');
const NPM_QUIET = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
/** Checkout paths that are not the package's sources, or are built from them. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', 'out', 'coverage', '.switchyard']);

let project: string;
let tarballFiles: string[];
let endpoint = '';
let aws: AwsTestEnv;

useMotoServer((server, env) => {
  endpoint = server.endpoint;
  aws = env;
});

/** The installed binary, run in the routes repository. */
async function switchyard(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(path.join(project, 'node_modules/.bin/switchyard'), args, { cwd: project, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  // Packed from a copy, so the checkout's dist/ (which other test files run) is never rebuilt under them.
  const work = mkdtempSync(path.join(tmpdir(), 'switchyard-pack-'));
  const source = path.join(work, 'source');
  cpSync(repoRoot, source, { recursive: true, filter: (p) => !NOT_COPIED.has(path.basename(p)) || path.dirname(p) !== repoRoot });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(source, 'node_modules'));
  const packed = await exec('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], { cwd: source });
  const [result] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarballFiles = result?.files.map((f) => f.path) ?? [];

  project = path.join(work, 'ops-routes');
  cpSync(path.join(repoRoot, 'test/fixtures/package/empty-project'), project, { recursive: true });
  await exec('npm', ['install', ...NPM_QUIET, path.join(work, result?.filename ?? '')], { cwd: project });
  const init = await switchyard('init');
  expect(init).toMatchObject({ code: 0 });
  // A routes repository is a git repository (impact --base HEAD compares against a commit).
  const git = (...args: string[]) => exec('git', ['-c', 'user.name=ops', '-c', 'user.email=ops@example.com', ...args], { cwd: project });
  await git('init', '--quiet');
  await git('add', '.');
  await git('commit', '--quiet', '-m', 'switchyard init');
  // The object the example event names, in a local directory standing for its bucket (run --local).
  mkdirSync(path.join(project, 'local/example-inbox/incoming/invoices'), { recursive: true });
  writeFileSync(path.join(project, 'local/example-inbox/incoming/invoices/march 2026.PDF'), 'an invoice\n');
}, 240_000);

describe('the packed tarball', () => {
  it('ships the built CLI, the handler sources, the schema, the seed routes and the scaffold; no tests, benches or CI', () => {
    for (const file of ['bin/switchyard.mjs', 'dist/cli/switchyard.js', 'dist/types/route.d.ts', 'engine/handler.ts', 'schema/route.schema.json', 'routes/one-to-many.yaml', 'scaffold/github/workflows/switchyard.yml']) {
      expect(tarballFiles).toContain(file);
    }
    expect(tarballFiles.filter((f) => /^(test|bench|\.ci|scripts|cli)\//.test(f))).toEqual([]);
  });

  it('installs without a TypeScript loader: no tsx in the project, no sources beside the installed bin', () => {
    expect(existsSync(path.join(project, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(path.join(project, 'node_modules/switchyard/cli/switchyard.ts'))).toBe(false);
  });
});

// One row per command a routes repository runs; a new command is one more row (the project is committed: impact --base HEAD works).
const COMMANDS: ReadonlyArray<readonly [string, string[], RegExp]> = [
  ['--version', ['--version'], /^\d+\.\d+\.\d+\n$/],
  ['validate', ['validate', 'routes/'], /1 route valid \(1 file\)/],
  ['test', ['test'], /2 passed, 0 failed/],
  ['dry-run of a route test case', ['dry-run', '--test', 'a spreadsheet is not archived'], /· example\s+suffix/],
  ['generate', ['generate', '--out', 'out', '--account', '123456789012', '--region', 'eu-west-1'], /switchyard-core\.json[\s\S]*switchyard-shard-0\.json/],
  ['run --local', ['run', '--local', 'local', '--event', 'routes/tests/events/example-pdf.json'], /copy .*example-archive/],
  ['demo (the seed routes shipped in the package)', ['demo'], /All demo events were carried out\./],
  ['graph', ['graph', '--format', 'mermaid'], /flowchart[\s\S]*example/],
  ['impact against the last commit', ['impact', '--base', 'HEAD'], /\*\*0 with changed destinations\*\*/],
];

describe('through the installed binary, in the scaffolded routes repository', () => {
  // Independent of each other (each writes its own paths, if any): run side by side.
  it.concurrent.for(COMMANDS)('%s', async ([, args, expected], { expect: expectHere }) => {
    const result = await switchyard(...args);
    expectHere(result.stderr).not.toMatch(/This is a bug|\n\s+at /);
    expectHere(result.code).toBe(0);
    expectHere(`${result.stdout}${result.stderr}`).toMatch(expected);
  });

  it('validates the example route without a modeline warning: the modeline resolves to the installed schema', async () => {
    expect(existsSync(path.join(project, 'node_modules/switchyard/schema/route.schema.json'))).toBe(true);
    expect((await switchyard('validate', 'routes/')).stdout).toBe('');
  });

  it('deploys (the handler bundled from node_modules/switchyard), then diffs and backfills against the stack', async () => {
    const deploy = await switchyard('deploy', '--yes', '--endpoint', endpoint, '--stack', 'ops-routes');
    expect(deploy.stderr).not.toMatch(/This is a bug|\n\s+at /);
    expect(deploy.code).toBe(0);
    expect(`${deploy.stdout}${deploy.stderr}`).toMatch(/Stack ops-routes-core is CREATE_COMPLETE\.[\s\S]*Stack ops-routes-shard-0 is CREATE_COMPLETE\./);

    const diff = await switchyard('diff', '--endpoint', endpoint, '--stack', 'ops-routes');
    expect(diff.stderr).not.toMatch(/This is a bug|\n\s+at /);
    expect(diff.code).toBe(0);

    // Backfill needs a batch route: the seed route shipped in the package has one.
    await aws.createBucket('transfer-source');
    await aws.createBucket('transfer-manifests');
    await aws.s3.send(new PutObjectCommand({ Bucket: 'transfer-source', Key: 'exports/old.bin', Body: 'old' }));
    const backfill = await switchyard('backfill', '--routes', 'node_modules/switchyard/routes', '--route', 'cross-account-batch', '--dry-run', '--endpoint', endpoint);
    expect(backfill.stderr).not.toMatch(/This is a bug|\n\s+at /);
    expect(backfill.code).toBe(0);
    expect(backfill.stdout).toContain('would copy s3://transfer-source/exports/old.bin → s3://transfer-destination/exports/old.bin');
  });

  it('fails a route test that no longer holds, through the same binary', async () => {
    const test = path.join(project, 'routes/tests/example.yaml');
    writeFileSync(test, readFileSync(test, 'utf8').replace('bucket: example-archive', 'bucket: somewhere-else'));
    const result = await switchyard('test');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/1 passed, 1 failed/);
  });
});
