/**
 * Every PATCH body Okta and Microsoft Entra ID document, verbatim, through normalize + apply.
 *
 * Sources:
 * - OKTA: developer.okta.com/docs/reference/scim/scim-20/ ("SCIM 2.0 Protocol Reference").
 * - ENTRA_KNOWN_ISSUES: learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 *   ("Known issues and resolutions with SCIM 2.0 protocol compliance"), "without feature flag" is
 *   the default mode, "with feature flag" is `?aadOptscim062020`.
 * - ENTRA_TUTORIAL: learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 *   ("Tutorial: Develop and plan provisioning for a SCIM endpoint").
 */
import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../server/scim/patch/apply.js';
import { normalizePatchRequest } from '../../server/scim/patch/normalize.js';
import type { StoredResource } from '../../server/scim/resource/types.js';
import { SCIM_ENTERPRISE_USER } from '../../shared/scim/urns.js';

const user = (): StoredResource => ({
  externalId: 'ext-1',
  userName: 'Test_User_fbb9dda4-fcde-4f98-a68b-6c5599e17c27',
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  active: true,
  emails: [{ value: 'Test_User_49dc1090@testuser.com', type: 'work', primary: true }],
});

const userWithoutWorkEmail = (): StoredResource => ({ userName: 'no-mail@testuser.com', active: true });

const group = (): StoredResource => ({ externalId: '60f1bb27-2e1e-402d-bcc4-ec999564a194', displayName: 'Test SCIMv2' });

function patchUser(resource: StoredResource, body: unknown) {
  return applyPatch('User', resource, normalizePatchRequest('User', body));
}

function patchGroup(body: unknown, resourceId = 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b') {
  return applyPatch('Group', group(), normalizePatchRequest('Group', body), { resourceId });
}

describe('Okta', () => {
  it('deactivate user: path-less replace {active:false}', () => {
    // OKTA, "Update a specific User (PATCH)".
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] };
    expect(patchUser(user(), body).resource.active).toBe(false);
  });

  it('group rename: path-less replace carrying the group id', () => {
    // OKTA, "Update a specific Group name".
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv2' } }],
    };
    const result = patchGroup(body);
    expect(result.resource).toEqual(group());
    expect(result.memberChanges).toEqual([]);
  });

  it('group membership: remove by filter and add in one request', () => {
    // OKTA, "Update specific Group membership".
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' },
        { op: 'add', path: 'members', value: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }] },
      ],
    };
    expect(patchGroup(body).memberChanges).toEqual([
      { kind: 'remove', ids: ['89bb1940-b905-4575-9e7f-6f887cfb368e'] },
      { kind: 'add', ids: ['23a35c27-23d3-4c03-b4c5-6443c09e7173'] },
    ]);
  });

  it('group membership: full push with replace', () => {
    // OKTA, "Update specific Group membership", the replace variant.
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        {
          op: 'replace',
          path: 'members',
          value: [
            { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
            { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'test.user@okta.local' },
          ],
        },
      ],
    };
    expect(patchGroup(body).memberChanges).toEqual([
      { kind: 'replace', ids: ['23a35c27-23d3-4c03-b4c5-6443c09e7173', '89bb1940-b905-4575-9e7f-6f887cfb368e'] },
    ]);
  });
});

describe('Entra default mode (without feature flag)', () => {
  it('disable user: "Replace" active with the string "False"', () => {
    // ENTRA_KNOWN_ISSUES, "Requests made to disable users", without feature flag.
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
    expect(patchUser(user(), body).resource.active).toBe(false);
  });

  it('add a single-value string attribute with "Add"', () => {
    // ENTRA_KNOWN_ISSUES, "Requests to add a single-value string attribute", without feature flag.
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Add', path: 'nickName', value: 'Babs' }] };
    expect(patchUser(user(), body).resource.nickName).toBe('Babs');
  });

  it('replace multiple attributes, one operation each', () => {
    // ENTRA_KNOWN_ISSUES, "Requests to replace multiple attributes", without feature flag.
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Pvlo' },
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
        { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
        { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
        { op: 'Replace', path: 'externalId', value: 'Eqpj' },
        { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', value: 'Eqpj' },
      ],
    };
    const { resource } = patchUser(user(), body);
    expect(resource).toEqual({
      externalId: 'Eqpj',
      userName: 'Test_User_fbb9dda4-fcde-4f98-a68b-6c5599e17c27',
      name: { formatted: 'givenName familyName', familyName: 'Pkqf', givenName: 'Gtfd' },
      displayName: 'Pvlo',
      active: true,
      emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work', primary: true }],
      [SCIM_ENTERPRISE_USER]: { employeeNumber: 'Eqpj' },
    });
  });

  it('the same "Replace" of the work email creates it when the user had none', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' }],
    };
    expect(patchUser(userWithoutWorkEmail(), body).resource.emails).toEqual([{ value: 'TestBcwqnm@test.microsoft.com', type: 'work' }]);
  });

  it('"Add" of the work email with a value filter, as Entra sends for a new mail', () => {
    // Reported on learn.microsoft.com/answers/questions/1684621 ("Entra ID patch sending Add instead of Replace").
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'title', value: 'tester' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'joe@joe.com' },
      ],
    };
    expect(patchUser(userWithoutWorkEmail(), body).resource).toMatchObject({ title: 'tester', emails: [{ value: 'joe@joe.com', type: 'work' }] });
    expect(patchUser(user(), body).resource.emails).toEqual([{ value: 'joe@joe.com', type: 'work', primary: true }]);
  });

  it('remove a group member: "Remove" members with a value list', () => {
    // ENTRA_KNOWN_ISSUES, "Requests made to remove a group member", without feature flag.
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: 'u1091' }] }],
    };
    expect(patchGroup(body).memberChanges).toEqual([{ kind: 'remove', ids: ['u1091'] }]);
  });
});

