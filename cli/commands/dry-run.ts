import { emptyFixtures, loadFixtures, FixtureError } from '../../engine/ports/fixtures.ts';
import { createPlanPorts } from '../../engine/ports/plan.ts';
import { Pipeline } from '../../engine/pipeline.ts';
import { planText, planView } from '../../engine/report/plan-view.ts';
import type { Output } from '../output.ts';
import { loadValidRoutes, readEventFile } from './load-valid-routes.ts';

export interface DryRunOptions {
  event: string;
  fixtures?: string;
  routes: string;
  json: boolean;
}

/** The full pipeline with the plan ports: nothing is written, every decision is printed. */
export async function dryRunCommand(options: DryRunOptions, out: Output): Promise<number> {
  const routes = loadValidRoutes(options.routes, out);
  if (!routes) return 1;
  const input = await readEventFile(options.event);
  let fixtures = emptyFixtures();
  if (options.fixtures) {
    try {
      fixtures = await loadFixtures(options.fixtures);
    } catch (error) {
      if (error instanceof FixtureError) {
        out.stderr(error.message);
        return 1;
      }
      throw error;
    }
  }
  const { ports } = createPlanPorts(fixtures);
  const pipeline = new Pipeline({ routes, ports, explain: true, normalise: { eventBridgeKeys: 'form-url-encoded' } });
  const view = planView(await pipeline.processInput(input));
  if (options.json) out.stdout(JSON.stringify(view, null, 2));
  else for (const line of planText(view)) out.stdout(line);
  if (view.events.length === 0 && view.ignored.length === 0) {
    out.stderr(`switchyard: ${options.event} holds no event Switchyard understands${view.rejected.length ? `: ${view.rejected.map((r) => r.reason).join('; ')}` : ''}`);
    return 1;
  }
  return 0;
}
