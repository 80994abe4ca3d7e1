/** Helpers the offboarding specs share: Promise pools, connect-and-copy, redeem, picking people. */
import type { Desktop } from './bridge.js';
import { expect } from './bridge.js';
import { expectAccessible } from './flow.js';

/** Runs `task` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i]!);
      }
    }),
  );
  return out;
}

/** Connect form → Next → the guide's step with the values; returns what the admin copied. */
export async function connectAndCopy(desktop: Desktop, provider: 'okta' | 'azure'): Promise<{ endpoint: string; secret: string }> {
  const { page, clipboard } = desktop;
  if (provider === 'azure') await page.getByRole('radio', { name: /^Azure AD/ }).check();
  await expectAccessible(desktop, 'connect form');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(provider === 'okta' ? 'Okta' : 'Azure AD');
  await expectAccessible(desktop, 'guide step');
  const valueRow = page.locator('[data-value="endpointBaseUrl"] code');
  while (!(await valueRow.isVisible())) await page.getByRole('button', { name: /Next step/ }).click();
  const endpoint = (await valueRow.textContent())!.trim();
  const before = clipboard.writes.length;
  await page.getByRole('button', { name: 'Copy Authentication Secret' }).click();
  await expect.poll(() => clipboard.writes.length).toBe(before + 1);
  return { endpoint, secret: clipboard.writes.at(-1)! };
}

export async function redeem(desktop: Desktop, code: string): Promise<string> {
  const base = desktop.backend.baseUrl()!;
  const response = await fetch(`${base}/api/v1/session/redeem`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, deviceLabel: 'Invitee laptop' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { deviceToken: string }).deviceToken;
}

export async function sessionStatus(desktop: Desktop, token: string): Promise<number> {
  const response = await fetch(`${desktop.backend.baseUrl()}/api/v1/session`, { headers: { Authorization: `Bearer ${token}` } });
  return response.status;
}

/** Searches the picker for each email and selects the one row it finds. */
export async function pickPeople(desktop: Desktop, emails: string[]): Promise<void> {
  const { page } = desktop;
  const search = page.getByRole('searchbox', { name: 'Search people to invite' });
  for (const email of emails) {
    await search.fill(email);
    await expect(page.getByTestId('pool-total')).toHaveText('1 person');
    await page.getByRole('grid', { name: 'People To Invite' }).getByRole('row', { name: new RegExp(email.replace(/[.]/g, '\\.')) }).click();
  }
  await search.fill('');
}

