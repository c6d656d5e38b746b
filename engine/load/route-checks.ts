/**
 * Semantic checks that the schema cannot express: across files (unique names, loops between
 * routes) and inside a route (allow-lists, trigger settings, action ids).
 */
import { MAX_COPY_OBJECT_BYTES, MAX_PART_SIZE } from '../s3-limits.ts';
import type { CompiledCopyAction, CompiledRoute } from './compiled-route.ts';
import { diagnostic, type Diagnostic } from './diagnostic.ts';
import routeSchema from '../../schema/route.schema.json' with { type: 'json' };
import { isExpressionValue, literalPrefixOf } from './expressions.ts';
import type { ParsedFile, PathSegment } from './parse-yaml.ts';

export interface LoadedRoute {
  parsed: ParsedFile;
  route: CompiledRoute;
}

export function checkRoutes(loaded: LoadedRoute[]): Diagnostic[] {
  return [...uniqueNames(loaded), ...uniqueQueueOwners(loaded), ...loaded.flatMap((l) => checkOne(l)), ...loops(loaded)];
}

/**
 * A queue in `queues:` is created by the route's stack under that fixed name. Declared by two
 * routes it was one queue with the last route's settings where both share a stack, and two
 * stacks creating one name (a failed deploy) where placement puts them apart.
 */
function uniqueQueueOwners(loaded: LoadedRoute[]): Diagnostic[] {
  const owners = new Map<string, { l: LoadedRoute; index: number }>();
  const out: Diagnostic[] = [];
  for (const l of loaded) {
    (l.route.definition.queues ?? []).forEach((queue, index) => {
      const earlier = owners.get(queue.name);
      if (!earlier) {
        owners.set(queue.name, { l, index });
        return;
      }
      const at = earlier.l.parsed.positionOf(['queues', earlier.index, 'name']);
      out.push(
        diagnostic(
          'SY033',
          l.parsed.file,
          l.parsed.positionOf(['queues', index, 'name']),
          earlier.l === l
            ? `queue '${queue.name}' is listed twice in this route's queues (first at line ${at.line + 1}): one queue, one entry`
            : `queue '${queue.name}' is already created by route '${earlier.l.route.name}' (${earlier.l.parsed.file}:${at.line + 1}:${at.col + 1}): a queue has one owner`,
          `keep it in one route's queues; the other route sends to it by name (queue: ${queue.name}) without declaring it`,
        ),
      );
    });
  }
  return out;
}

function uniqueNames(loaded: LoadedRoute[]): Diagnostic[] {
  const first = new Map<string, LoadedRoute>();
  const out: Diagnostic[] = [];
  for (const l of loaded) {
    const earlier = first.get(l.route.name);
    if (!earlier) {
      first.set(l.route.name, l);
      continue;
    }
    const at = earlier.parsed.positionOf(['name']);
    out.push(
      diagnostic('SY020', l.parsed.file, l.parsed.positionOf(['name']), `route name '${l.route.name}' is already used by ${earlier.parsed.file}:${at.line + 1}:${at.col + 1}`, 'route names must be unique across all route files: rename one'),
    );
  }
  return out;
}

