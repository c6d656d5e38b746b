/**
 * A route after loading: every expression compiled, every duration and size parsed, every
 * template compiled. Built once per container (or per CLI run), then used for every event.
 */
import type { Template as TemplateDelegate } from '../templates.ts';
import type { CopyAction, Route, TagCondition, Table } from '../../schema/route.ts';
import type { StructuralMatch } from '../match/structural.ts';
import type { RetryPolicy } from '../retry.ts';
import type { CompiledValue, Expression } from './expressions.ts';

export interface CompiledAssumeRole {
  arn: CompiledValue;
  externalId?: CompiledValue;
  sessionName?: string;
}

export interface CompiledRetry {
  policy: RetryPolicy;
  /** Set when `retries` is an expression (seed 001 reads it from its config). */
  retriesFrom?: CompiledValue;
}

interface ActionBase {
  id: string;
  /** Position in the route's `actions` list, for messages. */
  index: number;
  when?: Expression;
  retry: CompiledRetry;
  concurrency: number;
}

export interface CompiledCopyAction extends ActionBase {
  type: 'copy';
  to: CompiledValue | { kind: 'list'; values: string[] };
  key: CompiledValue;
  assumeRole?: CompiledAssumeRole;
  kmsKey?: string;
  multipartThreshold: number;
  partSize: number;
  partConcurrency: number;
  skipExisting: SkipExisting;
}

/** `false`, `true` (ETags, else size and write time) or `checksum` (ETags, else full-object checksums). */
export type SkipExisting = NonNullable<CopyAction['skipExisting']>;

export interface CompiledSqsAction extends ActionBase {
  type: 'sqs';
  queue: CompiledValue;
  body?: Expression;
  groupId?: CompiledValue;
  assumeRole?: CompiledAssumeRole;
}

export interface CompiledEmailAction extends ActionBase {
  type: 'email';
  from: CompiledValue;
  to?: CompiledValue | { kind: 'list'; values: string[] };
  contactList?: CompiledValue;
  topic?: CompiledValue;
  subject: TemplateDelegate;
  html?: TemplateDelegate;
  text?: TemplateDelegate;
  assumeRole?: CompiledAssumeRole;
}

export type CompiledAction = CompiledCopyAction | CompiledSqsAction | CompiledEmailAction;

export interface CompiledTable {
  name: string;
  table: Table;
  ttlMs: number;
}

export interface AllowedBucketRule {
  pattern: string;
  matcher: RegExp;
  account?: string;
  kmsKey?: string;
}

export interface CompiledAllow {
  buckets?: AllowedBucketRule[];
  queues?: RegExp[];
  roles?: RegExp[];
}

export interface CompiledRoute {
  name: string;
  /** The file the route came from (relative path as given to the loader). */
  file: string;
  definition: Route;
  structural: StructuralMatch;
  tags: Array<[string, TagCondition]>;
  when?: Expression;
  lets: Array<{ name: string; expression: Expression }>;
  /** Tables some expression of the route refers to (others are never loaded). */
  tables: CompiledTable[];
  /** Whether any condition or expression needs the object's tags / body. */
  needsTags: boolean;
  actions: CompiledAction[];
  concurrency: number;
  failWhen: 'any' | 'all';
  allow: CompiledAllow;
  failureTemplate?: TemplateDelegate;
  /** Buckets this route may copy into that a route of the same set watches (set by loadRoutes); absent means "assume every one is". */
  watchedDestinations?: string[];
}
