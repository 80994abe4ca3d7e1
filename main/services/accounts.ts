/**
 * Org accounts on this device, several at once (as in EnvKey's sign-in screen): start an org on
 * the bundled backend, sign in to a remote one with a code, switch, sign out. Redeeming a code
 * yields a device token; it goes to the keychain under the account id and is read back per use
 * (cached in memory), never written to a file.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import type { AccountSummary, AccountsState } from '../../shared/ipc.js';
import type { RedeemCodeResponse } from '../../shared/api/session.js';
import type { CredentialStore } from '../platform/credentialStore.js';
import { AdminApiClient } from './adminApiClient.js';
import type { BundledBackend } from './bundledBackend.js';
import { deviceTokenKey } from './credentialKeys.js';
import { AdminApiError, ServiceError } from './errors.js';
import { createAccountsStore, summaryOf, type AccountsStore, type StoredAccount } from './accountsStore.js';
import { silentLogger, type Logger } from './deps.js';

export const DEVICE_LABEL_PREFIX = 'SCIM Directory Sync on';
export const FIX_BUNDLED_BACKEND =
  'The backend built into the app could not start. Quit and reopen the app; if it still fails, make sure the disk is not full and look at the app log.';

const OrgCreateOutput = z.object({ orgId: z.string(), ownerMemberId: z.string(), enrollmentCode: z.string(), expiresAt: z.string() });

/** The active account with what it takes to call its backend. */
export interface ActiveSession {
  account: StoredAccount;
  baseUrl: string;
  token: string;
  api: AdminApiClient;
}

export interface AccountsServiceOptions {
  userDataDir: string;
  credentials: CredentialStore;
  bundledBackend: BundledBackend;
  hostname?: string;
  clock?: () => number;
  logger?: Logger;
  /** Told whenever the active account changes (or is signed out): live events follow it. */
  onActiveChanged?: (account: StoredAccount | null) => void;
  /** Told when an account is removed, to drop what is kept for it (held connection secrets, wizard). */
  onSignedOut?: (accountId: string) => Promise<void>;
}

/** `https://scim.example.com/api/v1/` → `https://scim.example.com`. */
export function normalizeBackendUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ServiceError('invalid_request', `"${value}" is not a valid URL.`, 'Enter the backend address, e.g. https://scim.example.com', 'backendUrl');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ServiceError('invalid_request', 'The backend address must start with https:// (or http:// on a local network).', undefined, 'backendUrl');
  }
  const pathname = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/i, '');
  return `${url.protocol}//${url.host}${pathname}`;
}

export class AccountsService {
  private readonly store: AccountsStore;
  private readonly tokens = new Map<string, string>();
  private readonly logger: Logger;
  private readonly clock: () => number;

  constructor(private readonly options: AccountsServiceOptions) {
    this.store = createAccountsStore(options.userDataDir);
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? Date.now;
  }

  private deviceLabel(): string {
    return `${DEVICE_LABEL_PREFIX} ${this.options.hostname ?? os.hostname()}`.slice(0, 100);
  }

  async state(): Promise<AccountsState> {
    const file = await this.store.read();
    return { accounts: file.accounts.map(summaryOf), activeAccountId: file.activeAccountId };
  }

  async activeAccount(): Promise<StoredAccount | null> {
    const file = await this.store.read();
    return file.accounts.find((a) => a.id === file.activeAccountId) ?? null;
  }

  /** The backend origin of an account: the bundled one is started when needed. */
  async baseUrlOf(account: StoredAccount): Promise<string> {
    return account.backend.kind === 'bundled' ? this.startBundled() : account.backend.url;
  }

  private async startBundled(): Promise<string> {
    try {
      return await this.options.bundledBackend.ensureRunning();
    } catch (error) {
      throw new ServiceError('unavailable', (error as Error).message, FIX_BUNDLED_BACKEND);
    }
  }

  async tokenOf(accountId: string): Promise<string | null> {
    const cached = this.tokens.get(accountId);
    if (cached !== undefined) return cached;
    const token = await this.options.credentials.get(deviceTokenKey(accountId));
    if (token !== null) this.tokens.set(accountId, token);
    return token;
  }

  /** The active account, ready to call; refuses when nobody is signed in or the token is gone. */
  async activeSession(): Promise<ActiveSession> {
    const account = await this.activeAccount();
    if (!account) throw new ServiceError('unauthorized', 'No org account is signed in on this device.', 'Sign in to an org first.');
    const token = await this.tokenOf(account.id);
    if (token === null) {
      throw new ServiceError(
        'unauthorized',
        `The sign-in token for ${account.memberEmail} in ${account.orgName} is missing from the keychain.`,
        'Sign out of this account and sign in again with a new code.',
      );
    }
    const baseUrl = await this.baseUrlOf(account);
    return { account, baseUrl, token, api: new AdminApiClient({ baseUrl, token }) };
  }

  async startBundledOrg(input: { orgName: string; ownerEmail: string; ownerName?: string | undefined }): Promise<AccountSummary> {
    const backend = this.options.bundledBackend;
    const baseUrl = await this.startBundled();
    const args = ['org', 'create', '--name', input.orgName, '--owner-email', input.ownerEmail];
    if (input.ownerName) args.push('--owner-name', input.ownerName);
    args.push('--json');
    const stdout = await backend.runCli(args);
    let created: z.infer<typeof OrgCreateOutput>;
    try {
      created = OrgCreateOutput.parse(JSON.parse(stdout.trim().split(/\r?\n/).at(-1) ?? ''));
    } catch {
      throw new ServiceError('internal', 'The backend created the org but its answer could not be read.');
    }
    const redeemed = await new AdminApiClient({ baseUrl }).redeem(created.enrollmentCode, this.deviceLabel());
    return this.addAccount(redeemed, { kind: 'bundled' }, baseUrl);
  }

