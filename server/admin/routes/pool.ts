import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { Id } from '../../../shared/api/common.js';
import { PoolPage, PoolQuery } from '../../../shared/api/pool.js';
import { listPool } from '../../domain/pool.js';
import { nowIso } from '../../domain/ids.js';
import { adminRoute, type AdminDeps } from '../route.js';

export const poolRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  adminRoute(
    app,
    {
      method: 'GET',
      url: '/connections/:connectionId/pool',
      tag: 'pool',
      summary: "A connection's pool: the directory's users and where each stands with the org (deleted connections stay readable)",
      access: 'manager',
      params: z.object({ connectionId: Id }),
      query: PoolQuery,
      response: PoolPage,
    },
    async ({ params, query, session }) => listPool(deps.db, session.org.id, params.connectionId, query, nowIso(deps.clock)),
  );
};
