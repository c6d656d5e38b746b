import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../engine/errors.ts';
import { emptyFixtures, loadFixtures, FixtureError, type Fixtures } from '../../engine/ports/fixtures.ts';
import { createPlanPorts } from '../../engine/ports/plan.ts';
import { Pipeline } from '../../engine/pipeline.ts';
import { planText, planView, type PlanView } from '../../engine/report/plan-view.ts';
import type { Output } from '../output.ts';
import { loadValidRoutes, readEventFile } from './load-valid-routes.ts';
import { findTestCase, fixturesOfCaseFor, isRouteTestFile } from './route-test-case.ts';

export interface DryRunOptions {
  event?: string;
  fixtures?: string;
  test?: string;
  routes: string;
  json: boolean;
}

/** The event file and the fixtures: from --event/--fixtures, or from one route test's case (--test). */
async function inputsOf(options: DryRunOptions): Promise<{ event: string; fixtures: Fixtures }> {
  if (options.test !== undefined) {
    if (options.event !== undefined || options.fixtures !== undefined) throw new UsageError('SY205', '--test takes the event and the fixtures from the route test: drop --event and --fixtures, or --test');
    const found = await findTestCase(options.routes, options.test);
    return { event: path.relative(process.cwd(), found.eventFile) || found.eventFile, fixtures: found.fixtures };
  }
  if (options.event === undefined) throw new UsageError('SY205', 'dry-run needs --event <file>, or --test <name> to run one route test case');
  if (options.fixtures === undefined) return { event: options.event, fixtures: emptyFixtures() };
  const text = await readFile(options.fixtures, 'utf8').catch(() => undefined);
  if (text !== undefined && isRouteTestFile(text)) return { event: options.event, fixtures: await fixturesOfCaseFor(options.fixtures, options.event) };
  return { event: options.event, fixtures: await loadFixtures(options.fixtures) };
}

/** The full pipeline with the plan ports: nothing is written, every decision is printed. */
export async function dryRunCommand(options: DryRunOptions, out: Output): Promise<number> {
  const routes = loadValidRoutes(options.routes, out);
  if (!routes) return 1;
  let inputs;
  try {
    inputs = await inputsOf(options);
  } catch (error) {
    if (error instanceof FixtureError) {
      out.stderr(error.message);
      return 1;
    }
    throw error;
  }
  const input = await readEventFile(inputs.event);
  const { ports } = createPlanPorts(inputs.fixtures);
  const pipeline = new Pipeline({ routes, ports, explain: true, normalise: { eventBridgeKeys: 'form-url-encoded' } });
  const view = planView(await pipeline.processInput(input));
  if (options.json) out.stdout(JSON.stringify(view, null, 2));
  else for (const line of planText(view)) out.stdout(line);
  if (view.events.length === 0 && view.ignored.length === 0) {
    out.stderr(`switchyard: ${inputs.event} holds no event Switchyard understands${view.rejected.length ? `: ${view.rejected.map((r) => r.reason).join('; ')}` : ''}`);
    return 1;
  }
  return unfinished(view, inputs.event, options, out);
}

/** A plan with a failed route or a rejected record is not the plan: say so and exit 1. */
function unfinished(view: PlanView, event: string, options: DryRunOptions, out: Output): number {
  const failed = view.events.flatMap((e) => e.routes.filter((r) => r.failed).map((r) => r.name));
  if (failed.length === 0 && view.rejected.length === 0) return 0;
  const parts = [
    ...(failed.length > 0 ? [`${failed.length} route(s) could not finish (${[...new Set(failed)].join(', ')}); see the error under each`] : []),
    ...(view.rejected.length > 0 ? [`${view.rejected.length} record(s) of ${event} were rejected (the reason is above)`] : []),
  ];
  // Lookups are what fixtures answer: the hint helps a route that could not finish, not a rejected record.
  const hint = failed.length > 0 && options.test === undefined ? '; lookups answer from --fixtures <file> (a fixtures file or a route test file), or run a route test case with --test <name>' : '';
  out.stderr(`switchyard: ${parts.join('; ')}${hint}`);
  return 1;
}
