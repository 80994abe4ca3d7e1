import { describe, expect, it } from 'vitest';
import { KeychainUnavailableError } from '../../main/platform/credentialStore.js';
import { createKeytarCredentialStore, keychainFix, type KeytarApi } from '../../main/platform/keytarCredentialStore.js';

function failingKeytar(message: string): KeytarApi {
  const fail = () => Promise.reject(new Error(message));
  return { getPassword: fail, setPassword: fail, deletePassword: fail };
}

describe('keytar credential store (error mapping)', () => {
  it.each([
    'Cannot autolaunch D-Bus without X11 $DISPLAY',
    'Could not connect: No such file or directory',
    'The name org.freedesktop.secrets was not provided by any .service files',
    'Cannot create an item in a locked collection',
    'User interaction is not allowed.',
    'libsecret-1.so.0: cannot open shared object file: No such file or directory',
  ])('maps "%s" to KeychainUnavailableError with the OS fix', async (message) => {
    const store = createKeytarCredentialStore({ service: 'svc', platform: 'linux', loadKeytar: async () => failingKeytar(message) });
    const error = await store.set('acct', 'secret').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeychainUnavailableError);
    expect((error as KeychainUnavailableError).fix).toBe(keychainFix('linux'));
  });

  it('maps a failure to load the native module, and retries the load next time', async () => {
    let loads = 0;
    const store = createKeytarCredentialStore({
      service: 'svc',
      platform: 'darwin',
      loadKeytar: async () => {
        loads += 1;
        if (loads === 1) throw new Error("Cannot find module '../build/Release/keytar.node'");
        return { getPassword: async () => 'tok', setPassword: async () => undefined, deletePassword: async () => true };
      },
    });
    const error = await store.get('acct').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeychainUnavailableError);
    expect((error as KeychainUnavailableError).fix).toMatch(/Keychain Access/);
    expect(await store.get('acct')).toBe('tok');
  });

  it('passes other errors through unchanged', async () => {
    const store = createKeytarCredentialStore({ service: 'svc', loadKeytar: async () => failingKeytar('Password is required.') });
    const error = await store.get('acct').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(KeychainUnavailableError);
  });

  it('files entries under its service and refuses empty names and secrets', async () => {
    const calls: string[] = [];
    const store = createKeytarCredentialStore({
      service: 'SCIM Directory Sync',
      loadKeytar: async () => ({
        getPassword: async (s, a) => (calls.push(`get ${s}/${a}`), null),
        setPassword: async (s, a) => void calls.push(`set ${s}/${a}`),
        deletePassword: async (s, a) => (calls.push(`delete ${s}/${a}`), false),
      }),
    });
    await store.set('a', 'x');
    await store.get('a');
    await store.delete('a');
    expect(calls).toEqual(['set SCIM Directory Sync/a', 'get SCIM Directory Sync/a', 'delete SCIM Directory Sync/a']);
    await expect(store.set('', 'x')).rejects.toThrow(/account/);
    await expect(store.set('a', '')).rejects.toThrow(/empty secret/);
  });

  it('words the fix per OS', () => {
    expect(keychainFix('linux')).toMatch(/sudo apt install gnome-keyring/);
    expect(keychainFix('darwin')).toMatch(/keychain/i);
    expect(keychainFix('win32')).toMatch(/Credential Manager/);
  });
});
