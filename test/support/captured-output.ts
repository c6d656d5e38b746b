/** A CLI Output that keeps what a command printed, for tests to read back (never a terminal). */
import type { Output } from '../../cli/output.ts';

export interface CapturedOutput extends Output {
  out: string[];
  err: string[];
}

export function capture(): CapturedOutput {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, isTTY: false, stdout: (line) => void out.push(line), stderr: (line) => void err.push(line) };
}
