import type { EventKind } from '../events/object-event.ts';
import { foldCase } from './fold-case.ts';
import { addToList, emptyNode, nodeFor, stepBackward, stepForward, type TrieNode } from './key-trie.ts';
import type { StructuralEvent, StructuralMatch } from './structural.ts';
import { channelOf, channelsHearing, operatorQueueOf, operatorQueuesOf, type Channel } from './trigger.ts';

/**
 * The structural predicates of every route compiled once into
 * bucket → channel (the route's trigger) → event kind → key-prefix trie → (per prefix) key-suffix tries.
 *
 * A lookup walks the key through one prefix trie and, at each prefix the key starts with,
 * through that prefix's suffix tries: its cost depends on the key's length and on the routes
 * that share the event's bucket, channel, kind, a prefix and a suffix with it — never on the
 * routes that cannot match. An S3 notification or EventBridge event walks its own channel's trie
 * (and that of specs without a trigger); a direct invocation or a backfill walks every channel of
 * the bucket, as it may run any route there (trigger.ts). `trigger: sqs` routes are kept per queue:
 * what is read from an operator's queue walks that queue's routes alone. `explainStructural`
 * (explain.ts) is the plain per-route oracle it must agree with.
 */
export class RouteIndex {
  private readonly buckets = new Map<string, ChannelTable>();
  private readonly operatorQueues: ReadonlySet<string>;
  /** Per route, the lookup generation that last emitted or excluded it: de-duplicates without a Set. */
  private readonly stamps: Uint32Array;
  private generation = 0;

  constructor(specs: readonly StructuralMatch[]) {
    this.stamps = new Uint32Array(specs.length);
    this.operatorQueues = operatorQueuesOf(specs);
    specs.forEach((spec, id) => this.add(spec, id));
  }

  /** Indexes (into the constructor's specs, ascending) of the routes whose structural predicates all hold. */
  candidates(event: StructuralEvent): number[] {
    const matches: number[] = [];
    const channels = this.buckets.get(event.bucket);
    if (channels === undefined) return matches;

    const stamp = this.nextGeneration();
    for (const channel of channelsHearing(event, this.operatorQueues)) {
      if (channel === 'sqs') {
        this.walkQueues(channels, operatorQueueOf(event, this.operatorQueues), event, stamp, matches);
        continue;
      }
      const index = channels.byChannel[channel]?.[event.kind];
      if (index !== undefined) this.walk(index, event.key, stamp, matches);
    }
    if (matches.length > 1) matches.sort(ascending);
    return matches;
  }

  /** The `sqs` channel: the one queue the event was read from, or every queue when that is not known. */
  private walkQueues(channels: ChannelTable, queue: string | undefined, event: StructuralEvent, stamp: number, matches: number[]): void {
    if (channels.byQueue === undefined) return;
    if (queue !== undefined) {
      const index = channels.byQueue.get(queue)?.[event.kind];
      if (index !== undefined) this.walk(index, event.key, stamp, matches);
      return;
    }
    for (const kinds of channels.byQueue.values()) {
      const index = kinds[event.kind];
      if (index !== undefined) this.walk(index, event.key, stamp, matches);
    }
  }

  /**
   * Emits the routes of one channel's key index that `key` matches. A route lives in one channel
   * only, so the excludes stamped here never hide a route of another channel.
   */
  private walk(index: KeyIndex, key: string, stamp: number, matches: number[]): void {
    if (index.excludes !== undefined) this.stampPrefixMatches(index.excludes, key, stamp);

    let foldedKey: string | undefined;
    let node = index.prefixes;
    let at = 0;
    for (;;) {
      const suffixes = node.value;
      if (suffixes !== undefined) {
        this.emit(suffixes.anySuffix, stamp, matches);
        if (suffixes.exact !== undefined) this.emitSuffixMatches(suffixes.exact, key, stamp, matches);
        if (suffixes.folded !== undefined) {
          foldedKey ??= foldCase(key);
          this.emitSuffixMatches(suffixes.folded, foldedKey, stamp, matches);
        }
      }
      const edge = at < key.length ? stepForward(node, key, at) : undefined;
      if (edge === undefined) break;
      node = edge.node;
      at += edge.label.length;
    }
  }

