/**
 * Progress of a backfill on stderr: a redrawn bar on a terminal (objects, bytes, rate, ETA),
 * plain lines at intervals otherwise (CI logs, pipes), so nothing unreadable ends up in a log.
 */
export interface ProgressSink {
  /** Writes one whole line. */
  line(text: string): void;
  /** Replaces the current terminal line; absent when stderr is not a terminal. */
  redraw?: (text: string) => void;
}

export interface ProgressCounts {
  done: number;
  bytesDone: number;
  copied: number;
  skipped: number;
  failed: number;
  retries: number;
}

export interface Progress {
  listing(listed: number): void;
  start(totalObjects: number, totalBytes: number): void;
  update(counts: ProgressCounts): void;
  /** A message between progress updates (the bar is moved out of the way). */
  note(text: string): void;
  finish(): void;
}

export const silentProgress: Progress = { listing: () => undefined, start: () => undefined, update: () => undefined, note: () => undefined, finish: () => undefined };

export interface ProgressOptions {
  now?: () => number;
  /** Minimum time between redraws (terminal) or lines (plain). */
  intervalMs?: number;
  width?: number;
}

export function createProgress(sink: ProgressSink, options: ProgressOptions = {}): Progress {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? (sink.redraw ? 100 : 5000);
  const width = options.width ?? 24;
  let started = now();
  let total = 0;
  let totalBytes = 0;
  let last: ProgressCounts = { done: 0, bytesDone: 0, copied: 0, skipped: 0, failed: 0, retries: 0 };
  let lastShown = 0;
  let barVisible = false;

  const show = (text: string): void => {
    if (sink.redraw) {
      sink.redraw(text);
      barVisible = true;
    } else sink.line(text);
  };
  const clearBar = (): void => {
    if (barVisible && sink.redraw) sink.redraw('');
    barVisible = false;
  };
  const render = (): string => progressLine(last, total, totalBytes, now() - started, sink.redraw ? width : 0);

  return {
    listing(listed) {
      if (now() - lastShown < interval) return;
      lastShown = now();
      show(`listing: ${listed} objects so far`);
    },
    start(objects, bytes) {
      total = objects;
      totalBytes = bytes;
      started = now();
      lastShown = 0;
      clearBar();
      sink.line(`transferring ${objects} objects (${formatBytes(bytes)})`);
    },
    update(counts) {
      last = counts;
      const finished = counts.done === total;
      if (!finished && now() - lastShown < interval) return;
      lastShown = now();
      show(render());
    },
    note(text) {
      clearBar();
      sink.line(text);
      if (total > 0 && sink.redraw) show(render());
    },
    finish() {
      if (barVisible) {
        clearBar();
        sink.line(render());
      }
    },
  };
}

/** `[#####-----] 120/250 objects · 12.0 MiB/40.0 MiB · 35.2 obj/s · 2.1 MiB/s · ETA 0:05` (no bar when `width` is 0). */
export function progressLine(counts: ProgressCounts, total: number, totalBytes: number, elapsedMs: number, width: number): string {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const objectRate = counts.done / seconds;
  const byteRate = counts.bytesDone / seconds;
  const remaining = Math.max(objectRate > 0 ? (total - counts.done) / objectRate : 0, byteRate > 0 ? (totalBytes - counts.bytesDone) / byteRate : 0);
  const share = total === 0 ? 1 : counts.done / total;
  const bar = width > 0 ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '-')}] ` : '';
  const outcome = `${counts.copied} copied, ${counts.skipped} skipped, ${counts.failed} failed${counts.retries > 0 ? `, ${counts.retries} retries` : ''}`;
  return (
    `${bar}${counts.done}/${total} objects · ${formatBytes(counts.bytesDone)}/${formatBytes(totalBytes)} · ` +
    `${objectRate.toFixed(1)} obj/s · ${formatBytes(byteRate)}/s · ETA ${formatDuration(counts.done === total ? 0 : remaining)} (${outcome})`
  );
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