describe('Entra aadOptscim062020 (with feature flag)', () => {
  it('disable user: lower-case op and a real boolean', () => {
    // ENTRA_KNOWN_ISSUES, "Requests made to disable users", with feature flag.
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] };
    expect(patchUser(user(), body).resource.active).toBe(false);
  });

  it('add a single-value string attribute', () => {
    // ENTRA_KNOWN_ISSUES, "Requests to add a single-value string attribute", with feature flag.
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'nickName', value: 'Babs' }] };
    expect(patchUser(user(), body).resource.nickName).toBe('Babs');
  });

  it('replace multiple attributes: a value path plus a path-less value with dotted and URN keys', () => {
    // ENTRA_KNOWN_ISSUES, "Requests to replace multiple attributes", with feature flag.
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Bjfe',
            'name.givenName': 'Kkom',
            'name.familyName': 'Unua',
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
          },
        },
      ],
    };
    expect(patchUser(user(), body).resource).toEqual({
      externalId: 'ext-1',
      userName: 'Test_User_fbb9dda4-fcde-4f98-a68b-6c5599e17c27',
      name: { formatted: 'givenName familyName', familyName: 'Unua', givenName: 'Kkom' },
      displayName: 'Bjfe',
      active: true,
      emails: [{ value: 'TestMhvaes@test.microsoft.com', type: 'work', primary: true }],
      [SCIM_ENTERPRISE_USER]: { employeeNumber: 'Aklq' },
    });
  });

  it('remove a group member by filter', () => {
    // ENTRA_KNOWN_ISSUES, "Requests made to remove a group member", with feature flag.
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'remove', path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' }],
    };
    expect(patchGroup(body).memberChanges).toEqual([{ kind: 'remove', ids: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'] }]);
  });
});

describe('Entra tutorial requests', () => {
  it('Update User [Multi-valued properties]', () => {
    // ENTRA_TUTORIAL, "Update User [Multi-valued properties]"; the response shows the resulting user.
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
      ],
    };
    const { resource } = patchUser(user(), body);
    expect(resource.emails).toEqual([{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }]);
    expect(resource.name).toEqual({ formatted: 'givenName familyName', familyName: 'updatedFamilyName', givenName: 'givenName' });
  });

  it('Update User [Single-valued properties]: userName', () => {
    // ENTRA_TUTORIAL, "Update User [Single-valued properties]".
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }],
    };
    expect(patchUser(user(), body).resource.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
  });

  it('Disable User: Operations before schemas', () => {
    // ENTRA_TUTORIAL, "Disable User".
    const body = { Operations: [{ op: 'Replace', path: 'active', value: false }], schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] };
    expect(patchUser(user(), body).resource.active).toBe(false);
  });

  it('Update Group [Non-member attributes]', () => {
    // ENTRA_TUTORIAL, "Update Group [Non-member attributes]".
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }],
    };
    expect(patchGroup(body).resource.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
  });

  it('Update Group [Add Members] and [Remove Members], with "$ref": null', () => {
    // ENTRA_TUTORIAL, "Update Group [Add Members]" and "Update Group [Remove Members]".
    const add = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }],
    };
    const remove = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }],
    };
    expect(patchGroup(add).memberChanges).toEqual([{ kind: 'add', ids: ['f648f8d5ea4e4cd38e9c'] }]);
    expect(patchGroup(remove).memberChanges).toEqual([{ kind: 'remove', ids: ['f648f8d5ea4e4cd38e9c'] }]);
  });

  it('Example 5: add manager on the bare path with a one-element array', () => {
    // ENTRA_TUTORIAL, "Example 5. Request from Azure AD to an SCIM endpoint to update a user".
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        {
          op: 'Add',
          path: 'manager',
          value: [{ $ref: 'http://.../scim/Users/2819c223-7f76-453a-919d-413861904646', value: '2819c223-7f76-453a-919d-413861904646' }],
        },
      ],
    };
    expect(patchUser(user(), body).resource[SCIM_ENTERPRISE_USER]).toEqual({
      manager: { value: '2819c223-7f76-453a-919d-413861904646', $ref: 'http://.../scim/Users/2819c223-7f76-453a-919d-413861904646' },
    });
  });
});
