/**
 * Okta → this server, over real HTTP, replaying what Okta documents it sends.
 *
 * Sources, and which steps below reproduce them:
 *
 *  [OKTA-REF]  "SCIM 2.0 Protocol Reference", developer.okta.com/docs/reference/scim/scim-20/
 *              (okta/okta-developer-docs, packages/@okta/vuepress-site/docs/reference/scim/scim-20/index.md)
 *              - "Determine if the User already exists": GET /Users?filter=userName%20eq%20"…"&startIndex=1&count=100,
 *                User-Agent "Okta SCIM Client 1.0.0"; an empty ListResponse when absent  → "Push New Users"
 *              - "Create the User": POST with password, groups: [], externalId; 201 with the user;
 *                409 with an error schema if it already exists                           → "Push New Users"
 *              - "Retrieve Users": pages of count=100, integers, stable order           → "Import Users"
 *              - "Retrieve a specific User" / "Update a specific User (PUT)": GET then full PUT
 *                carrying id, meta and groups back                                        → "Push Profile Updates"
 *              - "Update a specific User (PATCH)": {"op":"replace","value":{"active":false}} → "Deactivate / Reactivate"
 *              - "Create Groups", "Retrieve Groups", "Retrieve specific Groups", "Update a specific Group name"
 *                ({"op":"replace","value":{"id","displayName"}}), "Update specific Group membership"
 *                (remove members[value eq "…"] + add in one PATCH; replace path members), "Delete a
 *                specific Group"                                                           → "Push Groups (OIN)"
 *  [OKTA-SPEC] "Okta SCIM 2.0 SPEC Test" (Runscope), developer.okta.com/standards/SCIM/SCIMFiles/Okta-SCIM-20-SPEC-Test.json
 *              - every request step, in order, with its headers (User-Agent "OKTA SCIM Integration",
 *                Content-Type application/json on the POSTs) and its assertions           → "Runscope SPEC test"
 *  [OKTA-CRUD] "Okta SCIM 2.0 CRUD Test" (Runscope), developer.okta.com/standards/SCIM/SCIMFiles/Okta-SCIM-20-CRUD-Test.json
 *              - the SCIM-side verification steps after create / firstname update / deactivate /
 *                reactivate / unassign                                                    → "Runscope CRUD test"
 *  [OKTA-OBS]  "Okta SCIM 프로비저닝 검증 (1) — 자체 SCIM 서버로 본 Okta의 요청" (2026), a request log of a real Okta
 *              org with an App Integration Wizard app: Test Connector = GET /Users?startIndex=1&count=2,
 *              To App save adds GET /Groups?startIndex=1&count=100, deactivate/reactivate/profile
 *              updates are GET + full PUT, Group Push is POST with members then GET + PUT  → "Test connection",
 *                                                                                          "AIW custom app"
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import type { ConnectionWithSecret } from '../../server/domain/connections.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_USER } from '../../shared/scim/urns.js';
import { generatePeople, personAt } from './common.js';
import { OKTA_SPEC_TEST_USER_AGENT, OktaSimulator, oktaProfileOf } from './okta.js';
import { detectedProvider, expectCreated, expectListResponse, expectResource, expectScim, expectScimError } from './expectations.js';

const SEED = 20_240_910;
const people = generatePeople(150, { seed: SEED, domain: 'okta.example', externalIdStyle: 'okta' });

let server: TestServer;
let connection: ConnectionWithSecret;
let okta: OktaSimulator;

beforeAll(async () => {
  server = await startTestServer();
  connection = await server.createConnection({ provider: 'okta', name: 'Okta (OIN)' });
  okta = new OktaSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret, mode: 'oin' });
});

afterAll(async () => {
  await server?.close();
});

describe('Okta, OIN integration ([OKTA-REF])', () => {
  const ids = new Map<number, string>();

  test('Test connection and To App save on an empty app ([OKTA-OBS] §4–5)', async () => {
    const test = await okta.testConnection();
    expectListResponse(test, { totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    expect(test.body.Resources).toEqual([]);

    const saved = await okta.saveProvisioningSettings();
    expectListResponse(saved.users, { totalResults: 0, startIndex: 1 });
    expectListResponse(saved.groups, { totalResults: 0, startIndex: 1, itemsPerPage: 0 });
  });

  test('Push New Users: lookup by userName, then POST ([OKTA-REF] "Create Users")', async () => {
    const person = people[0]!;
    const profile = oktaProfileOf(person);
    const result = await okta.pushNewUser(profile);

    expectListResponse(result.lookup, { totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    expect(result.lookup.body.Resources).toEqual([]);
    expect(result.create).toBeDefined();
    const id = expectCreated(result.create!, connection.endpointBaseUrl, 'User');
    ids.set(0, id);
    const user = result.create!.body;
    expect(user.schemas).toContain(SCIM_USER);
    expect(user.schemas).toContain(SCIM_ENTERPRISE_USER);
    expect(user.userName).toBe(profile.userName);
    expect(user.name).toEqual({ givenName: profile.givenName, familyName: profile.familyName });
    expect(user.emails).toEqual([{ value: profile.email, type: 'work', primary: true }]);
    expect(user.displayName).toBe(profile.displayName);
    expect(user.locale).toBe(profile.locale);
    expect(user.title).toBe(profile.title);
    expect(user.externalId).toBe(profile.externalId);
    expect(user.active).toBe(true);
    expect(user[SCIM_ENTERPRISE_USER]).toEqual({ department: profile.department });
    // The password Okta sends is accepted but never returned (RFC 7643 §4.1.1, returned "never").
    expect(user.password).toBeUndefined();
    expect(result.create!.text).not.toContain(profile.password!);
    expect(user.groups === undefined || (Array.isArray(user.groups) && user.groups.length === 0)).toBe(true);

    // Assigning the same user again: the lookup finds it, Okta links instead of creating.
    const again = await okta.pushNewUser(profile);
    const found = expectListResponse(again.lookup, { totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(found[0].id).toBe(id);
    expect(found[0].userName).toBe(profile.userName);
    expect(again.created).toBe(false);
    expect(again.create).toBeUndefined();

    // A create for an existing user must stop the job with an error schema ([OKTA-REF]: 409).
    const duplicate = await okta.createUser(profile);
    expectScimError(duplicate, 409, 'uniqueness');
  });

  test('Push New Users for 149 more people, then Import Users in pages of 100 ([OKTA-REF] "Retrieve Users")', async () => {
    for (const person of people.slice(1)) {
      const result = await okta.pushNewUser(oktaProfileOf(person));
      expectListResponse(result.lookup, { totalResults: 0, startIndex: 1 });
      ids.set(person.index, expectCreated(result.create!, connection.endpointBaseUrl, 'User'));
    }

    const imported = await okta.importUsers();
    expect(imported.pages).toHaveLength(2);
    expectListResponse(imported.pages[0]!, { totalResults: 150, startIndex: 1, itemsPerPage: 100 });
    expectListResponse(imported.pages[1]!, { totalResults: 150, startIndex: 101, itemsPerPage: 50 });
    expect(okta.exchangesFor('Import Users').map((e) => e.path)).toEqual([
      '/Users?startIndex=1&count=100',
      '/Users?startIndex=101&count=100',
    ]);
    const importedIds = imported.resources.map((u) => u.id);
    expect(new Set(importedIds).size).toBe(150);
    expect(new Set(importedIds)).toEqual(new Set(ids.values()));
    for (const user of imported.resources) {
      expect(typeof user.userName).toBe('string');
      expect(user.active).toBe(true);
      expect(user.meta.location).toBe(`${connection.endpointBaseUrl}/Users/${user.id}`);
    }

    // "The SCIM server must consistently return the same ordering of results", whatever the page size.
    const again = await okta.importUsers();
    expect(again.resources.map((u) => u.id)).toEqual(importedIds);
    const small = await okta.replay('Import Users (count=7)', 'GET', '/Users?startIndex=8&count=7');
    expectListResponse(small, { totalResults: 150, startIndex: 8, itemsPerPage: 7 });
    expect(small.body.Resources.map((u: any) => u.id)).toEqual(importedIds.slice(7, 14));
  });

  test('Retrieve a specific User, and 404 for an unknown id ([OKTA-REF] "Retrieve a specific User")', async () => {
    const id = ids.get(1)!;
    const user = expectResource(await okta.getUser(id), connection.endpointBaseUrl, 'User', id);
    expect(user.userName).toBe(people[1]!.userName);
    expect(user.emails[0].value).toBe(people[1]!.email);

    expectScimError(await okta.getUser('23a35c27-23d3-4c03-b4c5-6443c09e7173'), 404);
  });

  test('Push Profile Updates: GET, then PUT of the whole user with id, meta and groups ([OKTA-REF] "Update a specific User (PUT)")', async () => {
    const id = ids.get(2)!;
    const { get, put } = await okta.updateProfile(id, { givenName: 'Another', middleName: 'Excited', title: 'Staff Engineer' });
    expectResource(get, connection.endpointBaseUrl, 'User', id);
    expect(put).toBeDefined();
    const sent = okta.lastExchange()!.requestBody as Record<string, any>;
    expect(sent.id).toBe(id);
    expect(sent.meta).toBeDefined();
    expect(sent.groups).toEqual([]);

    const updated = expectResource(put!, connection.endpointBaseUrl, 'User', id);
    expect(updated.name).toEqual({ givenName: 'Another', middleName: 'Excited', familyName: people[2]!.familyName });
    expect(updated.title).toBe('Staff Engineer');
    expect(updated.userName).toBe(people[2]!.userName);
    expect(updated.emails).toEqual([{ value: people[2]!.email, type: 'work', primary: true }]);
    expect(updated.active).toBe(true);
    expect(updated.meta.created).toBe(get.body.meta.created);

    const reread = expectResource(await okta.getUser(id), connection.endpointBaseUrl, 'User', id);
    expect(reread.name.givenName).toBe('Another');
    expect(reread.name.middleName).toBe('Excited');
  });

  test('Deactivate and reactivate with a path-less PATCH; a deactivated user stays readable ([OKTA-REF] "Update a specific User (PATCH)")', async () => {
    const id = ids.get(3)!;
    const [deactivated] = await okta.deactivate(id);
    expect(okta.lastExchange()!.requestBody).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    // [OKTA-REF]: the response is the updated User (or 204).
    const body = expectResource(deactivated!, connection.endpointBaseUrl, 'User', id);
    expect(body.active).toBe(false);
    expect(body.userName).toBe(people[3]!.userName);

    // Okta does not DELETE users; a deactivated user is still there by id and by filter.
    expect(expectResource(await okta.getUser(id), connection.endpointBaseUrl, 'User', id).active).toBe(false);
    const found = expectListResponse(await okta.findUser(people[3]!.userName), { totalResults: 1 });
    expect(found[0].id).toBe(id);
    expect(found[0].active).toBe(false);

    const [reactivated] = await okta.reactivate(id);
    expect(expectResource(reactivated!, connection.endpointBaseUrl, 'User', id).active).toBe(true);
    expect(expectResource(await okta.getUser(id), connection.endpointBaseUrl, 'User', id).active).toBe(true);

    // Re-assigning a deactivated user: the lookup finds it and Okta reactivates it instead of creating.
    await okta.deactivate(id);
    const reassigned = await okta.pushNewUser(oktaProfileOf(people[3]!));
    expect(reassigned.created).toBe(false);
    expect(reassigned.id).toBe(id);
    expect(reassigned.reactivate).toHaveLength(1);
    expect(expectResource(reassigned.reactivate![0]!, connection.endpointBaseUrl, 'User', id).active).toBe(true);
  });

  test('Push Groups: create, rename, membership by PATCH, import, delete ([OKTA-REF] "SCIM Group operations")', async () => {
    const [u1, u2, u3] = [ids.get(10)!, ids.get(11)!, ids.get(12)!];
    const display = (i: number) => people[i]!.userName;

    const pushed = await okta.pushGroup('Test SCIMv2', [
      { value: u1, display: display(10) },
      { value: u2, display: display(11) },
    ]);
    const groupId = expectCreated(pushed.create, connection.endpointBaseUrl, 'Group');
    expect(pushed.create.body.schemas).toEqual([SCIM_GROUP]);
    expect(pushed.create.body.displayName).toBe('Test SCIMv2');
    expect(pushed.create.body.members === undefined || pushed.create.body.members.length === 0).toBe(true);
    expect(pushed.followUp).toHaveLength(1);
    expect(okta.lastExchange()!.requestBody.Operations).toEqual([
      { op: 'add', path: 'members', value: [{ value: u1, display: display(10) }, { value: u2, display: display(11) }] },
    ]);
    expect(expectResource(pushed.followUp[0]!, connection.endpointBaseUrl, 'Group', groupId).displayName).toBe('Test SCIMv2');

    const memberIds = async () => {
      const group = expectResource(await okta.getGroup(groupId), connection.endpointBaseUrl, 'Group', groupId);
      for (const m of group.members ?? []) expect(m.$ref).toBe(`${connection.endpointBaseUrl}/Users/${m.value}`);
      return (group.members ?? []).map((m: any) => m.value).sort();
    };
    const groupsOf = async (userId: string) => {
      const user = expectResource(await okta.getUser(userId), connection.endpointBaseUrl, 'User', userId);
      return (user.groups ?? []).map((g: any) => g.value);
    };
    expect(await memberIds()).toEqual([u1, u2].sort());
    expect(await groupsOf(u1)).toEqual([groupId]);
    const groupOfU1 = (await okta.getUser(u1)).body.groups[0];
    expect(groupOfU1.display).toBe('Test SCIMv2');
    expect(groupOfU1.$ref).toBe(`${connection.endpointBaseUrl}/Groups/${groupId}`);

    // Rename: the value carries the group's own id ([OKTA-REF] "Update a specific Group name").
    const [renamed] = await okta.renameGroup(groupId, 'Test SCIMv20');
    expect(expectResource(renamed!, connection.endpointBaseUrl, 'Group', groupId).displayName).toBe('Test SCIMv20');

    // One PATCH removing u1 by value filter and adding u3.
    const [membership] = await okta.updateGroupMembers(groupId, { remove: [u1], add: [{ value: u3, display: display(12) }] });
    expect(okta.lastExchange()!.requestBody.Operations).toEqual([
      { op: 'remove', path: `members[value eq "${u1}"]` },
      { op: 'add', path: 'members', value: [{ value: u3, display: display(12) }] },
    ]);
    expect(expectResource(membership!, connection.endpointBaseUrl, 'Group', groupId).displayName).toBe('Test SCIMv20');
    expect(await memberIds()).toEqual([u2, u3].sort());
    expect(await groupsOf(u1)).toEqual([]);
    expect(await groupsOf(u3)).toEqual([groupId]);

    // A profile PUT copies the user's (readOnly) groups back ([OKTA-OBS] §7); they are ignored, not an error.
    const { put } = await okta.updateProfile(u2, { title: 'Group Member' });
    expect(okta.lastExchange()!.requestBody.groups.map((g: any) => g.value)).toEqual([groupId]);
    const afterPut = expectResource(put!, connection.endpointBaseUrl, 'User', u2);
    expect(afterPut.title).toBe('Group Member');
    expect(afterPut.groups.map((g: any) => g.value)).toEqual([groupId]);

    // Full push of the membership with replace.
    expectResource(await okta.replaceGroupMembers(groupId, [{ value: u1, display: display(10) }]), connection.endpointBaseUrl, 'Group', groupId);
    expect(await memberIds()).toEqual([u1]);

    // A second group, then Import Groups.
    const second = await okta.pushGroup('Okta Admins');
    const secondId = expectCreated(second.create, connection.endpointBaseUrl, 'Group');
    expectScimError((await okta.pushGroup('Okta Admins')).create, 409, 'uniqueness');
    const imported = await okta.importGroups();
    expect(imported.pages).toHaveLength(1);
    expectListResponse(imported.pages[0]!, { totalResults: 2, startIndex: 1, itemsPerPage: 2 });
    expect(imported.resources.map((g) => g.displayName).sort()).toEqual(['Okta Admins', 'Test SCIMv20']);

    // Unlink pushed group → delete in target app.
    expectScim(await okta.deleteGroup(groupId), 204);
    expectScimError(await okta.getGroup(groupId), 404);
    expect(await groupsOf(u1)).toEqual([]);
    expectScim(await okta.deleteGroup(secondId), 204);
    expectScimError(await okta.deleteGroup(secondId), 404);
  });
});

describe('Okta, App Integration Wizard custom app: read-modify-write PUTs ([OKTA-OBS] §7–12)', () => {
  let aiw: OktaSimulator;
  const person = personAt(500, { seed: SEED, domain: 'okta.example', externalIdStyle: 'okta' });
  const other = personAt(501, { seed: SEED, domain: 'okta.example', externalIdStyle: 'okta' });

  beforeAll(() => {
    aiw = new OktaSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret, mode: 'aiw' });
  });

  test('assign, unassign (GET + PUT active:false), reassign (filter → GET + PUT active:true)', async () => {
    const pushed = await aiw.pushNewUser(oktaProfileOf(person));
    const id = expectCreated(pushed.create!, connection.endpointBaseUrl, 'User');

    const [get, put] = await aiw.deactivate(id);
    expectResource(get!, connection.endpointBaseUrl, 'User', id);
    const sent = aiw.lastExchange()!.requestBody as Record<string, any>;
    expect(sent.id).toBe(id);
    expect(sent.meta.location).toBe(`${connection.endpointBaseUrl}/Users/${id}`);
    expect(sent.active).toBe(false);
    const deactivated = expectResource(put!, connection.endpointBaseUrl, 'User', id);
    expect(deactivated.active).toBe(false);
    expect(deactivated.userName).toBe(person.userName);
    expect(deactivated.name).toEqual({ givenName: person.givenName, familyName: person.familyName });
    expect(deactivated[SCIM_ENTERPRISE_USER]).toEqual({ department: person.department });

    const reassigned = await aiw.pushNewUser(oktaProfileOf(person));
    expect(expectListResponse(reassigned.lookup, { totalResults: 1 })[0].active).toBe(false);
    expect(reassigned.created).toBe(false);
    expect(reassigned.reactivate).toHaveLength(2);
    expect(expectResource(reassigned.reactivate![1]!, connection.endpointBaseUrl, 'User', id).active).toBe(true);

    // Profile push: GET → full PUT, same as OIN.
    const { put: profilePut } = await aiw.updateProfile(id, { title: 'Manager', department: 'Engineering' });
    const updated = expectResource(profilePut!, connection.endpointBaseUrl, 'User', id);
    expect(updated.title).toBe('Manager');
    expect(updated[SCIM_ENTERPRISE_USER].department).toBe('Engineering');
  });

  test('Group Push: POST with members, then GET + PUT; membership change = GET + full PUT', async () => {
    const u1 = expectListResponse(await aiw.findUser(person.userName), { totalResults: 1 })[0].id as string;
    const u2 = expectCreated((await aiw.pushNewUser(oktaProfileOf(other))).create!, connection.endpointBaseUrl, 'User');

    const pushed = await aiw.pushGroup('okta-lab-users', [{ value: u1, display: person.userName }]);
    const groupId = expectCreated(pushed.create, connection.endpointBaseUrl, 'Group');
    expect(pushed.create.body.members.map((m: any) => m.value)).toEqual([u1]);
    expect(pushed.followUp).toHaveLength(2);
    expectResource(pushed.followUp[0]!, connection.endpointBaseUrl, 'Group', groupId);
    const afterPut = expectResource(pushed.followUp[1]!, connection.endpointBaseUrl, 'Group', groupId);
    expect(afterPut.members.map((m: any) => m.value)).toEqual([u1]);

    const [, added] = await aiw.updateGroupMembers(groupId, { add: [{ value: u2, display: other.userName }] });
    expect(expectResource(added!, connection.endpointBaseUrl, 'Group', groupId).members.map((m: any) => m.value).sort()).toEqual([u1, u2].sort());

    const [, removed] = await aiw.updateGroupMembers(groupId, { remove: [u1] });
    expect(expectResource(removed!, connection.endpointBaseUrl, 'Group', groupId).members.map((m: any) => m.value)).toEqual([u2]);

    const [, renamed] = await aiw.renameGroup(groupId, 'okta-lab-users-renamed');
    const group = expectResource(renamed!, connection.endpointBaseUrl, 'Group', groupId);
    expect(group.displayName).toBe('okta-lab-users-renamed');
    expect(group.members.map((m: any) => m.value)).toEqual([u2]);

    expectScim(await aiw.deleteGroup(groupId), 204);
  });
});

describe('Runscope suites Okta asks integrators to pass', () => {
  test('Okta SCIM 2.0 SPEC Test: every request step and its assertions ([OKTA-SPEC])', async () => {
    const spec = new OktaSimulator({
      endpointBaseUrl: connection.endpointBaseUrl,
      secret: connection.authenticationSecret,
      userAgent: OKTA_SPEC_TEST_USER_AGENT,
    });
    // The POST steps send Content-Type application/json and Accept application/scim+json; charset=utf-8.
    const specPost = new OktaSimulator({
      endpointBaseUrl: connection.endpointBaseUrl,
      secret: connection.authenticationSecret,
      userAgent: OKTA_SPEC_TEST_USER_AGENT,
      contentType: 'application/json',
    });

    // Required Test: Test Users endpoint
    const list = await spec.replay('Test Users endpoint', 'GET', '/Users?count=1&startIndex=1');
    const [first] = expectListResponse(list, { startIndex: 1, itemsPerPage: 1 });
    expect(list.body.totalResults).toBeGreaterThan(0);
    expect(first.id).toBeTruthy();
    expect(first.name.familyName).toBeTruthy();
    expect(first.name.givenName).toBeTruthy();
    expect(first.userName).toBeTruthy();
    expect(typeof first.active).toBe('boolean');
    expect(first.emails[0].value).toBeTruthy();

    // Required Test: Get Users/{{id}}
    const byId = expectResource(await spec.replay('Get Users/{{id}}', 'GET', `/Users/${first.id}`), connection.endpointBaseUrl, 'User', first.id);
    expect(byId.name.familyName && byId.name.givenName && byId.userName && byId.emails[0].value).toBeTruthy();

    // Required Test: Test invalid User by username (the suite puts the raw filter in the URL).
    const invalid = await spec.replay('Test invalid User by username', 'GET', '/Users?filter=userName eq "abcdefgh@example.com"');
    expectListResponse(invalid, { totalResults: 0 });

    // Required Test: Test invalid User by ID
    expectScimError(await spec.replay('Test invalid User by ID', 'GET', '/Users/010101'), 404);

    // Required Test: Make sure random user doesn't exist
    const randomEmail = 'runscope.spec.7d1f@okta.example';
    expectListResponse(await spec.replay("Make sure random user doesn't exist", 'GET', `/Users?filter=userName eq "${randomEmail}"`), {
      totalResults: 0,
    });

    // Required Test: Create Okta user with realistic values
    const newUser = {
      schemas: [SCIM_USER],
      userName: randomEmail,
      name: { givenName: 'Runscope', familyName: 'Tester' },
      emails: [{ primary: true, value: randomEmail, type: 'work' }],
      displayName: 'Runscope Tester',
      active: true,
    };
    const created = await specPost.replay('Create Okta user with realistic values', 'POST', '/Users', newUser);
    const idUserOne = expectCreated(created, connection.endpointBaseUrl, 'User');
    expect(created.body.active).toBe(true);
    expect(created.body.name.familyName).toBe('Tester');
    expect(created.body.name.givenName).toBe('Runscope');
    expect(created.body.schemas).toContain(SCIM_USER);
    expect(created.body.userName).toBe(randomEmail);

    // Required Test: Verify that user was created
    const verified = expectResource(await spec.replay('Verify that user was created', 'GET', `/Users/${idUserOne}`), connection.endpointBaseUrl, 'User', idUserOne);
    expect([verified.userName, verified.name.familyName, verified.name.givenName]).toEqual([randomEmail, 'Tester', 'Runscope']);

    // Required Test: Expect failure when recreating user with same values
    const recreate = await specPost.replay('Expect failure when recreating user with same values', 'POST', '/Users', newUser);
    expectScimError(recreate, 409, 'uniqueness');

    // Required Test: Username Case Sensitivity Check (userName is caseExact false, RFC 7643 §4.1.1).
    const caps = await spec.replay('Username Case Sensitivity Check', 'GET', `/Users?filter=userName eq "${randomEmail.toUpperCase()}"`);
    expect(expectListResponse(caps, { totalResults: 1 })[0].id).toBe(idUserOne);

    // Optional Test: Verify Groups endpoint
    expectListResponse(await spec.replay('Verify Groups endpoint', 'GET', '/Groups'), { startIndex: 1 });

    // Required Test: Check status 401 (Authorization: "non-token")
    const unauthenticated = new ScimClient(connection.endpointBaseUrl, {
      secret: null,
      userAgent: OKTA_SPEC_TEST_USER_AGENT,
      headers: { Authorization: 'non-token', Accept: 'application/scim+json', 'Accept-Charset': 'utf-8' },
    });
    const denied = await unauthenticated.get(`/Users?filter=userName eq "${randomEmail.toUpperCase()}"`);
    expectScimError(denied, 401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer/);

    // Required Test: Check status 404
    expectScimError(await spec.replay('Check status 404', 'GET', '/Users/00919288221112222'), 404);
  });

  test('Okta SCIM 2.0 CRUD Test: the SCIM-side verification steps ([OKTA-CRUD])', async () => {
    const person = personAt(900, { seed: SEED, domain: 'okta.example', externalIdStyle: 'okta' });
    // Okta side: "Add new random user to Okta", "Assign user to SCIM App" → the client pushes it.
    expect((await okta.pushNewUser(oktaProfileOf(person))).created).toBe(true);

    // "Verify if user is created in SCIM App" (no Content-Type, Accept only).
    const [created] = expectListResponse(await okta.findUser(person.userName), { totalResults: 1 });
    expect(created.userName).toBe(person.userName);
    expect(created.emails[0].value).toBe(person.email);
    expect(created.name.familyName).toBe(person.familyName);
    expect(created.name.givenName).toBe(person.givenName);
    const scimId = created.id as string;

    // "Update user firstname" → "Verify firstname update in SCIM App"
    await okta.updateProfile(scimId, { givenName: `${person.givenName}-updated` });
    expect(expectResource(await okta.getUser(scimId), connection.endpointBaseUrl, 'User', scimId).name.givenName).toBe(`${person.givenName}-updated`);

    // "Deactivate user in Okta" → "Verify if user is deactivated in SCIM App"
    await okta.deactivate(scimId);
    expect(expectResource(await okta.getUser(scimId), connection.endpointBaseUrl, 'User', scimId).active).toBe(false);

    // "Reactivate user in okta" + "Assign user to SCIM App" → "Verify if user is reactivated in SCIM App"
    const reassigned = await okta.pushNewUser(oktaProfileOf(person));
    expect(reassigned.id).toBe(scimId);
    expect(expectResource(await okta.getUser(scimId), connection.endpointBaseUrl, 'User', scimId).active).toBe(true);

    // "Removes an assignment for a user in Okta" → "Verify if user is deactivated in SCIM App"
    await okta.deactivate(scimId);
    expect(expectResource(await okta.getUser(scimId), connection.endpointBaseUrl, 'User', scimId).active).toBe(false);
  });
});

describe('What the server recorded about the directory', () => {
  test('detected_provider is "okta" from the User-Agent', async () => {
    expect(okta.requestCount).toBeGreaterThan(300);
    expect(await detectedProvider(server, connection.connectionId, 'okta')).toBe('okta');
  });
});
