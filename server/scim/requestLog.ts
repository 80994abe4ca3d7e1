/**
 * The per-connection request log and hourly counters behind a connection's health line. Requests
 * are buffered in memory and written in one transaction every ~250 ms (and when the app closes),
 * so a directory's request pays only for an array push; a failed write is logged, never thrown
 * into a request.
 */
import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { isSqlite } from '../store/unchangedListMemo.js';
import type { EventBus } from '../domain/eventBus.js';
import { hourBucket } from '../domain/connectionHealth.js';

/** How many requests each connection keeps in its log. */
export const REQUEST_LOG_SIZE = 500;
/** The longest recorded body, in UTF-8 bytes. */
export const MAX_LOGGED_BODY_BYTES = 8 * 1024;
export const REDACTED = '[REDACTED]';
const TRUNCATED = '…[truncated]';

const SENSITIVE = /password|secret|token|authorization/i;

/**
 * A key or PATCH path names a secret when it mentions one: `password`, `urn:…:User:password`,
 * `clientSecret`, `accessToken`. Filters in a path (`emails[type eq "work"]`) are ignored.
 */
function namesSecret(keyOrPath: string): boolean {
  let answer = secretNamed.get(keyOrPath);
  if (answer === undefined) {
    answer = SENSITIVE.test(keyOrPath.replace(/\[[^\]]*\]/g, ''));
    // Directories send the same few dozen keys and paths; made-up ones must not grow the memo.
    if (secretNamed.size < MAX_REMEMBERED_NAMES) secretNamed.set(keyOrPath, answer);
  }
  return answer;
}
const secretNamed = new Map<string, boolean>();
const MAX_REMEMBERED_NAMES = 1000;

class BudgetExceeded extends Error {}

/** Characters a number can take in JSON text at most (`-1.2345678901234567e-308`). */
const LONGEST_NUMBER = 24;

/**
 * Whether `node` is plain JSON data (what a JSON body parses to) with no key naming a secret and
 * no object whose `path` names one, and whose JSON text is at most about `budget` characters:
 * then its redacted text is exactly `JSON.stringify(node)`, and one native call makes it (a
 * directory's create body: ≈ 5 µs instead of ≈ 25 walking it part by part). Stops, answering
 * false, as soon as the budget is spent, so a huge body costs no more than the walk below.
 */
function plainWithoutSecrets(node: unknown, budget: { left: number }): boolean {
  if (node === null || typeof node === 'boolean') return (budget.left -= 5) >= 0;
  if (typeof node === 'number') return (budget.left -= LONGEST_NUMBER) >= 0;
  // Six characters per UTF-16 unit at most (`\u001f`), plus the quotes.
  if (typeof node === 'string') return (budget.left -= node.length * 6 + 2) >= 0;
  if (typeof node !== 'object') return false;
  if (Array.isArray(node)) {
    for (const item of node) if (!plainWithoutSecrets(item, budget) || (budget.left -= 1) < 0) return false;
    return (budget.left -= 2) >= 0;
  }
  const prototype = Object.getPrototypeOf(node) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in node) {
    if (!Object.hasOwn(node, key)) return false;
    const child = (node as Record<string, unknown>)[key];
    if (namesSecret(key)) return false;
    if (typeof child === 'string' && key.toLowerCase() === 'path' && namesSecret(child)) return false;
    if ((budget.left -= key.length * 6 + 3) < 0 || !plainWithoutSecrets(child, budget)) return false;
  }
  return (budget.left -= 2) >= 0;
}

/**
 * Serialises a request body as JSON with every secret replaced by "[REDACTED]": any key naming a
 * password, secret, token or authorization (case-insensitive, at any depth), and the `value` of any
 * object whose `path` names one (a PATCH operation such as `{"path":"password","value":"…"}`).
 * Output beyond 8 KiB is cut, and the work stops there, so a 1 MiB body costs no more than a small one.
 */
