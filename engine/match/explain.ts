import { foldCase } from './fold-case.ts';
import type { StructuralEvent, StructuralMatch } from './structural.ts';
import { NO_QUEUES, triggerRefusal } from './trigger.ts';

export interface StructuralVerdict {
  matched: boolean;
  /** For the person reading a dry-run: which predicate failed, or what matched. */
  reason: string;
}

/**
 * One route's structural predicates checked the plain way, in the order an operator reads
 * them: bucket, trigger, event kind, prefixes, excluded prefixes, suffixes. `operatorQueues` are the
 * queues of every `trigger: sqs` route in the set (trigger.ts operatorQueuesOf). Dry-run prints the reason;
 * the tests use it as the brute-force oracle that `RouteIndex` must agree with.
 */
export function explainStructural(spec: StructuralMatch, event: StructuralEvent, operatorQueues: ReadonlySet<string> = NO_QUEUES): StructuralVerdict {
  const { bucket, key, kind } = event;
  if (bucket !== spec.bucket) {
    return rejected(`bucket is ${bucket}, route listens on ${spec.bucket}`);
  }
  const wrongChannel = triggerRefusal(spec, event, operatorQueues);
  if (wrongChannel !== undefined) return rejected(wrongChannel);
  if (spec.kinds.length > 0 && !spec.kinds.includes(kind)) {
    return rejected(`event is ${kind}, route listens on ${list(spec.kinds)}`);
  }

  const prefix = longest(spec.prefixes.filter((candidate) => key.startsWith(candidate)));
  if (spec.prefixes.length > 0 && prefix === undefined) {
    return rejected(`key ${key} is not under any of ${list(spec.prefixes)}`);
  }
  const excluded = longest(spec.excludePrefixes.filter((candidate) => key.startsWith(candidate)));
  if (excluded !== undefined) {
    return rejected(`key ${key} is under excluded prefix ${shown(excluded)}`);
  }

  const tail = spec.ignoreCase ? foldCase(key) : key;
  const suffix = longest(
    spec.suffixes.filter((candidate) => tail.endsWith(spec.ignoreCase ? foldCase(candidate) : candidate)),
  );
  if (spec.suffixes.length > 0 && suffix === undefined) {
    const caseNote = spec.ignoreCase ? ' (ignoring case)' : '';
    const extension = extensionOf(key);
    return rejected(
      extension === undefined
        ? `key ${key} does not end with any of ${list(spec.suffixes)}${caseNote}`
        : `suffix ${extension} not in ${list(spec.suffixes)}${caseNote}`,
    );
  }

  const prefixPart = prefix === undefined ? 'any prefix' : `prefix ${shown(prefix)}`;
  const suffixPart = suffix === undefined ? 'any suffix' : `suffix ${shown(suffix)}`;
  return { matched: true, reason: `matched bucket ${bucket}, ${prefixPart}, ${suffixPart}` };
}

function rejected(reason: string): StructuralVerdict {
  return { matched: false, reason };
}

/** The most specific of several matching prefixes/suffixes is the one worth naming. */
function longest(matches: string[]): string | undefined {
  let best: string | undefined;
  for (const match of matches) if (best === undefined || match.length > best.length) best = match;
  return best;
}

/** `.png` of `photos/a.png`; none for `photos/README` or `photos.d/README`. */
function extensionOf(key: string): string | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : undefined;
}

function list(items: readonly string[]): string {
  return `[${items.map(shown).join(', ')}]`;
}

/** An empty prefix or suffix would vanish from the sentence; show it as "". */
function shown(text: string): string {
  return text === '' ? '""' : text;
}
