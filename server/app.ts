/**
 * The backend's HTTP application. `buildApp` returns a Fastify instance that is not yet listening,
 * so tests can use port 0 and the CLI decides where to listen.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Store } from './store/database.js';
import { scimPlugin } from './scim/plugin.js';
import { FailedAuthLimiter } from './scim/failedAuthLimiter.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppConfig {
  db: Store;
  /** What Endpoint Base URLs and `meta.location` are built from; a function when known only after listen. */
  publicUrl: string | (() => string);
  logger?: FastifyServerOptions['logger'];
  /** Failed bearer authentications allowed per client address and window before 429. */
  failedAuth?: { maxFailures: number; windowMs: number };
  clock?: () => number;
}

/** Log fields that could carry a secret are never written. */
export const REDACTED_LOG_PATHS = ['req.headers.authorization', 'headers.authorization', 'authenticationSecret', 'password'];

export async function buildApp(config: AppConfig): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logger ?? false,
    bodyLimit: MAX_BODY_BYTES,
    // Directories retry on failure; a request must never hang forever on a slow client.
    requestTimeout: 30_000,
    // Okta and Entra send ids in paths that are ours; no need to tolerate trailing-slash variants twice.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
  });

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

  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(scimPlugin, {
    prefix: '/scim/v2/:connectionId',
    db: config.db,
    publicUrl,
    limiter,
    clock: config.clock ?? Date.now,
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` });
  });
  return app;
}
