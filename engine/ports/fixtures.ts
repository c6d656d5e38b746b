/**
 * Fixtures: what dry-run (and local mode) reads instead of AWS — SSM values, objects with
 * their tags, bodies and metadata, and SES contact lists. A JSON or YAML file:
 *
 *   ssm:      { "/pipeline/destination/a": "bucket-1,bucket-2" }   # a list is joined with commas
 *   objects:  { "s3://bucket/key": { tags: {}, body: <JSON or string>, metadata: {}, contentType, size } }
 *   contacts: { "<contact list>": { "<topic>": ["a@example.com"] } }
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, isNode, parseDocument, type Document } from 'yaml';
import { ActionError, SwitchyardError } from '../errors.ts';
import { parseSize } from '../units.ts';

export interface ObjectFixture {
  tags: Record<string, string>;
  metadata: Record<string, string>;
  /** The body as text: a string body as written, any other JSON value serialised. */
  body?: string;
  /** As written, or `application/json` when the body was given as JSON rather than a string. */
  contentType?: string;
  /** As written (a number or a size such as `6GB`), else the body's length in bytes, else 0. */
  size: number;
}

export interface Fixtures {
  ssm: Record<string, string>;
  /** Keyed by `s3://bucket/key` (see `objectFixtureKey`). */
  objects: Record<string, ObjectFixture>;
  /** Contact list → topic → addresses that opted in. */
  contacts: Record<string, Record<string, string[]>>;
}

export interface FixtureProblem {
  /** Where in the document, e.g. `objects["s3://a/b"].tags.owner`. */
  path: string;
  message: string;
  /** 1-based, when the source text gave a position. */
  line?: number;
  col?: number;
}

/** A fixtures file or value with the wrong shape; `problems` lists every problem found. */
export class FixtureError extends SwitchyardError {
  override readonly name = 'FixtureError';
  constructor(
    readonly file: string | undefined,
    readonly problems: FixtureProblem[],
  ) {
    super('InvalidFixtures', problems.map((p) => formatProblem(file, p)).join('\n'));
  }
}

export function emptyFixtures(): Fixtures {
  return { ssm: {}, objects: {}, contacts: {} };
}

export function objectFixtureKey(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Opted-in addresses from `fixtures.contacts`; without a topic, everyone on the list.
 * A list or topic missing from the fixtures is an error naming what to add (an empty list of
 * addresses says "nobody opted in" on purpose). Used by the plan and local ports.
 */
export function contactsFrom(fixtures: Fixtures, contactList: string, topic: string | undefined): string[] {
  const topics = fixtures.contacts[contactList];
  if (!topics) {
    throw new ActionError('NotFoundException', `contact list "${contactList}" is not in the fixtures: add contacts.${contactList}`, 'not-found', {
      destination: contactList,
    });
  }
  if (topic === undefined) return [...new Set(Object.values(topics).flat())];
  const addresses = topics[topic];
  if (!addresses) {
    throw new ActionError(
      'NotFoundException',
      `topic "${topic}" of contact list "${contactList}" is not in the fixtures: add contacts.${contactList}.${topic} (a list of addresses, [] for nobody)`,
      'not-found',
      { destination: `${contactList}/${topic}` },
    );
  }
  return [...addresses];
}

/** Reads and checks a fixtures file (`.json`, `.yaml` or `.yml`; YAML is a superset of JSON). */
export async function loadFixtures(path: string): Promise<Fixtures> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FixtureError(path, [{ path: '', message: `cannot read the fixtures file: ${(error as Error).message}` }]);
  }
  return parseFixturesText(text, path);
}

export function parseFixturesText(text: string, file?: string): Fixtures {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FixtureError(
      file,
      doc.errors.map((e) => ({ path: '', message: e.message.split('\n')[0] ?? e.message, ...position(lineCounter, e.pos[0]) })),
    );
  }
  return parseFixtures(doc.toJS() ?? {}, file, (path) => locate(doc, lineCounter, path));
}

type Locate = (path: string[]) => { line: number; col: number } | undefined;

