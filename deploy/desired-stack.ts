/**
 * One stack as `deploy` wants it: the generated template, the parameters (the code bundle's
 * bucket and key, for stacks holding a function), the tags that find it again, and the
 * stacks it needs first.
 */
import type { StackKind } from './existing-stacks.ts';

export interface DesiredStack {
  name: string;
  kind: StackKind;
  /** Names of the routes the stack holds (none for a core stack). */
  routes: string[];
  /** Stacks that must be deployed before this one (a shard imports the core's exports). */
  dependsOn: string[];
  /** The template, as sent to CloudFormation. */
  body: string;
  parameters: Record<string, string>;
  tags: Record<string, string>;
}
