/**
 * Everything under one connection's Endpoint Base URL (`/scim/v2/<connectionId>`): authentication,
 * SCIM content types, SCIM error bodies, and the discovery, Users and Groups routes.
 */
import type { FastifyBaseLogger, FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../store/database.js';
import { SCIM_CONTENT_TYPE } from '../../shared/scim/urns.js';
import { isBusy, isDatabaseUnavailable } from '../store/uniqueViolation.js';
import { ScimError, invalidSyntax } from './errors.js';
import type { EventBus } from '../domain/eventBus.js';
import { discoveryRoutes } from './routes/discovery.js';
import type { ScimEndpointServices, ScimRequestContext } from './endpointServices.js';
import { groupRoutes, userRoutes } from './routes/resources.js';

export type { ScimRequestContext } from './endpointServices.js';

export interface ScimPluginOptions {
  db: Store;
  bus: EventBus;
  clock: () => number;
  /** Authentication, request log and usage record, shared with the hot read's fast path. */
  services: ScimEndpointServices;
}

declare module 'fastify' {
  interface FastifyRequest {
    scim: ScimRequestContext;
  }
}

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

/** What a failed SCIM request is answered with; anything unexpected is logged as the bug it is and becomes a 500. */
export function scimErrorFor(error: unknown, log: FastifyBaseLogger): ScimError {
  const scimError = toScimError(error);
  if (scimError) return scimError;
  log.error({ err: error }, 'unexpected error in a SCIM request');
  return new ScimError(500, undefined, 'Internal server error. The request was not applied.');
}

export const scimPlugin: FastifyPluginAsync<ScimPluginOptions> = async (app, options) => {
  const { db, clock, bus, services } = options;

  app.decorateRequest('scim', null as unknown as ScimRequestContext);

  app.addHook('onRequest', async (request: FastifyRequest<{ Params: { connectionId: string } }>) => {
    request.scim = await services.authenticate({
      connectionId: request.params.connectionId,
      authorization: request.headers.authorization,
      clientAddress: request.ip,
    });
  });

  // Every request that reached a known connection goes to its request log and usage record (buffered).
  app.addHook('onResponse', async (request, reply) => {
    const context = request.scim as ScimRequestContext | null;
    if (!context) return;
    const { method, url, headers, body } = request;
    await services.answered(context, { method, url, headers, body, status: reply.statusCode, elapsedMs: reply.elapsedTime }, request.log);
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode !== 204) reply.type(SCIM_CONTENT_TYPE);
    return payload;
  });

  app.setErrorHandler((error, request, reply) => sendScimError(reply, scimErrorFor(error, request.log)));

  app.setNotFoundHandler((request, reply) =>
    sendScimError(reply, new ScimError(404, undefined, `No SCIM endpoint ${request.method} ${request.url.split('?')[0]}.`)),
  );

  await app.register(discoveryRoutes);
  await app.register(userRoutes, { db, clock, bus });
  await app.register(groupRoutes, { db, clock, bus });
};
