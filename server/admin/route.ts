/**
 * One way to declare an admin API route: its schemas (from `shared/api`, so the desktop client
 * uses the very same ones), who may call it, and its handler. The declaration validates input,
 * authorises the caller, and feeds the OpenAPI document; handlers only see valid input.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodType } from 'zod';
import type { Store } from '../store/database.js';
import type { EventBus } from '../domain/eventBus.js';
import type { DeviceSession } from '../domain/sessions.js';
import type { FailedAuthLimiter } from '../scim/failedAuthLimiter.js';
import type { Actor } from '../../shared/api/common.js';
import { MANAGING_ROLES } from '../../shared/api/common.js';
import { ApiFailure } from './errors.js';

export interface AdminDeps {
  db: Store;
  bus: EventBus;
  clock: () => number;
  publicUrl: () => string;
  /** Failed code redemptions and failed token sign-ins, per client address. */
  signInLimiter: FailedAuthLimiter;
}

/** public: no token; member: any signed-in member; manager: owners and admins. */
export type Access = 'public' | 'member' | 'manager';

export interface RouteSpec<B extends ZodType, Q extends ZodType, P extends ZodType, R extends ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** Omitted for 204 responses and streams. */
  response?: R;
  successStatus?: number;
}

export interface HandlerInput<B extends ZodType, Q extends ZodType, P extends ZodType> {
  body: z.output<B>;
  query: z.output<Q>;
  params: z.output<P>;
  /** Present on every route but public ones. */
  session: DeviceSession;
  actor: Actor;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** Every declared route, for the OpenAPI document. */
export const declaredRoutes: RouteSpec<ZodType, ZodType, ZodType, ZodType>[] = [];

declare module 'fastify' {
  interface FastifyRequest {
    adminSession: DeviceSession | null;
  }
}

function parse<S extends ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> {
  if (!schema) return undefined as z.output<S>;
  // An absent body reads as `{}`: a POST whose fields are all optional needs no body at all.
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : where;
  throw new ApiFailure(400, 'invalid_request', `${where === 'body' ? 'Request body' : `Query or path`}: ${field}: ${issue?.message ?? 'invalid'}`, field);
}

export function actorOf(session: DeviceSession): Actor {
  return { type: 'member', id: session.member.id, label: session.member.email };
}

export function adminRoute<B extends ZodType, Q extends ZodType, P extends ZodType, R extends ZodType>(
  app: FastifyInstance,
  spec: RouteSpec<B, Q, P, R>,
  handler: (input: HandlerInput<B, Q, P>) => Promise<z.input<R> | void>,
): void {
  declaredRoutes.push(spec as unknown as RouteSpec<ZodType, ZodType, ZodType, ZodType>);
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      const session = request.adminSession;
      if (spec.access !== 'public') {
        if (!session) throw new ApiFailure(401, 'unauthorized', 'Sign in: send a device token as "Authorization: Bearer <token>".');
        if (spec.access === 'manager' && !MANAGING_ROLES.includes(session.member.role)) {
          throw new ApiFailure(403, 'forbidden', 'Only owners and admins may do this.');
        }
      }
      const input = {
        body: parse(spec.body, request.body, 'body'),
        query: parse(spec.query, request.query, 'query'),
        params: parse(spec.params, request.params, 'params'),
        session: session as DeviceSession,
        actor: session ? actorOf(session) : { type: 'system' as const, id: null, label: 'anonymous' },
        request,
        reply,
      };
      const result = await handler(input);
      if (reply.sent) return reply;
      if (result === undefined) return reply.code(spec.successStatus ?? 204).send();
      return reply.code(spec.successStatus ?? 200).send(result);
    },
  });
}
