/** App settings (`settings.json` in the user-data folder): the bundled backend's public URL and port. */
import path from 'node:path';
import { z } from 'zod';
import { FileLock, readJsonFile, writeJsonFileAtomic } from './jsonFile.js';

export const AppSettings = z.object({
  /** Where Okta and Azure reach the bundled backend (`--public-url`); null: the loopback default. */
  publicUrl: z.string().nullable().default(null),
  /** The loopback port the bundled backend last listened on, reused so Endpoint Base URLs stay put. */
  bundledPort: z.number().int().min(1).max(65535).nullable().default(null),
});
export type AppSettings = z.infer<typeof AppSettings>;

export const SETTINGS_FILE = 'settings.json';
const DEFAULTS: AppSettings = { publicUrl: null, bundledPort: null };

export interface SettingsStore {
  read(): Promise<AppSettings>;
  update(change: Partial<AppSettings>): Promise<AppSettings>;
}

export function createSettingsStore(userDataDir: string): SettingsStore {
  const file = path.join(userDataDir, SETTINGS_FILE);
  const lock = new FileLock();
  const read = async () => (await readJsonFile(file, AppSettings)) ?? { ...DEFAULTS };
  return {
    read,
    update: (change) =>
      lock.run(async () => {
        const next = { ...(await read()), ...change };
        await writeJsonFileAtomic(file, next);
        return next;
      }),
  };
}
