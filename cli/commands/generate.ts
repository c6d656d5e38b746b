import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SwitchyardError } from '../../engine/errors.ts';
import { DEFAULT_STACK_NAME, DEPLOY_ACCOUNT_PLACEHOLDER } from '../../generators/cloudformation/defaults.ts';
import { generateDeployment, type Deployment } from '../../generators/deployment.ts';
import { QUOTAS, reservedExecutions } from '../../generators/quotas.ts';
import { writeDeployment } from '../../generators/write.ts';
import type { Output } from '../output.ts';
import { readDeployedTemplates } from './deployed-templates.ts';
import { loadValidRoutes } from './load-valid-routes.ts';

/** Lambda's concurrent executions an account starts with, per region. */
const DEFAULT_ACCOUNT_CONCURRENCY = 1000;

export interface GenerateCommandOptions {
  routes: string;
  out: string;
  stackName?: string;
  account?: string;
  region?: string;
  /** Per stack's function, 0 for none (parsed by generate-options.ts, as deploy's and diff's). */
  reservedConcurrency?: number;
  /** A directory of the deployed stacks' templates (deployed-templates.ts): keeps their logical ids, as deploy does. */
  deployed?: string;
}

/** Writes one CloudFormation template per stack and the snippets other accounts must apply. */
export function generateCommand(options: GenerateCommandOptions, out: Output): number {
  const routes = loadValidRoutes(options.routes, out);
  if (!routes) return 1;
  try {
    const deployedTemplates = options.deployed !== undefined ? readDeployedTemplates(options.deployed, options.stackName ?? DEFAULT_STACK_NAME) : undefined;
    if (deployedTemplates) out.stderr(`switchyard generate: keeping the logical ids of ${deployedTemplates.size} deployed template${deployedTemplates.size === 1 ? '' : 's'} from ${options.deployed} (${[...deployedTemplates.keys()].join(', ')})`);
    const generateOptions = {
      ...(options.stackName ? { stackName: options.stackName } : {}),
      ...(options.account ? { deployAccount: options.account } : {}),
      ...(options.region ? { region: options.region } : {}),
      ...(options.reservedConcurrency !== undefined ? { function: { reservedConcurrency: options.reservedConcurrency } } : {}),
    };
    const deployment = generateDeployment(routes, { ...generateOptions, ...(deployedTemplates ? { deployedTemplates } : {}) });
    const files = writeDeployment(deployment, routes, options.out, generateOptions);
    for (const f of files) {
      out.stdout(`${f.description.startsWith('removed') ? 'removed' : 'wrote'} ${path.join(options.out, f.path)}  — ${f.description}`);
      if (f.apply) out.stdout(`      apply: ${f.apply}`);
    }
    for (const line of summary(deployment)) out.stdout(line);
    if (!options.account) warnPlaceholder(files.filter((f) => !f.description.startsWith('removed')).map((f) => path.join(options.out, f.path)), out);
    warnConcurrency(deployment, out);
    for (const stack of deployment.stacks) for (const warning of stack.warnings) out.stderr(`switchyard generate: warning: stack ${stack.name}: ${warning}`);
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

/** One line per figure the quotas bound, at its largest over the stacks. */
function summary(deployment: Deployment): string[] {
  const shards = deployment.stacks.filter((s) => s.kind === 'shard');
  const largest = (pick: (s: Deployment['stacks'][number]) => number): number => Math.max(0, ...deployment.stacks.map(pick));
  const uploaded = deployment.stacks.filter((s) => s.measure.bytes > QUOTAS.inlineTemplateBytes).length;
  return [
    `${deployment.stacks.length} stacks: ${deployment.name}-core and ${shards.length} shard${shards.length === 1 ? '' : 's'} (routes placed by source bucket; see docs/sharding.md)`,
    `  largest stack: ${largest((s) => s.measure.resources)} of ${QUOTAS.resources} resources, ${largest((s) => s.measure.outputs)} of ${QUOTAS.outputs} outputs, ${largest((s) => s.measure.bytes)} of ${QUOTAS.templateBytes} bytes` +
      (uploaded > 0 ? ` (${uploaded} over ${QUOTAS.inlineTemplateBytes} bytes: deploy uploads them and passes a TemplateURL)` : ''),
    `  function roles: at most ${largest((s) => s.measure.managedPolicies)} of ${QUOTAS.managedPolicies} managed policies, the largest ${largest((s) => s.measure.largestPolicyChars)} of ${QUOTAS.managedPolicyChars} characters`,
    `  resource policies: the largest function's ${largest((s) => s.measure.functionPolicyBytes)} of ${QUOTAS.functionPolicyBytes} bytes, the largest queue's ${largest((s) => s.measure.largestQueuePolicyBytes)} of ${QUOTAS.queuePolicyBytes} bytes`,
    `  EventBridge rules: ${deployment.rules} of ${QUOTAS.rules} on the bus` + (deployment.patternDetail === 'keys'
        ? ''
        : ` (patterns carry ${deployment.patternDetail === 'buckets' ? 'bucket names only' : "each bucket's longest shared prefix"}: every route's own key filters would need more rules than a bus takes; the function matches keys)`),
  ];
}

/** Lambda keeps 100 of the account's concurrency (1,000 by default) unreserved: many shards each reserving some can exceed it. */
function warnConcurrency(deployment: Deployment, out: Output): void {
  const reserving = deployment.stacks.map((s) => reservedExecutions(s.template)).filter((n) => n > 0);
  const total = reserving.reduce((a, b) => a + b, 0);
  if (reserving.length > 1 && total > DEFAULT_ACCOUNT_CONCURRENCY - QUOTAS.unreservedConcurrencyMinimum) {
    out.stderr(
      `switchyard generate: warning: ${reserving.length} functions reserve ${total} concurrent executions in all; Lambda's default account quota is ${DEFAULT_ACCOUNT_CONCURRENCY} with ${QUOTAS.unreservedConcurrencyMinimum} left unreserved: pass --reserved-concurrency with a lower figure (0 reserves none) or raise the account's concurrency quota before deploying (deploy checks the account's own figures)`,
    );
  }
}
