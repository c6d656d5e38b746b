/** The impact report as Markdown for a pull-request comment or a job summary. */
import { markChanges } from '../graph/graph-marks.ts';
import { mermaidGraph } from '../graph/mermaid.ts';
import type { ChangeGroup } from './change-groups.ts';
import type { ImpactReport } from './impact.ts';

export interface ImpactLabels {
  /** The base as given: a git ref or a directory. */
  base: string;
  /** The route set under review, e.g. `routes/`. */
  head: string;
}

/** Rows per table: a pull-request comment holds at most 65,536 characters. */
const MAX_ROWS = 60;

const CHANGE_WORDS: Record<ChangeGroup['kind'], string> = {
  loses: 'stops going to',
  changes: 'moves',
  fails: 'now fails',
  gains: 'also goes to',
  unresolved: 'unresolved',
};

export function impactMarkdown(report: ImpactReport, labels: ImpactLabels, options: { graph?: boolean; notes?: string[] } = {}): string {
  const { summary } = report;
  const lines = [`## Switchyard impact: \`${labels.base}\` → \`${labels.head}\``, ''];
  const parts = [
    `**${summary.changed} with changed destinations**`,
    `${summary.losing} stop${summary.losing === 1 ? 's' : ''} going somewhere`,
    `${summary.unresolved} unresolved`,
    `${summary.unchanged} unchanged`,
  ];
  lines.push(`${summary.objects} object${summary.objects === 1 ? '' : 's'} evaluated (${summary.fromTests} from route tests, ${summary.listed} listed): ${parts.join(', ')}.`, '');

  const changes = report.groups.filter((g) => g.kind !== 'unresolved');
  lines.push('### Objects whose destinations change', '');
  if (changes.length === 0) lines.push('No object changes destination.', '');
  else {
    lines.push('| route | change | objects | keys | no longer to | now to |', '|---|---|--:|---|---|---|');
    for (const g of changes.slice(0, MAX_ROWS)) {
      const change = g.kind === 'fails' && g.reason ? `now fails: ${g.reason}` : CHANGE_WORDS[g.kind];
      lines.push(`| ${cell(g.route)} | ${cell(change)} | ${g.objects} | ${codes(g.keys)} | ${codes(g.lost)} | ${codes(g.gained)} |`);
    }
    lines.push(...more(changes.length, 'groups'), '', '<details><summary>Examples</summary>', '');
    for (const g of changes.slice(0, MAX_ROWS)) {
      for (const e of g.examples) {
        const moves = [...e.lost.map((d) => `− \`${d}\``), ...e.gained.map((d) => `+ \`${d}\``)].join(' ');
        lines.push(`- ${g.route}: \`${e.object}\`${e.test ? ` (route test ${e.test})` : ''}: ${moves}`);
      }
    }
    lines.push('', '</details>', '');
  }

  const unresolved = report.groups.filter((g) => g.kind === 'unresolved');
  if (unresolved.length > 0) {
    lines.push('### Not resolved from the fixtures', '', 'Add the missing values to a route test or to `--fixtures` to see where these objects go.', '');
    lines.push('| route | objects | keys | reason |', '|---|--:|---|---|');
    for (const g of unresolved.slice(0, MAX_ROWS)) lines.push(`| ${cell(g.route)} | ${g.objects} | ${codes(g.keys)} | ${cell(g.reason ?? '')} |`);
    lines.push(...more(unresolved.length, 'groups'), '');
  }

  lines.push('### Static changes', '');
  if (report.static.length === 0) lines.push('No route, trigger, destination or permission changes.', '');
  else {
    lines.push('| route | what | change |', '|---|---|---|');
    for (const s of report.static.slice(0, MAX_ROWS)) lines.push(`| ${cell(s.route)} | ${s.area} ${s.change} | ${codes([s.detail])} |`);
    lines.push(...more(report.static.length, 'changes'), '');
  }

  if (options.graph) {
    const marked = markChanges(report.graphs.before, report.graphs.after);
    lines.push('### Route graph', '', 'Added edges are thick and green, removed ones dotted and red.', '', '```mermaid', mermaidGraph(marked, marked.marks), '```', '');
  }
  if (options.notes && options.notes.length > 0) {
    lines.push('### Notes', '');
    for (const note of options.notes) lines.push(`- ${note}`);
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

function more(total: number, what: string): string[] {
  return total > MAX_ROWS ? ['', `… and ${total - MAX_ROWS} more ${what}: run with \`--format json\` for all of them.`] : [];
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function codes(items: string[]): string {
  return items.length === 0 ? '—' : items.map((i) => `\`${cell(i).replaceAll('`', "'")}\``).join('<br>');
}
