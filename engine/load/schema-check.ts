/**
 * Validates parsed route data against schema/route.schema.json and turns ajv's errors into
 * diagnostics an operator can act on: one per problem, at the offending node, with a hint.
 */
import type { ErrorObject } from 'ajv';
import routeSchema from '../../schema/route.schema.json' with { type: 'json' };
import { diagnostic, type Diagnostic } from './diagnostic.ts';
import { nearestName } from './nearest-name.ts';
import type { ParsedFile, PathSegment } from './parse-yaml.ts';
import { patternName } from './pattern-names.ts';
import { routeValidator } from './route-validator.ts';
import { additionalProperty, allowedKeys, missingProperty, relevantErrors } from './schema-error-noise.ts';

type SchemaNode = { description?: string; examples?: unknown[]; enum?: unknown[]; properties?: Record<string, unknown> };

export function checkAgainstSchema(parsed: ParsedFile): Diagnostic[] {
  const validate = routeValidator();
  if (validate(parsed.value)) return [];
  return explainErrors(parsed, validate.errors ?? []);
}

function explainErrors(parsed: ParsedFile, errors: ErrorObject[]): Diagnostic[] {
  const relevant = relevantErrors(errors);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of relevant) {
    const d = explain(parsed, error, relevant);
    if (!d) continue;
    const id = `${d.position.line}:${d.position.col}:${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(d);
  }
  return out;
}

function segments(instancePath: string): PathSegment[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function where(path: PathSegment[]): string {
  if (path.length === 0) return 'the route';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

const DEFINITION_NAMES = new Map<string, string>(Object.entries(routeSchema.definitions).map(([name, node]) => [JSON.stringify(node), name]));

/**
 * The definition whose keyword failed (Duration, Table, CopyAction…). Found by the content of
 * the schema node ajv reports (verbose), because schemaPath depends on how ajv compiled refs,
 * and by content rather than identity because the packaged standalone validator holds its own
 * copy of the schema (route-validator.ts).
 */
function definitionOf(error: ErrorObject): string | undefined {
  return DEFINITION_NAMES.get(JSON.stringify(error.parentSchema));
}

function definition(name: string | undefined): SchemaNode | undefined {
  if (!name) return undefined;
  return (routeSchema.definitions as Record<string, SchemaNode>)[name];
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

function valueAt(data: unknown, path: PathSegment[]): unknown {
  let node = data;
  for (const s of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[s];
  }
  return node;
}

function typeName(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${show(value)}`;
}

function explain(parsed: ParsedFile, error: ErrorObject, all: ErrorObject[]): Diagnostic | undefined {
  const path = segments(error.instancePath);
  const file = parsed.file;
  const value = valueAt(parsed.value, path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = additionalProperty(error);
      const allowed = allowedKeys(error);
      const guess = nearestName(key, allowed);
      return diagnostic(
        'SY010',
        file,
        parsed.keyPositionOf([...path, key]),
        `unknown key '${key}' in ${where(path)}`,
        guess ? `did you mean '${guess}'?` : allowed.length > 0 ? `allowed keys: ${allowed.join(', ')}` : undefined,
      );
    }
    case 'required': {
      const missing = missingProperty(error);
      return diagnostic('SY011', file, parsed.keyPositionOf(path), `${where(path)} is missing the required key '${missing}'`, requiredHint(definitionOf(error), missing));
    }
    case 'type': {
      const expected = all
        .filter((e) => e.keyword === 'type' && e.instancePath === error.instancePath)
        .map((e) => humanType(String((e.params as { type: string }).type)));
      return diagnostic('SY012', file, parsed.positionOf(path), `${where(path)} must be ${[...new Set(expected)].join(' or ')}, but is ${typeName(value)}`);
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const guess = typeof value === 'string' ? nearestName(value, allowed) : undefined;
      return diagnostic('SY013', file, parsed.positionOf(path), `${where(path)} is ${show(value)}, but must be one of: ${allowed.join(', ')}`, guess ? `did you mean '${guess}'?` : undefined);
    }
    case 'pattern': {
      const def = definitionOf(error);
      const node = def ? definition(def) : (error.parentSchema as SchemaNode | undefined);
      const what = def ? articleFor(humanDefinition(def)) : (patternName((error.params as { pattern?: unknown }).pattern) ?? 'a valid value');
      const examples = node?.examples?.filter((e) => typeof e === 'string').slice(0, 3) as string[] | undefined;
      return diagnostic(
        'SY013',
        file,
        parsed.positionOf(path),
        `${where(path)} is ${show(value)}, which is not ${what}`,
        examples && examples.length > 0 ? `for example ${examples.map((e) => `'${e}'`).join(', ')}` : node?.description,
      );
    }
    case 'minItems':
      return diagnostic('SY013', file, parsed.positionOf(path), `${where(path)} must not be an empty list`);
    case 'minLength':
      return diagnostic('SY013', file, parsed.positionOf(path), `${where(path)} must not be empty`);
    case 'uniqueItems':
      return diagnostic('SY013', file, parsed.positionOf(path), `${where(path)} lists the same value twice`);
    case 'minimum':
    case 'maximum': {
      const limit = (error.params as { limit: number }).limit;
      return diagnostic('SY013', file, parsed.positionOf(path), `${where(path)} is ${show(value)}, but must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${limit}`);
    }
    case 'minProperties':
    case 'maxProperties':
    case 'oneOf':
    case 'anyOf':
      return diagnostic('SY014', file, parsed.positionOf(path), combinationMessage(definitionOf(error), where(path), value));
    case 'propertyNames':
      return undefined; // reported by the accompanying 'pattern' error on the name itself
    default:
      return diagnostic('SY013', file, parsed.positionOf(path), `${where(path)} ${error.message ?? 'is invalid'}`);
  }
}

