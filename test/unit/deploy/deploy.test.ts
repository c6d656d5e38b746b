import { describe, expect, it } from 'vitest';
import { reportOutcomes } from '../../../deploy/deploy.ts';
import type { StackOutcome } from '../../../deploy/outcome-table.ts';
import { capture } from '../../support/captured-output.ts';


const unchanged = (stack: string): StackOutcome => ({ stack, action: 'unchanged', resourcesChanged: 0, status: 'CREATE_COMPLETE', reason: '' });

describe('reportOutcomes', () => {
  it('nothing to change: says so, prints the table and exits 0', () => {
    const io = capture();
    expect(reportOutcomes([unchanged('r-core'), unchanged('r-shard-0')], io, 'done', 'r')).toBe(0);
    expect(io.out[0]).toBe('No changes: every stack of deployment r already matches these routes.');
    expect(io.out.at(-1)).toBe('2 stacks: 2 unchanged.');
    expect(io.err).toEqual([]);
  });

  it('a failed stack: named on stderr with its reason, exit 1, the others untouched in the table', () => {
    const io = capture();
    const failed: StackOutcome = { stack: 'r-shard-1', action: 'failed', resourcesChanged: 2, status: 'UPDATE_ROLLBACK_COMPLETE', reason: 'Rule (AWS::Events::Rule) UPDATE_FAILED: bad pattern' };
    expect(reportOutcomes([unchanged('r-core'), failed], io, 'done', 'r')).toBe(1);
    expect(io.err[0]).toBe('Stack r-shard-1 failed: Rule (AWS::Events::Rule) UPDATE_FAILED: bad pattern');
    expect(io.err[1]).toMatch(/deploy again: only the stacks that still differ are touched/);
    expect(io.out.some((l) => l.startsWith('r-shard-1') && l.includes('failed'))).toBe(true);
  });

  it('a skipped stack (not confirmed, or waiting for a failed one) also exits 1', () => {
    expect(reportOutcomes([{ ...unchanged('r-shard-2'), action: 'skipped', reason: 'kept: deletion not confirmed' }], capture(), 'done', 'r')).toBe(1);
  });
});
