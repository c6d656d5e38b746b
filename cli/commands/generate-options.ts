/**
 * Options that `generate`, `deploy` and `diff` share, defined once so the three commands read
 * them alike: a template `generate` writes with `--reserved-concurrency 10` is the template
 * `deploy --reserved-concurrency 10` ships. Loaded by cli/switchyard.ts at start-up, so it
 * imports nothing heavier than commander.
 */
import { Option } from 'commander';
import { UsageError } from '../../engine/errors.ts';
import { DEFAULT_FUNCTION } from '../../generators/cloudformation/defaults.ts';

/** Whole number of executions, 0 for none: anything else is a usage error (SY206) naming what was given. */
export function parseReservedConcurrency(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 0) {
    throw new UsageError('SY206', `--reserved-concurrency takes a whole number of executions (0 reserves none), not '${text}'`);
  }
  return n;
}

export function reservedConcurrencyOption(): Option {
  return new Option(
    '--reserved-concurrency <n>',
    `concurrent executions reserved for each stack's function (default: ${DEFAULT_FUNCTION.reservedConcurrency}; 0 reserves none)`,
  ).argParser(parseReservedConcurrency);
}
