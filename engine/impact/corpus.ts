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

export function emptyCorpus(): TestCorpus {
  return { objects: [], fixtures: emptyFixtures(), problems: [] };
}

/**
 * Every case of every `*.yaml` in `testsDir` (a missing directory gives no objects and says so).
 * `shownAs` names the directory in labels when it is a copy (the base's tests, read from git).
 */
export async function routeTestCorpus(testsDir: string, now: () => Date, shownAs = testsDir): Promise<TestCorpus> {
  const corpus = emptyCorpus();
  if (!existsSync(testsDir)) {
    corpus.problems.push(`${shownAs} does not exist: no route-test events were evaluated`);
    return corpus;
  }
  const names = readdirSync(testsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  for (const name of names) {
    const file = path.join(testsDir, name);
    const shown = path.join(shownAs, name);
    const read = await readTestCases(file);
    if ('problem' in read) {
      corpus.problems.push(`${shown}:${read.line}: ${read.problem}`);
      continue;
    }
    for (const { line, testCase } of read.cases) {
      const where = `${shown}:${line}`;
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

/**
 * The head's tests, then the base's tests that the head does not have (same object, same event
 * kind, same fixtures): a route removed together with its tests still shows what its objects lose.
 */
export function combineCorpora(head: TestCorpus, base: TestCorpus): TestCorpus {
  // How the event arrived decides which routes take it (an sqs route hears only its queue): part of the identity.
  const identity = (o: TestObject): string => JSON.stringify([o.event.bucket, o.event.key, o.event.kind, o.event.eventName, o.event.origin, o.event.queueArn ?? null, o.event.destinationBuckets ?? null, o.fixtures]);
  const seen = new Set(head.objects.map(identity));
  return {
    objects: [...head.objects, ...base.objects.filter((o) => !seen.has(identity(o)))],
    fixtures: mergeFixtures(mergeFixtures(emptyFixtures(), head.fixtures), base.fixtures),
    problems: [...head.problems, ...base.problems],
  };
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
