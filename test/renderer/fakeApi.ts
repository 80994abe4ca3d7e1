/**
 * An in-memory `DesktopApi` for renderer tests: built with the real `buildDesktopApi`, it records
 * every call, keeps connections and the wizard in memory, and lets the test push messages.
 */
import { buildDesktopApi, type AccountSummary, type ConnectionView, type IpcChannel, type ProbeReport, type PushMessage, type Result, type WizardState } from '../../shared/ipc.js';

export interface Call {
  channel: IpcChannel;
  request: any;
}

export const ORG_ID = '11111111-1111-4111-8111-111111111111';
export const SECRET = 'sds_scim_secret_VALUE_1234567890abcdef';

export function connectionView(overrides: Partial<ConnectionView> = {}): ConnectionView {
  const id = overrides.id ?? '22222222-2222-4222-8222-222222222222';
  return {
    id,
    name: 'Default SCIM Connection',
    provider: 'okta',
    endpointBaseUrl: `https://scim.example.com/scim/v2/${id}`,
    createdAt: new Date().toISOString(),
    secretAvailable: true,
    ...overrides,
    health: {
      detectedProvider: null,
      lastRequestAt: null,
      requestsLast24h: 0,
      errorsLast24h: 0,
      lastError: null,
      syncedUsers: 0,
      ...overrides.health,
    },
  };
}

export const ACCOUNT: AccountSummary = { id: 'acct-1', orgName: 'Acme Inc', memberEmail: 'owner@acme.test', role: 'owner', backend: { kind: 'bundled' } };

export interface FakeOptions {
  accounts?: AccountSummary[];
  connections?: ConnectionView[];
  wizard?: WizardState | null;
  probe?: ProbeReport;
  overrides?: Partial<Record<IpcChannel, (request: any) => Result<unknown> | Promise<Result<unknown>>>>;
}

export function createFakeApi(options: FakeOptions = {}) {
  const calls: Call[] = [];
  const listeners = new Set<(message: PushMessage) => void>();
  const state = {
    accounts: options.accounts ?? [ACCOUNT],
    activeAccountId: (options.accounts ?? [ACCOUNT])[0]?.id ?? null,
    connections: options.connections ?? [],
    wizard: options.wizard ?? null,
    publicUrl: null as string | null,
  };
  let counter = 0;
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });
  const find = (id: string) => state.connections.find((c) => c.id === id);

  const handlers: Partial<Record<IpcChannel, (request: any) => Result<unknown> | Promise<Result<unknown>>>> = {
    'accounts:list': () => ok({ accounts: state.accounts, activeAccountId: state.activeAccountId }),
    'accounts:startBundledOrg': (r) => {
      const account: AccountSummary = { id: `acct-${++counter + 1}`, orgName: r.orgName, memberEmail: r.ownerEmail, role: 'owner', backend: { kind: 'bundled' } };
      state.accounts = [...state.accounts, account];
      state.activeAccountId = account.id;
      return ok(account);
    },
    'accounts:signOut': (r) => {
      state.accounts = state.accounts.filter((a) => a.id !== r.accountId);
      state.activeAccountId = state.accounts[0]?.id ?? null;
      return ok({ accounts: state.accounts, activeAccountId: state.activeAccountId });
    },
    'connections:list': () => ok(state.connections),
    'connections:create': (r) => {
      const view = connectionView({ id: `33333333-3333-4333-8333-33333333333${++counter % 10}`, name: r.name ?? 'Default SCIM Connection', provider: r.provider });
      state.connections = [...state.connections, view];
      return ok(view);
    },
    'connections:rotateSecret': (r) => {
      const c = find(r.connectionId)!;
      const next = { ...c, secretAvailable: true };
      state.connections = state.connections.map((x) => (x.id === c.id ? next : x));
      return ok(next);
    },
    'connections:delete': (r) => {
      state.connections = state.connections.filter((x) => x.id !== r.connectionId);
      return ok({ deleted: true });
    },
    'connections:rename': (r) => {
      const next = { ...find(r.connectionId)!, name: r.name };
      state.connections = state.connections.map((x) => (x.id === next.id ? next : x));
      return ok(next);
    },
    'connections:revealSecret': () => ok({ secret: SECRET }),
    'connections:copy': () => ok({ copied: true, clearsAfterSeconds: 60 }),
    'connections:forgetSecret': (r) => {
      state.connections = state.connections.map((x) => (x.id === r.connectionId ? { ...x, secretAvailable: false } : x));
      return ok({ forgotten: true });
    },
    'connections:requestLog': () => ok([]),
    'connections:test': () =>
      ok(options.probe ?? { ok: true, checks: [{ id: 'reachable', label: 'The endpoint answers', status: 'pass', detail: 'HTTP 200 in 12 ms' }] }),
    'clipboard:copyText': () => ok({ copied: true }),
    'wizard:load': () => ok(state.wizard),
    'wizard:save': (r) => {
      state.wizard = r;
      return ok(r);
    },
    'wizard:clear': () => {
      state.wizard = null;
      return ok({ cleared: true });
    },
    'backend:settings': () => ok({ publicUrl: state.publicUrl, kind: 'bundled' }),
    'backend:setPublicUrl': (r) => {
      state.publicUrl = r.publicUrl;
      return ok({ publicUrl: r.publicUrl });
    },
    'links:open': () => ok({ opened: true }),
    ...options.overrides,
  };

  const api = buildDesktopApi(
    async (channel, request) => {
      calls.push({ channel, request });
      const handler = handlers[channel];
      if (!handler) return { ok: false, error: { code: 'internal', message: `fake api: no handler for ${channel}` } };
      return handler(request);
    },
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  );

  return {
    api,
    calls,
    state,
    callsTo: (channel: IpcChannel) => calls.filter((c) => c.channel === channel).map((c) => c.request),
    push(message: PushMessage) {
      for (const l of listeners) l(message);
    },
  };
}

export type FakeApi = ReturnType<typeof createFakeApi>;
