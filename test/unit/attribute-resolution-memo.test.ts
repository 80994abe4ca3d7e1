/**
 * Attribute names are resolved once per resource type and the answer shared (server/scim/schema/resolve.ts):
 * whichever spelling asks first, every later spelling gets the same answer, a caller cannot change
 * what the next one gets, and a client sending thousands of made-up names changes nothing for
 * the real ones.
 */
import { describe, expect, it } from 'vitest';
import { resolveAttribute } from '../../server/scim/schema/resolve.js';
import { displayPath, findSubAttribute } from '../../server/scim/resource/attributes.js';
import { canonicalizeResource } from '../../server/scim/resource/canonicalize.js';
import { userResourceType } from '../../server/scim/schema/definitions.js';
import { SCIM_ENTERPRISE_USER, SCIM_USER } from '../../shared/scim/urns.js';

describe('remembered attribute resolution', () => {
  it('answers every spelling of a name alike, and its answers cannot be changed by a caller', () => {
    const upper = resolveAttribute(userResourceType, `${SCIM_ENTERPRISE_USER.toUpperCase()}:MANAGER.VALUE`);
    const lower = resolveAttribute(userResourceType, `${SCIM_ENTERPRISE_USER}:manager.value`);
    expect(upper?.storagePath).toEqual([SCIM_ENTERPRISE_USER, 'manager', 'value']);
    expect(lower?.storagePath).toEqual(upper?.storagePath);
    expect(displayPath(upper!)).toBe(`${SCIM_ENTERPRISE_USER}:manager.value`);
    const again = resolveAttribute(userResourceType, 'name.givenName')!;
    expect(() => again.storagePath.push('x')).toThrow(TypeError);
    expect(resolveAttribute(userResourceType, 'name.givenName')!.storagePath).toEqual(['name', 'givenName']);
    expect(findSubAttribute(again.attribute, 'GIVENNAME')?.name).toBe('givenName');
    expect(findSubAttribute(again.attribute, 'nickName')).toBeUndefined();
  });

  it('still resolves real names after thousands of made-up ones', () => {
    for (let i = 0; i < 5_000; i++) expect(resolveAttribute(userResourceType, `madeUp${i}`)).toBeUndefined();
    const { resource } = canonicalizeResource('User', { schemas: [SCIM_USER], USERNAME: 'ada@example.com', madeUp7: 'x', 'Name.FamilyName': 'Lovelace' });
    expect(resource).toEqual({ userName: 'ada@example.com', name: { familyName: 'Lovelace' } });
  });
});
