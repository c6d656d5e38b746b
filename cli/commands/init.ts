/**
 * `switchyard init`: scaffolds a routes repository in a directory (the current one by default)
 * from the package's scaffold/: an example route and its route test, editor settings mapping
 * the route schema to routes/*.yaml, and the GitHub Actions workflow. Never overwrites: a file
 * that already exists is reported as skipped and left as it is.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Output } from '../output.ts';
import { packageRoot } from '../package-root.ts';

/** Scaffold file → where it goes. Dot-names are spelt without the dot in scaffold/: npm pack drops or renames some of them. */
export const SCAFFOLD_FILES: ReadonlyArray<{ from: string; to: string }> = [
  { from: 'routes/example.yaml', to: 'routes/example.yaml' },
  { from: 'routes/tests/example.yaml', to: 'routes/tests/example.yaml' },
  { from: 'routes/tests/events/example-pdf.json', to: 'routes/tests/events/example-pdf.json' },
  { from: 'routes/tests/events/example-csv.json', to: 'routes/tests/events/example-csv.json' },
  { from: 'vscode/settings.json', to: '.vscode/settings.json' },
  { from: 'github/workflows/switchyard.yml', to: '.github/workflows/switchyard.yml' },
  { from: 'gitignore', to: '.gitignore' },
];

/** Where the example route's modeline and .vscode/settings.json expect the schema (relative to the directory). */
export const INSTALLED_SCHEMA = 'node_modules/switchyard/schema/route.schema.json';

export async function initCommand(options: { dir: string }, out: Output): Promise<number> {
  const dir = path.resolve(options.dir);
  const scaffold = path.join(packageRoot(), 'scaffold');
  let created = 0;
  for (const { from, to } of SCAFFOLD_FILES) {
    const target = path.join(dir, to);
    if (existsSync(target)) {
      out.stdout(`  skipped  ${to} (exists; left as it is)`);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(scaffold, from), target);
    out.stdout(`  created  ${to}`);
    created += 1;
  }
  out.stdout(created === 0 ? '\nNothing to create: every scaffold file already exists.' : `\nCreated ${created} file(s) in ${dir}.`);
  if (!existsSync(path.join(dir, INSTALLED_SCHEMA))) {
    out.stdout(`\nThe example route and .vscode/settings.json point editors at ${INSTALLED_SCHEMA}, which is not there yet:`);
    out.stdout('install Switchyard in this project: npm install --save-dev switchyard');
  }
  out.stdout('\nNext:');
  out.stdout('  npx switchyard validate routes/');
  out.stdout('  npx switchyard test');
  out.stdout('Then set AWS_REGION and the two role secrets named at the top of .github/workflows/switchyard.yml.');
  return 0;
}
