/**
 * The route set the Lambda bundle is built from (deploy/bundle.ts loads it, then embeds the
 * precompiled routes): every route file (*.yaml / *.yml) at the top of the routes directory
 * and every file under its templates/, keyed `routes/<name>` whatever the directory is called,
 * so the same routes always give the same bundle (and the same content hash).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROUTE_FILE = /\.ya?ml$/;
const EMBEDDED_ROOT = 'routes';
const TEMPLATES = 'templates';

export function embeddedRouteFiles(routesDir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of sortedEntries(routesDir)) {
    const full = path.join(routesDir, name);
    if (ROUTE_FILE.test(name) && statSync(full).isFile()) files[`${EMBEDDED_ROOT}/${name}`] = readFileSync(full, 'utf8');
  }
  const templatesDir = path.join(routesDir, TEMPLATES);
  for (const relative of filesUnder(templatesDir)) {
    files[`${EMBEDDED_ROOT}/${TEMPLATES}/${relative}`] = readFileSync(path.join(templatesDir, ...relative.split('/')), 'utf8');
  }
  return files;
}

/** `/`-separated paths of every file under `dir`, sorted; none when `dir` does not exist. */
function filesUnder(dir: string, prefix = ''): string[] {
  let names: string[];
  try {
    names = sortedEntries(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: string[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    const stats = statSync(full);
    if (stats.isDirectory()) found.push(...filesUnder(full, `${prefix}${name}/`));
    else if (stats.isFile()) found.push(`${prefix}${name}`);
  }
  return found;
}

function sortedEntries(dir: string): string[] {
  // Byte order, not locale order: the bundle must not depend on the machine's locale.
  return readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
