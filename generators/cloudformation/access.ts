/**
 * Who touches what for one route: which buckets, prefixes, keys, queues and roles, and whether
 * the function does it with its own role or through an assumed role. IAM (this stack) and the
 * policy snippets (other accounts) are both derived from this one description.
 */
import type { CompiledAction, CompiledAssumeRole, CompiledRoute } from '../../engine/load/compiled-route.ts';
import { literalPrefixOf, type CompiledValue } from '../../engine/load/expressions.ts';
import { GeneratorError } from './errors.ts';

/** The function's own role, or roles it assumes (literal ARNs, or `allow.roles` patterns). */
export type Actor = { kind: 'function' } | { kind: 'role'; arns: string[] };

export interface SourceAccess {
  bucket: string;
  /** Key prefixes the route can take ('' = every key). */
  prefixes: string[];
  account?: string;
  kmsKey?: string;
  /** Reads tags/body and lists for batch. */
  reader: Actor;
  lists: boolean;
}

export interface WriteTarget {
  /** Bucket name or `*` pattern. */
  bucket: string;
  keyPrefix: string;
  /** The owning account, when declared (a cross-account destination). */
  account?: string;
  kmsKey?: string;
  writer: Actor;
  /** Reads the destination to skip objects already there. */
  checksExisting: boolean;
}

export interface QueueTarget {
  /** Queue name, ARN or URL (patterns allowed), or an owned queue by name. */
  queue: string;
  owned: boolean;
  sender: Actor;
}

export interface EmailTarget {
  /** Literal sender address, or undefined when it comes from an expression. */
  from?: string;
  /** Literal contact list, `*` when it comes from an expression, undefined when not used. */
  contactList?: string;
  sender: Actor;
}

export interface RouteAccess {
  route: string;
  source: SourceAccess;
  writes: WriteTarget[];
  queues: QueueTarget[];
  emails: EmailTarget[];
}

const FUNCTION: Actor = { kind: 'function' };

export function accessOf(route: CompiledRoute): RouteAccess {
  const def = route.definition;
  const writes: WriteTarget[] = [];
  const queues: QueueTarget[] = [];
  const emails: EmailTarget[] = [];
  for (const action of route.actions) collect(route, action, writes, queues, emails);
  return {
    route: route.name,
    source: {
      bucket: def.source.bucket,
      prefixes: sourcePrefixes(def.source.prefix, def.match?.prefix),
      ...(def.source.account !== undefined ? { account: def.source.account } : {}),
      ...(def.source.kmsKey !== undefined ? { kmsKey: def.source.kmsKey } : {}),
      reader: def.source.assumeRole !== undefined ? roleActor(route, route.definition.source.assumeRole?.arn ?? '') : FUNCTION,
      lists: def.batch !== undefined,
    },
    writes,
    queues,
    emails,
  };
}

function collect(route: CompiledRoute, action: CompiledAction, writes: WriteTarget[], queues: QueueTarget[], emails: EmailTarget[]): void {
  const actor = action.assumeRole !== undefined ? compiledRoleActor(route, action.assumeRole) : FUNCTION;
  if (action.type === 'copy') {
    const keyPrefix = action.key.kind === 'literal' ? action.key.value : (literalPrefixOf(action.key.expression) ?? '');
    for (const rule of copyBuckets(route, action.to)) {
      writes.push({
        bucket: rule.bucket,
        keyPrefix,
        ...(rule.account !== undefined ? { account: rule.account } : {}),
        ...((action.kmsKey ?? rule.kmsKey) !== undefined ? { kmsKey: action.kmsKey ?? rule.kmsKey } : {}),
        writer: actor,
        checksExisting: action.skipExisting !== false,
      });
    }
  } else if (action.type === 'sqs') {
    for (const queue of sqsQueues(route, action.queue)) queues.push({ ...queue, sender: actor });
  } else {
    emails.push({
      ...(action.from.kind === 'literal' ? { from: action.from.value } : {}),
      ...(action.contactList !== undefined ? { contactList: action.contactList.kind === 'literal' ? action.contactList.value : '*' } : {}),
      sender: actor,
    });
  }
}

interface BucketRule {
  bucket: string;
  account?: string;
  kmsKey?: string;
}

/** Literal buckets (with the allow-list entry that names them, if any), or the whole allow-list for an expression. */
function copyBuckets(route: CompiledRoute, to: CompiledValue | { kind: 'list'; values: string[] }): BucketRule[] {
  const rules = route.allow.buckets ?? [];
  const ruleOf = (bucket: string): BucketRule => {
    const rule = rules.find((r) => r.matcher.test(bucket));
    return { bucket, ...(rule?.account !== undefined ? { account: rule.account } : {}), ...(rule?.kmsKey !== undefined ? { kmsKey: rule.kmsKey } : {}) };
  };
  if (to.kind === 'list') return to.values.map(ruleOf);
  if (to.kind === 'literal') return [ruleOf(to.value)];
  if (rules.length === 0) {
    throw new GeneratorError('UnscopableDestination', 'a copy destination is an expression but allow.buckets is empty: list the buckets it may resolve to', route.name);
  }
  return rules.map((r) => ({ bucket: r.pattern, ...(r.account !== undefined ? { account: r.account } : {}), ...(r.kmsKey !== undefined ? { kmsKey: r.kmsKey } : {}) }));
}

function sqsQueues(route: CompiledRoute, queue: CompiledValue): Array<{ queue: string; owned: boolean }> {
  const owned = new Set((route.definition.queues ?? []).map((q) => q.name));
  if (queue.kind === 'literal') return [{ queue: queue.value, owned: owned.has(queue.value) }];
  const allowed = route.definition.allow?.queues ?? [];
  if (allowed.length === 0 && owned.size === 0) {
    throw new GeneratorError('UnscopableDestination', 'an sqs queue is an expression but allow.queues is empty and the route owns no queues', route.name);
  }
  return [...[...owned].map((q) => ({ queue: q, owned: true })), ...allowed.map((q) => ({ queue: q, owned: false }))];
}

function compiledRoleActor(route: CompiledRoute, role: CompiledAssumeRole): Actor {
  return role.arn.kind === 'literal' ? { kind: 'role', arns: [role.arn.value] } : allowedRoles(route);
}

function roleActor(route: CompiledRoute, arn: string): Actor {
  return arn.startsWith('$') || arn.startsWith('=') ? allowedRoles(route) : { kind: 'role', arns: [arn] };
}

function allowedRoles(route: CompiledRoute): Actor {
  const roles = route.definition.allow?.roles ?? [];
  if (roles.length === 0) {
    throw new GeneratorError('UnscopableRole', 'an assumeRole arn is an expression but allow.roles is empty: list the role ARNs (with * wildcards) it may resolve to', route.name);
  }
  return { kind: 'role', arns: [...roles] };
}

/** Keys must start with the source prefix and with one of the match prefixes: the narrower of each pair. */
export function sourcePrefixes(sourcePrefix: string | undefined, matchPrefix: string | string[] | undefined): string[] {
  const base = sourcePrefix ?? '';
  if (matchPrefix === undefined) return [base];
  const narrowed = (typeof matchPrefix === 'string' ? [matchPrefix] : matchPrefix).flatMap((m) =>
    m.startsWith(base) ? [m] : base.startsWith(m) ? [base] : [],
  );
  return [...new Set(narrowed)].sort();
}

export function rolesOf(actor: Actor): string[] {
  return actor.kind === 'role' ? actor.arns : [];
}
