/**
 * Many keys shown as one pattern: the common prefix, `*`, the common suffix
 * (`builds/app-*.zip` for 40,000 builds), with a count.
 */
export class KeyPattern {
  private prefix: string | undefined;
  private suffix = '';
  private shortest = Infinity;
  count = 0;

  add(key: string): void {
    this.count++;
    this.shortest = Math.min(this.shortest, key.length);
    if (this.prefix === undefined) {
      this.prefix = key;
      this.suffix = key;
      return;
    }
    this.prefix = commonPrefix(this.prefix, key);
    this.suffix = commonSuffix(this.suffix, key);
  }

  toString(): string {
    const prefix = this.prefix ?? '';
    if (this.count <= 1) return prefix;
    // Prefix and suffix may overlap on short keys: the star stands for at least nothing.
    const suffix = this.suffix.slice(Math.max(0, prefix.length + this.suffix.length - this.shortest));
    return `${prefix}*${suffix}`;
  }
}

function commonPrefix(a: string, b: string): string {
  let n = 0;
  const max = Math.min(a.length, b.length);
  while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n === a.length ? a : a.slice(0, n);
}

function commonSuffix(a: string, b: string): string {
  let n = 0;
  const max = Math.min(a.length, b.length);
  while (n < max && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n === a.length ? a : a.slice(a.length - n);
}
