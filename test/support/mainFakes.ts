/**
 * Fakes for main's services in tests: an in-memory keychain, a clipboard, and timers driven by
 * hand. Everything else (backend, HTTP, files) is real.
 */
import type { CredentialStore } from '../../main/platform/credentialStore.js';
import type { Clipboard, SetTimer } from '../../main/services/deps.js';

export class InMemoryCredentialStore implements CredentialStore {
  readonly entries = new Map<string, string>();
  /** When set, every call fails with it (e.g. a KeychainUnavailableError). */
  failWith: Error | undefined;

  async get(account: string): Promise<string | null> {
    if (this.failWith) throw this.failWith;
    return this.entries.get(account) ?? null;
  }
  async set(account: string, secret: string): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.entries.set(account, secret);
  }
  async delete(account: string): Promise<boolean> {
    if (this.failWith) throw this.failWith;
    return this.entries.delete(account);
  }
}

export class FakeClipboard implements Clipboard {
  text = '';
  writes: string[] = [];
  writeText(text: string): void {
    this.text = text;
    this.writes.push(text);
  }
  readText(): string {
    return this.text;
  }
}

/** `setTimer` whose time only moves when the test calls `advance`. */
export class FakeTimers {
  now = 0;
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];

  readonly setTimer: SetTimer = (callback, ms) => {
    const timer = { at: this.now + ms, callback, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };

  get pending(): number {
    return this.timers.filter((t) => !t.cancelled && t.at > this.now).length;
  }

  advance(ms: number): void {
    this.now += ms;
    const due = this.timers.filter((t) => !t.cancelled && t.at <= this.now).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((t) => !due.includes(t));
    for (const timer of due) timer.callback();
  }
}
