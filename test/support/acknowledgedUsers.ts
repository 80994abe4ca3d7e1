import { expect } from 'vitest';
import { OktaSimulator } from '../idp/okta.js';

/**
 * What a directory would see on its next full import after a fault: every user once (userName
 * compared case-insensitively, as the server's uniqueness is), `total` of them, and every user the
 * server answered 201 for present with the id that 201 carried. Shared by the fault tests so
 * "nothing acknowledged is lost" means the same thing in each.
 */
export async function expectEveryAcknowledgedUserOnce(options: {
  endpointBaseUrl: string;
  secret: string;
  /** userName → the id its 201 answered with. */
  acknowledged: ReadonlyMap<string, string>;
  total: number;
}): Promise<void> {
  const okta = new OktaSimulator({ endpointBaseUrl: options.endpointBaseUrl, secret: options.secret, record: false });
  const { resources } = await okta.importUsers();
  const idByName = new Map<string, string>();
  const twice: string[] = [];
  for (const resource of resources) {
    const name = String(resource.userName).toLowerCase();
    if (idByName.has(name)) twice.push(name);
    idByName.set(name, resource.id);
  }
  expect(twice, 'userNames present more than once').toEqual([]);
  expect(resources).toHaveLength(options.total);
  const wrongOrMissing = [...options.acknowledged].filter(([name, id]) => idByName.get(name.toLowerCase()) !== id);
  expect(wrongOrMissing, 'acknowledged users missing or with another id').toEqual([]);
}
