/**
 * Follows the active account's live events (`GET /api/v1/events`, Server-Sent Events) and pushes
 * each to the renderer as `{kind:'live', accountId, event}`. Reconnects with backoff when the
 * stream drops; stops for good on switch, sign-out, or when the backend refuses the token (401/403).
 */
import http, { type ClientRequest } from 'node:http';
import https from 'node:https';
import { LiveEvent } from '../../shared/api/events.js';
import type { PushMessage } from '../../shared/ipc.js';
import { ADMIN_API_PREFIX } from './adminApiClient.js';
import { silentLogger, type Logger } from './deps.js';

export interface LiveEventsEndpoint {
  baseUrl: string;
  token: string;
}

export interface LiveEventsOptions {
  push(message: PushMessage): void;
  logger?: Logger;
  /** Waits before reconnecting; the last value repeats. A `ready` event starts the sequence over. */
  backoffMs?: readonly number[];
  /** No byte for this long (the server sends a heartbeat every 15 s) → reconnect. */
  idleTimeoutMs?: number;
  /** Told when the backend refused the token, so the account can be marked signed out. */
  onUnauthorized?: (accountId: string) => void;
}

type StreamEnd = 'ended' | 'unauthorized';

/** Splits an SSE byte stream into events (`event:`/`data:` fields, comments, CR/LF variants). */
export class SseParser {
  private buffer = '';
  private type = '';
  private data: string[] = [];

  constructor(private readonly onEvent: (type: string, data: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\n|\r/.exec(this.buffer);
      if (!match) break;
      // A lone CR at the very end may be the first half of CRLF: wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onEvent(this.type || 'message', this.data.join('\n'));
      this.type = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
  }
}

export class LiveEvents {
  private generation = 0;
  private request: ClientRequest | undefined;
  private wake: (() => void) | undefined;
  private following: string | null = null;
  private readonly logger: Logger;
  private readonly backoff: readonly number[];

  constructor(private readonly options: LiveEventsOptions) {
    this.logger = options.logger ?? silentLogger;
    this.backoff = options.backoffMs ?? [500, 1000, 2000, 5000, 10_000, 30_000];
  }

  /** The account whose events are followed, or null. */
  get accountId(): string | null {
    return this.following;
  }

  /**
   * Follows `accountId`'s events from now on (stopping any other stream); `endpoint` is asked for
   * the backend address and token before each (re)connection.
   */
  follow(accountId: string, endpoint: () => Promise<LiveEventsEndpoint>): void {
    this.stop();
    this.following = accountId;
    const generation = this.generation;
    void this.run(generation, accountId, endpoint);
  }

  stop(): void {
    this.generation++;
    this.following = null;
    this.request?.destroy();
    this.request = undefined;
    this.wake?.();
  }

  private async run(generation: number, accountId: string, endpoint: () => Promise<LiveEventsEndpoint>): Promise<void> {
    let attempt = 0;
    while (generation === this.generation) {
      try {
        const { baseUrl, token } = await endpoint();
        if (generation !== this.generation) return;
        const end = await this.stream(generation, accountId, baseUrl, token, () => {
          attempt = 0;
        });
        if (end === 'unauthorized') {
          if (generation === this.generation) {
            this.following = null;
            this.options.onUnauthorized?.(accountId);
          }
          return;
        }
      } catch (error) {
        this.logger.warn('live events: connection failed', { error: (error as Error).message });
      }
      if (generation !== this.generation) return;
      const wait = this.backoff[Math.min(attempt, this.backoff.length - 1)] ?? 1000;
      attempt++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private stream(generation: number, accountId: string, baseUrl: string, token: string, onReady: () => void): Promise<StreamEnd> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${baseUrl.replace(/\/+$/, '')}${ADMIN_API_PREFIX}/events`);
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, {
        method: 'GET',
        agent: false,
        headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}`, 'Cache-Control': 'no-cache' },
      });
      this.request = request;
      request.setTimeout(this.options.idleTimeoutMs ?? 45_000, () => request.destroy(new Error('the event stream went quiet')));
      request.on('error', (error) => reject(error));
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status === 401 || status === 403) {
          response.resume();
          resolve('unauthorized');
          return;
        }
        if (status !== 200) {
          response.resume();
          reject(new Error(`the event stream was refused with HTTP ${status}`));
          return;
        }
        response.setEncoding('utf8');
        const parser = new SseParser((type, data) => {
          if (generation !== this.generation) return;
          let parsed: unknown;
          try {
            parsed = JSON.parse(data);
          } catch {
            return;
          }
          const event = LiveEvent.safeParse(parsed);
          if (!event.success) {
            this.logger.warn('live events: ignored an event outside the contract', { type });
            return;
          }
          if (event.data.type === 'ready') onReady();
          this.options.push({ kind: 'live', accountId, event: event.data });
        });
        response.on('data', (chunk: string) => parser.push(chunk));
        response.on('end', () => resolve('ended'));
        response.on('error', (error) => reject(error));
        response.on('close', () => resolve('ended'));
      });
      request.end();
    });
  }
}
