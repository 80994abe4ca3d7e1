/**
 * Microsoft Entra ID → this server, over real HTTP, replaying what Microsoft documents its
 * provisioning service sends, in both PATCH dialects, plus Microsoft's reference Postman collection.
 *
 * Sources, and which steps below reproduce them:
 *
 *  [MS-TUT]    "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID",
 *              learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 *              (MicrosoftDocs/entra-docs, docs/identity/app-provisioning/use-scim-to-provision-users-and-groups.md)
 *              - Getting started, "Test Connection": a random GUID as the matching value → 200 + empty
 *                ListResponse                                                               → "Test Connection"
 *              - "Discover schema" (GET /Schemas)                                          → "Discover schema"
 *              - "Create User", "Get User" (200 / 404), "Get User by query", "… Zero results",
 *                "Update User [Multi-valued properties]", "Update User [Single-valued properties]",
 *                "Disable User", "Delete User"; Example 2 (the mistyped `…:2.0User` extension URN and
 *                top-level nulls), Example 5 (`Add` manager with a `[{ $ref, value }]` value)   → "default mode"
 *              - "Create Group" (Microsoft ADSCIM schema), "Get Group" and "Get Group by displayName"
 *                (excludedAttributes=members), "Update Group [Non-member attributes]", "[Add Members]",
 *                "[Remove Members]", "Delete Group"; "Soft-deleting a user active=false … should be
 *                returned in a request whether or not the user is active"                   → "Groups", "Disable User"
 *  [MS-COMPAT] "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft Entra user
 *              provisioning service", learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 *              - without the flag: disable with "False", `Add` on nickName, six `Replace` operations,
 *                `Remove` members with a value list                                         → "default mode"
 *              - with aadOptscim062020: `replace` active false, `add` nickName, one path-less `replace`
 *                with dotted and URN keys, `remove` members[value eq "…"]                   → "aadOptscim062020 mode"
 *  [MS-REF]    github.com/AzureAD/SCIMReferenceCode, PostmanCollection.json ("SCIM Tests"): Endpoint tests,
 *              User tests, Group tests, User/Group tests with garbage, Teardown               → "reference Postman collection"
 *  [GH-11784]  github.com/MicrosoftDocs/azure-docs/issues/11784 (filter form-encoded: `filter=externalId+eq+%22…%22`)
 *  [GH-73842]  github.com/MicrosoftDocs/azure-docs/issues/73842 (manager sent as a plain id)
 *  [GH-453]    github.com/thomaspoignant/scim-patch/issues/453 (`remove` path `manager[value eq "…"]`)
 *  [GH-416]    github.com/Captain-P-Goldfish/SCIM-SDK/issues/416 (`add` emails[type eq "work"].value on a user without one)
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import type { ConnectionWithSecret } from '../../server/domain/connections.js';
import type { ScimResponse } from '../support/scimClient.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_PATCH_OP, SCIM_USER } from '../../shared/scim/urns.js';
import { entraFilter, personAt, type Person } from './common.js';
import { AAD_OPT_SCIM_FLAG, EntraSimulator, entraCreateUserBody, entraExample2Body } from './entra.js';
import { detectedProvider, expectCreated, expectListResponse, expectResource, expectScim, expectScimError } from './expectations.js';

const SEED = 7_062_020;
const person = (i: number): Person => personAt(i, { seed: SEED, domain: 'contoso.example', externalIdStyle: 'entra' });

/** Entra expects 204 from group PATCHes ([MS-TUT]) and accepts 200 with the resource; users get 200 ([MS-TUT] "Update User"). */
function expectPatchAccepted(response: ScimResponse): void {
  expect([200, 204], response.text.slice(0, 300)).toContain(response.status);
  expectScim(response, response.status);
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('Entra, default mode ([MS-TUT], [MS-COMPAT] without the flag)', () => {
  let connection: ConnectionWithSecret;
  let entra: EntraSimulator;
  const base = () => connection.endpointBaseUrl;
  const ids = new Map<number, string>();

  beforeAll(async () => {
    connection = await server.createConnection({ provider: 'azure-ad', name: 'Entra (default)' });
    entra = new EntraSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret, mode: 'default', seed: SEED });
  });

  test('Test Connection: a random GUID as userName and as group displayName → empty ListResponses', async () => {
    const { users, groups, probe } = await entra.testConnection();
    expect(probe).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(entra.exchanges[0]!.path).toBe(`/Users?filter=userName+eq+%22${probe}%22`);
    expectListResponse(users, { totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    expect(users.body.Resources).toEqual([]);
    expectListResponse(groups, { totalResults: 0, startIndex: 1, itemsPerPage: 0 });
  });

  test('Discover schema: GET /Schemas is a ListResponse of User, EnterpriseUser and Group', async () => {
    const resources = expectListResponse(await entra.discoverSchemas(), { totalResults: 3, startIndex: 1 });
    expect(resources.map((s) => s.id).sort()).toEqual([SCIM_GROUP, SCIM_ENTERPRISE_USER, SCIM_USER].sort());
    const user = resources.find((s) => s.id === SCIM_USER);
    expect(user.name).toBe('User');
    expect(user.description).toBe('User Account');
    const userName = user.attributes.find((a: any) => a.name === 'userName');
    expect(userName).toMatchObject({ type: 'string', multiValued: false, required: true, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'server' });
    // "If a value isn't present, don't send null values."
    expect(JSON.stringify(resources)).not.toContain('null');
  });

  test('Create User: query on userName, then POST the full user ("Create User", "Get User", "Get User by query")', async () => {
    const p = person(0);
    const result = await entra.provisionUser(p);
    expectListResponse(result.lookup, { totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    const id = expectCreated(result.create!, base(), 'User');
    ids.set(0, id);

    const user = result.create!.body;
    const sent = entraCreateUserBody(p) as Record<string, any>;
    expect(user.schemas).toEqual([SCIM_USER, SCIM_ENTERPRISE_USER]);
    expect(user.externalId).toBe(p.externalId);
    expect(user.userName).toBe(p.userName);
    expect(user.active).toBe(true);
    expect(user.displayName).toBe(p.displayName);
    expect(user.name).toEqual(sent.name);
    expect(user.emails).toEqual([{ value: p.email, type: 'work', primary: true }]);
    // "Values sent should be stored in the same format they were sent."
    expect(user.phoneNumbers).toEqual([
      { value: p.workPhone, type: 'work', primary: true },
      { value: p.mobilePhone, type: 'mobile' },
    ]);
    expect(user.addresses).toEqual([sent.addresses[0]]);
    expect(user.title).toBe(p.title);
    expect(user.preferredLanguage).toBe(p.preferredLanguage);
    expect(user[SCIM_ENTERPRISE_USER]).toEqual({ employeeNumber: p.employeeNumber, costCenter: p.costCenter, department: p.department });
    expect(user.roles).toBeUndefined();

    expect(expectResource(await entra.getUser(id), base(), 'User', id)).toEqual(user);

    const byUserName = expectListResponse(await entra.findUser(p.userName), { totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(byUserName[0]).toEqual(user);
    expect(expectListResponse(await entra.findUser(p.externalId, 'externalId'), { totalResults: 1 })[0].id).toBe(id);
    expect(expectListResponse(await entra.findUserByWorkEmail(p.email), { totalResults: 1 })[0].id).toBe(id);

    // "Get User by query - Zero results"
    expectListResponse(await entra.findUser('non-existent user'), { totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    // "Get User" — "User not found. The detail isn't required, only status."
    expectScimError(await entra.getUser('5171a35d82074e068ce2'), 404);

    // A second cycle finds the user and does not POST again; a POST anyway is a uniqueness conflict.
    const again = await entra.provisionUser(p);
    expect(again.created).toBe(false);
    expect(again.id).toBe(id);
    expectScimError(await entra.createUser(entraCreateUserBody(p)), 409, 'uniqueness');
  });

  test('Example 2 body: mistyped extension URN in schemas and top-level nulls are accepted', async () => {
    const p = person(1);
    const created = await entra.createUser(entraExample2Body(p), 'Create User (Example 2)');
    const id = expectCreated(created, base(), 'User');
    ids.set(1, id);
    expect(created.body.schemas).toEqual([SCIM_USER]);
    expect(created.body.userName).toBe(p.userName);
    expect(created.body.externalId).toBe(p.externalId);
    expect(created.body.name).toEqual({ familyName: p.familyName, givenName: p.givenName });
    for (const absent of ['addresses', 'phoneNumbers', 'preferredLanguage', 'title', 'department', 'manager', SCIM_ENTERPRISE_USER]) {
      expect(created.body[absent], absent).toBeUndefined();
    }
  });

  test('Update User [Multi-valued properties] and [Single-valued properties]', async () => {
    const id = ids.get(0)!;
    const multi = await entra.updateUser(id, { replace: { workEmail: 'updatedEmail@contoso.example', familyName: 'updatedFamilyName' } });
    expect(entra.lastExchange()!.requestBody).toEqual({
      schemas: [SCIM_PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@contoso.example' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    });
    const user = expectResource(multi, base(), 'User', id);
    expect(user.emails).toEqual([{ value: 'updatedEmail@contoso.example', type: 'work', primary: true }]);
    expect(user.name.familyName).toBe('updatedFamilyName');
    expect(user.name.givenName).toBe(person(0).givenName);

    const renamed = `5b50642d-79fc-4410-9e90-4c077cdd1a59@contoso.example`;
    const single = expectResource(await entra.updateUser(id, { replace: { userName: renamed } }), base(), 'User', id);
    expect(single.userName).toBe(renamed);
    expect(expectListResponse(await entra.findUser(renamed), { totalResults: 1 })[0].id).toBe(id);
    expectListResponse(await entra.findUser(person(0).userName), { totalResults: 0 });
  });

  test('[MS-COMPAT] "replace multiple attributes" without the flag: one Replace per attribute, then Add on nickName', async () => {
    const id = ids.get(0)!;
    const replaced = await entra.updateUser(id, {
      replace: {
        displayName: 'Pvlo',
        workEmail: 'TestBcwqnm@test.microsoft.com',
        givenName: 'Gtfd',
        familyName: 'Pkqf',
        externalId: 'Eqpj',
        employeeNumber: 'Eqpj',
      },
    });
    expect(entra.lastExchange()!.requestBody.Operations).toHaveLength(6);
    const user = expectResource(replaced, base(), 'User', id);
    expect(user.displayName).toBe('Pvlo');
    expect(user.emails.find((e: any) => e.type === 'work').value).toBe('TestBcwqnm@test.microsoft.com');
    expect(user.name.givenName).toBe('Gtfd');
    expect(user.name.familyName).toBe('Pkqf');
    expect(user.externalId).toBe('Eqpj');
    expect(user[SCIM_ENTERPRISE_USER].employeeNumber).toBe('Eqpj');
    expect(user[SCIM_ENTERPRISE_USER].department).toBe(person(0).department);

    // "Requests to add a single-value string attribute": {"op":"Add","path":"nickName","value":"Babs"}
    const added = expectResource(await entra.updateUser(id, { add: { nickName: 'Babs' } }), base(), 'User', id);
    expect(entra.lastExchange()!.requestBody.Operations).toEqual([{ op: 'Add', path: 'nickName', value: 'Babs' }]);
    expect(added.nickName).toBe('Babs');
    // Add on an attribute that already has a value replaces it (RFC 7644 §3.5.2.1, single-valued).
    expect(expectResource(await entra.updateUser(id, { add: { nickName: 'Barbie' } }), base(), 'User', id).nickName).toBe('Barbie');
  });

  test('[GH-416] Add emails[type eq "work"].value on a user that has no work email creates it', async () => {
    const p = person(2);
    const created = await entra.createUser({ schemas: [SCIM_USER], userName: p.userName, active: true, name: { givenName: p.givenName, familyName: p.familyName } });
    const id = expectCreated(created, base(), 'User');
    const added = expectResource(await entra.updateUser(id, { add: { workEmail: p.email } }), base(), 'User', id);
    expect(added.emails).toEqual([expect.objectContaining({ type: 'work', value: p.email })]);
    expectScim(await entra.deleteUser(id), 204);
  });

  test('Manager: Example 5 (Add, bare path, [{ $ref, value }]), plain id [GH-73842], removal by empty Replace and by remove', async () => {
    const [employee, manager] = [ids.get(0)!, ids.get(1)!];
    const managerOf = async () => (await entra.getUser(employee)).body[SCIM_ENTERPRISE_USER]?.manager;

    const example5 = await entra.setManager(employee, manager, 'example5');
    expect(expectResource(example5, base(), 'User', employee)[SCIM_ENTERPRISE_USER].manager).toMatchObject({ value: manager });
    expect(await managerOf()).toMatchObject({ value: manager });

    const third = expectCreated((await entra.provisionUser(person(3))).create!, base(), 'User');
    ids.set(3, third);
    expect(expectResource(await entra.setManager(employee, third, 'plain-id'), base(), 'User', employee)[SCIM_ENTERPRISE_USER].manager).toMatchObject({
      value: third,
    });

    expectResource(await entra.clearManager(employee, third, 'replace-empty'), base(), 'User', employee);
    expect(await managerOf()).toBeUndefined();

    await entra.setManager(employee, manager, 'plain-id');
    expectResource(await entra.clearManager(employee, manager, 'remove'), base(), 'User', employee);
    expect(await managerOf()).toBeUndefined();
    // Clearing the manager did not touch the rest of the extension.
    expect((await entra.getUser(employee)).body[SCIM_ENTERPRISE_USER].department).toBe(person(0).department);
  });

  // [GH-453] logs Azure removing a manager with a value filter on the single-valued `manager`
  // (`{"op":"remove","path":"manager[value eq \"…\"]"}`): it applies only when the manager matches.
  test('[GH-453] remove manager[value eq "…"] clears the manager only when it matches', async () => {
    const [employee, manager, other] = [ids.get(0)!, ids.get(1)!, '00000000-0000-4000-8000-00000000beef'];
    await entra.setManager(employee, manager, 'plain-id');
    expectResource(await entra.clearManager(employee, other, 'remove-filter'), base(), 'User', employee);
    expect((await entra.getUser(employee)).body[SCIM_ENTERPRISE_USER]?.manager).toEqual(expect.objectContaining({ value: manager }));
    expectResource(await entra.clearManager(employee, manager, 'remove-filter'), base(), 'User', employee);
    expect((await entra.getUser(employee)).body[SCIM_ENTERPRISE_USER]?.manager).toBeUndefined();
  });

  test('Disable User with "False": still returned by id and by filter; enable with "True"', async () => {
    const id = ids.get(3)!;
    const disabled = await entra.disable(id);
    expect(entra.lastExchange()!.requestBody.Operations).toEqual([{ op: 'Replace', path: 'active', value: 'False' }]);
    const body = expectResource(disabled, base(), 'User', id);
    expect(body.active).toBe(false);

    expect(expectResource(await entra.getUser(id), base(), 'User', id).active).toBe(false);
    const [found] = expectListResponse(await entra.findUser(person(3).userName), { totalResults: 1 });
    expect(found.id).toBe(id);
    expect(found.active).toBe(false);

    expect(expectResource(await entra.enable(id), base(), 'User', id).active).toBe(true);
    // The tutorial's own "Disable User" example: "Replace" with a real boolean.
    expect(expectResource(await entra.disable(id, 'tutorial'), base(), 'User', id).active).toBe(false);
    expect(expectResource(await entra.enable(id), base(), 'User', id).active).toBe(true);
  });

  test('Groups: create with the ADSCIM schema, excludedAttributes=members everywhere, rename, add/remove members, delete', async () => {
    const members = [4, 5, 6].map((i) => i);
    for (const i of members) ids.set(i, expectCreated((await entra.provisionUser(person(i))).create!, base(), 'User'));
    const [u4, u5, u6] = members.map((i) => ids.get(i)!) as [string, string, string];

    const provisioned = await entra.provisionGroup('Sales EMEA', '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
    expectListResponse(provisioned.lookup, { totalResults: 0, startIndex: 1, itemsPerPage: 0 });
    expect(entra.exchangesFor('Get Group by displayName')[0]!.path).toBe('/Groups?excludedAttributes=members&filter=displayName+eq+%22Sales+EMEA%22');
    const groupId = expectCreated(provisioned.create!, base(), 'Group');
    expect(provisioned.create!.body.schemas).toEqual([SCIM_GROUP]);
    expect(provisioned.create!.body.displayName).toBe('Sales EMEA');
    expect(provisioned.create!.body.externalId).toBe('8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
    expect(provisioned.create!.body.members === undefined || provisioned.create!.body.members.length === 0).toBe(true);

    // Several members in one PATCH.
    expectPatchAccepted(await entra.addMembers(groupId, [u4, u5, u6]));
    expect(entra.lastExchange()!.requestBody.Operations).toEqual([
      { op: 'Add', path: 'members', value: [u4, u5, u6].map((value) => ({ $ref: null, value })) },
    ]);

    const excluded = expectResource(await entra.getGroup(groupId), base(), 'Group', groupId);
    expect(excluded.members).toBeUndefined();
    expect(excluded.displayName).toBe('Sales EMEA');
    const [listed] = expectListResponse(await entra.findGroup('Sales EMEA'), { totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(listed.id).toBe(groupId);
    expect(listed.members).toBeUndefined();

    const full = expectResource(await entra.replay('Get Group (with members)', 'GET', `/Groups/${groupId}`), base(), 'Group', groupId);
    expect(full.members.map((m: any) => m.value).sort()).toEqual([u4, u5, u6].sort());
    const groupsOf = async (id: string) => ((await entra.getUser(id)).body.groups ?? []).map((g: any) => g.value);
    expect(await groupsOf(u4)).toEqual([groupId]);

    // Default mode removes by value list on the members path.
    expectPatchAccepted(await entra.removeMembers(groupId, [u4]));
    expect(entra.lastExchange()!.requestBody.Operations).toEqual([{ op: 'Remove', path: 'members', value: [{ $ref: null, value: u4 }] }]);
    const afterRemove = expectResource(await entra.replay('Get Group (with members)', 'GET', `/Groups/${groupId}`), base(), 'Group', groupId);
    expect(afterRemove.members.map((m: any) => m.value).sort()).toEqual([u5, u6].sort());
    expect(await groupsOf(u4)).toEqual([]);

    expectPatchAccepted(await entra.renameGroup(groupId, '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName'));
    expectListResponse(await entra.findGroup('Sales EMEA'), { totalResults: 0 });
    expect(expectListResponse(await entra.findGroup('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName'), { totalResults: 1 })[0].id).toBe(groupId);

    // Groups are matched on displayName, which must be unique.
    const clash = await entra.replay('Create Group (duplicate)', 'POST', '/Groups', {
      schemas: [SCIM_GROUP],
      displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
    });
    expectScimError(clash, 409, 'uniqueness');

    expectScim(await entra.deleteGroup(groupId), 204);
    expectScimError(await entra.getGroup(groupId), 404);
    expect(await groupsOf(u5)).toEqual([]);
  });

  test('Delete User: 204, then 404 by id, nothing by filter, and out of its groups', async () => {
    const id = ids.get(6)!;
    expectScim(await entra.deleteUser(id), 204);
    expectScimError(await entra.getUser(id), 404);
    expectListResponse(await entra.findUser(person(6).userName), { totalResults: 0 });
    expectScimError(await entra.deleteUser(id), 404);
    expectScimError(await entra.updateUser(id, { replace: { displayName: 'x' } }), 404);
  });

  test('detected_provider is "azure-ad" from the User-Agent', async () => {
    expect(await detectedProvider(server, connection.connectionId, 'azure-ad')).toBe('azure-ad');
  });
});

describe(`Entra, ${AAD_OPT_SCIM_FLAG} mode ([MS-COMPAT] with the flag)`, () => {
  let connection: ConnectionWithSecret;
  let entra: EntraSimulator;
  const base = () => connection.endpointBaseUrl;

  beforeAll(async () => {
    connection = await server.createConnection({ provider: 'azure-ad', name: 'Entra (flag)' });
    entra = new EntraSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret, mode: AAD_OPT_SCIM_FLAG, seed: SEED + 1 });
  });

  test('full user lifecycle and group membership in the SCIM-compliant dialect', async () => {
    const { users } = await entra.testConnection();
    expectListResponse(users, { totalResults: 0 });
    // The flag lives in the tenant URL; an endpoint must not trip over it if it is passed along.
    expectListResponse(await entra.replay('Test Connection (flag in query)', 'GET', `/Users?${AAD_OPT_SCIM_FLAG}&${entraFilter('userName eq "nobody"')}`), {
      totalResults: 0,
    });

    const [p, q] = [person(100), person(101)];
    const id = expectCreated((await entra.provisionUser(p)).create!, base(), 'User');
    const other = expectCreated((await entra.provisionUser(q)).create!, base(), 'User');

    // "Requests to replace multiple attributes", with the flag.
    const replaced = await entra.updateUser(id, {
      replace: { workEmail: 'TestMhvaes@test.microsoft.com', displayName: 'Bjfe', givenName: 'Kkom', familyName: 'Unua', employeeNumber: 'Aklq' },
    });
    expect(entra.lastExchange()!.requestBody.Operations).toEqual([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
      {
        op: 'replace',
        value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', 'name.familyName': 'Unua', [`${SCIM_ENTERPRISE_USER}:employeeNumber`]: 'Aklq' },
      },
    ]);
    const user = expectResource(replaced, base(), 'User', id);
    expect(user.emails).toEqual([{ value: 'TestMhvaes@test.microsoft.com', type: 'work', primary: true }]);
    expect(user.displayName).toBe('Bjfe');
    expect(user.name).toEqual({ formatted: p.displayName, familyName: 'Unua', givenName: 'Kkom' });
    expect(user[SCIM_ENTERPRISE_USER]).toEqual({ employeeNumber: 'Aklq', costCenter: p.costCenter, department: p.department });
    expect(user.userName).toBe(p.userName);

    // "Requests to add a single-value string attribute", with the flag.
    expect(expectResource(await entra.updateUser(id, { add: { nickName: 'Babs' } }), base(), 'User', id).nickName).toBe('Babs');
    expect(entra.lastExchange()!.requestBody.Operations).toEqual([{ op: 'add', path: 'nickName', value: 'Babs' }]);

    // Manager as a plain id with a lowercase replace, then removed.
    expect(expectResource(await entra.setManager(id, other), base(), 'User', id)[SCIM_ENTERPRISE_USER].manager).toMatchObject({ value: other });
    expect(expectResource(await entra.clearManager(id, other), base(), 'User', id)[SCIM_ENTERPRISE_USER].manager).toBeUndefined();

    // "Requests made to disable users", with the flag: a real boolean.
    const disabled = await entra.disable(id);
    expect(entra.lastExchange()!.requestBody.Operations).toEqual([{ op: 'replace', path: 'active', value: false }]);
    expect(expectResource(disabled, base(), 'User', id).active).toBe(false);
    expect(expectListResponse(await entra.findUser(p.userName), { totalResults: 1 })[0].active).toBe(false);
    expect(expectResource(await entra.enable(id), base(), 'User', id).active).toBe(true);

    // Groups: add lowercase; "Requests to remove a group member", with the flag: members[value eq "…"].
    const group = await entra.provisionGroup('Flagged Group', 'c0ffee00-0000-4000-8000-000000000001');
    const groupId = expectCreated(group.create!, base(), 'Group');
    expectPatchAccepted(await entra.addMembers(groupId, [id, other]));
    expect(entra.lastExchange()!.requestBody.Operations[0].op).toBe('add');
    expectPatchAccepted(await entra.removeMembers(groupId, [id]));
    expect(entra.lastExchange()!.requestBody.Operations).toEqual([{ op: 'remove', path: `members[value eq "${id}"]` }]);
    const members = expectResource(await entra.replay('Get Group (with members)', 'GET', `/Groups/${groupId}`), base(), 'Group', groupId).members;
    expect(members.map((m: any) => m.value)).toEqual([other]);
    expect((await entra.getUser(id)).body.groups).toBeUndefined();
    expect((await entra.getUser(other)).body.groups.map((g: any) => g.value)).toEqual([groupId]);

    expectPatchAccepted(await entra.renameGroup(groupId, 'Flagged Group 2'));
    expect(expectResource(await entra.getGroup(groupId), base(), 'Group', groupId).displayName).toBe('Flagged Group 2');

    expectScim(await entra.deleteUser(id), 204);
    expectScim(await entra.deleteGroup(groupId), 204);
    expect(await detectedProvider(server, connection.connectionId, 'azure-ad')).toBe('azure-ad');
  });
});

describe('Microsoft SCIMReferenceCode Postman collection ([MS-REF])', () => {
  let connection: ConnectionWithSecret;
  let postman: EntraSimulator;
  const base = () => connection.endpointBaseUrl;

  beforeAll(async () => {
    connection = await server.createConnection({ provider: 'azure-ad', name: 'Postman' });
    // Postman sends its own User-Agent and `Content-Type: application/json`.
    postman = new EntraSimulator({ endpointBaseUrl: connection.endpointBaseUrl, secret: connection.authenticationSecret, userAgent: 'PostmanRuntime/7.39.0' });
  });

  const send = (step: string, method: string, path: string, body?: unknown) => postman.replay(step, method, path, body);
  const emails = (work: string, home: string) => [
    { Primary: true, type: 'work', value: work },
    { Primary: false, type: 'home', value: home },
  ];

  test('Endpoint tests, User tests, Group tests', async () => {
    expectListResponse(await send('Get empty Users', 'GET', '/users'), { totalResults: 0 });
    expectListResponse(await send('Get empty Groups', 'GET', '/Groups'), { totalResults: 0 });
    expect(expectListResponse(await send('Get ResourceTypes', 'GET', '/ResourceTypes'), {})[0].endpoint).toBe('/Users');
    const spc = await send('Get ServiceProviderConfig', 'GET', '/ServiceProviderConfig');
    expectScim(spc, 200);
    expect(spc.body.patch.supported).toBe(true);
    const schemas = await send('Get Schemas', 'GET', '/Schemas');
    expectScim(schemas, 200);
    expect(schemas.text).toContain('User Account');

    const user1 = await send('Post User', 'POST', '/Users', {
      userName: 'UserName123',
      active: true,
      displayName: 'BobIsAmazing',
      schemas: [SCIM_USER],
      externalId: 'f6f1c6a3-4d4b-4c7e-9a55-0c1d2e3f4a5b',
      name: { formatted: 'Ryan Leenay', familyName: 'Leenay', givenName: 'Ryan' },
      emails: emails('testing@bob.com', 'testinghome@bob.com'),
    });
    const id1 = expectCreated(user1, base(), 'User');
    expect(user1.body.emails).toEqual([
      { value: 'testing@bob.com', type: 'work', primary: true },
      { value: 'testinghome@bob.com', type: 'home', primary: false },
    ]);
    const user2 = await send('Post EnterpriseUser', 'POST', '/Users', {
      userName: 'UserName222',
      active: true,
      displayName: 'lennay',
      schemas: [SCIM_ENTERPRISE_USER, SCIM_USER],
      externalId: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
      name: { formatted: 'Adrew Ryan', familyName: 'Ryan', givenName: 'Andrew' },
      emails: emails('testing@bob2.com', 'testinghome@bob3.com'),
      [SCIM_ENTERPRISE_USER]: { Department: 'bob', Manager: { Value: 'SuzzyQ' } },
    });
    const id2 = expectCreated(user2, base(), 'User');
    expect(user2.body[SCIM_ENTERPRISE_USER]).toEqual({ department: 'bob', manager: { value: 'SuzzyQ' } });

    expectResource(await send('Get user1', 'GET', `/Users/${id1}`), base(), 'User', id1);
    expectResource(await send('Get user2', 'GET', `/Users/${id2}`), base(), 'User', id2);
    const projected = await send('Get User Attributes', 'GET', '/Users?attributes=userName,emails');
    for (const r of expectListResponse(projected, { totalResults: 2 })) expect(Object.keys(r).sort()).toEqual(['emails', 'id', 'schemas', 'userName']);
    expect(projected.text).toContain(id1);
    const filtered = await send('Get User Filters', 'GET', '/Users/?filter=DisplayName+eq+%22BobIsAmazing%22');
    expect(expectListResponse(filtered, { totalResults: 1 })[0].id).toBe(id1);

    expectPatchAccepted(await send('patch user1', 'PATCH', `/Users/${id1}`, { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: 'ryan3' }] }));
    expect(expectResource(await send('Get User1 Check Patch', 'GET', `/Users/${id1}`), base(), 'User', id1).userName).toBe('ryan3');

    const replaced = await send('User 2 replace test', 'PUT', `/Users/${id2}`, {
      userName: 'UserNameReplace2',
      active: true,
      displayName: 'BobIsAmazing',
      schemas: [SCIM_ENTERPRISE_USER, SCIM_USER],
      id: id2,
      externalId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      name: { formatted: 'NewName', familyName: 'Leenay', givenName: 'Ryan' },
      emails: emails('testing@bobREPLACE.com', 'testinghome@bob.com'),
    });
    expectResource(replaced, base(), 'User', id2);
    expect(expectResource(await send('Get user2 Check replace', 'GET', `/Users/${id2}`), base(), 'User', id2).name.formatted).toBe('NewName');
    expectScim(await send('Delete user1', 'DELETE', `/Users/${id1}`), 204);
    expectScim(await send('Delete user2', 'DELETE', `/Users/${id2}`), 204);

    // Group tests
    const group1 = expectCreated(await send('Create empty group', 'POST', '/Groups', { externalId: 'a0b1c2d3-0000-4000-8000-000000000001', schemas: [SCIM_GROUP], displayName: 'Group1DisplayName', members: [] }), base(), 'Group');
    const userBody = (userName: string) => ({
      userName,
      active: true,
      displayName: 'lennay',
      schemas: [SCIM_ENTERPRISE_USER, SCIM_USER],
      externalId: `e0e0e0e0-0000-4000-8000-${userName.slice(-3).padStart(12, '0')}`,
      name: { formatted: 'Adrew Ryan', familyName: 'Ryan', givenName: 'Andrew' },
      emails: emails('testing@bob2.com', 'testinghome@bob3.com'),
    });
    const id3 = expectCreated(await send('create user for group 2', 'POST', '/Users', userBody('UserName333')), base(), 'User');
    const id4 = expectCreated(await send('Create user 4 for group 2', 'POST', '/Users', userBody('UserName444')), base(), 'User');
    const group2Res = await send('Create filled group 2', 'POST', '/Groups', { schemas: [SCIM_GROUP], externalId: 'a0b1c2d3-0000-4000-8000-000000000002', displayName: 'GroupDisplayName2', members: [{ value: id3, display: 'VP' }] });
    const group2 = expectCreated(group2Res, base(), 'Group');
    expect(group2Res.body.members.map((m: any) => m.value)).toEqual([id3]);
    expectListResponse(await send('Get Groups', 'GET', '/Groups'), { totalResults: 2 });
    const group3 = expectCreated(await send('Create group 3', 'POST', '/Groups', { schemas: [SCIM_GROUP], externalId: 'a0b1c2d3-0000-4000-8000-000000000003', displayName: 'GroupDisplayName3', members: [] }), base(), 'Group');
    const put3 = await send('Put replace group3', 'PUT', `/Groups/${group3}`, { schemas: [SCIM_GROUP], id: group3, displayName: 'putName', members: [{ value: id3, display: 'VP' }, { value: id4, display: 'SenorVP' }] });
    expect(expectResource(put3, base(), 'Group', group3).displayName).toBe('putName');
    const validate3 = await send('Validate group 3', 'GET', `/Groups/${group3}`);
    expect(expectResource(validate3, base(), 'Group', group3).members.map((m: any) => m.value).sort()).toEqual([id3, id4].sort());
    expect(validate3.text).toContain(id3);

    const addUser4 = { schemas: [SCIM_PATCH_OP], Operations: [{ name: 'addMember', op: 'add', path: 'members', value: [{ displayName: 'new User', value: id4 }] }] };
    expectPatchAccepted(await send('Patch add user4 to group1', 'PATCH', `/Groups/${group1}`, addUser4));
    expectPatchAccepted(await send('Patch remove user4 to group1', 'PATCH', `/Groups/${group1}`, { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'remove', path: `members[value eq "${id4}"]` }] }));
    expect(expectResource(await send('Get group by id', 'GET', `/Groups/${group1}`), base(), 'Group', group1).members).toBeUndefined();
    expectPatchAccepted(await send('Patch add user4 to group1', 'PATCH', `/Groups/${group1}`, addUser4));
    expect(expectResource(await send('Get group by id', 'GET', `/Groups/${group1}`), base(), 'Group', group1).members.map((m: any) => m.value)).toEqual([id4]);
    expectPatchAccepted(await send('Patch remove all users', 'PATCH', `/Groups/${group1}`, { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'remove', path: 'members' }] }));
    expect(expectResource(await send('Get group by id', 'GET', `/Groups/${group1}`), base(), 'Group', group1).members).toBeUndefined();

    expectScim(await send('Delete user id3', 'DELETE', `/Users/${id3}`), 204);
    expectScim(await send('Delete user id4', 'DELETE', `/Users/${id4}`), 204);
    // Deleting users takes them out of their groups.
    expect(expectResource(await send('Validate group 3', 'GET', `/Groups/${group3}`), base(), 'Group', group3).members).toBeUndefined();
    for (const [step, g] of [['Delete group 1', group1], ['Delete group 2', group2], ['Delete group3', group3]] as const) {
      expectScim(await send(step, 'DELETE', `/Groups/${g}`), 204);
    }
  });

  test('User and Group tests with garbage, filters, paging, teardown', async () => {
    const address = (country: string, locality: string) => [
      { country, formatted: '9132 Jennifer Way Suite 040\nSouth Nancy, MI 55645', locality, postalCode: '99265', region: 'Montana', streetAddress: '4939 Hess Fork', type: 'work', primary: false },
      { country: null, formatted: '18522 Lisa Unions\nEast Gregory, CT 52311', locality: null, postalCode: null, region: null, streetAddress: null, type: 'other', primary: false },
    ];
    const employee = (userName: string | undefined, familyName: string, extra: Record<string, unknown> = {}) => ({
      ...(userName !== undefined ? { userName } : {}),
      active: true,
      addresses: address('Bermuda', 'West Mercedes'),
      displayName: 'Kimberly Baker',
      emails: [
        { type: 'work', primary: true, value: 'anna33@gmail.com' },
        { type: 'work', primary: false, value: 'anna33@example.com' },
      ],
      meta: { created: '2019-09-18T18:15:26.5788954+00:00', lastModified: '2019-09-18T18:15:26.5788976+00:00', resourceType: 'User' },
      name: { formatted: 'Daniel Mcgee', familyName, givenName: 'Darl', honorificPrefix: null, honorificSuffix: null },
      phoneNumbers: [
        { type: 'fax', primary: false, value: '312-320-0500' },
        { type: 'mobile', primary: false, value: '312-320-1707' },
        { type: 'work', primary: true, value: '312-320-0932' },
      ],
      preferredLanguage: 'xh',
      roles: [],
      title: 'Site engineer',
      // The collection reuses one externalId for several users: externalId is not unique.
      externalId: '22fbc523-6032-4c5f-939d-5d4850cf3e52',
      schemas: [SCIM_USER],
      ...extra,
    });

    const omalleyRes = await send('Post user "OMalley"', 'POST', '/Users', employee('OMalley', 'OMalley', {
      emails: [
        { type: 'work', primary: true, value: 'anna33@example.com' },
        { type: 'other', primary: false, value: 'anna33@gmail.com' },
      ],
    }));
    const omalley = expectCreated(omalleyRes, base(), 'User');
    expect(omalleyRes.body.userName).toBe('OMalley');
    expect(omalleyRes.body.active).toBe(true);
    expect(omalleyRes.body.addresses[1]).toEqual({ formatted: '18522 Lisa Unions\nEast Gregory, CT 52311', type: 'other', primary: false });
    expect(omalleyRes.body.meta.created).not.toBe('2019-09-18T18:15:26.5788954+00:00');

    const emp1Res = await send('Post emp1 with string "True"', 'POST', '/Users', employee('emp1', 'Employee', { active: 'True' }));
    const emp1 = expectCreated(emp1Res, base(), 'User');
    expect(emp1Res.body.active).toBe(true);
    const all = await send('Get all users', 'GET', '/Users');
    expectListResponse(all, { totalResults: 2 });
    expect(all.text).toContain('OMalley');

    const emp2 = expectCreated(await send('Post emp2', 'POST', '/Users', employee('emp2', 'Employee')), base(), 'User');
    const emp3 = expectCreated(await send('Post emp3', 'POST', '/Users', employee('emp3', 'Employee')), base(), 'User');
    expectScimError(await send('Post no username', 'POST', '/Users', employee(undefined, 'Employee')), 400);
    const junk = await postman.client.request('POST', '/Users', undefined, {
      rawBody: '{\r\n    "acve": tre,\r\n    "adadfdresses": [\r\n        {\r\n            "coudftry": "Beruda",',
      headers: { 'Content-Type': 'application/json' },
    });
    expectScimError(junk, 400, 'invalidSyntax');
    expectScimError(await send('Post emp3 exists', 'POST', '/Users', employee('emp3', 'Employee')), 409, 'uniqueness');

    const putOmalley = (extra: Record<string, unknown>) =>
      employee(undefined, 'OMalley', {
        id: omalley,
        active: false,
        addresses: address('Germany', 'East Mercedes'),
        emails: [
          { type: 'work', primary: true, value: 'anna33@example.com' },
          { type: 'other', primary: false, value: 'anna33@gmail.com' },
        ],
        ...extra,
      });
    expectScimError(await send('Put a user no username', 'PUT', `/Users/${omalley}`, putOmalley({ userame: 'OMalley' })), 400);
    const { addresses: _dropped, ...withoutAddresses } = putOmalley({ userName: 'OMalley' });
    const misspelled = await send('Put a user misspelled attribute', 'PUT', `/Users/${omalley}`, { ...withoutAddresses, adreses: address('Germany', 'East Mercedes') });
    expect(expectResource(misspelled, base(), 'User', omalley).addresses).toBeUndefined();
    expect(misspelled.text).not.toContain('Addresses');

    const enterprise = expectCreated(
      await send('Post enterprise user', 'POST', '/Users', employee('enterprise', 'Employee', { [SCIM_ENTERPRISE_USER]: { Department: 'some department' }, schemas: [SCIM_USER, SCIM_ENTERPRISE_USER] })),
      base(),
      'User',
    );
    expectPatchAccepted(await send('Patch user omalley new username', 'PATCH', `/Users/${omalley}`, { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'Replace', path: 'userName', value: 'newusername' }] }));
    expectPatchAccepted(await send('patch user omalley active with boolean', 'PATCH', `/Users/${omalley}`, { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: false }] }));
    const patched = expectResource(await send('get user1', 'GET', `/Users/${omalley}`), base(), 'User', omalley);
    expect([patched.userName, patched.active]).toEqual(['newusername', false]);

    const putRes = await send('Put a user OMalley', 'PUT', `/Users/${omalley}`, putOmalley({ userName: 'OMalley' }));
    const put = expectResource(putRes, base(), 'User', omalley);
    expect([put.userName, put.active]).toEqual(['OMalley', false]);
    expect(putRes.text).toContain('Germany');

    expectListResponse(await send('Paginate', 'GET', '/Users?startIndex=1&count=2'), { totalResults: 5, startIndex: 1, itemsPerPage: 2 });
    expectListResponse(await send('get user attributes', 'GET', '/Users?attributes=userName,emails'), { totalResults: 5 });
    expectScimError(await send('Post emp3 exists try again', 'POST', '/Users', employee('emp3', 'Employee')), 409, 'uniqueness');
    // The collection's filters leave values unquoted (`name.FamilyName eq Employee`), which RFC 7644
    // §3.4.2.2 does not allow; they are sent here with the values quoted.
    const andOr = await send('filter eq and (val or val)', 'GET', `/Users?${entraFilter('name.FamilyName eq "Employee" and (emails.Value co "example.com" or emails.Value co "example.org")')}`);
    expect(expectListResponse(andOr, { totalResults: 4 }).map((u) => u.id).sort()).toEqual([emp1, emp2, emp3, enterprise].sort());
    expect(expectListResponse(await send('filter starts with', 'GET', `/Users?${entraFilter('userName sw "O"')}`), { totalResults: 1 })[0].id).toBe(omalley);
    expectListResponse(await send('filter greater than', 'GET', `/Users?${entraFilter('meta.Created gt "2015-10-10T14:38:21.8617979-07:00"')}`), { totalResults: 5 });

    // Group tests with garbage
    const groupRes = await send('Post group', 'POST', '/Groups', { displayName: 'Group 1', externalId: '015489ea-9410-4306-b583-9f002b2446f7', schemas: [SCIM_GROUP] });
    const group = expectCreated(groupRes, base(), 'Group');
    // The reference implementation stores any string as a member; this server only accepts users of
    // the connection, so a member that is not a user id is refused.
    expectScimError(
      await send('Group patch add member', 'PATCH', `/Groups/${group}`, { id: group, Operations: [{ op: 'add', path: 'members', value: 'string id 1' }], schemas: [SCIM_PATCH_OP] }),
      400,
      'invalidValue',
    );
    expectResource(await send('Get group', 'GET', `/Groups/${group}`), base(), 'Group', group);
    expect(expectResource(await send('Get group exclude members', 'GET', `/Groups/${group}?excludedAttributes=members`), base(), 'Group', group).members).toBeUndefined();
    const groupPut = await send('group put', 'PUT', `/Groups/${group}`, { id: group, displayName: 'Tiffany Ortiz', externalId: '6c6b54c2-fa81-4234-ad4f-420ec6808049', schemas: [SCIM_GROUP] });
    expect(expectResource(groupPut, base(), 'Group', group).displayName).toBe('Tiffany Ortiz');

    // Teardown garbage
    for (const id of [omalley, emp1, emp2, emp3, enterprise]) expectScim(await send('Delete user', 'DELETE', `/Users/${id}`), 204);
    expectScim(await send('Delete group 1', 'DELETE', `/Groups/${group}`), 204);
    const cleared = await send('Get all users', 'GET', '/Users?attributes=userName');
    expectListResponse(cleared, { totalResults: 0 });
    expect(cleared.body.Resources).toEqual([]);
  });

  test('an unknown client (Postman) is not labelled as a directory', async () => {
    expect(await detectedProvider(server, connection.connectionId, null, 300)).toBeNull();
  });
});
