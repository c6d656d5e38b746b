import { describe, expect, it } from 'vitest';
import { allSucceeded, formatOutcomeTable, type StackOutcome } from '../../../deploy/outcome-table.ts';

const outcomes: StackOutcome[] = [
  { stack: 'router-core', action: 'unchanged', resourcesChanged: 0, status: 'CREATE_COMPLETE', reason: '' },
  { stack: 'router-b-3f2a', action: 'update', resourcesChanged: 3, status: 'UPDATE_COMPLETE', reason: '' },
  { stack: 'router-b-77c1', action: 'failed', resourcesChanged: 2, status: 'UPDATE_ROLLBACK_COMPLETE', reason: 'Rule (AWS::Events::Rule) UPDATE_FAILED: bad pattern' },
  { stack: 'router-b-9e00', action: 'delete', resourcesChanged: 7, status: 'DELETE_COMPLETE', reason: '' },
];

describe('formatOutcomeTable', () => {
  it('one row per stack with its action, resources changed, status and reason, then a count per action', () => {
    expect(formatOutcomeTable(outcomes, 'done')).toEqual([
      'Stack          Action     Resources  Status                    Reason',
      `-------------  ---------  ---------  ------------------------  ${'-'.repeat(51)}`,
      'router-core    unchanged  0          CREATE_COMPLETE           -',
      'router-b-3f2a  update     3          UPDATE_COMPLETE           -',
      'router-b-77c1  failed     2          UPDATE_ROLLBACK_COMPLETE  Rule (AWS::Events::Rule) UPDATE_FAILED: bad pattern',
      'router-b-9e00  delete     7          DELETE_COMPLETE           -',
      '4 stacks: 1 updated, 1 deleted, 1 unchanged, 1 failed.',
    ]);
  });

  it('a reason spanning several lines (as SDK messages can) stays on its row', () => {
    const row = formatOutcomeTable([{ ...outcomes[2]!, reason: 'XML parse error: unexpected content.\n  Deserialization error: see $response' }], 'done')[2];
    expect(row).toBe('router-b-77c1  failed  2          UPDATE_ROLLBACK_COMPLETE  XML parse error: unexpected content. Deserialization error: see $response');
  });

  it('diff speaks of what would happen', () => {
    expect(formatOutcomeTable(outcomes.slice(0, 2), 'planned').at(-1)).toBe('2 stacks: 1 to update, 1 unchanged.');
  });

  it('a run succeeded only when no stack failed or was skipped', () => {
    expect(allSucceeded(outcomes.slice(0, 2))).toBe(true);
    expect(allSucceeded(outcomes)).toBe(false);
    expect(allSucceeded([{ ...outcomes[0]!, action: 'skipped' }])).toBe(false);
  });
});
