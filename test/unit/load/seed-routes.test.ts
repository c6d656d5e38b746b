/**
 * The seed routes in routes/ load without a single diagnostic, and compile to what their YAML
 * says: the structural match the index is built from, the actions, and the retry numbers.
 * Expected values are read off the YAML files by hand, not printed from the loader.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { StructuralMatch } from '../../../engine/match/structural.ts';
import type { CompiledRoute } from '../../../engine/load/compiled-route.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../../engine/load/route-set.ts';
import type { RetryPolicy } from '../../../engine/retry.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const result = loadRoutes(routeSetFromDisk(['routes'], repoRoot));
const route = (name: string): CompiledRoute => {
  const found = result.routes.find((r) => r.name === name);
  if (!found) throw new Error(`seed route ${name} did not load`);
  return found;
};

const DEFAULT_ON: RetryPolicy['on'] = ['throttling', 'network', '5xx'];

interface SeedCase {
  file: string;
  name: string;
  structural: Omit<StructuralMatch, 'route'>;
  actions: Array<{ id: string; type: 'copy' | 'sqs' | 'email' }>;
  failWhen: 'any' | 'all';
  /** Retry policy of the first action. */
  retry: RetryPolicy;
}

const seeds: SeedCase[] = [
  {
    file: 'routes/artifacts-export.yaml',
    name: 'artifacts-export',
    structural: { bucket: 'artifacts-source', prefixes: [], excludePrefixes: [], suffixes: ['.jpg', '.pdf', '.indd', '.xml'], ignoreCase: true, kinds: ['created'] },
    actions: [{ id: 'export', type: 'copy' }],
    failWhen: 'any',
    // retries comes from the config table at run time; delay and jitter are the action's, the rest defaults.
    retry: { retries: 3, delayMs: 1000, maxDelayMs: 20_000, backoff: 2, jitter: 'full', on: DEFAULT_ON },
  },
  {
    file: 'routes/change-notifications.yaml',
    name: 'change-notifications',
    structural: { bucket: 'metadata-trigger-bucket', prefixes: ['customers/'], excludePrefixes: ['drafts/'], suffixes: ['.json'], ignoreCase: false, kinds: ['created'] },
    actions: [
      { id: 'customer-queue', type: 'sqs' },
      { id: 'customer-email', type: 'email' },
      { id: 'archive', type: 'copy' },
    ],
    failWhen: 'any',
    retry: { retries: 3, delayMs: 1000, maxDelayMs: 20_000, backoff: 2, jitter: 'full', on: DEFAULT_ON },
  },
  {
    file: 'routes/cross-account-batch.yaml',
    name: 'cross-account-batch',
    structural: { bucket: 'transfer-source', prefixes: ['exports/'], excludePrefixes: [], suffixes: [], ignoreCase: false, kinds: ['created'] },
    actions: [{ id: 'transfer', type: 'copy' }],
    failWhen: 'any',
    retry: { retries: 3, delayMs: 2000, maxDelayMs: 30_000, backoff: 2, jitter: 'full', on: DEFAULT_ON, throttling: { retries: 5, delayMs: 1000, maxDelayMs: 60_000 } },
  },
  {
    file: 'routes/global-builds.yaml',
    name: 'global-builds',
    structural: { bucket: 'global-builds', prefixes: [], excludePrefixes: [], suffixes: [], ignoreCase: false, kinds: ['created'] },
    actions: [{ id: 'replicate', type: 'copy' }],
    failWhen: 'any',
    retry: { retries: 3, delayMs: 2000, maxDelayMs: 16_000, backoff: 2, jitter: 'full', on: DEFAULT_ON },
  },
  {
    file: 'routes/one-to-many.yaml',
    name: 'one-to-many',
    structural: { bucket: 'my-ingestion-bucket', prefixes: [], excludePrefixes: [], suffixes: [], ignoreCase: false, kinds: ['created'] },
    actions: [{ id: 'distribute', type: 'copy' }],
    failWhen: 'all',
    // 3 retries at 1 s, 2 s, 4 s: backoff 2, no jitter, capped at 4 s.
    retry: { retries: 3, delayMs: 1000, maxDelayMs: 4000, backoff: 2, jitter: 'none', on: DEFAULT_ON },
  },
];

