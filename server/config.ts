/**
 * Backend settings from command-line flags, then environment variables, then defaults.
 */
import path from 'node:path';
import { DEFAULT_MAX_CONCURRENT_REQUESTS } from './concurrencyLimit.js';

export interface ServerSettings {
  host: string;
  port: number;
  dataDir: string;
  publicUrl: string;
  logLevel: string;
  /** Requests handled at once before 429 (0: no limit); see server/concurrencyLimit.ts. */
  maxConcurrentRequests: number;
  /** PostgreSQL instead of SQLite (DATABASE_URL, postgres:// or postgresql://); environment only, it may hold a password. */
  databaseUrl: string | undefined;
}

export class UsageError extends Error {}

export function resolveSettings(
  flags: {
    host?: string | undefined;
    port?: string | undefined;
    'data-dir'?: string | undefined;
    'public-url'?: string | undefined;
    'max-concurrent-requests'?: string | undefined;
  },
  env: NodeJS.ProcessEnv = process.env,
): ServerSettings {
  const host = flags.host ?? env.SCIM_HOST ?? '127.0.0.1';
  const portText = flags.port ?? env.PORT ?? '8080';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${portText}".`);
  const port = Number(portText);
  const dataDir = path.resolve(flags['data-dir'] ?? env.SCIM_DATA_DIR ?? './data');
  const publicUrl = normalizePublicUrl(flags['public-url'] ?? env.SCIM_PUBLIC_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  const limitText = flags['max-concurrent-requests'] ?? env.SCIM_MAX_CONCURRENT_REQUESTS ?? String(DEFAULT_MAX_CONCURRENT_REQUESTS);
  if (!/^\d{1,6}$/.test(limitText)) {
    throw new UsageError(`--max-concurrent-requests must be a whole number of requests (0 for no limit), not "${limitText}".`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    throw new UsageError('DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use SQLite in the data folder).');
  }
  return { host, port, dataDir, publicUrl, logLevel: env.LOG_LEVEL ?? 'info', maxConcurrentRequests: Number(limitText), databaseUrl };
}

export function normalizePublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--public-url must be an absolute http(s) URL, not "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--public-url must use http or https, not ${url.protocol}`);
  if (url.search || url.hash || url.username || url.password) {
    throw new UsageError('--public-url must not contain a query, a fragment or credentials.');
  }
  return url.toString().replace(/\/+$/, '');
}
