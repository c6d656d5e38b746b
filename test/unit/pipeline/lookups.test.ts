/** Lookups: the per-container cache and its TTL, and SSM names asked for together fetched together. */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../engine/pipeline.ts';
import { LookupCache } from '../../../engine/resolve/lookup-cache.ts';
import { ParameterBatcher } from '../../../engine/resolve/parameter-batcher.ts';
import type { ParameterPort } from '../../../engine/ports/types.ts';
import { compileRoutes, fakeWorld, s3Created } from './fake-world.ts';

describe('LookupCache', () => {
  const cases = [
    { proves: 'a second read inside the TTL is served from the cache', gapMs: 59_999, loads: 1 },
    { proves: 'a read at exactly the TTL loads again', gapMs: 60_000, loads: 2 },
    { proves: 'a read after the TTL loads again', gapMs: 120_000, loads: 2 },
  ];

  it.each(cases)('$proves', async ({ gapMs, loads }) => {
    let now = 0;
    const cache = new LookupCache(() => now);
    let count = 0;
    const load = async () => `value-${++count}`;

    const first = await cache.get('k', 60_000, load);
    now += gapMs;
    const second = await cache.get('k', 60_000, load);

    expect(count).toBe(loads);
    expect(first).toBe('value-1');
    expect(second).toBe(`value-${loads}`);
  });

  it('concurrent reads share one load', async () => {
    const cache = new LookupCache(() => 0);
    let count = 0;
    const load = async () => ++count;

    expect(await Promise.all([cache.get('k', 1000, load), cache.get('k', 1000, load), cache.get('k', 1000, load)])).toEqual([1, 1, 1]);
  });

  it('a failed load is not cached: the next read tries again', async () => {
    const cache = new LookupCache(() => 0);
    let count = 0;
    const load = async () => {
      count++;
      if (count === 1) throw new Error('throttled');
      return 'ok';
    };

    await expect(cache.get('k', 60_000, load)).rejects.toThrow('throttled');
    expect(await cache.get('k', 60_000, load)).toBe('ok');
    expect(count).toBe(2);
  });
});

