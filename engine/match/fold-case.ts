/**
 * Case folding for `ignoreCase` suffixes: each code point lower-cased on its own.
 *
 * Why not `String.prototype.toLowerCase` on the whole key: it is context-sensitive (a Greek
 * capital sigma at the end of a word becomes final `ς`, elsewhere `σ`), so `ΑΣ` would not end
 * with a folded `Σ`. Folding code point by code point makes "the key's tail, lower-cased"
 * mean the same thing whatever comes before the tail.
 */
export function foldCase(text: string): string {
  if (isAscii(text)) return text.toLowerCase();
  let folded = '';
  for (const codePoint of text) folded += codePoint.toLowerCase();
  return folded;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}
