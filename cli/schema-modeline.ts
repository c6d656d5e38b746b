/**
 * `# yaml-language-server: $schema=<path>` at the top of a route file tells editors which schema
 * to check it against. A copied route keeps a path that made sense where it came from (the
 * engine's ../schema/route.schema.json); in a routes repository that points at nothing and the
 * editor silently checks nothing. validate warns, with the path `switchyard init` writes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { diagnostic, type Diagnostic } from '../engine/load/diagnostic.ts';
import type { RouteSet } from '../engine/load/route-set.ts';

const MODELINE = /^(#\s*yaml-language-server:\s*\$schema=)(\S+)/;
/** The modeline sits in the leading comments; a route's first key ends the search. */
const SEARCHED_LINES = 20;

export function schemaModelineProblems(set: RouteSet, cwd = process.cwd()): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const { file, bytes } of set.routeFiles) {
    const lines = bytes.toString().split('\n', SEARCHED_LINES);
    for (const [line, text] of lines.entries()) {
      const found = MODELINE.exec(text);
      if (!found?.[1] || !found[2]) continue;
      const target = found[2];
      // URLs (https://…, file://…) are the editor's business; only paths are checked.
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) break;
      const resolved = path.resolve(cwd, path.dirname(file), target);
      if (!existsSync(resolved)) {
        const installed = path.relative(path.dirname(path.resolve(cwd, file)), path.resolve(cwd, 'node_modules/switchyard/schema/route.schema.json'));
        problems.push(
          diagnostic('SY032', file, { line, col: found[1].length }, `the schema modeline points at ${target} (${path.relative(cwd, resolved) || resolved}), which does not exist: editors check this file against nothing`, `with Switchyard installed in this repository, write $schema=${installed.split(path.sep).join('/')}`, 'warning'),
        );
      }
      break;
    }
  }
  return problems;
}
