/**
 * The admin API (`/api/v1`) over HTTP with axios: a device token as Bearer, timeouts, and every
 * failure turned into a typed error: `AdminApiError` when the backend answered (its `ApiError`
 * body), `BackendUnreachableError` when it did not. Responses are parsed with the `shared/api`
 * schemas, so a backend that drifted from the contract fails loudly here, not in the UI.
 */
import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { z } from 'zod';
import { ApiError, type ApiErrorCode } from '../../shared/api/common.js';
import {
  Connection,
  ConnectionWithSecret,
  RequestLog,
  type CreateConnectionRequest,
  type RequestLogEntry,
} from '../../shared/api/connections.js';
import { RedeemCodeResponse, SessionInfo } from '../../shared/api/session.js';
import { PoolPage, type PoolQuery } from '../../shared/api/pool.js';
import { InvitePage, InviteResults, type INVITE_STATUSES, type InviteByEmailRequest, type InviteFromPoolRequest } from '../../shared/api/invites.js';
import { Member, MemberPage } from '../../shared/api/members.js';
import { AlertList, AuditPage } from '../../shared/api/audit.js';
import type { Role } from '../../shared/api/common.js';
import { AdminApiError, BackendUnreachableError } from './errors.js';
import { isLoopbackHost } from './addressClassification.js';

export const ADMIN_API_PREFIX = '/api/v1';
export const DEFAULT_API_TIMEOUT_MS = 10_000;

export interface AdminApiClientOptions {
  /** The backend's origin, e.g. `http://127.0.0.1:43123` or `https://scim.example.com`. */
  baseUrl: string;
  /** The device token; omit for the public routes (redeem). */
  token?: string;
  timeoutMs?: number;
}

function codeForStatus(status: number): ApiErrorCode {
  if (status === 400 || status === 413 || status === 415) return 'invalid_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 422) return 'unprocessable';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'unavailable';
  return 'internal';
}

