/**
 * Runs the backend until SIGTERM or SIGINT, then stops accepting requests, lets the ones in
 * flight finish, and closes the database.
 */
import pino from 'pino';
import { buildApp, REDACTED_LOG_PATHS } from './app.js';
import { openStore } from './store/database.js';
import { EventBus } from './domain/eventBus.js';
import { PostgresEventRelay } from './store/postgresEventRelay.js';
import type { ServerSettings } from './config.js';

export async function serve(settings: ServerSettings): Promise<void> {
  const logger = pino({ level: settings.logLevel, redact: REDACTED_LOG_PATHS });
  const db = await openStore(settings.dataDir, settings.databaseUrl, {
    onIdleError: (error) => logger.warn({ err: error }, 'PostgreSQL closed an idle connection; the pool replaces it'),
    onNotifyFailed: (error) => logger.warn({ err: error }, 'a write committed, but its live events did not reach the other instances'),
  });
  const bus = new EventBus();
  // Several instances on one PostgreSQL database: live events reach the admins connected to any of them.
  const relay = settings.databaseUrl ? await PostgresEventRelay.start({ bus, db, databaseUrl: settings.databaseUrl, logger }) : undefined;
  const app = await buildApp({ db, bus, publicUrl: settings.publicUrl, logger, maxConcurrentRequests: settings.maxConcurrentRequests });
  await app.listen({ host: settings.host, port: settings.port });
  // Never the database URL: it may carry a password.
  const store = settings.databaseUrl ? 'postgresql' : 'sqlite';
  logger.info({ store, ...(store === 'sqlite' ? { dataDir: settings.dataDir } : {}), publicUrl: settings.publicUrl }, 'SCIM Directory Sync backend ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    try {
      await app.close();
      await relay?.close();
      await db.destroy();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
