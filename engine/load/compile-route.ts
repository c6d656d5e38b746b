/**
 * Turns one schema-valid route into a CompiledRoute, reporting every expression that does not
 * compile, every unknown variable and every missing or broken template at its line.
 */
import nodePath from 'node:path';
import type { Action, AllowedBucket, AssumeRole, Retry, Route } from '../../schema/route.ts';
import type { FailureClass } from '../errors.ts';
import type { StructuralMatch } from '../match/structural.ts';
import { checkTemplate, compileTemplate, type Template } from '../templates.ts';
import { parseDuration, parseSize } from '../units.ts';
import type {
  AllowedBucketRule,
  CompiledAction,
  CompiledAssumeRole,
  CompiledRetry,
  CompiledRoute,
  CompiledTable,
} from './compiled-route.ts';
import { diagnostic, type Diagnostic, type Position } from './diagnostic.ts';
import {
  compileExpression,
  CONTEXT_VARIABLES,
  expressionSourceOf,
  isExpressionValue,
  isKnownFunction,
  knownFunctionNames,
  isProblem,
  namesUsedBy,
  type CompiledValue,
  type Expression,
} from './expressions.ts';
import { nearestName } from './nearest-name.ts';
import { recursionProblems } from './recursion-check.ts';
import { locateExpression } from './expression-locations.ts';
import { describeTemplateError } from './template-problems.ts';
import type { ParsedFile, PathSegment } from './parse-yaml.ts';

/** Reads a file named relative to a route file; undefined when it does not exist. */
export type RelativeReader = (routeFile: string, relativePath: string) => string | undefined;

export const DEFAULTS = {
  concurrency: 10,
  failWhen: 'any',
  retry: { retries: 3, delay: '1s', maxDelay: '20s', backoff: 2, jitter: 'full', on: ['throttling', 'network', '5xx'] },
  multipartThreshold: '5GB',
  partSize: '100MB',
  partConcurrency: 8,
  tableTtl: '5m',
} as const;

export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

class RouteCompiler {
  readonly diagnostics: Diagnostic[] = [];
  private readonly tableNames: string[];
  private readonly letNames: string[];
  private readonly referenced = new Set<string>();

  constructor(
    private readonly parsed: ParsedFile,
    private readonly route: Route,
    private readonly read: RelativeReader,
  ) {
    this.tableNames = Object.keys(route.tables ?? {});
    this.letNames = Object.keys(route.let ?? {});
  }

  compile(): CompiledRoute {
    const r = this.route;
    const lets = Object.entries(r.let ?? {}).map(([name, source], i) => ({
      name,
      expression: this.expression(source, ['let', name], this.letNames.slice(0, i)),
    }));
    const when = r.match?.when === undefined ? undefined : this.expression(r.match.when, ['match', 'when'], this.letNames);
    const routeRetry = this.retry(r.retry, ['retry']);
    const actions = r.actions.map((action, index) => this.action(action, index, routeRetry));
    const failureTemplate = r.notify?.onFailure?.template
      ? this.template(r.notify.onFailure.template, ['notify', 'onFailure', 'template'])
      : undefined;
    const tables: CompiledTable[] = Object.entries(r.tables ?? {})
      .filter(([name]) => this.referenced.has(name))
      .map(([name, table]) => ({ name, table, ttlMs: parseDuration(table.cacheTtl ?? DEFAULTS.tableTtl) }));
    return {
      name: r.name,
      file: this.parsed.file,
      definition: r,
      structural: this.structural(),
      tags: Object.entries(r.match?.tags ?? {}),
      ...(when ? { when } : {}),
      lets,
      tables,
      needsTags: Object.keys(r.match?.tags ?? {}).length > 0 || this.referenced.has('tags'),
      actions,
      concurrency: r.concurrency ?? DEFAULTS.concurrency,
      failWhen: r.failWhen ?? DEFAULTS.failWhen,
      allow: {
        ...(r.allow?.buckets ? { buckets: r.allow.buckets.map(allowedBucketRule) } : {}),
        ...(r.allow?.queues ? { queues: r.allow.queues.map(globToRegExp) } : {}),
        ...(r.allow?.roles ? { roles: r.allow.roles.map(globToRegExp) } : {}),
      },
      ...(failureTemplate ? { failureTemplate } : {}),
    };
  }

  private structural(): StructuralMatch {
    const r = this.route;
    const matchPrefixes = toList(r.match?.prefix);
    const sourcePrefix = r.source.prefix ?? '';
    // The source prefix narrows every match prefix; a match prefix outside it can never fire.
    const prefixes = matchPrefixes.length > 0 ? matchPrefixes : sourcePrefix ? [sourcePrefix] : [];
    const suffixes = [...toList(r.match?.suffix), ...(r.source.suffix && !r.match?.suffix ? [r.source.suffix] : [])];
    return {
      route: r.name,
      bucket: r.source.bucket,
      prefixes,
      excludePrefixes: toList(r.match?.excludePrefix),
      suffixes,
      ignoreCase: r.match?.ignoreCase ?? false,
      kinds: r.source.events ?? ['created'],
    };
  }

