/**
 * The hot reads, answered straight from node:http's request event instead of through Fastify's
 * request lifecycle (routing, request and reply objects, a child logger, five hooks, onSend and the
 * reply's serialisation), which cost more CPU than a read by id itself (bench/RESULTS.md):
 * `GET /scim/v2/<connectionId>/Users/<id>` without a query (what directories read before every
 * update), and `GET /scim/v2/<connectionId>/Users?…` without `attributes`/`excludedAttributes`
 * (userName filter lookups before every create, import pages).
 *
 * It runs the routes' own code, never a copy of a rule: the app's concurrency gate and its yield
 * (concurrencyLimit.ts), authentication, request log and usage record (endpointServices.ts), the
 * query parsed by the router's own parser (fast-querystring), the reads and their JSON text
 * (`readWholeUserJson`, `listUsersJson`: what the Users routes answer with), and the error mapping
 * (`scimErrorFor`). Anything else, and anything it is not sure of (a projection, a HEAD, an id
 * with characters that would need decoding, a trailing slash, the app closing), goes to Fastify.
 * test/integration/scim-hot-read-fast-path.test.ts compares both paths' answers and log rows.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { parse as parseQueryString } from 'fast-querystring';
import type { Store } from '../store/database.js';
import { SCIM_CONTENT_TYPE } from '../../shared/scim/urns.js';
import { yieldToArrivedRequests, type ConcurrencyGate } from '../concurrencyLimit.js';
import type { ScimError } from './errors.js';
import type { ScimEndpointServices, ScimRequestContext } from './endpointServices.js';
import type { RawQuery } from './listQuery.js';
import { scimErrorFor } from './plugin.js';
import { PROVIDER_HEADER } from './detectProvider.js';
import { listUsersJson, readWholeUserJson } from './routes/resources.js';

/**
 * Matched as the router would (paths are case-insensitive), but only ids made of unreserved
 * characters, which no router decodes differently, and no longer than the router's parameters.
 */
const USER_BY_ID_URL = /^\/scim\/v2\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/users\/([A-Za-z0-9][A-Za-z0-9._~-]{0,99})$/i;
/** The query is everything after the first `?` (a `#` would end it for the router: left to Fastify). */
const USERS_LIST_URL = /^\/scim\/v2\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/users(?:\?([^#]*))?$/i;

/**
 * The first value of a header, as `request.headers` would give it for `authorization` and
 * `user-agent` (duplicates of those are dropped, the first kept), read from the raw list: the
 * `headers` object node:http builds on first access costs more than the two it is needed for.
 */
function firstHeader(rawHeaders: readonly string[], lowerName: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) return rawHeaders[i + 1];
  }
  return undefined;
}

/** Projections keep the object path of the routes (their names are matched ignoring case, as listQuery.ts does). */
function asksProjection(query: RawQuery): boolean {
  for (const name of Object.keys(query)) {
    const lower = name.toLowerCase();
    if (lower === 'attributes' || lower === 'excludedattributes') return true;
  }
  return false;
}

/** Reads what the request asks for and hands its 200 body to `ok`; throws what the route would. */
type Respond = (context: ScimRequestContext, ok: (json: string) => void) => Promise<void>;

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

  // What Fastify writes for the route: lower-case header names, the SCIM content type, a length.
  function sendOk(response: ServerResponse, body: string): void {
    response.writeHead(200, { 'content-type': SCIM_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(body)) });
    response.end(body);
  }

  function sendError(response: ServerResponse, error: ScimError): void {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(error.headers)) headers[name.toLowerCase()] = value;
    const body = JSON.stringify(error.toBody());
    response.writeHead(error.status, { ...headers, 'content-type': SCIM_CONTENT_TYPE, 'content-length': String(Buffer.byteLength(body)) });
    response.end(body);
  }

  async function answer(request: IncomingMessage, response: ServerResponse, connectionId: string, respond: Respond): Promise<void> {
    const startedAt = performance.now();
    if (gate.limited) {
      if (!gate.tryAdmit(response)) return sendError(response, gate.scimRefusal());
      await yieldToArrivedRequests();
    }
    let context: ScimRequestContext | undefined;
    try {
      context = await services.authenticate({
        connectionId,
        authorization: firstHeader(request.rawHeaders, 'authorization'),
        clientAddress: request.socket.remoteAddress ?? '',
      });
      const known = context;
      await respond(known, (body) => {
        sendOk(response, body);
        recordAnswered(request, response, known, startedAt);
      });
    } catch (error) {
      // A list page is answered inside its read-only transaction; should that then fail, the answer stands.
      if (response.headersSent) return log.warn({ err: error }, 'a SCIM read failed after it was answered');
      const scimError = scimErrorFor(error, log);
      // Unauthenticated requests have no context; they are not recorded in any connection's log.
      sendError(response, scimError);
      if (context) {
        context.errorDetail = scimError.message;
        recordAnswered(request, response, context, startedAt);
      }
    }
  }

  /**
   * Logged once the whole answer is handed to the socket (`end` writes it at once; Fastify's hook
   * waits for 'finish', a moment later): same row, without a listener per request.
   */
  function recordAnswered(request: IncomingMessage, response: ServerResponse, context: ScimRequestContext, startedAt: number): void {
    const headers = { [PROVIDER_HEADER]: firstHeader(request.rawHeaders, PROVIDER_HEADER) };
    const answered = { method: 'GET', url: request.url!, headers, body: undefined, status: response.statusCode, elapsedMs: performance.now() - startedAt };
    void services.answered(context, answered, log);
  }

  const fastPath = (request: IncomingMessage, response: ServerResponse): boolean => {
    if (closing || request.method !== 'GET') return false;
    const url = request.url ?? '';
    let connectionId: string;
    let respond: Respond;
    const byId = USER_BY_ID_URL.exec(url);
    if (byId) {
      connectionId = byId[1]!;
      const id = byId[2]!;
      respond = async (context, ok) => ok(await readWholeUserJson(db, context.connection.id, id, context.baseUrl));
    } else {
      const list = USERS_LIST_URL.exec(url);
      if (!list) return false;
      // As the router parses it (find-my-way: an empty query is no parameters).
      const query = (list[2] ? parseQueryString(list[2]) : {}) as RawQuery;
      if (asksProjection(query)) return false;
      connectionId = list[1]!;
      respond = (context, ok) => listUsersJson(db, context.connection.id, context.baseUrl, query, ok);
    }
    answer(request, response, connectionId, respond).catch((error: unknown) => {
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
