/**
 * The IPC handler object: one async function per channel of `shared/ipc.ts`, taking the raw
 * request and answering a `Result`. Each validates its request with the contract's schema (a bad
 * payload is `invalid_request` naming the field, never a throw), calls a service, and maps any
 * failure to an `IpcError` with a plain-language fix. `main/app` registers this very object with
 * `ipcMain.handle`, and the e2e test bridges it into Chromium.
 */
import type { z } from 'zod';
import { IPC_CHANNELS, IPC_CONTRACT, type IpcChannel, type IpcError, type IpcResponse, type Result } from '../../shared/ipc.js';
import { AccountsService } from './accounts.js';
import type { StoredAccount } from './accountsStore.js';
import type { BundledBackend } from './bundledBackend.js';
import { createClipboardGuard, type ClipboardGuard } from './clipboardGuard.js';
import { ConnectionsService } from './connectionsService.js';
import { defaultSetTimer, silentLogger, type ServiceDeps } from './deps.js';
import { AdminApiError, ServiceError, toIpcError } from './errors.js';
import { HeldSecrets } from './heldSecrets.js';
import { openAllowlistedLink } from './links.js';
import { LiveEvents } from './liveEvents.js';
import { PeopleService } from './peopleService.js';
import { createSettingsStore, type SettingsStore } from './settingsStore.js';
import { createWizardStore, type WizardStore } from './wizardStore.js';

export type IpcHandlers = { [C in IpcChannel]: (request: unknown) => Promise<Result<IpcResponse<C>>> };

type ParsedRequest<C extends IpcChannel> = z.output<(typeof IPC_CONTRACT)[C]['request']>;
type Implementations = { [C in IpcChannel]: (request: ParsedRequest<C>) => Promise<IpcResponse<C>> };

export interface MainServices {
  handlers: IpcHandlers;
  accounts: AccountsService;
  connections: ConnectionsService;
  people: PeopleService;
  liveEvents: LiveEvents;
  settings: SettingsStore;
  wizard: WizardStore;
  clipboard: ClipboardGuard;
  /** Stops live events, clears a secret still on the clipboard, detaches from the backend. Does not stop the backend. */
  dispose(): void;
}

/** Invalid request → the first issue, with its field path (`a.b`) when it has one. */
export function invalidRequest(error: z.ZodError): IpcError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const message = issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'The request is not valid.';
  return { code: 'invalid_request', message, ...(field !== undefined ? { field } : {}) };
}

/** `https://scim.example.com/` → `https://scim.example.com`; refuses what the backend's `--public-url` refuses. */
export function normalizePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ServiceError('invalid_request', `"${value}" is not a valid URL.`, undefined, 'publicUrl');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ServiceError('invalid_request', 'The public URL must start with https://.', undefined, 'publicUrl');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ServiceError('invalid_request', 'The public URL must not contain a query, a fragment or a user name.', undefined, 'publicUrl');
  }
  return url.toString().replace(/\/+$/, '');
}

