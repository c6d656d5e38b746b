/** Several stacks deploy at once: every line one of them prints starts with its name, so interleaved progress stays readable. */
import type { Output } from '../cli/output.ts';

export function prefixedOutput(out: Output, stackName: string): Output {
  const prefix = `[${stackName}] `;
  return { isTTY: out.isTTY, stdout: (line) => out.stdout(`${prefix}${line}`), stderr: (line) => out.stderr(`${prefix}${line}`) };
}
