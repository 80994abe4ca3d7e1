/**
 * Two promises of the admin API not covered elsewhere: a directory's profile changes (name, email)
 * follow to the linked member, and code redemption and sign-in are rate limited per address
 * without ever refusing a valid device token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { AdminClient, redeem, signInOwner } from '../support/adminClient.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

describe('profile changes from the directory', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server.close());

  it('update the linked member; an email another member uses is not taken over', async () => {
    const owner = await signInOwner(server, 'Profiles', 'owner@profiles.example');
    const created = await owner.client.post('/connections', { provider: 'okta', name: 'Okta' });
    expect(created.status).toBe(201);
    const scim = new ScimClient(created.body.connection.endpointBaseUrl, { secret: created.body.authenticationSecret, userAgent: 'Okta SCIM Client 1.0.0' });
    const user = await scim.post('/Users', {
      schemas: [USER],
      userName: 'lin@profiles.example',
      name: { givenName: 'Lin', familyName: 'Chen' },
      emails: [{ value: 'lin@profiles.example', type: 'work', primary: true }],
      active: true,
    });
    expect(user.status).toBe(201);
    const invited = await owner.client.post('/invites/from-pool', { connectionId: created.body.connection.id, poolEntryIds: [user.body.id], role: 'member' });
    const lin = await redeem(server.baseUrl, invited.body.results[0].inviteCode);

    // Okta pushes a new name and a new email.
    const renamed = await scim.patch(`/Users/${user.body.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', value: { name: { givenName: 'Lin', familyName: 'Chen-Ito' }, emails: [{ value: 'lin.ito@profiles.example', type: 'work', primary: true }] } },
      ],
    });
    expect(renamed.status).toBe(200);
    const member = async () => (await owner.client.get('/members')).body.items.find((m: any) => m.id === lin.member.id);
    expect(await member()).toMatchObject({ name: 'Lin Chen-Ito', email: 'lin.ito@profiles.example', source: { kind: 'directory' } });

    // The directory now claims the owner's email: only the name follows, the owner's email stays theirs.
    await scim.patch(`/Users/${user.body.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'owner@profiles.example' },
        { op: 'replace', path: 'name.givenName', value: 'Lina' },
      ],
    });
    expect(await member()).toMatchObject({ name: 'Lina Chen-Ito', email: 'lin.ito@profiles.example' });

    const audit = await owner.client.get('/audit', { kind: 'member.profile_synced' });
    expect(audit.body.items).toHaveLength(2);
    expect(audit.body.items[0]).toMatchObject({
      actor: { type: 'connection', id: created.body.connection.id, label: 'Okta' },
      details: { emailNotChanged: 'another member already uses owner@profiles.example' },
    });
    // The member still signs in: a profile change is not a removal.
    expect((await lin.client.get('/session')).status).toBe(200);
  });
});

describe('rate limits on code redemption and sign-in', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ failedSignIn: { maxFailures: 3, windowMs: 60_000 } });
  });
  afterAll(async () => server.close());

  it('after 3 wrong codes from one address, redemption answers 429 with Retry-After, even for a valid code', async () => {
    const anonymous = new AdminClient(server.baseUrl);
    for (let i = 0; i < 3; i++) {
      const wrong = await anonymous.post('/session/redeem', { code: `WRONG-CODE-${i}` });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toMatchObject({ code: 'unauthorized', field: 'code' });
    }
    const limited = await anonymous.post('/session/redeem', { code: 'WRONG-CODE-X' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('rate_limited');
  });

  it('a valid device token is never refused by the limiter; wrong ones get 429 once limited', async () => {
    // The limiter of this server is already tripped for 127.0.0.1 by the test above; sign in
    // through the domain (as `org create` does) and use the token.
    const fresh = await startTestServer({ failedSignIn: { maxFailures: 3, windowMs: 60_000 } });
    try {
      const owner = await signInOwner(fresh, 'Limits', 'owner@limits.example');
      for (let i = 0; i < 3; i++) expect((await owner.client.as(`sds_wrong_${i}`).get('/session')).status).toBe(401);
      expect((await owner.client.as('sds_wrong_x').get('/session')).status).toBe(429);
      expect((await owner.client.get('/session')).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
