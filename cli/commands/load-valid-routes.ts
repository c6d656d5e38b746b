import { readFile } from 'node:fs/promises';
import { InputError } from '../../engine/errors.ts';
import type { CompiledRoute } from '../../engine/load/compiled-route.ts';
import { loadRoutes } from '../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../engine/load/route-set.ts';
import { formatText } from '../format-diagnostics.ts';
import type { Output } from '../output.ts';

/** Loads the routes, or prints every problem and returns undefined (the caller exits 1). */
export function loadValidRoutes(dir: string, out: Output): CompiledRoute[] | undefined {
  const result = loadRoutes(routeSetFromDisk([dir]));
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length === 0) return result.routes;
  for (const d of errors) out.stderr(formatText(d));
  out.stderr(`${errors.length} problem(s) in the route files under ${dir}: fix them first (switchyard validate ${dir} lists them).`);
  return undefined;
}

export async function readEventFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A missing event file is a missing path like any other (exit 1, with its code), not a usage error.
    throw new InputError('SY200', code === 'ENOENT' ? `event file ${file} does not exist` : `cannot read event file ${file}: ${code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError('SY201', `event file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}
