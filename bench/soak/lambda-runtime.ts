/**
 * Being Lambda for the deployed function's own zip: it is unpacked into a temporary
 * directory and loaded in child processes ("containers") with the environment the stack gives
 * it, plus AWS_ENDPOINT_URL. Invocations go over IPC; every line the function prints (its
 * JSON logs and EMF metrics) is handed to `onLog`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { readZipEntries } from '../../deploy/ops/read-zip.ts';

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
const loaded = import('./handler.mjs');
const timeoutMs = Number(process.env.SOAK_TIMEOUT_MS || 60000);
process.on('message', async ({ id, event }) => {
  const started = Date.now();
  const context = { awsRequestId: String(id), getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started) };
  try {
    const { handler } = await loaded;
    const result = await handler(event, context);
    process.send({ id, ok: true, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ id, ok: false, error: (error && error.message) || String(error) });
  }
});
`;

export function startLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const files = readZipEntries(options.zip);
  if (!files.has('handler.mjs')) throw new Error('the function zip has no handler.mjs');
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-lambda-'));
  // handler.mjs, its chunks, their source maps and routes.json, as Lambda unpacks the zip.
  for (const [name, data] of files) writeFileSync(path.join(dir, name), data);
  writeFileSync(path.join(dir, 'runner.cjs'), RUNNER);

  const timeoutMs = options.timeoutMs ?? 60_000;
  const pending = new Map<number, { container: number; settle: (invocation: Invocation) => void; timer: NodeJS.Timeout }>();
  const containers: ChildProcess[] = [];
  let stopping = false;

  const settle = (id: number, invocation: Invocation): void => {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.settle(invocation);
  };

  /** A container: a child process with the function loaded; replaced when it dies or an invocation times out. */
  const startContainer = (slot: number): void => {
    const child = fork(path.join(dir, 'runner.cjs'), [], {
      cwd: dir,
      // Not the parent's loader flags (tsx, vitest): the function is plain ES modules, as in Lambda.
      execArgv: [],
      env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', SOAK_TIMEOUT_MS: String(timeoutMs), ...options.environment },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => options.onLog?.(line));
    }
    // A send to a container that was just killed fails through its callback (below), not as an 'error' event.
    child.on('error', () => undefined);
    child.on('message', (message: { id: number } & Invocation) => settle(message.id, message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error }));
    child.on('exit', (code, signal) => {
      for (const [id, entry] of pending) if (entry.container === slot) settle(id, { ok: false, error: `container exited (${signal ?? code})` });
      if (!stopping && containers[slot] === child) startContainer(slot);
    });
    containers[slot] = child;
  };
  for (let slot = 0; slot < (options.containers ?? 2); slot++) startContainer(slot);

  let next = 0;
  return {
    invoke: (event) =>
      new Promise<Invocation>((resolve) => {
        const id = next++;
        const slot = id % containers.length;
        // Lambda ends an invocation at the function's timeout and throws the environment away.
        const timer = setTimeout(() => {
          settle(id, { ok: false, error: `Task timed out after ${timeoutMs / 1000} seconds` });
          containers[slot]?.kill('SIGKILL');
        }, timeoutMs);
        pending.set(id, { container: slot, settle: resolve, timer });
        const container = containers[slot];
        if (!container?.connected) settle(id, { ok: false, error: 'container was being replaced' });
        else container.send({ id, event }, (error) => error && settle(id, { ok: false, error: `could not hand the event to the container: ${error.message}` }));
      }),
    stop: async () => {
      stopping = true;
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
