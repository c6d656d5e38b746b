import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SwitchyardError } from '../../engine/errors.ts';
import { DEPLOY_ACCOUNT_PLACEHOLDER } from '../../generators/cloudformation/defaults.ts';
import { writeGenerated } from '../../generators/write.ts';
import type { Output } from '../output.ts';
import { loadValidRoutes } from './load-valid-routes.ts';

export interface GenerateCommandOptions {
  routes: string;
  out: string;
  stackName?: string;
  account?: string;
  region?: string;
}

/** Writes one CloudFormation template per stack and the snippets other accounts must apply. */
export function generateCommand(options: GenerateCommandOptions, out: Output): number {
  const routes = loadValidRoutes(options.routes, out);
  if (!routes) return 1;
  try {
    const files = writeGenerated(routes, options.out, {
      ...(options.stackName ? { stackName: options.stackName } : {}),
      ...(options.account ? { deployAccount: options.account } : {}),
      ...(options.region ? { region: options.region } : {}),
    });
    for (const f of files) {
      out.stdout(`wrote ${path.join(options.out, f.path)}  — ${f.description}`);
      if (f.apply) out.stdout(`      apply: ${f.apply}`);
    }
    if (!options.account) warnPlaceholder(files.map((f) => path.join(options.out, f.path)), out);
    return 0;
  } catch (error) {
    if (error instanceof SwitchyardError) {
      out.stderr(`switchyard generate: ${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  }
}

/** Without --account the snippets for other accounts name the role with a placeholder account: say so. */
function warnPlaceholder(paths: string[], out: Output): void {
  const holding = paths.filter((p) => readFileSync(p, 'utf8').includes(DEPLOY_ACCOUNT_PLACEHOLDER));
  if (holding.length === 0) return;
  out.stderr(
    `switchyard generate: warning: ${holding.length} file${holding.length === 1 ? '' : 's'} name the deploy account as ${DEPLOY_ACCOUNT_PLACEHOLDER} (${holding.join(', ')}): pass --account <12-digit id of the account you deploy to> so other accounts' policies name the real role`,
  );
}
