/**
 * Table shapes for Kysely's typed queries. Resources keep their full SCIM body as JSON in
 * `resource`; the columns beside it are derived copies of the attributes that need an index
 * (userName, externalId, displayName, active) so that directory lookups never scan.
 */
import type { Generated } from 'kysely';

export interface OrgsTable {
  id: string;
  name: string;
  name_lower: string;
  created_at: string;
}

export interface ScimConnectionsTable {
  id: string;
  org_id: string;
  name: string;
  /** The directory the admin chose: okta, azure-ad or other. */
  provider: string;
  /** SHA-256 (hex) of the bearer secret; the secret itself is never stored. */
  secret_hash: string;
  /** The secret that was replaced by a rotation with a grace period, valid until the time below. */
  previous_secret_hash: string | null;
  previous_secret_expires_at: string | null;
  /** The directory recognised from the requests it sends (okta, azure-ad), null until one calls. */
  detected_provider: string | null;
  last_request_at: string | null;
  created_at: string;
  updated_at: string;
  /** Soft delete: a deleted connection's endpoints answer 410 instead of 401/404. */
  deleted_at: string | null;
}

export interface ScimUsersTable {
  /** Insertion order: the stable order of list pages. */
  seq: Generated<number>;
  id: string;
  connection_id: string;
  user_name: string;
  user_name_lower: string;
  external_id: string | null;
  display_name: string | null;
  /** 1, 0, or null when the directory never sent `active`. */
  active: number | null;
  /** The canonical resource without id, meta, schemas, groups and password. */
  resource: string;
  created_at: string;
  updated_at: string;
  version: number;
  /** Set when the directory deleted the user: gone from SCIM, kept as the pool's record. */
  deleted_at: string | null;
}

export interface ScimGroupsTable {
  seq: Generated<number>;
  id: string;
  connection_id: string;
  display_name: string;
  display_name_lower: string;
  external_id: string | null;
  /** The canonical resource without id, meta, schemas and members (members live in their own table). */
  resource: string;
  created_at: string;
  updated_at: string;
  version: number;
  deleted_at: string | null;
}

export interface ScimGroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface Database {
  orgs: OrgsTable;
  scim_connections: ScimConnectionsTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
}
