/**
 * `GET /api/v1/openapi.json`: an OpenAPI 3.1 description of the admin API, built from the same
 * route declarations (and zod schemas from `shared/api`) that validate requests, so it cannot drift.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z, type ZodType } from 'zod';
import { ApiError } from '../../../shared/api/common.js';
import { adminRoute, declaredRoutes, type AdminDeps, type RouteSpec } from '../route.js';

type JsonSchema = Record<string, unknown>;
type AnyRoute = RouteSpec<ZodType, ZodType, ZodType, ZodType>;

export const API_PREFIX = '/api/v1';

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), for requests (input) or responses (output). */
export function jsonSchemaOf(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  try {
    const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
    return rest;
  } catch {
    return {};
  }
}

/** `/connections/:id/requests` → `/connections/{id}/requests`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationId(route: AnyRoute): string {
  const words = route.url
    .split(/[/-]/)
    .filter((part) => part !== '')
    .map((part) => (part.startsWith(':') ? `by ${part.slice(1)}` : part))
    .join(' ')
    .split(' ');
  return [route.method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}

function parametersOf(schema: ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const ERROR_RESPONSE = {
  description: 'The request was refused: see error.code, error.message and error.field',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
};

function operationOf(route: AnyRoute): JsonSchema {
  const status = String(route.successStatus ?? (route.response ? 200 : 204));
  const success = route.response
    ? { description: route.summary, content: { 'application/json': { schema: jsonSchemaOf(route.response, 'output') } } }
    : { description: status === '204' ? 'Done; no content' : route.summary };
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  return {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.tag],
    ...(route.access === 'public' ? { security: [] } : {}),
    ...(route.access === 'manager' ? { description: 'Owners and admins only.' } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } } } }
      : {}),
    responses: { [status]: success, '4XX': ERROR_RESPONSE, '5XX': ERROR_RESPONSE },
  };
}

/**
 * The document for the routes declared so far. Routes are declared once per app instance (tests
 * start several in one process), so the same method and URL count once.
 */
export function buildOpenApiDocument(routes: readonly AnyRoute[] = declaredRoutes): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = openApiPath(route.url);
    (paths[path] ??= {})[route.method.toLowerCase()] = operationOf(route);
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'SCIM Directory Sync admin API',
      version: '1',
      description:
        'The admin API of the SCIM Directory Sync backend. Sign in by redeeming a one-time code (POST /session/redeem) ' +
        'for a device token, then send it as "Authorization: Bearer <token>".',
    },
    servers: [{ url: API_PREFIX }],
    security: [{ deviceToken: [] }],
    paths: sortedPaths,
    components: {
      securitySchemes: { deviceToken: { type: 'http', scheme: 'bearer', description: 'A device token from POST /session/redeem' } },
      schemas: { ApiError: jsonSchemaOf(ApiError, 'output') },
    },
  };
}

export const openApiRoutes: FastifyPluginAsync<AdminDeps> = async (app) => {
  let cached: { routeCount: number; document: JsonSchema } | undefined;
  adminRoute(
    app,
    {
      method: 'GET',
      url: '/openapi.json',
      tag: 'meta',
      summary: 'This OpenAPI 3.1 description of the admin API',
      access: 'public',
      response: z.record(z.string(), z.unknown()),
    },
    async () => {
      if (cached?.routeCount !== declaredRoutes.length) {
        cached = { routeCount: declaredRoutes.length, document: buildOpenApiDocument() };
      }
      return cached.document;
    },
  );
};
