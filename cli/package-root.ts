/**
 * The directory holding Switchyard's own package.json: the checkout in development, or
 * node_modules/switchyard when installed. Found by walking up, because the same module runs
 * from cli/ (sources under vitest) and from dist/cli/ (the built package).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** Walks up from `from` (a file of the package; by default this module). */
export function packageRoot(from = fileURLToPath(import.meta.url)): string {
  if (root) return root;
  let dir = path.dirname(from);
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The route schema shipped in the package, for editors and `init`. */
export function installedSchemaPath(): string {
  return path.join(packageRoot(), 'schema', 'route.schema.json');
}
