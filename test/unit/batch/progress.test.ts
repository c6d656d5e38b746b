import { describe, expect, it } from 'vitest';
import { createProgress, formatBytes, formatDuration, progressLine } from '../../../engine/batch/progress.ts';

const counts = { done: 50, bytesDone: 50 * 1024, copied: 40, skipped: 10, failed: 0, retries: 2 };

describe('progressLine', () => {
  it('shows objects, bytes, rates, ETA and outcomes, with a bar on a terminal', () => {
    expect(progressLine(counts, 100, 100 * 1024, 10_000, 10)).toBe(
      '[#####-----] 50/100 objects · 50.0 KiB/100.0 KiB · 5.0 obj/s · 5.0 KiB/s · ETA 0:10 (40 copied, 10 skipped, 0 failed, 2 retries)',
    );
  });
  it('has no bar for plain output and an ETA of zero when done', () => {
    expect(progressLine({ ...counts, done: 100, bytesDone: 100 * 1024, retries: 0 }, 100, 100 * 1024, 10_000, 0)).toBe(
      '100/100 objects · 100.0 KiB/100.0 KiB · 10.0 obj/s · 10.0 KiB/s · ETA 0:00 (40 copied, 10 skipped, 0 failed)',
    );
  });
});

describe('formatting', () => {
  const sizes = [
    { bytes: 0, text: '0 B' },
    { bytes: 1023, text: '1023 B' },
    { bytes: 12 * 1024 * 1024, text: '12.0 MiB' },
    { bytes: 5 * 1024 ** 4, text: '5.0 TiB' },
  ];
  for (const s of sizes) it(`${s.bytes} bytes read as ${s.text}`, () => expect(formatBytes(s.bytes)).toBe(s.text));
  const durations = [
    { seconds: 5, text: '0:05' },
    { seconds: 65, text: '1:05' },
    { seconds: 3725, text: '1:02:05' },
  ];
  for (const d of durations) it(`${d.seconds} s read as ${d.text}`, () => expect(formatDuration(d.seconds)).toBe(d.text));
});

describe('createProgress', () => {
  it('without a terminal writes whole lines no more often than the interval, and always the last one', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = createProgress({ line: (t) => void lines.push(t) }, { now: () => now, intervalMs: 1000 });
    progress.start(3, 3);
    for (const [at, done] of [[100, 1], [1200, 2], [1300, 3]] as const) {
      now = at;
      progress.update({ ...counts, done, bytesDone: done });
    }
    expect(lines[0]).toBe('transferring 3 objects (3 B)');
    expect(lines.slice(1).map((l) => l.split(' objects')[0])).toEqual(['2/3', '3/3']);
  });
  it('on a terminal redraws one line and moves it aside for notes', () => {
    const events: string[] = [];
    const progress = createProgress({ line: (t) => void events.push(`line:${t}`), redraw: (t) => void events.push(`redraw:${t.slice(0, 12)}`) }, { now: () => 0, intervalMs: 0 });
    progress.start(2, 2);
    progress.update({ ...counts, done: 1, bytesDone: 1 });
    progress.note('failed: x');
    expect(events).toEqual(['line:transferring 2 objects (2 B)', 'redraw:[###########', 'redraw:', 'line:failed: x', 'redraw:[###########']);
  });
});