function combinationMessage(definitionName: string | undefined, at: string, value: unknown): string {
  const keys = value && typeof value === 'object' ? Object.keys(value) : [];
  const given = keys.length > 0 ? ` (found: ${keys.join(', ')})` : '';
  switch (definitionName) {
    case 'Action':
      return `${at}: each action takes exactly one of copy, sqs, email${given}`;
    case 'TagCondition':
      return `${at}: a tag condition takes exactly one of exists, equals, anyOf${given}`;
    case 'Table':
      return `${at}: a table takes exactly one of static, s3json, ssm${given}`;
    case 'EmailAction':
      return `${at}: an email needs recipients: 'to', or 'contactList' (with an optional 'topic')`;
    default:
      return `${at} has an invalid combination of keys${given}`;
  }
}

function humanType(type: string): string {
  return { string: 'a string', array: 'a list', object: 'a mapping', integer: 'a whole number', number: 'a number', boolean: 'true or false' }[type] ?? type;
}

function humanDefinition(name: string): string {
  const words: Record<string, string> = {
    Duration: 'duration (a number followed by ms, s, m, h or d)',
    Size: 'size (a number, optionally followed by B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)',
    AccountId: '12-digit AWS account id',
    RoleArn: 'IAM role ARN',
    Source: 'valid source setting',
  };
  return words[name] ?? `valid ${name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`;
}

function articleFor(phrase: string): string {
  return /^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}

/** Keyed by where the key is missing (the definition, or the route itself) and the key. */
function requiredHint(definitionName: string | undefined, key: string): string | undefined {
  const hints: Record<string, string> = {
    'route.name': "add a unique route name, e.g. 'name: my-route'",
    'route.source': 'add a source: { bucket: <bucket>, trigger: eventbridge | s3-notification | sqs | manual }',
    'route.actions': 'add at least one action (copy, sqs or email)',
    'Source.bucket': 'name the bucket objects arrive in',
    'Source.trigger': 'say how events arrive: eventbridge, s3-notification, sqs or manual',
    'CopyAction.to': 'name the destination bucket(s): a bucket, a list of buckets, or an expression',
    'SqsAction.queue': 'name the queue: a queue name, URL or ARN, or an expression',
    'EmailAction.from': 'give a verified sender address',
    'EmailAction.subject': 'give a subject line (a Handlebars template)',
    'AssumeRole.arn': 'give the ARN of the role to assume',
  };
  return hints[`${definitionName ?? 'route'}.${key}`];
}
