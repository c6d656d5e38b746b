import path from 'node:path';
import { createLocalPorts } from '../../engine/ports/local/index.ts';
import { Pipeline } from '../../engine/pipeline.ts';
import { planText, planView } from '../../engine/report/plan-view.ts';
import { jsonLog } from '../../engine/report/log.ts';
import type { Output } from '../output.ts';
import { loadValidRoutes, readEventFile } from './load-valid-routes.ts';

export const LOCAL_STATE_BUCKET = 'switchyard-state';

export interface RunLocalOptions {
  dir: string;
  event: string;
  routes: string;
  json: boolean;
  verbose: boolean;
}

/** Carries the actions out against directories standing for buckets (DIR/<bucket>/<key>). */
export async function runLocalCommand(options: RunLocalOptions, out: Output): Promise<number> {
  const routes = loadValidRoutes(options.routes, out);
  if (!routes) return 1;
  const input = await readEventFile(options.event);
  const pipeline = new Pipeline({
    routes,
    ports: createLocalPorts(path.resolve(options.dir)),
    stateBucket: LOCAL_STATE_BUCKET,
    explain: true,
    ...(options.verbose ? { log: jsonLog((line) => out.stderr(line)) } : {}),
    normalise: { eventBridgeKeys: 'form-url-encoded' },
  });
  const report = await pipeline.processInput(input);
  const view = planView(report);
  if (options.json) out.stdout(JSON.stringify(view, null, 2));
  else for (const line of planText(view)) out.stdout(line);
  const failed = report.records.filter((r) => r.status === 'failed' || r.status === 'rejected');
  if (failed.length > 0) {
    out.stderr(`${failed.length} record(s) failed; see the errors above. Nothing that failed was written.`);
    return 1;
  }
  return 0;
}
