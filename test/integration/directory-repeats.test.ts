/**
 * Directories repeat themselves: Entra re-sends "disable" for users it already disabled, Okta
 * pushes a whole user it did not change. A PATCH or PUT that leaves the user as stored answers 200
 * with the user at the same `meta.version` and writes nothing: no audit row, no live event. A
 * repeated deactivation still ends access that was left: a last owner whose removal was refused
 * is removed once another owner exists. (Real HTTP, SQLite and, in integration-pg, PostgreSQL.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { redeem, signInOwner, type SignedIn } from '../support/adminClient.js';
import { subscribeEvents, type SseSubscription } from '../support/sse.js';
import { ENTRA_USER_AGENT } from '../idp/entra.js';
import { OKTA_USER_AGENT, oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';
import { generatePeople, type Person } from '../idp/common.js';
import { SCIM_PATCH_OP } from '../../shared/scim/urns.js';

const ENTRA_DISABLE = { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
const ENABLE = { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: true }] };

let server: TestServer;
let owner: SignedIn & { orgId: string; ownerMemberId: string };
let connectionId: string;
let okta: ScimClient;
let entra: ScimClient;
let events: SseSubscription;
const people: Person[] = generatePeople(9, { seed: 61, prefix: 'rep.', domain: 'repeats.example' });

async function createUser(person: Person, overrides: Partial<ReturnType<typeof oktaProfileOf>> = {}): Promise<any> {
  const created = await okta.post('/Users', oktaCreateUserBody({ ...oktaProfileOf(person), password: undefined, ...overrides }));
  expect(created.status).toBe(201);
  return created.body;
}

async function inviteAndRedeem(poolEntryId: string): Promise<SignedIn> {
  const invited = await owner.client.post('/invites/from-pool', { connectionId, poolEntryIds: [poolEntryId], role: 'member' });
  expect(invited.body.results[0].outcome).toBe('invited');
  return redeem(server.baseUrl, invited.body.results[0].inviteCode);
}

const auditTotal = async (query: Record<string, string> = {}) => (await owner.client.get('/audit', { pageSize: '1', ...query })).body.total as number;
const poolEventsAbout = (id: string) => events.collected('pool.changed').filter((e) => e.data.poolEntryIds.includes(id)).length;

/**
 * Every live event raised before this call has arrived: one stream delivers an org's events in the
 * order they were published, so once a marker user created now is heard of, all earlier ones were.
 */
async function allEarlierEventsArrived(marker: Person): Promise<void> {
  const created = await createUser(marker);
  await events.next('pool.changed', 2000, (e) => e.data.poolEntryIds.includes(created.id));
}

beforeAll(async () => {
  server = await startTestServer();
  owner = await signInOwner(server, 'Repeats Org', 'owner@repeats.example', { ownerName: 'Olive Owner' });
  const created = await owner.client.post('/connections', { provider: 'okta', name: 'Directory' });
  expect(created.status).toBe(201);
  connectionId = created.body.connection.id;
  const endpoint = created.body.connection.endpointBaseUrl;
  okta = new ScimClient(endpoint, { secret: created.body.authenticationSecret, userAgent: OKTA_USER_AGENT });
  entra = new ScimClient(endpoint, { secret: created.body.authenticationSecret, userAgent: ENTRA_USER_AGENT });
  events = await subscribeEvents(server.baseUrl, owner.deviceToken);
});

afterAll(async () => {
  await events?.close();
  await server?.close();
});

