/** Steps both directory specs share: first launch → new org → org menu → My Org → SSO. */
import { AxeBuilder } from '@axe-core/playwright';
import type { Desktop } from './bridge.js';
import { expect } from './bridge.js';

/** The axe rules whose outcome depends on colors, so on the color scheme. */
const COLOR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * Runs axe on the page as it is and fails on any `serious` or `critical` violation: every rule in
 * the light color scheme, and again the color rules in the dark one (nothing else differs between
 * them, and axe is slow on a busy machine). Leaves the page in light.
 */
export async function expectAccessible(desktop: Desktop, screen: string): Promise<void> {
  const bad: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await desktop.page.emulateMedia({ colorScheme });
    const axe = new AxeBuilder({ page: desktop.page });
    const results = await (colorScheme === 'dark' ? axe.withRules(COLOR_RULES) : axe).analyze();
    bad.push(
      ...results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${screen} (${colorScheme}): ${v.id} (${v.impact}) ${v.help}\n  ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).slice(0, 5).join('\n  ')}`),
    );
  }
  await desktop.page.emulateMedia({ colorScheme: 'light' });
  expect(bad, `axe on ${screen}`).toEqual([]);
}

export async function startOrgAndOpenSso(desktop: Desktop, orgName: string, check: (screen: string) => Promise<void> = async () => undefined): Promise<void> {
  const { page } = desktop;
  await expect(page.getByRole('radio', { name: /Start a new org on this computer/ })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByRole('radio', { name: /Sign in to an org on a remote backend/ })).toBeVisible();
  await page.getByLabel('Org name').fill(orgName);
  await page.getByLabel('Owner email').fill('owner@acme.test');
  await page.getByLabel(/Your name/).fill('Olivia Owner');
  await desktop.screenshot('sign-in');
  await check('sign-in');
  await page.getByRole('button', { name: 'Start org' }).click();
  await expect(page.getByRole('heading', { level: 1, name: orgName })).toBeVisible({ timeout: 45_000 });
  await desktop.screenshot('home');
  await check('home');

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
  await check('org-menu');
  await page.getByRole('menuitem', { name: 'My Org' }).click();
  await expect(page.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
  await desktop.screenshot('my-org');
  await check('my-org');
  await page.getByRole('tab', { name: 'SSO' }).click();
  await expect(page.getByRole('heading', { name: 'SCIM Connections' })).toBeVisible();
  await expect(page.getByText('No SCIM connections yet')).toBeVisible();
  await desktop.screenshot('sso-empty');
  await check('sso-empty');
  await page.getByRole('button', { name: 'Connect A SCIM Provider' }).click();
  await expect(page.getByLabel('Connection Name')).toHaveValue('Default SCIM Connection');
}
