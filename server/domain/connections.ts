/**
 * SCIM connections: one per directory an org connects. The secret is returned exactly once, by
 * the call that creates or rotates it.
 */
import type { Kysely } from 'kysely';
import type { Store } from '../store/database.js';
import type { Database, ScimConnectionsTable } from '../store/schema.js';
import { isUniqueViolation } from '../store/uniqueViolation.js';
import { DIRECTORY_PROVIDERS, type DirectoryProvider } from '../../shared/scim/wire.js';
import { generateSecret, hashSecret, pastedSecretProblem } from './secrets.js';
import { newId, nowIso } from './ids.js';
import { ensureOrg } from './orgs.js';
import { DomainError } from './errors.js';
import { connectionCredentialsChanged } from './connectionCredentialChanges.js';
import type { DomainContext } from './context.js';
import { recordAudit } from './audit.js';

export const DEFAULT_CONNECTION_NAME = 'Default SCIM Connection';
export const MAX_CONNECTION_NAME_LENGTH = 100;
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;

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
  if (trimmed === '') throw new DomainError('invalid', 'The connection name must not be empty.', 'name');
  if (trimmed.length > MAX_CONNECTION_NAME_LENGTH) {
    throw new DomainError('invalid', `The connection name must be at most ${MAX_CONNECTION_NAME_LENGTH} characters.`, 'name');
  }
  return trimmed;
}

/** A valid provider, name and secret for a new connection, or the DomainError naming the field at fault. */
function checkedProvider(provider: string): DirectoryProvider {
  if (!isDirectoryProvider(provider)) {
    throw new DomainError('invalid', `Unknown directory "${provider}": use one of ${DIRECTORY_PROVIDERS.join(', ')}.`, 'provider');
  }
  return provider;
}

function secretToUse(pastedSecret: string | undefined): string {
  if (pastedSecret === undefined) return generateSecret();
  const problem = pastedSecretProblem(pastedSecret);
  if (problem) throw new DomainError('invalid', problem, 'pastedSecret');
  return pastedSecret;
}

function nameTaken(name: string): DomainError {
  return new DomainError('conflict', `The org already has a connection named "${name}".`, 'name');
}

async function liveNamesOf(db: Kysely<Database>, orgId: string, exceptId?: string): Promise<Set<string>> {
  let query = db.selectFrom('scim_connections').select('name').where('org_id', '=', orgId).where('deleted_at', 'is', null);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return new Set((await query.execute()).map((row) => row.name.toLowerCase()));
}

/**
 * The name for a new connection: the one asked for (refused when taken), else "Default SCIM
 * Connection" for the first, else "SCIM Connection <n>" with the first free n from the count.
 */
