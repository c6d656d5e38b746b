/**
 * Reading the route files out of a deployed router bundle and comparing them with the local
 * ones: the per-route verdicts `status` prints.
 */
import { describe, expect, it } from 'vitest';
import { readZipEntry } from '../../../deploy/ops/read-zip.ts';
import { compareRoutes } from '../../../deploy/ops/route-drift.ts';
import { writeZip } from '../../../deploy/zip.ts';
import { embeddedRouteFiles } from '../../../deploy/route-files.ts';

describe('readZipEntry', () => {
  it('reads back what deploy/zip.ts wrote, and undefined for a name that is not there', () => {
    const zip = writeZip([
      { name: 'handler.js', data: Buffer.from('exports.handler = 1;') },
      { name: 'handler.js.map', data: Buffer.from('{}') },
    ]);
    expect(readZipEntry(zip, 'handler.js')?.toString()).toBe('exports.handler = 1;');
    expect(readZipEntry(zip, 'other.js')).toBeUndefined();
  });
});

describe('compareRoutes', () => {
  const local = embeddedRouteFiles('routes');
  const edit = (files: Record<string, string>, name: string, change: (text: string) => string): Record<string, string> => ({ ...files, [name]: change(files[name] ?? '') });

  it('every route the same when the deployed files are the local ones', () => {
    expect(compareRoutes(local, local).every((d) => d.state === 'same')).toBe(true);
  });

  it('names a changed route file, a changed template (for the routes that use it), a removed and an added route', () => {
    let deployed = edit(local, 'routes/global-builds.yaml', (t) => t.replace('concurrency: 10\nfailWhen', 'concurrency: 4\nfailWhen'));
    deployed = edit(deployed, 'routes/templates/copy-failure.hbs', (t) => `${t}\nold footer`);
    const { ['routes/artifacts-export.yaml']: _removed, ...withoutExport } = deployed;
    const drift = compareRoutes(withoutExport, local);
    expect(drift.filter((d) => d.state !== 'same')).toEqual([
      { route: 'global-builds', state: 'changed', detail: 'routes/global-builds.yaml differs from the deployed copy' },
      { route: 'one-to-many', state: 'changed', detail: 'template routes/templates/copy-failure.hbs differs from the deployed copy' },
      { route: 'artifacts-export', state: 'not-deployed', detail: 'routes/artifacts-export.yaml is not in this deployment' },
    ]);
    expect(compareRoutes(local, withoutExport).find((d) => d.route === 'artifacts-export')?.state).toBe('deployed-only');
  });
});
