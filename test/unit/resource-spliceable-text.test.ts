/**
 * A whole-resource read of a row stored in the splice layout answers by splicing the stored text
 * (spliceableText.ts) instead of parsing it and rendering the object (renderJson.ts). Directories
 * compare what they read back, so the two must give the same bytes for every resource the writer
 * marks; a resource the splice could get wrong must not be marked.
 */
import { describe, expect, it } from 'vitest';
import { sampleGroupLinks, sampleMeta } from '../support/renderFixtures.js';
import { renderGroup, renderUser, type ResourceLink } from '../../server/scim/resource/render.js';
import { renderResourceJson, renderStoredJson } from '../../server/scim/resource/renderJson.js';
import { spliceableText, spliceResourceJson } from '../../server/scim/resource/spliceableText.js';
import { projectAttributes } from '../../server/scim/resource/project.js';
import { canonicalizeResource } from '../../server/scim/resource/canonicalize.js';
import { groupResourceType, userResourceType } from '../../server/scim/schema/definitions.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_USER } from '../../shared/scim/urns.js';
import { generatePeople } from '../idp/common.js';
import { oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';
import { entraCreateUserBody, entraExample2Body } from '../idp/entra.js';

const meta = sampleMeta;
const groups = sampleGroupLinks;
const members: ResourceLink[] = [{ value: 'u1', display: 'Ada', $ref: 'https://sp.example/Users/u1' }, { value: 'u2', $ref: 'https://sp.example/Users/u2' }];

/** What the object path sends for the stored text: parse, render, the default projection, JSON.stringify. */
const objectPathUser = (text: string, list: ResourceLink[]) =>
  JSON.stringify(projectAttributes(userResourceType, renderUser(JSON.parse(text) as Record<string, unknown>, { ...meta, groups: list }), {}));
const objectPathGroup = (text: string, list: ResourceLink[]) =>
  JSON.stringify(projectAttributes(groupResourceType, renderGroup(JSON.parse(text) as Record<string, unknown>, { ...meta, members: list }), {}));

/** The text a writer stores for a User; fails the test unless it is marked spliceable. */
function spliceableUser(resource: Record<string, unknown>): { text: string; layout: number } {
  const stored = spliceableText(userResourceType, resource, 'groups');
  expect(stored.layout).not.toBeNull();
  return stored as { text: string; layout: number };
}

const canonical = (body: Record<string, unknown>) => canonicalizeResource(userResourceType, body).resource;

describe('spliceResourceJson', () => {
  const people = generatePeople(40);

  it('answers Okta users byte for byte as the object path does, with and without groups', () => {
    for (const [i, person] of people.entries()) {
      const stored = spliceableUser(canonical(oktaCreateUserBody(oktaProfileOf(person))));
      const list = i % 2 === 0 ? groups : [];
      expect(spliceResourceJson(userResourceType, stored, meta, { name: 'groups', list })).toBe(objectPathUser(stored.text, list));
    }
  });

  it('answers Entra users (enterprise extension, Example 2) byte for byte as the object path does', () => {
    for (const [i, person] of people.entries()) {
      for (const body of [entraCreateUserBody(person), entraExample2Body(person)]) {
        const stored = spliceableUser(canonical(body));
        const list = groups.slice(0, i % 4);
        expect(spliceResourceJson(userResourceType, stored, meta, { name: 'groups', list })).toBe(objectPathUser(stored.text, list));
      }
    }
    const answer = JSON.parse(spliceResourceJson(userResourceType, spliceableUser(canonical(entraCreateUserBody(people[0]!))), meta, { name: 'groups', list: groups })) as Record<string, unknown>;
    expect(answer.schemas).toEqual([SCIM_USER, SCIM_ENTERPRISE_USER]);
    expect(answer[SCIM_ENTERPRISE_USER]).toMatchObject({ department: people[0]!.department });
    // In the response's order: schemas, id, externalId, core attributes as defined (groups among them), extension, meta.
    const order = ['schemas', 'id', 'externalId', ...userResourceType.schema.attributes.map((a) => a.name), SCIM_ENTERPRISE_USER, 'meta'];
    expect(Object.keys(answer)).toEqual(order.filter((k) => k in answer));
    expect(Object.keys(answer)).toContain('groups');
  });

  it('keeps values with quotes, backslashes, braces and non-ASCII exact, wherever they sit', () => {
    const odd = 'Zoë "Z" \\ } { ], 😀 \u2028 \ud800';
    const resource = {
      externalId: odd,
      userName: `${odd}@example.com`,
      name: { givenName: odd, familyName: '}' },
      displayName: '"groups":[]',
      active: true,
      emails: [{ value: 'z@example.com', type: 'work', primary: true }],
      entitlements: [{ value: odd }],
      [SCIM_ENTERPRISE_USER]: { department: odd, manager: { value: '}"', displayName: odd } },
    };
    const stored = spliceableUser(resource);
    for (const list of [[], groups]) expect(spliceResourceJson(userResourceType, stored, meta, { name: 'groups', list })).toBe(objectPathUser(stored.text, list));
    expect(JSON.parse(stored.text)).toEqual(resource);
  });

  it('stores the definition order whatever order the resource object has (a PATCH or an old writer appended keys)', () => {
    const inOrder = canonical(entraCreateUserBody(people[1]!));
    const reversed = Object.fromEntries(Object.entries(inOrder).reverse());
    const stored = spliceableUser(reversed);
    expect(stored).toEqual(spliceableUser(inOrder));
    expect(stored.text).not.toBe(JSON.stringify(reversed));
    for (const list of [[], groups]) expect(spliceResourceJson(userResourceType, stored, meta, { name: 'groups', list })).toBe(objectPathUser(JSON.stringify(reversed), list));
  });

  it('splices the derived list between the attributes before and after it, and when either side is empty', () => {
    const cases: Record<string, unknown>[] = [
      { userName: 'a', entitlements: [{ value: 'e' }], roles: [{ value: 'r' }] },
      { entitlements: [{ value: 'e' }] },
      { [SCIM_ENTERPRISE_USER]: { department: 'D' } },
      { userName: 'a' },
      {},
    ];
    for (const resource of cases) {
      const stored = spliceableUser(resource);
      for (const list of [[], groups.slice(0, 1), groups]) expect(spliceResourceJson(userResourceType, stored, meta, { name: 'groups', list })).toBe(objectPathUser(stored.text, list));
    }
  });

  it('answers Groups with and without members as the object path does', () => {
    for (const resource of [{ externalId: 'ext', displayName: 'Admins' }, { displayName: 'Émpty "}"' }, {}]) {
      const stored = spliceableText(groupResourceType, resource, 'members');
      expect(stored.layout).not.toBeNull();
      for (const list of [[], members]) {
        expect(spliceResourceJson(groupResourceType, stored as { text: string; layout: number }, meta, { name: 'members', list })).toBe(objectPathGroup(stored.text, list));
      }
    }
    const stored = spliceableText(groupResourceType, { displayName: 'G' }, 'members') as { text: string; layout: number };
    expect(JSON.parse(spliceResourceJson(groupResourceType, stored, meta, { name: 'members', list: members })).schemas).toEqual([SCIM_GROUP]);
  });

  it('does not mark a resource the object path would trim or rewrite; its text is JSON.stringify of it, as before', () => {
    const cases: Record<string, unknown>[] = [
      { userName: 'a', externalId: null },
      { userName: 'a', title: null },
      { userName: 'a', password: 'secret' },
      { userName: 'a', groups: [{ value: 'stale' }] },
      { userName: 'a', unknownTopLevel: 'x' },
      { userName: 'a', [SCIM_ENTERPRISE_USER]: {} },
      { userName: 'a', [SCIM_ENTERPRISE_USER]: { notInTheSchema: 1, department: 'D' } },
      { userName: 'a', [SCIM_ENTERPRISE_USER]: { department: null } },
      { userName: 'a', [SCIM_ENTERPRISE_USER]: ['not an object'] },
      { userName: 'a', active: Number.NaN },
    ];
    for (const resource of cases) expect(spliceableText(userResourceType, resource, 'groups')).toEqual({ text: JSON.stringify(resource), layout: null });
    expect(spliceableText(groupResourceType, { displayName: 'G', members: [{ value: 'u' }] }, 'members').layout).toBeNull();
  });
});

describe('renderStoredJson', () => {
  it('splices a row marked spliceable, renders an unmarked one from its parsed resource: the same bytes', () => {
    const resource = canonical(entraCreateUserBody(generatePeople(1)[0]!));
    const stored = spliceableUser(resource);
    let parsed = 0;
    const marked = {
      spliceable: stored,
      get resource() {
        parsed++;
        return JSON.parse(stored.text) as Record<string, unknown>;
      },
    };
    const spliced = renderStoredJson(userResourceType, marked, meta, { name: 'groups', list: groups });
    expect(parsed).toBe(0);
    expect(spliced).toBe(renderStoredJson(userResourceType, { resource }, meta, { name: 'groups', list: groups }));
    expect(spliced).toBe(renderResourceJson(userResourceType, resource, meta, { name: 'groups', list: groups }));
  });
});
