/**
 * Logical ids are made from the names in the routes with everything but letters and digits
 * dropped, so two different names, or a name and one of Switchyard's own ids, can give the same
 * id (queue `events` and the EventBridge dead-letter queue both give `EventsDeadLetterQueue`).
 * CloudFormation would keep one of the two. So every part adds the ids it makes from a name
 * through addResource/addOutput, saying what the id is for, and an id claimed by two things is
 * a DuplicateLogicalIdError naming both, never a resource silently replaced. An id added twice
 * for the same thing (two routes owning one queue name) stays one resource, as before.
 */
import { DuplicateLogicalIdError } from './errors.ts';
import type { CfnOutput, CfnResource, IdOwners, PartOutput } from './types.ts';

type Section = keyof IdOwners;

export function addResource(part: PartOutput, id: string, resource: CfnResource, owner: string): void {
  claim(part, 'resources', id, owner);
  part.resources[id] = resource;
}

export function addOutput(part: PartOutput, id: string, output: CfnOutput, owner: string): void {
  claim(part, 'outputs', id, owner);
  part.outputs[id] = output;
}

/** Adds a group of resources and outputs that all belong to one owner (an API, a schedule). */
export function addOwned(part: PartOutput, group: { resources: Record<string, CfnResource>; outputs?: Record<string, CfnOutput> }, owner: string): void {
  for (const [id, resource] of Object.entries(group.resources)) addResource(part, id, resource, owner);
  for (const [id, output] of Object.entries(group.outputs ?? {})) addOutput(part, id, output, `${owner}: its output`);
}

/** Adds `from`'s resources, outputs and statements to `into`, each id checked against those already there. */
export function mergeInto(into: PartOutput, from: PartOutput): void {
  for (const [id, resource] of Object.entries(from.resources)) {
    claim(into, 'resources', id, ownerOf(from, 'resources', id));
    into.resources[id] = resource;
  }
  for (const [id, output] of Object.entries(from.outputs)) {
    claim(into, 'outputs', id, ownerOf(from, 'outputs', id));
    into.outputs[id] = output;
  }
  into.statements.push(...from.statements);
}

function claim(part: PartOutput, section: Section, id: string, owner: string | undefined): void {
  if (id in part[section]) {
    const holder = ownerOf(part, section, id);
    if (owner === undefined || holder !== owner) throw new DuplicateLogicalIdError(id, [holder ?? ownId(id), owner ?? ownId(id)]);
  }
  if (owner === undefined) return;
  part.owners ??= { resources: {}, outputs: {} };
  part.owners[section][id] = owner;
}

function ownerOf(part: PartOutput, section: Section, id: string): string | undefined {
  return part.owners?.[section][id];
}

function ownId(id: string): string {
  return `Switchyard's own ${id}`;
}
