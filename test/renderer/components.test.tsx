/** Key screens against a fake DesktopApi: the form, the guide's copy buttons, the secret, the probe, the card. */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/App.js';
import { createStores } from '../../renderer/stores/index.js';
import { oktaGuide } from '../../shared/providers/index.js';
import { ACCOUNT, SECRET, connectionView, createFakeApi, type FakeOptions } from './fakeApi.js';

function mount(options: FakeOptions = {}, hash = '#/') {
  window.location.hash = hash;
  const fake = createFakeApi(options);
  const stores = createStores(fake.api);
  const view = render(<App api={fake.api} stores={stores} />);
  return { fake, stores, view };
}

beforeEach(() => {
  window.location.hash = '#/';
});
afterEach(() => cleanup());

describe('first launch', () => {
  it('shows the sign-in screen and starts a new org on this computer', async () => {
    const { fake } = mount({ accounts: [] });
    expect(await screen.findByRole('radio', { name: /Start a new org on this computer/ })).toHaveProperty('ariaChecked', 'true');
    expect(screen.getByRole('radio', { name: /Sign in to an org on a remote backend/ })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Org name'), { target: { value: 'Acme Inc' } });
    fireEvent.change(screen.getByLabelText('Owner email'), { target: { value: 'owner@acme.test' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start org' }));
    expect(await screen.findByRole('heading', { name: 'Acme Inc', level: 1 })).toBeTruthy();
    expect(fake.callsTo('accounts:startBundledOrg')).toEqual([{ orgName: 'Acme Inc', ownerEmail: 'owner@acme.test' }]);
    expect(screen.getByRole('button', { name: /Org, account, and device settings menu: Acme Inc/ })).toBeTruthy();
  });
});

describe('SCIM Connections', () => {
  it('offers "Connect A SCIM Provider" when there is none, then "Connect Another SCIM Provider"', async () => {
    mount({}, '#/my-org/sso');
    expect(await screen.findByText('No SCIM connections yet')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Connect A SCIM Provider' })).toBeTruthy();
    cleanup();
    mount({ connections: [connectionView()] }, '#/my-org/sso');
    expect(await screen.findByRole('button', { name: 'Connect Another SCIM Provider' })).toBeTruthy();
  });

  it('connect form: defaults are "Default SCIM Connection", Okta and a generated secret; Next creates and opens the guide', async () => {
    const { fake } = mount({}, '#/my-org/sso/connect');
    const name = (await screen.findByLabelText('Connection Name')) as HTMLInputElement;
    expect(name.value).toBe('Default SCIM Connection');
    expect((screen.getByRole('radio', { name: /^Okta/ }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('radio', { name: /^Azure AD/ }) as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole('radio', { name: /^Other SCIM directory/ }) as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole('radio', { name: /Generate a secret for me/ }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('heading', { name: 'Connect Okta to SCIM Directory Sync' })).toBeTruthy();
    expect(fake.callsTo('connections:create')).toEqual([{ name: 'Default SCIM Connection', provider: 'okta' }]);
    expect(fake.state.wizard).toMatchObject({ provider: 'okta', currentStep: 0, completedSteps: [] });
    expect(window.location.hash).toMatch(/^#\/my-org\/sso\/setup\//);
  });

  it('connect form: a pasted secret is sent only when chosen', async () => {
    const { fake } = mount({}, '#/my-org/sso/connect');
    fireEvent.click(await screen.findByRole('radio', { name: /^Azure AD/ }));
    fireEvent.click(screen.getByRole('radio', { name: /Paste a secret from the directory/ }));
    fireEvent.change(screen.getByLabelText(/Secret from the directory/), { target: { value: 'pasted-secret-0123456789' } });
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('heading', { name: 'Connect Azure AD to SCIM Directory Sync' });
    expect(fake.callsTo('connections:create')).toEqual([{ name: 'Default SCIM Connection', provider: 'azure-ad', pastedSecret: 'pasted-secret-0123456789' }]);
  });
});

describe('the Okta guide', () => {
  const c = connectionView();
  const wizard = { connectionId: c.id, provider: 'okta' as const, completedSteps: [], currentStep: 1, updatedAt: new Date().toISOString() };

  it('copies the Endpoint Base URL and literals through clipboard:copyText, and the secret only through connections:copy', async () => {
    const { fake } = mount({ connections: [c], wizard }, `#/my-org/sso/setup/${c.id}`);
    expect(await screen.findByRole('heading', { name: 'Fill in the SCIM Connection form' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Copy Endpoint Base URL' }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy SCIM version' }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy Unique identifier field for users' }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy Authentication Secret' }));
    await waitFor(() => expect(fake.callsTo('connections:copy')).toHaveLength(1));
    expect(fake.callsTo('clipboard:copyText')).toEqual([{ text: c.endpointBaseUrl }, { text: '2.0' }, { text: 'userName' }]);
    expect(fake.callsTo('connections:copy')).toEqual([{ connectionId: c.id, what: 'authenticationSecret' }]);
    expect(fake.callsTo('connections:revealSecret')).toEqual([]);
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('masks the secret until Reveal, and hides it again', async () => {
    const { fake } = mount({ connections: [c], wizard }, `#/my-org/sso/setup/${c.id}`);
    await screen.findByRole('heading', { name: 'Fill in the SCIM Connection form' });
    expect(screen.getByText('••••••••')).toBeTruthy();
    expect(document.body.textContent).not.toContain(SECRET);
    fireEvent.click(screen.getByRole('button', { name: 'Reveal Authentication Secret' }));
    expect(await screen.findByText(SECRET)).toBeTruthy();
    expect(fake.callsTo('connections:revealSecret')).toEqual([{ connectionId: c.id }]);
    // The button stays busy until the reveal call has settled; click it once it is enabled again.
    const hide = await screen.findByRole('button', { name: 'Hide Authentication Secret' });
    await waitFor(() => expect((hide as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(hide);
    await waitFor(() => expect(document.body.textContent).not.toContain(SECRET));
  });

  it('runs Test Connection and shows each check with its fix', async () => {
    const probe = {
      ok: false,
      checks: [
        { id: 'reachable' as const, label: 'The endpoint answers', status: 'pass' as const, detail: 'HTTP 200 in 8 ms' },
        { id: 'userLookup' as const, label: 'Look up a user by userName', status: 'fail' as const, detail: 'HTTP 401', fix: 'The Authentication Secret in the directory does not match: copy it again.' },
        { id: 'publicAddress' as const, label: 'Reachable from the internet', status: 'warn' as const, detail: '127.0.0.1 is this computer', fix: 'Set a public https URL.' },
      ],
    };
    const { fake } = mount({ connections: [c], wizard, probe }, `#/my-org/sso/setup/${c.id}`);
    fireEvent.click(await screen.findByRole('button', { name: 'Test Connection' }));
    expect(await screen.findByText('The connection test failed: one check did not pass.')).toBeTruthy();
    const list = screen.getByRole('list', { name: 'Connection checks' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringContaining('Passed: The endpoint answersHTTP 200 in 8 ms'),
      expect.stringContaining('Failed: Look up a user by userNameHTTP 401How to fix: The Authentication Secret in the directory does not match: copy it again.'),
      expect.stringContaining('Warning: Reachable from the internet127.0.0.1 is this computerHow to fix: Set a public https URL.'),
    ]);
    expect(fake.callsTo('connections:test')).toEqual([{ connectionId: c.id }]);
    // The public-address warning offers to set the public URL.
    fireEvent.change(screen.getAllByLabelText('Public URL')[0]!, { target: { value: 'https://scim.acme.test' } });
    fireEvent.click(screen.getAllByRole('button', { name: 'Save public URL' })[0]!);
    await waitFor(() => expect(fake.callsTo('backend:setPublicUrl')).toEqual([{ publicUrl: 'https://scim.acme.test' }]));
  });

  it('saves progress on tick and Next, opens the vendor console by id, and Done forgets the secret and clears the wizard', async () => {
    const { fake } = mount({ connections: [c], wizard: { ...wizard, currentStep: 0 } }, `#/my-org/sso/setup/${c.id}`);
    await screen.findByRole('heading', { name: 'Set Provisioning to SCIM' });
    fireEvent.click(screen.getByRole('button', { name: 'Open the Okta Admin Console' }));
    await waitFor(() => expect(fake.callsTo('links:open')).toEqual([{ id: 'okta-admin' }]));
    fireEvent.click(screen.getByRole('checkbox', { name: /Step 3 done/ }));
    await waitFor(() => expect(fake.state.wizard?.completedSteps).toEqual(['okta-enable-scim']));
    for (const title of ['Fill in the SCIM Connection form', 'Enable provisioning To App', 'Click Done']) {
      fireEvent.click(screen.getByRole('button', { name: /Next step/ }));
      await screen.findByRole('heading', { name: title });
    }
    expect(fake.state.wizard?.currentStep).toBe(3);
    expect(fake.state.wizard?.completedSteps).toEqual(['okta-enable-scim', 'okta-scim-connection', 'okta-to-app']);
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(await screen.findByRole('heading', { name: 'Watch the first sync' })).toBeTruthy();
    expect(fake.callsTo('connections:forgetSecret')).toEqual([{ connectionId: c.id }]);
    expect(fake.state.wizard).toBeNull();
    expect(screen.getByTestId('first-request').textContent).toContain('Waiting for the first request from Okta…');
  });

  it('renders every step in the seed words, with the UI labels emphasised', async () => {
    mount({ connections: [c], wizard: { ...wizard, currentStep: 0 } }, `#/my-org/sso/setup/${c.id}`);
    await screen.findByRole('heading', { name: 'Set Provisioning to SCIM' });
    const labels = [...document.querySelectorAll('.ui-label')].map((e) => e.textContent);
    expect(labels).toEqual(['Applications', 'General > App Settings', 'Edit', 'Provisioning', 'SCIM']);
    expect(screen.getAllByRole('listitem').length).toBeGreaterThanOrEqual(oktaGuide.steps.length);
  });
});

describe('connection card', () => {
  it('turns from waiting to "Connected — Okta has synced N users" on a push', async () => {
    const c = connectionView({ secretAvailable: false });
    const { fake } = mount({ connections: [c] }, '#/my-org/sso');
    const status = await screen.findByTestId('connection-status');
    expect(status.textContent).toContain('Waiting for the first request from Okta…');
    fake.state.connections = [connectionView({ secretAvailable: false, health: { ...c.health, lastRequestAt: new Date().toISOString(), syncedUsers: 3, requestsLast24h: 7 } })];
    await act(async () => {
      fake.push({ kind: 'live', accountId: ACCOUNT.id, event: { type: 'pool.changed', connectionId: c.id, poolEntryIds: [] } });
    });
    await waitFor(() => expect(screen.getByTestId('connection-status').textContent).toContain('Connected — Okta has synced 3 users'));
    expect(screen.getByTestId('connection-status').getAttribute('aria-live')).toBe('polite');
  });

  it('settings: reset secret offers the grace choices, delete confirms that no users will be removed', async () => {
    const c = connectionView({ provider: 'azure-ad', secretAvailable: false });
    const { fake } = mount({ connections: [c] }, '#/my-org/sso');
    fireEvent.click(await screen.findByRole('button', { name: `Connection settings: ${c.name}` }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: /Reset secret/ }));
    for (const label of ['Immediately', 'Keep the old secret for 1 hour', 'Keep the old secret for 24 hours']) expect(within(dialog).getByRole('radio', { name: new RegExp(label) })).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('radio', { name: /Immediately/ }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reset secret' }));
    await within(dialog).findByText(/The secret was reset/);
    expect(fake.callsTo('connections:rotateSecret')).toEqual([{ connectionId: c.id, graceSeconds: 0 }]);
    expect(dialog.textContent).toContain('Copy the new Authentication Secret into Secret Token in Azure AD, click Save, then Test Connection');
    expect(within(dialog).getByText('••••••••')).toBeTruthy();

    fireEvent.click(within(dialog).getByRole('button', { name: /Delete…/ }));
    expect(within(dialog).getByRole('alertdialog').textContent).toContain('No users will be removed');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete connection' }));
    await waitFor(() => expect(fake.callsTo('connections:delete')).toEqual([{ connectionId: c.id }]));
    expect(await screen.findByText('No SCIM connections yet')).toBeTruthy();
  });
});

describe('connection status', () => {
  it("does not count the app's own Test Connection as the directory's first request", async () => {
    const { connectionStatus } = await import('../../renderer/screens/sso/status.js');
    const probed = connectionView({ health: { ...connectionView().health, lastRequestAt: new Date().toISOString(), requestsLast24h: 4 } });
    expect(connectionStatus(probed)).toEqual({ tone: 'waiting', text: 'Waiting for the first request from Okta…' });
    const okta = connectionView({ health: { ...probed.health, detectedProvider: 'okta' } });
    expect(connectionStatus(okta).text).toBe('Connected — Okta has synced 0 users');
    const failing = connectionView({
      provider: 'azure-ad',
      health: { ...probed.health, detectedProvider: 'azure-ad', syncedUsers: 1, lastError: { at: new Date(Date.now() + 1000).toISOString(), detail: 'The bearer secret is not valid' } },
    });
    expect(connectionStatus(failing)).toMatchObject({ tone: 'error', fix: expect.stringContaining('Secret Token in Azure AD') });
  });
});
