/**
 * The `CredentialStore` over the OS keychain, through keytar: Keychain on macOS, Credential
 * Manager on Windows, the Secret Service (GNOME Keyring, KWallet) over D-Bus on Linux. This is
 * the only module that imports keytar; it loads it on first use so that a missing native module or
 * libsecret surfaces as the same clear `KeychainUnavailableError` as a missing keyring.
 *
 * There is no plaintext fallback: when the keychain cannot be used, the error says how to fix it.
 */
import { KeychainUnavailableError, type CredentialStore } from './credentialStore.js';

/** The part of keytar this store uses (tests may pass a fake). */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarCredentialStoreOptions {
  /** The keychain "service" every entry is filed under, e.g. the product name. */
  service: string;
  /** Defaults to `process.platform`; decides the wording of the fix. */
  platform?: NodeJS.Platform;
  /** Defaults to loading the keytar native module on first use. */
  loadKeytar?: () => Promise<KeytarApi>;
}

/** What the admin can do about a missing or locked keychain, in the words of their OS. */
export function keychainFix(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'Unlock your login keychain (open Keychain Access, or sign out of macOS and back in) and allow SCIM Directory Sync to use it when macOS asks, then try again.';
    case 'win32':
      return 'Windows Credential Manager is not available to this account. Sign in to Windows with your own user profile (not a temporary or restricted one), then try again.';
    default:
      return (
        'Install and unlock a Secret Service keyring: GNOME Keyring or KWallet (for example `sudo apt install gnome-keyring`), ' +
        'then sign in to a desktop session so the keyring is unlocked, and try again.'
      );
  }
}

/**
 * Errors that mean "there is no usable keychain here" rather than a bug: no D-Bus session, no
 * Secret Service on it, a locked or dismissed keyring, a missing libsecret, macOS refusing
 * interaction, Windows without a credential store.
 */
const UNAVAILABLE_PATTERNS: RegExp[] = [
  /dbus|d-bus/i,
  /org\.freedesktop\.secrets/i,
  /secret ?service/i,
  /not provided by any \.service files/i,
  /autolaunch/i,
  /X11 \$?DISPLAY/i,
  /\block(ed)?\b/i,
  /unlock/i,
  /prompt/i,
  /dismissed/i,
  /cancel+ed/i,
  /no such (object|interface|method)/i,
  /connection (is )?closed|could not connect|failed to connect/i,
  /libsecret/i,
  /cannot open shared object file/i,
  /keytar\.node|NODE_MODULE_VERSION|was compiled against a different Node\.js version/i,
  /user interaction is not allowed/i,
  /keychain/i,
  /passphrase/i,
  /credential manager|ERROR_NO_SUCH_LOGON_SESSION|no such logon session/i,
];

export function isKeychainUnavailable(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return UNAVAILABLE_PATTERNS.some((pattern) => pattern.test(message));
}

async function loadNativeKeytar(): Promise<KeytarApi> {
  const module = (await import('keytar')) as unknown as { default?: KeytarApi } & KeytarApi;
  return module.default ?? module;
}

export function createKeytarCredentialStore(options: KeytarCredentialStoreOptions): CredentialStore {
  const { service } = options;
  if (!service) throw new Error('The keychain service name is required.');
  const platform = options.platform ?? process.platform;
  const load = options.loadKeytar ?? loadNativeKeytar;
  let keytar: Promise<KeytarApi> | undefined;

  async function run<T>(operation: (api: KeytarApi) => Promise<T>): Promise<T> {
    try {
      // A failed load is retried next time: the admin may install or unlock a keyring meanwhile.
      keytar ??= load().catch((error: unknown) => {
        keytar = undefined;
        throw error;
      });
      return await operation(await keytar);
    } catch (error) {
      if (error instanceof KeychainUnavailableError) throw error;
      if (isKeychainUnavailable(error)) {
        const unavailable = new KeychainUnavailableError(keychainFix(platform));
        (unavailable as Error & { cause?: unknown }).cause = error;
        throw unavailable;
      }
      throw error;
    }
  }

  function checkAccount(account: string): void {
    if (typeof account !== 'string' || account.length === 0) throw new Error('The keychain account name is required.');
  }

  return {
    async get(account) {
      checkAccount(account);
      return run((api) => api.getPassword(service, account));
    },
    async set(account, secret) {
      checkAccount(account);
      if (typeof secret !== 'string' || secret.length === 0) throw new Error('An empty secret cannot be stored in the keychain.');
      await run((api) => api.setPassword(service, account, secret));
    },
    async delete(account) {
      checkAccount(account);
      return run((api) => api.deletePassword(service, account));
    },
  };
}
