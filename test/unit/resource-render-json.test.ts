/**
 * The JSON-text renderer (renderJson.ts) that serves reads without a projection must write exactly
 * what the object path writes (render, the default projection, then JSON.stringify): directories
 * compare what they read back, and a request with a projection still goes the object way.
 */
import { describe, expect, it } from 'vitest';
import { sampleGroupLinks, sampleMeta } from '../support/renderFixtures.js';
import { renderGroup, renderUser, type ResourceLink } from '../../server/scim/resource/render.js';
import { listResponseJson, renderResourceJson } from '../../server/scim/resource/renderJson.js';
import { projectAttributes } from '../../server/scim/resource/project.js';
import { canonicalizeResource } from '../../server/scim/resource/canonicalize.js';
import { groupResourceType, userResourceType } from '../../server/scim/schema/definitions.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_LIST_RESPONSE, SCIM_USER } from '../../shared/scim/urns.js';
import { generatePeople } from '../idp/common.js';
import { oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';
import { entraCreateUserBody, entraExample2Body } from '../idp/entra.js';

const meta = sampleMeta;
const groups = sampleGroupLinks;

/** What the object path sends: render, the default projection, Fastify's JSON.stringify. */
const objectPathUser = (stored: Record<string, unknown>, links: ResourceLink[]) =>
  JSON.stringify(projectAttributes(userResourceType, renderUser(stored, { ...meta, groups: links }), {}));
const textPathUser = (stored: Record<string, unknown>, links: ResourceLink[]) =>
  renderResourceJson(userResourceType, stored, meta, { name: 'groups', list: links });
/** A stored resource as the store hands it back: canonical, through JSON text. */
const storedFrom = (body: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(canonicalizeResource(userResourceType, body).resource)) as Record<string, unknown>;

describe('renderResourceJson', () => {
  const people = generatePeople(40);

  it('writes Okta users byte for byte as the object path does, with and without groups', () => {
    for (const [i, person] of people.entries()) {
      const stored = storedFrom(oktaCreateUserBody(oktaProfileOf(person)));
      const links = i % 2 === 0 ? groups : [];
      expect(textPathUser(stored, links)).toBe(objectPathUser(stored, links));
    }
  });

  it('writes Entra users (enterprise extension, Example 2 nulls) byte for byte as the object path does', () => {
    for (const [i, person] of people.entries()) {
      for (const body of [entraCreateUserBody(person), entraExample2Body(person)]) {
        const stored = storedFrom(body);
        const links = i % 3 === 0 ? [] : groups.slice(0, i % 3);
        expect(textPathUser(stored, links)).toBe(objectPathUser(stored, links));
      }
    }
    // The enterprise data did reach the output (the comparison is not between two empty renders).
    const parsed = JSON.parse(textPathUser(storedFrom(entraCreateUserBody(people[0]!)), groups)) as Record<string, unknown>;
    expect(parsed.schemas).toEqual([SCIM_USER, SCIM_ENTERPRISE_USER]);
    expect(parsed[SCIM_ENTERPRISE_USER]).toMatchObject({ department: people[0]!.department });
    expect((parsed.groups as unknown[]).length).toBe(3);
  });

  it('matches the object path on the edges: null externalId, stored password, empty or unknown-only extension, odd keys', () => {
    const cases: Record<string, unknown>[] = [
      { userName: 'a', externalId: null },
      { userName: 'a', password: 'secret', active: false },
      { userName: 'a', [SCIM_ENTERPRISE_USER]: {} },
      { userName: 'a', [SCIM_ENTERPRISE_USER]: { notInTheSchema: 1, department: null } },
      { userName: 'a', [SCIM_ENTERPRISE_USER]: { manager: { value: 'm', displayName: 'Boss' } }, unknownTopLevel: 'x' },
      JSON.parse('{"userName":"a","name":{"__proto__":{"x":1},"givenName":"\\ud800"},"emails":[{"value":"a@b","2":1,"1":0}]}') as Record<string, unknown>,
    ];
    for (const stored of cases) {
      for (const links of [[], groups]) expect(textPathUser(stored, links)).toBe(objectPathUser(stored, links));
    }
    expect(JSON.parse(textPathUser({ userName: 'a', password: 'secret' }, []))).not.toHaveProperty('password');
  });

  it('writes Groups with members as the object path does', () => {
    const members: ResourceLink[] = [{ value: 'u1', display: 'Ada', $ref: 'https://sp.example/Users/u1' }, { value: 'u2', $ref: 'https://sp.example/Users/u2' }];
    for (const stored of [{ displayName: 'Admins', externalId: 'ext' }, { displayName: 'Empty' }]) {
      for (const list of [[], members]) {
        const groupMeta = { ...meta, location: 'https://sp.example/Groups/x' };
        expect(renderResourceJson(groupResourceType, stored, groupMeta, { name: 'members', list })).toBe(
          JSON.stringify(projectAttributes(groupResourceType, renderGroup(stored, { ...groupMeta, members: list }), {})),
        );
      }
    }
    expect(JSON.parse(renderResourceJson(groupResourceType, { displayName: 'G' }, meta, { name: 'members', list: [] })).schemas).toEqual([SCIM_GROUP]);
  });
});

describe('listResponseJson', () => {
  it('is the ListResponse the object path would serialise', () => {
    const resources = [textPathUser({ userName: 'a' }, []), textPathUser({ userName: 'b' }, groups)];
    const expected = { schemas: [SCIM_LIST_RESPONSE], totalResults: 12, startIndex: 3, itemsPerPage: 2, Resources: resources.map((r) => JSON.parse(r) as unknown) };
    expect(listResponseJson({ totalResults: 12, startIndex: 3, resources })).toBe(JSON.stringify(expected));
    expect(listResponseJson({ totalResults: 0, startIndex: 1, resources: [] })).toBe(
      JSON.stringify({ schemas: [SCIM_LIST_RESPONSE], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] }),
    );
  });
});
