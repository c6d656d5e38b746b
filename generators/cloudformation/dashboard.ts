/**
 * A CloudWatch dashboard per deployment showing, per route, what `switchyard status` shows:
 * routed (Copied + Sent), failed, retried and partial failures from the function's EMF metrics,
 * the depth of every dead-letter queue, and the last errors per route from the function's logs.
 * Every stack that holds a function has one for its own routes, its dead-letter queues and its
 * function's log group (generators/cloudformation/template.ts), so adding a route changes only
 * the stack that holds it.
 */
import { METRIC_NAMESPACE } from '../../engine/report/metrics.ts';
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

export function dashboardResource(options: DashboardOptions): CfnResource {
  const widgets: Widget[] = [];
  let y = 0;
  options.routes.forEach((route, i) => {
    widgets.push(routeWidget(route, (i % 2) * ROUTE_WIDGET_WIDTH, y));
    if (i % 2 === 1 || i === options.routes.length - 1) y += HEIGHT;
  });
  const queues = [...new Set(options.deadLetterQueueIds ?? [])].sort();
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
    // One table for all routes (a widget per route would cost a stack's worth of widgets at scale).
    const routes = options.routes.map((r) => `'${r.replace(/'/g, "\\'")}'`).join(', ');
    widgets.push({
      type: 'log',
      x: 0,
      y,
      width: WIDTH,
      height: HEIGHT,
      properties: {
        title: 'Last error per route',
        region: '${AWS::Region}',
        view: 'table',
        query:
          `SOURCE '\${${options.logGroupId}}' | filter level = 'error' and route in [${routes}]` +
          ' | stats latest(@timestamp) as at, latest(key) as object, latest(destination) as destination, latest(error.code) as code, latest(error.message) as error by route | sort at desc',
      },
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

function routeWidget(route: string, x: number, y: number): Widget {
  const metric = (name: string, extra: Record<string, unknown>): unknown[] => [METRIC_NAMESPACE, name, 'Route', route, extra];
  return {
    type: 'metric',
    x,
    y,
    width: ROUTE_WIDGET_WIDTH,
    height: HEIGHT,
    properties: {
      title: `${route}: routed, failed, retried`,
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
