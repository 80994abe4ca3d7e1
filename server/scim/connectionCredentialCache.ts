/**
 * The SCIM connections' credential rows kept in memory for a short TTL, so authenticating a
 * directory request costs no database round trip. The presented secret is still hashed and
 * compared in constant time against the cached digests on every request.
 *
 * Staleness is bounded: a row is reused for at most `ttlMs` (monotonic clock, not the injectable
 * request clock, so a frozen test clock cannot pin an entry), rotations and deletions made in this
 * process drop it at once (connectionCredentialChanges.ts), and a secret that does not match the
 * cached row is checked again against a fresh row before it is refused, so a newly rotated secret
 * works immediately even when another process rotated it. What the TTL can delay is only the
 * refusal of a replaced or deleted connection's old secret by another process's change.
 */
import { performance } from 'node:perf_hooks';
import type { Store } from '../store/database.js';
import type { ScimConnectionsTable } from '../store/schema.js';
import { onConnectionCredentialsChanged } from '../domain/connectionCredentialChanges.js';

export const CONNECTION_CREDENTIAL_TTL_MS = 1_000;

interface Entry {
  row: ScimConnectionsTable;
  loadedAt: number;
}

export class ConnectionCredentialCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation, so a load that raced one is not kept. */
  private generation = 0;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Store,
    private readonly ttlMs = CONNECTION_CREDENTIAL_TTL_MS,
  ) {
    this.unsubscribe = onConnectionCredentialsChanged((connectionId) => this.invalidate(connectionId));
  }

  /** The connection's row, from memory when loaded less than the TTL ago; undefined when no such connection exists. */
  async get(connectionId: string): Promise<ScimConnectionsTable | undefined> {
    const entry = this.entries.get(connectionId);
    if (entry && performance.now() - entry.loadedAt < this.ttlMs) return entry.row;
    return this.load(connectionId);
  }

  /** Reads the row from the database, bypassing (and refreshing) the cached copy. */
  async load(connectionId: string): Promise<ScimConnectionsTable | undefined> {
    const generation = this.generation;
    const loadedAt = performance.now();
    const row = await this.db.selectFrom('scim_connections').selectAll().where('id', '=', connectionId).executeTakeFirst();
    // Unknown ids are not kept: a connection created by another instance must work at once.
    if (!row) {
      this.entries.delete(connectionId);
      return undefined;
    }
    if (generation === this.generation) {
      // Bounded by the number of connections, which are few; still, never let it grow without limit.
      if (this.entries.size >= 10_000) this.entries.clear();
      this.entries.set(connectionId, { row, loadedAt });
    }
    return row;
  }

  invalidate(connectionId: string): void {
    this.generation += 1;
    this.entries.delete(connectionId);
  }

  close(): void {
    this.unsubscribe();
    this.entries.clear();
  }
}
