/**
 * The closed catalogue of route diagnostics. Codes are stable: tests, docs and CI annotations
 * refer to them, so a code is never reused for a different problem.
 */
export const DIAGNOSTIC_CODES = {
  SY001: 'YAML syntax error',
  SY002: 'duplicate key',
  SY003: 'alias problem (unresolved alias, or too many aliases)',
  SY004: 'empty route file',
  SY005: 'route file is not a mapping',
  SY006: 'route file is not UTF-8 text',
  SY007: 'route file cannot be read',
  SY010: 'unknown key',
  SY011: 'missing required key',
  SY012: 'wrong type',
  SY013: 'invalid value',
  SY014: 'invalid combination of keys',
  SY020: 'duplicate route name',
  SY021: 'JSONata expression does not compile',
  SY022: 'referenced file does not exist',
  SY023: 'unknown variable in expression',
  SY024: 'destination outside the allow-list',
  SY025: 'destination would re-trigger a route',
  SY026: 'destination resolved at run time without an allow-list',
  SY027: 'template does not compile',
  SY028: 'trigger settings are incomplete',
  SY029: 'duplicate action id',
  SY030: 'batch route has no copy action',
  SY031: 'no route files found',
  SY032: 'schema modeline points at no file',
  SY033: 'queue created by two routes',
  SY050: 'expression calls a let value that does not exist yet (itself or a later one)',
  SY051: 'recursive function that calls itself on every path',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
