/** The text summary a person reads after `switchyard backfill`: a resumed run says how much of the earlier attempts its validation covered. */
import { describe, expect, it } from 'vitest';
import { summaryText } from '../../../cli/commands/backfill.ts';
import type { BackfillSummary } from '../../../engine/batch/run-backfill.ts';

const base: BackfillSummary = {
  route: 'cross-account-batch', runId: 'r1', dryRun: false, status: 'succeeded', listed: 200, excluded: 0, durationMs: 1500,
  manifest: 's3://m/run/manifest.jsonl', problems: [], copied: 120, skipped: 0, failed: 0, bytes: 2048, attempts: 120, retries: 0, resumed: 80,
  validation: { status: 'passed', manifestObjects: 200, expectedCopies: 200, foundCopies: 200, missing: [], sampled: 50, mismatches: [] },
};

describe('backfill summary text', () => {
  it('a resumed run names the objects of earlier attempts its validation covered', () => {
    const lines = summaryText({ ...base, validation: { ...base.validation!, earlierAttempts: { objects: 80, copies: 80, unrecorded: 0 } } });
    expect(lines).toContain('  validation passed: 200/200 copies found, 50 sampled, 0 differ; covers 80 object(s) of earlier attempts (80 copies)');
  });

  it('a first run says nothing of earlier attempts', () => {
    expect(summaryText(base)).toContain('  validation passed: 200/200 copies found, 50 sampled, 0 differ');
  });
});
