/** `YYYY/MM/DD` in UTC, as the archive key's `[Y0001]/[M01]/[D01]` picture gives it. */
export function fromMillis(time: Date): string {
  return time.toISOString().slice(0, 10).replaceAll('-', '/');
}