/** Checks an in-memory fixtures value and fills in defaults. */
export function parseFixtures(value: unknown, file?: string, locateIn?: Locate): Fixtures {
  const problems: FixtureProblem[] = [];
  const problem = (path: string[], message: string): void => {
    problems.push({ path: formatPath(path), message, ...locateIn?.(path) });
  };
  const fixtures = emptyFixtures();

  if (!isPlainObject(value)) {
    problem([], 'fixtures must be a mapping with `ssm`, `objects` and/or `contacts`');
    throw new FixtureError(file, problems);
  }
  for (const key of Object.keys(value)) {
    if (!['ssm', 'objects', 'contacts'].includes(key)) problem([key], `unknown section "${key}": expected ssm, objects or contacts`);
  }

  for (const [name, raw] of entries(value.ssm, ['ssm'], problem)) {
    if (typeof raw === 'string') fixtures.ssm[name] = raw;
    else if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) fixtures.ssm[name] = raw.join(',');
    else problem(['ssm', name], 'an SSM value must be a string (quote numbers) or a list of strings');
  }

  for (const [url, raw] of entries(value.objects, ['objects'], problem)) {
    const object = parseObject(url, raw, ['objects', url], problem);
    if (object) fixtures.objects[url] = object;
  }

  for (const [list, topics] of entries(value.contacts, ['contacts'], problem)) {
    const parsed: Record<string, string[]> = {};
    for (const [topic, addresses] of entries(topics, ['contacts', list], problem)) {
      if (Array.isArray(addresses) && addresses.every((a) => typeof a === 'string')) parsed[topic] = addresses;
      else problem(['contacts', list, topic], 'a topic must list the opted-in addresses as strings');
    }
    fixtures.contacts[list] = parsed;
  }

  if (problems.length > 0) throw new FixtureError(file, problems.sort(byPosition));
  return fixtures;
}

function parseObject(url: string, raw: unknown, path: string[], problem: (path: string[], message: string) => void): ObjectFixture | undefined {
  let ok = true;
  const fail = (at: string[], message: string): void => {
    ok = false;
    problem(at, message);
  };
  if (!/^s3:\/\/[^/]+\/.+$/.test(url)) fail(path, `object keys must look like s3://bucket/key, got "${url}"`);
  if (!isPlainObject(raw)) {
    fail(path, 'an object fixture must be a mapping with tags, body, metadata, contentType and/or size');
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!['tags', 'body', 'metadata', 'contentType', 'size'].includes(key)) {
      fail([...path, key], `unknown field "${key}": expected tags, body, metadata, contentType or size`);
    }
  }
  const tags = stringMap(raw.tags, [...path, 'tags'], fail);
  const metadata = stringMap(raw.metadata, [...path, 'metadata'], fail);
  const body = raw.body === undefined ? undefined : typeof raw.body === 'string' ? raw.body : JSON.stringify(raw.body);
  let contentType: string | undefined;
  if (raw.contentType !== undefined) {
    if (typeof raw.contentType === 'string') contentType = raw.contentType;
    else fail([...path, 'contentType'], 'contentType must be a string');
  } else if (raw.body !== undefined && typeof raw.body !== 'string') {
    contentType = 'application/json';
  }
  let size = body === undefined ? 0 : Buffer.byteLength(body);
  if (raw.size !== undefined) {
    try {
      if (typeof raw.size !== 'number' && typeof raw.size !== 'string') throw new Error('size must be a number of bytes or a size such as 6GB');
      size = parseSize(raw.size);
    } catch (error) {
      fail([...path, 'size'], (error as Error).message);
    }
  }
  return ok ? { tags, metadata, size, ...(body !== undefined && { body }), ...(contentType !== undefined && { contentType }) } : undefined;
}

function stringMap(raw: unknown, path: string[], fail: (path: string[], message: string) => void): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of entries(raw, path, fail)) {
    if (typeof value === 'string') result[name] = value;
    else fail([...path, name], `"${name}" must be a string (quote numbers and booleans)`);
  }
  return result;
}

function entries(raw: unknown, path: string[], problem: (path: string[], message: string) => void): Array<[string, unknown]> {
  if (raw === undefined || raw === null) return [];
  if (!isPlainObject(raw)) {
    problem(path, `${formatPath(path)} must be a mapping`);
    return [];
  }
  return Object.entries(raw);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatPath(path: string[]): string {
  return path
    .map((part, i) => (/^[A-Za-z_][\w-]*$/.test(part) ? (i === 0 ? part : `.${part}`) : `[${JSON.stringify(part)}]`))
    .join('');
}

function byPosition(a: FixtureProblem, b: FixtureProblem): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.col ?? 0) - (b.col ?? 0);
}

function formatProblem(file: string | undefined, p: FixtureProblem): string {
  const where = [file ?? 'fixtures', p.line, p.col].filter((part) => part !== undefined).join(':');
  return `${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

function position(lineCounter: LineCounter, offset: number): { line: number; col: number } {
  return lineCounter.linePos(offset);
}

/** The position of the node at `path`, or of the nearest ancestor that exists. */
function locate(doc: Document, lineCounter: LineCounter, path: string[]): { line: number; col: number } | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return position(lineCounter, node.range[0]);
  }
  return undefined;
}