  private action(action: Action, index: number, routeRetry: CompiledRetry): CompiledAction {
    const base = (type: string, spec: { id?: string; when?: string; retry?: Retry; concurrency?: number }, path: PathSegment[]) => ({
      id: spec.id ?? `${type}-${index + 1}`,
      index,
      ...(spec.when !== undefined ? { when: this.expression(spec.when, [...path, 'when'], this.letNames) } : {}),
      retry: spec.retry ? this.retry(spec.retry, [...path, 'retry'], this.route.retry) : routeRetry,
      concurrency: spec.concurrency ?? this.route.concurrency ?? DEFAULTS.concurrency,
    });
    if (action.copy) {
      const c = action.copy;
      const path: PathSegment[] = ['actions', index, 'copy'];
      return {
        type: 'copy',
        ...base('copy', c, path),
        to: Array.isArray(c.to) ? { kind: 'list', values: [...c.to] } : this.value(c.to, [...path, 'to']),
        key: this.value(c.key ?? '$key', [...path, 'key']),
        ...(c.assumeRole ? { assumeRole: this.assumeRole(c.assumeRole, [...path, 'assumeRole']) } : {}),
        ...(c.kmsKey ? { kmsKey: c.kmsKey } : {}),
        multipartThreshold: parseSize(c.multipartThreshold ?? DEFAULTS.multipartThreshold),
        partSize: parseSize(c.partSize ?? DEFAULTS.partSize),
        partConcurrency: c.partConcurrency ?? DEFAULTS.partConcurrency,
        skipExisting: c.skipExisting ?? false,
      };
    }
    if (action.sqs) {
      const s = action.sqs;
      const path: PathSegment[] = ['actions', index, 'sqs'];
      return {
        type: 'sqs',
        ...base('sqs', s, path),
        queue: this.value(s.queue, [...path, 'queue']),
        ...(s.body ? { body: this.expression(s.body, [...path, 'body'], this.letNames) } : {}),
        ...(s.groupId ? { groupId: this.value(s.groupId, [...path, 'groupId']) } : {}),
        ...(s.assumeRole ? { assumeRole: this.assumeRole(s.assumeRole, [...path, 'assumeRole']) } : {}),
      };
    }
    const e = action.email!;
    const path: PathSegment[] = ['actions', index, 'email'];
    return {
      type: 'email',
      ...base('email', e, path),
      from: this.value(e.from, [...path, 'from']),
      ...(e.to !== undefined ? { to: Array.isArray(e.to) ? { kind: 'list' as const, values: [...e.to] } : this.value(e.to, [...path, 'to']) } : {}),
      ...(e.contactList ? { contactList: this.value(e.contactList, [...path, 'contactList']) } : {}),
      ...(e.topic ? { topic: this.value(e.topic, [...path, 'topic']) } : {}),
      subject: this.inlineTemplate(e.subject, [...path, 'subject']),
      ...(e.html ? { html: this.template(e.html, [...path, 'html']) } : {}),
      ...(e.text ? { text: this.template(e.text, [...path, 'text']) } : {}),
      ...(e.assumeRole ? { assumeRole: this.assumeRole(e.assumeRole, [...path, 'assumeRole']) } : {}),
    };
  }

  private assumeRole(spec: AssumeRole, path: PathSegment[]): CompiledAssumeRole {
    return {
      arn: this.value(spec.arn, [...path, 'arn']),
      ...(spec.externalId ? { externalId: this.value(spec.externalId, [...path, 'externalId']) } : {}),
      ...(spec.sessionName ? { sessionName: spec.sessionName } : {}),
    };
  }

  private retry(spec: Retry | undefined, path: PathSegment[], inherited?: Retry): CompiledRetry {
    const merged = { ...DEFAULTS.retry, ...inherited, ...spec };
    const retriesFrom = typeof merged.retries === 'string' ? this.value(merged.retries, [...path, 'retries']) : undefined;
    const throttling = merged.throttling;
    const delayMs = parseDuration(merged.delay);
    const maxDelayMs = parseDuration(merged.maxDelay);
    return {
      policy: {
        retries: typeof merged.retries === 'number' ? merged.retries : DEFAULTS.retry.retries,
        delayMs,
        maxDelayMs,
        backoff: merged.backoff,
        jitter: merged.jitter,
        on: [...merged.on] as FailureClass[],
        ...(throttling
          ? {
              throttling: {
                retries: throttling.retries ?? (typeof merged.retries === 'number' ? merged.retries : DEFAULTS.retry.retries),
                delayMs: throttling.delay ? parseDuration(throttling.delay) : delayMs,
                maxDelayMs: throttling.maxDelay ? parseDuration(throttling.maxDelay) : maxDelayMs,
              },
            }
          : {}),
      },
      ...(retriesFrom ? { retriesFrom } : {}),
    };
  }

  private value(text: string, path: PathSegment[]): CompiledValue {
    if (!isExpressionValue(text)) return { kind: 'literal', value: text };
    const source = expressionSourceOf(text);
    return { kind: 'expression', source, expression: this.expression(source, path, this.letNames) };
  }

