/**
 * The printable view of what the pipeline decided for an input: dry-run's `--json` shape and
 * its text table, and what `switchyard test` compares against expectations.
 */
import type { PlannedAction } from '../actions/planned-action.ts';
import type { InputReport, RouteReport } from '../pipeline.ts';

export type ActionView = Record<string, unknown> & { type: string };

export interface RouteView {
  name: string;
  matched: boolean;
  reason: string;
  actions: ActionView[];
  refused?: Array<{ id: string; type: string; destination: string; reason: string }>;
  skipped?: Array<{ id: string; reason: string }>;
  error?: string;
  failed?: boolean;
}

export interface PlanView {
  events: Array<{ recordId: string; event: Record<string, unknown>; routes: RouteView[] }>;
  ignored: Array<{ recordId: string; reason: string }>;
  rejected: Array<{ recordId: string; reason: string }>;
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function actionView(action: PlannedAction): ActionView {
  switch (action.type) {
    case 'copy':
      return {
        type: 'copy',
        id: action.actionId,
        bucket: action.bucket,
        key: action.key,
        ...(action.destinationAccess?.roleArn ? { role: action.destinationAccess.roleArn } : {}),
        ...(action.kmsKey ? { kmsKey: action.kmsKey } : {}),
        ...(action.acl ? { acl: action.acl } : {}),
      };
    case 'sqs':
      return { type: 'sqs', id: action.actionId, queue: action.queue, body: parseMaybeJson(action.body), ...(action.groupId ? { groupId: action.groupId } : {}) };
    case 'email':
      return {
        type: 'email',
        id: action.actionId,
        from: action.from,
        ...(action.topic ? { topic: action.topic } : {}),
        ...(action.contactList ? { contactList: action.contactList } : {}),
        ...(action.to.length > 0 ? { to: action.to } : {}),
        subject: action.subject,
        ...(action.access?.roleArn ? { role: action.access.roleArn } : {}),
      };
  }
}

export function routeView(route: RouteReport): RouteView {
  return {
    name: route.name,
    matched: route.matched,
    reason: route.reason,
    actions: route.steps.map((s, i) => {
      const result = route.results[i];
      return { ...actionView(s.action), ...(result ? { outcome: result.outcome, ...(result.error ? { error: `${result.error.code}: ${result.error.message}` } : {}) } : {}) };
    }),
    ...(route.refused.length > 0 ? { refused: route.refused.map((r) => ({ id: r.actionId, type: r.type, destination: r.destination, reason: r.reason })) } : {}),
    ...(route.skipped.length > 0 ? { skipped: route.skipped.map((s) => ({ id: s.actionId, reason: s.reason })) } : {}),
    ...(route.error ? { error: `${route.error.code}: ${route.error.message}` } : {}),
    ...(route.matched ? { failed: route.failed } : {}),
  };
}

export function planView(report: InputReport): PlanView {
  return {
    events: report.records.flatMap((record) =>
      record.events.map((e) => ({
        recordId: record.recordId,
        event: { ...e.event },
        routes: e.routes.map(routeView),
      })),
    ),
    ignored: report.records.filter((r) => r.status === 'ignored').map((r) => ({ recordId: r.recordId, reason: r.reason ?? '' })),
    rejected: report.records.filter((r) => r.status === 'rejected').map((r) => ({ recordId: r.recordId, reason: r.reason ?? '' })),
  };
}

function describe(action: ActionView): string {
  switch (action.type) {
    case 'copy':
      return `copy  → s3://${String(action.bucket)}/${String(action.key)}`;
    case 'sqs':
      return `sqs   → ${String(action.queue)}`;
    case 'email':
      return `email → ${action.contactList ? `${String(action.contactList)} / topic ${String(action.topic ?? '(none)')}` : (action.to as string[]).join(', ')}: "${String(action.subject)}"`;
    default:
      return action.type;
  }
}

export function planText(view: PlanView): string[] {
  const lines: string[] = [];
  for (const e of view.events) {
    lines.push(`event ${String(e.event.eventName)} s3://${String(e.event.bucket)}/${String(e.event.key)}  (id ${String(e.event.id)})`);
    for (const r of e.routes) {
      lines.push(`  ${r.matched ? '✓' : '·'} ${r.name.padEnd(24)} ${r.reason}`);
      for (const a of r.actions) lines.push(`      ${String(a.id ?? '').padEnd(16)} ${describe(a)}${a.outcome && a.outcome !== 'succeeded' ? `  [${String(a.outcome)}${a.error ? `: ${String(a.error)}` : ''}]` : ''}`);
      for (const s of r.skipped ?? []) lines.push(`      ${s.id.padEnd(16)} skipped: ${s.reason}`);
      for (const x of r.refused ?? []) lines.push(`      ${x.id.padEnd(16)} REFUSED: ${x.reason}`);
      if (r.error) lines.push(`      error: ${r.error}`);
    }
  }
  for (const i of view.ignored) lines.push(`ignored ${i.recordId}: ${i.reason}`);
  for (const r of view.rejected) lines.push(`REJECTED ${r.recordId}: ${r.reason}`);
  return lines;
}
