/**
 * SCIM connections: one per directory an org connects. The secret is returned exactly once, by
 * the call that creates or rotates it.
 */
import { sql } from 'kysely';
import type { Store } from '../store/database.js';
import type { ScimConnectionsTable } from '../store/schema.js';
import { DIRECTORY_PROVIDERS, type DirectoryProvider } from '../../shared/scim/wire.js';
import { generateSecret, hashSecret, pastedSecretProblem } from './secrets.js';
import { newId, nowIso } from './ids.js';
import { ensureOrg } from './orgs.js';
import { DomainError } from './errors.js';

export const DEFAULT_CONNECTION_NAME = 'Default SCIM Connection';
export const MAX_CONNECTION_NAME_LENGTH = 100;

export interface ConnectionSummary {
  connectionId: string;
  orgId: string;
  orgName: string;
  name: string;
  provider: DirectoryProvider;
  detectedProvider: string | null;
  endpointBaseUrl: string;
  lastRequestAt: string | null;
  createdAt: string;
  deletedAt: string | null;
}

export interface ConnectionWithSecret {
  connectionId: string;
  endpointBaseUrl: string;
  authenticationSecret: string;
}

export function endpointBaseUrl(publicUrl: string, connectionId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/scim/v2/${connectionId}`;
}

export function isDirectoryProvider(value: string): value is DirectoryProvider {
  return (DIRECTORY_PROVIDERS as readonly string[]).includes(value);
}

function validName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new DomainError('invalid', 'The connection name must not be empty.');
  if (trimmed.length > MAX_CONNECTION_NAME_LENGTH) {
    throw new DomainError('invalid', `The connection name must be at most ${MAX_CONNECTION_NAME_LENGTH} characters.`);
  }
  return trimmed;
}

export async function createConnection(
  db: Store,
  input: { orgName: string; name?: string; provider: string; pastedSecret?: string; publicUrl: string },
): Promise<ConnectionWithSecret> {
  if (!isDirectoryProvider(input.provider)) {
    throw new DomainError('invalid', `Unknown directory "${input.provider}": use one of ${DIRECTORY_PROVIDERS.join(', ')}.`);
  }
  const provider = input.provider;
  const name = validName(input.name ?? DEFAULT_CONNECTION_NAME);
  let secret: string;
  if (input.pastedSecret !== undefined) {
    const problem = pastedSecretProblem(input.pastedSecret);
    if (problem) throw new DomainError('invalid', problem);
    secret = input.pastedSecret;
  } else {
    secret = generateSecret();
  }
  const id = newId();
  await db.transaction().execute(async (trx) => {
    const org = await ensureOrg(trx, input.orgName);
    const clash = await trx
      .selectFrom('scim_connections')
      .select('id')
      .where('org_id', '=', org.id)
      .where('deleted_at', 'is', null)
      .where(sql`lower(name)`, '=', name.toLowerCase())
      .executeTakeFirst();
    if (clash) throw new DomainError('conflict', `The org already has a connection named "${name}".`);
    const now = nowIso();
    await trx
      .insertInto('scim_connections')
      .values({
        id,
        org_id: org.id,
        name,
        provider,
        secret_hash: hashSecret(secret),
        previous_secret_hash: null,
        previous_secret_expires_at: null,
        detected_provider: null,
        last_request_at: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
  });
  return { connectionId: id, endpointBaseUrl: endpointBaseUrl(input.publicUrl, id), authenticationSecret: secret };
}

export async function listConnections(db: Store, publicUrl: string, options: { includeDeleted?: boolean } = {}): Promise<ConnectionSummary[]> {
  let query = db
    .selectFrom('scim_connections as c')
    .innerJoin('orgs as o', 'o.id', 'c.org_id')
    .selectAll('c')
    .select('o.name as org_name')
    .orderBy('o.name_lower')
    .orderBy('c.created_at');
  if (!options.includeDeleted) query = query.where('c.deleted_at', 'is', null);
  const rows = await query.execute();
  return rows.map((row) => summarize(row, row.org_name, publicUrl));
}

function summarize(row: ScimConnectionsTable, orgName: string, publicUrl: string): ConnectionSummary {
  return {
    connectionId: row.id,
    orgId: row.org_id,
    orgName,
    name: row.name,
    provider: row.provider as DirectoryProvider,
    detectedProvider: row.detected_provider,
    endpointBaseUrl: endpointBaseUrl(publicUrl, row.id),
    lastRequestAt: row.last_request_at,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
  };
}

async function liveConnection(db: Store, connectionId: string): Promise<ScimConnectionsTable> {
  const row = await db
    .selectFrom('scim_connections')
    .selectAll()
    .where('id', '=', connectionId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No connection with id ${connectionId}.`);
  return row;
}

/**
 * Replaces the secret. With a grace period the previous secret keeps working until it ends, so the
 * admin can paste the new one into the directory without a window of failed syncs.
 */
export async function rotateConnectionSecret(
  db: Store,
  input: { connectionId: string; publicUrl: string; graceSeconds?: number; pastedSecret?: string; clock?: () => number },
): Promise<ConnectionWithSecret> {
  const grace = input.graceSeconds ?? 0;
  if (!Number.isInteger(grace) || grace < 0 || grace > 7 * 24 * 3600) {
    throw new DomainError('invalid', 'The grace period must be a whole number of seconds between 0 and 604800 (7 days).');
  }
  let secret = generateSecret();
  if (input.pastedSecret !== undefined) {
    const problem = pastedSecretProblem(input.pastedSecret);
    if (problem) throw new DomainError('invalid', problem);
    secret = input.pastedSecret;
  }
  const clock = input.clock ?? Date.now;
  await db.transaction().execute(async (trx) => {
    const row = await liveConnection(trx, input.connectionId);
    await trx
      .updateTable('scim_connections')
      .set({
        secret_hash: hashSecret(secret),
        previous_secret_hash: grace > 0 ? row.secret_hash : null,
        previous_secret_expires_at: grace > 0 ? new Date(clock() + grace * 1000).toISOString() : null,
        updated_at: nowIso(clock),
      })
      .where('id', '=', row.id)
      .execute();
  });
  return {
    connectionId: input.connectionId,
    endpointBaseUrl: endpointBaseUrl(input.publicUrl, input.connectionId),
    authenticationSecret: secret,
  };
}

/**
 * Deletes a connection. Its synced users stay in the database (no one is removed from the org),
 * and its SCIM endpoints answer 410 Gone from now on.
 */
export async function deleteConnection(db: Store, connectionId: string): Promise<void> {
  const result = await db
    .updateTable('scim_connections')
    .set({ deleted_at: nowIso(), previous_secret_hash: null, previous_secret_expires_at: null })
    .where('id', '=', connectionId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new DomainError('not_found', `No connection with id ${connectionId}.`);
}
