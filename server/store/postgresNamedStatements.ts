/**
 * Statements the backend sends again and again run as named prepared statements on PostgreSQL,
 * so each connection parses and plans them once instead of on every request (the database shares
 * the backend's machine, and its parse/plan CPU was part of every request's cost).
 *
 * Kysely's PostgresDriver sends `client.query(text, values)`, always unnamed; this client gives a
 * text a name the second time this process sends it (the first might be a one-off, e.g. a
 * filter's shape) and pg prepares it once per connection. Names are never reused for another
 * text, and at most MAX_NAMED texts get one, so a connection's prepared statements stay bounded
 * whatever shapes filters compile to. PostgreSQL re-plans a prepared statement by itself when a
 * migration changes a table under it.
 */
import pg from 'pg';
import { worthKeepingPrepared } from './statementCache.js';

/** Distinct statements named per process (each connection prepares those it runs). */
export const MAX_NAMED = 500;

const names = new Map<string, string>();
const seenOnce = new Set<string>();

/** The name for `text`, from its second use on, while there is room. */
export function statementNameFor(text: string): string | undefined {
  const name = names.get(text);
  if (name !== undefined) return name;
  if (names.size >= MAX_NAMED) return undefined;
  if (!seenOnce.has(text)) {
    if (seenOnce.size < MAX_NAMED * 4) seenOnce.add(text);
    return undefined;
  }
  seenOnce.delete(text);
  const named = `sds_${names.size + 1}`;
  names.set(text, named);
  return named;
}

/** How `text` is sent: under its name once it has one. */
export function queryConfigFor(text: string, values: unknown[]): pg.QueryConfig {
  // Multi-row inserts and long lists change text with their count: not worth a name (statementCache.ts).
  const name = worthKeepingPrepared(values.length) ? statementNameFor(text) : undefined;
  return name === undefined ? { text, values } : { name, text, values };
}

export class NamedStatementClient extends pg.Client {
  // pg's overloads cannot be re-declared; every form but (text, values) is forwarded unchanged.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: unknown[]): any {
    const [text, values] = args;
    if (args.length === 2 && typeof text === 'string' && Array.isArray(values)) {
      const config = queryConfigFor(text, values);
      if (config.name !== undefined) return super.query(config);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (super.query as any)(...args);
  }
}
