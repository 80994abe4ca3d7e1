/**
 * The hot read, `GET /scim/v2/<connectionId>/Users/<id>` without a query, answered straight from
 * node:http's request event instead of through Fastify's request lifecycle (routing, request and
 * reply objects, a child logger, five hooks, onSend and the reply's serialisation), which cost more
 * CPU than the read itself (bench/RESULTS.md). It is the one request every directory sends most.
 *
 * It runs the route's own code, never a copy of a rule: the app's concurrency gate and its yield
 * (concurrencyLimit.ts), authentication, request log and usage record (endpointServices.ts), the
 * read and its JSON text (`readWholeUserJson`, what the Users route answers with), and the error
 * mapping (`scimErrorFor`). Anything else, and anything it is not sure of (a query, a HEAD, an id
 * with characters that would need decoding, a trailing slash, the app closing), goes to Fastify.
 * test/integration/scim-hot-read-fast-path.test.ts compares both paths' answers and log rows.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/database.js';
import { SCIM_CONTENT_TYPE } from '../../shared/scim/urns.js';
import { yieldToArrivedRequests, type ConcurrencyGate } from '../concurrencyLimit.js';
import type { ScimError } from './errors.js';
import type { ScimEndpointServices, ScimRequestContext } from './endpointServices.js';
import { scimErrorFor } from './plugin.js';
import { readWholeUserJson } from './routes/resources.js';

/**
 * Matched as the router would (paths are case-insensitive), but only ids made of unreserved
 * characters, which no router decodes differently, and no longer than the router's parameters.
 */
const HOT_READ_URL = /^\/scim\/v2\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/users\/([A-Za-z0-9][A-Za-z0-9._~-]{0,99})$/i;

export interface HotReadFastPathOptions {
  db: Store;
  services: ScimEndpointServices;
  gate: ConcurrencyGate;
  log: FastifyBaseLogger;
}

/** Answers the request and returns true if it is a hot read; returns false, touching nothing, otherwise. */
export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

export function hotReadFastPath({ db, services, gate, log }: HotReadFastPathOptions): FastPath & { close(): void } {
  let closing = false;

  function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
    // What Fastify writes for the route: lower-case header names, the SCIM content type, a length.
    response.writeHead(status, { ...headers, 'content-type': SCIM_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(body)) });
    response.end(body);
  }

  function sendError(response: ServerResponse, error: ScimError): void {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(error.headers)) headers[name.toLowerCase()] = value;
    send(response, error.status, headers, JSON.stringify(error.toBody()));
  }

  async function answer(request: IncomingMessage, response: ServerResponse, connectionId: string, id: string): Promise<void> {
    const startedAt = performance.now();
    if (gate.limited) {
      if (!gate.tryAdmit(response)) return sendError(response, gate.scimRefusal());
      await yieldToArrivedRequests();
    }
    let context: ScimRequestContext | undefined;
    try {
      context = await services.authenticate({
        connectionId,
        authorization: request.headers.authorization,
        clientAddress: request.socket.remoteAddress ?? '',
      });
      const body = await readWholeUserJson(db, context.connection.id, id, context.baseUrl);
      recordWhenFinished(request, response, context, startedAt);
      send(response, 200, {}, body);
    } catch (error) {
      const scimError = scimErrorFor(error, log);
      // Unauthenticated requests have no context; they are not recorded in any connection's log.
      if (context) {
        context.errorDetail = scimError.message;
        recordWhenFinished(request, response, context, startedAt);
      }
      sendError(response, scimError);
    }
  }

  function recordWhenFinished(request: IncomingMessage, response: ServerResponse, context: ScimRequestContext, startedAt: number): void {
    response.once('finish', () => {
      const answered = { method: 'GET', url: request.url!, headers: request.headers, body: undefined, status: response.statusCode };
      void services.answered(context, { ...answered, elapsedMs: performance.now() - startedAt }, log);
    });
  }

  const fastPath = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (closing || request.method !== 'GET') return false;
    const match = HOT_READ_URL.exec(request.url ?? '');
    if (!match) return false;
    answer(request, response, match[1]!, match[2]!).catch((error: unknown) => {
      // Only writing the answer itself can get here (the socket gone mid-write); nothing is left to send.
      log.warn({ err: error }, 'could not answer a SCIM read');
    });
    return true;
  };
  // While the app closes, Fastify answers (503 to new requests, as it does for every route).
  return Object.assign(fastPath, { close: () => void (closing = true) });
}

/**
 * Puts `fastPath` in front of the request handler Fastify installed on its own server. (Fastify's
 * `serverFactory` would do the same, but with it Fastify binds only one address for a host name
 * such as `localhost` that resolves to several.)
 */
export function serveFastPathFirst(server: Server, fastPath: FastPath): void {
  const listeners = server.listeners('request');
  if (listeners.length !== 1) throw new Error(`expected Fastify's one request listener, found ${listeners.length}`);
  const fastify = listeners[0] as (request: IncomingMessage, response: ServerResponse) => void;
  server.removeListener('request', fastify);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!fastPath(request, response)) fastify.call(server, request, response);
  });
}
