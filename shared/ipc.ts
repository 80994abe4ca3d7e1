/**
 * The one contract between the desktop app's renderer and its main process. Every call is a
 * channel `namespace:method` taking one JSON request and answering a `Result`; main validates each
 * request with the schema here before a handler sees it. The preload script and the e2e bridge
 * build `window.api` from `IPC_CHANNELS`, so neither can drift from the handlers.
 *
 * Secrets (device tokens, Authentication Secrets) never cross this boundary except through the
 * explicit `connections:revealSecret`; copying one goes through main (`connections:copy`).
 */
import { z } from 'zod';
import { Connection, RequestLogEntry } from './api/connections.js';
import { DirectoryProvider, Id, Role } from './api/common.js';
import { LiveEvent } from './api/events.js';
import { POOL_COUNT_UP_TO_MAX, PoolPage, PoolStatus } from './api/pool.js';
import { INVITE_STATUSES, InviteByEmailRequest, InviteFromPoolRequest, InvitePage, InviteResults } from './api/invites.js';
import { Member, MemberPage } from './api/members.js';
import { AlertList, AuditPage } from './api/audit.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const IpcError = z.object({
  code: z.enum(['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'unavailable', 'keychain_unavailable', 'internal']),
  message: z.string(),
  /** A plain-language next step for the admin, when there is one. */
  fix: z.string().optional(),
  field: z.string().optional(),
});
export type IpcError = z.infer<typeof IpcError>;

export const AccountSummary = z.object({
  id: z.string(),
  orgName: z.string(),
  memberEmail: z.string(),
  role: Role,
  backend: z.discriminatedUnion('kind', [z.object({ kind: z.literal('bundled') }), z.object({ kind: z.literal('remote'), url: z.string() })]),
});
export type AccountSummary = z.infer<typeof AccountSummary>;

export const AccountsState = z.object({ accounts: z.array(AccountSummary), activeAccountId: z.string().nullable() });
export type AccountsState = z.infer<typeof AccountsState>;

/** A connection as the renderer sees it: the secret is only known to main, as a masked hint. */
export const ConnectionView = Connection.extend({
  /** True while main still holds the secret shown at creation or reset (until the wizard is done). */
  secretAvailable: z.boolean(),
});
export type ConnectionView = z.infer<typeof ConnectionView>;

export const ProbeCheck = z.object({
  id: z.enum(['reachable', 'serviceProviderConfig', 'userLookup', 'userPaging', 'wrongSecretRefused', 'publicAddress']),
  label: z.string(),
  status: z.enum(['pass', 'fail', 'warn']),
  detail: z.string(),
  fix: z.string().optional(),
});
export type ProbeCheck = z.infer<typeof ProbeCheck>;
export const ProbeReport = z.object({ ok: z.boolean(), checks: z.array(ProbeCheck) });
export type ProbeReport = z.infer<typeof ProbeReport>;

export const WizardState = z.object({
  connectionId: z.string(),
  provider: DirectoryProvider,
  /** Ids of the guide steps the admin ticked. */
  completedSteps: z.array(z.string()),
  currentStep: z.number().int().min(0),
  updatedAt: z.string(),
});
export type WizardState = z.infer<typeof WizardState>;

const empty = z.object({});
const connectionRef = z.object({ connectionId: z.string().uuid() });

/** Server-side paging over IPC: numbers (not strings), at most 500 a page. */
export const IPC_MAX_PAGE_SIZE = 500;
const paging = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(IPC_MAX_PAGE_SIZE).default(50),
});
/** An ISO-8601 time (`2026-11-29T10:00:00Z`), checked here so the field is named. */
const isoTime = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .refine((value) => !Number.isNaN(Date.parse(value)), 'not an ISO-8601 time');
const memberRef = z.object({ memberId: Id });