  async signInRemote(input: { backendUrl: string; code: string }): Promise<AccountSummary> {
    const baseUrl = normalizeBackendUrl(input.backendUrl);
    let redeemed: RedeemCodeResponse;
    try {
      redeemed = await new AdminApiClient({ baseUrl }).redeem(input.code, this.deviceLabel());
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 401) {
        throw new ServiceError(
          'unauthorized',
          'That code did not work: it is wrong, already used, or expired.',
          'Check the code, or ask an owner or admin of the org for a new one (codes work once and expire).',
          'code',
        );
      }
      if (error instanceof AdminApiError && error.status === 404) {
        throw new ServiceError('not_found', `${baseUrl} does not look like a SCIM Directory Sync backend.`, 'Check the backend address.', 'backendUrl');
      }
      throw error;
    }
    return this.addAccount(redeemed, { kind: 'remote', url: baseUrl }, baseUrl);
  }

  private async addAccount(redeemed: RedeemCodeResponse, backend: StoredAccount['backend'], baseUrl: string): Promise<AccountSummary> {
    const account: StoredAccount = {
      id: randomUUID(),
      orgName: redeemed.org.name,
      memberEmail: redeemed.member.email,
      role: redeemed.member.role,
      backend,
      orgId: redeemed.org.id,
      memberId: redeemed.member.id,
      deviceId: redeemed.deviceId,
      signedInAt: new Date(this.clock()).toISOString(),
    };
    try {
      await this.options.credentials.set(deviceTokenKey(account.id), redeemed.deviceToken);
    } catch (error) {
      // Nowhere safe to keep the token: give it back rather than leave a live token behind.
      await new AdminApiClient({ baseUrl, token: redeemed.deviceToken, timeoutMs: 3000 }).signOut().catch(() => undefined);
      throw error;
    }
    this.tokens.set(account.id, redeemed.deviceToken);
    const replaced: string[] = [];
    await this.store.update((file) => {
      // The same member of the same org on the same backend signing in again replaces the old entry.
      for (const old of file.accounts) {
        if (old.orgId === account.orgId && old.memberId === account.memberId && sameBackend(old.backend, backend)) replaced.push(old.id);
      }
      file.accounts = [...file.accounts.filter((a) => !replaced.includes(a.id)), account];
      file.activeAccountId = account.id;
    });
    for (const id of replaced) {
      this.tokens.delete(id);
      await this.options.credentials.delete(deviceTokenKey(id)).catch(() => false);
      await this.options.onSignedOut?.(id).catch(() => undefined);
    }
    this.options.onActiveChanged?.(account);
    return summaryOf(account);
  }

  async switchTo(accountId: string): Promise<AccountSummary> {
    const account = await this.store.update((file) => {
      const found = file.accounts.find((a) => a.id === accountId);
      if (!found) throw new ServiceError('not_found', 'There is no such account on this device.', undefined, 'accountId');
      file.activeAccountId = found.id;
      return found;
    });
    this.options.onActiveChanged?.(account);
    return summaryOf(account);
  }

  async signOut(accountId: string): Promise<AccountsState> {
    const file = await this.store.read();
    const account = file.accounts.find((a) => a.id === accountId);
    if (!account) throw new ServiceError('not_found', 'There is no such account on this device.', undefined, 'accountId');
    const wasActive = file.activeAccountId === accountId;
    if (wasActive) this.options.onActiveChanged?.(null);

    // Revoke the token on the backend, best effort: signing out works offline too.
    const token = await this.tokenOf(accountId).catch(() => null);
    if (token !== null) {
      try {
        const baseUrl = account.backend.kind === 'bundled' ? (this.options.bundledBackend.baseUrl() ?? (await this.baseUrlOf(account))) : account.backend.url;
        await new AdminApiClient({ baseUrl, token, timeoutMs: 3000 }).signOut();
      } catch (error) {
        this.logger.warn('could not revoke the device token on the backend', { error: (error as Error).message });
      }
    }
    await this.options.credentials.delete(deviceTokenKey(accountId));
    this.tokens.delete(accountId);
    await this.options.onSignedOut?.(accountId).catch((error: Error) => this.logger.warn('cleanup after sign-out failed', { error: error.message }));
    const next = await this.store.update((f) => {
      f.accounts = f.accounts.filter((a) => a.id !== accountId);
      if (f.activeAccountId === accountId || f.activeAccountId === null) f.activeAccountId = f.accounts[0]?.id ?? null;
      return f.accounts.find((a) => a.id === f.activeAccountId) ?? null;
    });
    if (wasActive) this.options.onActiveChanged?.(next);
    return this.state();
  }

  /** Forgets the cached token of an account whose backend refused it (401), so the keychain is asked again. */
  forgetCachedToken(accountId: string): void {
    this.tokens.delete(accountId);
  }
}

function sameBackend(a: StoredAccount['backend'], b: StoredAccount['backend']): boolean {
  return a.kind === b.kind && (a.kind === 'bundled' || (b.kind === 'remote' && a.url === b.url));
}
