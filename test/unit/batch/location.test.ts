import { describe, expect, it } from 'vitest';
import { newRunId, runLocation } from '../../../engine/batch/location.ts';
import { UsageError } from '../../../engine/errors.ts';
import { crossAccountBatch, withBatch } from './route.ts';

describe('runLocation', () => {
  const route = crossAccountBatch();
  const cases = [
    { name: 'a prefix with a trailing slash gets <route>/<runId>/ appended', manifests: 's3://m/base/', prefix: 'base/cross-account-batch/r1/' },
    { name: 'a prefix without a trailing slash is treated as a folder', manifests: 's3://m/base', prefix: 'base/cross-account-batch/r1/' },
    { name: 'a bare bucket puts runs at its root', manifests: 's3://m', prefix: 'cross-account-batch/r1/' },
    { name: 'a bare bucket with a slash puts runs at its root', manifests: 's3://m/', prefix: 'cross-account-batch/r1/' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const location = runLocation(withBatch(route, { manifests: c.manifests }), 'r1');
      expect(location).toEqual({ bucket: 'm', prefix: c.prefix, manifestKey: `${c.prefix}manifest.jsonl`, reportKey: `${c.prefix}report.json` });
    });
  }
  it('a route without a batch section is a usage error naming the field', () => {
    expect(() => runLocation(withBatch(route, undefined), 'r1')).toThrow(UsageError);
    expect(() => runLocation(withBatch(route, undefined), 'r1')).toThrow(/batch\.manifests/);
  });
});

describe('newRunId', () => {
  it('sorts by start time and carries no characters S3 keys or shells dislike', () => {
    const early = newRunId(new Date('2026-03-04T05:06:07.890Z'), () => 'ffffff');
    const late = newRunId(new Date('2026-03-04T05:06:08.000Z'), () => '000000');
    expect(early).toBe('2026-03-04T05-06-07Z-ffffff');
    expect(early < late).toBe(true);
  });
});