async function nameForNewConnection(db: Kysely<Database>, orgId: string, requested: string | undefined): Promise<string> {
  const taken = await liveNamesOf(db, orgId);
  if (requested !== undefined) {
    const name = validName(requested);
    if (taken.has(name.toLowerCase())) throw nameTaken(name);
    return name;
  }
  if (!taken.has(DEFAULT_CONNECTION_NAME.toLowerCase())) return DEFAULT_CONNECTION_NAME;
  for (let n = Math.max(2, taken.size + 1); ; n++) {
    const candidate = `SCIM Connection ${n}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** Inserts a connection into an org that exists; the caller owns the transaction. */
async function insertConnection(
  db: Kysely<Database>,
  input: { orgId: string; name?: string; provider: string; pastedSecret?: string; now: string },
): Promise<{ row: ScimConnectionsTable; secret: string }> {
  const provider = checkedProvider(input.provider);
  const secret = secretToUse(input.pastedSecret);
  const name = await nameForNewConnection(db, input.orgId, input.name);
  const row: ScimConnectionsTable = {
    id: newId(),
    org_id: input.orgId,
    name,
    provider,
    secret_hash: hashSecret(secret),
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    detected_provider: null,
    last_request_at: null,
    last_error: null,
    last_error_at: null,
    created_at: input.now,
    updated_at: input.now,
    deleted_at: null,
  };
  try {
    await db.insertInto('scim_connections').values(row).execute();
  } catch (error) {
    // Another writer took the name between the check and the insert.
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
  return { row, secret };
}

/** Creates a connection in the org with this name (created when missing): `connection create --org NAME`. */
export async function createConnection(
  db: Store,
  input: { orgName: string; name?: string; provider: string; pastedSecret?: string; publicUrl: string },
): Promise<ConnectionWithSecret> {
  const { row, secret } = await db.transaction().execute(async (trx) => {
    const org = await ensureOrg(trx, input.orgName);
    return insertConnection(trx, {
      orgId: org.id,
      provider: input.provider,
      now: nowIso(),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.pastedSecret !== undefined ? { pastedSecret: input.pastedSecret } : {}),
    });
  });
  return { connectionId: row.id, endpointBaseUrl: endpointBaseUrl(input.publicUrl, row.id), authenticationSecret: secret };
}

/** Creates a connection in the caller's org (the admin API), with its audit event. */
export async function createOrgConnection(
  ctx: DomainContext,
  input: { orgId: string; name?: string; provider: string; pastedSecret?: string },
): Promise<{ row: ScimConnectionsTable; secret: string }> {
  const created = await insertConnection(ctx.db, { ...input, now: ctx.now });
  await recordAudit(ctx, {
    orgId: input.orgId,
    kind: 'connection.created',
    subject: connectionSubject(created.row),
    details: { name: created.row.name, provider: created.row.provider, pastedSecret: input.pastedSecret !== undefined },
  });
  return created;
}

function connectionSubject(row: Pick<ScimConnectionsTable, 'id' | 'name'>) {
  return { type: 'connection', id: row.id, label: row.name };
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

async function liveConnection(db: Kysely<Database>, connectionId: string, orgId?: string): Promise<ScimConnectionsTable> {
  let query = db.selectFrom('scim_connections').selectAll().where('id', '=', connectionId).where('deleted_at', 'is', null);
  // Another org's connection is answered exactly like one that does not exist.
  if (orgId !== undefined) query = query.where('org_id', '=', orgId);
  const row = await query.executeTakeFirst();
  if (!row) throw new DomainError('not_found', `No connection with id ${connectionId}.`);
  return row;
}

/** The org's live connections, oldest first. */
export async function listOrgConnections(db: Kysely<Database>, orgId: string): Promise<ScimConnectionsTable[]> {
  return db
    .selectFrom('scim_connections')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** One of the org's live connections; not_found for a deleted one or another org's. */
export function getOrgConnection(db: Kysely<Database>, orgId: string, connectionId: string): Promise<ScimConnectionsTable> {
  return liveConnection(db, connectionId, orgId);
}

export async function renameOrgConnection(
  ctx: DomainContext,
  input: { orgId: string; connectionId: string; name: string },
): Promise<ScimConnectionsTable> {
  const row = await liveConnection(ctx.db, input.connectionId, input.orgId);
  const name = validName(input.name);
  if ((await liveNamesOf(ctx.db, input.orgId, row.id)).has(name.toLowerCase())) throw nameTaken(name);
  if (name === row.name) return row;
  try {
    await ctx.db.updateTable('scim_connections').set({ name, updated_at: ctx.now }).where('id', '=', row.id).execute();
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(name);
    throw error;
  }
  await recordAudit(ctx, {
    orgId: input.orgId,
    kind: 'connection.renamed',
    subject: connectionSubject({ id: row.id, name }),
    details: { from: row.name, to: name },
  });
  return { ...row, name, updated_at: ctx.now };
}

function checkedGrace(graceSeconds: number | undefined): number {
  const grace = graceSeconds ?? 0;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS) {
    throw new DomainError('invalid', 'The grace period must be a whole number of seconds between 0 and 604800 (7 days).', 'graceSeconds');
  }
  return grace;
}

/** Writes a new secret for a live connection; the caller owns the transaction. */
async function replaceSecret(
  db: Kysely<Database>,
  row: ScimConnectionsTable,
  input: { graceSeconds: number; secret: string; nowMs: number },
): Promise<void> {
  const grace = input.graceSeconds;
  await db
    .updateTable('scim_connections')
    .set({
      secret_hash: hashSecret(input.secret),
      previous_secret_hash: grace > 0 ? row.secret_hash : null,
      previous_secret_expires_at: grace > 0 ? new Date(input.nowMs + grace * 1000).toISOString() : null,
      updated_at: new Date(input.nowMs).toISOString(),
    })
    .where('id', '=', row.id)
    .execute();
  connectionCredentialsChanged(row.id);
}

/**
 * Replaces the secret. With a grace period the previous secret keeps working until it ends, so the
 * admin can paste the new one into the directory without a window of failed syncs.
 */
export async function rotateConnectionSecret(
  db: Store,
  input: { connectionId: string; publicUrl: string; graceSeconds?: number; pastedSecret?: string; clock?: () => number },
): Promise<ConnectionWithSecret> {
  const graceSeconds = checkedGrace(input.graceSeconds);
  const secret = secretToUse(input.pastedSecret);
  const clock = input.clock ?? Date.now;
  await db.transaction().execute(async (trx) => {
    const row = await liveConnection(trx, input.connectionId);
    await replaceSecret(trx, row, { graceSeconds, secret, nowMs: clock() });
  });
  // Again after the commit: a request between the write and the commit may have cached the old row.
  connectionCredentialsChanged(input.connectionId);
  return {
    connectionId: input.connectionId,
    endpointBaseUrl: endpointBaseUrl(input.publicUrl, input.connectionId),
    authenticationSecret: secret,
  };
}

/** Rotates the secret of one of the caller's org's connections, with its audit event (never the secret). */
export async function rotateOrgConnectionSecret(
  ctx: DomainContext,
  input: { orgId: string; connectionId: string; graceSeconds?: number; pastedSecret?: string },
): Promise<{ row: ScimConnectionsTable; secret: string }> {
  const graceSeconds = checkedGrace(input.graceSeconds);
  const secret = secretToUse(input.pastedSecret);
  const row = await liveConnection(ctx.db, input.connectionId, input.orgId);
  await replaceSecret(ctx.db, row, { graceSeconds, secret, nowMs: Date.parse(ctx.now) });
  await recordAudit(ctx, {
    orgId: input.orgId,
    kind: 'connection.secret_rotated',
    subject: connectionSubject(row),
    details: { graceSeconds, pastedSecret: input.pastedSecret !== undefined },
  });
  return { row: { ...row, updated_at: ctx.now }, secret };
}

async function markDeleted(db: Kysely<Database>, connectionId: string, now: string, orgId?: string): Promise<void> {
  let query = db
    .updateTable('scim_connections')
    .set({ deleted_at: now, previous_secret_hash: null, previous_secret_expires_at: null })
    .where('id', '=', connectionId)
    .where('deleted_at', 'is', null);
  if (orgId !== undefined) query = query.where('org_id', '=', orgId);
  const result = await query.executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new DomainError('not_found', `No connection with id ${connectionId}.`);
  connectionCredentialsChanged(connectionId);
}

/**
 * Deletes a connection. Its synced users stay in the database (no one is removed from the org),
 * and its SCIM endpoints answer 410 Gone from now on.
 */
export async function deleteConnection(db: Store, connectionId: string): Promise<void> {
  await markDeleted(db, connectionId, nowIso());
}

/** Deletes one of the caller's org's connections, with its audit event; members stay. */
export async function deleteOrgConnection(ctx: DomainContext, input: { orgId: string; connectionId: string }): Promise<void> {
  const row = await liveConnection(ctx.db, input.connectionId, input.orgId);
  await markDeleted(ctx.db, row.id, ctx.now, input.orgId);
  await recordAudit(ctx, {
    orgId: input.orgId,
    kind: 'connection.deleted',
    subject: connectionSubject(row),
    details: { name: row.name, provider: row.provider },
  });
}
