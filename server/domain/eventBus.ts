/**
 * Live events for signed-in admins. Changes are collected while a transaction runs and published
 * only after it commits, so no subscriber ever hears of a change that was rolled back.
 * On PostgreSQL several instances share the database; a relay (store/postgresEventRelay.ts) sends
 * what is published here to the others and delivers theirs here.
 */
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { LiveEvent } from '../../shared/api/events.js';
import type { Database } from '../store/schema.js';

export type LiveEventListener = (event: LiveEvent) => void;

/** Carries published events to the other backend instances; sending never throws. */
export interface EventRelay {
  send(orgId: string, event: LiveEvent): void;
  /** Sends them as part of transaction `trx`, to be delivered when it commits (PostgreSQL's NOTIFY). */
  sendOnCommit?(trx: Kysely<Database>, events: ReadonlyArray<{ orgId: string; event: LiveEvent }>): Promise<void>;
}

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open SSE stream; hundreds of admins is normal, not a leak.
    this.emitter.setMaxListeners(0);
  }

  private relay: EventRelay | undefined;

  /** Sends every event published from now on to the other instances as well. */
  relayTo(relay: EventRelay | undefined): void {
    this.relay = relay;
  }

  publish(orgId: string, event: LiveEvent): void {
    this.emitter.emit(orgId, event);
    this.relay?.send(orgId, event);
  }

  /**
   * Hands a transaction's events to the relay inside that transaction, where the relay can: true
   * if it took them, and then `PendingEvents.publishTo` must not relay them again.
   */
  async relayOnCommit(trx: Kysely<Database>, pending: PendingEvents): Promise<boolean> {
    if (this.relay?.sendOnCommit === undefined || pending.size === 0) return false;
    await this.relay.sendOnCommit(trx, pending.list);
    return true;
  }

  /** An event another instance published: for this process's subscribers only, never relayed back. */
  deliver(orgId: string, event: LiveEvent): void {
    this.emitter.emit(orgId, event);
  }

  subscribe(orgId: string, listener: LiveEventListener): () => void {
    this.emitter.on(orgId, listener);
    return () => this.emitter.off(orgId, listener);
  }
}

/** Events raised inside a transaction, waiting for it to commit. */
export class PendingEvents {
  private readonly queued: Array<{ orgId: string; event: LiveEvent }> = [];

  add(orgId: string, event: LiveEvent): void {
    this.queued.push({ orgId, event });
  }

  get size(): number {
    return this.queued.length;
  }

  get list(): ReadonlyArray<{ orgId: string; event: LiveEvent }> {
    return this.queued;
  }

  /** `relayed`: the relay already has them (EventBus.relayOnCommit); only local subscribers are left. */
  publishTo(bus: EventBus, relayed = false): void {
    for (const { orgId, event } of this.queued.splice(0)) {
      if (relayed) bus.deliver(orgId, event);
      else bus.publish(orgId, event);
    }
  }
}
