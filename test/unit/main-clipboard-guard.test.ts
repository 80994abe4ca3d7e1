import { describe, expect, it } from 'vitest';
import { createClipboardGuard, SECRET_CLIPBOARD_SECONDS } from '../../main/services/clipboardGuard.js';
import { FakeClipboard, FakeTimers } from '../support/mainFakes.js';

function setup() {
  const clipboard = new FakeClipboard();
  const timers = new FakeTimers();
  return { clipboard, timers, guard: createClipboardGuard(clipboard, timers.setTimer) };
}

describe('clipboard clearing', () => {
  it('clears a copied secret after 60 s when the clipboard still holds it', () => {
    const { clipboard, timers, guard } = setup();
    expect(guard.copySecret('s3cret')).toBe(SECRET_CLIPBOARD_SECONDS);
    expect(clipboard.text).toBe('s3cret');
    timers.advance(59_999);
    expect(clipboard.text).toBe('s3cret');
    timers.advance(1);
    expect(clipboard.text).toBe('');
  });

  it('leaves whatever the admin copied since', () => {
    const { clipboard, timers, guard } = setup();
    guard.copySecret('s3cret');
    clipboard.writeText('something of mine');
    timers.advance(60_000);
    expect(clipboard.text).toBe('something of mine');
  });

  it('never clears plain copies', () => {
    const { clipboard, timers, guard } = setup();
    guard.copy('https://example.com/scim/v2/x');
    timers.advance(120_000);
    expect(clipboard.text).toBe('https://example.com/scim/v2/x');
    expect(timers.pending).toBe(0);
  });

  it('a newer secret copy replaces the older pending clear', () => {
    const { clipboard, timers, guard } = setup();
    guard.copySecret('first');
    timers.advance(30_000);
    guard.copySecret('second');
    timers.advance(30_000);
    expect(clipboard.text).toBe('second');
    timers.advance(30_000);
    expect(clipboard.text).toBe('');
  });

  it('clearNow clears at once (app quit), only when still held', () => {
    const { clipboard, guard } = setup();
    guard.copySecret('s3cret');
    guard.clearNow();
    expect(clipboard.text).toBe('');
    guard.copySecret('s3cret');
    clipboard.writeText('mine');
    guard.clearNow();
    expect(clipboard.text).toBe('mine');
  });
});
