/** Where commands write; injected so golden tests can capture output exactly. */
export interface Output {
  stdout(line: string): void;
  stderr(line: string): void;
  isTTY: boolean;
}

export const processOutput: Output = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

/** `switchyard … | head` closes stdout early: stop quietly, as other command-line tools do, not with a stack trace. */
export function exitQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
