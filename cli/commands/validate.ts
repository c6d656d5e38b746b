import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import { formatGithub, formatJson, formatText, type DiagnosticFormat } from '../format-diagnostics.ts';
import type { Output } from '../output.ts';

export function validateCommand(paths: string[], format: DiagnosticFormat, out: Output): number {
  const result = loadRoutes(routeSetFromDisk(paths.length > 0 ? paths : ['routes']));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (format === 'json') {
    out.stdout(formatJson(result.diagnostics, result.fileCount));
  } else if (format === 'github') {
    for (const d of result.diagnostics) out.stdout(formatGithub(d));
    out.stderr(summary(errors.length, result.fileCount, result.routes.length));
  } else {
    for (const d of result.diagnostics) out.stdout(formatText(d));
    out.stderr(summary(errors.length, result.fileCount, result.routes.length));
  }
  return errors.length > 0 ? 1 : 0;
}

function summary(errors: number, files: number, routes: number): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return errors > 0
    ? `${plural(errors, 'problem')} in ${plural(files, 'route file')} read; nothing is deployed until ${errors === 1 ? 'it is' : 'they are'} fixed.`
    : `${plural(routes, 'route')} valid (${plural(files, 'file')}).`;
}
