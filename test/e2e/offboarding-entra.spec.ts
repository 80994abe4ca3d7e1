/** Offboarding with Entra ID: a member disabled with the string "False", another deleted with DELETE. */
import { generatePeople } from '../idp/common.js';
import { EntraSimulator } from '../idp/entra.js';
import { expect, test } from './bridge.js';
import { startOrgAndOpenSso } from './flow.js';
import { connectAndCopy, pickPeople, pool, redeem, sessionStatus } from './offboardingFlow.js';

test('Entra offboarding: "False" and DELETE both remove the member and revoke the device', async ({ desktop }) => {
  test.setTimeout(120_000);
  const { page, clipboard } = desktop;
  await startOrgAndOpenSso(desktop, 'Contoso Offboarding');
  const { endpoint, secret } = await connectAndCopy(desktop, 'azure');
  const entra = new EntraSimulator({ endpointBaseUrl: endpoint, secret, record: false });
  const people = generatePeople(40, { domain: 'contoso.test', prefix: 'ent', externalIdStyle: 'entra' });
  const ids = await pool(people, 8, async (person) => (await entra.provisionUser(person)).id!);

  await page.goto(page.url().replace(/#.*$/, '#/my-org/members/invite'));
  const chosen = [people[3]!, people[5]!];
  await pickPeople(
    desktop,
    chosen.map((p) => p.email),
  );
  await page.getByRole('button', { name: 'Send 2 invites' }).click();
  await expect(page.getByRole('list', { name: 'Invite results' }).locator('[data-outcome="invited"]')).toHaveCount(2);
  const tokens: string[] = [];
  for (const person of chosen) {
    await page.getByRole('button', { name: `Copy invite code for ${person.email}` }).click();
    await expect.poll(() => clipboard.writes.at(-1)).toMatch(/.{8,}/);
    tokens.push(await redeem(desktop, clipboard.writes.at(-1)!));
  }
  await page.getByRole('button', { name: 'Go to Members' }).click();
  const members = page.getByRole('table', { name: 'Members' });
  for (const person of chosen) await expect(members.locator(`[data-member="${person.email}"]`)).toBeVisible();

  // Disable with "False".
  expect((await entra.disable(ids[3]!)).status).toBe(200);
  await expect(members.locator(`[data-member="${chosen[0]!.email}"]`)).toHaveCount(0, { timeout: 3000 });
  await expect(page.getByTestId('toast').first()).toContainText(`${chosen[0]!.displayName} (${chosen[0]!.email}) was removed by`);
  expect(await sessionStatus(desktop, tokens[0]!)).toBe(401);

  // Delete.
  expect((await entra.deleteUser(ids[5]!)).status).toBe(204);
  await expect(members.locator(`[data-member="${chosen[1]!.email}"]`)).toHaveCount(0, { timeout: 3000 });
  await expect(page.getByRole('status', { name: 'Notifications' })).toContainText(`${chosen[1]!.displayName} (${chosen[1]!.email}) was removed by`);
  expect(await sessionStatus(desktop, tokens[1]!)).toBe(401);
  await desktop.screenshot('members-removed-entra');
});
