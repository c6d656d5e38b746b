/**
 * The route set as it was at a git ref: the files under the routes directory (route files and
 * the templates they name) read with `git ls-tree` and `git cat-file`, never checked out.
 * Paths are shown as `<ref>:routes/x.yaml`, so a diagnostic says which side it is about.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import type { RouteSet } from '../load/route-set.ts';

export interface FileAtRef {
  /** Relative to the routes directory, `/`-separated: `x.yaml`, `tests/events/e.json`. */
  relative: string;
  body: string;
}

export function routeSetAtRef(ref: string, routesDir: string, cwd = process.cwd()): RouteSet {
  const shown = (relative: string): string => `${ref}:${path.posix.join(routesDir.split(path.sep).join('/'), relative)}`;
  const routeFiles: Record<string, string> = {};
  const others: Record<string, string> = {};
  for (const { relative, body } of filesAtRef(ref, routesDir, cwd)) {
    (!relative.includes('/') && /\.ya?ml$/.test(relative) ? routeFiles : others)[shown(relative)] = body;
  }
  return routeSetInMemory(routeFiles, others);
}

/** Every file under `routesDir` as committed at `ref` (none when the ref has no such directory). */
export function filesAtRef(ref: string, routesDir: string, cwd = process.cwd()): FileAtRef[] {
  const top = git(['rev-parse', '--show-toplevel'], cwd, `${cwd} is not inside a git repository: pass --base a directory, or run impact in the routes repository`).toString('utf8').trim();
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd, `git knows no commit '${ref}': pass a branch, tag or commit (e.g. origin/main), or a directory`);
  const inRepo = path.relative(top, path.resolve(cwd, routesDir)).split(path.sep).join('/');
  const listing = git(['ls-tree', '-r', '-z', '--full-tree', ref, '--', inRepo === '' ? '.' : inRepo], top, `cannot list ${routesDir} at ${ref}`).toString('utf8');
  const entries = listing
    .split('\0')
    .filter((line) => line !== '')
    .flatMap((line) => {
      const [meta, file] = line.split('\t');
      const [, type, oid] = (meta ?? '').split(' ');
      return type === 'blob' && oid && file ? [{ oid, file }] : [];
    });
  const bodies = readBlobs(entries.map((e) => e.oid), top);
  return entries.map((entry, i) => ({ relative: inRepo === '' ? entry.file : path.posix.relative(inRepo, entry.file), body: bodies[i] ?? '' }));
}

/** Route files and the files they refer to (templates), held in memory under the names shown to the user. */
export function routeSetInMemory(routeFiles: Record<string, string>, others: Record<string, string> = {}): RouteSet {
  return {
    routeFiles: Object.keys(routeFiles)
      .sort()
      .map((file) => ({ file, bytes: routeFiles[file] ?? '' })),
    readRelative(routeFile, relativePath) {
      return others[path.posix.normalize(path.posix.join(path.posix.dirname(routeFile), relativePath))];
    },
    missing: [],
  };
}

function git(args: string[], cwd: string, failure: string): Buffer {
  try {
    return execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
  } catch {
    throw new UsageError('SY220', failure);
  }
}

/** Every blob in one `git cat-file --batch` process. */
function readBlobs(oids: string[], cwd: string): string[] {
  if (oids.length === 0) return [];
  let output: Buffer;
  try {
    output = execFileSync('git', ['cat-file', '--batch'], { cwd, input: `${oids.join('\n')}\n`, maxBuffer: 1 << 30 });
  } catch {
    throw new UsageError('SY220', 'cannot read the route files from git (git cat-file failed)');
  }
  const bodies: string[] = [];
  let at = 0;
  for (let i = 0; i < oids.length; i++) {
    const headerEnd = output.indexOf(10, at);
    const size = Number(output.subarray(at, headerEnd).toString('utf8').split(' ')[2]);
    bodies.push(output.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8'));
    at = headerEnd + 1 + size + 1;
  }
  return bodies;
}
