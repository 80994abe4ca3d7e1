/**
 * The org accounts signed in on this device (`accounts.json` in the user-data folder): who, in
 * which org, on which backend, and which one is active. Device tokens are NOT here: they live in
 * the keychain under the account id.
 */
import path from 'node:path';
import { z } from 'zod';
import { AccountSummary } from '../../shared/ipc.js';
import { FileLock, readJsonFile, writeJsonFileAtomic } from './jsonFile.js';

export const StoredAccount = AccountSummary.extend({
  orgId: z.string(),
  memberId: z.string(),
  deviceId: z.string(),
  signedInAt: z.string(),
});
export type StoredAccount = z.infer<typeof StoredAccount>;

export const AccountsFile = z.object({ accounts: z.array(StoredAccount), activeAccountId: z.string().nullable() });
export type AccountsFile = z.infer<typeof AccountsFile>;

export const ACCOUNTS_FILE = 'accounts.json';

export interface AccountsStore {
  read(): Promise<AccountsFile>;
  /** Read, change and write back as one step (serialised within this process). */
  update<T>(change: (file: AccountsFile) => T | Promise<T>): Promise<T>;
}

export function createAccountsStore(userDataDir: string): AccountsStore {
  const file = path.join(userDataDir, ACCOUNTS_FILE);
  const lock = new FileLock();
  const read = async (): Promise<AccountsFile> => {
    const stored = (await readJsonFile(file, AccountsFile)) ?? { accounts: [], activeAccountId: null };
    // An active id that names no account (hand-edited file) means none is active.
    if (stored.activeAccountId !== null && !stored.accounts.some((a) => a.id === stored.activeAccountId)) stored.activeAccountId = null;
    return stored;
  };
  return {
    read,
    update: (change) =>
      lock.run(async () => {
        const current = await read();
        const result = await change(current);
        await writeJsonFileAtomic(file, current);
        return result;
      }),
  };
}

export function summaryOf(account: StoredAccount): AccountSummary {
  return { id: account.id, orgName: account.orgName, memberEmail: account.memberEmail, role: account.role, backend: account.backend };
}
