/**
 * The objects impact evaluates both route sets over: every route test's event (with that
 * test's fixtures), then listed keys as synthetic "created" events of unknown size. Listed keys
 * share the fixtures of every route test (the first test to name a value wins) overlaid with
 * `--fixtures`, so config tables and SSM mappings resolve as the tests resolve them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildObjectEvent } from '../events/build-event.ts';
import { normaliseInput } from '../events/normalise.ts';
import type { ObjectEvent } from '../events/object-event.ts';
import { emptyFixtures, parseFixtures, type Fixtures } from '../ports/fixtures.ts';
import { readTestCases } from '../testing/route-tests.ts';
import type { ListedObject } from './key-list.ts';

export interface TestObject {
  event: ObjectEvent;
  fixtures: Fixtures;
  /** `file:line name` of the route test it came from. */
  test: string;
}

export interface TestCorpus {
  objects: TestObject[];
  /** Fixtures of every test merged, for listed keys. */
  fixtures: Fixtures;
  /** Tests that could not be used, and why (reported, never fatal). */
  problems: string[];
}

/** Every case of every `*.yaml` in `testsDir` (a missing directory gives no objects and says so). */
export async function routeTestCorpus(testsDir: string, now: () => Date): Promise<TestCorpus> {
  const corpus: TestCorpus = { objects: [], fixtures: emptyFixtures(), problems: [] };
  if (!existsSync(testsDir)) {
    corpus.problems.push(`${testsDir} does not exist: no route-test events were evaluated`);
    return corpus;
  }
  const files = readdirSync(testsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(testsDir, f));
  for (const file of files) {
    const read = await readTestCases(file);
    if ('problem' in read) {
      corpus.problems.push(`${file}:${read.line}: ${read.problem}`);
      continue;
    }
    for (const { line, testCase } of read.cases) {
      const where = `${file}:${line}`;
      try {
        const input = JSON.parse(await readFile(path.resolve(path.dirname(file), testCase.event ?? ''), 'utf8')) as unknown;
        const fixtures = parseFixtures(testCase.fixtures ?? {}, file);
        const events = normaliseInput(input, now).records.flatMap((r) => (r.status === 'events' ? r.events : []));
        for (const event of events) corpus.objects.push({ event, fixtures, test: `${where} ${testCase.name ?? '(unnamed)'}` });
        mergeFixtures(corpus.fixtures, fixtures);
      } catch (error) {
        corpus.problems.push(`${where}: ${testCase.name ?? '(unnamed)'}: not used: ${(error as Error).message}`);
      }
    }
  }
  return corpus;
}

/** Adds what `into` does not have yet (the first value of a name wins). */
export function mergeFixtures(into: Fixtures, from: Fixtures): Fixtures {
  for (const [name, value] of Object.entries(from.ssm)) into.ssm[name] ??= value;
  for (const [url, object] of Object.entries(from.objects)) into.objects[url] ??= object;
  for (const [list, topics] of Object.entries(from.contacts)) {
    const merged = (into.contacts[list] ??= {});
    for (const [topic, addresses] of Object.entries(topics)) merged[topic] ??= addresses;
  }
  return into;
}

/** `--fixtures` over the tests' fixtures: what the operator wrote wins. */
export function overlayFixtures(base: Fixtures, overlay: Fixtures): Fixtures {
  return mergeFixtures(mergeFixtures(emptyFixtures(), overlay), base);
}

/** A listed object as the event a new object would raise: created, size unknown. */
export function listedObjectEvent(object: ListedObject, eventTime: string): ObjectEvent {
  // The id only names the object in plans; a hash per key (objectEventId) would cost more than resolving it.
  const facts = { origin: 'batch' as const, kind: 'created' as const, eventName: 'ObjectCreated:Put', bucket: object.bucket, key: object.key, eventTime };
  return buildObjectEvent(facts, `listed:${object.bucket}/${object.key}`);
}
