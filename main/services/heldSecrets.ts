/**
 * Authentication Secrets main still holds: the one shown when a connection was created or its
 * secret reset, kept until the admin clicks Done in the wizard (`connections:forgetSecret`) or
 * deletes the connection, so a wizard left half-way can be resumed after a restart.
 *
 * The secret itself lives in memory and in the keychain (`connection-secret:<id>`); a small index
 * (`held-secrets.json`: connection id → account id, no secrets) says which connections have one,
 * whose they are, and what to clean up when an account signs out.
 */
import path from 'node:path';
import { z } from 'zod';
import type { CredentialStore } from '../platform/credentialStore.js';
import { KeychainUnavailableError } from '../platform/credentialStore.js';
import { connectionSecretKey } from './credentialKeys.js';
import { FileLock, readJsonFile, writeJsonFileAtomic } from './jsonFile.js';
import { silentLogger, type Logger } from './deps.js';

export const HELD_SECRETS_FILE = 'held-secrets.json';
const HeldSecretsIndex = z.object({ connections: z.record(z.string(), z.object({ accountId: z.string() })) });

export class HeldSecrets {
  private readonly memory = new Map<string, { accountId: string; secret: string }>();
  private readonly file: string;
  private readonly lock = new FileLock();

  constructor(
    userDataDir: string,
    private readonly credentials: CredentialStore,
    private readonly logger: Logger = silentLogger,
  ) {
    this.file = path.join(userDataDir, HELD_SECRETS_FILE);
  }

  private async index() {
    return (await readJsonFile(this.file, HeldSecretsIndex)) ?? { connections: {} };
  }

  async hold(accountId: string, connectionId: string, secret: string): Promise<void> {
    this.memory.set(connectionId, { accountId, secret });
    try {
      await this.credentials.set(connectionSecretKey(connectionId), secret);
    } catch (error) {
      // Without a keychain the secret is still held for this session, just not across a restart.
      if (!(error instanceof KeychainUnavailableError)) throw error;
      this.logger.warn('no keychain: the connection secret is held in memory only');
    }
    await this.lock.run(async () => {
      const index = await this.index();
      index.connections[connectionId] = { accountId };
      await writeJsonFileAtomic(this.file, index);
    });
  }

  /** The secret, if main still holds it for this account's connection. */
  async get(accountId: string, connectionId: string): Promise<string | null> {
    const inMemory = this.memory.get(connectionId);
    if (inMemory) return inMemory.accountId === accountId ? inMemory.secret : null;
    const entry = (await this.index()).connections[connectionId];
    if (!entry || entry.accountId !== accountId) return null;
    const secret = await this.credentials.get(connectionSecretKey(connectionId)).catch((error: unknown) => {
      if (error instanceof KeychainUnavailableError) return null;
      throw error;
    });
    if (secret !== null) this.memory.set(connectionId, { accountId, secret });
    return secret;
  }

  async has(accountId: string, connectionId: string): Promise<boolean> {
    const inMemory = this.memory.get(connectionId);
    if (inMemory) return inMemory.accountId === accountId;
    return (await this.index()).connections[connectionId]?.accountId === accountId;
  }

  async forget(connectionId: string): Promise<void> {
    this.memory.delete(connectionId);
    await this.credentials.delete(connectionSecretKey(connectionId)).catch((error: unknown) => {
      if (!(error instanceof KeychainUnavailableError)) throw error;
    });
    await this.lock.run(async () => {
      const index = await this.index();
      if (!(connectionId in index.connections)) return;
      delete index.connections[connectionId];
      await writeJsonFileAtomic(this.file, index);
    });
  }

  async forgetAccount(accountId: string): Promise<void> {
    const ids = new Set<string>();
    for (const [id, held] of this.memory) if (held.accountId === accountId) ids.add(id);
    for (const [id, entry] of Object.entries((await this.index()).connections)) if (entry.accountId === accountId) ids.add(id);
    for (const id of ids) await this.forget(id);
  }
}
