/**
 * The load generator every backend workload and the bare node:http baseline share: N virtual
 * clients, each with its own keep-alive HTTP/1.1 connection (an undici `Client`), each running
 * the workload's `step` in a loop. A step sends one or more requests (Entra's lookup-then-create
 * is one step of two requests) and decides what to send from what came back; the generator
 * records every request's latency and status.
 *
 * A run ends when every client's step returns `false` (the workload is done: a directory fully
 * imported, a wave fully sent) or when `maxSeconds` have passed, whichever is first.
 */
import { createHistogram } from 'node:perf_hooks';
import { Client } from 'undici';

export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. `/scim/v2/<id>/Users?count=100`. */
  path: string;
  /** Serialised JSON, sent as application/scim+json. */
  body?: string;
  /** Extra headers (Authorization, User-Agent). */
  headers?: Record<string, string>;
}

export interface BenchResponse {
  status: number;
  /** The response body as text; parse it only where the flow needs it (it costs generator CPU). */
  text: string;
}

export interface ClientContext {
  /** 0 … clients-1. */
  index: number;
  send(request: BenchRequest): Promise<BenchResponse>;
}

/** One unit of a workload for one client; false when this client has nothing left to do. */
export type Step = (client: ClientContext) => Promise<boolean>;

export interface LoadOptions {
  origin: string;
  clients: number;
  step: Step;
  /** Stop starting new steps after this long. */
  maxSeconds: number;
  /** Statuses that count as success (default: any 2xx). */
  ok?: (status: number) => boolean;
}

export interface LoadResult {
  requests: number;
  /** Requests whose status was not a success, or that failed at the transport level. */
  errors: number;
  /** The first few error statuses/messages with their counts, for the report. */
  errorKinds: Record<string, number>;
  steps: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number; mean: number };
  /** CPU the generator itself used, as a share of one core: near 1.0 means it, not the server, set the pace. */
  generatorCpu: number;
  /** True when the run stopped at maxSeconds rather than when the workload was done. */
  timedOut: boolean;
}

const COMMON_HEADERS = { 'content-type': 'application/scim+json', accept: 'application/scim+json' };

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const ok = options.ok ?? ((s: number) => s >= 200 && s < 300);
  const histogram = createHistogram();
  const errorKinds: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  let steps = 0;
  let timedOut = false;
  const countError = (kind: string) => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };

  const clients = Array.from({ length: options.clients }, () => new Client(options.origin, { pipelining: 1, keepAliveTimeout: 60_000 }));
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const deadline = started + options.maxSeconds * 1000;

  async function loop(index: number): Promise<void> {
    const client = clients[index]!;
    const context: ClientContext = {
      index,
      async send(request) {
        const sentAt = performance.now();
        try {
          const response = await client.request({
            method: request.method,
            path: request.path,
            headers: request.body === undefined ? { accept: COMMON_HEADERS.accept, ...request.headers } : { ...COMMON_HEADERS, ...request.headers },
            ...(request.body !== undefined ? { body: request.body } : {}),
          });
          const text = await response.body.text();
          histogram.record(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
          requests++;
          if (!ok(response.statusCode)) countError(`HTTP ${response.statusCode}: ${text.slice(0, 160)}`);
          return { status: response.statusCode, text };
        } catch (error) {
          requests++;
          countError(`transport: ${(error as Error).message}`);
          return { status: 0, text: '' };
        }
      },
    };
    for (;;) {
      if (performance.now() >= deadline) {
        timedOut = true;
        return;
      }
      const more = await options.step(context);
      steps++;
      if (!more) return;
    }
  }

  try {
    await Promise.all(clients.map((_, i) => loop(i)));
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const us = (v: number) => v / 1000; // histogram records microseconds
  return {
    requests,
    errors,
    errorKinds: Object.fromEntries(Object.entries(errorKinds).slice(0, 5)),
    steps,
    seconds,
    requestsPerSecond: requests / seconds,
    latencyMs: {
      p50: requests > 0 ? us(histogram.percentile(50)) : NaN,
      p99: requests > 0 ? us(histogram.percentile(99)) : NaN,
      max: requests > 0 ? us(histogram.max) : NaN,
      mean: requests > 0 ? us(histogram.mean) : NaN,
    },
    generatorCpu: (cpu.user + cpu.system) / 1e6 / seconds,
    timedOut,
  };
}
