/**
 * One case of the route tests, as input for dry-run: `--test <name>` takes a case's event and
 * fixtures from <routes>/tests/*.yaml, and `--fixtures <route test file>` takes the fixtures of
 * the case in that file whose event is the one given. Both spare writing a fixtures file for
 * an event the route tests already describe.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../engine/errors.ts';
import { parseFixtures, type Fixtures } from '../../engine/ports/fixtures.ts';
import { readTestCases, type TestCase } from '../../engine/testing/route-tests.ts';

export interface FoundCase {
  file: string;
  testCase: TestCase;
  /** The case's event file, resolved against its test file. */
  eventFile: string;
  fixtures: Fixtures;
}

async function casesIn(file: string): Promise<FoundCase[]> {
  const read = await readTestCases(file);
  if ('problem' in read) throw new InputError('SY204', `${file}:${read.line}: ${read.problem}`);
  return read.cases.map(({ testCase }) => ({
    file,
    testCase,
    eventFile: path.resolve(path.dirname(file), testCase.event ?? ''),
    fixtures: parseFixtures(testCase.fixtures ?? {}, file),
  }));
}

/** The case named `name` (exactly, else the one case whose name contains it) in <routes>/tests. */
export async function findTestCase(routesDir: string, name: string): Promise<FoundCase> {
  const dir = path.join(routesDir, 'tests');
  if (!existsSync(dir)) throw new InputError('SY204', `no route tests in ${dir}: --test names a case of the route tests (${dir}/*.yaml)`);
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const all = (await Promise.all(files.map((f) => casesIn(path.join(dir, f))))).flat();
  const exact = all.filter((c) => c.testCase.name === name);
  const partial = exact.length > 0 ? exact : all.filter((c) => c.testCase.name?.includes(name));
  if (partial.length === 1 && partial[0]) return partial[0];
  if (partial.length === 0) throw new InputError('SY204', `no route test named '${name}' in ${dir}; switchyard test lists every case by name`);
  const names = partial.map((c) => `'${c.testCase.name}'`).join(', ');
  throw new InputError('SY204', `'${name}' names ${partial.length} route tests in ${dir} (${names}): give one whole name`);
}

/** The fixtures of the case in route test `file` whose event is `eventFile`. */
export async function fixturesOfCaseFor(file: string, eventFile: string): Promise<Fixtures> {
  const cases = (await casesIn(file)).filter((c) => c.eventFile === path.resolve(eventFile));
  const withFixtures = cases.find((c) => c.testCase.fixtures !== undefined) ?? cases[0];
  if (!withFixtures) throw new InputError('SY204', `no case in ${file} has the event ${eventFile}: use --test <name> to run one case with its own event and fixtures`);
  return withFixtures.fixtures;
}

/** A YAML file with a top-level `tests:` list is a route test file, not a fixtures file. */
export function isRouteTestFile(text: string): boolean {
  return /^tests:/m.test(text);
}
