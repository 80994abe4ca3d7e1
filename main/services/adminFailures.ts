/**
 * Plain-language fixes for what the admin API refuses on the pool, invites, members, audit and
 * alerts channels: the backend says what is wrong (its message is kept), this says what to do
 * next. 401, 5xx and unreachable backends are left to `toIpcError` (and to the handler's 401 hook,
 * which forgets the cached token), so they read the same on every screen.
 */
import type { IpcChannel } from '../../shared/ipc.js';
import { AdminApiError, ServiceError, ipcCodeOf } from './errors.js';

export type PeopleChannel = Extract<IpcChannel, `pool:${string}` | `invites:${string}` | `members:${string}` | `audit:${string}` | `alerts:${string}`>;

/** What the admin was trying to do, for "Only owners and admins can …". */
export const ACTION_WORDS: Record<PeopleChannel, string> = {
  'pool:list': 'see a connection’s pool',
  'invites:fromPool': 'invite people',
  'invites:byEmail': 'invite people',
  'invites:list': 'see invites',
  'invites:revoke': 'revoke invites',
  'members:list': 'see the members list',
  'members:remove': 'remove members',
  'members:setRole': 'change members’ roles',
  'members:link': 'link members to the directory',
  'audit:list': 'read the audit log',
  'alerts:list': 'see alerts',
  'alerts:dismiss': 'dismiss alerts',
};

/** The path parameter the backend calls `id`, as the IPC request names it. */
const ID_FIELD: Partial<Record<PeopleChannel, string>> = {
  'invites:revoke': 'inviteId',
  'members:remove': 'memberId',
  'members:setRole': 'memberId',
  'members:link': 'memberId',
  'alerts:dismiss': 'alertId',
};

export const FIX_LAST_OWNER = 'Make someone else an owner first (Members → their role → Owner), then try again.';
export const FIX_OWNER_ONLY = 'Only owners can remove an owner or change who is an owner. Ask an owner of the org to do it.';
export const FIX_REFRESH_MEMBERS = 'Refresh the members list: someone may have changed it in the meantime.';
export const FIX_REFRESH_INVITES = 'Refresh the invites list: only pending invites can be revoked.';

export function fixForbidden(channel: PeopleChannel): string {
  return `Only owners and admins can ${ACTION_WORDS[channel]}. Ask an owner of the org to change your role.`;
}

function fixFor(channel: PeopleChannel, error: AdminApiError, field: string | undefined): string | undefined {
  const message = error.message;
  if (error.code === 'forbidden') return /^Only an owner/i.test(message) ? FIX_OWNER_ONLY : fixForbidden(channel);
  if (/last owner/i.test(message)) return FIX_LAST_OWNER;
  if (error.code === 'not_found') {
    if (channel === 'pool:list' || channel === 'invites:fromPool') return 'This connection was not found: go back to SCIM Connections and pick it again.';
    if (field === 'poolEntryId') return 'That person is not in this org’s pool: pick them from the pool again.';
    if (channel.startsWith('members:')) return FIX_REFRESH_MEMBERS;
    if (channel === 'invites:revoke') return 'This invite no longer exists: refresh the invites list.';
    if (channel === 'alerts:dismiss') return 'This alert no longer exists: refresh the alerts.';
    return undefined;
  }
  if (error.code === 'unprocessable' && channel === 'members:link') {
    return 'Pick the pool entry whose email is the member’s email (the directory must hold the same email), or invite them from the pool instead.';
  }
  if (error.code === 'conflict') {
    if (channel === 'members:link') {
      if (/already managed/i.test(message)) return 'Only members no directory manages (invited by email) can be linked.';
      if (/already manages another/i.test(message)) return 'Each directory user manages one member: pick the pool entry with this member’s email.';
      if (/connection .* was deleted/i.test(message)) return 'Pick the person from a connection that still exists.';
      if (/deactivated|deleted/i.test(message)) return 'Reactivate the person in the directory first, then link again.';
    }
    if (channel === 'invites:revoke') return FIX_REFRESH_INVITES;
    if (channel.startsWith('members:')) return FIX_REFRESH_MEMBERS;
    return 'Refresh and try again.';
  }
  return undefined;
}

/** An admin API refusal with a fix for this channel, as a ServiceError; anything else unchanged. */
export function explainAdminFailure(channel: PeopleChannel, error: unknown): unknown {
  if (!(error instanceof AdminApiError)) return error;
  if (!['invalid_request', 'forbidden', 'not_found', 'conflict', 'unprocessable'].includes(error.code)) return error;
  const field = error.field === 'id' ? (ID_FIELD[channel] ?? error.field) : error.field;
  const fix = fixFor(channel, error, field);
  return new ServiceError(ipcCodeOf(error.code), error.message, fix, field);
}
