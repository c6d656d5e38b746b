/**
 * EventBridge patterns for S3 "Object Created"/"Object Deleted" events. Key conditions are
 * objects inside the `key` list (`"key": [{"prefix": "a/"}, {"suffix": ".pdf"}]`, either one
 * matches): the shape IaC tools get wrong, which deploys and never matches.
 */
import { GeneratorError } from './errors.ts';
import type { EventBridgeSource, KeyFilter } from './sources.ts';

export const MAX_PATTERN_CHARS = 2048;

export interface S3EventPattern {
  source: ['aws.s3'];
  'detail-type': string[];
  detail: { bucket: { name: [string] }; object?: { key: KeyFilter[] } };
}

export function patternFor(bucket: string, detailTypes: string[], keyFilters?: KeyFilter[]): S3EventPattern {
  return {
    source: ['aws.s3'],
    'detail-type': detailTypes,
    detail: { bucket: { name: [bucket] }, ...(keyFilters !== undefined ? { object: { key: keyFilters } } : {}) },
  };
}

/** The bucket's patterns: one, unless its key filters would pass 2,048 characters, then as few as fit. */
export function patternsFor(source: EventBridgeSource): S3EventPattern[] {
  const { bucket, detailTypes, keyFilters } = source;
  const whole = patternFor(bucket, detailTypes, keyFilters);
  if (keyFilters === undefined || size(whole) <= MAX_PATTERN_CHARS) return [checked(whole, source)];
  const patterns: S3EventPattern[] = [];
  let current: KeyFilter[] = [];
  for (const filter of keyFilters) {
    const candidate = [...current, filter];
    if (current.length > 0 && size(patternFor(bucket, detailTypes, candidate)) > MAX_PATTERN_CHARS) {
      patterns.push(patternFor(bucket, detailTypes, current));
      current = [filter];
    } else current = candidate;
  }
  patterns.push(patternFor(bucket, detailTypes, current));
  return patterns.map((p) => checked(p, source));
}

function size(pattern: S3EventPattern): number {
  return JSON.stringify(pattern).length;
}

function checked(pattern: S3EventPattern, source: EventBridgeSource): S3EventPattern {
  if (size(pattern) > MAX_PATTERN_CHARS) {
    throw new GeneratorError(
      'PatternTooLarge',
      `the EventBridge pattern for bucket ${source.bucket} is ${size(pattern)} characters, over EventBridge's ${MAX_PATTERN_CHARS}: shorten the source prefix (routes ${source.routes.join(', ')})`,
    );
  }
  return pattern;
}
