/**
 * The router bundle: deterministic bytes named by their hash, the routes embedded (and only
 * what the function can load), and a handler that runs from the extracted zip in a plain
 * node process with nothing but its own file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLambda, type LambdaBundle } from '../../../deploy/bundle.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../../engine/load/route-set.ts';

const SEED_ROUTES = path.resolve('routes');
const FIXTURES = path.resolve('test/fixtures/events');
const work = mkdtempSync(path.join(tmpdir(), 'switchyard-bundle-'));
let first: LambdaBundle;
let second: LambdaBundle;

beforeAll(async () => {
  first = await bundleLambda({ routesDir: SEED_ROUTES });
  second = await bundleLambda({ routesDir: SEED_ROUTES });
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function extract(zip: Buffer, into: string): string[] {
  mkdirSync(into, { recursive: true });
  const file = path.join(into, '..', `${path.basename(into)}.zip`);
  writeFileSync(file, zip);
  execFileSync('python3', ['-m', 'zipfile', '-e', file, into]);
  return readdirSync(into).sort();
}

function copyOfSeedRoutes(name: string): string {
  const dir = path.join(work, name, 'routes');
  cpSync(SEED_ROUTES, dir, { recursive: true });
  return dir;
}

function handlerText(bundle: LambdaBundle, name: string): string {
  const dir = path.join(work, `text-${name}`);
  return extract(bundle.zip, dir)
    .filter((f) => f.endsWith('.mjs') || f === 'routes.json')
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

/** Runs the bundled handler from its extracted zip in a plain node process, on one event fixture. */
function runBundled(bundle: LambdaBundle, fixture: string): { result: unknown; loadedRoutes: string[] | undefined } {
  const dir = path.join(work, `run-${bundle.sha256.slice(0, 12)}-${fixture}`);
  extract(bundle.zip, dir);
  const script = `
    import { readFileSync } from 'node:fs';
    const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(dir, 'handler.mjs')).href)});
    const event = JSON.parse(readFileSync(${JSON.stringify(path.join(FIXTURES, fixture))}, 'utf8'));
    await handler(event, { getRemainingTimeInMillis: () => 30000, awsRequestId: 'test' })
      .then((result) => console.log('RESULT ' + JSON.stringify(result)), (error) => { console.error(error); process.exit(1); });`;
  // cwd outside the repository and no NODE_PATH: the bundle must not need node_modules.
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    timeout: 60_000,
  });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  const lines = run.stdout.trim().split('\n');
  const result = lines.find((l) => l.startsWith('RESULT '))?.slice('RESULT '.length);
  const loaded = lines.map((l) => (l.startsWith('{') ? (JSON.parse(l) as { message?: string; routes?: string[] }) : {})).find((l) => l.message === 'routes loaded');
  return { result: JSON.parse(result ?? 'null'), loadedRoutes: loaded?.routes };
}

