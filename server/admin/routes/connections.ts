/**
 * SCIM Connections (My Org → SSO → SCIM Connections): create, list, rename, rotate the secret,
 * delete, and each connection's health and request log. Owners and admins only, always within the
 * caller's org. The Authentication Secret appears only in the create and rotate responses.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { Id } from '../../../shared/api/common.js';
import {
  Connection,
  ConnectionWithSecret,
  CreateConnectionRequest,
  RenameConnectionRequest,
  RequestLog,
  RotateSecretRequest,
} from '../../../shared/api/connections.js';
import type { Database, ScimConnectionsTable } from '../../store/schema.js';
import type { DirectoryProvider } from '../../../shared/scim/wire.js';
import {
  createOrgConnection,
  deleteOrgConnection,
  endpointBaseUrl,
  getOrgConnection,
  listOrgConnections,
  renameOrgConnection,
  rotateOrgConnectionSecret,
} from '../../domain/connections.js';
import { connectionsHealth } from '../../domain/connectionHealth.js';
import { runDomainTransaction } from '../../domain/transaction.js';
import { REQUEST_LOG_SIZE } from '../../scim/requestLog.js';
import { adminRoute, type AdminDeps } from '../route.js';
import { connectionCredentialsChanged } from '../../domain/connectionCredentialChanges.js';

const ConnectionParams = z.object({ id: Id });

export const connectionRoutes: FastifyPluginAsync<AdminDeps> = async (app, deps) => {
  async function present(db: Kysely<Database>, rows: ScimConnectionsTable[]): Promise<Connection[]> {
    const health = await connectionsHealth(db, rows, deps.clock());
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      provider: row.provider as DirectoryProvider,
      endpointBaseUrl: endpointBaseUrl(deps.publicUrl(), row.id),
      createdAt: row.created_at,
      health: health.get(row.id)!,
    }));
  }
  const presentOne = async (row: ScimConnectionsTable): Promise<Connection> => (await present(deps.db, [row]))[0]!;

  adminRoute(
    app,
    {
      method: 'GET',
      url: '/connections',
      tag: 'connections',
      summary: "The org's SCIM connections, oldest first, with their health",
      access: 'manager',
      response: z.object({ items: z.array(Connection) }),
    },
    async ({ session }) => ({ items: await present(deps.db, await listOrgConnections(deps.db, session.org.id)) }),
  );

  adminRoute(
    app,
    {
      method: 'POST',
      url: '/connections',
      tag: 'connections',
      summary: 'Create a SCIM connection; the response carries its Authentication Secret, shown this once',
      access: 'manager',
      body: CreateConnectionRequest,
      response: ConnectionWithSecret,
      successStatus: 201,
    },
    async ({ body, session, actor }) => {
      const { row, secret } = await runDomainTransaction(deps, actor, (ctx) =>
        createOrgConnection(ctx, {
          orgId: session.org.id,
          provider: body.provider,
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.pastedSecret !== undefined ? { pastedSecret: body.pastedSecret } : {}),
        }),
      );
      return { connection: await presentOne(row), authenticationSecret: secret };
    },
  );

  adminRoute(
    app,
    {
      method: 'GET',
      url: '/connections/:id',
      tag: 'connections',
      summary: 'One SCIM connection with its health',
      access: 'manager',
      params: ConnectionParams,
      response: Connection,
    },
    async ({ params, session }) => presentOne(await getOrgConnection(deps.db, session.org.id, params.id)),
  );

  adminRoute(
    app,
    {
      method: 'PATCH',
      url: '/connections/:id',
      tag: 'connections',
      summary: 'Rename a SCIM connection',
      access: 'manager',
      params: ConnectionParams,
      body: RenameConnectionRequest,
      response: Connection,
    },
    async ({ params, body, session, actor }) => {
      const row = await runDomainTransaction(deps, actor, (ctx) =>
        renameOrgConnection(ctx, { orgId: session.org.id, connectionId: params.id, name: body.name }),
      );
      return presentOne(row);
    },
  );

  adminRoute(
    app,
    {
      method: 'POST',
      url: '/connections/:id/rotate-secret',
      tag: 'connections',
      summary: 'Replace the Authentication Secret, optionally keeping the previous one valid for a grace period',
      access: 'manager',
      params: ConnectionParams,
      body: RotateSecretRequest,
      response: ConnectionWithSecret,
    },
    async ({ params, body, session, actor }) => {
      const { row, secret } = await runDomainTransaction(deps, actor, (ctx) =>
        rotateOrgConnectionSecret(ctx, {
          orgId: session.org.id,
          connectionId: params.id,
          graceSeconds: body.graceSeconds,
          ...(body.pastedSecret !== undefined ? { pastedSecret: body.pastedSecret } : {}),
        }),
      );
      // After the commit too: a SCIM request between the write and the commit may have cached the old row.
      connectionCredentialsChanged(params.id);
      return { connection: await presentOne(row), authenticationSecret: secret };
    },
  );

  adminRoute(
    app,
    {
      method: 'DELETE',
      url: '/connections/:id',
      tag: 'connections',
      summary: 'Delete a SCIM connection. No users are removed; its endpoint answers 410 Gone from now on',
      access: 'manager',
      params: ConnectionParams,
    },
    async ({ params, session, actor }) => {
      await runDomainTransaction(deps, actor, (ctx) => deleteOrgConnection(ctx, { orgId: session.org.id, connectionId: params.id }));
      connectionCredentialsChanged(params.id);
    },
  );

  adminRoute(
    app,
    {
      method: 'GET',
      url: '/connections/:id/requests',
      tag: 'connections',
      summary: `The connection's last ${REQUEST_LOG_SIZE} SCIM requests, newest first, with secrets and passwords redacted`,
      access: 'manager',
      params: ConnectionParams,
      response: RequestLog,
    },
    async ({ params, session }) => {
      const connection = await getOrgConnection(deps.db, session.org.id, params.id);
      const rows = await deps.db
        .selectFrom('scim_request_log')
        .select(['at', 'method', 'path', 'status', 'duration_ms', 'error_detail', 'body'])
        .where('connection_id', '=', connection.id)
        .orderBy('seq', 'desc')
        .limit(REQUEST_LOG_SIZE)
        .execute();
      return {
        items: rows.map((row) => ({
          at: row.at,
          method: row.method,
          path: row.path,
          status: row.status,
          durationMs: row.duration_ms,
          errorDetail: row.error_detail,
          body: row.body,
        })),
      };
    },
  );
};