describe('a directory repeating itself', () => {
  it('a second Entra "disable" answers 200 with the unchanged user and records nothing; the removed member stays signed out', async () => {
    const user = await createUser(people[0]!);
    const member = await inviteAndRedeem(user.id);

    const first = await entra.patch(`/Users/${user.id}`, ENTRA_DISABLE);
    expect(first.status).toBe(200);
    expect(first.body.active).toBe(false);
    await events.next('member.removed', 2000, (e) => e.data.memberId === member.member.id);
    const auditAfterFirst = await auditTotal();
    await allEarlierEventsArrived(people[6]!);
    const heardBefore = poolEventsAbout(user.id);

    const repeat = await entra.patch(`/Users/${user.id}`, ENTRA_DISABLE);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    expect(repeat.body.meta.version).toBe(first.body.meta.version);
    expect(await auditTotal()).toBe(auditAfterFirst);
    expect((await member.client.get('/session')).status).toBe(401);

    // A real change is heard; the repeat before it was not.
    expect((await entra.patch(`/Users/${user.id}`, ENABLE)).body.active).toBe(true);
    await allEarlierEventsArrived(people[4]!);
    expect(poolEventsAbout(user.id) - heardBefore).toBe(1); // the reactivation only
  });

  it('an Okta PUT of the stored user answers 200 with it at the same version; a PUT that changes it is stored and heard', async () => {
    const user = await createUser(people[1]!);
    const body = { ...oktaCreateUserBody({ ...oktaProfileOf(people[1]!), password: undefined }), id: user.id };
    await allEarlierEventsArrived(people[7]!);
    const heardBefore = poolEventsAbout(user.id);

    const same = await okta.put(`/Users/${user.id}`, body);
    expect(same.status).toBe(200);
    expect(same.body).toEqual(user);

    const changed = await okta.put(`/Users/${user.id}`, { ...body, title: 'Principal Engineer' });
    expect(changed.status).toBe(200);
    expect(changed.body.title).toBe('Principal Engineer');
    expect(changed.body.meta.version).not.toBe(user.meta.version);
    expect((await okta.get(`/Users/${user.id}`)).body).toEqual(changed.body);
    await allEarlierEventsArrived(people[5]!);
    expect(poolEventsAbout(user.id) - heardBefore).toBe(1); // the changed PUT only
  });

  it('a linked member whose directory email another member uses: the refusal is recorded once, not again on every later write', async () => {
    const user = await createUser(people[3]!);
    const member = await inviteAndRedeem(user.id);
    const claimTakenEmail = { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'owner@repeats.example' }] };
    const profileChanges = await auditTotal({ kind: 'member.profile_synced' });
    expect((await okta.patch(`/Users/${user.id}`, claimTakenEmail)).status).toBe(200);
    const recorded = await owner.client.get('/audit', { kind: 'member.profile_synced', pageSize: '1' });
    expect(recorded.body.total).toBe(profileChanges + 1);
    expect(recorded.body.items[0].details).toMatchObject({ emailNotChanged: 'another member already uses owner@repeats.example' });

    // Okta then changes the title only, and repeats the email: the member's name and email stay, nothing more to record.
    const retitle = { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Analyst II' }] };
    expect((await okta.patch(`/Users/${user.id}`, retitle)).status).toBe(200);
    expect((await okta.patch(`/Users/${user.id}`, claimTakenEmail)).status).toBe(200);
    expect(await auditTotal({ kind: 'member.profile_synced' })).toBe(profileChanges + 1);
    expect((await member.client.get('/session')).status).toBe(200);
  });

  it('a repeated deactivation of the last owner removes them once another owner exists', async () => {
    const ownerUser = await createUser(people[2]!, { userName: 'owner@repeats.example', email: 'owner@repeats.example', givenName: 'Olive', familyName: 'Owner' });
    expect((await owner.client.post(`/members/${owner.ownerMemberId}/link`, { poolEntryId: ownerUser.id })).status).toBe(200);

    const refused = await entra.patch(`/Users/${ownerUser.id}`, ENTRA_DISABLE);
    expect(refused.status).toBe(200);
    expect((await owner.client.get('/session')).status).toBe(200);
    expect(await auditTotal({ kind: 'member.removal_refused' })).toBe(1);

    // A second owner joins; the directory says "disable" again, which leaves the user as stored.
    const other = await owner.client.post('/invites', { email: 'second@repeats.example', name: 'Sam Second', role: 'admin' });
    const second = await redeem(server.baseUrl, other.body.results[0].inviteCode);
    expect((await owner.client.patch(`/members/${second.member.id}`, { role: 'owner' })).status).toBe(200);
    const repeat = await entra.patch(`/Users/${ownerUser.id}`, ENTRA_DISABLE);
    expect(repeat.status).toBe(200);
    expect(repeat.body.meta.version).toBe(refused.body.meta.version);

    expect((await owner.client.get('/session')).status).toBe(401);
    const removal = await second.client.get('/audit', { kind: 'member.removed', actorType: 'connection' });
    expect(removal.body.items[0]).toMatchObject({ subject: { id: owner.ownerMemberId }, actor: { id: connectionId } });
  });
});
