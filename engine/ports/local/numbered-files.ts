/**
 * Writes records as numbered JSON files (`000001.json`, `000002.json`, …) in a directory, the
 * way local mode keeps sent messages, emails and notifications. Numbers continue after the
 * highest file already there, so a second run adds to the first instead of overwriting it;
 * the exclusive create makes concurrent writers take different numbers.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const NUMBERED = /^(\d+)\.json$/;

/** Writes `record` as the next numbered file in `directory`; returns the file's path. */
export async function writeNumbered(directory: string, record: unknown): Promise<string> {
  await mkdir(directory, { recursive: true });
  const text = `${JSON.stringify(record, null, 2)}\n`;
  let n = (await highestNumber(directory)) + 1;
  for (;;) {
    const path = join(directory, `${String(n).padStart(6, '0')}.json`);
    try {
      await writeFile(path, text, { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      n++;
    }
  }
}

async function highestNumber(directory: string): Promise<number> {
  let highest = 0;
  for (const name of await readdir(directory)) {
    const digits = NUMBERED.exec(name)?.[1];
    if (digits !== undefined) highest = Math.max(highest, Number(digits));
  }
  return highest;
}
