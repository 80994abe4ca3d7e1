import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Actor } from '../../shared/api/common.js';
import type { DomainContext } from './context.js';
import { EventBus, PendingEvents } from './eventBus.js';
import { nowIso } from './ids.js';

/**
 * Runs a unit of domain work in one transaction and publishes the live events it raised only
 * after the commit: every multi-row change is all-or-nothing, and nobody hears of a rolled-back one.
 */
export async function runDomainTransaction<T>(
  deps: { db: Kysely<Database>; bus: EventBus; clock: () => number },
  actor: Actor,
  work: (ctx: DomainContext) => Promise<T>,
): Promise<T> {
  // A new collection per attempt: on PostgreSQL a transaction that lost a serialization race runs
  // again (store/postgres.ts), and only the attempt that committed may be heard of.
  let events = new PendingEvents();
  let relayed = false;
  const result = await deps.db.transaction().execute(async (trx) => {
    events = new PendingEvents();
    const value = await work({ db: trx, now: nowIso(deps.clock), actor, events });
    // On PostgreSQL other instances hear of the events through a NOTIFY sent with the COMMIT.
    relayed = await deps.bus.relayOnCommit(trx, events);
    return value;
  });
  events.publishTo(deps.bus, relayed);
  return result;
}
