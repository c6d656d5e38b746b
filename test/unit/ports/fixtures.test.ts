import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../engine/errors.ts';
import { FixtureError, contactsFrom, loadFixtures, parseFixtures, type FixtureProblem, type Fixtures } from '../../../engine/ports/fixtures.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/ports/${name}`, import.meta.url));

async function problemsOf(load: () => Promise<unknown> | unknown): Promise<FixtureProblem[]> {
  try {
    await load();
  } catch (error) {
    if (error instanceof FixtureError) return error.problems;
    throw error;
  }
  throw new Error('expected a FixtureError');
}

describe('loadFixtures', () => {
  it('reads YAML: string bodies as written, JSON bodies serialised, sizes from units or body length', async () => {
    const fixtures = await loadFixtures(fixture('dry-run.yaml'));
    expect(fixtures.ssm).toEqual({
      '/pipeline/destination/intel': 'intel-eu,intel-us',
      '/pipeline/destination/ops': 'ops-primary,ops-backup',
    });
    const pdf = fixtures.objects['s3://my-ingestion-bucket/inbound/report.pdf'];
    expect(pdf).toEqual({
      tags: { DestinationMappingKey: 'intel ops' },
      metadata: { owner: 'team-a' },
      contentType: 'application/pdf',
      body: '%PDF-1.7 fake',
      size: Buffer.byteLength('%PDF-1.7 fake'),
    });
    const change = fixtures.objects['s3://change-metadata/customers/acme/change-17.json'];
    expect(JSON.parse(change?.body ?? 'null')).toEqual({ changeId: 'change-17', status: 'submitted', version: 3 });
    expect(change?.contentType).toBe('application/json');
    expect(change?.tags).toEqual({});
    expect(fixtures.objects['s3://global-builds/release/huge.iso']?.size).toBe(6 * 1000 ** 3);
    expect(fixtures.contacts['acme-contacts']?.['nobody-yet']).toEqual([]);
  });

  it('reads JSON with the same shape', async () => {
    const fixtures = await loadFixtures(fixture('dry-run.json'));
    expect(fixtures.objects['s3://my-ingestion-bucket/inbound/report.pdf']?.tags).toEqual({ DestinationMappingKey: 'intel' });
    expect(fixtures.ssm['/pipeline/destination/intel']).toBe('intel-eu,intel-us');
  });

  it('reports every shape problem at once, each with its path and YAML line', async () => {
    const problems = await problemsOf(() => loadFixtures(fixture('bad-shape.yaml')));
    const summary = problems.map(({ path, line }) => ({ path, line }));
    expect(summary).toEqual(
      expect.arrayContaining([
        { path: 'ssm["/pipeline/retries"]', line: 2 },
        { path: 'objects["bucket-without-scheme/key.json"]', line: 5 },
        { path: 'objects["s3://docs/a.json"].tags.approved', line: 8 },
        { path: 'objects["s3://docs/a.json"].size', line: 9 },
        { path: 'objects["s3://docs/a.json"].colour', line: 10 },
        { path: 'contacts.acme.aws-approval', line: 13 },
        { path: 'extras', line: 14 },
      ]),
    );
    expect(problems).toHaveLength(7);
    const lines = problems.map((p) => p.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('prints problems as file:line:col: path: message', async () => {
    await expect(loadFixtures(fixture('bad-shape.yaml'))).rejects.toThrow(/bad-shape\.yaml:2:\d+: ssm\["\/pipeline\/retries"\]: .*quote numbers/);
  });

  const unreadable = [
    { name: 'YAML syntax errors carry their line', file: 'not-yaml.yaml', message: /not-yaml\.yaml:\d+:\d+:/ },
    { name: 'a missing file is a FixtureError naming it', file: 'no-such-file.yaml', message: /no-such-file\.yaml: cannot read the fixtures file/ },
  ];
  it.each(unreadable)('$name', async ({ file, message }) => {
    const load = loadFixtures(fixture(file));
    await expect(load).rejects.toBeInstanceOf(FixtureError);
    await expect(loadFixtures(fixture(file))).rejects.toThrow(message);
  });
});

describe('parseFixtures', () => {
  const invalid: Array<{ name: string; value: unknown; path: string }> = [
    { name: 'the top level must be a mapping', value: ['ssm'], path: '' },
    { name: 'sections must be mappings', value: { objects: ['s3://a/b'] }, path: 'objects' },
    { name: 'an object key needs a key after the bucket', value: { objects: { 's3://bucket/': {} } }, path: 'objects["s3://bucket/"]' },
    { name: 'metadata values must be strings', value: { objects: { 's3://b/k': { metadata: { n: 1 } } } }, path: 'objects["s3://b/k"].metadata.n' },
  ];
  it.each(invalid)('$name', async ({ value, path }) => {
    const problems = await problemsOf(() => parseFixtures(value));
    expect(problems.map((p) => p.path)).toEqual([path]);
  });

  it('treats empty sections as empty', () => {
    expect(parseFixtures({ ssm: null, objects: {} })).toEqual({ ssm: {}, objects: {}, contacts: {} });
  });
});

describe('contactsFrom', () => {
  const fixtures: Fixtures = {
    ssm: {},
    objects: {},
    contacts: { acme: { 'aws-approval': ['ops@acme.example', 'cto@acme.example'], 'aws-announce': ['ops@acme.example', 'all@acme.example'], quiet: [] } },
  };
  const cases: Array<{ name: string; list: string; topic: string | undefined; expected: string[] | RegExp }> = [
    { name: 'a topic gives its opted-in addresses', list: 'acme', topic: 'aws-approval', expected: ['ops@acme.example', 'cto@acme.example'] },
    { name: 'no topic gives everyone on the list once', list: 'acme', topic: undefined, expected: ['ops@acme.example', 'cto@acme.example', 'all@acme.example'] },
    { name: 'an empty topic means nobody opted in', list: 'acme', topic: 'quiet', expected: [] },
    { name: 'a missing topic names the fixture to add', list: 'acme', topic: 'aws-other', expected: /add contacts\.acme\.aws-other/ },
    { name: 'a missing list names the fixture to add', list: 'globex', topic: 'aws-approval', expected: /add contacts\.globex/ },
  ];
  it.each(cases)('$name', ({ list, topic, expected }) => {
    if (Array.isArray(expected)) {
      expect(contactsFrom(fixtures, list, topic)).toEqual(expected);
      return;
    }
    expect(() => contactsFrom(fixtures, list, topic)).toThrow(expected);
    try {
      contactsFrom(fixtures, list, topic);
    } catch (error) {
      expect(error).toBeInstanceOf(ActionError);
      expect((error as ActionError).failureClass).toBe('not-found');
    }
  });
});
