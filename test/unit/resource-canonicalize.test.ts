import { describe, expect, it } from 'vitest';
import { ScimError } from '../../server/scim/errors.js';
import { canonicalizeResource } from '../../server/scim/resource/canonicalize.js';
import { groupResourceType, userResourceType } from '../../server/scim/schema/definitions.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_USER } from '../../shared/scim/urns.js';

function scimError(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

const user = (body: Record<string, unknown>) => canonicalizeResource('User', { schemas: [SCIM_USER], userName: 'u@example.com', ...body });

describe('canonicalizeResource: vendor bodies', () => {
  it('Okta Create User: keeps the profile, drops password and the empty groups list', () => {
    // developer.okta.com/docs/reference/scim/scim-20/ "Create the User" (request body verbatim).
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    };
    const { resource, members } = canonicalizeResource(userResourceType, body);
    expect(members).toBeUndefined();
    expect(resource).toEqual({
      externalId: '00ujl29u0le5T6Aj10h7',
      userName: 'test.user@okta.local',
      name: { familyName: 'User', givenName: 'Test' },
      displayName: 'Test User',
      locale: 'en-US',
      active: true,
      emails: [{ value: 'test.user@okta.local', type: 'work', primary: true }],
    });
  });

  it('Okta PUT: ignores the id, meta and groups it sends back', () => {
    // developer.okta.com/docs/reference/scim/scim-20/ "Update the User" (request body verbatim).
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: '23a35c27-23d3-4c03-b4c5-6443c09e7173',
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', middleName: 'Excited', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'test.user@okta.local' }],
      active: true,
      groups: [],
      meta: { resourceType: 'User' },
    };
    const { resource } = canonicalizeResource('User', body);
    expect(resource).not.toHaveProperty('id');
    expect(resource).not.toHaveProperty('meta');
    expect(resource).not.toHaveProperty('groups');
    expect(resource.name).toEqual({ familyName: 'User', givenName: 'Another', middleName: 'Excited' });
    expect(resource.emails).toEqual([{ value: 'test.user@okta.local', display: 'test.user@okta.local', type: 'work', primary: true }]);
  });

  it('Okta: an empty middleName is unassigned, not stored', () => {
    // developer.okta.com/docs/reference/scim/scim-20/ "Retrieve the User" shows "middleName": "".
    const { resource } = user({ name: { givenName: 'Another', middleName: '', familyName: 'User' } });
    expect(resource.name).toEqual({ familyName: 'User', givenName: 'Another' });
  });

  it('Entra Create User: meta ignored, empty roles dropped', () => {
    // learn.microsoft.com "Tutorial: Develop and plan provisioning for a SCIM endpoint", Create User.
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    };
    const { resource } = canonicalizeResource('User', body);
    expect(resource).toEqual({
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      active: true,
      emails: [{ value: 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com', type: 'work', primary: true }],
    });
  });

  it('Entra Example 2: null attributes and a mistyped extension URN in schemas are accepted', () => {
    // Same tutorial, "Example 2. Provision a user" (verbatim, including "enterprise:2.0User").
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      externalId: 'jyoung',
      userName: 'jyoung@testuser.com',
      active: true,
      addresses: null,
      displayName: 'Joy Young',
      emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
      meta: { resourceType: 'User' },
      name: { familyName: 'Young', givenName: 'Joy' },
      phoneNumbers: null,
      preferredLanguage: null,
      title: null,
      department: null,
      manager: null,
    };
    const { resource } = canonicalizeResource('User', body);
    expect(Object.keys(resource)).toEqual(['externalId', 'userName', 'name', 'displayName', 'active', 'emails']);
    expect(resource.emails).toEqual([{ value: 'jyoung@Contoso.com', type: 'work', primary: true }]);
  });

  it('Entra: the enterprise manager sent as a plain id becomes { value }', () => {
    // Same tutorial, the example SCIM schema: "urn:…:enterprise:2.0:User": { "Manager": "123456" }.
    const { resource } = user({ [SCIM_ENTERPRISE_USER]: { Manager: '123456' }, schemas: [SCIM_USER, SCIM_ENTERPRISE_USER] });
    expect(resource[SCIM_ENTERPRISE_USER]).toEqual({ manager: { value: '123456' } });
  });

  it('Entra Create Group: an extra Microsoft schema URN is ignored, members absent', () => {
    // Same tutorial, Create Group (verbatim).
    const body = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    };
    expect(canonicalizeResource(groupResourceType, body)).toEqual({
      resource: { externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName' },
    });
  });

  it('Okta Create Group: an empty members list is returned as []', () => {
    // developer.okta.com/docs/reference/scim/scim-20/ "Create Groups" (verbatim).
    const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Test SCIMv2', members: [] };
    expect(canonicalizeResource('Group', body)).toEqual({ resource: { displayName: 'Test SCIMv2' }, members: [] });
  });

  it('Group members come back separately, ids only, once each', () => {
    const body = {
      schemas: [SCIM_GROUP],
      displayName: 'Engineering',
      members: [{ value: 'u1', display: 'Ann' }, { value: 'u2', $ref: null }, { value: 'u1' }],
    };
    const { resource, members } = canonicalizeResource('Group', body);
    expect(resource).toEqual({ displayName: 'Engineering' });
    expect(members).toEqual([{ value: 'u1' }, { value: 'u2' }]);
  });
});

