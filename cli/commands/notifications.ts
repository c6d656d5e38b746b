/** `switchyard notifications apply --bucket B`: merge Switchyard's entries into a bucket's notification configuration. */
import { deployClients, resolvedRegion } from '../../deploy/clients.ts';
import { applyNotifications, type ApplyNotificationsResult } from '../../deploy/notifications/apply.ts';
import { reasonOf } from '../../deploy/errors.ts';
import { SwitchyardError } from '../../engine/errors.ts';
import type { Output } from '../output.ts';
import { loadValidRoutes } from './load-valid-routes.ts';

export interface NotificationsApplyOptions {
  bucket: string;
  routes: string;
  stack: string;
  account?: string;
  region?: string;
  endpoint?: string;
  dryRun: boolean;
}

export async function notificationsApplyCommand(options: NotificationsApplyOptions, out: Output): Promise<number> {
  const routes = loadValidRoutes(options.routes, out);
  if (!routes) return 1;
  const clients = deployClients({ ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  try {
    const region = await resolvedRegion(clients);
    const result = await applyNotifications(routes, clients, {
      bucket: options.bucket,
      deployment: options.stack,
      region,
      dryRun: options.dryRun,
      ...(options.account ? { account: options.account } : {}),
    });
    for (const line of resultLines(options, result)) out.stdout(line);
    return 0;
  } catch (error) {
    if (error instanceof SwitchyardError || (error as { $metadata?: unknown }).$metadata !== undefined) {
      out.stderr(`switchyard notifications apply: ${reasonOf(error)}`);
      return 1;
    }
    throw error;
  }
}

/** What was (or would be) done to the bucket's configuration, one line per entry. */
export function resultLines(options: Pick<NotificationsApplyOptions, 'bucket' | 'stack'>, result: ApplyNotificationsResult): string[] {
  const verb = result.applied ? 'applied' : 'would apply (dry run, nothing written)';
  const lines = [`bucket ${options.bucket}: ${verb}`];
  if (result.noRoutes) {
    lines.push(`  no route of deployment ${options.stack} takes events from this bucket any more: its Switchyard entries are ${result.applied ? 'removed' : 'to be removed'}`);
  }
  for (const id of result.added) lines.push(`  added     ${id}`);
  for (const id of result.replaced) lines.push(`  replaced  ${id}`);
  for (const id of result.removed) lines.push(`  removed   ${id} (Switchyard's, no longer wanted by the routes)`);
  if (result.eventBridgeAdded) lines.push('  added     EventBridge delivery');
  for (const id of result.kept) lines.push(`  kept      ${id} (not Switchyard's)`);
  if (result.noRoutes && result.before.EventBridgeConfiguration !== undefined) {
    lines.push("  kept      EventBridge delivery (other tools may read it; turn it off with put-bucket-notification-configuration if nothing does)");
  }
  return lines;
}
