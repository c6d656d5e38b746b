/**
 * The fault proxy's own promise that tests rely on (the kill-and-resume test counts copies by
 * it): onAnswered reports every request the upstream carried out, also when the client went
 * away before or while the answer came. The upstream here is a local server that answers late.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';

let upstream: Server;
let proxy: FaultProxy;
const answered: string[] = [];
const carriedOut: string[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const wait = Number(new URL(req.url ?? '/', 'http://upstream').searchParams.get('wait') ?? 0);
    setTimeout(() => {
      carriedOut.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' });
      // A long body: a client gone mid-answer stops the pipe with most of it unread.
      res.end('x'.repeat(1 << 20));
    }, wait);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, [{ method: 'PUT', action: { delayMs: 100 } }], {
    onAnswered: (r) => answered.push(r.url),
  });
});

afterAll(async () => {
  await proxy?.stop();
  await new Promise((resolve) => upstream?.close(resolve));
});

/** Sends a request and drops the connection after `abortAfterMs`. */
function abandoned(method: string, path: string, abortAfterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${proxy.endpoint}${path}`, { method });
    req.on('error', () => resolve());
    req.on('response', (res) => res.destroy());
    req.end();
    setTimeout(() => {
      req.destroy();
      resolve();
    }, abortAfterMs);
  });
}

async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('fault proxy, client gone', () => {
  it('reports a request the client left while the upstream was still working on it', async () => {
    await abandoned('GET', '/slow?wait=300', 50);
    await eventually(() => answered.includes('/slow?wait=300'));
    expect(carriedOut).toContain('/slow?wait=300');
    expect(answered).toContain('/slow?wait=300');
  });

  it('drops a held request whose client left before the delay ended: upstream never sees it, nothing is reported', async () => {
    await abandoned('PUT', '/held?wait=0', 20);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(carriedOut).not.toContain('/held?wait=0');
    expect(answered).not.toContain('/held?wait=0');
  });

  it('reports a held request whose client left after it was forwarded, before the answer', async () => {
    await abandoned('PUT', '/held-then-slow?wait=300', 150);
    await eventually(() => answered.includes('/held-then-slow?wait=300'));
    expect(carriedOut).toContain('/held-then-slow?wait=300');
    expect(answered).toContain('/held-then-slow?wait=300');
  });

  it('reports a request whose client left in the middle of a long answer', async () => {
    await abandoned('GET', '/long?wait=0', 5);
    await eventually(() => answered.includes('/long?wait=0'));
    expect(answered).toContain('/long?wait=0');
  });
});
