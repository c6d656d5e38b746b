/** Asking the person at the terminal before a change set is executed. */
import { createInterface } from 'node:readline/promises';

/** Whether there is someone to ask: both stdin and stderr are terminals. */
export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** `question [y/N]`; only y or yes (any case) confirms. */
export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
