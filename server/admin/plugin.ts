/**
 * The admin API (`/api/v1`): JSON for the desktop app and for headless admins with curl. Callers
 * authenticate with a device token; each feature registers its routes from its own module.
 */
import type { FastifyPluginAsync } from 'fastify';
import { authenticateDevice } from '../domain/sessions.js';
import { ApiFailure, sendApiFailure, toApiFailure } from './errors.js';
import type { AdminDeps } from './route.js';
import { sessionRoutes } from './routes/session.js';
import { connectionRoutes } from './routes/connections.js';
import { openApiRoutes } from './routes/openapi.js';
import { poolRoutes } from './routes/pool.js';
import { inviteRoutes } from './routes/invites.js';
import { memberRoutes } from './routes/members.js';
import { auditRoutes } from './routes/audit.js';
import { eventRoutes } from './routes/events.js';

function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
}

export const adminPlugin: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  app.decorateRequest('adminSession', null);

  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) return;
    const session = await authenticateDevice(deps.db, token);
    if (session) {
      request.adminSession = session;
      return;
    }
    // A wrong token is an error even on public routes: the caller believes it is signed in.
    const wait = deps.signInLimiter.retryAfterSeconds(request.ip);
    if (wait > 0) throw new ApiFailure(429, 'rate_limited', 'Too many failed sign-in attempts; wait and retry.', undefined, { 'Retry-After': String(wait) });
    deps.signInLimiter.recordFailure(request.ip);
    throw new ApiFailure(401, 'unauthorized', 'This device token is not valid: it was revoked (for example because the member was removed) or never existed.');
  });

  app.setErrorHandler((error, request, reply) => {
    const failure = toApiFailure(error);
    if (failure) return sendApiFailure(reply, failure);
    request.log.error({ err: error }, 'unexpected error in an admin API request');
    return sendApiFailure(reply, new ApiFailure(500, 'internal', 'Internal server error. The request was not applied.'));
  });

  app.setNotFoundHandler((request, reply) =>
    sendApiFailure(reply, new ApiFailure(404, 'not_found', `No admin API endpoint ${request.method} ${request.url.split('?')[0]}.`)),
  );

  const features = [sessionRoutes, connectionRoutes, openApiRoutes, poolRoutes, inviteRoutes, memberRoutes, auditRoutes, eventRoutes];
  for (const routes of features) {
    // `deps` arrived with this plugin's own `prefix`; passing it on would mount the features at /api/v1/api/v1.
    await app.register(routes, { ...deps, prefix: '' });
  }
};
