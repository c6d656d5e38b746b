/**
 * A CloudWatch dashboard per deployment showing, per route, what `switchyard status` shows:
 * routed (Copied + Sent), failed, retried and partial failures from the function's EMF metrics,
 * the depth of every dead-letter queue, and the last errors per route from the function's logs.
 * Every stack that holds a function has one for its own routes, its dead-letter queues and its
 * function's log group (generators/cloudformation/template.ts), so adding a route changes only
 * the stack that holds it. Within CloudWatch's 500 widgets and 2,500 metrics a dashboard, the
 * routes past what fits share one widget (routesWithWidgets), and generate says so.
 */
import { METRIC_NAMESPACE } from '../../engine/report/metrics.ts';
import { QUOTAS } from '../quotas.ts';
import { fitName } from './names.ts';
import type { CfnResource } from './types.ts';

export interface DashboardOptions {
  /** The stack's name; the dashboard is `<stack>-switchyard`. */
  deployment: string;
  routes: string[];
  /** Logical ids of the AWS::SQS::Queue dead-letter queues in the same template. */
  deadLetterQueueIds?: string[];
  /** Logical id of the function's AWS::Logs::LogGroup in the same template. */
  logGroupId?: string;
}

export const DASHBOARD_ID = 'OperationsDashboard';
const WIDTH = 24;
const ROUTE_WIDGET_WIDTH = 12;
const HEIGHT = 6;
const PERIOD_SECONDS = 300;

type Widget = Record<string, unknown>;

/** Metric entries of one route widget: the `routed` expression and five metrics. */
const ROUTE_WIDGET_METRICS = 6;

/**
 * How many routes get a widget of their own within CloudWatch's widgets and metrics a dashboard,
 * beside the dead-letter and log widgets; `routes` when all do. The rest share one widget over
 * the metrics the runtime also publishes without the Route dimension.
 */
export function routesWithWidgets(routes: number, deadLetterQueues: number, logWidget: boolean): number {
  const others = (deadLetterQueues > 0 ? 1 : 0) + (logWidget ? 1 : 0);
  const fits = (widgets: number, metrics: number): number =>
    Math.min(QUOTAS.dashboardWidgets - others - widgets, Math.floor((QUOTAS.dashboardMetrics - deadLetterQueues - metrics) / ROUTE_WIDGET_METRICS));
  return routes <= fits(0, 0) ? routes : Math.max(0, fits(1, ROUTE_WIDGET_METRICS));
}

export function dashboardResource(options: DashboardOptions): CfnResource {
  const widgets: Widget[] = [];
  let y = 0;
  const queues = [...new Set(options.deadLetterQueueIds ?? [])].sort();
  const shown = options.routes.slice(0, routesWithWidgets(options.routes.length, queues.length, options.logGroupId !== undefined));
  shown.forEach((route, i) => {
    widgets.push(routeWidget(route, (i % 2) * ROUTE_WIDGET_WIDTH, y));
    if (i % 2 === 1 || i === shown.length - 1) y += HEIGHT;
  });
  if (shown.length < options.routes.length) {
    widgets.push(allRoutesWidget(options.routes.length - shown.length, y));
    y += HEIGHT;
  }
  if (queues.length > 0) {
    widgets.push({
      type: 'metric',
      x: 0,
      y,
      width: WIDTH,
      height: HEIGHT,
      properties: {
        title: 'Dead-lettered messages waiting (switchyard replay re-drives them)',
        view: 'timeSeries',
        region: '${AWS::Region}',
        stat: 'Maximum',
        period: PERIOD_SECONDS,
        metrics: queues.map((id) => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', `\${${id}.QueueName}`, { label: id }]),
      },
    });
    y += HEIGHT;
  }
  if (options.logGroupId !== undefined) {
    widgets.push({
      type: 'log',
      x: 0,
      y,
      width: WIDTH,
      height: HEIGHT,
      properties: { title: 'Last error per route', region: '${AWS::Region}', view: 'table', query: lastErrorQuery(options.logGroupId, options.routes) },
    });
  }
  return {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      DashboardName: fitName(`${options.deployment}-switchyard`, 255).replace(/[^A-Za-z0-9_-]/g, '-'),
      DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets }) },
    },
  };
}

/**
 * One table for all routes (a widget per route would cost a stack's worth of widgets at scale),
 * naming them while the query stays within what Logs Insights takes; past that, every route:
 * the log group is this stack's function's, which runs only this stack's routes.
 */
function lastErrorQuery(logGroupId: string, routes: string[]): string {
  const stats = ' | stats latest(@timestamp) as at, latest(key) as object, latest(destination) as destination, latest(error.code) as code, latest(error.message) as error by route | sort at desc';
  const named = routes.map((r) => `'${r.replace(/'/g, "\\'")}'`).join(', ');
  const query = `SOURCE '\${${logGroupId}}' | filter level = 'error' and route in [${named}]${stats}`;
  return query.length <= QUOTAS.logsQueryChars ? query : `SOURCE '\${${logGroupId}}' | filter level = 'error' and ispresent(route)${stats}`;
}

/** The runtime publishes every metric without the Route dimension too: this widget is every route of every stack. */
function allRoutesWidget(unshown: number, y: number): Widget {
  const title = `All routes of every stack (${unshown} routes here have no widget: CloudWatch takes ${QUOTAS.dashboardWidgets} widgets and ${QUOTAS.dashboardMetrics} metrics a dashboard)`;
  return countsWidget(title, [], { x: 0, y, width: WIDTH });
}

function routeWidget(route: string, x: number, y: number): Widget {
  return countsWidget(`${route}: routed, failed, retried`, ['Route', route], { x, y, width: ROUTE_WIDGET_WIDTH });
}

/** Routed, failed, retried and partial failures of the metrics with these dimensions (ROUTE_WIDGET_METRICS entries). */
function countsWidget(title: string, dimensions: string[], at: { x: number; y: number; width: number }): Widget {
  const metric = (name: string, extra: Record<string, unknown>): unknown[] => [METRIC_NAMESPACE, name, ...dimensions, extra];
  return {
    type: 'metric',
    ...at,
    height: HEIGHT,
    properties: {
      title,
      view: 'timeSeries',
      region: '${AWS::Region}',
      stat: 'Sum',
      period: PERIOD_SECONDS,
      metrics: [
        [{ expression: 'copied + sent', label: 'routed', id: 'routed' }],
        metric('Copied', { id: 'copied', visible: false }),
        metric('Sent', { id: 'sent', visible: false }),
        metric('Failed', { id: 'failed', label: 'failed', color: '#d62728' }),
        metric('Retried', { id: 'retried', label: 'retried', color: '#ff7f0e' }),
        metric('PartialFailures', { id: 'partial', label: 'partial failures', color: '#9467bd' }),
      ],
    },
  };
}
