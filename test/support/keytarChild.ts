/**
 * Runs keytar credential-store operations in a child process whose environment holds a private
 * D-Bus session (see privateKeyring.ts). Usage:
 *   node --import tsx test/support/keytarChild.ts SERVICE '[{"op":"set","account":"a","secret":"s"},…]'
 * Prints one JSON array: per operation `{ ok: true, value }` or `{ ok: false, name, message, fix }`.
 */
import { createKeytarCredentialStore } from '../../main/platform/keytarCredentialStore.js';
import { KeychainUnavailableError } from '../../main/platform/credentialStore.js';

export type KeytarOp =
  | { op: 'set'; account: string; secret: string }
  | { op: 'get'; account: string }
  | { op: 'delete'; account: string };

export type KeytarOpResult = { ok: true; value: unknown } | { ok: false; name: string; message: string; fix?: string };

const [service, opsJson] = process.argv.slice(2);
const store = createKeytarCredentialStore({ service: service ?? '' });
const results: KeytarOpResult[] = [];
for (const step of JSON.parse(opsJson ?? '[]') as KeytarOp[]) {
  try {
    const value =
      step.op === 'set' ? await store.set(step.account, step.secret) : step.op === 'get' ? await store.get(step.account) : await store.delete(step.account);
    results.push({ ok: true, value: value ?? null });
  } catch (error) {
    const e = error as Error;
    results.push({ ok: false, name: e.name, message: e.message, ...(error instanceof KeychainUnavailableError ? { fix: error.fix } : {}) });
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
