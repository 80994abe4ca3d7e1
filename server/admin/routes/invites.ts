import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { Id } from '../../../shared/api/common.js';
import { InviteByEmailRequest, InviteFromPoolRequest, InvitePage, InviteQuery, InviteResults } from '../../../shared/api/invites.js';
import { inviteByEmail, inviteFromPool, listInvites, revokeInvite } from '../../domain/invites.js';
import { runDomainTransaction } from '../../domain/transaction.js';
import { nowIso } from '../../domain/ids.js';
import { adminRoute, type AdminDeps } from '../route.js';

export const inviteRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  adminRoute(
    app,
    {
      method: 'POST',
      url: '/invites/from-pool',
      tag: 'invites',
      summary: 'Invite people from a connection’s pool (name and email come from the directory); one result per entry',
      access: 'manager',
      body: InviteFromPoolRequest,
      response: InviteResults,
    },
    async ({ body, session, actor }) => {
      const results = await runDomainTransaction(deps, actor, (ctx) =>
        inviteFromPool(ctx, { orgId: session.org.id, member: session.member }, body),
      );
      return { results };
    },
  );

  adminRoute(
    app,
    {
      method: 'POST',
      url: '/invites',
      tag: 'invites',
      summary: 'Invite someone by email (no directory manages them until linked)',
      access: 'manager',
      body: InviteByEmailRequest,
      response: InviteResults,
    },
    async ({ body, session, actor }) => {
      const result = await runDomainTransaction(deps, actor, (ctx) => inviteByEmail(ctx, { orgId: session.org.id, member: session.member }, body));
      return { results: [result] };
    },
  );

  adminRoute(
    app,
    { method: 'GET', url: '/invites', tag: 'invites', summary: 'The org’s invites, newest first', access: 'manager', query: InviteQuery, response: InvitePage },
    async ({ query, session }) => listInvites(deps.db, session.org.id, query, nowIso(deps.clock)),
  );

  adminRoute(
    app,
    {
      method: 'DELETE',
      url: '/invites/:id',
      tag: 'invites',
      summary: 'Revoke a pending invite (its code stops working)',
      access: 'manager',
      params: z.object({ id: Id }),
    },
    async ({ params, session, actor }) => {
      await runDomainTransaction(deps, actor, (ctx) => revokeInvite(ctx, session.org.id, params.id, `revoked by ${session.member.email}`));
    },
  );
};
