/** Steps both directory specs share: first launch → new org → org menu → My Org → SSO. */
import type { Desktop } from './bridge.js';
import { expect } from './bridge.js';

export async function startOrgAndOpenSso(desktop: Desktop, orgName: string): Promise<void> {
  const { page } = desktop;
  await expect(page.getByRole('radio', { name: /Start a new org on this computer/ })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('radio', { name: /Sign in to an org on a remote backend/ })).toBeVisible();
  await page.getByLabel('Org name').fill(orgName);
  await page.getByLabel('Owner email').fill('owner@acme.test');
  await page.getByLabel(/Your name/).fill('Olivia Owner');
  await desktop.screenshot('sign-in');
  await page.getByRole('button', { name: 'Start org' }).click();
  await expect(page.getByRole('heading', { level: 1, name: orgName })).toBeVisible({ timeout: 45_000 });
  await desktop.screenshot('home');

  // The "Org, account, and device settings menu" with the org's name, at the top-left.
  const menu = page.getByRole('button', { name: /Org, account, and device settings menu/ });
  await expect(menu).toContainText(orgName);
  const box = await menu.boundingBox();
  expect(box!.x).toBeLessThan(40);
  expect(box!.y).toBeLessThan(40);
  await menu.click();
  await expect(page.getByRole('menuitem', { name: 'My Org' })).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeVisible();
  await desktop.screenshot('org-menu');
  await page.getByRole('menuitem', { name: 'My Org' }).click();
  await expect(page.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
  await desktop.screenshot('my-org');
  await page.getByRole('tab', { name: 'SSO' }).click();
  await expect(page.getByRole('heading', { name: 'SCIM Connections' })).toBeVisible();
  await expect(page.getByText('No SCIM connections yet')).toBeVisible();
  await desktop.screenshot('sso-empty');
  await page.getByRole('button', { name: 'Connect A SCIM Provider' }).click();
  await expect(page.getByLabel('Connection Name')).toHaveValue('Default SCIM Connection');
}
