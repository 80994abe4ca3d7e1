/**
 * Load shedding: at most `maxConcurrent` requests are handled at once; the next one is answered
 * 429 with Retry-After straight away instead of queueing behind the others. Without it, a burst
 * (a directory's initial sync with many workers, several orgs syncing together) makes every
 * request wait longer and longer, until directories time out and retry, which makes it worse.
 * A cheap, immediate 429 keeps the accepted requests fast and tells Okta and Entra to back off.
 *
 * A slot is taken when the request's headers have arrived (before its body is read) and given
 * back when the response ends or the connection closes, whichever comes first. Admitted requests
 * wait one turn of the event loop before they are handled (see the hook), so that requests that
 * arrived together are counted together even when handlers never yield (synchronous SQLite). Routes in
 * `exemptRoutes` never take one: long-lived streams (SSE) would hold theirs for hours, and a
 * health check refused under load would make a load balancer pull a busy-but-working instance.
 *
 * Registered with fastify-plugin so its hook applies to every route of the app, before any
 * route's own hooks (authentication included) run.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SCIM_CONTENT_TYPE } from '../shared/scim/urns.js';
import { ScimError } from './scim/errors.js';
import { ApiFailure, sendApiFailure } from './admin/errors.js';

/** See docs/decisions.md, "Overload: a concurrency limit, then 429". */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 64;
/** Whole seconds (HTTP's Retry-After has no fractions); in-flight requests finish in milliseconds. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 1;
/** Refusals are logged as one summary line per interval, not one line per refused request. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

export interface ConcurrencyLimitOptions {
  /** Requests handled at once; the next one gets 429. 0 turns the limit off. */
  maxConcurrent: number;
  retryAfterSeconds?: number;
  /** Route patterns (as registered, e.g. `/api/v1/events`) that never take a slot. */
  exemptRoutes?: readonly string[];
  /** Paths under this prefix are answered in the SCIM error schema, others in the admin API's shape. */
  scimPrefix?: string;
}

/** What the limiter has seen, for tests and diagnostics. */
export interface ConcurrencyLimitState {
  readonly inFlight: number;
  readonly refused: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's one gate; the hot read's fast path (server/scim/hotReadFastPath.ts) takes its slots from it too. */
    concurrencyLimit: ConcurrencyGate;
  }
}

function refusalLogger(log: FastifyBaseLogger, maxConcurrent: number) {
  let lastLoggedAt = 0;
  let refusedSinceLog = 0;
  return () => {
    refusedSinceLog++;
    const now = Date.now();
    if (now - lastLoggedAt < REFUSAL_LOG_INTERVAL_MS) return;
    log.warn({ refused: refusedSinceLog, maxConcurrent }, 'overloaded: refusing requests with 429 (concurrency limit reached)');
    lastLoggedAt = now;
    refusedSinceLog = 0;
  };
}

/**
 * The slots themselves, shared by every path that handles requests, so that the count is the
 * whole process's.
 */
export class ConcurrencyGate implements ConcurrencyLimitState {
  private inFlightCount = 0;
  private refusedCount = 0;
  private readonly logRefusal: () => void;
  readonly retryAfter: string;
  private readonly release = () => void this.inFlightCount--;

  constructor(
    /** 0: no limit. */
    readonly maxConcurrent: number,
    log: FastifyBaseLogger,
    retryAfterSeconds = OVERLOAD_RETRY_AFTER_SECONDS,
  ) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 0) {
      throw new Error(`The concurrency limit must be a whole number of requests (0 for none), not ${String(maxConcurrent)}.`);
    }
    this.retryAfter = String(retryAfterSeconds);
    this.logRefusal = refusalLogger(log, maxConcurrent);
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get refused(): number {
    return this.refusedCount;
  }

  get limited(): boolean {
    return this.maxConcurrent > 0;
  }

  /**
   * Takes a slot until `response` closes ('close' fires once, when the response is fully sent or
   * the connection drops before that); false, counted as a refusal, when every slot is taken.
   */
  tryAdmit(response: ServerResponse): boolean {
    if (this.inFlightCount >= this.maxConcurrent) {
      this.refusedCount++;
      this.logRefusal();
      return false;
    }
    this.inFlightCount++;
    response.once('close', this.release);
    return true;
  }

  /** The refusal in the SCIM error schema (under /scim). */
  scimRefusal(): ScimError {
    return new ScimError(429, undefined, this.refusalDetail(), { 'Retry-After': this.retryAfter });
  }

  /** The refusal in the admin API's shape. */
  apiRefusal(): ApiFailure {
    return new ApiFailure(429, 'rate_limited', this.refusalDetail(), undefined, { 'Retry-After': this.retryAfter });
  }

  private refusalDetail(): string {
    return `Too many requests: this server is handling ${this.maxConcurrent} requests at once. Retry after ${this.retryAfter} s.`;
  }
}

/**
 * Yield once before handling an admitted request. On SQLite a handler runs start to finish without
 * ever waiting (the driver is synchronous), so without this no two requests would ever be in
 * flight: the backlog would sit unseen in the sockets and latency would grow with the number of
 * clients. With it, every request already received in this turn of the event loop is admitted or
 * refused before any of them is handled, so the count is the real queue.
 */
export function yieldToArrivedRequests(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

const plugin: FastifyPluginAsync<ConcurrencyLimitOptions> = async (app, options) => {
  const gate = new ConcurrencyGate(options.maxConcurrent, app.log, options.retryAfterSeconds);
  const exempt = new Set(options.exemptRoutes ?? []);
  const scimPrefix = (options.scimPrefix ?? '/scim/').toLowerCase();
  app.decorate('concurrencyLimit', gate);
  if (!gate.limited) return;

  function refuse(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    // Keep-alive stays on: the client may retry on the same connection, and an unread body is discarded by Node.
    if (request.url.toLowerCase().startsWith(scimPrefix)) {
      const error = gate.scimRefusal();
      return reply.code(429).headers(error.headers).type(SCIM_CONTENT_TYPE).send(error.toBody());
    }
    return sendApiFailure(reply, gate.apiRefusal());
  }

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== undefined && exempt.has(request.routeOptions.url)) return;
    if (!gate.tryAdmit(reply.raw)) return refuse(request, reply);
    await yieldToArrivedRequests();
  });
};

export const concurrencyLimit = fp(plugin, { fastify: '5.x', name: 'concurrency-limit' });
