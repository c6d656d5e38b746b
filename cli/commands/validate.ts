import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import { byLocation } from '../../engine/load/diagnostic.ts';
import { formatGithub, formatJson, formatText, type DiagnosticFormat } from '../format-diagnostics.ts';
import type { Output } from '../output.ts';
import { schemaModelineProblems } from '../schema-modeline.ts';

export function validateCommand(paths: string[], format: DiagnosticFormat, out: Output): number {
  const set = routeSetFromDisk(paths.length > 0 ? paths : ['routes']);
  const result = loadRoutes(set);
  const diagnostics = [...result.diagnostics, ...schemaModelineProblems(set)].sort(byLocation);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (format === 'json') {
    out.stdout(formatJson(diagnostics, result.fileCount));
  } else if (format === 'github') {
    for (const d of diagnostics) out.stdout(formatGithub(d));
    out.stderr(summary(errors.length, result.fileCount, result.routes.length));
  } else {
    for (const d of diagnostics) out.stdout(formatText(d));
    out.stderr(summary(errors.length, result.fileCount, result.routes.length));
  }
  return errors.length > 0 ? 1 : 0;
}

function summary(errors: number, files: number, routes: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return errors > 0 ? `${plural(errors, 'problem')} in ${plural(files, 'route file')} read.` : `${plural(routes, 'route')} valid (${plural(files, 'file')}).`;
}
