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
 *
 * A directory presents the same secret on every request, so the SHA-256 of it (≈ 5 % of a hot
 * read's CPU) is computed once per loaded row: the secret that matched a row's current digest is
 * kept beside that row object (never beyond it, so at most the TTL, and never after a rotation or
 * deletion dropped the row), and later requests are compared with it in constant time over a
 * fixed width. A secret that is not that one is hashed and checked as before.
 */
import { timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Store } from '../store/database.js';
import type { ScimConnectionsTable } from '../store/schema.js';
import { onConnectionCredentialsChanged } from '../domain/connectionCredentialChanges.js';
import { MAX_SECRET_LENGTH } from '../domain/secrets.js';

export const CONNECTION_CREDENTIAL_TTL_MS = 1_000;

interface Entry {
  row: ScimConnectionsTable;
  loadedAt: number;
}

/** Bytes compared for a verified secret: its length, then the secret zero-padded to the longest allowed. */
const VERIFIED_WIDTH = 2 + MAX_SECRET_LENGTH;

/** Writes a secret in the fixed-width form compared in constant time; false when longer than any valid secret. */
function writeFixedWidth(secret: string, buffer: Buffer): boolean {
  buffer.fill(0);
  const written = buffer.write(secret, 2, 'utf8');
  buffer.writeUInt16BE(written, 0);
  return written === Buffer.byteLength(secret, 'utf8');
}

/** Where a presented secret is written for the comparison (synchronous use only), so a request allocates nothing. */
const presentedScratch = Buffer.alloc(VERIFIED_WIDTH);

export class ConnectionCredentialCache {
  private readonly entries = new Map<string, Entry>();
  /** Per row object: the secret that matched its current digest (see the header). */
  private readonly verified = new WeakMap<ScimConnectionsTable, Buffer>();
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

  /** Whether `secret` is the one that already matched this row's current digest (constant time). */
  isVerifiedSecret(row: ScimConnectionsTable, secret: string): boolean {
    const known = this.verified.get(row);
    if (!known) return false;
    return writeFixedWidth(secret, presentedScratch) && timingSafeEqual(presentedScratch, known);
  }

  /** Records that `secret` matched this row's current digest. */
  rememberVerifiedSecret(row: ScimConnectionsTable, secret: string): void {
    const buffer = Buffer.alloc(VERIFIED_WIDTH);
    if (writeFixedWidth(secret, buffer)) this.verified.set(row, buffer);
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
