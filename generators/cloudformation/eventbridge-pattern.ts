/**
 * EventBridge patterns for S3 "Object Created"/"Object Deleted" events. Key conditions are
 * objects inside the `key` list (`"key": [{"prefix": "a/"}, {"suffix": ".pdf"}]`, either one
 * matches): the shape IaC tools get wrong, which deploys and never matches.
 *
 * A bus takes 300 rules in all, so one rule serves several buckets with the same event types:
 * buckets with the same key filters share one name list, and buckets that differ become
 * branches of an `$or` inside `detail`, each exactly as narrow as its own routes. A rule holds as many as fit in 2,048
 * characters.
 */
import { GeneratorError } from './errors.ts';
import type { EventBridgeSource, KeyFilter } from './sources.ts';

export const MAX_PATTERN_CHARS = 2048;

/** One alternative of a rule: these buckets, these keys. */
export interface S3EventBranch {
  bucket: { name: string[] };
  object?: { key: KeyFilter[] };
}

export interface BucketPattern {
  source: ['aws.s3'];
  'detail-type': string[];
  detail: S3EventBranch;
}

export interface S3EventPattern {
  source: ['aws.s3'];
  'detail-type': string[];
  detail: S3EventBranch | { $or: S3EventBranch[] };
}

export interface EventRule {
  pattern: S3EventPattern;
  buckets: string[];
  routes: string[];
}

export function branchFor(buckets: string[], keyFilters?: KeyFilter[]): S3EventBranch {
  return { bucket: { name: buckets }, ...(keyFilters !== undefined ? { object: { key: keyFilters } } : {}) };
}

export function patternFor(bucket: string, detailTypes: string[], keyFilters?: KeyFilter[]): BucketPattern {
  return { source: ['aws.s3'], 'detail-type': detailTypes, detail: branchFor([bucket], keyFilters) };
}

function patternOf(detailTypes: string[], branches: S3EventBranch[]): S3EventPattern {
  return { source: ['aws.s3'], 'detail-type': detailTypes, detail: branches.length === 1 ? (branches[0] as S3EventBranch) : { $or: branches } };
}

/** One bucket's patterns: one, unless its key filters would pass 2,048 characters, then as few as fit. */
export function patternsFor(source: EventBridgeSource): BucketPattern[] {
  return branchesOf(source.detailTypes, [source]).map((b) => {
    checked(patternOf(source.detailTypes, [b.branch]), b.sources);
    return { source: ['aws.s3'], 'detail-type': source.detailTypes, detail: b.branch };
  });
}

interface Branch {
  branch: S3EventBranch;
  sources: EventBridgeSource[];
}

/** Buckets with the same key filters in one branch; a branch too long for one rule cut in pieces that fit. */
function branchesOf(detailTypes: string[], sources: EventBridgeSource[]): Branch[] {
  const byFilters = new Map<string, EventBridgeSource[]>();
  for (const source of sources) {
    const signature = JSON.stringify(source.keyFilters ?? null);
    byFilters.set(signature, [...(byFilters.get(signature) ?? []), source]);
  }
  return [...byFilters.values()].flatMap((group) => fitting(detailTypes, group));
}

function fitting(detailTypes: string[], group: EventBridgeSource[]): Branch[] {
  const first = group[0] as EventBridgeSource;
  const branch = branchFor(
    group.map((s) => s.bucket),
    first.keyFilters,
  );
  if (size(patternOf(detailTypes, [branch])) <= MAX_PATTERN_CHARS) return [{ branch, sources: group }];
  if (group.length > 1) {
    const half = Math.ceil(group.length / 2);
    return [...fitting(detailTypes, group.slice(0, half)), ...fitting(detailTypes, group.slice(half))];
  }
  const filters = first.keyFilters ?? [];
  if (filters.length <= 1) throw tooLarge(patternOf(detailTypes, [branch]), group);
  const half = Math.ceil(filters.length / 2);
  return [...fitting(detailTypes, [{ ...first, keyFilters: filters.slice(0, half) }]), ...fitting(detailTypes, [{ ...first, keyFilters: filters.slice(half) }])];
}

/**
 * The rules of a stack's EventBridge sources (sorted by bucket): for each set of event types,
 * branches packed in order into as few patterns of at most 2,048 characters as that order allows.
 */
export function rulesFor(sources: EventBridgeSource[]): EventRule[] {
  const byTypes = new Map<string, EventBridgeSource[]>();
  for (const source of sources) {
    const key = JSON.stringify(source.detailTypes);
    byTypes.set(key, [...(byTypes.get(key) ?? []), source]);
  }
  const rules: EventRule[] = [];
  for (const group of byTypes.values()) {
    const detailTypes = (group[0] as EventBridgeSource).detailTypes;
    let current: Branch[] = [];
    const close = (): void => {
      if (current.length === 0) return;
      const all = current.flatMap((b) => b.sources);
      const pattern = checked(patternOf(detailTypes, current.map((b) => b.branch)), all);
      rules.push({ pattern, buckets: unique(all.map((s) => s.bucket)), routes: unique(all.flatMap((s) => s.routes)) });
      current = [];
    };
    for (const branch of branchesOf(detailTypes, group)) {
      if (current.length > 0 && size(patternOf(detailTypes, [...current, branch].map((b) => b.branch))) > MAX_PATTERN_CHARS) close();
      current.push(branch);
    }
    close();
  }
  return rules;
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function size(pattern: S3EventPattern): number {
  return JSON.stringify(pattern).length;
}

function checked(pattern: S3EventPattern, sources: EventBridgeSource[]): S3EventPattern {
  if (size(pattern) > MAX_PATTERN_CHARS) throw tooLarge(pattern, sources);
  return pattern;
}

function tooLarge(pattern: S3EventPattern, sources: EventBridgeSource[]): GeneratorError {
  return new GeneratorError(
    'PatternTooLarge',
    `the EventBridge pattern for bucket ${sources.map((s) => s.bucket).join(', ')} is ${size(pattern)} characters, over EventBridge's ${MAX_PATTERN_CHARS}: shorten the source prefix (routes ${sources.flatMap((s) => s.routes).join(', ')})`,
  );
}
