import { describe, expect, it } from 'vitest';
import { UnitError, parseDuration, parseSize } from '../../engine/units.ts';

describe('parseDuration', () => {
  const cases: Array<{ name: string; input: string | number; ms: number }> = [
    { name: 'milliseconds are taken as written', input: '500ms', ms: 500 },
    { name: 'seconds are 1000 ms', input: '2s', ms: 2 * 1000 },
    { name: 'fractions of a unit are allowed', input: '1.5s', ms: 1.5 * 1000 },
    { name: 'minutes are 60 s', input: '1m', ms: 60 * 1000 },
    { name: 'hours are 60 min', input: '1h', ms: 60 * 60 * 1000 },
    { name: 'days are 24 h (seed 004 lifecycle)', input: '30d', ms: 30 * 24 * 60 * 60 * 1000 },
    { name: 'zero is a duration', input: '0s', ms: 0 },
    { name: 'a number is already milliseconds', input: 250, ms: 250 },
  ];
  it.each(cases)('$name', ({ input, ms }) => {
    expect(parseDuration(input)).toBe(ms);
  });

  const invalid: Array<{ name: string; input: string | number }> = [
    { name: 'a unit is required', input: '10' },
    { name: 'unknown units are refused', input: '2w' },
    { name: 'negative durations are refused', input: '-1s' },
    { name: 'words are refused', input: 'soon' },
    { name: 'negative numbers are refused', input: -5 },
  ];
  it.each(invalid)('$name', ({ input }) => {
    expect(() => parseDuration(input)).toThrowError(UnitError);
    expect(() => parseDuration(input)).toThrowError(/invalid duration/);
  });
});

describe('parseSize', () => {
  const cases: Array<{ name: string; input: string | number; bytes: number }> = [
    { name: 'a bare number is bytes', input: '1024', bytes: 1024 },
    { name: 'B is bytes', input: '512B', bytes: 512 },
    { name: 'KB is decimal', input: '1KB', bytes: 1000 },
    { name: 'MB is decimal (seed 003 part size)', input: '100MB', bytes: 100 * 1000 ** 2 },
    { name: 'GB is decimal (CopyObject limit)', input: '5GB', bytes: 5 * 1000 ** 3 },
    { name: 'a space before the unit is allowed', input: '5 GB', bytes: 5 * 1000 ** 3 },
    { name: 'TB is decimal', input: '2TB', bytes: 2 * 1000 ** 4 },
    { name: 'KiB is binary', input: '1KiB', bytes: 1024 },
    { name: 'MiB is binary (multipart minimum part)', input: '5MiB', bytes: 5 * 1024 ** 2 },
    { name: 'GiB is binary', input: '5GiB', bytes: 5 * 1024 ** 3 },
    { name: 'decimal fractions round to whole bytes despite float noise', input: '0.3MB', bytes: 300_000 },
    { name: 'binary fractions are exact', input: '1.5KiB', bytes: 1536 },
    { name: 'a number is bytes', input: 2048, bytes: 2048 },
  ];
  it.each(cases)('$name', ({ input, bytes }) => {
    expect(parseSize(input)).toBe(bytes);
  });

  const invalid: Array<{ name: string; input: string | number; message: RegExp }> = [
    { name: 'lower-case units are refused with a hint', input: '100mb', message: /case-sensitive/ },
    { name: 'bits are not bytes', input: '100Mb', message: /case-sensitive/ },
    { name: 'unknown units are refused', input: '3 parsecs', message: /invalid size/ },
    { name: 'fractions of a byte are refused', input: '1.5B', message: /whole number of bytes/ },
    { name: 'negative sizes are refused', input: '-1MB', message: /invalid size/ },
    { name: 'non-integer numbers are refused', input: 0.5, message: /whole number of bytes/ },
  ];
  it.each(invalid)('$name', ({ input, message }) => {
    expect(() => parseSize(input)).toThrowError(UnitError);
    expect(() => parseSize(input)).toThrowError(message);
  });
});
