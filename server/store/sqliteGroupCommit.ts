/**
 * Group commit for the SQLite store. Committing is the expensive part of a small SQLite write (the
 * WAL frame write, and the pool's FTS5 trigram index writing a new segment and merging on every
 * commit: an insert + commit cost ~1,000 µs alone, ~350 µs when 100 inserts share one commit).
 * So every `transaction()` on this store becomes one unit of a batch: a SAVEPOINT inside one outer
 * BEGIN IMMEDIATE transaction that stays open while more units arrive within the same event-loop
 * turn, and commits once.
 *
 * What callers can rely on, as before:
 * - A unit's promise settles only after the outer COMMIT succeeded, so an acknowledged write is
 *   durable (WAL, synchronous=NORMAL: it survives a crash of the process), and live events, which
 *   domain/transaction.ts publishes after the promise resolves, are never heard of a rolled-back change.
 * - A unit that fails rolls back to its own savepoint only; its batch-mates are not affected.
 * - When the outer transaction fails (COMMIT refused, or SQLite rolled it back itself after an
 *   I/O error), every unit of the batch fails with that error: none had been acknowledged.
 * - Queries outside a transaction wait for the connection, which the batch holds until it has
 *   committed, so nobody is shown data a crash could still take back. A waiting query ends the
 *   batch as soon as the units already queued have run (it does not wait out another turn).
 *
 * Units run one at a time on the single connection, as transactions did before (Kysely's SQLite
 * driver serialises them); a unit's code is unchanged: it gets a Transaction, which is the batch's.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CompiledQuery, Kysely, type KyselyConfig, type Transaction, type TransactionBuilder } from 'kysely';

/** Units per batch at most, so that a steady stream of writes still commits (and answers) often. */
export const MAX_UNITS_PER_BATCH = 64;

/** What the batch needs to know about the single SQLite connection. */
export interface SqliteConnectionState {
  /** Queries waiting for the connection (outside a transaction) right now. */
  waitingQueries(): number;
  /** Whether SQLite still has a transaction open (it rolls back by itself after some errors). */
  inTransaction(): boolean;
}

interface Unit<DB> {
  work: (trx: Transaction<DB>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Set when the unit's own work failed (and was rolled back to its savepoint). */
  failure?: { error: unknown };
  value?: unknown;
}

const SAVEPOINT = CompiledQuery.raw('savepoint unit');
const RELEASE = CompiledQuery.raw('release unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to unit');

export class GroupCommitKysely<DB> extends Kysely<DB> {
  private readonly queue: Unit<DB>[] = [];
  private running = false;

  constructor(
    config: KyselyConfig,
    private readonly sqliteState: SqliteConnectionState,
  ) {
    super(config);
  }

  override transaction(): TransactionBuilder<DB> {
    const builder = super.transaction();
    return Object.assign(builder, {
      execute: <T>(work: (trx: Transaction<DB>) => Promise<T>) => this.enqueue(work),
    });
  }

  private enqueue<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) void this.runBatches();
    });
  }

  private async runBatches(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) await this.runBatch();
    } finally {
      this.running = false;
    }
  }

  private async runBatch(): Promise<void> {
    const taken: Unit<DB>[] = [];
    try {
      await super.transaction().execute(async (trx) => {
        for (;;) {
          let unit = this.queue.shift();
          if (!unit && this.sqliteState.waitingQueries() === 0) {
            // Requests that arrived meanwhile get to join before the commit.
            await nextTurn();
            unit = this.queue.shift();
          }
          if (!unit) return;
          taken.push(unit);
          await this.runUnit(trx, unit);
          if (taken.length >= MAX_UNITS_PER_BATCH) return;
        }
      });
    } catch (error) {
      // Nothing of this batch is kept. BEGIN itself failed (the file stayed locked by another
      // process past busy_timeout) when no unit was taken: then each waiting unit would have met
      // the same error on its own BEGIN.
      const failed = taken.length > 0 ? taken : this.queue.splice(0);
      for (const unit of failed) unit.reject(unit.failure ? unit.failure.error : error);
      return;
    }
    for (const unit of taken) {
      if (unit.failure) unit.reject(unit.failure.error);
      else unit.resolve(unit.value);
    }
  }

  private async runUnit(trx: Transaction<DB>, unit: Unit<DB>): Promise<void> {
    await trx.executeQuery(SAVEPOINT);
    try {
      unit.value = await unit.work(trx);
    } catch (error) {
      // SQLite ends the whole transaction by itself after some errors (SQLITE_FULL, I/O errors):
      // then the batch-mates' work is gone too, and the batch fails with this error.
      if (!this.sqliteState.inTransaction()) throw error;
      unit.failure = { error };
      await trx.executeQuery(ROLLBACK_TO);
    }
    await trx.executeQuery(RELEASE);
  }
}
