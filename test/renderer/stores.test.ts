/** The stores against a fake DesktopApi (no module mocks). */
import { describe, expect, it } from 'vitest';
import { createStores } from '../../renderer/stores/index.js';
import { activeAccount } from '../../renderer/stores/accounts.js';
import { ACCOUNT, ORG_ID, connectionView, createFakeApi } from './fakeApi.js';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('accounts store', () => {
  it('starts empty on first launch and adopts the org it starts', async () => {
    const fake = createFakeApi({ accounts: [] });
    const { accounts } = createStores(fake.api);
    await accounts.getState().load();
    expect(accounts.getState()).toMatchObject({ status: 'ready', accounts: [], activeAccountId: null });
    const result = await accounts.getState().startBundledOrg({ orgName: 'Acme', ownerEmail: 'a@acme.test' });
    expect(result.ok).toBe(true);
    expect(activeAccount(accounts.getState())?.orgName).toBe('Acme');
    expect(fake.callsTo('accounts:startBundledOrg')).toEqual([{ orgName: 'Acme', ownerEmail: 'a@acme.test' }]);
  });

  it('keeps the error of a failed load', async () => {
    const fake = createFakeApi({ overrides: { 'accounts:list': () => ({ ok: false, error: { code: 'keychain_unavailable', message: 'No keychain', fix: 'Install gnome-keyring' } }) } });
    const { accounts } = createStores(fake.api);
    await accounts.getState().load();
    expect(accounts.getState().status).toBe('error');
    expect(accounts.getState().error?.fix).toBe('Install gnome-keyring');
  });

  it('turns a rejected call into an internal error result', async () => {
    const fake = createFakeApi({ overrides: { 'accounts:startBundledOrg': () => Promise.reject(new Error('bridge gone')) } });
    const { accounts } = createStores(fake.api);
    const result = await accounts.getState().startBundledOrg({ orgName: 'A', ownerEmail: 'a@a.test' });
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'bridge gone' } });
  });

  it('records backend status pushes', () => {
    const fake = createFakeApi();
    const stores = createStores(fake.api);
    stores.listen();
    fake.push({ kind: 'backend', status: 'restarting', detail: 'exit code 1' });
    expect(stores.accounts.getState().backendStatus).toEqual({ status: 'restarting', detail: 'exit code 1' });
  });
});

describe('connections store', () => {
  it('creates, renames and deletes through the api', async () => {
    const fake = createFakeApi();
    const { connections } = createStores(fake.api);
    await connections.getState().load();
    const created = await connections.getState().create({ name: 'Default SCIM Connection', provider: 'okta' });
    expect(created.ok && connections.getState().items).toHaveLength(1);
    expect(fake.callsTo('connections:create')).toEqual([{ name: 'Default SCIM Connection', provider: 'okta' }]);
  });

  it('holds the secret only after reveal, and drops it on hide, forget and rotate', async () => {
    const c = connectionView();
    const fake = createFakeApi({ connections: [c] });
    const { connections } = createStores(fake.api);
    await connections.getState().load();
    expect(connections.getState().revealed).toEqual({});
    await connections.getState().reveal(c.id);
    expect(connections.getState().revealed[c.id]).toBe('sds_scim_secret_VALUE_1234567890abcdef');
    connections.getState().hide(c.id);
    expect(connections.getState().revealed).toEqual({});
    await connections.getState().reveal(c.id);
    await connections.getState().forgetSecret(c.id);
    expect(connections.getState().revealed).toEqual({});
    expect(connections.getState().items[0]!.secretAvailable).toBe(false);
  });

  it('keeps the probe report per connection', async () => {
    const c = connectionView();
    const fake = createFakeApi({ connections: [c], probe: { ok: false, checks: [{ id: 'reachable', label: 'Reachable', status: 'fail', detail: 'ECONNREFUSED', fix: 'Start the backend' }] } });
    const { connections } = createStores(fake.api);
    const pending = connections.getState().test(c.id);
    expect(connections.getState().tests[c.id]).toEqual({ status: 'running' });
    await pending;
    const slot = connections.getState().tests[c.id];
    expect(slot?.status === 'done' && slot.value.ok).toBe(false);
  });

  it('reloads on live pool and health pushes of the active account, coalescing bursts', async () => {
    const c = connectionView();
    const fake = createFakeApi({ connections: [c] });
    const stores = createStores(fake.api);
    await stores.accounts.getState().load();
    stores.listen();
    await stores.connections.getState().load();
    const before = fake.callsTo('connections:list').length;
    fake.state.connections = [connectionView({ health: { ...c.health, lastRequestAt: new Date().toISOString(), syncedUsers: 3 } })];
    for (let i = 0; i < 5; i++) fake.push({ kind: 'live', accountId: ACCOUNT.id, event: { type: 'pool.changed', connectionId: c.id, poolEntryIds: [] } });
    fake.push({ kind: 'live', accountId: 'someone-else', event: { type: 'connection.health', connectionId: c.id } });
    await flush();
    await flush();
    expect(fake.callsTo('connections:list').length - before).toBeLessThanOrEqual(2);
    expect(stores.connections.getState().items[0]!.health.syncedUsers).toBe(3);
    // Other events do not reload.
    const after = fake.callsTo('connections:list').length;
    fake.push({ kind: 'live', accountId: ACCOUNT.id, event: { type: 'ready', orgId: ORG_ID, memberId: ORG_ID } });
    await flush();
    expect(fake.callsTo('connections:list').length).toBe(after);
  });
});

describe('wizard store', () => {
  it('saves every change so the guide can be resumed', async () => {
    const fake = createFakeApi();
    const { wizard } = createStores(fake.api);
    await wizard.getState().load();
    expect(wizard.getState().wizard).toBeNull();
    await wizard.getState().begin('c1', 'okta');
    await wizard.getState().toggleStep('okta-enable-scim');
    await wizard.getState().goTo(1);
    expect(fake.state.wizard).toMatchObject({ connectionId: 'c1', provider: 'okta', completedSteps: ['okta-enable-scim'], currentStep: 1 });

    // A new window (or app start) resumes where the admin left.
    const again = createStores(fake.api).wizard;
    await again.getState().load();
    expect(again.getState().wizard).toMatchObject({ currentStep: 1, completedSteps: ['okta-enable-scim'] });

    await again.getState().toggleStep('okta-enable-scim');
    expect(fake.state.wizard?.completedSteps).toEqual([]);
    await again.getState().clear();
    expect(fake.state.wizard).toBeNull();
  });
});
