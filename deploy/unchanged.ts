/**
 * Whether a stack already runs exactly what `deploy` would send: same template, same
 * parameters (the code key names the bundle by its hash, so same code), same tags. Then no
 * change set is created at all — with many stacks that is most of them, and a change set
 * costs CloudFormation seconds even when it finds nothing.
 */
import { GetTemplateCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DesiredStack } from './desired-stack.ts';
import type { ExistingStack } from './existing-stacks.ts';

/** Statuses in which the deployed template is the one that runs (not a half-done or rolled-back one). */
const SETTLED = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

export async function matchesDeployed(cfn: CloudFormationClient, existing: ExistingStack, desired: Pick<DesiredStack, 'body' | 'parameters' | 'tags'>): Promise<boolean> {
  if (!SETTLED.has(existing.status)) return false;
  // Parameters the template defaults are listed too; only the ones deploy passes decide.
  if (Object.entries(desired.parameters).some(([key, value]) => existing.parameters[key] !== value)) return false;
  if (Object.entries(desired.tags).some(([key, value]) => existing.tags[key] !== value)) return false;
  const deployed = existing.template ?? (await cfn.send(new GetTemplateCommand({ StackName: existing.stackId, TemplateStage: 'Original' }))).TemplateBody;
  return deployed !== undefined && sameTemplate(deployed, desired.body);
}

/** Equal as JSON documents: CloudFormation may hand the body back re-serialised. */
export function sameTemplate(deployed: string, desired: string): boolean {
  if (deployed === desired) return true;
  try {
    return JSON.stringify(JSON.parse(deployed)) === JSON.stringify(JSON.parse(desired));
  } catch {
    return false;
  }
}
