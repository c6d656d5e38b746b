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
  return errors > 0
    ? `${errors} problem${errors === 1 ? '' : 's'} in ${files} route file${files === 1 ? '' : 's'}; nothing is deployed until they are fixed.`
    : `${routes} route${routes === 1 ? '' : 's'} valid (${files} file${files === 1 ? '' : 's'}).`;
}
