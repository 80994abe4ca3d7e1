/**
 * Everything under one connection's Endpoint Base URL (`/scim/v2/<connectionId>`): authentication,
 * SCIM content types, SCIM error bodies, and the discovery, Users and Groups routes.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/database.js';
import type { ScimConnectionsTable } from '../store/schema.js';
import { SCIM_CONTENT_TYPE } from '../../shared/scim/urns.js';
import { endpointBaseUrl } from '../domain/connections.js';
import { nowIso } from '../domain/ids.js';
import { isBusy, isDatabaseUnavailable } from '../store/uniqueViolation.js';
import { authenticateConnection } from './authenticate.js';
import { ConnectionCredentialCache } from './connectionCredentialCache.js';
import { detectProvider } from './detectProvider.js';
import { ScimError, invalidSyntax } from './errors.js';
import type { FailedAuthLimiter } from './failedAuthLimiter.js';
import type { EventBus } from '../domain/eventBus.js';
import { discoveryRoutes } from './routes/discovery.js';
import { RequestLogRecorder, redactRequestBody } from './requestLog.js';
import { groupRoutes, userRoutes } from './routes/resources.js';

export interface ScimPluginOptions {
  db: Store;
  bus: EventBus;
  publicUrl: () => string;
  limiter: FailedAuthLimiter;
  clock: () => number;
}

export interface ScimRequestContext {
  connection: ScimConnectionsTable;
  /** The connection's Endpoint Base URL, for Location headers and meta.location. */
  baseUrl: string;
  /** When the request arrived, for the request log. */
  receivedAt: number;
  /** The SCIM error `detail` this request was answered with, for the request log. */
  errorDetail: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    scim: ScimRequestContext;
  }
}

/** How often a connection's "last request" time is written: often enough for a health line, rarely enough to stay off the hot path. */
const USAGE_WRITE_INTERVAL_MS = 5_000;

export function sendScimError(reply: FastifyReply, error: ScimError): FastifyReply {
  // Unauthenticated requests have no context; they are not recorded in any connection's log.
  const context = reply.request.scim as ScimRequestContext | null;
  if (context) context.errorDetail = error.message;
  return reply.code(error.status).headers(error.headers).type(SCIM_CONTENT_TYPE).send(error.toBody());
}

/** Maps whatever a handler or Fastify threw to a SCIM error; only true bugs become 500. */
export function toScimError(error: unknown): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (isBusy(error)) return new ScimError(503, undefined, 'The database is busy; retry shortly.', { 'Retry-After': '1' });
  if (isDatabaseUnavailable(error)) return new ScimError(503, undefined, 'The database is unavailable; retry shortly.', { 'Retry-After': '5' });
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ScimError(413, undefined, 'The request body is larger than the 1 MiB this server accepts.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ScimError(415, undefined, 'Send the body as application/scim+json or application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return invalidSyntax('The request body is empty; a JSON object was expected.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidSyntax(`The request body is not valid JSON: ${fastifyError.message ?? ''}`.trim());
  }
  if (error instanceof SyntaxError || fastifyError.statusCode === 400) {
    return invalidSyntax(`The request body is not valid JSON: ${fastifyError.message ?? ''}`.trim());
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new ScimError(fastifyError.statusCode, undefined, fastifyError.message ?? 'The request was refused.');
  }
  return undefined;
}

export const scimPlugin: FastifyPluginAsync<ScimPluginOptions> = async (app, options) => {
  const { db, publicUrl, limiter, clock, bus } = options;
  const lastUsageWrite = new Map<string, { at: number; provider: string | null }>();

  app.decorateRequest('scim', null as unknown as ScimRequestContext);

  const connections = new ConnectionCredentialCache(db);
  app.addHook('onClose', async () => connections.close());

  const requestLog = new RequestLogRecorder({ db, bus, log: app.log });
  app.addHook('onClose', async () => requestLog.close());

  app.addHook('onRequest', async (request: FastifyRequest<{ Params: { connectionId: string } }>) => {
    const receivedAt = clock();
    const connection = await authenticateConnection(connections, {
      connectionId: request.params.connectionId,
      authorization: request.headers.authorization,
      clientAddress: request.ip,
      limiter,
      now: clock(),
    });
    request.scim = { connection, baseUrl: endpointBaseUrl(publicUrl(), connection.id), receivedAt, errorDetail: null };
  });

  // Every request that reached a known connection goes to its request log and counters (buffered).
  app.addHook('onResponse', async (request, reply) => {
    const context = request.scim as ScimRequestContext | null;
    if (!context) return;
    try {
      requestLog.record({
        connectionId: context.connection.id,
        orgId: context.connection.org_id,
        at: nowIso(() => context.receivedAt),
        method: request.method,
        path: request.url.replace(/^\/scim\/v2\/[^/?]+/i, '') || '/',
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        errorDetail: reply.statusCode >= 400 ? (context.errorDetail ?? null) : null,
        body: redactRequestBody(request.body),
      });
    } catch (error) {
      request.log.warn({ err: error }, 'could not record the request in the SCIM request log');
    }
  });

  // Record which directory is calling and when; at most one write per connection per interval.
  app.addHook('onResponse', async (request) => {
    const connection = request.scim?.connection;
    if (!connection) return;
    const provider = detectProvider(request.headers) ?? connection.detected_provider;
    const previous = lastUsageWrite.get(connection.id);
    const now = clock();
    if (previous && previous.provider === provider && now - previous.at < USAGE_WRITE_INTERVAL_MS) return;
    lastUsageWrite.set(connection.id, { at: now, provider });
    try {
      await db
        .updateTable('scim_connections')
        .set({ last_request_at: nowIso(() => now), detected_provider: provider })
        .where('id', '=', connection.id)
        .execute();
    } catch (error) {
      request.log.warn({ err: error }, 'could not record connection usage');
    }
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode !== 204) reply.type(SCIM_CONTENT_TYPE);
    return payload;
  });

  app.setErrorHandler((error, request, reply) => {
    const scimError = toScimError(error);
    if (scimError) return sendScimError(reply, scimError);
    request.log.error({ err: error }, 'unexpected error in a SCIM request');
    return sendScimError(reply, new ScimError(500, undefined, 'Internal server error. The request was not applied.'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendScimError(reply, new ScimError(404, undefined, `No SCIM endpoint ${request.method} ${request.url.split('?')[0]}.`)),
  );

  await app.register(discoveryRoutes);
  await app.register(userRoutes, { db, clock, bus });
  await app.register(groupRoutes, { db, clock, bus });
};
