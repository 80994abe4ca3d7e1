/**
 * The keytar credential store against a real Secret Service: gnome-keyring in a private D-Bus
 * session (test/support/privateKeyring.ts), with keytar running in a child process that sees only
 * that bus. With CI=true a missing dbus/gnome-keyring fails the run; elsewhere the suite is skipped
 * and says why in its name.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeytarOp, KeytarOpResult } from '../support/keytarChild.js';
import { missingKeyringTools, noBusEnv, startPrivateBus, startPrivateKeyring, type PrivateBus, type PrivateKeyring } from '../support/privateKeyring.js';

const execFileAsync = promisify(execFile);
const CHILD = path.resolve(import.meta.dirname, '../support/keytarChild.ts');
const SERVICE = `SCIM Directory Sync test ${randomUUID()}`;

async function runKeytar(env: NodeJS.ProcessEnv, ops: KeytarOp[]): Promise<KeytarOpResult[]> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', CHILD, SERVICE, JSON.stringify(ops)], {
    env,
    cwd: path.resolve(import.meta.dirname, '../..'),
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as KeytarOpResult[];
}

const missing = missingKeyringTools();
const mustRun = process.env.CI === 'true';
const suiteName =
  missing.length === 0 || mustRun
    ? 'keytar credential store on a real gnome-keyring (private D-Bus session)'
    : `keytar credential store (skipped: ${missing.join(', ')} not installed; apt install dbus gnome-keyring)`;

describe.skipIf(missing.length > 0 && !mustRun)(suiteName, () => {
  let keyring: PrivateKeyring;

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`CI=true but ${missing.join(', ')} is not installed (Debian packages: dbus, gnome-keyring)`);
    keyring = await startPrivateKeyring();
  });
  afterAll(async () => {
    await keyring?.stop();
  });

  it('stores, reads back, replaces and deletes a secret', async () => {
    const results = await runKeytar(keyring.env, [
      { op: 'get', account: 'acct-1' },
      { op: 'set', account: 'acct-1', secret: 'device-token-1' },
      { op: 'get', account: 'acct-1' },
      { op: 'set', account: 'acct-1', secret: 'device-token-1b' },
      { op: 'get', account: 'acct-1' },
      { op: 'delete', account: 'acct-1' },
      { op: 'get', account: 'acct-1' },
    ]);
    expect(results).toEqual([
      { ok: true, value: null },
      { ok: true, value: null },
      { ok: true, value: 'device-token-1' },
      { ok: true, value: null },
      { ok: true, value: 'device-token-1b' },
      { ok: true, value: true },
      { ok: true, value: null },
    ]);
  });

  it('keeps two accounts apart, across processes', async () => {
    const written = await runKeytar(keyring.env, [
      { op: 'set', account: 'org-a', secret: 'token-a' },
      { op: 'set', account: 'org-b', secret: 'token-b' },
    ]);
    expect(written.every((r) => r.ok)).toBe(true);
    // A second process (as after an app restart) reads what the first one stored.
    const results = await runKeytar(keyring.env, [
      { op: 'get', account: 'org-a' },
      { op: 'get', account: 'org-b' },
      { op: 'delete', account: 'org-a' },
      { op: 'get', account: 'org-a' },
      { op: 'get', account: 'org-b' },
      { op: 'delete', account: 'org-b' },
    ]);
    expect(results.map((r) => (r.ok ? r.value : r.message))).toEqual(['token-a', 'token-b', true, null, 'token-b', true]);
  });

  it('answers false when deleting an entry that is not there', async () => {
    expect(await runKeytar(keyring.env, [{ op: 'delete', account: 'never-stored' }])).toEqual([{ ok: true, value: false }]);
  });

  it('refuses to write to a locked keyring with KeychainUnavailableError and a fix', async () => {
    const results = await runKeytar(keyring.env, [{ op: 'set', account: 'before-lock', secret: 'x' }]);
    expect(results[0]).toEqual({ ok: true, value: null });
    keyring.lock();
    const [locked] = await runKeytar(keyring.env, [{ op: 'set', account: 'after-lock', secret: 'y' }]);
    expect(locked).toMatchObject({ ok: false, name: 'KeychainUnavailableError' });
    expect(locked && !locked.ok && locked.fix).toMatch(/gnome-keyring/);
  });
});

describe.skipIf(missing.length > 0 && !mustRun)(
  missing.length > 0 && !mustRun
    ? `keytar without a keychain (skipped: ${missing.join(', ')} not installed)`
    : 'keytar without a keychain: KeychainUnavailableError with a fix, never a plaintext fallback',
  () => {
    let bus: PrivateBus | undefined;
    afterAll(async () => {
      await bus?.stop();
    });

    it('no session bus at all', async () => {
      const results = await runKeytar(noBusEnv(), [
        { op: 'set', account: 'acct', secret: 's' },
        { op: 'get', account: 'acct' },
        { op: 'delete', account: 'acct' },
      ]);
      for (const result of results) {
        expect(result).toMatchObject({ ok: false, name: 'KeychainUnavailableError' });
        if (!result.ok) {
          expect(result.fix).toMatch(/sudo apt install gnome-keyring/);
          expect(result.fix).toMatch(/KWallet/);
          expect(result.message).toContain('No OS keychain is available');
        }
      }
    });

    it('a session bus without a Secret Service on it', async () => {
      if (missing.length > 0) throw new Error(`CI=true but ${missing.join(', ')} is not installed`);
      bus = await startPrivateBus();
      const [result] = await runKeytar(bus.env, [{ op: 'set', account: 'acct', secret: 's' }]);
      expect(result).toMatchObject({ ok: false, name: 'KeychainUnavailableError' });
      expect(result && !result.ok && result.fix).toMatch(/desktop session/);
    });
  },
);
