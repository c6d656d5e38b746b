/** A JSON document another account (or the source bucket's owner) must apply, and how. */
export interface PolicyFile {
  /** Relative to the output directory, e.g. `policies/222222222222/archive-eu.json`. */
  path: string;
  /** What it is, in one line, for the person applying it. */
  description: string;
  /** The command that applies it (placeholders in capitals). */
  apply: string;
  document: unknown;
}

export interface SnippetContext {
  partition: string;
  deployAccount: string;
  region: string;
  /** The deployment's name. */
  stackName: string;
  /** The stack whose function runs a route (its role and intake queues are named after it); the deployment's name when absent. */
  stackOfRoute?: (route: string) => string;
}

export interface PolicyStatementJson {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Principal: { AWS: string | string[] } | { Service: string } | '*';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