describe('bundleLambda', () => {
  it('two bundles of the same routes are byte-equal, and sha256 is the hash of the zip', () => {
    expect(first.zip.equals(second.zip)).toBe(true);
    expect(first.sha256).toBe(second.sha256);
    expect(first.sha256).toBe(createHash('sha256').update(first.zip).digest('hex'));
    expect(first.zipBytes).toBe(first.zip.length);
    expect(first.bundleBytes).toBeGreaterThan(first.zipBytes / 2);
  });

  it('the zip holds handler.mjs at the top, as Lambda expects for handler.handler, its chunks beside it, each with a source map', () => {
    const files = extract(first.zip, path.join(work, 'listing'));
    expect(files).toContain('handler.mjs');
    expect(files).toContain('routes.json');
    expect(files).toContain('route-sources.json');
    const code = files.filter((f) => f.endsWith('.mjs'));
    expect(code.filter((f) => f !== 'handler.mjs').every((f) => /^chunk-[A-Z0-9]+\.mjs$/.test(f))).toBe(true);
    expect(files.filter((f) => !f.endsWith('.mjs') && f !== 'routes.json' && f !== 'route-sources.json')).toEqual(code.map((f) => `${f}.map`).sort());
    expect(code.reduce((sum, f) => sum + readFileSync(path.join(work, 'listing', f)).length, 0)).toBe(first.bundleBytes);
  });

  it('a cold start reads only the code a copy needs: the other SDK clients and JSONata are chunks imported on first use', () => {
    const lazy = /^node_modules\/@aws-sdk\/client-(sqs|sesv2|sns|ssm|sts)\//;
    expect(first.modules.filter((m) => lazy.test(m)).length).toBeGreaterThan(0);
    expect(first.startupModules.filter((m) => lazy.test(m))).toEqual([]);
    expect(first.startupModules.some((m) => m.startsWith('node_modules/@aws-sdk/client-s3/'))).toBe(true);
    expect(first.startupBytes).toBeLessThan(first.bundleBytes);
    // JSONata too: a route whose expressions are bare variables ($key) never loads it.
    expect(first.modules.some((m) => m.startsWith('node_modules/jsonata/'))).toBe(true);
    expect(first.startupModules.filter((m) => m.startsWith('node_modules/jsonata/'))).toEqual([]);
  });

  const events: Array<{ name: string; fixture: string; expected: unknown }> = [
    { name: 'an s3:TestEvent delivered through SQS is acknowledged with no batch failures', fixture: 's3-test-event-via-sqs.json', expected: { batchItemFailures: [] } },
    { name: 'an s3:TestEvent through SNS and SQS likewise', fixture: 's3-test-event-via-sns-via-sqs.json', expected: { batchItemFailures: [] } },
  ];
  for (const c of events) {
    it(`the bundled handler, run from the extracted zip in a child process: ${c.name}`, () => {
      const run = runBundled(first, c.fixture);
      expect(run.result).toEqual(c.expected);
      // The embedded routes are the seed routes, loaded in the function.
      expect(run.loadedRoutes).toEqual(loadRoutes(routeSetFromDisk([SEED_ROUTES])).routes.map((r) => r.name));
    }, 60_000);
  }

  it('routeNames: the bundle holds only the named routes and the templates they use', async () => {
    const some = await bundleLambda({ routesDir: SEED_ROUTES, routeNames: ['one-to-many', 'global-builds'] });
    const run = runBundled(some, 's3-test-event-via-sqs.json');
    expect(run.result).toEqual({ batchItemFailures: [] });
    expect(run.loadedRoutes).toEqual(['global-builds', 'one-to-many']);
    const handler = handlerText(some, 'some');
    expect(handler).toContain(' failed for s3://');
    expect(handler).not.toContain('ServiceNow:');
    expect(some.sha256).not.toBe(first.sha256);
  }, 60_000);

  it('the function loads precompiled routes: no YAML parser, no ajv, no route schema, no loader in the bundle', () => {
    const loaderOnly = first.modules.filter(
      (m) => /^node_modules\/(yaml|ajv|ajv-formats|fast-uri|json-schema-traverse)\//.test(m) || m.endsWith('route.schema.json') || /engine\/load\/(load-routes|parse-yaml|schema-check|route-checks|compile-route|route-set)\.ts$/.test(m),
    );
    expect(loaderOnly).toEqual([]);
    expect(first.modules).toContain('engine/load/read-precompiled.ts');
  });

  it('routeNames: a name no route has is refused, naming it', async () => {
    await expect(bundleLambda({ routesDir: SEED_ROUTES, routeNames: ['one-to-many', 'one-to-mny'] })).rejects.toMatchObject({
      name: 'DeployError',
      code: 'BundleFailed',
      message: expect.stringContaining(`'one-to-mny'`),
    });
  });

  it('the same routes in a directory of another name give the same bundle', async () => {
    const elsewhere = await bundleLambda({ routesDir: copyOfSeedRoutes('renamed') });
    expect(elsewhere.sha256).toBe(first.sha256);
  }, 60_000);

  it('a changed template changes the bundle and its hash', async () => {
    const dir = copyOfSeedRoutes('changed');
    const template = path.join(dir, 'templates', 'copy-failure.hbs');
    writeFileSync(template, `${readFileSync(template, 'utf8')}\n<!-- changed -->\n`);
    const changed = await bundleLambda({ routesDir: dir });
    expect(changed.sha256).not.toBe(first.sha256);
  }, 60_000);

  it('refuses routes whose files would not be in the bundle (a template outside templates/)', async () => {
    const dir = copyOfSeedRoutes('outside');
    mkdirSync(path.join(dir, '..', 'shared'));
    cpSync(path.join(dir, 'templates', 'copy-failure.hbs'), path.join(dir, '..', 'shared', 'copy-failure.hbs'));
    const route = path.join(dir, 'one-to-many.yaml');
    const source = readFileSync(route, 'utf8');
    const edited = source.replace('template: templates/copy-failure.hbs', 'template: ../shared/copy-failure.hbs');
    expect(edited).not.toBe(source);
    writeFileSync(route, edited);
    // Valid on disk …
    expect(loadRoutes(routeSetFromDisk([dir])).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // … but not as the function would see it.
    await expect(bundleLambda({ routesDir: dir })).rejects.toMatchObject({ name: 'DeployError', code: 'BundleFailed', message: expect.stringContaining('routes/one-to-many.yaml') });
  }, 60_000);
});
