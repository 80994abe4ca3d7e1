import { describe, expect, it } from 'vitest';
import { ScimError } from '../../server/scim/errors.js';
import { applyPatch, type ApplyOptions } from '../../server/scim/patch/apply.js';
import { normalizePatchRequest } from '../../server/scim/patch/normalize.js';
import type { StoredResource } from '../../server/scim/resource/types.js';
import { SCIM_ENTERPRISE_USER, SCIM_PATCH_OP } from '../../shared/scim/urns.js';

const ENT = SCIM_ENTERPRISE_USER;

const baseUser = (): StoredResource => ({
  externalId: 'bjensen',
  userName: 'bjensen@example.com',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  [ENT]: { department: 'Tour Operations', manager: { value: 'm1', $ref: 'https://sp/Users/m1' } },
});

const baseGroup = (): StoredResource => ({ externalId: 'g-ext', displayName: 'Tour Guides' });

function run(type: 'User' | 'Group', resource: StoredResource, operations: unknown[], options: ApplyOptions = {}) {
  return applyPatch(type, resource, normalizePatchRequest(type, { schemas: [SCIM_PATCH_OP], Operations: operations }), options);
}
const user = (...operations: unknown[]) => run('User', baseUser(), operations).resource;
const group = (operations: unknown[], options: ApplyOptions = {}) => run('Group', baseGroup(), operations, options);

function scimError(action: () => unknown): ScimError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('add (RFC 7644 §3.5.2.1)', () => {
  it('sets an unassigned single-valued attribute and replaces an assigned one', () => {
    expect(user({ op: 'add', path: 'title', value: 'Tour Guide' }).title).toBe('Tour Guide');
    expect(user({ op: 'add', path: 'displayName', value: 'Barbara' }).displayName).toBe('Barbara');
  });

  it('merges the sub-attributes of a complex attribute', () => {
    expect(user({ op: 'add', path: 'name', value: { middleName: 'Jane' } }).name).toEqual({ familyName: 'Jensen', givenName: 'Barbara', middleName: 'Jane' });
  });

  it('appends to a multi-valued attribute and skips exact duplicates', () => {
    const emails = user({ op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home' }, { value: 'b@other.org', type: 'other' }] }).emails;
    expect(emails).toEqual([...(baseUser().emails as unknown[]), { value: 'b@other.org', type: 'other' }]);
  });

  it('adding a primary value makes it the only primary one (RFC 7644 §3.5.2)', () => {
    const emails = user({ op: 'add', path: 'emails', value: [{ value: 'new@x', type: 'other', primary: true }] }).emails;
    expect(emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'babs@jensen.org', type: 'home' },
      { value: 'new@x', type: 'other', primary: true },
    ]);
  });

  it('path-less add sets several attributes at once', () => {
    const resource = user({ op: 'add', value: { nickName: 'Babs', emails: [{ value: 'c@x' }] } });
    expect(resource.nickName).toBe('Babs');
    expect(resource.emails).toHaveLength(3);
  });
});