  private expression(source: string, path: PathSegment[], lets: string[]): Expression {
    const compiled = compileExpression(source);
    const position = this.parsed.positionOf(path);
    const inside = (offset: number | undefined): Position => (offset === undefined ? position : (this.positionInside(path, source, offset) ?? position));
    if (isProblem(compiled)) {
      this.diagnostics.push(diagnostic('SY021', this.parsed.file, inside(compiled.offset), `expression does not compile: ${compiled.message}`, 'see https://docs.jsonata.org for the syntax; literals that start with $ or = are read as expressions'));
      return compileExpression('null') as Expression;
    }
    locateExpression(compiled, this.route.name, this.parsed.file, path, position.line);
    for (const p of recursionProblems(compiled, path, this.letNames)) this.diagnostics.push(diagnostic(p.code, this.parsed.file, inside(p.offset), p.message, p.hint));
    const known = new Set<string>([...CONTEXT_VARIABLES, ...this.tableNames, ...lets]);
    const names = namesUsedBy(compiled);
    for (const [variable, offset] of names.variables) {
      this.referenced.add(variable);
      if (known.has(variable)) continue;
      const guess = nearestName(variable, known);
      const later = this.letNames.includes(variable) ? ` ('${variable}' is defined later in let: move it above)` : '';
      this.diagnostics.push(
        diagnostic('SY023', this.parsed.file, inside(offset), `unknown variable $${variable}${later}`, later ? `let values are evaluated in order, so a value may use only those above it` : guess ? `did you mean $${guess}?` : `known here: ${[...known].map((k) => `$${k}`).join(', ')}`),
      );
    }
    const callable = [...this.letNames, ...this.tableNames];
    for (const [fn, offset] of names.functions) {
      if (isKnownFunction(fn, callable)) continue;
      const guess = nearestName(fn, [...knownFunctionNames(), ...callable]);
      this.diagnostics.push(diagnostic('SY023', this.parsed.file, inside(offset), `unknown function $${fn}()`, guess ? `did you mean $${guess}()?` : 'see https://docs.jsonata.org/string-functions for the built-in functions'));
    }
    return compiled;
  }

  /** Where the token at `offset` of the expression is in the file (the same copy of it, counted from the start). */
  private positionInside(path: PathSegment[], source: string, offset: number): Position | undefined {
    const token = /^\S{1,40}/.exec(source.slice(offset))?.[0];
    if (!token) return undefined;
    let earlier = 0;
    for (let i = source.indexOf(token); i !== -1 && i < offset; i = source.indexOf(token, i + 1)) earlier += 1;
    return this.parsed.positionInScalar(path, token, earlier);
  }

  private inlineTemplate(text: string, path: PathSegment[]): Template {
    try {
      checkTemplate(text);
    } catch (error) {
      const problem = describeTemplateError(error);
      const at = problem.line === 1 && problem.column !== undefined ? this.positionInside(path, text, problem.column) : undefined;
      this.diagnostics.push(diagnostic('SY027', this.parsed.file, at ?? this.parsed.positionOf(path), `template does not compile: ${problem.message}`, problem.hint ?? HANDLEBARS_HINT));
    }
    return compileTemplate(text, false);
  }

  private template(relativePath: string, path: PathSegment[]): Template {
    const text = this.read(this.parsed.file, relativePath);
    if (text === undefined) {
      const expected = nodePath.posix.join(nodePath.posix.dirname(this.parsed.file.split(nodePath.sep).join('/')), relativePath);
      this.diagnostics.push(
        diagnostic('SY022', this.parsed.file, this.parsed.positionOf(path), `template '${relativePath}' does not exist (paths are relative to the route file)`, `create ${expected}, or correct the path`),
      );
      return compileTemplate('', false);
    }
    try {
      checkTemplate(text);
    } catch (error) {
      const problem = describeTemplateError(error);
      this.diagnostics.push(diagnostic('SY027', this.parsed.file, this.parsed.positionOf(path), `template '${relativePath}' does not compile: ${problem.message}`, problem.hint ?? HANDLEBARS_HINT));
    }
    return compileTemplate(text, path.at(-1) === 'html');
  }
}

const HANDLEBARS_HINT = 'see https://handlebarsjs.com/guide/ for the syntax: {{value}}, {{#if x}}…{{/if}}, {{#each list}}…{{/each}}';

function allowedBucketRule(entry: AllowedBucket): AllowedBucketRule {
  const spec = typeof entry === 'string' ? { bucket: entry } : entry;
  return {
    pattern: spec.bucket,
    matcher: globToRegExp(spec.bucket),
    ...(spec.account ? { account: spec.account } : {}),
    ...(spec.kmsKey ? { kmsKey: spec.kmsKey } : {}),
  };
}

export function compileRoute(parsed: ParsedFile, route: Route, read: RelativeReader): { route: CompiledRoute; diagnostics: Diagnostic[] } {
  const compiler = new RouteCompiler(parsed, route, read);
  const compiled = compiler.compile();
  return { route: compiled, diagnostics: compiler.diagnostics };
}