describe('canonicalizeResource: names and values', () => {
  it('matches attribute and sub-attribute names case-insensitively', () => {
    const { resource } = canonicalizeResource('User', { Schemas: [SCIM_USER], USERNAME: 'a', Name: { GivenName: 'Ann' }, EMAILS: [{ VALUE: 'a@x' }] });
    expect(resource).toEqual({ userName: 'a', name: { givenName: 'Ann' }, emails: [{ value: 'a@x' }] });
  });

  it('accepts URN-qualified keys for core and extension attributes', () => {
    const { resource } = canonicalizeResource('User', {
      schemas: [SCIM_USER],
      [`${SCIM_USER}:userName`]: 'qualified',
      [`${SCIM_ENTERPRISE_USER}:department`]: 'Sales',
      [`${SCIM_ENTERPRISE_USER}:manager`]: { value: 'm1', displayName: 'ignored (readOnly)' },
    });
    expect(resource).toEqual({ userName: 'qualified', [SCIM_ENTERPRISE_USER]: { department: 'Sales', manager: { value: 'm1' } } });
  });

  it('accepts dotted sub-attribute keys and merges them with the object form', () => {
    const { resource } = user({ name: { familyName: 'Young' }, 'name.givenName': 'Joy' });
    expect(resource.name).toEqual({ familyName: 'Young', givenName: 'Joy' });
  });

  it('ignores unknown attributes, unknown sub-attributes and unknown extensions', () => {
    const { resource } = user({
      nickname2: 'x',
      name: { givenName: 'A', shoeSize: 42 },
      'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User': { tag: '701984' },
    });
    expect(resource).toEqual({ userName: 'u@example.com', name: { givenName: 'A' } });
  });

  it('takes the boolean strings Entra sends', () => {
    expect(user({ active: 'False' }).resource.active).toBe(false);
    expect(user({ active: 'true' }).resource.active).toBe(true);
    expect(user({ emails: [{ value: 'a@x', primary: 'True' }] }).resource.emails).toEqual([{ value: 'a@x', primary: true }]);
  });

  it('keeps a number sent for a string attribute as its text', () => {
    const { resource } = user({ [SCIM_ENTERPRISE_USER]: { employeeNumber: 701984 } });
    expect(resource[SCIM_ENTERPRISE_USER]).toEqual({ employeeNumber: '701984' });
  });

  it('takes a single object for a multi-valued attribute as a one-element list', () => {
    expect(user({ emails: { value: 'a@x', type: 'work' } }).resource.emails).toEqual([{ value: 'a@x', type: 'work' }]);
  });

  it('drops empty elements and exact duplicates of multi-valued attributes', () => {
    const { resource } = user({ emails: [{ value: 'a@x' }, {}, null, { value: 'a@x' }, { value: 'b@x', type: '' }] });
    expect(resource.emails).toEqual([{ value: 'a@x' }, { value: 'b@x' }]);
  });

  it('stores attributes in definition order whatever order the body uses', () => {
    const { resource } = canonicalizeResource('User', {
      [SCIM_ENTERPRISE_USER]: { manager: 'm', department: 'D' },
      active: true,
      emails: [{ primary: true, type: 'work', value: 'a@x' }],
      userName: 'u',
      externalId: 'e',
      schemas: [SCIM_USER],
    });
    expect(JSON.stringify(resource)).toBe(
      JSON.stringify({
        externalId: 'e',
        userName: 'u',
        active: true,
        emails: [{ value: 'a@x', type: 'work', primary: true }],
        [SCIM_ENTERPRISE_USER]: { department: 'D', manager: { value: 'm' } },
      }),
    );
  });

  it('drops an extension object whose attributes are all empty', () => {
    expect(user({ [SCIM_ENTERPRISE_USER]: { department: '', manager: { value: '' } } }).resource).toEqual({ userName: 'u@example.com' });
  });
});

