import { describe, expect, it } from 'vitest';
import { ScimError } from '../../server/scim/errors.js';
import { MAX_PATCH_OPERATIONS, normalizePatchRequest, type PatchOperation } from '../../server/scim/patch/normalize.js';
import { userResourceType } from '../../server/scim/schema/definitions.js';
import { SCIM_ENTERPRISE_USER, SCIM_PATCH_OP } from '../../shared/scim/urns.js';

const patch = (...Operations: unknown[]) => ({ schemas: [SCIM_PATCH_OP], Operations });

/** op, the resolved storage path, whether a value filter is attached, and the raw value. */
const summary = (ops: PatchOperation[]) =>
  ops.map((o) => ({ op: o.op, path: o.path.resolved.storagePath.join('/'), filtered: o.path.valueFilter !== undefined, value: o.value }));

function scimError(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('normalizePatchRequest: shapes', () => {
  it('Okta deactivate: a path-less replace becomes one operation per attribute', () => {
    // developer.okta.com/docs/reference/scim/scim-20/ "Update a specific User (PATCH)" (verbatim).
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] };
    expect(summary(normalizePatchRequest(userResourceType, body))).toEqual([{ op: 'replace', path: 'active', filtered: false, value: false }]);
  });

  it('Entra default mode: capitalised ops', () => {
    // learn.microsoft.com "Known issues and resolutions with SCIM 2.0 protocol compliance", without feature flag.
    const body = patch({ op: 'Replace', path: 'active', value: 'False' }, { op: 'Add', path: 'nickName', value: 'Babs' }, { op: 'Remove', path: 'title' });
    expect(summary(normalizePatchRequest('User', body))).toEqual([
      { op: 'replace', path: 'active', filtered: false, value: 'False' },
      { op: 'add', path: 'nickName', filtered: false, value: 'Babs' },
      { op: 'remove', path: 'title', filtered: false, value: undefined },
    ]);
  });

  it('Entra aadOptscim062020: path-less value with plain, dotted and URN-qualified keys', () => {
    // Same page, "Requests to replace multiple attributes", with feature flag (verbatim).
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
    expect(summary(normalizePatchRequest('User', body))).toEqual([
      { op: 'replace', path: 'emails/value', filtered: true, value: 'TestMhvaes@test.microsoft.com' },
      { op: 'replace', path: 'displayName', filtered: false, value: 'Bjfe' },
      { op: 'replace', path: 'name/givenName', filtered: false, value: 'Kkom' },
      { op: 'replace', path: 'name/familyName', filtered: false, value: 'Unua' },
      { op: 'replace', path: `${SCIM_ENTERPRISE_USER}/employeeNumber`, filtered: false, value: 'Aklq' },
    ]);
  });

  it('a path-less key that is an extension URN expands its object', () => {
    const body = patch({ op: 'add', value: { [SCIM_ENTERPRISE_USER]: { department: 'IT', Manager: 'm1' } } });
    expect(summary(normalizePatchRequest('User', body))).toEqual([
      { op: 'add', path: `${SCIM_ENTERPRISE_USER}/department`, filtered: false, value: 'IT' },
      { op: 'add', path: `${SCIM_ENTERPRISE_USER}/manager`, filtered: false, value: 'm1' },
    ]);
  });

  it('a path that is an extension URN expands its object too', () => {
    const body = patch({ op: 'replace', path: SCIM_ENTERPRISE_USER, value: { costCenter: '4130' } });
    expect(summary(normalizePatchRequest('User', body))).toEqual([{ op: 'replace', path: `${SCIM_ENTERPRISE_USER}/costCenter`, filtered: false, value: '4130' }]);
  });

  it('a path-less key may be a value path', () => {
    const body = patch({ op: 'replace', value: { 'emails[type eq "work"].value': 'a@x', 'phoneNumbers[type eq "mobile"].value': '555' } });
    expect(summary(normalizePatchRequest('User', body))).toEqual([
      { op: 'replace', path: 'emails/value', filtered: true, value: 'a@x' },
      { op: 'replace', path: 'phoneNumbers/value', filtered: true, value: '555' },
    ]);
  });

  it('path-less keys the resource type does not have, and schemas, are ignored like in a PUT body', () => {
    const body = patch({ op: 'replace', value: { schemas: ['x'], shoeSize: 42, 'urn:example:custom:2.0:User:tag': 'x', title: 'CEO' } });
    expect(summary(normalizePatchRequest('User', body))).toEqual([{ op: 'replace', path: 'title', filtered: false, value: 'CEO' }]);
  });

  it('Entra Example 5: the unqualified path "manager" resolves to the enterprise extension', () => {
    // learn.microsoft.com "Tutorial: Develop and plan provisioning for a SCIM endpoint", Example 5.
    const body = patch({ op: 'Add', path: 'manager', value: [{ $ref: 'http://.../scim/Users/2819c223', value: '2819c223' }] });
    expect(summary(normalizePatchRequest('User', body))[0]?.path).toBe(`${SCIM_ENTERPRISE_USER}/manager`);
  });

  it('path names are case-insensitive and keep the canonical spelling', () => {
    const body = patch({ op: 'replace', path: 'NAME.GIVENNAME', value: 'x' }, { op: 'remove', path: 'Emails[Type eq "work"]' });
    expect(summary(normalizePatchRequest('User', body)).map((o) => o.path)).toEqual(['name/givenName', 'emails']);
  });

  it('accepts "operations" and "SCHEMAS" in any case', () => {
    expect(normalizePatchRequest('User', { SCHEMAS: [SCIM_PATCH_OP], operations: [{ op: 'remove', path: 'title' }] })).toHaveLength(1);
  });

  it('accepts exactly MAX_PATCH_OPERATIONS operations', () => {
    const ops = Array.from({ length: MAX_PATCH_OPERATIONS }, () => ({ op: 'remove', path: 'title' }));
    expect(normalizePatchRequest('User', patch(...ops))).toHaveLength(MAX_PATCH_OPERATIONS);
  });
});