export function redactRequestBody(body: unknown, maxBytes = MAX_LOGGED_BODY_BYTES): string | null {
  if (body === undefined || body === null) return null;
  let value = body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      value = JSON.parse(body.toString());
    } catch {
      // Not JSON: it cannot be redacted field by field, so it is not recorded.
      return '(a body that is not JSON; not recorded)';
    }
  }
  // Characters are at most 3 UTF-8 bytes per UTF-16 unit; stop well past the limit, then cut exactly.
  const budget = maxBytes + 16;
  if (plainWithoutSecrets(value, { left: budget })) return truncateUtf8(JSON.stringify(value), maxBytes);
  const parts: string[] = [];
  let length = 0;
  const emit = (text: string) => {
    parts.push(text);
    length += text.length;
    if (length > budget) throw new BudgetExceeded();
  };
  const write = (node: unknown, redact: boolean): void => {
    if (redact && node !== undefined) return emit(JSON.stringify(REDACTED));
    if (node === null || typeof node !== 'object') {
      emit(JSON.stringify(node) ?? 'null');
      return;
    }
    if (Array.isArray(node)) {
      emit('[');
      node.forEach((item, index) => {
        if (index > 0) emit(',');
        write(item, false);
      });
      emit(']');
      return;
    }
    const record = node as Record<string, unknown>;
    // Directories differ in case ("path", "Path"), as the PATCH normaliser knows.
    const pathNamesSecret = Object.entries(record).some(([key, child]) => key.toLowerCase() === 'path' && typeof child === 'string' && namesSecret(child));
    emit('{');
    let first = true;
    for (const [key, child] of Object.entries(record)) {
      if (child === undefined || typeof child === 'function') continue;
      if (!first) emit(',');
      first = false;
      emit(`${JSON.stringify(key)}:`);
      write(child, namesSecret(key) || (pathNamesSecret && key.toLowerCase() === 'value'));
    }
    emit('}');
  };
  try {
    write(value, false);
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
  }
  return truncateUtf8(parts.join(''), maxBytes);
}

/** Cuts text to at most maxBytes of UTF-8, marking the cut, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const room = maxBytes - Buffer.byteLength(TRUNCATED, 'utf8');
  let cut = Buffer.from(text, 'utf8').subarray(0, room).toString('utf8');
  // A character split by the cut decodes as U+FFFD; drop it.
  if (cut.endsWith('\uFFFD') && !text.startsWith(cut)) cut = cut.slice(0, -1);
  return cut + TRUNCATED;
}

export interface LoggedRequest {
  connectionId: string;
  orgId: string;
  /** When the request arrived (ISO-8601). */
  at: string;
  method: string;
  /** Relative to the Endpoint Base URL, with the query. */
  path: string;
  status: number;
  durationMs: number;
  errorDetail: string | null;
  body: string | null;
}

export interface RequestLogRecorderOptions {
  db: Kysely<Database>;
  bus: EventBus;
  log: FastifyBaseLogger;
  flushIntervalMs?: number;
}

/**
 * Every kept row in one INSERT of one fixed text, whatever their number: a Kysely-built many-row
 * INSERT cost more CPU to build and prepare than to run, and one statement per row or per few rows
 * pays the driver (and on PostgreSQL a round trip) each time. The rows travel as one value: a JSON
 * array read by `json_each` on SQLite (strings come out as binding them would store them, lone
 * surrogates included), column arrays through `unnest` on PostgreSQL. Both keep the batch's order
 * for `seq`.
 */
function insertLogRows(trx: Kysely<Database>, rows: readonly LoggedRequest[]) {
  if (isSqlite(trx)) {
    const json = JSON.stringify(rows.map((e) => [e.connectionId, e.at, e.method, e.path, e.status, e.durationMs, e.errorDetail, e.body]));
    return sql`insert into scim_request_log (connection_id, at, method, path, status, duration_ms, error_detail, body)
      select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7
      from json_each(${json}) order by key`.execute(trx);
  }
  const column = <T>(pick: (e: LoggedRequest) => T) => rows.map(pick);
  return sql`insert into scim_request_log (connection_id, at, method, path, status, duration_ms, error_detail, body)
    select connection_id, at, method, path, status, duration_ms, error_detail, body
    from unnest(${column((e) => e.connectionId)}::text[], ${column((e) => e.at)}::text[], ${column((e) => e.method)}::text[],
      ${column((e) => e.path)}::text[], ${column((e) => e.status)}::integer[], ${column((e) => e.durationMs)}::real[],
      ${column((e) => e.errorDetail)}::text[], ${column((e) => e.body)}::text[])
      with ordinality as r(connection_id, at, method, path, status, duration_ms, error_detail, body, n)
    order by n`.execute(trx);
}

