/**
 * The backend's HTTP application. `buildApp` returns a Fastify instance that is not yet listening,
 * so tests can use port 0 and the CLI decides where to listen.
 */
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { SCIM_CONTENT_TYPE, SCIM_ERROR } from '../shared/scim/urns.js';
import type { Store } from './store/database.js';
import { scimPlugin } from './scim/plugin.js';
import { ScimEndpointServices } from './scim/endpointServices.js';
import { hotReadFastPath, serveFastPathFirst } from './scim/hotReadFastPath.js';
import { FailedAuthLimiter } from './scim/failedAuthLimiter.js';
import { EventBus } from './domain/eventBus.js';
import { adminPlugin } from './admin/plugin.js';
import { concurrencyLimit, DEFAULT_MAX_CONCURRENT_REQUESTS } from './concurrencyLimit.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppConfig {
  db: Store;
  /** What Endpoint Base URLs and `meta.location` are built from; a function when known only after listen. */
  publicUrl: string | (() => string);
  /** A pino logger; none in tests. */
  logger?: FastifyBaseLogger;
  /** Failed bearer authentications allowed per client address and window before 429. */
  failedAuth?: { maxFailures: number; windowMs: number };
  /** Failed code redemptions and admin sign-ins allowed per client address and window before 429. */
  failedSignIn?: { maxFailures: number; windowMs: number };
  clock?: () => number;
  /** Live events to signed-in admins; one per process unless a test shares it. */
  bus?: EventBus;
  /**
   * Requests handled at once before the next one is answered 429 with Retry-After (0: no limit).
   * Default DEFAULT_MAX_CONCURRENT_REQUESTS; `serve --max-concurrent-requests`.
   */
  maxConcurrentRequests?: number;
}

/** Log fields that could carry a secret are never written. */
export const REDACTED_LOG_PATHS = ['req.headers.authorization', 'headers.authorization', 'authenticationSecret', 'password'];

/**
 * Node's HTTP parser refuses some requests before any route sees them (headers or URL over 16 KiB:
 * 431; malformed HTTP: 400). The answer still carries a JSON error that both SCIM clients
 * (`schemas`/`status`/`detail`) and admin API clients (`error`) can read.
 */
function answerRefusedConnection(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const detail = tooLarge
    ? 'The request line or headers are larger than this server accepts (16 KiB); shorten the URL or filter.'
    : 'The HTTP request is malformed.';
  const body = JSON.stringify({
    schemas: [SCIM_ERROR],
    status: String(status),
    ...(tooLarge ? {} : { scimType: 'invalidSyntax' }),
    detail,
    error: { code: 'invalid_request', message: detail },
  });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function buildApp(config: AppConfig): Promise<FastifyInstance> {
  const logsRequests = config.logger !== undefined && ['debug', 'trace'].includes(config.logger.level);
  const app = Fastify({
    ...(config.logger ? { loggerInstance: config.logger } : { logger: false }),
    bodyLimit: MAX_BODY_BYTES,
    // Directories retry on failure; a request must never hang forever on a slow client.
    requestTimeout: 30_000,
    // Okta and Entra send ids in paths that are ours; no need to tolerate trailing-slash variants twice.
    // Ids longer than the router's default 100 characters should be an ordinary 404, not a 414.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 1000 },
    clientErrorHandler: answerRefusedConnection,
    // Two JSON lines per request were a fifth of a SCIM GET's CPU; each connection's request log
    // (in the store) already records every directory request. LOG_LEVEL=debug brings them back.
    logController: new LogController({ disableRequestLogging: !logsRequests }),
  });

  // Only JSON is accepted anywhere; a text/plain body is a 415, not a string handed to a handler.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string', bodyLimit: MAX_BODY_BYTES },
    app.getDefaultJsonParser('error', 'error'),
  );

  const publicUrl = typeof config.publicUrl === 'function' ? config.publicUrl : () => config.publicUrl as string;
  const limiter = new FailedAuthLimiter({
    maxFailures: config.failedAuth?.maxFailures ?? 20,
    windowMs: config.failedAuth?.windowMs ?? 60_000,
    ...(config.clock ? { clock: config.clock } : {}),
  });

  const bus = config.bus ?? new EventBus();
  // First, so an overloaded server refuses before authenticating or reading the body.
  await app.register(concurrencyLimit, {
    maxConcurrent: config.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
    // Health checks must not fail because the instance is busy; live-event streams last for hours.
    exemptRoutes: ['/healthz', '/api/v1/events'],
    scimPrefix: '/scim/',
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  const scimServices = new ScimEndpointServices({ db: config.db, bus, publicUrl, limiter, clock: config.clock ?? Date.now, log: app.log });
  app.addHook('onClose', async () => scimServices.close());
  await app.register(scimPlugin, { prefix: '/scim/v2/:connectionId', db: config.db, bus, clock: config.clock ?? Date.now, services: scimServices });
  // The hot reads (by id, userName lookups, list pages) skip Fastify's lifecycle (docs/decisions.md), except when requests are logged one by one.
  if (!logsRequests) {
    const fastPath = hotReadFastPath({ db: config.db, services: scimServices, gate: app.concurrencyLimit, log: app.log });
    app.addHook('preClose', async () => fastPath.close());
    serveFastPathFirst(app.server, fastPath);
  }

  await app.register(adminPlugin, {
    prefix: '/api/v1',
    db: config.db,
    bus,
    clock: config.clock ?? Date.now,
    publicUrl,
    signInLimiter: new FailedAuthLimiter({
      maxFailures: config.failedSignIn?.maxFailures ?? 10,
      windowMs: config.failedSignIn?.windowMs ?? 60_000,
      ...(config.clock ? { clock: config.clock } : {}),
    }),
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` });
  });
  return app;
}