  private add(spec: StructuralMatch, id: number): void {
    const kinds = spec.kinds.length > 0 ? spec.kinds : ALL_KINDS;
    const prefixes = spec.prefixes.length > 0 ? spec.prefixes : [''];
    for (const kind of new Set(kinds)) {
      const index = this.keyIndexFor(spec, kind);
      for (const excluded of spec.excludePrefixes) {
        index.excludes ??= emptyNode();
        addToList(index.excludes, excluded, false, id);
      }
      for (const prefix of prefixes) {
        const node = nodeFor(index.prefixes, prefix, false);
        node.value ??= { anySuffix: [], exact: undefined, folded: undefined };
        addSuffixes(node.value, spec, id);
      }
    }
  }

  private keyIndexFor(spec: StructuralMatch, kind: EventKind): KeyIndex {
    let channels = this.buckets.get(spec.bucket);
    if (channels === undefined) {
      channels = { byChannel: {}, byQueue: undefined };
      this.buckets.set(spec.bucket, channels);
    }
    const kinds = this.kindTableFor(channels, channelOf(spec.trigger), spec.queueArn);
    return (kinds[kind] ??= { prefixes: emptyNode(), excludes: undefined });
  }

  private kindTableFor(channels: ChannelTable, channel: Channel, queueArn: string | undefined): KindTable {
    if (channel !== 'sqs') return (channels.byChannel[channel] ??= { created: undefined, deleted: undefined });
    channels.byQueue ??= new Map();
    // A hand-built spec without a queue is filed under '': it hears the sqs channel only when the queue is not known.
    const queue = queueArn ?? '';
    let kinds = channels.byQueue.get(queue);
    if (kinds === undefined) {
      kinds = { created: undefined, deleted: undefined };
      channels.byQueue.set(queue, kinds);
    }
    return kinds;
  }

  private nextGeneration(): number {
    if (this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }

  /** Stamps the routes listed at every prefix of `key` (used for excludes, so they are never emitted). */
  private stampPrefixMatches(root: TrieNode<number[]>, key: string, stamp: number): void {
    let node = root;
    let at = 0;
    for (;;) {
      if (node.value !== undefined) for (const id of node.value) this.stamps[id] = stamp;
      const edge = at < key.length ? stepForward(node, key, at) : undefined;
      if (edge === undefined) break;
      node = edge.node;
      at += edge.label.length;
    }
  }

  /** Walks `text` from its end through a reversed-suffix trie, emitting the routes at each node. */
  private emitSuffixMatches(root: TrieNode<number[]>, text: string, stamp: number, matches: number[]): void {
    let node = root;
    let end = text.length;
    for (;;) {
      if (node.value !== undefined) this.emit(node.value, stamp, matches);
      const edge = end > 0 ? stepBackward(node, text, end) : undefined;
      if (edge === undefined) break;
      node = edge.node;
      end -= edge.label.length;
    }
  }

  private emit(ids: readonly number[], stamp: number, matches: number[]): void {
    for (const id of ids) {
      if (this.stamps[id] === stamp) continue;
      this.stamps[id] = stamp;
      matches.push(id);
    }
  }
}

/** Routes that start with one prefix, split by how they check the key's end. */
interface SuffixIndex {
  /** Routes with no suffix list. */
  anySuffix: number[];
  /** Case-sensitive suffixes, reversed. */
  exact: TrieNode<number[]> | undefined;
  /** `ignoreCase` suffixes, folded and reversed; walked with the folded key. */
  folded: TrieNode<number[]> | undefined;
}

interface KeyIndex {
  prefixes: TrieNode<SuffixIndex>;
  excludes: TrieNode<number[]> | undefined;
}

type KindTable = Record<EventKind, KeyIndex | undefined>;

/** Only the channels some route of the bucket listens on are present; `sqs` routes are filed by queue in `byQueue`. */
interface ChannelTable {
  byChannel: Partial<Record<Exclude<Channel, 'sqs'>, KindTable>>;
  byQueue: Map<string, KindTable> | undefined;
}

const ALL_KINDS: readonly EventKind[] = ['created', 'deleted'];

function addSuffixes(index: SuffixIndex, spec: StructuralMatch, id: number): void {
  if (spec.suffixes.length === 0) {
    if (index.anySuffix[index.anySuffix.length - 1] !== id) index.anySuffix.push(id);
    return;
  }
  for (const suffix of spec.suffixes) {
    if (spec.ignoreCase) addToList((index.folded ??= emptyNode()), foldCase(suffix), true, id);
    else addToList((index.exact ??= emptyNode()), suffix, true, id);
  }
}

function ascending(a: number, b: number): number {
  return a - b;
}
