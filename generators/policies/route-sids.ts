/**
 * Statement ids of a document several routes add statements to. Each is made from its route's
 * name (`Switchyard<Route>Write`), and a policy takes a Sid once: routes whose names differ only
 * in what ids drop (`a1b`, `a-1b`) get distinct stems among the routes of that document
 * (names.ts uniqueIdStems), every other route keeps `pascal(route)`.
 */
import { uniqueIdStems } from '../cloudformation/names.ts';
import type { PolicyStatementJson } from './types.ts';

/** One route's statements in a document, given the stem its Sids start with. */
export interface RouteStatements {
  route: string;
  statements: (stem: string) => PolicyStatementJson[];
}

export function withRouteSids(entries: readonly RouteStatements[]): PolicyStatementJson[] {
  const stems = uniqueIdStems(entries.map((e) => e.route));
  return entries.flatMap((e) => e.statements(stems.get(e.route) ?? e.route));
}