export function createMainServices(deps: ServiceDeps): MainServices {
  const logger = deps.logger ?? silentLogger;
  const settings = createSettingsStore(deps.userDataDir);
  const wizard = createWizardStore(deps.userDataDir);
  const clipboard = createClipboardGuard(deps.clipboard, deps.setTimer ?? defaultSetTimer);
  const secrets = new HeldSecrets(deps.userDataDir, deps.credentials, logger);

  // The bundled backend starts with the public URL the admin saved, whoever starts it first.
  // It also keeps its loopback port across app starts, so Endpoint Base URLs on it stay put.
  const settingsApplied = settings
    .read()
    .then(async (saved) => {
      if (saved.bundledPort !== null) deps.bundledBackend.preferPort?.(saved.bundledPort);
      await deps.bundledBackend.setPublicUrl(saved.publicUrl);
    })
    .catch((error: Error) => logger.warn('could not apply the saved backend settings', { error: error.message }));
  async function rememberPort(): Promise<void> {
    const url = deps.bundledBackend.baseUrl();
    const port = url ? Number(new URL(url).port) : NaN;
    if (!Number.isInteger(port) || port <= 0) return;
    if ((await settings.read()).bundledPort !== port) await settings.update({ bundledPort: port });
  }
  const backend = deps.bundledBackend;
  const bundledBackend: BundledBackend = {
    ensureRunning: async () => {
      await settingsApplied;
      return backend.ensureRunning();
    },
    baseUrl: () => backend.baseUrl(),
    runCli: (args) => backend.runCli(args),
    publicUrl: () => backend.publicUrl(),
    setPublicUrl: (url) => backend.setPublicUrl(url),
    stop: () => backend.stop(),
    status: () => backend.status(),
    pid: () => backend.pid(),
    onStatus: (listener) => backend.onStatus(listener),
    preferPort: (port) => backend.preferPort?.(port),
  };

  const refused = new Set<string>();
  const liveEvents = new LiveEvents({
    push: deps.push,
    logger,
    onUnauthorized: (accountId) => {
      refused.add(accountId);
      accounts.forgetCachedToken(accountId);
    },
  });

  function follow(account: StoredAccount | null): void {
    if (!account) {
      liveEvents.stop();
      return;
    }
    refused.delete(account.id);
    liveEvents.follow(account.id, async () => {
      const token = await accounts.tokenOf(account.id);
      if (token === null) throw new Error('no device token in the keychain');
      return { baseUrl: await accounts.baseUrlOf(account), token };
    });
  }

  const accounts: AccountsService = new AccountsService({
    userDataDir: deps.userDataDir,
    credentials: deps.credentials,
    bundledBackend,
    ...(deps.hostname !== undefined ? { hostname: deps.hostname } : {}),
    ...(deps.clock !== undefined ? { clock: deps.clock } : {}),
    logger,
    onActiveChanged: follow,
    onSignedOut: async (accountId) => {
      await secrets.forgetAccount(accountId);
      await wizard.clear(accountId);
    },
  });
  const connections = new ConnectionsService({ accounts, secrets, clipboard, wizard });
  const people = new PeopleService(accounts);

  /** Live events follow the active account from the first call on (the app's start). */
  async function followActiveIfIdle(): Promise<void> {
    const active = await accounts.activeAccount();
    if (active && liveEvents.accountId !== active.id && !refused.has(active.id)) follow(active);
  }

  const unsubscribeStatus = deps.bundledBackend.onStatus((status, detail) => {
    deps.push({ kind: 'backend', status, ...(detail !== undefined ? { detail } : {}) });
    if (status === 'ready') void rememberPort().catch((error: Error) => logger.warn('could not save the backend port', { error: error.message }));
  });

  async function activeAccountId(): Promise<string | null> {
    return (await accounts.activeAccount())?.id ?? null;
  }

  const implementations: Implementations = {
    'accounts:list': async () => {
      await followActiveIfIdle();
      return accounts.state();
    },
    'accounts:startBundledOrg': (request) => accounts.startBundledOrg(request),
    'accounts:signInRemote': (request) => accounts.signInRemote(request),
    'accounts:switch': (request) => accounts.switchTo(request.accountId),
    'accounts:signOut': (request) => accounts.signOut(request.accountId),

    'connections:list': async () => {
      await followActiveIfIdle();
      return connections.list();
    },
    'connections:create': (request) => connections.create(request),
    'connections:rename': (request) => connections.rename(request.connectionId, request.name),
    'connections:rotateSecret': (request) => connections.rotateSecret(request.connectionId, request.graceSeconds, request.pastedSecret),
    'connections:delete': async (request) => {
      await connections.delete(request.connectionId);
      return { deleted: true };
    },
    'connections:requestLog': (request) => connections.requestLog(request.connectionId),
    'connections:revealSecret': async (request) => ({ secret: await connections.revealSecret(request.connectionId) }),
    'connections:copy': (request) => connections.copy(request.connectionId, request.what),
    'connections:test': (request) => connections.test(request.connectionId),
    'connections:forgetSecret': async (request) => {
      await connections.forgetSecret(request.connectionId);
      return { forgotten: true };
    },

    'pool:list': async (request) => {
      await followActiveIfIdle();
      return people.pool(request);
    },
    'invites:fromPool': (request) => people.inviteFromPool(request),
    'invites:byEmail': (request) => people.inviteByEmail(request),
    'invites:list': (request) => people.invites(request),
    'invites:revoke': (request) => people.revokeInvite(request),
    'members:list': async (request) => {
      await followActiveIfIdle();
      return people.members(request);
    },
    'members:remove': (request) => people.removeMember(request),
    'members:setRole': (request) => people.setRole(request),
    'members:link': (request) => people.link(request),
    'audit:list': (request) => people.audit(request),
    'alerts:list': async () => {
      await followActiveIfIdle();
      return people.alerts();
    },
    'alerts:dismiss': (request) => people.dismissAlert(request),

    'clipboard:copyText': async (request) => {
      clipboard.copy(request.text);
      return { copied: true };
    },

    'wizard:load': async () => {
      const accountId = await activeAccountId();
      return accountId === null ? null : wizard.load(accountId);
    },
    'wizard:save': async (request) => {
      const accountId = await activeAccountId();
      if (accountId === null) throw new ServiceError('unauthorized', 'No org account is signed in on this device.', 'Sign in to an org first.');
      return wizard.save(accountId, request);
    },
    'wizard:clear': async () => {
      const accountId = await activeAccountId();
      if (accountId !== null) await wizard.clear(accountId);
      return { cleared: true };
    },

    'backend:settings': async () => {
      const active = await accounts.activeAccount();
      const kind = active?.backend.kind ?? 'bundled';
      return { publicUrl: kind === 'bundled' ? (await settings.read()).publicUrl : null, kind };
    },
    'backend:setPublicUrl': async (request) => {
      const active = await accounts.activeAccount();
      if (active?.backend.kind === 'remote') {
        throw new ServiceError(
          'conflict',
          'This org runs on a remote backend: its public URL is set on that server (--public-url), not in this app.',
          undefined,
          'publicUrl',
        );
      }
      const publicUrl = normalizePublicUrl(request.publicUrl);
      await settings.update({ publicUrl });
      await settingsApplied;
      await deps.bundledBackend.setPublicUrl(publicUrl);
      return { publicUrl };
    },

    'links:open': async (request) => {
      await openAllowlistedLink(request.id, deps.openExternal);
      return { opened: true };
    },
  };

  function handlerFor<C extends IpcChannel>(channel: C): (request: unknown) => Promise<Result<IpcResponse<C>>> {
    const schema = IPC_CONTRACT[channel].request as unknown as z.ZodType<ParsedRequest<C>>;
    const implementation = implementations[channel] as (request: ParsedRequest<C>) => Promise<IpcResponse<C>>;
    return async (request) => {
      const parsed = schema.safeParse(request === undefined ? {} : request);
      if (!parsed.success) return { ok: false, error: invalidRequest(parsed.error) };
      try {
        return { ok: true, value: await implementation(parsed.data) };
      } catch (error) {
        if (error instanceof AdminApiError && error.status === 401 && !channel.startsWith('accounts:')) {
          const accountId = await activeAccountId().catch(() => null);
          if (accountId !== null) {
            accounts.forgetCachedToken(accountId);
            if (liveEvents.accountId === accountId) liveEvents.stop();
          }
        }
        if (!(error instanceof ServiceError) && !(error instanceof AdminApiError)) {
          logger.warn(`IPC ${channel} failed`, { error: error instanceof Error ? error.message : String(error) });
        }
        return { ok: false, error: toIpcError(error) };
      }
    };
  }

  const handlers = Object.fromEntries(IPC_CHANNELS.map((channel) => [channel, handlerFor(channel)])) as IpcHandlers;

  return {
    handlers,
    accounts,
    connections,
    people,
    liveEvents,
    settings,
    wizard,
    clipboard,
    dispose() {
      liveEvents.stop();
      clipboard.clearNow();
      unsubscribeStatus();
    },
  };
}

/** The handler object for every IPC channel (see `createMainServices` for the services behind it). */
export function createIpcHandlers(deps: ServiceDeps): IpcHandlers {
  return createMainServices(deps).handlers;
}
