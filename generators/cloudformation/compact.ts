/**
 * Lossless compaction of the function role's statements, so a stack's routes fit the role's
 * 10 managed policies: statements with the same actions and the same condition become one
 * statement over all their resources, and a resource another resource of that same statement
 * already covers (`bucket/in/*` under `bucket/*`, both written by the routes) is dropped.
 * Nothing is widened: every resource kept was written by a route, none is added.
 */
import type { PolicyStatement } from './types.ts';

export function compactStatements(statements: PolicyStatement[]): PolicyStatement[] {
  const groups = new Map<string, PolicyStatement[]>();
  for (const statement of statements) {
    const key = JSON.stringify([[...statement.Action].sort(), statement.Condition ?? null]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [statement]);
    else group.push(statement);
  }
  const usedSids = new Set<string>();
  const compacted: PolicyStatement[] = [];
  for (const group of groups.values()) {
    const first = group[0] as PolicyStatement;
    const resources = withoutCovered([...new Set(group.flatMap((s) => s.Resource))]);
    const sid = uniqueSid(group.length === 1 ? first.Sid : sharedPurpose(group.map((s) => s.Sid)), usedSids);
    compacted.push({ ...first, Sid: sid, Action: [...first.Action].sort(), Resource: resources });
  }
  return compacted;
}

/** Resources no other resource of the list covers, sorted. */
export function withoutCovered(resources: string[]): string[] {
  // `stem*` with no other wildcard covers everything that starts with `stem` (the common case: prefixes).
  const stems = new Set(resources.filter((r) => r.endsWith('*') && !/[*?]/.test(r.slice(0, -1))).map((r) => r.slice(0, -1)));
  const stemLengths = [...new Set([...stems].map((stem) => stem.length))];
  const patterns = resources.filter((r) => /[*?]/.test(r.slice(0, -1))).map((r) => ({ text: r, regex: globRegex(r) }));
  return resources
    .filter((r) => {
      for (const length of stemLengths) {
        if (length > r.length) continue;
        const stem = r.slice(0, length);
        if (stems.has(stem) && `${stem}*` !== r) return false;
      }
      return !patterns.some((p) => p.text !== r && p.regex.test(r));
    })
    .sort();
}

/**
 * An IAM pattern as a regex over other patterns: `*` covers anything (a `*` or `?` of the
 * covered pattern included), `?` covers one character but not a covered `*`.
 */
function globRegex(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '[^*]' : c.replace(/[\\^$.+()|[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

/** `OneToManyReadSource`, `QueuedReadSource` → `ReadSource`: the purpose the statements share. */
function sharedPurpose(sids: string[]): string {
  let suffix = sids[0] ?? '';
  for (const sid of sids) {
    let i = 0;
    while (i < suffix.length && i < sid.length && suffix[suffix.length - 1 - i] === sid[sid.length - 1 - i]) i++;
    suffix = suffix.slice(suffix.length - i);
  }
  const word = /[A-Z][A-Za-z0-9]*$/.exec(suffix.replace(/^[^A-Z]*/, ''))?.[0];
  return word !== undefined && word !== '' ? word : 'Shared';
}

function uniqueSid(sid: string, used: Set<string>): string {
  let candidate = sid;
  for (let n = 2; used.has(candidate); n++) candidate = `${sid}${n}`;
  used.add(candidate);
  return candidate;
}
