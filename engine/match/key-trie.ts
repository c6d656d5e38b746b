/**
 * A radix tree over UTF-16 code units, used for key prefixes (walked from the key's start)
 * and key suffixes (stored reversed, walked from the key's end). Edges carry whole runs of
 * characters, so a walk makes one map lookup per branching point rather than per character,
 * and visits at most `key.length + 1` nodes however many routes share the tree.
 */
export interface TrieNode<T> {
  value: T | undefined;
  /** Keyed by the first code unit of the edge's label (in walking order). */
  edges: Map<number, TrieEdge<T>> | undefined;
}

export interface TrieEdge<T> {
  /** In walking order: reversed for suffix trees. */
  label: string;
  node: TrieNode<T>;
}

export function emptyNode<T>(): TrieNode<T> {
  return { value: undefined, edges: undefined };
}

/** The edge leaving `node` that `key` follows from position `at` onwards, if the whole label matches. */
export function stepForward<T>(node: TrieNode<T>, key: string, at: number): TrieEdge<T> | undefined {
  const edge = node.edges?.get(key.charCodeAt(at));
  if (edge === undefined || edge.label.length > key.length - at) return undefined;
  const label = edge.label;
  for (let i = 1; i < label.length; i++) {
    if (key.charCodeAt(at + i) !== label.charCodeAt(i)) return undefined;
  }
  return edge;
}

/** The edge leaving `node` that `text` follows backwards from just before `end`, if the whole label matches. */
export function stepBackward<T>(node: TrieNode<T>, text: string, end: number): TrieEdge<T> | undefined {
  const edge = node.edges?.get(text.charCodeAt(end - 1));
  if (edge === undefined || edge.label.length > end) return undefined;
  const label = edge.label;
  for (let i = 1; i < label.length; i++) {
    if (text.charCodeAt(end - 1 - i) !== label.charCodeAt(i)) return undefined;
  }
  return edge;
}

/** The node for `path` (created, splitting edges, if missing); `reversed` stores the path last code unit first. */
export function nodeFor<T>(root: TrieNode<T>, path: string, reversed: boolean): TrieNode<T> {
  const units = reversed ? reverseCodeUnits(path) : path;
  let node = root;
  let at = 0;
  while (at < units.length) {
    node.edges ??= new Map();
    const edge = node.edges.get(units.charCodeAt(at));
    if (edge === undefined) {
      const leaf = emptyNode<T>();
      node.edges.set(units.charCodeAt(at), { label: units.slice(at), node: leaf });
      return leaf;
    }
    const common = commonLength(edge.label, units, at);
    if (common < edge.label.length) splitEdge(edge, common);
    node = edge.node;
    at += common;
  }
  return node;
}

/** Appends `id` to the list held at `path`, once. */
export function addToList(root: TrieNode<number[]>, path: string, reversed: boolean, id: number): void {
  const node = nodeFor(root, path, reversed);
  node.value ??= [];
  if (node.value[node.value.length - 1] !== id) node.value.push(id);
}

/** Turns `edge` into `label[0, at)` → new node → `label[at, …)` → the old node. */
function splitEdge<T>(edge: TrieEdge<T>, at: number): void {
  const rest: TrieEdge<T> = { label: edge.label.slice(at), node: edge.node };
  const middle: TrieNode<T> = { value: undefined, edges: new Map([[rest.label.charCodeAt(0), rest]]) };
  edge.label = edge.label.slice(0, at);
  edge.node = middle;
}

function commonLength(label: string, units: string, from: number): number {
  let n = 0;
  while (n < label.length && from + n < units.length && label.charCodeAt(n) === units.charCodeAt(from + n)) n++;
  return n;
}

/** Code units, not code points: the walk compares code units, so surrogate pairs reverse too. */
function reverseCodeUnits(text: string): string {
  let reversed = '';
  for (let i = text.length - 1; i >= 0; i--) reversed += text[i];
  return reversed;
}
