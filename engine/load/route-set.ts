/**
 * The route files and the files they refer to (templates), either read from disk or embedded
 * in the Lambda bundle. The loader only ever sees a RouteSet, so both load the same way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface RouteSet {
  /** Route files, in a stable order. Paths are as shown to the user. */
  routeFiles: Array<{ file: string; bytes: Buffer | string }>;
  /** Reads a file relative to a route file (templates); undefined when it does not exist. */
  readRelative(routeFile: string, relativePath: string): string | undefined;
  /** Paths given that did not exist. */
  missing: string[];
}

const ROUTE_FILE = /\.ya?ml$/;

/** Route files named by `paths` (files, or directories whose top-level *.yaml files are routes). */
export function routeSetFromDisk(paths: string[], cwd = process.cwd()): RouteSet {
  const files: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    const absolute = path.resolve(cwd, p);
    if (!existsSync(absolute)) {
      missing.push(p);
      continue;
    }
    if (statSync(absolute).isDirectory()) {
      for (const name of readdirSync(absolute).sort()) {
        const full = path.join(absolute, name);
        if (ROUTE_FILE.test(name) && statSync(full).isFile()) files.push(full);
      }
    } else files.push(absolute);
  }
  const unique = [...new Set(files)];
  return {
    routeFiles: unique.map((f) => ({ file: path.relative(cwd, f) || f, bytes: readFileSync(f) })),
    readRelative(routeFile, relativePath) {
      const full = path.resolve(cwd, path.dirname(routeFile), relativePath);
      return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
    },
    missing,
  };
}

/** A route set embedded as data (the Lambda bundle): `{ "routes/x.yaml": "…", "routes/templates/y.hbs": "…" }`. */
export function routeSetFromFiles(files: Record<string, string>): RouteSet {
  const names = Object.keys(files);
  // Route files sit together in one directory (the first one's); templates/ and tests/ are not routes.
  const first = names.find((k) => ROUTE_FILE.test(k));
  const routeDir = first === undefined ? undefined : path.posix.dirname(first);
  const routeFiles = names
    .filter((f) => ROUTE_FILE.test(f) && path.posix.dirname(f) === routeDir)
    .sort()
    .map((file) => ({ file, bytes: files[file] ?? '' }));
  return {
    routeFiles,
    readRelative(routeFile, relativePath) {
      return files[path.posix.normalize(path.posix.join(path.posix.dirname(routeFile), relativePath))];
    },
    missing: [],
  };
}
