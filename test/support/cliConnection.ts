/**
 * A SCIM connection on a running `serve`, made with the CLI on the same data folder (or the same
 * PostgreSQL database: pass its `storeEnv`), the way an admin sets one up.
 */
import { runCli, type ServeProcess } from './cliProcess.js';
import type { DirectoryProvider } from '../../shared/scim/wire.js';

export interface CliConnection {
  connectionId: string;
  endpointBaseUrl: string;
  authenticationSecret: string;
}

/**
 * The store the environment chose for this run: DATABASE_URL (PostgreSQL) when set, else SQLite in
 * the data folder. Spawned processes get only what is passed explicitly, so pass this to both
 * `startServe` and the CLI.
 */
export function storeEnvFromEnvironment(): Record<string, string> {
  return process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {};
}

export async function createConnectionWithCli(
  serve: ServeProcess,
  options: { org: string; name: string; provider: DirectoryProvider; env?: Record<string, string> },
): Promise<CliConnection> {
  const created = await runCli(
    ['connection', 'create', '--org', options.org, '--name', options.name, '--provider', options.provider, '--json', '--data-dir', serve.dataDir, '--public-url', serve.baseUrl],
    { env: options.env ?? {} },
  );
  if (created.code !== 0) throw new Error(`connection create failed (${created.code}): ${created.stderr}`);
  return JSON.parse(created.stdout) as CliConnection;
}