describe('normalizePatchRequest: refused requests', () => {
  const tooMany = Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({ op: 'remove', path: 'title' }));
  const cases: Array<[string, unknown, string, RegExp?]> = [
    ['a body that is not an object', [{ op: 'add' }], 'invalidSyntax'],
    ['a null body', null, 'invalidSyntax'],
    ['no schemas', { Operations: [{ op: 'remove', path: 'title' }] }, 'invalidSyntax', /PatchOp/],
    ['the User schema instead of PatchOp', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'remove', path: 'title' }] }, 'invalidSyntax', /PatchOp/],
    ['no Operations', { schemas: [SCIM_PATCH_OP] }, 'invalidSyntax', /Operations/],
    ['empty Operations', patch(), 'invalidSyntax', /Operations/],
    ['Operations not an array', { schemas: [SCIM_PATCH_OP], Operations: { op: 'remove', path: 'title' } }, 'invalidSyntax'],
    [`${MAX_PATCH_OPERATIONS + 1} operations`, patch(...tooMany), 'invalidSyntax', /1001/],
    ['an operation that is not an object', patch('remove title'), 'invalidSyntax', /Operations\[0\]/],
    ['an unknown op', patch({ op: 'copy', path: 'title', value: 'x' }), 'invalidSyntax', /"copy"/],
    ['a missing op', patch({ path: 'title', value: 'x' }), 'invalidSyntax', /no "op"/],
    ['a remove without path', patch({ op: 'remove' }), 'noTarget'],
    ['an add without value', patch({ op: 'add', path: 'title' }), 'invalidValue', /value/],
    ['a replace without value', patch({ op: 'Replace', path: 'title' }), 'invalidValue', /value/],
    ['a path-less add whose value is not an object', patch({ op: 'add', value: 'x' }), 'invalidValue'],
    ['an unknown attribute in a path', patch({ op: 'replace', path: 'shoeSize', value: 1 }), 'invalidPath', /shoeSize/],
    ['an unknown sub-attribute in a path', patch({ op: 'replace', path: 'name.nickname', value: 'x' }), 'invalidPath', /name\.nickname/],
    ['an unknown extension attribute', patch({ op: 'replace', path: `${SCIM_ENTERPRISE_USER}:badge`, value: 'x' }), 'invalidPath', /badge/],
    ['an unknown attribute inside an extension path object', patch({ op: 'add', path: SCIM_ENTERPRISE_USER, value: { badge: 'x' } }), 'invalidPath', /badge/],
    ['a path with an unclosed bracket', patch({ op: 'replace', path: 'emails[type eq "work"', value: 'x' }), 'invalidPath'],
    ['a malformed filter inside the brackets', patch({ op: 'replace', path: 'emails[type is "work"].value', value: 'x' }), 'invalidFilter'],
    ['a path with two dots', patch({ op: 'replace', path: 'name.givenName.x', value: 'x' }), 'invalidPath'],
    ['a path that is not a string', patch({ op: 'replace', path: 5, value: 'x' }), 'invalidPath'],
    ['a value filter on a single-valued attribute', patch({ op: 'replace', path: 'name[givenName eq "a"].familyName', value: 'x' }), 'invalidPath', /not multi-valued/],
    ['a filter on an unknown sub-attribute', patch({ op: 'remove', path: 'emails[tpye eq "work"]' }), 'invalidFilter', /tpye/],
  ];
  it.each(cases)('refuses %s', (_name, body, scimType, detail) => {
    const error = scimError(() => normalizePatchRequest('User', body));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe(scimType);
    if (detail) expect(error.message).toMatch(detail);
  });
});