function checkOne({ parsed, route }: LoadedRoute): Diagnostic[] {
  const out: Diagnostic[] = [];
  const def = route.definition;
  if (def.source.trigger === 'sqs' && !def.source.queueArn) {
    out.push(diagnostic('SY028', parsed.file, parsed.positionOf(['source', 'trigger']), "trigger 'sqs' needs source.queueArn: the queue that receives the bucket's notifications", "add 'queueArn: arn:aws:sqs:<region>:<account>:<queue>' or use trigger: s3-notification to let Switchyard create the queue"));
  }
  if (def.source.queueArn && def.source.trigger !== 'sqs') {
    out.push(diagnostic('SY028', parsed.file, parsed.keyPositionOf(['source', 'queueArn']), `source.queueArn is only used with trigger 'sqs' (this route uses '${def.source.trigger}')`));
  }
  if (def.batch && !route.actions.some((a) => a.type === 'copy')) {
    out.push(diagnostic('SY030', parsed.file, parsed.keyPositionOf(['batch']), 'a batch route transfers objects with its copy action, but this route has none', 'add a copy action, or remove batch'));
  }
  const sourceRole = def.source.assumeRole?.arn;
  if (sourceRole !== undefined && !isExpressionValue(sourceRole)) out.push(...roleArnProblems(parsed, ['source', 'assumeRole', 'arn'], sourceRole));
  const ids = new Map<string, number>();
  for (const action of route.actions) if (action.type === 'copy') out.push(...copySizeProblems(parsed, action, def.actions[action.index]?.copy ?? {}));
  for (const action of route.actions) {
    const seen = ids.get(action.id);
    if (seen !== undefined) {
      out.push(diagnostic('SY029', parsed.file, parsed.positionOf(['actions', action.index, action.type, 'id']), `action id '${action.id}' is already used by action ${seen + 1}`, 'give each action its own id (an action without one is called <type>-<position>, e.g. copy-1)'));
    } else ids.set(action.id, action.index);
  }
  for (const action of route.actions) {
    if (action.type === 'copy') {
      const path = ['actions', action.index, 'copy', 'to'];
      if (action.to.kind === 'expression') {
        if (!route.allow.buckets) {
          out.push(diagnostic('SY026', parsed.file, parsed.positionOf(path), 'destination buckets are computed at run time, but the route has no allow.buckets', 'list the buckets (or patterns like intel-*) the expression may yield under allow.buckets; IAM is scoped to the same list'));
        }
      } else {
        const names = action.to.kind === 'list' ? action.to.values : [action.to.value];
        for (const [i, bucket] of names.entries()) {
          if (route.allow.buckets && !route.allow.buckets.some((rule) => rule.matcher.test(bucket))) {
            out.push(diagnostic('SY024', parsed.file, parsed.positionOf(action.to.kind === 'list' ? [...path, i] : path), `destination bucket '${bucket}' is not in allow.buckets (${route.allow.buckets.map((r) => r.pattern).join(', ')})`, `add '${bucket}' to allow.buckets`));
          }
        }
      }
    }
    if (action.type === 'sqs' && action.queue.kind === 'expression' && !route.allow.queues) {
      out.push(diagnostic('SY026', parsed.file, parsed.positionOf(['actions', action.index, 'sqs', 'queue']), 'the queue is computed at run time, but the route has no allow.queues', 'list the queue names, ARNs or patterns it may yield under allow.queues'));
    }
    if (action.type === 'sqs' && action.queue.kind === 'literal' && route.allow.queues && !route.allow.queues.some((q) => q.test(action.queue.kind === 'literal' ? action.queue.value : ''))) {
      out.push(diagnostic('SY024', parsed.file, parsed.positionOf(['actions', action.index, 'sqs', 'queue']), `queue '${action.queue.value}' is not in allow.queues`, `add '${action.queue.value}' to allow.queues`));
    }
    const role = action.assumeRole;
    if (role?.arn.kind === 'literal') out.push(...roleArnProblems(parsed, ['actions', action.index, action.type, 'assumeRole', 'arn'], role.arn.value));
    if (role && role.arn.kind === 'expression' && !route.allow.roles) {
      out.push(diagnostic('SY026', parsed.file, parsed.positionOf(['actions', action.index, action.type, 'assumeRole', 'arn']), 'the role ARN is computed at run time, but the route has no allow.roles', 'list the role ARNs (patterns allowed) under allow.roles; sts:AssumeRole is scoped to them'));
    }
  }
  return out;
}

const ROLE_ARN = new RegExp(routeSchema.definitions.RoleArn.pattern);

