/**
 * The Okta setup of the product documentation, end to end: first launch, a new org on this
 * computer, org menu → My Org → SSO → Connect A SCIM Provider (defaults) → Next, the guide (steps
 * 3–7) with copy buttons and Test Connection, Done, then Okta (the simulator, holding exactly what
 * was copied) provisions users and the card turns live.
 */
import { generatePeople } from '../idp/common.js';
import { OktaSimulator, oktaProfileOf } from '../idp/okta.js';
import { expect, test } from './bridge.js';
import { startOrgAndOpenSso } from './flow.js';

test('Okta: guided setup, copy, test, Done, first sync', async ({ desktop }) => {
  test.setTimeout(120_000);
  const { page, clipboard } = desktop;
  await startOrgAndOpenSso(desktop, 'Acme Inc');

  // The form: leave the defaults (Okta, a generated secret), then Next.
  await expect(page.getByRole('radio', { name: /^Okta/ })).toBeChecked();
  await expect(page.getByRole('radio', { name: /Generate a secret for me/ })).toBeChecked();
  await desktop.screenshot('connect-form');
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 3: Applications → General > App Settings → Edit → Provisioning: SCIM.
  await expect(page.getByRole('heading', { name: 'Set Provisioning to SCIM' })).toBeVisible();
  await expect(page.locator('.step-body')).toContainText('In Okta, go to Applications');
  await desktop.screenshot('okta-step-3');
  await page.getByRole('button', { name: 'Open the Okta Admin Console' }).click();
  await expect.poll(() => desktop.opened).toEqual(['https://login.okta.com/']);
  await page.getByRole('button', { name: /Next step/ }).click();

  // Step 4: the SCIM Connection form, with the values to copy.
  await expect(page.getByRole('heading', { name: 'Fill in the SCIM Connection form' })).toBeVisible();
  const endpoint = (await page.locator('[data-value="endpointBaseUrl"] code').textContent())!.trim();
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/[0-9a-f-]{36}$/);
  await page.getByRole('button', { name: 'Copy Endpoint Base URL' }).click();
  await expect.poll(() => clipboard.writes.at(-1)).toBe(endpoint);
  await page.getByRole('button', { name: 'Copy SCIM version' }).click();
  await expect.poll(() => clipboard.writes.at(-1)).toBe('2.0');
  await page.getByRole('button', { name: 'Copy Unique identifier field for users' }).click();
  await expect.poll(() => clipboard.writes.at(-1)).toBe('userName');
  const writesBefore = clipboard.writes.length;
  await page.getByRole('button', { name: 'Copy Authentication Secret' }).click();
  await expect.poll(() => clipboard.writes.length).toBe(writesBefore + 1);
  const secret = clipboard.writes.at(-1)!;
  expect(secret.length).toBeGreaterThanOrEqual(32);
  expect(secret).not.toBe(endpoint);
  // The secret is not in the page until Reveal.
  expect(await page.content()).not.toContain(secret);
  await expect(page.locator('[data-value="authenticationSecret"] code')).toHaveText('••••••••');
  await desktop.screenshot('okta-step-4');
  await page.getByRole('button', { name: 'Reveal Authentication Secret' }).click();
  await expect(page.locator('[data-value="authenticationSecret"] code')).toHaveText(secret);
  await page.getByRole('button', { name: 'Hide Authentication Secret' }).click();
  await expect(page.locator('[data-value="authenticationSecret"] code')).toHaveText('••••••••');
  expect(await page.content()).not.toContain(secret);

  // Test Connection: passes (the public-address check may warn: this backend is on loopback).
  await page.getByRole('button', { name: 'Test Connection' }).click();
  await expect(page.getByTestId('probe-summary')).toContainText('The connection works', { timeout: 30_000 });
  const checks = page.getByRole('list', { name: 'Connection checks' }).getByRole('listitem');
  await expect(checks.first()).toBeVisible();
  for (const row of await checks.all()) {
    const id = await row.getAttribute('data-check');
    if (id !== 'publicAddress') await expect(row).toHaveClass(/check-pass/);
  }
  await expect(page.locator('[data-check="publicAddress"] .fix')).toBeVisible();
  await desktop.screenshot('okta-step-4-tested');

  // Leave the guide and resume it from SCIM Connections.
  await page.getByRole('button', { name: 'Leave setup' }).click();
  await expect(page.getByRole('region', { name: 'Setup in progress' })).toContainText('Okta setup for “Default SCIM Connection” is not finished');
  await expect(page.getByTestId('connection-status')).toContainText('Waiting for the first request from Okta…');
  await desktop.screenshot('sso-resume');
  await page.getByRole('region', { name: 'Setup in progress' }).getByRole('button', { name: 'Resume setup' }).click();
  await expect(page.getByRole('heading', { name: 'Fill in the SCIM Connection form' })).toBeVisible();
  await page.getByRole('button', { name: /Next step/ }).click();

  // Step 5: To App → Provisioning to App > Edit → Create Users, Deactivate Users.
  await expect(page.getByRole('heading', { name: 'Enable provisioning To App' })).toBeVisible();
  await desktop.screenshot('okta-step-5');
  await page.getByRole('button', { name: /Next step/ }).click();

  // Step 6: Done.
  await expect(page.getByRole('heading', { name: 'Click Done' })).toBeVisible();
  await desktop.screenshot('okta-step-6');
  await page.getByRole('button', { name: 'Done', exact: true }).click();

  // Step 7: waiting for Okta's first request.
  await expect(page.getByRole('heading', { name: 'Watch the first sync' })).toBeVisible();
  await expect(page.getByTestId('first-request')).toContainText('Waiting for the first request from Okta…');
  await desktop.screenshot('okta-step-7-waiting');

  // Okta, configured with exactly what was copied, tests the connector and pushes three people.
  const okta = new OktaSimulator({ endpointBaseUrl: endpoint, secret, mode: 'oin' });
  expect((await okta.testConnection()).status).toBe(200);
  for (const person of generatePeople(3, { domain: 'acme.test' })) {
    const result = await okta.pushNewUser(oktaProfileOf(person));
    expect(result.created).toBe(true);
  }
  await expect(page.getByTestId('first-request')).toContainText('Connected — Okta has synced 3 users', { timeout: 30_000 });
  await desktop.screenshot('okta-step-7-connected');

  await page.getByRole('button', { name: 'Back to SCIM Connections' }).first().click();
  await expect(page.getByTestId('connection-status')).toContainText('Connected — Okta has synced 3 users');
  await expect(page.getByRole('button', { name: 'Connect Another SCIM Provider' })).toBeVisible();
  await desktop.screenshot('sso-connected');

  // Connection settings: the health line and the request log.
  await page.getByRole('button', { name: 'Connection settings: Default SCIM Connection' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('settings-health')).toContainText('Connected — Okta has synced 3 users');
  await expect(dialog.getByRole('region', { name: 'Request log table' })).toContainText('/Users');
  await desktop.screenshot('connection-settings');

  // The secret was forgotten with Done: it is not in the page, and cannot be copied any more.
  expect(await page.content()).not.toContain(secret);
  expect(desktop.pushes.some((m) => m.kind === 'live' && m.event.type === 'pool.changed')).toBe(true);
});
