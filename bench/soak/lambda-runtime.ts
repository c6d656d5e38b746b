/**
 * Being Lambda for the deployed function's own zip: handler.js is unpacked into a temporary
 * directory and loaded in child processes ("containers") with the environment the stack gives
 * it, plus AWS_ENDPOINT_URL. Invocations go over IPC; every line the function prints (its
 * JSON logs and EMF metrics) is handed to `onLog`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { readZipEntry } from '../../deploy/ops/read-zip.ts';

export interface LambdaRuntimeOptions {
  zip: Buffer;
  environment: Record<string, string>;
  /** Containers to run; invocations are spread over them. */
  containers?: number;
  /** What getRemainingTimeInMillis() starts from, per invocation. */
  timeoutMs?: number;
  onLog?: (line: string) => void;
}

export type Invocation = { ok: true; result: unknown } | { ok: false; error: string };

export interface LambdaRuntime {
  invoke(event: unknown): Promise<Invocation>;
  stop(): Promise<void>;
}

const RUNNER = `
const { handler } = require('./handler.js');
const timeoutMs = Number(process.env.SOAK_TIMEOUT_MS || 60000);
process.on('message', async ({ id, event }) => {
  const started = Date.now();
  const context = { awsRequestId: String(id), getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started) };
  try {
    const result = await handler(event, context);
    process.send({ id, ok: true, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ id, ok: false, error: (error && error.message) || String(error) });
  }
});
`;

export function startLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const handler = readZipEntry(options.zip, 'handler.js');
  if (!handler) throw new Error('the function zip has no handler.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-lambda-'));
  writeFileSync(path.join(dir, 'handler.js'), handler);
  const sourceMap = readZipEntry(options.zip, 'handler.js.map');
  if (sourceMap) writeFileSync(path.join(dir, 'handler.js.map'), sourceMap);
  writeFileSync(path.join(dir, 'runner.cjs'), RUNNER);

  const pending = new Map<number, (invocation: Invocation) => void>();
  const containers: ChildProcess[] = [];
  for (let i = 0; i < (options.containers ?? 2); i++) {
    const child = fork(path.join(dir, 'runner.cjs'), [], {
      cwd: dir,
      // Not the parent's loader flags (tsx, vitest): the function is plain CommonJS, as in Lambda.
      execArgv: [],
      env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', SOAK_TIMEOUT_MS: String(options.timeoutMs ?? 60_000), ...options.environment },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => options.onLog?.(line));
    }
    child.on('message', (message: { id: number } & Invocation) => {
      const settle = pending.get(message.id);
      pending.delete(message.id);
      settle?.(message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error });
    });
    child.on('exit', (code) => {
      for (const [id, settle] of pending) {
        pending.delete(id);
        settle({ ok: false, error: `container exited with code ${code}` });
      }
    });
    containers.push(child);
  }

  let next = 0;
  return {
    invoke: (event) =>
      new Promise<Invocation>((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        containers[id % containers.length]?.send({ id, event });
      }),
    stop: async () => {
      await Promise.all(
        containers.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