/** Sizes S3 would refuse: CopyObject copies at most 5 GiB, a part is at most 5 GiB. */
function copySizeProblems(parsed: ParsedFile, action: CompiledCopyAction, written: { multipartThreshold?: string; partSize?: string }): Diagnostic[] {
  const out: Diagnostic[] = [];
  const path = ['actions', action.index, 'copy'];
  if (action.multipartThreshold > MAX_COPY_OBJECT_BYTES) {
    out.push(diagnostic('SY013', parsed.file, parsed.positionOf([...path, 'multipartThreshold']), `multipartThreshold is ${written.multipartThreshold ?? action.multipartThreshold}, above what one CopyObject copies (5 GiB): larger objects are copied in parts whatever it says`, 'set it to 5GiB or less (the default, 5GB, is below it)'));
  }
  if (action.partSize > MAX_PART_SIZE) {
    out.push(diagnostic('SY013', parsed.file, parsed.positionOf([...path, 'partSize']), `partSize is ${written.partSize ?? action.partSize}, but S3 takes parts of at most 5 GiB`, 'set it to 5GiB or less (100MB is the default)'));
  }
  return out;
}

/** `assumeRole.arn` may be an expression, so the schema cannot check a literal one; this does. */
function roleArnProblems(parsed: ParsedFile, path: PathSegment[], arn: string): Diagnostic[] {
  if (ROLE_ARN.test(arn)) return [];
  return [diagnostic('SY013', parsed.file, parsed.positionOf(path), `${path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[')} is '${arn}', which is not an IAM role ARN`, `for example '${routeSchema.definitions.RoleArn.examples[0]}'`)];
}

/**
 * A copy into a bucket some route listens on, under a key that route would take, would trigger
 * it again. Where the key is an expression without a literal start we cannot prove it safe.
 */
function loops(loaded: LoadedRoute[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Routes a copy could re-trigger, by the bucket they watch: thousands of routes stay linear.
  const watching = new Map<string, LoadedRoute[]>();
  for (const target of loaded) {
    const s = target.route.structural;
    if (!s.kinds.includes('created')) continue;
    const list = watching.get(s.bucket);
    if (list) list.push(target);
    else watching.set(s.bucket, [target]);
  }
  for (const { parsed, route } of loaded) {
    for (const action of route.actions) {
      if (action.type !== 'copy' || action.to.kind === 'expression') continue;
      const buckets = action.to.kind === 'list' ? action.to.values : [action.to.value];
      const keyPrefix =
        action.key.kind === 'literal' ? action.key.value : action.key.source.trim() === '$key' ? undefined : literalPrefixOf(action.key.expression);
      const sameKey = action.key.kind === 'expression' && action.key.source.trim() === '$key';
      for (const bucket of buckets) {
        for (const target of watching.get(bucket) ?? []) {
          const s = target.route.structural;
          const self = target.route === route;
          const reason = sameKey
            ? self
              ? 'copies each object onto itself'
              : 'keeps the key, which that route takes too'
            : keyPrefix === undefined
              ? 'uses a key whose start cannot be known before run time'
              : prefixCanMatch(keyPrefix, s.prefixes, s.excludePrefixes)
                ? `writes under '${keyPrefix}', which that route takes`
                : undefined;
          if (!reason) continue;
          const routeName = self ? 'this route' : `route '${target.route.name}' (${target.parsed.file})`;
          out.push(
            diagnostic('SY025', parsed.file, parsed.positionOf(['actions', action.index, 'copy', action.key.kind === 'literal' || !sameKey ? 'key' : 'to']), `copy to '${bucket}' would re-trigger ${routeName}: it ${reason}`, loopHint(bucket, self, s.prefixes)),
          );
        }
      }
    }
  }
  return out;
}

function loopHint(bucket: string, self: boolean, prefixes: string[]): string {
  const taker = self ? 'this route' : 'that route';
  return prefixes.length > 0
    ? `start the key with a literal prefix outside ${prefixes.join(', ')} (e.g. key: "='archive/' & $key"), or copy to another bucket`
    : `${taker} takes every key in '${bucket}': give the copy a key prefix (e.g. key: "='archive/' & $key") and exclude it with match.excludePrefix, or copy to another bucket`;
}

function prefixCanMatch(keyPrefix: string, prefixes: string[], excludes: string[]): boolean {
  if (excludes.some((e) => keyPrefix.startsWith(e))) return false;
  if (prefixes.length === 0) return true;
  return prefixes.some((p) => p.startsWith(keyPrefix) || keyPrefix.startsWith(p));
}
