/**
 * Durations and sizes as route files write them (`2s`, `30d`, `100MB`, `5GiB`).
 *
 * Sizes follow the schema's `Size` definition: KB, MB, GB, TB are powers of 1000 (as AWS
 * writes its own limits, "5 GB"); KiB, MiB, GiB, TiB are powers of 1024. Units are
 * case-sensitive because `Mb` (megabit) and `MB` mean different things.
 */
import { SwitchyardError } from './errors.ts';

/** A duration or size that cannot be read; `code` is `InvalidDuration` or `InvalidSize`. */
export class UnitError extends SwitchyardError {
  override readonly name = 'UnitError';
}

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const SIZE_UNITS_BYTES = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
} as const;

const DURATION_PATTERN = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/;
const SIZE_PATTERN = /^([0-9]+(?:\.[0-9]+)?) ?(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/;

/** Milliseconds in `500ms`, `2s`, `1.5m`, `1h`, `30d`. A bare number is taken as milliseconds already. */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return checkedNumber(text, 'InvalidDuration', 'duration');
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) {
    throw new UnitError(
      'InvalidDuration',
      `invalid duration ${JSON.stringify(text)}: write a number followed by ms, s, m, h or d (e.g. 500ms, 2s, 30d)`,
    );
  }
  const [, amount = '', unit = 'ms'] = match;
  return Math.round(Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS]);
}

/** Bytes in `1024`, `100MB` (10^8), `5 GB`, `5GiB` (5 × 2^30). The result is always a whole number of bytes. */
export function parseSize(text: string | number): number {
  if (typeof text === 'number') return wholeBytes(checkedNumber(text, 'InvalidSize', 'size'), String(text));
  const match = SIZE_PATTERN.exec(text.trim());
  if (!match) {
    const hint = /^[0-9.]+ ?[kmgt]/i.test(text.trim())
      ? ' (units are case-sensitive: KB/MB/GB/TB are powers of 1000, KiB/MiB/GiB/TiB powers of 1024)'
      : '';
    throw new UnitError(
      'InvalidSize',
      `invalid size ${JSON.stringify(text)}: write a number optionally followed by B, KB, MB, GB, TB, KiB, MiB, GiB or TiB (e.g. 100MB, 5GiB)${hint}`,
    );
  }
  const [, amount = '', unit = 'B'] = match;
  return wholeBytes(Number(amount) * SIZE_UNITS_BYTES[unit as keyof typeof SIZE_UNITS_BYTES], text);
}

function checkedNumber(value: number, code: string, what: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new UnitError(code, `invalid ${what} ${value}: expected a finite number of at least 0`);
  }
  return value;
}

function wholeBytes(bytes: number, text: string): number {
  const rounded = Math.round(bytes);
  // Decimal fractions such as 0.3MB are not exact in binary floating point; allow that noise only.
  if (Math.abs(bytes - rounded) > 1e-6) {
    throw new UnitError('InvalidSize', `invalid size ${JSON.stringify(text)}: it is not a whole number of bytes (${bytes})`);
  }
  if (!Number.isSafeInteger(rounded)) {
    throw new UnitError('InvalidSize', `invalid size ${JSON.stringify(text)}: too large`);
  }
  return rounded;
}
