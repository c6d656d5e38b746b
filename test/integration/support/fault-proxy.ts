/**
 * A small HTTP proxy in front of moto that injects the failures moto cannot: S3 error
 * responses (503 SlowDown), connection resets and delays. Loopback only, bounded.
 * Bodies are streamed both ways, so multipart uploads pass through unchanged.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../support/seeded-random.ts';

export type FaultAction =
  /** Answer with this status and, for `s3Error`, an S3 XML error body with that code. */
  | { status: number; s3Error?: string; message?: string }
  /** Destroy the client's socket without answering. */
  | { reset: true }
  /** Wait, then forward as usual. */
  | { delayMs: number }
  /** Forward to moto (the request takes effect), then destroy the client's socket instead of answering. */
  | { resetAfterForward: true };

/** What a `when` predicate sees of a request. */
export interface FaultRequest {
  method: string;
  /** Path and query string, as sent (path-style S3: `/<bucket>/<key>`). */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface FaultRule {
  /** HTTP method, e.g. `PUT`; any when absent. */
  method?: string;
  /** Tested against the request path including its query string. */
  path?: RegExp;
  /** A header that must be present (and match `value` when given), e.g. `x-amz-copy-source`. */
  header?: { name: string; value?: RegExp };
  /** Any further test of the request, e.g. "a PUT of a markers/ key without If-None-Match". */
  when?: (request: FaultRequest) => boolean;
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
  /** Requests moto carried out whose response was then withheld (`resetAfterForward`). */
  lost: number;
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

/** A request as the observers see it; `body` only where it was captured. */
export interface ObservedRequest extends FaultRequest {
  body?: string;
}

export interface FaultProxyOptions {
  seed?: number;
  /** Every request, as it arrives (e.g. to count requests by kind). */
  onRequest?: (request: ObservedRequest) => void;
  /** Requests whose body `onAnswered` needs (buffered for these alone; lost responses always have theirs). */
  captureBody?: (request: ObservedRequest) => boolean;
  /** moto answered this request (whether or not the answer then reached the client). */
  onAnswered?: (request: ObservedRequest, status: number) => void;
  /** A request moto carried out whose response the client never saw (`resetAfterForward`). */
  onLostResponse?: (request: ObservedRequest) => void;
  /** Every request moto is asked (after the fault rules let it through), e.g. to log what reached it. */
  onForward?: (request: ForwardedRequest) => void;
  /** Rewrites moto's answer to matching requests (a client that cannot take middleware, e.g. a bundled function, meets a moto gap). */
  rewriteResponse?: { path: RegExp; body: (text: string) => string };
}

const HOST = '127.0.0.1';
const MAX_DELAY_MS = 30_000;
const MAX_CONNECTIONS = 128;

/** A request as it was forwarded to moto (faulted ones never reach it and are not reported). */
export type ForwardedRequest = FaultRequest;

export async function startFaultProxy(
  target: string,
  rules: FaultRule[] = [],
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  if (!isLoopback(upstream.hostname)) throw new Error(`fault proxy only forwards to loopback, not ${upstream.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const random = seededRandom(options.seed ?? 1);
  const stats: FaultProxyStats = { forwarded: 0, faulted: 0, delayed: 0, lost: 0, inFlight: 0, peakInFlight: 0, byRule: [] };
  let active: { rule: FaultRule; hits: number }[] = [];
  const setRules = (next: FaultRule[]): void => {
    active = next.map((rule) => ({ rule, hits: 0 }));
    stats.byRule = next.map(() => 0);
    stats.peakInFlight = stats.inFlight;
  };
  setRules(rules);
  /** Requests forwarded for a `resetAfterForward` rule: their answers are dropped and the socket reset. */
  const answersToDrop = new WeakSet<ServerResponse>();

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

  const observed = (req: IncomingMessage): ObservedRequest => ({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
  /** The request as observers see it once its body (when captured) has been read. */
  const capture = (req: IncomingMessage, always: boolean): (() => ObservedRequest) => {
    const request = observed(req);
    if (!always && options.captureBody?.(request) !== true) return () => request;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    return () => ({ ...request, body: Buffer.concat(chunks).toString('utf8') });
  };

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    stats.forwarded++;
    const resetAnswer = answersToDrop.has(res);
    const seen = options.onAnswered || (resetAnswer && options.onLostResponse) ? capture(req, resetAnswer) : undefined;
    options.onForward?.({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
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
        if (seen) answer.once('end', () => options.onAnswered?.(seen(), answer.statusCode ?? 502));
        if (resetAnswer) {
          answer.resume();
          answer.on('end', () => {
            stats.lost++;
            if (seen) options.onLostResponse?.(seen());
            res.socket?.destroy();
          });
          return;
        }
        const rewrite = options.rewriteResponse;
        if (rewrite === undefined || !rewrite.path.test(req.url ?? '/')) {
          // A client that went away (a killed process) stops the pipe; drain moto's answer so that
          // onAnswered still reports what moto carried out — also when it left before moto answered.
          const drain = (): void => {
            if (!answer.readableEnded) answer.resume();
          };
          if (res.destroyed) return drain();
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          // After pipe's own 'close' handler, which unpipes and pauses the answer.
          res.once('close', drain);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.from(rewrite.body(Buffer.concat(chunks).toString('utf8')));
          const { 'content-length': _length, 'transfer-encoding': _encoding, ...answerHeaders } = answer.headers;
          res.writeHead(answer.statusCode ?? 502, { ...answerHeaders, 'content-length': body.length });
          res.end(body);
        });
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
    options.onRequest?.(observed(req));
    const action = chooseAction(req);
    if (action === undefined) return forward(req, res);
    if ('reset' in action) {
      stats.faulted++;
      req.socket.destroy();
      return;
    }
    if ('resetAfterForward' in action) {
      stats.faulted++;
      answersToDrop.add(res);
      return forward(req, res);
    }
    if ('delayMs' in action) {
      stats.delayed++;
      // A client that left while its request was held takes the request with it: upstream never sees it.
      setTimeout(() => (res.destroyed ? undefined : forward(req, res)), Math.min(action.delayMs, MAX_DELAY_MS));
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
  if (rule.when !== undefined && !rule.when({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers })) return false;
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
