/**
 * Where the provider wizard was left (`wizard.json` in the user-data folder), one state per
 * account, so the admin can close the app mid-setup and resume. It holds ids and step numbers,
 * never the Authentication Secret (that stays in the keychain, see connectionsService).
 */
import path from 'node:path';
import { z } from 'zod';
import { WizardState } from '../../shared/ipc.js';
import { FileLock, readJsonFile, writeJsonFileAtomic } from './jsonFile.js';

export const WIZARD_FILE = 'wizard.json';
const WizardFile = z.object({ byAccount: z.record(z.string(), WizardState) });

export interface WizardStore {
  load(accountId: string): Promise<WizardState | null>;
  save(accountId: string, state: WizardState): Promise<WizardState>;
  clear(accountId: string): Promise<void>;
}

export function createWizardStore(userDataDir: string): WizardStore {
  const file = path.join(userDataDir, WIZARD_FILE);
  const lock = new FileLock();
  const readAll = async () => (await readJsonFile(file, WizardFile)) ?? { byAccount: {} };
  return {
    load: async (accountId) => (await readAll()).byAccount[accountId] ?? null,
    save: (accountId, state) =>
      lock.run(async () => {
        const all = await readAll();
        all.byAccount[accountId] = state;
        await writeJsonFileAtomic(file, all);
        return state;
      }),
    clear: (accountId) =>
      lock.run(async () => {
        const all = await readAll();
        if (!(accountId in all.byAccount)) return;
        delete all.byAccount[accountId];
        await writeJsonFileAtomic(file, all);
      }),
  };
}
