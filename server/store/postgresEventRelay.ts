/**
 * Live events across backend instances that share one PostgreSQL database, through LISTEN/NOTIFY.
 *
 * - Each instance publishes to its own subscribers at once (EventBus) and sends the event with
 *   NOTIFY, tagged with its instance id; every instance LISTENs and delivers what others sent,
 *   ignoring its own, so nobody hears an event twice.
 * - NOTIFY payloads are limited to 8000 bytes: a larger event goes as numbered base64 parts of one
 *   message, reassembled by the listeners.
 * - Sends are queued and written in order, several per statement when events come quickly.
 * - The LISTEN connection reconnects by itself (with backoff) when the database drops it; events
 *   published while it was gone are not replayed (admins' apps reload what they show on reconnect).
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { CompiledQuery, type Kysely } from 'kysely';
import { LiveEvent } from '../../shared/api/events.js';
import type { EventBus, EventRelay } from '../domain/eventBus.js';
import type { Database } from './schema.js';
import { NOTIFY_AT_COMMIT, NOTIFY_STATEMENT } from './postgresDeferredBegin.js';

export const LIVE_EVENTS_CHANNEL = 'scim_directory_sync_live_events';
/** Below PostgreSQL's 8000-byte payload limit, with room for the envelope of a part. */
const MAX_PAYLOAD_BYTES = 7_900;
const PART_BYTES = 5_000;
/** An incomplete multi-part message older than this is dropped (its sender died mid-way). */
const PART_TIMEOUT_MS = 30_000;
const MAX_RECONNECT_DELAY_MS = 5_000;

interface RelayLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

type Envelope =
  | { i: string; o: string; e: unknown }
  /** Part `k` of `n` of message `m`, as base64 of the UTF-8 JSON of the whole envelope. */
  | { i: string; m: number; k: number; n: number; d: string };

export interface PostgresEventRelayOptions {
  bus: EventBus;
  /** The store, used to send (NOTIFY goes through its pool). */
  db: Kysely<Database>;
  /** For the dedicated LISTEN connection. */
  databaseUrl: string;
  logger?: RelayLogger;
}

export class PostgresEventRelay implements EventRelay {
  readonly instanceId = crypto.randomUUID();
  private readonly queue: string[] = [];
  private sending: Promise<void> = Promise.resolve();
  private sendScheduled = false;
  private messageCounter = 0;
  private listener: pg.Client | undefined;
  private reconnectDelayMs = 100;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly parts = new Map<string, { received: Map<number, string>; total: number; firstAt: number }>();
  private readonly logger: RelayLogger | undefined;

  private constructor(private readonly options: PostgresEventRelayOptions) {
    this.logger = options.logger;
  }

  /** Starts listening and relays the bus's events from then on. */
  static async start(options: PostgresEventRelayOptions): Promise<PostgresEventRelay> {
    const relay = new PostgresEventRelay(options);
    await relay.listen();
    options.bus.relayTo(relay);
    return relay;
  }

  /** True while the LISTEN connection is up (tests wait for it after a database restart). */
  get listening(): boolean {
    return this.listener !== undefined;
  }

  send(orgId: string, event: LiveEvent): void {
    if (this.closed) return;
    this.queue.push(...this.payloadsOf({ i: this.instanceId, o: orgId, e: event }));
    if (this.sendScheduled) return;
    this.sendScheduled = true;
    this.sending = this.sending.then(() => this.drain());
  }

  /**
   * Sends the events with the transaction `trx`: the NOTIFY goes right behind its COMMIT, in the
   * same batch (postgresDeferredBegin.ts), so the other instances hear of them as it commits, and
   * never of one that rolled back or failed to commit. No round trip of its own.
   */
  async sendOnCommit(trx: Kysely<Database>, events: ReadonlyArray<{ orgId: string; event: LiveEvent }>): Promise<void> {
    if (this.closed || events.length === 0) return;
    const payloads = events.flatMap(({ orgId, event }) => this.payloadsOf({ i: this.instanceId, o: orgId, e: event }));
    await trx.executeQuery(CompiledQuery.raw(NOTIFY_AT_COMMIT, [LIVE_EVENTS_CHANNEL, JSON.stringify(payloads)]));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.options.bus.relayTo(undefined);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.sending;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private payloadsOf(envelope: Envelope): string[] {
    const text = JSON.stringify(envelope);
    if (Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES) return [text];
    const bytes = Buffer.from(text);
    const m = ++this.messageCounter;
    const n = Math.ceil(bytes.length / PART_BYTES);
    return Array.from({ length: n }, (_, k) =>
      JSON.stringify({ i: this.instanceId, m, k, n, d: bytes.subarray(k * PART_BYTES, (k + 1) * PART_BYTES).toString('base64') }),
    );
  }

  private async drain(): Promise<void> {
    this.sendScheduled = false;
    const payloads = this.queue.splice(0);
    if (payloads.length === 0) return;
    try {
      // One statement, one transaction: the listeners receive the payloads in this order.
      await this.options.db.executeQuery(CompiledQuery.raw(NOTIFY_STATEMENT, [LIVE_EVENTS_CHANNEL, JSON.stringify(payloads)]));
    } catch (error) {
      // The local subscribers already heard; other instances miss these while the database is away.
      this.logger?.warn({ err: error, dropped: payloads.length }, 'could not relay live events to other instances');
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel === LIVE_EVENTS_CHANNEL && message.payload) this.receive(message.payload);
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger?.warn({ err: error }, 'lost the live events connection to PostgreSQL; reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    await client.connect();
    await client.query(`LISTEN ${LIVE_EVENTS_CHANNEL}`);
    if (this.closed) {
      await client.end();
      return;
    }
    this.listener = client;
    this.reconnectDelayMs = 100;
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.closed) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_DELAY_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.listen().then(
        () => this.logger?.info({}, 'live events connection to PostgreSQL restored'),
        () => this.scheduleReconnect(),
      );
    }, delay);
    this.reconnectTimer.unref();
  }

  private receive(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      return;
    }
    if (envelope.i === this.instanceId) return;
    if ('m' in envelope) {
      const whole = this.assemble(envelope);
      if (whole === undefined) return;
      envelope = whole;
      if (!('o' in envelope)) return;
    }
    const event = LiveEvent.safeParse(envelope.e);
    if (!event.success || typeof envelope.o !== 'string') {
      this.logger?.warn({ payloadBytes: payload.length }, 'ignored a malformed live event from another instance');
      return;
    }
    this.options.bus.deliver(envelope.o, event.data);
  }

  private assemble(part: Extract<Envelope, { m: number }>): Envelope | undefined {
    const now = Date.now();
    for (const [key, pending] of this.parts) if (now - pending.firstAt > PART_TIMEOUT_MS) this.parts.delete(key);
    const key = `${part.i}:${part.m}`;
    const pending = this.parts.get(key) ?? { received: new Map<number, string>(), total: part.n, firstAt: now };
    pending.received.set(part.k, part.d);
    this.parts.set(key, pending);
    if (pending.received.size < pending.total) return undefined;
    this.parts.delete(key);
    const bytes = Buffer.concat(Array.from({ length: pending.total }, (_, k) => Buffer.from(pending.received.get(k) ?? '', 'base64')));
    try {
      return JSON.parse(bytes.toString('utf8')) as Envelope;
    } catch {
      return undefined;
    }
  }
}
