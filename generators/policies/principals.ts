/**
 * Principals for other accounts' policies: the function's role (a fixed name in the deploy
 * account), or the roles it assumes. Role patterns cannot be principals, so they become
 * `"AWS": "*"` narrowed by an `aws:PrincipalArn` condition.
 */
import type { Actor } from '../cloudformation/access.ts';
import { roleArn } from '../cloudformation/names.ts';
import type { PolicyStatementJson, SnippetContext } from './types.ts';

export interface Grantee {
  principal: PolicyStatementJson['Principal'];
  condition?: PolicyStatementJson['Condition'];
}

/** `route`: whose function's role it is (each stack of a sharded deployment has its own). */
export function granteeOf(actor: Actor, context: SnippetContext, route: string): Grantee {
  if (actor.kind === 'function') return { principal: { AWS: roleArn(context.partition, context.deployAccount, stackOf(context, route)) } };
  const literal = actor.arns.filter((arn) => !arn.includes('*'));
  if (literal.length === actor.arns.length) return { principal: { AWS: literal.length === 1 ? (literal[0] ?? '') : literal } };
  return { principal: { AWS: '*' }, condition: { ArnLike: { 'aws:PrincipalArn': actor.arns } } };
}

/** Distinct actors (the same role named twice is granted once). */
export function distinctActors(actors: Actor[]): Actor[] {
  const seen = new Map<string, Actor>();
  for (const actor of actors) seen.set(JSON.stringify(actor), actor);
  return [...seen.values()];
}

export function stackOf(context: SnippetContext, route: string): string {
  return context.stackOfRoute?.(route) ?? context.stackName;
}
