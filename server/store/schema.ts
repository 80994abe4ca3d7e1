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
  last_error: string | null;
  last_error_at: string | null;
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
  /** How `resource` can be spliced into a whole read, or null (migration 009, spliceableText.ts). */
  resource_layout: number | null;
  created_at: string;
  updated_at: string;
  version: number;
  /** Set when the directory deleted the user: gone from SCIM, kept as the pool's record. */
  deleted_at: string | null;
  /** Pool columns derived from the resource (see domain/directoryPerson.ts). */
  email: string | null;
  full_name: string | null;
  search_text: string | null;
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
  /** How `resource` can be spliced into a whole read, or null (migration 009, spliceableText.ts). */
  resource_layout: number | null;
  created_at: string;
  updated_at: string;
  version: number;
  deleted_at: string | null;
}

export interface ScimGroupMembersTable {
  group_id: string;
  user_id: string;
}

export type MemberStatus = 'active' | 'removed';
export type InviteStatus = 'pending' | 'accepted' | 'cancelled' | 'revoked';

export interface MembersTable {
  id: string;
  org_id: string;
  email: string;
  email_lower: string;
  display_name: string;
  role: 'owner' | 'admin' | 'member';
  status: MemberStatus;
  /** The pool entry (directory user) that manages this member, if any. */
  scim_user_id: string | null;
  created_at: string;
  updated_at: string;
  removed_at: string | null;
  removed_by_type: 'member' | 'connection' | 'system' | null;
  removed_by_id: string | null;
  removed_by_label: string | null;
  removal_reason: string | null;
}

export interface InvitesTable {
  id: string;
  org_id: string;
  email: string;
  email_lower: string;
  display_name: string;
  role: 'admin' | 'member';
  scim_user_id: string | null;
  /** SHA-256 of the one-time invite code. */
  code_hash: string;
  invited_by_member_id: string | null;
  created_at: string;
  /** A pending invite past this time is expired; it is never stored as such. */
  expires_at: string;
  status: InviteStatus;
  status_changed_at: string | null;
  status_reason: string | null;
  member_id: string | null;
}

export interface EnrollmentCodesTable {
  code_hash: string;
  member_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface DeviceTokensTable {
  id: string;
  member_id: string;
  token_hash: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  org_id: string;
  at: string;
  actor_type: 'member' | 'connection' | 'system';
  actor_id: string | null;
  actor_label: string;
  kind: string;
  subject_type: string | null;
  subject_id: string | null;
  subject_label: string | null;
  details: string;
}

export interface AlertsTable {
  id: string;
  org_id: string;
  kind: string;
  /** What the alert is about (a member id for a refused removal), so repeats are not raised twice. */
  subject_id: string | null;
  message: string;
  details: string;
  created_at: string;
  dismissed_at: string | null;
  dismissed_by_member_id: string | null;
}

export interface ScimRequestLogTable {
  seq: Generated<number>;
  connection_id: string;
  at: string;
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  error_detail: string | null;
  body: string | null;
}

export interface ScimRequestStatsTable {
  connection_id: string;
  /** The UTC hour, as `YYYY-MM-DDTHH`. */
  hour: string;
  requests: number;
  errors: number;
}

export interface Database {
  orgs: OrgsTable;
  scim_connections: ScimConnectionsTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
  members: MembersTable;
  invites: InvitesTable;
  enrollment_codes: EnrollmentCodesTable;
  device_tokens: DeviceTokensTable;
  audit_events: AuditEventsTable;
  alerts: AlertsTable;
  scim_request_log: ScimRequestLogTable;
  scim_request_stats: ScimRequestStatsTable;
}
