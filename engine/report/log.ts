/** Structured logs: one JSON object per line, every line naming what it is about. */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  write(level: Level, message: string, fields?: Record<string, unknown>): void;
}

export function jsonLog(write: (line: string) => void, now: () => Date = () => new Date()): Log {
  return {
    write(level, message, fields = {}) {
      write(JSON.stringify({ level, time: now().toISOString(), message, ...fields }));
    },
  };
}

export const silentLog: Log = { write: () => undefined };

/** Keeps every line, for tests and the CLI's --verbose. */
export function memoryLog(): Log & { lines: Array<{ level: Level; message: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ level: Level; message: string; fields: Record<string, unknown> }> = [];
  return { lines, write: (level, message, fields = {}) => void lines.push({ level, message, fields }) };
}
