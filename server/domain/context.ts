import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { PendingEvents } from './eventBus.js';
import type { Actor } from '../../shared/api/common.js';

/**
 * What a domain rule needs to run inside one transaction: the transaction, the time it happens at,
 * who is acting, and where to put the live events it raises.
 */
export interface DomainContext {
  db: Kysely<Database>;
  now: string;
  actor: Actor;
  events: PendingEvents;
}
