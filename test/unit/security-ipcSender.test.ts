import { describe, expect, it } from 'vitest';
import { checkIpcSender } from '../../main/services/security/ipcSender.js';

const ok = { frameUrl: 'app://scim-directory-sync/index.html', isMainFrame: true, fromAppWindow: true };

describe('IPC sender check', () => {
  it('accepts our window main frame on the app origin', () => {
    expect(checkIpcSender(ok)).toEqual({ ok: true });
    expect(checkIpcSender({ ...ok, frameUrl: 'app://scim-directory-sync/index.html#/pool' })).toEqual({ ok: true });
  });

  it.each([
    ['a subframe', { ...ok, isMainFrame: false }],
    ['another window', { ...ok, fromAppWindow: false }],
    ['a destroyed frame', { ...ok, frameUrl: null }],
    ['a remote page', { ...ok, frameUrl: 'https://evil.example/' }],
    ['a file page', { ...ok, frameUrl: 'file:///tmp/index.html' }],
    ['another app host', { ...ok, frameUrl: 'app://other/index.html' }],
    ['about:blank', { ...ok, frameUrl: 'about:blank' }],
  ])('refuses %s', (_what, facts) => {
    const decision = checkIpcSender(facts);
    expect(decision.ok).toBe(false);
    if (!decision.ok) expect(decision.reason).toMatch(/IPC call/);
  });
});
