/**
 * A tiny typed client for the admin API (`/api/v1`) over real HTTP (Node's fetch), as the desktop
 * app or a headless admin with curl talks to it. It never throws on an HTTP status: tests decide
 * what to check, so `{ status, body }` comes back for every answer.
 */
import type { TestServer } from './server.js';
import { createOrgWithOwner } from '../../server/domain/orgs.js';
import type { RedeemCodeResponse } from '../../shared/api/session.js';

export const ADMIN_API_PREFIX = '/api/v1';

export interface AdminResponse<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response has a JSON body, else undefined. */
  body: T;
  text: string;
}

export class AdminClient {
  /**
   * @param baseUrl the backend's origin (e.g. `server.baseUrl`); `/api/v1` is added to every path.
   * @param token the device token, sent as `Authorization: Bearer <token>`; omit for anonymous calls.
   */
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  /** The same backend, signed in with another token (or anonymous with undefined). */
  as(token: string | undefined): AdminClient {
    return new AdminClient(this.baseUrl, token);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    extra: { headers?: Record<string, string>; query?: Record<string, string | number | boolean | undefined> } = {},
  ): Promise<AdminResponse<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...extra.headers };
    if (this.token !== undefined) headers.Authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    // A bounded wait: a route that wrongly answers with a never-ending stream fails instead of hanging.
    const response = await fetch(this.url(path, extra.query), { method, headers, body: payload, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  /** Full URL of an admin API path (`/connections` → `<baseUrl>/api/v1/connections`), with a query string. */
  url(path: string, query?: Record<string, string | number | boolean | undefined>): string {
    const url = new URL(`${this.baseUrl}${ADMIN_API_PREFIX}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  get<T = any>(path: string, query?: Record<string, string | number | boolean | undefined>) {
    return this.request<T>('GET', path, undefined, query ? { query } : {});
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  patch<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('PATCH', path, body);
  }
  put<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('PUT', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export interface SignedIn extends RedeemCodeResponse {
  /** A client carrying the new device token. */
  client: AdminClient;
}

/** Redeems a one-time code (an owner's enrollment code or an invite code); throws unless 201. */
export async function redeem(baseUrl: string, code: string, deviceLabel = 'Acceptance test'): Promise<SignedIn> {
  const response = await new AdminClient(baseUrl).post<RedeemCodeResponse>('/session/redeem', { code, deviceLabel });
  if (response.status !== 201) throw new Error(`POST /session/redeem: expected 201, got ${response.status}: ${response.text.slice(0, 500)}`);
  return { ...response.body, client: new AdminClient(baseUrl, response.body.deviceToken) };
}

/**
 * Creates an org with its first owner (as `org create` does on the server) and signs the owner in
 * by redeeming the enrollment code over HTTP.
 */
export async function signInOwner(
  server: Pick<TestServer, 'baseUrl' | 'db'>,
  orgName: string,
  email: string,
  options: { ownerName?: string; clock?: () => number } = {},
): Promise<SignedIn & { orgId: string; ownerMemberId: string }> {
  const created = await createOrgWithOwner(server.db, {
    name: orgName,
    ownerEmail: email,
    ...(options.ownerName !== undefined ? { ownerName: options.ownerName } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const signedIn = await redeem(server.baseUrl, created.enrollmentCode, `${orgName} owner's desktop`);
  return { ...signedIn, orgId: created.org.id, ownerMemberId: created.ownerMemberId };
}

/** Throws with the response text unless the status is the expected one; returns the body. */
export function expectStatus<T>(response: AdminResponse<T>, status: number, what = 'request'): T {
  if (response.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${response.status}: ${response.text.slice(0, 800)}`);
  return response.body;
}
