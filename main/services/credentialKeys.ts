/**
 * Names of the secrets main keeps in the OS keychain (the `CredentialStore`): one device token per
 * account (keyed by the account id) and the Authentication Secret of a connection whose setup is
 * not finished yet. The keychain service name is the product's name.
 */
export const CREDENTIAL_SERVICE = 'SCIM Directory Sync';

export function deviceTokenKey(accountId: string): string {
  return accountId;
}

export function connectionSecretKey(connectionId: string): string {
  return `connection-secret:${connectionId}`;
}
