/**
 * EventBridge patterns for S3 "Object Created"/"Object Deleted" events. Key conditions are
 * objects inside the `key` list (`"key": [{"prefix": "a/"}, {"suffix": ".pdf"}]`, either one
 * matches): the shape IaC tools get wrong, which deploys and never matches.
 *
 * A bus takes 300 rules in all, so one rule serves several buckets: buckets with the same
 * event types and key filters share one name list, and buckets that differ become branches of
 * an `$or`, each exactly as narrow as its own routes. A rule holds as many as fit in 2,048
 * characters.
 */
import { GeneratorError } from './errors.ts';
import type { EventBridgeSource, KeyFilter } from './sources.ts';

export const MAX_PATTERN_CHARS = 2048;

/** One alternative: these buckets, these event types, these keys. */
export interface S3EventBranch {
  'detail-type': string[];
  detail: { bucket: { name: string[] }; object?: { key: KeyFilter[] } };
}

export type BucketPattern = { source: ['aws.s3'] } & S3EventBranch;
export type S3EventPattern = BucketPattern | { source: ['aws.s3']; $or: S3EventBranch[] };

export interface EventRule {
  pattern: S3EventPattern;
  buckets: string[];
  routes: string[];
}

export function branchFor(buckets: string[], detailTypes: string[], keyFilters?: KeyFilter[]): S3EventBranch {
  return { 'detail-type': detailTypes, detail: { bucket: { name: buckets }, ...(keyFilters !== undefined ? { object: { key: keyFilters } } : {}) } };
}

export function patternFor(bucket: string, detailTypes: string[], keyFilters?: KeyFilter[]): BucketPattern {
  return { source: ['aws.s3'], ...branchFor([bucket], detailTypes, keyFilters) };
}

function patternOf(branches: S3EventBranch[]): S3EventPattern {
  return branches.length === 1 ? { source: ['aws.s3'], ...(branches[0] as S3EventBranch) } : { source: ['aws.s3'], $or: branches };
}

/** One bucket's patterns: one, unless its key filters would pass 2,048 characters, then as few as fit. */
export function patternsFor(source: EventBridgeSource): BucketPattern[] {
  return branchesOf([source]).map((b) => {
    checked(patternOf([b.branch]), b.sources);
    return { source: ['aws.s3'], ...b.branch };
  });
}

interface Branch {
  branch: S3EventBranch;
  sources: EventBridgeSource[];
}

/** Buckets with the same event types and key filters in one branch; a branch too long for one rule cut in pieces that fit. */
function branchesOf(sources: EventBridgeSource[]): Branch[] {
  const bySignature = new Map<string, EventBridgeSource[]>();
  for (const source of sources) {
    const signature = JSON.stringify([source.detailTypes, source.keyFilters ?? null]);
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), source]);
  }
  return [...bySignature.values()].flatMap((group) => fitting(group));
}

function fitting(group: EventBridgeSource[]): Branch[] {
  const first = group[0] as EventBridgeSource;
  const branch = branchFor(
    group.map((s) => s.bucket),
    first.detailTypes,
    first.keyFilters,
  );
  if (size(patternOf([branch])) <= MAX_PATTERN_CHARS) return [{ branch, sources: group }];
  if (group.length > 1) {
    const half = Math.ceil(group.length / 2);
    return [...fitting(group.slice(0, half)), ...fitting(group.slice(half))];
  }
  const filters = first.keyFilters ?? [];
  if (filters.length <= 1) throw tooLarge(patternOf([branch]), group);
  const half = Math.ceil(filters.length / 2);
  return [...fitting([{ ...first, keyFilters: filters.slice(0, half) }]), ...fitting([{ ...first, keyFilters: filters.slice(half) }])];
}

/**
 * The rules of a stack's EventBridge sources (sorted by bucket): branches packed in order
 * into as few patterns of at most 2,048 characters as that order allows.
 */
export function rulesFor(sources: EventBridgeSource[]): EventRule[] {
  const rules: EventRule[] = [];
  let current: Branch[] = [];
  const close = (): void => {
    if (current.length === 0) return;
    const all = current.flatMap((b) => b.sources);
    rules.push({ pattern: checked(patternOf(current.map((b) => b.branch)), all), buckets: unique(all.map((s) => s.bucket)), routes: unique(all.flatMap((s) => s.routes)) });
    current = [];
  };
  for (const branch of branchesOf(sources)) {
    if (current.length > 0 && size(patternOf([...current, branch].map((b) => b.branch))) > MAX_PATTERN_CHARS) close();
    current.push(branch);
  }
  close();
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
