/**
 * The operations dashboard: one widget per route over the function's EMF metrics, the depth of
 * every dead-letter queue and the last errors per route; added to the seed routes' template it
 * passes cfn-lint with no findings at all.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dashboardResource, DASHBOARD_ID } from '../../../generators/cloudformation/dashboard.ts';
import { LOG_GROUP_ID } from '../../../generators/cloudformation/names.ts';
import { generateTemplate } from '../../../generators/cloudformation/template.ts';
import { loadRoutes } from '../../../engine/load/load-routes.ts';
import { routeSetFromDisk } from '../../../engine/load/route-set.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-dashboard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const routes = loadRoutes(routeSetFromDisk(['routes'])).routes;
const template = generateTemplate(routes, { stackName: 'ops-test' });
const deadLetterQueueIds = Object.entries(template.Resources)
  .filter(([id, r]) => r.Type === 'AWS::SQS::Queue' && id.endsWith('DeadLetterQueue'))
  .map(([id]) => id);
const resource = dashboardResource({ deployment: 'ops-test', routes: routes.map((r) => r.name), deadLetterQueueIds, logGroupId: LOG_GROUP_ID });

interface Widget {
  type: string;
  properties: { title: string; metrics?: unknown[][]; query?: string };
}

/** The body as CloudFormation would hand it to CloudWatch, with `${…}` filled by stand-ins. */
function body(): { widgets: Widget[] } {
  const sub = resource.Properties?.DashboardBody as { 'Fn::Sub': string };
  return JSON.parse(sub['Fn::Sub'].replace(/\$\{([^}]+)\}/g, 'resolved-$1')) as { widgets: Widget[] };
}

describe('operations dashboard', () => {
  it('has a metrics widget per route over routed, failed, retried and partial failures in the Switchyard namespace', () => {
    const widgets = body().widgets.filter((w) => w.type === 'metric' && w.properties.title.endsWith(': routed, failed, retried'));
    expect(widgets.map((w) => w.properties.title.split(':')[0])).toEqual(routes.map((r) => r.name));
    for (const [i, w] of widgets.entries()) {
      const named = (w.properties.metrics ?? []).filter((m) => m[0] === 'Switchyard').map((m) => [m[1], m[2], m[3]]);
      const route = routes[i]?.name;
      expect(named).toEqual(['Copied', 'Sent', 'Failed', 'Retried', 'PartialFailures'].map((name) => [name, 'Route', route]));
    }
  });

  it('shows the depth of every dead-letter queue of the stack and the last errors of every route', () => {
    expect(deadLetterQueueIds.length).toBeGreaterThan(2);
    const queues = body().widgets.find((w) => w.properties.title.startsWith('Dead-lettered'));
    expect(queues?.properties.metrics?.map((m) => m[3])).toEqual([...deadLetterQueueIds].sort().map((id) => `resolved-${id}.QueueName`));
    const logs = body().widgets.filter((w) => w.type === 'log');
    expect(logs).toHaveLength(1);
    expect(logs[0]?.properties.query).toContain(`SOURCE 'resolved-${LOG_GROUP_ID}'`);
    expect(logs[0]?.properties.query).toContain(`route in [${routes.map((r) => `'${r.name}'`).join(', ')}]`);
    expect(logs[0]?.properties.query).toMatch(/stats .*latest\(error\.message\).* by route/);
  });

  it('passes cfn-lint with no findings when added to the seed routes template', () => {
    const file = path.join(dir, 'template.json');
    writeFileSync(file, JSON.stringify({ ...template, Resources: { ...template.Resources, [DASHBOARD_ID]: resource } }, null, 2));
    const run = spawnSync('cfn-lint', ['--format', 'json', '--include-checks', 'I', '--', file], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    const findings = (JSON.parse(run.stdout || '[]') as Array<{ Rule: { Id: string }; Message: string }>).map((f) => `${f.Rule.Id}: ${f.Message}`);
    expect(findings).toEqual([]);
    expect(run.status).toBe(0);
  }, 120_000);
});
