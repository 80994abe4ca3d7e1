/**
 * Offboarding with Okta, end to end: Okta provisions 1,000 users → the admin searches the pool and
 * invites 3 → one accepts through the API with the copied code → Okta deactivates that member →
 * the UI shows the removal and the notification, and the invitee's device token is rejected (401).
 * axe runs on every screen on the way.
 */
import { generatePeople } from '../idp/common.js';
import { OktaSimulator, oktaProfileOf } from '../idp/okta.js';
import { expect, test } from './bridge.js';
import { expectAccessible, startOrgAndOpenSso } from './flow.js';
import { connectAndCopy, pickPeople, pool, redeem, sessionStatus } from './offboardingFlow.js';

test('Okta offboarding: 1,000 users, invite 3, one accepts, Okta deactivates them, access is gone', async ({ desktop }) => {
  test.setTimeout(240_000); // axe runs twice (light and dark) on each screen
  const { page, clipboard } = desktop;
  const check = (screen: string) => expectAccessible(desktop, screen);
  await startOrgAndOpenSso(desktop, 'Acme Offboarding', check);
  const { endpoint, secret } = await connectAndCopy(desktop, 'okta');

  // Invite Users before the first sync: the empty state.
  await page.goto(page.url().replace(/#.*$/, '#/my-org/members/invite'));
  await expect(page.getByText("This user directory doesn't have anyone available to invite.")).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'User Directory' })).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByRole('option', { name: 'SCIM → Default SCIM Connection' })).toBeAttached();
  await check('invite users (empty)');
  await desktop.screenshot('invite-empty');

  // Okta provisions 1,000 people, 12 pushes at a time.
  const okta = new OktaSimulator({ endpointBaseUrl: endpoint, secret, mode: 'oin', record: false });
  const people = generatePeople(1000, { domain: 'acme.test', prefix: 'off' });
  const ids = await pool(people, 12, async (person) => {
    const result = await okta.pushNewUser(oktaProfileOf(person));
    expect(result.created).toBe(true);
    return result.id!;
  });

  // SSO → the connection card → Settings dialog, then its pool.
  await page.goto(page.url().replace(/#.*$/, '#/my-org/sso'));
  await expect(page.getByTestId('connection-status')).toContainText('1000 users', { timeout: 30_000 });
  await check('sso');
  await page.getByRole('button', { name: 'Connection settings: Default SCIM Connection' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await check('connection settings');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'View pool: Default SCIM Connection' }).click();
  const grid = page.getByRole('grid', { name: 'Pool of Default SCIM Connection' });
  await expect(page.getByTestId('pool-total')).toHaveText('1,000 people');
  await expect(grid.getByRole('row').nth(3)).toHaveAttribute('data-entry', /.+/);
  // Only a window of rows is in the DOM, and no request asked for more than a page.
  expect(await grid.getByRole('row').count()).toBeLessThan(60);
  const poolCalls = desktop.calls.filter((c) => c.channel === 'pool:list').map((c) => c.request as { pageSize: number });
  expect(Math.max(...poolCalls.map((r) => r.pageSize))).toBeLessThanOrEqual(200);
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(grid).toHaveAttribute('aria-activedescendant', /row-2$/);
  await check('pool');
  await desktop.screenshot('pool');
  await page.getByRole('searchbox', { name: 'Search the pool' }).fill(people[42]!.email);
  await expect(page.getByTestId('pool-total')).toHaveText('1 person');
  await desktop.screenshot('pool-search');

  // Invite Users from the org menu: default directory is the connection; pick 3 and send.
  await page.getByRole('button', { name: /Org, account, and device settings menu/ }).click();
  await page.getByRole('menuitem', { name: 'Invite Users' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Invite Users' })).toBeVisible();
  const chosen = [people[7]!, people[42]!, people[512]!];
  await pickPeople(
    desktop,
    chosen.map((p) => p.email),
  );
  await expect(page.getByText('3 people selected:')).toBeVisible();
  await check('invite users (picker)');
  await desktop.screenshot('invite-picker');
  await page.getByRole('button', { name: 'Send 3 invites' }).click();
  const results = page.getByRole('list', { name: 'Invite results' });
  await expect(results.locator('[data-outcome="invited"]')).toHaveCount(3);
  await check('invite users (results)');
  await desktop.screenshot('invite-results');
  const invitee = chosen[1]!;
  await page.getByRole('button', { name: `Copy invite code for ${invitee.email}` }).click();
  await expect.poll(() => clipboard.writes.at(-1)).toMatch(/.{8,}/);
  const code = clipboard.writes.at(-1)!;

  // The invitee accepts through the API.
  const token = await redeem(desktop, code);
  expect(await sessionStatus(desktop, token)).toBe(200);

  await page.getByRole('button', { name: 'Go to Members' }).click();
  const members = page.getByRole('table', { name: 'Members' });
  await expect(members.locator(`[data-member="${invitee.email}"]`)).toBeVisible();
  await expect(members.locator(`[data-member="${invitee.email}"]`)).toContainText('SCIM → Default SCIM Connection');
  await expect(page.getByRole('table', { name: 'Pending invites' }).getByRole('row')).toHaveCount(3);
  await check('members');
  await desktop.screenshot('members');

  // Okta deactivates the invitee: the list updates, a toast says who and what, the token is dead.
  const [deactivated] = await okta.deactivate(ids[42]!);
  expect(deactivated!.status).toBe(200);
  await expect(members.locator(`[data-member="${invitee.email}"]`)).toHaveCount(0, { timeout: 3000 });
  const toast = page.getByRole('status', { name: 'Notifications' }).getByTestId('toast');
  await expect(toast).toContainText(`${invitee.displayName} (${invitee.email}) was removed by`);
  await expect(toast).toContainText('Default SCIM Connection');
  await expect(toast).toContainText('1 device signed out');
  expect(await sessionStatus(desktop, token)).toBe(401);
  await check('members (after removal)');
  await desktop.screenshot('members-removed-toast');
  await page.getByRole('button', { name: 'Removed' }).click();
  const removed = page.getByRole('table', { name: 'Removed members' });
  await expect(removed.locator(`[data-member="${invitee.email}"]`)).toContainText('Default SCIM Connection');
  await check('members (removed)');
  await desktop.screenshot('members-removed');

  await page.getByRole('tab', { name: 'Audit' }).click();
  await expect(page.getByRole('table', { name: 'Audit log' })).toBeVisible();
  await check('audit');
  await desktop.screenshot('audit');
});
