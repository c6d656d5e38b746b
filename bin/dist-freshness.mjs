/**
 * In a development checkout bin/switchyard.mjs runs dist/, which must never be older than the
 * sources: a stale build would silently run yesterday's code. The build stamps dist/ with the
 * time it started; any source changed since then triggers a rebuild (a second or two).
 * Not shipped: an installed package has no sources, only dist/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const SOURCE_DIRS = ['engine', 'cli', 'deploy', 'generators', 'schema'];
export const BUILD_STAMP = '.build.json';
/** Files outside SOURCE_DIRS whose change changes what the build produces (the lockfile: the AWS SDK is bundled). */
const BUILD_INPUTS = ['scripts/build.mjs', 'package.json', 'package-lock.json'];

export function isSource(file) {
  return (file.endsWith('.ts') && !file.endsWith('.d.ts')) || file.endsWith('.json');
}

function builtAt(root) {
  try {
    return JSON.parse(readFileSync(path.join(root, 'dist', BUILD_STAMP), 'utf8')).builtAt;
  } catch {
    return undefined;
  }
}

/** Why dist/ must be built: the first source changed since the last build, or that there was none; undefined when fresh. */
export function staleSource(root) {
  const since = builtAt(root);
  if (since === undefined) return 'never built in this checkout';
  for (const file of BUILD_INPUTS) if (statSync(path.join(root, file)).mtimeMs > since) return file;
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !isSource(entry.name)) continue;
      const file = path.join(entry.parentPath, entry.name);
      if (statSync(file).mtimeMs > since) return path.relative(root, file);
    }
  }
  return undefined;
}

function buildReason(reason) {
  return reason.startsWith('never') ? reason : `${reason} changed since the last build`;
}

export async function ensureFreshDist(root, notice) {
  const changed = staleSource(root);
  if (changed === undefined) return;
  notice?.(`switchyard: building dist/ (${buildReason(changed)})`);
  const { buildDist } = await import('../scripts/build.mjs');
  await buildDist();
}
