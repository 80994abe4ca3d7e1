import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { Id, Role } from '../../../shared/api/common.js';
import { LinkMemberRequest, Member, MemberPage, MemberQuery } from '../../../shared/api/members.js';
import { changeRole, getMember, linkMember, listMembers, removeMemberByAdmin } from '../../domain/members.js';
import { runDomainTransaction } from '../../domain/transaction.js';
import { ApiFailure } from '../errors.js';
import { adminRoute, type AdminDeps } from '../route.js';

const MemberParams = z.object({ id: Id });

export const memberRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  adminRoute(
    app,
    { method: 'GET', url: '/members', tag: 'members', summary: 'The org’s members and where each came from', access: 'manager', query: MemberQuery, response: MemberPage },
    async ({ query, session }) => listMembers(deps.db, session.org.id, query),
  );

  adminRoute(
    app,
    {
      method: 'DELETE',
      url: '/members/:id',
      tag: 'members',
      summary: 'Remove a member: their devices are signed out at once (the last owner cannot be removed)',
      access: 'manager',
      params: MemberParams,
    },
    async ({ params, session, actor }) => {
      // A refusal is recorded (alert, audit, live event) and committed, then answered with 409.
      const outcome = await runDomainTransaction(deps, actor, (ctx) => removeMemberByAdmin(ctx, session.member, params.id));
      if (outcome.kind === 'refused') throw new ApiFailure(409, 'conflict', outcome.reason);
    },
  );

  adminRoute(
    app,
    {
      method: 'PATCH',
      url: '/members/:id',
      tag: 'members',
      summary: 'Change a member’s role (only owners grant or take away owner; the last owner stays owner)',
      access: 'manager',
      params: MemberParams,
      body: z.object({ role: Role }),
      response: Member,
    },
    async ({ params, body, session, actor }) => {
      await runDomainTransaction(deps, actor, (ctx) => changeRole(ctx, session.member, params.id, body.role));
      return getMember(deps.db, session.org.id, params.id);
    },
  );

  adminRoute(
    app,
    {
      method: 'POST',
      url: '/members/:id/link',
      tag: 'members',
      summary: 'Link a member invited by email to the pool entry with the same email; the directory manages them from then on',
      access: 'manager',
      params: MemberParams,
      body: LinkMemberRequest,
      response: Member,
    },
    async ({ params, body, session, actor }) => {
      await runDomainTransaction(deps, actor, (ctx) => linkMember(ctx, session.org.id, params.id, body.poolEntryId));
      return getMember(deps.db, session.org.id, params.id);
    },
  );
};
