/**
 * What every request under a connection's Endpoint Base URL goes through, whichever HTTP path
 * serves it (the Fastify routes of plugin.ts, or the hot read's fast path in hotReadFastPath.ts):
 * authentication against the connection, the connection's request log, and its "last request"
 * time and detected directory. One copy of each rule, so both paths answer and record alike.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/database.js';
import type { ScimConnectionsTable } from '../store/schema.js';
import type { EventBus } from '../domain/eventBus.js';
import { endpointBaseUrl } from '../domain/connections.js';
import { nowIso } from '../domain/ids.js';
import { authenticateConnection } from './authenticate.js';
import { ConnectionCredentialCache } from './connectionCredentialCache.js';
import { detectProvider } from './detectProvider.js';
import type { FailedAuthLimiter } from './failedAuthLimiter.js';
import { RequestLogRecorder, redactRequestBody } from './requestLog.js';

export interface ScimRequestContext {
  connection: ScimConnectionsTable;
  /** The connection's Endpoint Base URL, for Location headers and meta.location. */
  baseUrl: string;
  /** When the request arrived, for the request log. */
  receivedAt: number;
  /** The SCIM error `detail` this request was answered with, for the request log. */
  errorDetail: string | null;
}

/** What the request log and the usage record need to know about an answered request. */
export interface AnsweredScimRequest {
  method: string;
  /** The request's URL as received (path and query). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body, if any (redacted before it is logged). */
  body: unknown;
  status: number;
  /** From the request's arrival to the end of the response. */
  elapsedMs: number;
}

export interface ScimEndpointServicesOptions {
  db: Store;
  bus: EventBus;
  publicUrl: () => string;
  limiter: FailedAuthLimiter;
  clock: () => number;
  log: FastifyBaseLogger;
}

/** How often a connection's "last request" time is written: often enough for a health line, rarely enough to stay off the hot path. */
const USAGE_WRITE_INTERVAL_MS = 5_000;

const ENDPOINT_PREFIX = /^\/scim\/v2\/[^/?]+/i;

export class ScimEndpointServices {
  private readonly connections: ConnectionCredentialCache;
  private readonly requestLog: RequestLogRecorder;
  private readonly lastUsageWrite = new Map<string, { at: number; provider: string | null }>();

  constructor(private readonly options: ScimEndpointServicesOptions) {
    this.connections = new ConnectionCredentialCache(options.db);
    this.requestLog = new RequestLogRecorder({ db: options.db, bus: options.bus, log: options.log });
  }

  /** The connection the request may act for, or a ScimError (401, 410, 429) to answer with. */
  async authenticate(request: { connectionId: string; authorization: string | undefined; clientAddress: string }): Promise<ScimRequestContext> {
    const { clock } = this.options;
    const receivedAt = clock();
    const connection = await authenticateConnection(this.connections, { ...request, limiter: this.options.limiter, now: clock() });
    return { connection, baseUrl: endpointBaseUrl(this.options.publicUrl(), connection.id), receivedAt, errorDetail: null };
  }

  /**
   * Every answered request that reached a known connection goes to its request log (buffered) and
   * its usage record. Never throws; failures are logged on `log`.
   */
  async answered(context: ScimRequestContext, request: AnsweredScimRequest, log: FastifyBaseLogger): Promise<void> {
    try {
      this.requestLog.record({
        connectionId: context.connection.id,
        orgId: context.connection.org_id,
        at: nowIso(() => context.receivedAt),
        method: request.method,
        path: request.url.replace(ENDPOINT_PREFIX, '') || '/',
        status: request.status,
        durationMs: Math.round(request.elapsedMs * 10) / 10,
        errorDetail: request.status >= 400 ? (context.errorDetail ?? null) : null,
        body: redactRequestBody(request.body),
      });
    } catch (error) {
      log.warn({ err: error }, 'could not record the request in the SCIM request log');
    }
    await this.recordUsage(context.connection, request.headers, log);
  }

  /** Which directory is calling and when; at most one write per connection per interval. */
  private async recordUsage(connection: ScimConnectionsTable, headers: AnsweredScimRequest['headers'], log: FastifyBaseLogger): Promise<void> {
    const provider = detectProvider(headers) ?? connection.detected_provider;
    const previous = this.lastUsageWrite.get(connection.id);
    const now = this.options.clock();
    if (previous && previous.provider === provider && now - previous.at < USAGE_WRITE_INTERVAL_MS) return;
    this.lastUsageWrite.set(connection.id, { at: now, provider });
    try {
      await this.options.db
        .updateTable('scim_connections')
        .set({ last_request_at: nowIso(() => now), detected_provider: provider })
        .where('id', '=', connection.id)
        .execute();
    } catch (error) {
      log.warn({ err: error }, 'could not record connection usage');
    }
  }

  /** Writes the buffered request log and stops the credential cache; before the store closes. */
  async close(): Promise<void> {
    this.connections.close();
    await this.requestLog.close();
  }
}
