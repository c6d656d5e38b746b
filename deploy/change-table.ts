/** The change set as a table a reviewer reads before saying yes. */
import type { ResourceChangeRow } from './changeset.ts';
import { formatColumns } from './columns.ts';

const ACTION_ORDER = ['Add', 'Modify', 'Remove'];
const HEADINGS = ['Action', 'LogicalId', 'Type', 'Replacement'] as const;

/** Rows sorted by action (Add, Modify, Remove, then any other) and logical id, columns padded. */
export function formatChangeTable(rows: ResourceChangeRow[]): string[] {
  const sorted = [...rows].sort((a, b) => actionRank(a.action) - actionRank(b.action) || (a.logicalId < b.logicalId ? -1 : a.logicalId > b.logicalId ? 1 : 0));
  return [...formatColumns(HEADINGS, sorted.map((r) => [r.action, r.logicalId, r.type, r.replacement])), summary(rows)];
}

export function summary(rows: ResourceChangeRow[]): string {
  const count = (action: string): number => rows.filter((r) => r.action === action).length;
  const replaced = rows.filter((r) => r.replacement === 'yes').length;
  const maybe = rows.filter((r) => r.replacement === 'conditional').length;
  const notes = [replaced > 0 ? `${replaced} replaced` : '', maybe > 0 ? `${maybe} may be replaced` : ''].filter(Boolean);
  return `${count('Add')} to add, ${count('Modify')} to modify, ${count('Remove')} to remove${notes.length > 0 ? ` (${notes.join(', ')})` : ''}.`;
}

function actionRank(action: string): number {
  const index = ACTION_ORDER.indexOf(action);
  return index === -1 ? ACTION_ORDER.length : index;
}
