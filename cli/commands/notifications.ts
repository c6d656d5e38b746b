/** `switchyard notifications apply --bucket B`: merge Switchyard's entries into a bucket's notification configuration. */
import { deployClients, resolvedRegion } from '../../deploy/clients.ts';
import { applyNotifications } from '../../deploy/notifications/apply.ts';
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
    const verb = result.applied ? 'applied' : 'would apply (dry run, nothing written)';
    out.stdout(`bucket ${options.bucket}: ${verb}`);
    for (const id of result.added) out.stdout(`  added     ${id}`);
    for (const id of result.replaced) out.stdout(`  replaced  ${id}`);
    if (result.eventBridgeAdded) out.stdout('  added     EventBridge delivery');
    for (const id of result.kept) out.stdout(`  kept      ${id} (not Switchyard's)`);
    return 0;
  } catch (error) {
    if (error instanceof SwitchyardError || (error as { $metadata?: unknown }).$metadata !== undefined) {
      out.stderr(`switchyard notifications apply: ${reasonOf(error)}`);
      return 1;
    }
    throw error;
  }
}
