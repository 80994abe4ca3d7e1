/**
 * The Azure AD setup of the product documentation, end to end (steps 3–10), with the Entra
 * simulator holding exactly what was copied; then the secret is reset in Connection settings:
 * Azure's Test Connection with the old secret fails, the app shows the fix, and the new secret works.
 */
import { generatePeople } from '../idp/common.js';
import { EntraSimulator } from '../idp/entra.js';
import { expect, test } from './bridge.js';
import { startOrgAndOpenSso } from './flow.js';

test('Azure AD: guided setup, Test Connection, Done, provisioning, secret reset', async ({ desktop }) => {
  test.setTimeout(120_000);
  const { page, clipboard } = desktop;
  await startOrgAndOpenSso(desktop, 'Contoso');

  await page.getByRole('radio', { name: /^Azure AD/ }).check();
  await desktop.screenshot('connect-form-azure');
  await page.getByRole('button', { name: 'Next' }).click();

  const next = () => page.getByRole('button', { name: /Next step/ }).click();
  const heading = (name: string) => expect(page.getByRole('heading', { name })).toBeVisible();

  // 3: portal.azure.com → Default Directory.
  await heading('Open your directory');
  await expect(page.locator('.step-body')).toContainText('Most likely this is Default Directory.');
  await desktop.screenshot('azure-step-3');
  await page.getByRole('button', { name: 'Open portal.azure.com' }).click();
  await expect.poll(() => desktop.opened).toEqual(['https://portal.azure.com/']);
  await next();
  // 4: the Enterprise Application. 5: Provisioning → Get Started.
  await heading('Open the Enterprise Application');
  await desktop.screenshot('azure-step-4');
  await next();
  await heading('Start provisioning setup');
  await desktop.screenshot('azure-step-5');
  await next();

  // 6: Provisioning Mode: Automatic; Tenant URL and Secret Token; Save, Test Connection.
  await heading('Enter the Tenant URL and Secret Token');
  const endpoint = (await page.locator('[data-value="endpointBaseUrl"] code').textContent())!.trim();
  await page.getByRole('button', { name: 'Copy Endpoint Base URL' }).click();
  await expect.poll(() => clipboard.writes.at(-1)).toBe(endpoint);
  const before = clipboard.writes.length;
  await page.getByRole('button', { name: 'Copy Authentication Secret' }).click();
  await expect.poll(() => clipboard.writes.length).toBe(before + 1);
  const secret = clipboard.writes.at(-1)!;
  expect(await page.content()).not.toContain(secret);
  await desktop.screenshot('azure-step-6');
  await page.getByRole('button', { name: 'Test Connection' }).click();
  await expect(page.getByTestId('probe-summary')).toContainText('The connection works', { timeout: 30_000 });
  await desktop.screenshot('azure-step-6-tested');
  // The smallest supported window.
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.getByRole('heading', { name: 'Enter the Tenant URL and Secret Token' }).scrollIntoViewIfNeeded();
  await desktop.screenshot('azure-step-6-at-1024x700');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Azure's own Test Connection, with what was pasted into Tenant URL and Secret Token.
  const azure = new EntraSimulator({ endpointBaseUrl: endpoint, secret });
  const tested = await azure.testConnection();
  expect(tested.users.status).toBe(200);
  expect(tested.groups.status).toBe(200);
  await next();

  // 7: Save again. 8: Mappings. 9: Done.
  await heading('Save again');
  await desktop.screenshot('azure-step-7');
  await next();
  await heading('Edit the Mappings');
  await expect(page.locator('.step-body')).toContainText('Disable group mapping');
  await desktop.screenshot('azure-step-8');
  await next();
  await heading('Click Done');
  await desktop.screenshot('azure-step-9');
  await page.getByRole('button', { name: 'Done', exact: true }).click();

  // 10: Start Provisioning; the app watches for Azure's first request.
  await heading('Start provisioning');
  await expect(page.getByTestId('first-request')).toContainText('Connected — Azure AD has synced 0 users');
  for (const person of generatePeople(3, { domain: 'contoso.test' })) expect((await azure.provisionUser(person)).created).toBe(true);
  await expect(page.getByTestId('first-request')).toContainText('Connected — Azure AD has synced 3 users', { timeout: 30_000 });
  await desktop.screenshot('azure-step-10-connected');
  await page.getByRole('button', { name: 'Back to SCIM Connections' }).first().click();
  await expect(page.getByTestId('connection-status')).toContainText('Connected — Azure AD has synced 3 users');
  await desktop.screenshot('sso-connected-azure');

  // Reset the secret, immediately, while Azure still holds the old one.
  await page.getByRole('button', { name: 'Connection settings: Default SCIM Connection' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: /Reset secret…/ }).click();
  await dialog.getByRole('radio', { name: /Immediately/ }).check();
  await desktop.screenshot('reset-secret-choice');
  await dialog.getByRole('button', { name: 'Reset secret', exact: true }).click();
  await expect(dialog.getByText('The secret was reset')).toBeVisible();

  // Azure's Test Connection now fails…
  const failed = await azure.testConnection();
  expect(failed.users.status).toBe(401);
  // …and the app says what to do about it.
  await expect(dialog.locator('.reset-result .fix')).toHaveText(
    'How to fix: Copy the new Authentication Secret into Secret Token in Azure AD, click Save, then Test Connection.',
  );
  const writes = clipboard.writes.length;
  await dialog.getByRole('button', { name: 'Copy Authentication Secret' }).click();
  await expect.poll(() => clipboard.writes.length).toBe(writes + 1);
  const newSecret = clipboard.writes.at(-1)!;
  expect(newSecret).not.toBe(secret);
  expect(await page.content()).not.toContain(newSecret);
  await desktop.screenshot('reset-secret-fix');

  // With the new secret in Secret Token, Azure's Test Connection passes and provisioning goes on.
  const azureUpdated = new EntraSimulator({ endpointBaseUrl: endpoint, secret: newSecret });
  expect((await azureUpdated.testConnection()).users.status).toBe(200);
  const [fourth] = generatePeople(4, { domain: 'contoso.test' }).slice(3);
  expect((await azureUpdated.provisionUser(fourth!)).created).toBe(true);
  await expect(dialog.getByTestId('settings-health')).toContainText('Connected — Azure AD has synced 4 users', { timeout: 30_000 });
  await dialog.getByRole('button', { name: /I've saved it in Azure AD/ }).click();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('connection-status')).toContainText('Connected — Azure AD has synced 4 users');
});
