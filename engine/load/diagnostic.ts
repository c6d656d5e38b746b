import type { DiagnosticCode } from './codes.ts';

/** A position in a route file; 0-based inside the program, 1-based only when printed. */
export interface Position {
  line: number;
  col: number;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: 'error' | 'warning';
  file: string;
  position: Position;
  message: string;
  /** What to change, when we can tell. */
  hint?: string;
}

export function diagnostic(
  code: DiagnosticCode,
  file: string,
  position: Position,
  message: string,
  hint?: string,
  severity: 'error' | 'warning' = 'error',
): Diagnostic {
  return hint === undefined
    ? { code, severity, file, position, message }
    : { code, severity, file, position, message, hint };
}

export const START: Position = { line: 0, col: 0 };

export function byLocation(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.position.line - b.position.line || a.position.col - b.position.col;
}
