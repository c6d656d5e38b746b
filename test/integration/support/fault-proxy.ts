/**
 * A small HTTP proxy in front of moto that injects the failures moto cannot: S3 error
 * responses (503 SlowDown), connection resets and delays. Loopback only, bounded.
 * Bodies are streamed both ways, so multipart uploads pass through unchanged.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../support/seeded-random.ts';

export type FaultAction =
  /** Answer with this status and, for `s3Error`, an S3 XML error body with that code. */
  | { status: number; s3Error?: string; message?: string }
  /** Destroy the client's socket without answering. */
  | { reset: true }
  /** Wait, then forward as usual. */
  | { delayMs: number };

export interface FaultRule {
  /** HTTP method, e.g. `PUT`; any when absent. */
  method?: string;
  /** Tested against the request path including its query string. */
  path?: RegExp;
  /** A header that must be present (and match `value` when given), e.g. `x-amz-copy-source`. */
  header?: { name: string; value?: RegExp };
  action: FaultAction;
  /** Apply to the first N matching requests only. */
  count?: number;
  /** Apply to each matching request with this probability (seeded, reproducible). */
  probability?: number;
}

export interface FaultProxyStats {
  /** Requests that reached moto (delayed ones included). */
  forwarded: number;
  /** Requests answered with an error or reset. */
  faulted: number;
  delayed: number;
  /** Requests being handled right now, and the most at once since the last `setRules`. */
  inFlight: number;
  peakInFlight: number;
  /** How often each rule of the current rule set fired. */
  byRule: number[];
}

export interface FaultProxy {
  endpoint: string;
  stop(): Promise<void>;
  /** Replaces the rules and restarts their counts and the peak (totals in `stats` keep counting). */
  setRules(rules: FaultRule[]): void;
  readonly stats: FaultProxyStats;
}

const HOST = '127.0.0.1';
const MAX_DELAY_MS = 30_000;
const MAX_CONNECTIONS = 128;

/**
 * A request moto answered, so one it carried out (faulted ones never reach it; one whose client
 * vanished before it was forwarded may never be sent in full, and is not reported either).
 */
export interface ForwardedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export async function startFaultProxy(
  target: string,
  rules: FaultRule[] = [],
  options: { seed?: number; onAnswer?: (request: ForwardedRequest) => void } = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  if (!isLoopback(upstream.hostname)) throw new Error(`fault proxy only forwards to loopback, not ${upstream.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const random = seededRandom(options.seed ?? 1);
  const stats: FaultProxyStats = { forwarded: 0, faulted: 0, delayed: 0, inFlight: 0, peakInFlight: 0, byRule: [] };
  let active: { rule: FaultRule; hits: number }[] = [];
  const setRules = (next: FaultRule[]): void => {
    active = next.map((rule) => ({ rule, hits: 0 }));
    stats.byRule = next.map(() => 0);
    stats.peakInFlight = stats.inFlight;
  };
  setRules(rules);

  const chooseAction = (req: IncomingMessage): FaultAction | undefined => {
    for (const [index, entry] of active.entries()) {
      if (!matches(entry.rule, req)) continue;
      entry.hits++;
      if (entry.rule.count !== undefined && entry.hits > entry.rule.count) continue;
      if (entry.rule.probability !== undefined && random() >= entry.rule.probability) continue;
      stats.byRule[index] = (stats.byRule[index] ?? 0) + 1;
      return entry.rule.action;
    }
    return undefined;
  };

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    stats.forwarded++;
    // this proxy already answered `100 Continue`; the body follows at once
    const { expect: _alreadyContinued, ...headers } = req.headers;
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (answer) => {
        options.onAnswer?.({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    outgoing.on('error', () => res.socket?.destroy());
    req.pipe(outgoing);
  };

  const server = createServer((req, res) => {
    stats.inFlight++;
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) stats.inFlight--;
      counted = false;
    };
    res.once('close', done);
    req.socket.once('close', done);
    const action = chooseAction(req);
    if (action === undefined) return forward(req, res);
    if ('reset' in action) {
      stats.faulted++;
      req.socket.destroy();
      return;
    }
    if ('delayMs' in action) {
      stats.delayed++;
      setTimeout(() => forward(req, res), Math.min(action.delayMs, MAX_DELAY_MS));
      return;
    }
    stats.faulted++;
    req.resume();
    req.on('end', () => {
      const body = action.s3Error !== undefined ? s3ErrorXml(action.s3Error, action.message, req.url ?? '/') : '';
      res.writeHead(action.status, {
        'content-type': 'application/xml',
        'content-length': Buffer.byteLength(body),
        'x-amz-request-id': 'FAULTPROXY',
      });
      res.end(body);
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://${HOST}:${port}`,
    stats,
    setRules,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function matches(rule: FaultRule, req: IncomingMessage): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== req.method) return false;
  if (rule.path !== undefined && !rule.path.test(req.url ?? '/')) return false;
  if (rule.header !== undefined) {
    const value = req.headers[rule.header.name.toLowerCase()];
    if (value === undefined) return false;
    const text = Array.isArray(value) ? value.join(',') : value;
    if (rule.header.value !== undefined && !rule.header.value.test(text)) return false;
  }
  return true;
}

function s3ErrorXml(code: string, message: string | undefined, resource: string): string {
  const escape = (text: string): string =>
    text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escape(code)}</Code><Message>${escape(message ?? defaultMessage(code))}</Message>` +
    `<Resource>${escape(resource)}</Resource><RequestId>FAULTPROXY</RequestId></Error>`
  );
}

function defaultMessage(code: string): string {
  return code === 'SlowDown' ? 'Please reduce your request rate.' : `Injected ${code}`;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** mulberry32: small, fast and reproducible for a given seed. */