/**
 * The entries that outlive the batch's write: each connection keeps only its newest
 * REQUEST_LOG_SIZE rows, so older entries of a batch larger than that would be deleted in the same
 * transaction that inserted them (at 8,000 GETs/s a batch holds 2,000). Skipping them leaves the
 * same rows; the hourly counters still count every entry. Batch order (finish order) is kept.
 */
export function entriesKept(batch: readonly LoggedRequest[], perConnection = REQUEST_LOG_SIZE): LoggedRequest[] {
  const seen = new Map<string, number>();
  const kept: LoggedRequest[] = [];
  for (let i = batch.length - 1; i >= 0; i--) {
    const entry = batch[i]!;
    const count = seen.get(entry.connectionId) ?? 0;
    if (count >= perConnection) continue;
    seen.set(entry.connectionId, count + 1);
    kept.push(entry);
  }
  return kept.reverse();
}
/** Write at once, without waiting for the timer, when this many requests are waiting. */
const EAGER_FLUSH_AT = 2000;


export class RequestLogRecorder {
  private pending: LoggedRequest[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly db: Kysely<Database>;
  private readonly bus: EventBus;
  private readonly log: FastifyBaseLogger;
  private readonly flushIntervalMs: number;

  constructor(options: RequestLogRecorderOptions) {
    this.db = options.db;
    this.bus = options.bus;
    this.log = options.log;
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
  }

  record(entry: LoggedRequest): void {
    this.pending.push(entry);
    if (this.closed) return;
    if (this.pending.length >= EAGER_FLUSH_AT) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes everything buffered so far. Never rejects; flushes run one after another. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  /** Writes what is left; called when the app closes, before the store does. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async write(batch: LoggedRequest[]): Promise<void> {
    const stats = new Map<string, { connection_id: string; hour: string; requests: number; errors: number }>();
    const lastErrors = new Map<string, LoggedRequest>();
    const orgOf = new Map<string, string>();
    for (const entry of batch) {
      orgOf.set(entry.connectionId, entry.orgId);
      const hour = hourBucket(entry.at);
      const key = `${entry.connectionId} ${hour}`;
      const counter = stats.get(key) ?? { connection_id: entry.connectionId, hour, requests: 0, errors: 0 };
      counter.requests += 1;
      if (entry.status >= 400) {
        counter.errors += 1;
        lastErrors.set(entry.connectionId, entry);
      }
      stats.set(key, counter);
    }
    try {
      await this.db.transaction().execute(async (trx) => {
        await insertLogRows(trx, entriesKept(batch));
        for (const counter of stats.values()) {
          await trx
            .insertInto('scim_request_stats')
            .values(counter)
            .onConflict((oc) =>
              oc.columns(['connection_id', 'hour']).doUpdateSet({
                // Qualified: PostgreSQL would find `requests` ambiguous between the row and `excluded`.
                requests: sql<number>`scim_request_stats.requests + ${counter.requests}`,
                errors: sql<number>`scim_request_stats.errors + ${counter.errors}`,
              }),
            )
            .execute();
        }
        for (const [connectionId, entry] of lastErrors) {
          await trx
            .updateTable('scim_connections')
            .set({ last_error: entry.errorDetail ?? `HTTP ${entry.status}`, last_error_at: entry.at })
            .where('id', '=', connectionId)
            .execute();
        }
        for (const connectionId of orgOf.keys()) {
          // Keep the newest REQUEST_LOG_SIZE rows: everything at or below the (size+1)-th newest goes.
          await trx
            .deleteFrom('scim_request_log')
            .where('connection_id', '=', connectionId)
            .where(
              'seq',
              '<=',
              trx
                .selectFrom('scim_request_log')
                .select('seq')
                .where('connection_id', '=', connectionId)
                .orderBy('seq', 'desc')
                .limit(1)
                .offset(REQUEST_LOG_SIZE),
            )
            .execute();
        }
      });
    } catch (error) {
      this.log.error({ err: error, dropped: batch.length }, 'could not write the SCIM request log');
      return;
    }
    for (const [connectionId, orgId] of orgOf) {
      try {
        this.bus.publish(orgId, { type: 'connection.health', connectionId });
      } catch (error) {
        this.log.warn({ err: error }, 'a live event listener failed');
      }
    }
  }
}
