import { DIAGNOSTIC_CODES } from '../engine/load/codes.ts';
import type { Diagnostic } from '../engine/load/diagnostic.ts';

export type DiagnosticFormat = 'text' | 'json' | 'github';

/** Problems with a path as a whole (missing, unreadable, empty directory): no line to point at. */
const WHOLE_PATH = new Set(['SY007', 'SY031']);

/** `file:line:col: error: message [SY010]` with 1-based positions, hints on the next line. */
export function formatText(d: Diagnostic): string {
  const where = WHOLE_PATH.has(d.code) ? d.file : `${d.file}:${d.position.line + 1}:${d.position.col + 1}`;
  const head = `${where}: ${d.severity}: ${d.message} [${d.code}]`;
  return d.hint ? `${head}\n  hint: ${d.hint}` : head;
}

function escapeGithub(text: string, property = false): string {
  const base = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? base.replace(/:/g, '%3A').replace(/,/g, '%2C') : base;
}

export function formatGithub(d: Diagnostic): string {
  const message = d.hint ? `${d.message} (${d.hint})` : d.message;
  const where = WHOLE_PATH.has(d.code) ? '' : `,line=${d.position.line + 1},col=${d.position.col + 1}`;
  return `::${d.severity} file=${escapeGithub(d.file, true)}${where},title=${escapeGithub(`${d.code} ${DIAGNOSTIC_CODES[d.code]}`, true)}::${escapeGithub(message)}`;
}

export function formatJson(diagnostics: Diagnostic[], fileCount: number): string {
  return JSON.stringify(
    {
      valid: !diagnostics.some((d) => d.severity === 'error'),
      files: fileCount,
      diagnostics: diagnostics.map((d) => ({
        file: d.file,
        line: d.position.line + 1,
        col: d.position.col + 1,
        severity: d.severity,
        code: d.code,
        message: d.message,
        ...(d.hint ? { hint: d.hint } : {}),
      })),
    },
    null,
    2,
  );
}