describe('the seed routes', () => {
  it('load with no diagnostics at all (not even warnings), one route per file', () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.fileCount).toBe(seeds.length);
    expect(result.routes.map((r) => r.name)).toEqual(seeds.map((s) => s.name));
  });

  it.each(seeds.map((s) => [s.name, s] as const))('%s compiles to what its YAML says', (name, seed) => {
    const r = route(name);
    expect(r.file).toBe(seed.file);
    expect(r.structural).toEqual({ route: name, ...seed.structural });
    expect(r.actions.map((a) => ({ id: a.id, type: a.type }))).toEqual(seed.actions);
    expect(r.failWhen).toBe(seed.failWhen);
    expect(r.actions[0]?.retry.policy).toEqual(seed.retry);
  });
});

describe('seed details the runtime depends on', () => {
  it('one-to-many: route-level retry applies to its copy, ten destinations at once, failure template compiled', () => {
    const r = route('one-to-many');
    const copy = r.actions[0];
    expect(copy?.type).toBe('copy');
    expect(copy?.concurrency).toBe(10);
    expect(r.concurrency).toBe(10);
    expect(copy?.type === 'copy' && copy.to.kind).toBe('expression');
    expect(r.allow.buckets?.map((b) => [b.pattern, b.account])).toEqual([
      ['intel-*', '222222222222'],
      ['ops-*', '333333333333'],
      ['archive-*', '444444444444'],
      ['long-term-storage', '444444444444'],
    ]);
    expect(r.allow.buckets?.[0]?.matcher.test('intel-eu')).toBe(true);
    expect(r.allow.buckets?.[0]?.matcher.test('xintel-eu')).toBe(false);
    expect(typeof r.failureTemplate).toBe('function');
    expect(r.needsTags).toBe(true);
  });

  it('artifacts-export: retry count read from its config table, which is loaded with a one-minute TTL', () => {
    const r = route('artifacts-export');
    expect(r.actions[0]?.retry.retriesFrom?.kind).toBe('expression');
    expect(r.tables.map((t) => [t.name, t.ttlMs])).toEqual([['exportConfig', 60_000]]);
    expect(r.lets.map((l) => l.name)).toEqual(['org', 'destination']);
  });

  it('cross-account-batch: multipart copy settings in bytes, skip-existing, a destination role', () => {
    const copy = route('cross-account-batch').actions[0];
    if (copy?.type !== 'copy') throw new Error('expected a copy action');
    expect([copy.multipartThreshold, copy.partSize, copy.partConcurrency, copy.skipExisting]).toEqual([5_000_000_000, 100_000_000, 8, true]);
    expect(copy.to).toEqual({ kind: 'literal', value: 'transfer-destination' });
    expect(copy.assumeRole?.arn).toEqual({ kind: 'literal', value: 'arn:aws:iam::222222222222:role/switchyard-transfer-destination-writer' });
  });

  it('change-notifications: the email uses both body templates; the archive copy writes under archive/', () => {
    const r = route('change-notifications');
    const [sqs, email, archive] = r.actions;
    expect(sqs?.type === 'sqs' && sqs.body !== undefined).toBe(true);
    if (email?.type !== 'email') throw new Error('expected an email action');
    expect([typeof email.html, typeof email.text, email.when !== undefined]).toEqual(['function', 'function', true]);
    if (archive?.type !== 'copy' || archive.key.kind !== 'expression') throw new Error('expected a copy with a key expression');
    expect(archive.key.source.startsWith("'archive/'")).toBe(true);
    expect(r.allow.queues?.some((q) => q.test('change-notifications-hts'))).toBe(true);
  });
});