describe('replace (RFC 7644 §3.5.2.3)', () => {
  it('replaces a single-valued attribute; "" or null unassigns it', () => {
    expect(user({ op: 'replace', path: 'displayName', value: 'B' }).displayName).toBe('B');
    expect(user({ op: 'replace', path: 'displayName', value: '' })).not.toHaveProperty('displayName');
    expect(user({ op: 'replace', path: 'displayName', value: null })).not.toHaveProperty('displayName');
  });

  it('on a complex attribute replaces the given sub-attributes and leaves the others', () => {
    expect(user({ op: 'replace', path: 'name', value: { givenName: 'Barb', familyName: '' } }).name).toEqual({ givenName: 'Barb' });
  });

  it('on a complex attribute, an empty sub-attribute clears only that one; {} changes nothing; null unassigns', () => {
    expect(user({ op: 'replace', path: 'name', value: { familyName: '' } }).name).toEqual({ givenName: 'Barbara' });
    expect(user({ op: 'replace', path: 'name', value: {} }).name).toEqual(baseUser().name);
    expect(user({ op: 'replace', path: 'name', value: null })).not.toHaveProperty('name');
  });

  it('with a value filter matching several elements leaves one replacement, not duplicates', () => {
    const resource = user({ op: 'replace', path: 'emails[value ew ".org" or type eq "work"]', value: { value: 'one@x', type: 'work' } });
    expect(resource.emails).toEqual([{ value: 'one@x', type: 'work' }]);
  });

  it('replaces a whole multi-valued attribute', () => {
    expect(user({ op: 'replace', path: 'emails', value: [{ value: 'only@x', type: 'work' }] }).emails).toEqual([{ value: 'only@x', type: 'work' }]);
  });

  it('with a value filter replaces the matching elements', () => {
    expect(user({ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'home@x', type: 'home' } }).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'home@x', type: 'home' },
    ]);
  });

  it('with a value filter and sub-attribute sets it on the matching elements only', () => {
    expect(user({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new@example.com' }).emails).toEqual([
      { value: 'new@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('with a value filter that matches nothing creates the element the filter describes', () => {
    expect(user({ op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' }).phoneNumbers).toEqual([
      { value: '+1 555 0100', type: 'mobile' },
    ]);
    expect(user({ op: 'replace', path: 'addresses[type eq "work" and primary eq true].postalCode', value: '91608' }).addresses).toEqual([
      { postalCode: '91608', type: 'work', primary: true },
    ]);
  });

  it('with a filter that matches nothing and describes no element fails with noTarget', () => {
    const error = scimError(() => user({ op: 'replace', path: 'emails[value co "@nowhere"].type', value: 'work' }));
    expect([error.status, error.scimType]).toEqual([400, 'noTarget']);
  });

  it('emptying the value of a matching element drops the element', () => {
    expect(user({ op: 'replace', path: 'emails[type eq "work"].value', value: '' }).emails).toEqual([{ value: 'babs@jensen.org', type: 'home' }]);
  });

  it('setting primary through a filter clears it on the other elements', () => {
    expect(user({ op: 'replace', path: 'emails[type eq "home"].primary', value: true }).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: false },
      { value: 'babs@jensen.org', type: 'home', primary: true },
    ]);
  });
});

describe('remove (RFC 7644 §3.5.2.2)', () => {
  it('removes a single-valued attribute, a sub-attribute, and a whole multi-valued attribute', () => {
    expect(user({ op: 'remove', path: 'displayName' })).not.toHaveProperty('displayName');
    expect(user({ op: 'remove', path: 'name.givenName' }).name).toEqual({ familyName: 'Jensen' });
    expect(user({ op: 'remove', path: 'emails' })).not.toHaveProperty('emails');
  });

  it('removes the elements matching a filter, and the attribute with the last one', () => {
    expect(user({ op: 'remove', path: 'emails[type eq "home"]' }).emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
    expect(user({ op: 'remove', path: 'emails[type eq "home" or type eq "work"]' })).not.toHaveProperty('emails');
  });

  it('removes a sub-attribute of the matching elements', () => {
    expect(user({ op: 'remove', path: 'emails[type eq "work"].primary' }).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('a filter that matches nothing changes nothing and does not fail', () => {
    expect(user({ op: 'remove', path: 'emails[type eq "other"]' })).toEqual(baseUser());
  });

  it('with a value list removes only the listed values', () => {
    expect(user({ op: 'remove', path: 'emails', value: [{ value: 'BABS@jensen.org' }] }).emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
    ]);
  });

  it('removing the last extension attribute removes the extension object', () => {
    const resource = user({ op: 'remove', path: `${ENT}:department` }, { op: 'remove', path: `${ENT}:manager` });
    expect(resource).not.toHaveProperty(ENT);
  });

  it('removing an unassigned attribute is a no-op', () => {
    expect(user({ op: 'remove', path: 'nickName' })).toEqual(baseUser());
  });
});

describe('enterprise manager (Entra)', () => {
  it('Add with a plain string id sets { value } and drops the old $ref', () => {
    expect(user({ op: 'Add', path: `${ENT}:manager`, value: 'm2' })[ENT]).toEqual({ department: 'Tour Operations', manager: { value: 'm2' } });
  });

  it('Replace with a plain string id', () => {
    expect(user({ op: 'Replace', path: `${ENT}:manager`, value: 'm3' })[ENT]).toEqual({ department: 'Tour Operations', manager: { value: 'm3' } });
  });

  it('Replace with "" removes the manager', () => {
    // The legacy manager removal: {"op":"Replace","path":"urn:…:enterprise:2.0:User:manager","value":""}.
    expect(user({ op: 'Replace', path: `${ENT}:manager`, value: '' })[ENT]).toEqual({ department: 'Tour Operations' });
  });

  it('Replace with { "value": "" } removes the manager too', () => {
    expect(user({ op: 'Replace', path: `${ENT}:manager`, value: { value: '' } })[ENT]).toEqual({ department: 'Tour Operations' });
  });

  it('Remove removes the manager', () => {
    expect(user({ op: 'Remove', path: `${ENT}:manager` })[ENT]).toEqual({ department: 'Tour Operations' });
  });

  it('Example 5: Add on the bare path "manager" with a one-element array', () => {
    // learn.microsoft.com "Tutorial: Develop and plan provisioning for a SCIM endpoint", Example 5 (verbatim).
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
    const { resource } = applyPatch('User', baseUser(), normalizePatchRequest('User', body));
    expect(resource[ENT]).toEqual({
      department: 'Tour Operations',
      manager: { value: '2819c223-7f76-453a-919d-413861904646', $ref: 'http://.../scim/Users/2819c223-7f76-453a-919d-413861904646' },
    });
  });
});

describe('read-only, write-only and required attributes', () => {
  it('password is accepted and dropped', () => {
    expect(user({ op: 'replace', value: { password: 'n3w-Secret' } })).toEqual(baseUser());
    expect(user({ op: 'replace', path: 'password', value: 'n3w-Secret' })).toEqual(baseUser());
  });

  it('a path-less id equal to the resource id is ignored (Okta group rename)', () => {
    const { resource } = group([{ op: 'replace', value: { id: 'grp-1', displayName: 'Renamed' } }], { resourceId: 'grp-1' });
    expect(resource).toEqual({ externalId: 'g-ext', displayName: 'Renamed' });
  });

  it('the resource is not modified in place', () => {
    const original = baseUser();
    applyPatch('User', original, normalizePatchRequest('User', { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'remove', path: 'emails' }] }));
    expect(original).toEqual(baseUser());
  });

  it('returns the resource in canonical attribute order', () => {
    const resource = user({ op: 'add', path: 'nickName', value: 'B' });
    expect(Object.keys(resource)).toEqual(['externalId', 'userName', 'name', 'displayName', 'nickName', 'active', 'emails', ENT]);
  });
});

describe('Group members → MemberChange[]', () => {
  it('add with a value list', () => {
    // Entra: learn.microsoft.com "Tutorial: Develop and plan provisioning…", Update Group [Add Members] (verbatim).
    expect(group([{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }]).memberChanges).toEqual([
      { kind: 'add', ids: ['f648f8d5ea4e4cd38e9c'] },
    ]);
  });

  it('Okta: remove by filter then add, in one request, in order', () => {
    // developer.okta.com/docs/reference/scim/scim-20/ "Update specific Group membership" (verbatim).
    const { resource, memberChanges } = group([
      { op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' },
      { op: 'add', path: 'members', value: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }] },
    ]);
    expect(memberChanges).toEqual([
      { kind: 'remove', ids: ['89bb1940-b905-4575-9e7f-6f887cfb368e'] },
      { kind: 'add', ids: ['23a35c27-23d3-4c03-b4c5-6443c09e7173'] },
    ]);
    expect(resource).toEqual(baseGroup());
  });

  it('Okta: replace members pushes the full membership', () => {
    // Same page, the full push with "replace" (verbatim).
    const { memberChanges } = group([
      {
        op: 'replace',
        path: 'members',
        value: [
          { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
          { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'test.user@okta.local' },
        ],
      },
    ]);
    expect(memberChanges).toEqual([{ kind: 'replace', ids: ['23a35c27-23d3-4c03-b4c5-6443c09e7173', '89bb1940-b905-4575-9e7f-6f887cfb368e'] }]);
  });

  it('Entra default mode: Remove with a value list removes only the listed members', () => {
    // learn.microsoft.com "Known issues and resolutions with SCIM 2.0 protocol compliance", without feature flag (verbatim),
    // extended to two members as in the brief.
    expect(group([{ op: 'Remove', path: 'members', value: [{ value: 'u1091' }] }]).memberChanges).toEqual([{ kind: 'remove', ids: ['u1091'] }]);
    expect(group([{ op: 'Remove', path: 'members', value: [{ value: 'id1' }, { value: 'id2' }] }]).memberChanges).toEqual([
      { kind: 'remove', ids: ['id1', 'id2'] },
    ]);
  });

  it('Entra aadOptscim062020: remove by filter', () => {
    // Same page, with feature flag (verbatim).
    expect(group([{ op: 'remove', path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' }]).memberChanges).toEqual([
      { kind: 'remove', ids: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'] },
    ]);
  });

  it('remove members without value removes them all', () => {
    expect(group([{ op: 'remove', path: 'members' }]).memberChanges).toEqual([{ kind: 'removeAll' }]);
  });

  it('a filter joining ids with or', () => {
    expect(group([{ op: 'remove', path: 'members[value eq "a" or value eq "b" or value eq "a"]' }]).memberChanges).toEqual([{ kind: 'remove', ids: ['a', 'b'] }]);
  });

  it('other member filters need the current members, and are evaluated against them', () => {
    const operations = [{ op: 'remove', path: 'members[value sw "svc-"]' }];
    expect(scimError(() => group(operations)).scimType).toBe('invalidFilter');
    const members = [{ value: 'svc-1' }, { value: 'u2' }, { value: 'SVC-3' }];
    expect(group(operations, { members }).memberChanges).toEqual([{ kind: 'remove', ids: ['svc-1', 'SVC-3'] }]);
  });

  it('replace with an empty list or null empties the group', () => {
    expect(group([{ op: 'replace', path: 'members', value: [] }]).memberChanges).toEqual([{ kind: 'replace', ids: [] }]);
    expect(group([{ op: 'replace', path: 'members', value: null }]).memberChanges).toEqual([{ kind: 'replace', ids: [] }]);
  });

  it('a path-less add with members and displayName', () => {
    const { resource, memberChanges } = group([{ op: 'add', value: { displayName: 'New', members: [{ value: 'u1' }] } }]);
    expect(resource.displayName).toBe('New');
    expect(memberChanges).toEqual([{ kind: 'add', ids: ['u1'] }]);
  });
});

describe('refused operations', () => {
  const long = 'x'.repeat(1025);
  const manyEmails = Array.from({ length: 99 }, (_, i) => ({ value: `${i}@x` }));
  const cases: Array<[string, 'User' | 'Group', unknown[], number, string, RegExp?]> = [
    ['replace id with another id', 'Group', [{ op: 'replace', value: { id: 'other', displayName: 'x' } }], 400, 'mutability', /id/],
    ['replace id with a path', 'User', [{ op: 'replace', path: 'id', value: 'x' }], 400, 'mutability'],
    ['remove meta', 'User', [{ op: 'remove', path: 'meta' }], 400, 'mutability', /meta/],
    ['replace meta.lastModified', 'User', [{ op: 'replace', path: 'meta.lastModified', value: '2020-01-01T00:00:00Z' }], 400, 'mutability'],
    ['add groups', 'User', [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], 400, 'mutability', /groups/],
    ['replace manager.displayName', 'User', [{ op: 'replace', path: `${ENT}:manager.displayName`, value: 'Boss' }], 400, 'mutability'],
    ['remove userName', 'User', [{ op: 'remove', path: 'userName' }], 400, 'mutability', /userName/],
    ['replace userName with ""', 'User', [{ op: 'replace', path: 'userName', value: '' }], 400, 'mutability', /userName/],
    ['remove Group displayName', 'Group', [{ op: 'remove', path: 'displayName' }], 400, 'mutability', /displayName/],
    ['active "maybe"', 'User', [{ op: 'replace', path: 'active', value: 'maybe' }], 400, 'invalidValue', /active/],
    ['a number for name', 'User', [{ op: 'replace', path: 'name', value: 5 }], 400, 'invalidValue', /name/],
    ['an object for a string', 'User', [{ op: 'replace', value: { title: { a: 1 } } }], 400, 'invalidValue', /title/],
    ['a too long value', 'User', [{ op: 'add', path: 'nickName', value: long }], 400, 'invalidValue', /1024/],
    ['two primaries in one value', 'User', [{ op: 'add', path: 'emails', value: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: true }] }], 400, 'invalidValue', /primary/],
    ['more than 100 emails in the end', 'User', [{ op: 'add', path: 'emails', value: manyEmails }], 400, 'invalidValue', /100/],
    ['a member without value', 'Group', [{ op: 'add', path: 'members', value: [{ display: 'Ann' }] }], 400, 'invalidValue', /members\[0\]\.value/],
    ['a member sub-attribute', 'Group', [{ op: 'replace', path: 'members[value eq "u1"].display', value: 'x' }], 400, 'mutability'],
    ['add members with a filter', 'Group', [{ op: 'add', path: 'members[value eq "u1"]', value: [{ value: 'u1' }] }], 400, 'invalidPath'],
  ];
  it.each(cases)('refuses %s', (_name, type, operations, status, scimType, detail) => {
    const error = scimError(() => run(type, type === 'User' ? baseUser() : baseGroup(), operations, { resourceId: 'grp-1' }));
    expect(error.status).toBe(status);
    expect(error.scimType).toBe(scimType);
    if (detail) expect(error.message).toMatch(detail);
  });

  it('one failing operation fails the whole request and leaves the input unchanged', () => {
    const original = baseUser();
    const error = scimError(() =>
      applyPatch(
        'User',
        original,
        normalizePatchRequest('User', { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'ok' }, { op: 'remove', path: 'id' }] }),
      ),
    );
    expect(error.scimType).toBe('mutability');
    expect(original).toEqual(baseUser());
  });

  it('emails.value without a filter on a user with no emails is noTarget', () => {
    const resource = { userName: 'a' };
    const operations = normalizePatchRequest('User', { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'replace', path: 'emails.value', value: 'a@x' }] });
    expect(scimError(() => applyPatch('User', resource, operations)).scimType).toBe('noTarget');
  });
});

describe('applyPatch works on a copy', () => {
  it('a successful PATCH of nested values leaves the stored resource as it was and shares no object with it', () => {
    const stored = baseUser();
    const { resource } = run('User', stored, [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'barbara@example.com' },
      { op: 'replace', path: 'name.givenName', value: 'Barb' },
      { op: 'add', path: `${ENT}:manager`, value: { value: 'm2' } },
      { op: 'replace', path: 'active', value: 'False' },
    ]);
    expect(stored).toEqual(baseUser());
    expect(resource.active).toBe(false);
    expect((resource.emails as Array<{ value: string }>)[0]!.value).toBe('barbara@example.com');
    // Changing the answer must not reach the stored resource either (the route compares the two).
    (resource.emails as Array<{ value: string }>)[1]!.value = 'changed@example.com';
    (resource.name as Record<string, string>).familyName = 'Changed';
    (resource[ENT] as Record<string, string>).department = 'Changed';
    expect(stored).toEqual(baseUser());
  });
});
