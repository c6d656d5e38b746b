/**
 * The Lambda entry point. The routes were loaded, checked and precompiled at deploy time
 * (deploy/bundle.ts replaces `routes.generated.json`); a cold start only reads them back
 * (no YAML, no schema, no ajv), then every invocation goes through the shared pipeline with
 * the AWS ports.
 */
import { isBatchPayload, runBatchPhase } from './batch/phases.ts';
import type { CompiledRoute } from './load/compiled-route.ts';
import { readPrecompiledRoutes } from './load/read-precompiled.ts';
import { createAwsPorts } from './ports/aws/index.ts';
import type { Ports } from './ports/types.ts';
import { Pipeline, type InputReport } from './pipeline.ts';
import { jsonLog } from './report/log.ts';
import { lambdaAnswer } from './lambda-answer.ts';
import { containerLookupCache } from './resolve/lookup-cache.ts';
import embeddedRoutes from './routes.generated.json' with { type: 'json' };

interface LambdaContext {
  getRemainingTimeInMillis?: () => number;
  awsRequestId?: string;
}

const log = jsonLog((line) => console.log(line));
interface Container {
  pipeline: Pipeline;
  routes: CompiledRoute[];
  ports: Ports;
}

let container: Container | undefined;

/** Read once per container: the routes were validated at deploy time, so a problem here is a bad bundle. */
function containerState(): Container {
  if (container) return container;
  const routes = readPrecompiledRoutes(embeddedRoutes);
  const ports = createAwsPorts({ ...(process.env.AWS_ENDPOINT_URL ? { endpoint: process.env.AWS_ENDPOINT_URL } : {}) });
  const pipeline = new Pipeline({
    routes,
    ports,
    log,
    ...(process.env.SWITCHYARD_STATE_BUCKET ? { stateBucket: process.env.SWITCHYARD_STATE_BUCKET } : {}),
    cache: containerLookupCache,
    metricsSink: (line) => console.log(line),
  });
  log.write('info', 'routes loaded', { routes: routes.map((r) => r.name) });
  container = { pipeline, routes, ports };
  return container;
}

export async function handler(event: unknown, context: LambdaContext = {}): Promise<unknown> {
  const { pipeline, routes, ports } = containerState();
  // Steps of a batch route's state machine (list, transfer batch, validate, report).
  if (isBatchPayload(event)) return runBatchPhase(event, { routes, ports, log });
  const report: InputReport = await pipeline.processInput(event, {
    // Called through the context, not detached from it: the deadline checks (retries, records, actions, report writes) all read it.
    ...(context.getRemainingTimeInMillis ? { remainingMs: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY } : {}),
    ...(context.awsRequestId !== undefined ? { requestId: context.awsRequestId } : {}),
  });
  return lambdaAnswer(report);
}
