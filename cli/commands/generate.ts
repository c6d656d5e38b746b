import path from 'node:path';
import { SwitchyardError } from '../../engine/errors.ts';
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

/** Writes the CloudFormation template and the snippets other accounts must apply. */
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
    return 0;
  } catch (error) {
    if (error instanceof SwitchyardError) {
      out.stderr(`switchyard generate: ${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  }
}
