/**
 * Where the desktop app keeps device tokens: the OS keychain (keytar) behind this interface, so
 * services and tests do not depend on a particular keychain. There is deliberately no plaintext
 * fallback: without a keychain the app says so and how to fix it.
 */
export interface CredentialStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

export class KeychainUnavailableError extends Error {
  constructor(readonly fix: string) {
    super(`No OS keychain is available to store sign-in tokens. ${fix}`);
    this.name = 'KeychainUnavailableError';
  }
}
