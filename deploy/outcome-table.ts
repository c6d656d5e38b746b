/** The last thing `deploy` and `diff` print: one row per stack, what was done to it and why it failed when it did. */
import { formatColumns } from './columns.ts';

export type StackAction = 'create' | 'update' | 'delete' | 'unchanged' | 'failed' | 'skipped';

export interface StackOutcome {
  stack: string;
  action: StackAction;
  /** Resources the change set adds, modifies or removes (for a deletion: the stack's resources). */
  resourcesChanged: number;
  /** The stack's status at the end (`-` when it does not exist). */
  status: string;
  /** Why it failed or was skipped; empty otherwise. */
  reason: string;
}

const HEADINGS = ['Stack', 'Action', 'Resources', 'Status', 'Reason'] as const;

/** `done` after deploy (created, updated…), `planned` after diff (to create, to update…). */
export type Tense = 'done' | 'planned';

const WORDS: Record<Tense, Record<StackAction, string>> = {
  done: { create: 'created', update: 'updated', delete: 'deleted', unchanged: 'unchanged', failed: 'failed', skipped: 'skipped' },
  planned: { create: 'to create', update: 'to update', delete: 'to delete', unchanged: 'unchanged', failed: 'failed', skipped: 'skipped' },
};

export function formatOutcomeTable(outcomes: readonly StackOutcome[], tense: Tense): string[] {
  // An SDK message can span lines; a table row must not.
  const rows = outcomes.map((o) => [o.stack, o.action, String(o.resourcesChanged), o.status, o.reason.replace(/\s+/g, ' ').trim() || '-']);
  return [...formatColumns(HEADINGS, rows), outcomeSummary(outcomes, tense)];
}

export function outcomeSummary(outcomes: readonly StackOutcome[], tense: Tense): string {
  const actions = Object.keys(WORDS[tense]) as StackAction[];
  const parts = actions.map((a) => [a, outcomes.filter((o) => o.action === a).length] as const).filter(([, n]) => n > 0).map(([a, n]) => `${n} ${WORDS[tense][a]}`);
  return `${outcomes.length} stack${outcomes.length === 1 ? '' : 's'}: ${parts.join(', ') || 'none'}.`;
}

/** Whether the run did everything it set out to do. */
export function allSucceeded(outcomes: readonly StackOutcome[]): boolean {
  return outcomes.every((o) => o.action !== 'failed' && o.action !== 'skipped');
}
