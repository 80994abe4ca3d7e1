import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { Id } from '../../../shared/api/common.js';
import { AlertList, AuditPage, AuditQuery } from '../../../shared/api/audit.js';
import { dismissAlert, listAudit, listOpenAlerts } from '../../domain/auditLog.js';
import { runDomainTransaction } from '../../domain/transaction.js';
import { adminRoute, type AdminDeps } from '../route.js';

export const auditRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  adminRoute(
    app,
    {
      method: 'GET',
      url: '/audit',
      tag: 'audit',
      summary: 'The audit log, newest first (since/until are inclusive)',
      access: 'manager',
      query: AuditQuery,
      response: AuditPage,
    },
    async ({ query, session }) => listAudit(deps.db, session.org.id, query),
  );

  adminRoute(
    app,
    { method: 'GET', url: '/alerts', tag: 'audit', summary: 'Alerts nobody has dismissed yet, newest first', access: 'manager', response: AlertList },
    async ({ session }) => ({ items: await listOpenAlerts(deps.db, session.org.id) }),
  );

  adminRoute(
    app,
    { method: 'POST', url: '/alerts/:id/dismiss', tag: 'audit', summary: 'Dismiss an alert', access: 'manager', params: z.object({ id: Id }) },
    async ({ params, session, actor }) => {
      await runDomainTransaction(deps, actor, (ctx) => dismissAlert(ctx, session.org.id, params.id, session.member.id));
    },
  );
};
