/**
 * A trie over UTF-16 code units, used for key prefixes (walked from the key's start) and for
 * key suffixes (stored reversed, walked from the key's end). Walking a key visits at most
 * `key.length + 1` nodes, however many routes share the trie.
 */
export interface TrieNode<T> {
  children: Map<number, TrieNode<T>> | undefined;
  value: T | undefined;
}

export function emptyNode<T>(): TrieNode<T> {
  return { children: undefined, value: undefined };
}

/** The node for `path` (created if missing); `reversed` stores the path last code unit first. */
export function nodeFor<T>(root: TrieNode<T>, path: string, reversed: boolean): TrieNode<T> {
  let node = root;
  for (let step = 0; step < path.length; step++) {
    const unit = path.charCodeAt(reversed ? path.length - 1 - step : step);
    node.children ??= new Map();
    let next = node.children.get(unit);
    if (next === undefined) {
      next = emptyNode<T>();
      node.children.set(unit, next);
    }
    node = next;
  }
  return node;
}

/** Appends `id` to the list held at `path`, once. */
export function addToList(root: TrieNode<number[]>, path: string, reversed: boolean, id: number): void {
  const node = nodeFor(root, path, reversed);
  node.value ??= [];
  if (node.value[node.value.length - 1] !== id) node.value.push(id);
}
