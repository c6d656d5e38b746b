/**
 * Starts one moto server per integration test file on a free loopback port.
 * Files run in parallel, so each gets its own server and its own state.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createAwsTestEnv, type AwsTestEnv } from './aws-env.ts';

export interface MotoServer {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
  /** Forgets every bucket, queue, parameter and sent email (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** Requests answered so far, counted from the server's access log (what a benchmark charges to each tool). */
  requestsServed(): number;
  /** CPU seconds the server has used so far, from /proc (undefined where there is no /proc). */
  cpuSeconds(): number | undefined;
}

const HOST = '127.0.0.1';
/** One access-log line of werkzeug, moto's HTTP server: `"PUT /bucket/key HTTP/1.1" 200 -`. */
const ACCESS_LOG_LINE = /"[A-Z]+ \S+ HTTP\/1\.[01]" \d{3}/g;
const READY_TIMEOUT_MS = 30_000;

/** Processes started by this worker; killed on exit even when a test forgot stop(). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

export async function startMoto(): Promise<MotoServer> {
  ensureMotoInstalled();
  installExitHook();
  const port = await freePort();
  const child = spawn('moto_server', ['-H', HOST, '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  let requests = 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    // A line split across two chunks is counted once the tail (kept below) completes it.
    const text = stderr.slice(stderr.lastIndexOf('\n') + 1) + chunk.toString();
    requests += text.slice(0, text.lastIndexOf('\n') + 1).match(ACCESS_LOG_LINE)?.length ?? 0;
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://${HOST}:${port}`;
  try {
    await waitUntilReady(endpoint, child, () => stderr);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return {
    endpoint,
    port,
    stop: () => stopProcess(child),
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    requestsServed: () => requests,
    cpuSeconds: () => processCpuSeconds(child.pid),
  };
}

/** utime + stime of a process, from /proc/<pid>/stat (Linux); undefined elsewhere. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // Fields 14 and 15 of stat(5), counted from the state (field 3) after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

let motoChecked = false;

function ensureMotoInstalled(): void {
  if (motoChecked) return;
  if (!onPath('moto_server')) {
    const install = spawnSync('python3', ['-m', 'pip', 'install', 'moto[server]'], { stdio: 'inherit' });
    if (install.status !== 0 || !onPath('moto_server')) {
      throw new Error("moto_server is not on PATH and `python3 -m pip install 'moto[server]'` did not provide it");
    }
  }
  motoChecked = true;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a probe socket'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with code ${child.exitCode} before answering:\n${stderr()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${READY_TIMEOUT_MS} ms:\n${stderr()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * One moto server for the whole test file, reset before every test: the hooks each pipeline
 * test file would otherwise write out again. `onReady` receives the server and SDK clients.
 */
export function useMotoServer(onReady: (server: MotoServer, env: AwsTestEnv) => void): void {
  let server: MotoServer | undefined;
  beforeAll(async () => {
    server = await startMoto();
    onReady(server, createAwsTestEnv(server.endpoint));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await server?.reset();
  });
}