/** Any axios failure → AdminApiError / BackendUnreachableError; anything else passes through. */
export function toAdminApiFailure(error: unknown, baseUrl: string): Error {
  if (!(error instanceof AxiosError)) return error instanceof Error ? error : new Error(String(error));
  const response = error.response;
  if (response) {
    const body = ApiError.safeParse(response.data);
    if (body.success) return new AdminApiError(response.status, body.data.error.code, body.data.error.message, body.data.error.field);
    return new AdminApiError(response.status, codeForStatus(response.status), `The backend answered HTTP ${response.status}.`);
  }
  const reason = error.code === AxiosError.ECONNABORTED || error.code === AxiosError.ETIMEDOUT ? 'ETIMEDOUT' : ((error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.code);
  const what =
    reason === 'ECONNREFUSED'
      ? 'nothing is listening there'
      : reason === 'ETIMEDOUT'
        ? 'it did not answer in time'
        : reason === 'ENOTFOUND' || reason === 'EAI_AGAIN'
          ? 'the host name does not resolve'
          : (error.message ?? 'network error');
  return new BackendUnreachableError(baseUrl, reason, `Could not reach the backend at ${baseUrl}: ${what}.`);
}

export class AdminApiClient {
  private readonly http: AxiosInstance;

  constructor(readonly options: AdminApiClientOptions) {
    const origin = options.baseUrl.replace(/\/+$/, '');
    let host = '';
    try {
      host = new URL(origin).hostname;
    } catch {
      // axios reports the bad URL on first use
    }
    this.http = axios.create({
      baseURL: `${origin}${ADMIN_API_PREFIX}`,
      timeout: options.timeoutMs ?? DEFAULT_API_TIMEOUT_MS,
      headers: {
        Accept: 'application/json',
        ...(options.token !== undefined ? { Authorization: `Bearer ${options.token}` } : {}),
      },
      // A proxy from the environment must never see loopback traffic (the bundled backend).
      ...(isLoopbackHost(host) ? { proxy: false as const } : {}),
      maxRedirects: 0,
    });
  }

  private async call<S extends z.ZodType>(config: AxiosRequestConfig, schema: S): Promise<z.output<S>>;
  private async call(config: AxiosRequestConfig): Promise<void>;
  private async call(config: AxiosRequestConfig, schema?: z.ZodType): Promise<unknown> {
    let data: unknown;
    try {
      data = (await this.http.request(config)).data;
    } catch (error) {
      throw toAdminApiFailure(error, this.options.baseUrl);
    }
    if (!schema) return undefined;
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new AdminApiError(502, 'internal', `The backend's answer to ${config.method ?? 'GET'} ${config.url} does not match the admin API contract.`);
    }
    return parsed.data;
  }

  redeem(code: string, deviceLabel: string): Promise<RedeemCodeResponse> {
    return this.call({ method: 'POST', url: '/session/redeem', data: { code, deviceLabel } }, RedeemCodeResponse);
  }

  session(): Promise<SessionInfo> {
    return this.call({ method: 'GET', url: '/session' }, SessionInfo);
  }

  /** Revokes this device's token. */
  signOut(): Promise<void> {
    return this.call({ method: 'DELETE', url: '/session' });
  }

  async listConnections(): Promise<Connection[]> {
    return (await this.call({ method: 'GET', url: '/connections' }, z.object({ items: z.array(Connection) }))).items;
  }

  getConnection(id: string): Promise<Connection> {
    return this.call({ method: 'GET', url: `/connections/${encodeURIComponent(id)}` }, Connection);
  }

  createConnection(request: z.input<typeof CreateConnectionRequest>): Promise<ConnectionWithSecret> {
    return this.call({ method: 'POST', url: '/connections', data: request }, ConnectionWithSecret);
  }

  renameConnection(id: string, name: string): Promise<Connection> {
    return this.call({ method: 'PATCH', url: `/connections/${encodeURIComponent(id)}`, data: { name } }, Connection);
  }

  rotateSecret(id: string, request: { graceSeconds: number; pastedSecret?: string }): Promise<ConnectionWithSecret> {
    return this.call({ method: 'POST', url: `/connections/${encodeURIComponent(id)}/rotate-secret`, data: request }, ConnectionWithSecret);
  }

  deleteConnection(id: string): Promise<void> {
    return this.call({ method: 'DELETE', url: `/connections/${encodeURIComponent(id)}` });
  }

  async requestLog(id: string): Promise<RequestLogEntry[]> {
    return (await this.call({ method: 'GET', url: `/connections/${encodeURIComponent(id)}/requests` }, RequestLog)).items;
  }

  pool(connectionId: string, query: Partial<PoolQuery> = {}): Promise<PoolPage> {
    return this.call({ method: 'GET', url: `/connections/${encodeURIComponent(connectionId)}/pool`, params: query }, PoolPage);
  }

  inviteFromPool(request: z.input<typeof InviteFromPoolRequest>): Promise<InviteResults> {
    return this.call({ method: 'POST', url: '/invites/from-pool', data: request }, InviteResults);
  }

  inviteByEmail(request: z.input<typeof InviteByEmailRequest>): Promise<InviteResults> {
    return this.call({ method: 'POST', url: '/invites', data: request }, InviteResults);
  }

  invites(query: { page?: number; pageSize?: number; status?: (typeof INVITE_STATUSES)[number] } = {}): Promise<InvitePage> {
    return this.call({ method: 'GET', url: '/invites', params: query }, InvitePage);
  }

  revokeInvite(inviteId: string): Promise<void> {
    return this.call({ method: 'DELETE', url: `/invites/${encodeURIComponent(inviteId)}` });
  }

  /** `unmanaged`: only members no directory manages (invited by email and not linked). */
  members(query: { page?: number; pageSize?: number; status?: 'active' | 'removed'; unmanaged?: boolean } = {}): Promise<MemberPage> {
    const { unmanaged, ...rest } = query;
    const params = unmanaged === undefined ? rest : { ...rest, unmanaged: unmanaged ? 'true' : 'false' };
    return this.call({ method: 'GET', url: '/members', params }, MemberPage);
  }

  removeMember(memberId: string): Promise<void> {
    return this.call({ method: 'DELETE', url: `/members/${encodeURIComponent(memberId)}` });
  }

  setMemberRole(memberId: string, role: Role): Promise<Member> {
    return this.call({ method: 'PATCH', url: `/members/${encodeURIComponent(memberId)}`, data: { role } }, Member);
  }

  linkMember(memberId: string, poolEntryId: string): Promise<Member> {
    return this.call({ method: 'POST', url: `/members/${encodeURIComponent(memberId)}/link`, data: { poolEntryId } }, Member);
  }

  audit(
    query: {
      page?: number;
      pageSize?: number;
      actorType?: 'member' | 'connection' | 'system';
      actorId?: string;
      kind?: string;
      since?: string;
      until?: string;
    } = {},
  ): Promise<z.output<typeof AuditPage>> {
    return this.call({ method: 'GET', url: '/audit', params: query }, AuditPage);
  }

  alerts(): Promise<z.output<typeof AlertList>> {
    return this.call({ method: 'GET', url: '/alerts' }, AlertList);
  }

  dismissAlert(alertId: string): Promise<void> {
    // An empty JSON object: the backend accepts only JSON bodies on POST.
    return this.call({ method: 'POST', url: `/alerts/${encodeURIComponent(alertId)}/dismiss`, data: {} });
  }
}