describe('canonicalizeResource: refused bodies', () => {
  const long = 'x'.repeat(1025);
  const cases: Array<[string, 'User' | 'Group', unknown, number, string, RegExp?]> = [
    ['an array body', 'User', [], 400, 'invalidSyntax'],
    ['a string body', 'User', 'userName=a', 400, 'invalidSyntax'],
    ['a null body', 'User', null, 400, 'invalidSyntax'],
    ['no schemas', 'User', { userName: 'a' }, 400, 'invalidSyntax', /urn:ietf:params:scim:schemas:core:2\.0:User/],
    ['schemas not an array', 'User', { schemas: SCIM_USER, userName: 'a' }, 400, 'invalidSyntax'],
    ['the Group URN on a User', 'User', { schemas: [SCIM_GROUP], userName: 'a' }, 400, 'invalidSyntax', /core:2\.0:User/],
    ['no userName', 'User', { schemas: [SCIM_USER], displayName: 'A' }, 400, 'invalidValue', /userName/],
    ['an empty userName', 'User', { schemas: [SCIM_USER], userName: '' }, 400, 'invalidValue', /userName/],
    ['no Group displayName', 'Group', { schemas: [SCIM_GROUP], members: [] }, 400, 'invalidValue', /displayName/],
    ['a boolean displayName', 'User', { schemas: [SCIM_USER], userName: 'a', displayName: true }, 400, 'invalidValue', /displayName/],
    ['active "yes"', 'User', { schemas: [SCIM_USER], userName: 'a', active: 'yes' }, 400, 'invalidValue', /active/],
    ['name as a string', 'User', { schemas: [SCIM_USER], userName: 'a', name: 'Ann' }, 400, 'invalidValue', /'name'/],
    ['a number sub-attribute of the wrong type', 'User', { schemas: [SCIM_USER], userName: 'a', emails: [{ value: 'a@x', primary: 1 }] }, 400, 'invalidValue', /emails\[0\]\.primary/],
    [
      'two primary emails',
      'User',
      { schemas: [SCIM_USER], userName: 'a', emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] },
      400,
      'invalidValue',
      /primary/,
    ],
    ['a 1025-character string', 'User', { schemas: [SCIM_USER], userName: 'a', title: long }, 400, 'invalidValue', /title.*1024/],
    [
      '101 emails',
      'User',
      { schemas: [SCIM_USER], userName: 'a', emails: Array.from({ length: 101 }, (_, i) => ({ value: `${i}@x` })) },
      400,
      'invalidValue',
      /emails.*100/,
    ],
    ['a member without value', 'Group', { schemas: [SCIM_GROUP], displayName: 'G', members: [{ display: 'Ann' }] }, 400, 'invalidValue', /members\[0\]\.value/],
    ['two managers', 'User', { schemas: [SCIM_USER], userName: 'a', [SCIM_ENTERPRISE_USER]: { manager: ['m1', 'm2'] } }, 400, 'invalidValue', /manager/],
    ['an extension that is not an object', 'User', { schemas: [SCIM_USER], userName: 'a', [SCIM_ENTERPRISE_USER]: 'Sales' }, 400, 'invalidValue'],
    ['a certificate that is not base64', 'User', { schemas: [SCIM_USER], userName: 'a', x509Certificates: [{ value: 'not base64!' }] }, 400, 'invalidValue', /x509Certificates\[0\]\.value/],
  ];
  it.each(cases)('refuses %s', (_name, type, body, status, scimType, detail) => {
    const error = scimError(() => canonicalizeResource(type, body));
    expect(error.status).toBe(status);
    expect(error.scimType).toBe(scimType);
    if (detail) expect(error.message).toMatch(detail);
  });

  it('does not limit the number of Group members', () => {
    const members = Array.from({ length: 500 }, (_, i) => ({ value: `u${i}` }));
    expect(canonicalizeResource('Group', { schemas: [SCIM_GROUP], displayName: 'G', members }).members).toHaveLength(500);
  });
});