describe('ParameterBatcher', () => {
  function countingPort(values: Map<string, string>): ParameterPort & { calls: string[][] } {
    const calls: string[][] = [];
    return {
      calls,
      async getParameters(names) {
        calls.push([...names]);
        return new Map(names.flatMap((n) => (values.has(n) ? [[n, values.get(n) ?? '']] : [])));
      },
    };
  }

  it('23 names asked for in the same tick go to the port in one call (the AWS port splits it into GetParameters of ≤ 10)', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `/pipeline/destination/k${i}`);
    const port = countingPort(new Map(names.slice(0, 20).map((n, i) => [n, `bucket-${i}`])));
    const batcher = new ParameterBatcher(port);

    const values = await Promise.all(names.map((n) => batcher.get(n)));

    expect(port.calls).toEqual([names]);
    expect(values).toEqual([...names.slice(0, 20).map((_, i) => `bucket-${i}`), undefined, undefined, undefined]);
  });

  it('the same name asked twice in one tick is fetched once; a later tick makes a new call', async () => {
    const port = countingPort(new Map([['/a', '1'], ['/b', '2']]));
    const batcher = new ParameterBatcher(port);

    expect(await Promise.all([batcher.get('/a'), batcher.get('/a'), batcher.get('/b')])).toEqual(['1', '1', '2']);
    expect(await batcher.get('/b')).toBe('2');
    expect(port.calls).toEqual([['/a', '/b'], ['/b']]);
  });

  it('a failing call rejects every waiter of that batch', async () => {
    const batcher = new ParameterBatcher({ getParameters: async () => Promise.reject(new Error('ThrottlingException')) });

    const settled = await Promise.allSettled([batcher.get('/a'), batcher.get('/b')]);

    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('lookups through the pipeline', () => {
  const routes = (to: string) =>
    compileRoutes({
      'routes/mapped.yaml': `
name: mapped
source: { bucket: inbox, trigger: s3-notification }
tables:
  config: { s3json: s3://config-bucket/config.json, cacheTtl: 1m }
allow: { buckets: ["out-*"] }
actions:
  - copy: { id: fan, to: "${to}", key: $key }
`,
    });
  const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
  const names = keys.map((k) => `/map/${k}`);

  function world12() {
    const world = fakeWorld();
    world.putObject('config-bucket', 'config.json', JSON.stringify({ keys: keys.join(' ') }));
    keys.forEach((k, i) => world.ssm.set(`/map/${k}`, `out-${i}`));
    world.putObject('inbox', 'a.txt', 'a');
    world.putObject('inbox', 'b.txt', 'b');
    return world;
  }

  it('$ssmList over a list of names asks for all 12 in one parameter call; the config is read once per TTL', async () => {
    const world = world12();
    const pipeline = new Pipeline({ routes: routes("=$ssmList($split($config.keys, ' ').('/map/' & $))"), ports: world.ports, lookupTtlMs: 5 * 60_000 });

    const first = await pipeline.processInput(s3Created('inbox', 'a.txt'));
    world.advance(30_000);
    await pipeline.processInput(s3Created('inbox', 'b.txt'));
    world.advance(31_000);
    await pipeline.processInput(s3Created('inbox', 'a.txt'));

    expect(world.parameterCalls).toEqual([names]);
    // cacheTtl 1m: read at 0 s, reused at 30 s, read again at 61 s.
    expect(world.calls.getBody).toBe(2);
    expect(first.records[0]?.events[0]?.routes[0]?.results.map((r) => r.destination)).toEqual(keys.map((_, i) => `s3://out-${i}/a.txt`));
    expect(world.copies).toHaveLength(36);
  });

  it('$map calling $ssmList once per key asks one name at a time (JSONata awaits each call), each cached afterwards', async () => {
    const world = world12();
    const pipeline = new Pipeline({ routes: routes("=$split($config.keys, ' ') ~> $map(function($k) { $ssmList('/map/' & $k) })"), ports: world.ports });

    await pipeline.processInput(s3Created('inbox', 'a.txt'));
    await pipeline.processInput(s3Created('inbox', 'b.txt'));

    expect(world.parameterCalls).toEqual(names.map((n) => [n]));
  });

  it('events processed together share one parameter call for the names they ask at the same time', async () => {
    const world = world12();
    const pipeline = new Pipeline({ routes: routes("=$ssmList('/map/' & $substringBefore($key, '.'))"), ports: world.ports });
    for (const k of ['k1', 'k2', 'k3']) {
      world.ssm.set(`/map/${k}`, `out-${k}`);
      world.putObject('inbox', `${k}.txt`, k);
    }

    const report = await pipeline.processInput({ Records: ['k1', 'k2', 'k3'].map((k) => (s3Created('inbox', `${k}.txt`) as { Records: unknown[] }).Records[0]) });

    expect(world.parameterCalls).toEqual([['/map/k1', '/map/k2', '/map/k3']]);
    expect(report.records.map((r) => r.status)).toEqual(['processed', 'processed', 'processed']);
  });

  it('a missing parameter is a config error that names it, and is not cached', async () => {
    const world = fakeWorld();
    world.putObject('config-bucket', 'config.json', JSON.stringify({ keys: 'k0' }));
    world.putObject('inbox', 'a.txt', 'a');
    const pipeline = new Pipeline({ routes: routes("=$ssmList($split($config.keys, ' ').('/map/' & $))"), ports: world.ports });

    const first = await pipeline.processInput(s3Created('inbox', 'a.txt'));
    world.ssm.set('/map/k0', 'out-0');
    const second = await pipeline.processInput(s3Created('inbox', 'a.txt'));

    expect(first.records[0]?.events[0]?.routes[0]?.error).toMatchObject({ code: 'ParameterNotFound', failureClass: 'config' });
    expect(first.records[0]?.events[0]?.routes[0]?.error?.message).toContain('/map/k0');
    expect(second.records[0]?.events[0]?.routes[0]?.results.map((r) => r.destination)).toEqual(['s3://out-0/a.txt']);
  });
});
