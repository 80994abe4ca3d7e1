/**
 * Live events for signed-in admins. Changes are collected while a transaction runs and published
 * only after it commits, so no subscriber ever hears of a change that was rolled back.
 * (One process here; PostgreSQL deployments relay them across instances, see issue #6.)
 */
import { EventEmitter } from 'node:events';
import type { LiveEvent } from '../../shared/api/events.js';

export type LiveEventListener = (event: LiveEvent) => void;

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open SSE stream; hundreds of admins is normal, not a leak.
    this.emitter.setMaxListeners(0);
  }

  publish(orgId: string, event: LiveEvent): void {
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

  publishTo(bus: EventBus): void {
    for (const { orgId, event } of this.queued.splice(0)) bus.publish(orgId, event);
  }
}
