import { describe, expect, it } from 'vitest';
import { dashboardResource, routesWithWidgets } from '../../../generators/cloudformation/dashboard.ts';
import { LOG_GROUP_ID } from '../../../generators/cloudformation/names.ts';
import type { CfnResource, CfnTemplate } from '../../../generators/cloudformation/types.ts';
import { measureStack, QUOTAS, stackBreach, stackWarnings } from '../../../generators/quotas.ts';

interface Widget {
  type: string;
  properties: { title: string; metrics?: unknown[][]; query?: string };
}

function widgetsOf(resource: CfnResource): Widget[] {
  const sub = resource.Properties?.DashboardBody as { 'Fn::Sub': string };
  return (JSON.parse(sub['Fn::Sub']) as { widgets: Widget[] }).widgets;
}

function withDashboard(resource: CfnResource): CfnTemplate {
  return { AWSTemplateFormatVersion: '2010-09-09', Description: 't', Parameters: {}, Resources: { OperationsDashboard: resource }, Outputs: {} };
}

const routeNames = (count: number): string[] => Array.from({ length: count }, (_, i) => `team-${String(i).padStart(5, '0')}-partner-delivery-feed-eu-west-1`);
const queueIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `Queue${i}DeadLetterQueue`);

describe('a dashboard within what CloudWatch takes', () => {
  const cases: Array<{ name: string; routes: number; queues: number }> = [
    { name: 'a few routes: a widget each, as before', routes: 12, queues: 3 },
    { name: 'more routes than 500 widgets take', routes: 700, queues: 0 },
    { name: 'more route metrics than 2,500 a dashboard take, beside 200 dead-letter queues', routes: 420, queues: 200 },
    { name: 'route names that would make the last-error query longer than 10,000 characters', routes: 3000, queues: 40 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const routes = routeNames(c.routes);
      const resource = dashboardResource({ deployment: 'd', routes, deadLetterQueueIds: queueIds(c.queues), logGroupId: LOG_GROUP_ID });
      const widgets = widgetsOf(resource);
      const measure = measureStack(withDashboard(resource), '{}');
      expect(widgets.length).toBeLessThanOrEqual(QUOTAS.dashboardWidgets);
      expect(widgets.flatMap((w) => w.properties.metrics ?? []).length).toBeLessThanOrEqual(QUOTAS.dashboardMetrics);
      expect(widgets.find((w) => w.type === 'log')?.properties.query?.length ?? 0).toBeLessThanOrEqual(QUOTAS.logsQueryChars);
      expect(stackBreach(measure)).toBeUndefined();
      const own = widgets.filter((w) => w.properties.title.endsWith(': routed, failed, retried')).length;
      const shared = widgets.find((w) => w.properties.title.startsWith('All routes'));
      expect(own).toBe(routesWithWidgets(c.routes, c.queues, true));
      if (own === c.routes) expect(shared).toBeUndefined();
      else expect(shared?.properties.title).toContain(`${c.routes - own} routes here have no widget`);
      expect(stackWarnings(measure, c.routes).some((w) => w.startsWith(`the dashboard has a widget for ${own} of the stack's ${c.routes} routes`))).toBe(own < c.routes);
    });
  }

  it('the quota report names a dashboard over 500 widgets', () => {
    const widgets = Array.from({ length: 501 }, () => ({ type: 'text', properties: { markdown: 'x' } }));
    const over: CfnResource = { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: { 'Fn::Sub': JSON.stringify({ widgets }) } } };
    expect(stackBreach(measureStack(withDashboard(over), '{}'))?.quota).toBe('500 widgets a dashboard');
  });
});
