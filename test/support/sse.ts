/**
 * A Server-Sent Events subscriber over real HTTP (Node's fetch, streamed), for the admin API's
 * live events (`GET /api/v1/events`, `event: <type>\ndata: <json>\n\n`). It parses the stream as
 * the EventSource spec says (comments, multi-line data, `id:`, CR/LF variants), keeps every event,
 * and lets a test wait for the next one of a type with a deadline:
 *
 *   const events = await subscribeEvents(server.baseUrl, owner.deviceToken);
 *   ...do something...
 *   const removed = await events.next('member.removed', 1000, (e) => e.data.memberId === id);
 *   events.close();
 */
import { ADMIN_API_PREFIX } from './adminClient.js';

export interface SseEvent<T = any> {
  /** The `event:` field, or "message" when the server sent none. */
  type: string;
  /** The `data:` lines joined with "\n", parsed as JSON when they are JSON, else the string. */
  data: T;
  rawData: string;
  id: string | undefined;
  /** performance.now() when the event was fully received. */
  receivedAt: number;
}

type Predicate = (event: SseEvent) => boolean;

interface Waiter {
  type: string | undefined;
  predicate: Predicate | undefined;
  resolve: (event: SseEvent) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class SseStreamError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(`event stream refused: HTTP ${status}: ${text.slice(0, 500)}`);
    this.name = 'SseStreamError';
  }
}

export class SseSubscription {
  private readonly events: SseEvent[] = [];
  private readonly consumed = new Set<number>();
  private waiters: Waiter[] = [];
  private endedWith: Error | undefined;
  /** Resolves when the stream has ended (closed by us, by the server, or on a network error). */
  readonly done: Promise<void>;

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.done = this.read();
  }

  /**
   * Opens the stream and resolves once the server has answered with its headers (so the
   * subscription exists server-side). Throws SseStreamError when the answer is not a 200 event stream.
   */
  static async open(url: string, options: { token?: string; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<SseSubscription> {
    const abort = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream', ...options.headers };
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    const timer = setTimeout(() => abort.abort(new Error(`no answer to GET ${url} within ${options.timeoutMs ?? 5000} ms`)), options.timeoutMs ?? 5000);
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: abort.signal });
    } finally {
      clearTimeout(timer);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !contentType.startsWith('text/event-stream')) {
      const text = await response.text().catch(() => '');
      abort.abort();
      throw new SseStreamError(response.status, `${contentType} ${text}`);
    }
    return new SseSubscription(response, abort);
  }

  /** Every event received so far (optionally of one type), consumed by next() or not. */
  collected(type?: string): SseEvent[] {
    return type === undefined ? [...this.events] : this.events.filter((e) => e.type === type);
  }

  /** Whether the server (or close()) has ended the stream. */
  get ended(): boolean {
    return this.endedWith !== undefined;
  }

  /**
   * The next event of `type` (any type when undefined) matching `predicate` that no earlier next()
   * returned: one already received, or the first to arrive within `timeoutMs`.
   */
  next<T = any>(type: string | undefined, timeoutMs: number, predicate?: (event: SseEvent<T>) => boolean): Promise<SseEvent<T>> {
    const index = this.events.findIndex((e, i) => !this.consumed.has(i) && matches(e, type, predicate as Predicate | undefined));
    if (index >= 0) {
      this.consumed.add(index);
      return Promise.resolve(this.events[index] as SseEvent<T>);
    }
    if (this.endedWith) return Promise.reject(new Error(`waiting for ${type ?? 'an event'}: ${this.endedWith.message}; received: ${this.describe()}`));
    return new Promise<SseEvent<T>>((resolve, reject) => {
      const waiter: Waiter = {
        type,
        predicate: predicate as Predicate | undefined,
        resolve: resolve as (event: SseEvent) => void,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`no ${type ?? 'event'}${predicate ? ' matching the predicate' : ''} within ${timeoutMs} ms; received: ${this.describe()}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves true when the stream ends within `timeoutMs` (e.g. the server closed it), else false. */
  async endsWithin(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([this.done.then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the stream (idempotent) and waits for the reader to stop. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }

  /** A short summary of what arrived, for failure messages. */
  describe(): string {
    if (this.events.length === 0) return '(nothing)';
    return this.events.map((e) => `${e.type} ${e.rawData.slice(0, 160)}`).join(' | ');
  }

  private dispatch(event: SseEvent): void {
    const index = this.events.push(event) - 1;
    const waiter = this.waiters.find((w) => matches(event, w.type, w.predicate));
    if (!waiter) return;
    this.waiters = this.waiters.filter((w) => w !== waiter);
    clearTimeout(waiter.timer);
    this.consumed.add(index);
    waiter.resolve(event);
  }

  private async read(): Promise<void> {
    const body = this.response.body;
    const decoder = new TextDecoder();
    let buffer = '';
    let type = '';
    let data: string[] = [];
    let id: string | undefined;
    const handleLine = (line: string) => {
      if (line === '') {
        if (data.length > 0) {
          const rawData = data.join('\n');
          let parsed: unknown = rawData;
          try {
            parsed = JSON.parse(rawData);
          } catch {
            // not JSON: keep the string
          }
          this.dispatch({ type: type || 'message', data: parsed, rawData, id, receivedAt: performance.now() });
        }
        type = '';
        data = [];
        return;
      }
      if (line.startsWith(':')) return;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
    };
    try {
      if (!body) throw new Error('the response has no body');
      const reader = body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (;;) {
          const match = /\r\n|\n|\r/.exec(buffer);
          // A lone trailing \r may be the first half of \r\n: wait for the next chunk.
          if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
          handleLine(buffer.slice(0, match.index));
          buffer = buffer.slice(match.index + match[0].length);
        }
      }
      this.finish(new Error('the server ended the event stream'));
    } catch (error) {
      this.finish(this.abort.signal.aborted ? new Error('the stream was closed') : (error as Error));
    }
  }

  private finish(reason: Error): void {
    this.endedWith = reason;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`waiting for ${waiter.type ?? 'an event'}: ${reason.message}; received: ${this.describe()}`));
    }
    this.waiters = [];
  }
}

function matches(event: SseEvent, type: string | undefined, predicate: Predicate | undefined): boolean {
  return (type === undefined || event.type === type) && (predicate === undefined || predicate(event));
}

/**
 * Subscribes to the admin API's live events with a device token (an owner's or admin's). By
 * default it resolves only once the server's `event: ready` has arrived, i.e. once the
 * subscription is live server-side, so nothing done after this call can be missed.
 */
export async function subscribeEvents(
  baseUrl: string,
  token: string,
  options: { timeoutMs?: number; waitForReady?: boolean } = {},
): Promise<SseSubscription> {
  const subscription = await SseSubscription.open(`${baseUrl}${ADMIN_API_PREFIX}/events`, {
    token,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  if (options.waitForReady ?? true) {
    try {
      await subscription.next('ready', options.timeoutMs ?? 5000);
    } catch (error) {
      await subscription.close();
      throw error;
    }
  }
  return subscription;
}