/** Request and response schema of every channel. */
export const IPC_CONTRACT = {
  'accounts:list': { request: empty, response: AccountsState },
  'accounts:startBundledOrg': {
    request: z.object({ orgName: z.string().trim().min(1).max(100), ownerEmail: z.string().trim().email(), ownerName: z.string().trim().max(200).optional() }),
    response: AccountSummary,
  },
  'accounts:signInRemote': {
    request: z.object({ backendUrl: z.string().trim().url(), code: z.string().trim().min(1).max(200) }),
    response: AccountSummary,
  },
  'accounts:switch': { request: z.object({ accountId: z.string() }), response: AccountSummary },
  'accounts:signOut': { request: z.object({ accountId: z.string() }), response: AccountsState },

  'connections:list': { request: empty, response: z.array(ConnectionView) },
  'connections:create': {
    request: z.object({
      name: z.string().trim().min(1).max(100).optional(),
      provider: DirectoryProvider,
      pastedSecret: z.string().optional(),
    }),
    response: ConnectionView,
  },
  'connections:rename': { request: connectionRef.extend({ name: z.string().trim().min(1).max(100) }), response: ConnectionView },
  'connections:rotateSecret': {
    request: connectionRef.extend({ graceSeconds: z.number().int().min(0).max(7 * 24 * 3600), pastedSecret: z.string().optional() }),
    response: ConnectionView,
  },
  'connections:delete': { request: connectionRef, response: z.object({ deleted: z.literal(true) }) },
  'connections:requestLog': { request: connectionRef, response: z.array(RequestLogEntry) },
  'connections:revealSecret': { request: connectionRef, response: z.object({ secret: z.string() }) },
  'connections:copy': {
    request: connectionRef.extend({ what: z.enum(['endpointBaseUrl', 'authenticationSecret']) }),
    response: z.object({ copied: z.literal(true), clearsAfterSeconds: z.number().nullable() }),
  },
  'connections:test': { request: connectionRef, response: ProbeReport },
  'connections:forgetSecret': { request: connectionRef, response: z.object({ forgotten: z.literal(true) }) },

  /** One page of a connection's pool (the directory's users), searched and filtered by the backend. */
  'pool:list': {
    request: connectionRef.extend({
      ...paging.shape,
      search: z.string().trim().max(200).optional(),
      status: PoolStatus.optional(),
      countUpTo: z.number().int().min(1).max(POOL_COUNT_UP_TO_MAX).optional(),
    }),
    response: PoolPage,
  },

  /** Invite from the pool: one result per entry (`invited` carries the invite code to hand over). */
  'invites:fromPool': { request: InviteFromPoolRequest, response: InviteResults },
  'invites:byEmail': { request: InviteByEmailRequest, response: InviteResults },
  'invites:list': { request: paging.extend({ status: z.enum(INVITE_STATUSES).optional() }), response: InvitePage },
  'invites:revoke': { request: z.object({ inviteId: Id }), response: z.object({ revoked: z.literal(true) }) },

  'members:list': {
    request: paging.extend({ status: z.enum(['active', 'removed']).default('active'), unmanaged: z.boolean().optional() }),
    response: MemberPage,
  },
  'members:remove': { request: memberRef, response: z.object({ removed: z.literal(true) }) },
  'members:setRole': { request: memberRef.extend({ role: Role }), response: Member },
  'members:link': { request: memberRef.extend({ poolEntryId: Id }), response: Member },

  'audit:list': {
    request: paging.extend({
      actorType: z.enum(['member', 'connection', 'system']).optional(),
      actorId: z.string().trim().min(1).max(200).optional(),
      kind: z.string().trim().min(1).max(100).optional(),
      since: isoTime.optional(),
      until: isoTime.optional(),
    }),
    response: AuditPage,
  },
  'alerts:list': { request: empty, response: AlertList },
  'alerts:dismiss': { request: z.object({ alertId: Id }), response: z.object({ dismissed: z.literal(true) }) },

  'clipboard:copyText': { request: z.object({ text: z.string().max(1000) }), response: z.object({ copied: z.literal(true) }) },

  'wizard:load': { request: empty, response: WizardState.nullable() },
  'wizard:save': { request: WizardState, response: WizardState },
  'wizard:clear': { request: empty, response: z.object({ cleared: z.literal(true) }) },

  'backend:settings': { request: empty, response: z.object({ publicUrl: z.string().nullable(), kind: z.enum(['bundled', 'remote']) }) },
  'backend:setPublicUrl': { request: z.object({ publicUrl: z.string().trim().url() }), response: z.object({ publicUrl: z.string() }) },

  'links:open': { request: z.object({ id: z.string() }), response: z.object({ opened: z.literal(true) }) },
} as const;

export type IpcChannel = keyof typeof IPC_CONTRACT;
export const IPC_CHANNELS = Object.keys(IPC_CONTRACT) as IpcChannel[];

export type IpcRequest<C extends IpcChannel> = z.input<(typeof IPC_CONTRACT)[C]['request']>;
export type IpcResponse<C extends IpcChannel> = z.output<(typeof IPC_CONTRACT)[C]['response']>;

/** Main → renderer pushes, on one channel. */
export const IPC_EVENT_CHANNEL = 'events:push';
export const PushMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('live'), accountId: z.string(), event: LiveEvent }),
  z.object({ kind: z.literal('backend'), status: z.enum(['starting', 'ready', 'restarting', 'stopped', 'failed']), detail: z.string().optional() }),
]);
export type PushMessage = z.infer<typeof PushMessage>;

type Namespace<C extends string> = C extends `${infer N}:${string}` ? N : never;
type MethodOf<C extends string, N extends string> = C extends `${N}:${infer M}` ? M : never;

/** `window.api`: `api.connections.create(request)` → `Promise<Result<…>>`, one method per channel. */
export type DesktopApi = {
  [N in Namespace<IpcChannel>]: {
    [M in MethodOf<IpcChannel, N>]: (request: IpcRequest<`${N}:${M}` & IpcChannel>) => Promise<Result<IpcResponse<`${N}:${M}` & IpcChannel>>>;
  };
} & {
  onPush(listener: (message: PushMessage) => void): () => void;
};

/** Builds `window.api` from one function that performs a call; used by the preload and the e2e bridge alike. */
export function buildDesktopApi(
  invoke: (channel: IpcChannel, request: unknown) => Promise<Result<unknown>>,
  subscribe: (listener: (message: PushMessage) => void) => () => void,
): DesktopApi {
  const api: Record<string, Record<string, (request: unknown) => Promise<Result<unknown>>>> = {};
  for (const channel of IPC_CHANNELS) {
    const [namespace, method] = channel.split(':') as [string, string];
    (api[namespace] ??= {})[method] = (request: unknown) => invoke(channel, request ?? {});
  }
  return Object.assign(api, { onPush: subscribe }) as unknown as DesktopApi;
}
