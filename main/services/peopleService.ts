/**
 * The people side of the active account, through the admin API: a connection's pool (paged and
 * searched by the backend, so the app never downloads the whole directory), invites (from the pool
 * or by email), members (remove, role, link to the directory), the audit log and alerts.
 *
 * Each call is one admin API request: no session lookup, no connection lookup. The client (and so
 * its keep-alive connection) is reused while the account, backend and token stay the same.
 * Invite codes pass through to the renderer (they are handed to the invitee) but are never logged.
 */
import type { z } from 'zod';
import type { IPC_CONTRACT, IpcResponse } from '../../shared/ipc.js';
import type { AccountsService } from './accounts.js';
import { AdminApiClient } from './adminApiClient.js';
import { explainAdminFailure, type PeopleChannel } from './adminFailures.js';

/** A request as the contract's schema parsed it (defaults applied). */
type Parsed<C extends PeopleChannel> = z.output<(typeof IPC_CONTRACT)[C]['request']>;

export class PeopleService {
  private cached: { key: string; api: AdminApiClient } | undefined;

  constructor(private readonly accounts: AccountsService) {}

  /** The active account's client; refuses (with a fix) when nobody is signed in. */
  private async api(): Promise<AdminApiClient> {
    const session = await this.accounts.activeSession();
    const key = `${session.account.id}\n${session.baseUrl}\n${session.token}`;
    if (this.cached?.key !== key) this.cached = { key, api: session.api };
    return this.cached.api;
  }

  private async run<C extends PeopleChannel, T>(channel: C, call: (api: AdminApiClient) => Promise<T>): Promise<T> {
    const api = await this.api();
    try {
      return await call(api);
    } catch (error) {
      throw explainAdminFailure(channel, error);
    }
  }

  pool(request: Parsed<'pool:list'>): Promise<IpcResponse<'pool:list'>> {
    const { connectionId, ...query } = request;
    return this.run('pool:list', (api) => api.pool(connectionId, query));
  }

  inviteFromPool(request: Parsed<'invites:fromPool'>): Promise<IpcResponse<'invites:fromPool'>> {
    return this.run('invites:fromPool', (api) => api.inviteFromPool(request));
  }

  inviteByEmail(request: Parsed<'invites:byEmail'>): Promise<IpcResponse<'invites:byEmail'>> {
    return this.run('invites:byEmail', (api) => api.inviteByEmail(request));
  }

  invites(request: Parsed<'invites:list'>): Promise<IpcResponse<'invites:list'>> {
    return this.run('invites:list', (api) => api.invites(request));
  }

  async revokeInvite(request: Parsed<'invites:revoke'>): Promise<IpcResponse<'invites:revoke'>> {
    await this.run('invites:revoke', (api) => api.revokeInvite(request.inviteId));
    return { revoked: true };
  }

  members(request: Parsed<'members:list'>): Promise<IpcResponse<'members:list'>> {
    return this.run('members:list', (api) => api.members(request));
  }

  async removeMember(request: Parsed<'members:remove'>): Promise<IpcResponse<'members:remove'>> {
    await this.run('members:remove', (api) => api.removeMember(request.memberId));
    return { removed: true };
  }

  setRole(request: Parsed<'members:setRole'>): Promise<IpcResponse<'members:setRole'>> {
    return this.run('members:setRole', (api) => api.setMemberRole(request.memberId, request.role));
  }

  link(request: Parsed<'members:link'>): Promise<IpcResponse<'members:link'>> {
    return this.run('members:link', (api) => api.linkMember(request.memberId, request.poolEntryId));
  }

  audit(request: Parsed<'audit:list'>): Promise<IpcResponse<'audit:list'>> {
    return this.run('audit:list', (api) => api.audit(request));
  }

  alerts(): Promise<IpcResponse<'alerts:list'>> {
    return this.run('alerts:list', (api) => api.alerts());
  }

  async dismissAlert(request: Parsed<'alerts:dismiss'>): Promise<IpcResponse<'alerts:dismiss'>> {
    await this.run('alerts:dismiss', (api) => api.dismissAlert(request.alertId));
    return { dismissed: true };
  }
}
