import type { CfnResource, CfnTemplate } from '../../../generators/cloudformation/types.ts';

/** A template's resource by logical id; a missing one fails the test with its id. */
export function resource(template: CfnTemplate, id: string): CfnResource {
  const found = template.Resources[id];
  if (found === undefined) throw new Error(`no resource ${id}`);
  return found;
}
