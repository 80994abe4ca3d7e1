import { describe, expect, it } from 'vitest';
import { renderGroup, renderUser, weakETag } from '../../server/scim/resource/render.js';
import { isAttributeReturned, parseAttributeList, projectAttributes } from '../../server/scim/resource/project.js';
import { groupResourceType, userResourceType } from '../../server/scim/schema/definitions.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_USER } from '../../shared/scim/urns.js';

const meta = {
  id: '2819c223-7f76-453a-919d-413861904646',
  created: '2024-01-02T03:04:05.000Z',
  lastModified: '2024-02-03T04:05:06.000Z',
  version: 3,
  location: 'https://sp.example/scim/v2/Users/2819c223-7f76-453a-919d-413861904646',
};

const stored = {
  externalId: 'bjensen',
  userName: 'bjensen@example.com',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  [SCIM_ENTERPRISE_USER]: { department: 'Tour Operations', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
};

const groups = [{ value: 'g1', display: 'Admins', $ref: 'https://sp.example/scim/v2/Groups/g1' }];
const rendered = () => renderUser(stored, { ...meta, groups });

describe('renderUser / renderGroup', () => {
  it('renders schemas, id, attributes in definition order, extension, then meta', () => {
    const user = rendered();
    expect(Object.keys(user)).toEqual(['schemas', 'id', 'externalId', 'userName', 'name', 'active', 'emails', 'groups', SCIM_ENTERPRISE_USER, 'meta']);
    expect(user.schemas).toEqual([SCIM_USER, SCIM_ENTERPRISE_USER]);
    expect(user.groups).toEqual([{ value: 'g1', $ref: 'https://sp.example/scim/v2/Groups/g1', display: 'Admins' }]);
    expect(user.meta).toEqual({
      resourceType: 'User',
      created: meta.created,
      lastModified: meta.lastModified,
      location: meta.location,
      version: 'W/"3"',
    });
  });

  it('lists the extension URN only when the resource has extension data, and omits empty groups', () => {
    const user = renderUser({ userName: 'a' }, { ...meta, groups: [] });
    expect(user.schemas).toEqual([SCIM_USER]);
    expect(user).not.toHaveProperty('groups');
  });

  it('never renders password, even if one were stored', () => {
    expect(renderUser({ userName: 'a', password: 'secret' }, { ...meta, groups: [] })).not.toHaveProperty('password');
  });

  it('does not share objects with the stored resource', () => {
    const user = rendered();
    (user.name as Record<string, unknown>).givenName = 'changed';
    expect(stored.name.givenName).toBe('Barbara');
  });

  it('renders a Group with its members', () => {
    const group = renderGroup(
      { externalId: 'e1', displayName: 'Tour Guides' },
      { ...meta, location: 'https://sp.example/scim/v2/Groups/x', members: [{ value: 'u1', display: undefined, $ref: 'https://sp.example/scim/v2/Users/u1' }] },
    );
    expect(group).toEqual({
      schemas: [SCIM_GROUP],
      id: meta.id,
      externalId: 'e1',
      displayName: 'Tour Guides',
      members: [{ value: 'u1', $ref: 'https://sp.example/scim/v2/Users/u1' }],
      meta: { resourceType: 'Group', created: meta.created, lastModified: meta.lastModified, location: 'https://sp.example/scim/v2/Groups/x', version: 'W/"3"' },
    });
  });

  it('formats versions as weak ETags', () => {
    expect(weakETag(7)).toBe('W/"7"');
    expect(weakETag('W/"a1"')).toBe('W/"a1"');
  });
});

describe('projectAttributes (RFC 7644 §3.4.2.5, §3.9)', () => {
  it('attributes=userName returns schemas, id and userName, as in RFC 7644 §3.9', () => {
    expect(projectAttributes(userResourceType, rendered(), { attributes: ['userName'] })).toEqual({
      schemas: [SCIM_USER],
      id: meta.id,
      userName: 'bjensen@example.com',
    });
  });

  it('attributes selects sub-attributes, also across every element of a multi-valued attribute', () => {
    expect(projectAttributes('User', rendered(), { attributes: ['name.givenName', 'emails.value'] })).toEqual({
      schemas: [SCIM_USER],
      id: meta.id,
      name: { givenName: 'Barbara' },
      emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }],
    });
  });

  it('names are case-insensitive and may be URN-qualified', () => {
    const projected = projectAttributes('User', rendered(), {
      attributes: ['USERNAME', `${SCIM_ENTERPRISE_USER}:manager`, 'urn:ietf:params:scim:schemas:core:2.0:User:Active'],
    });
    expect(projected).toEqual({
      schemas: [SCIM_USER, SCIM_ENTERPRISE_USER],
      id: meta.id,
      userName: 'bjensen@example.com',
      active: true,
      [SCIM_ENTERPRISE_USER]: { manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
    });
  });

  it('a whole schema URN selects all of its attributes', () => {
    const projected = projectAttributes('User', rendered(), { attributes: [SCIM_ENTERPRISE_USER] });
    expect(projected[SCIM_ENTERPRISE_USER]).toEqual(stored[SCIM_ENTERPRISE_USER]);
    expect(projected).not.toHaveProperty('userName');
  });

  it('unknown names are ignored', () => {
    expect(projectAttributes('User', rendered(), { attributes: ['shoeSize', 'userName'] })).toEqual({
      schemas: [SCIM_USER],
      id: meta.id,
      userName: 'bjensen@example.com',
    });
    expect(projectAttributes('User', rendered(), { excludedAttributes: ['shoeSize'] })).toEqual(rendered());
  });

  it('meta is returned by default but only on request when attributes is given', () => {
    expect(projectAttributes('User', rendered(), {})).toHaveProperty('meta');
    expect(projectAttributes('User', rendered(), { attributes: ['meta.version'] })).toEqual({
      schemas: [SCIM_USER],
      id: meta.id,
      meta: { version: 'W/"3"' },
    });
  });

  it('Entra excludedAttributes=members drops the members and keeps the rest', () => {
    // learn.microsoft.com "Tutorial: Develop and plan provisioning for a SCIM endpoint", Get Group.
    const group = renderGroup({ displayName: 'displayName' }, { ...meta, members: [{ value: 'u1' }] });
    const projected = projectAttributes(groupResourceType, group, { excludedAttributes: ['members'] });
    expect(projected).not.toHaveProperty('members');
    expect(projected).toMatchObject({ schemas: [SCIM_GROUP], id: meta.id, displayName: 'displayName', meta: { resourceType: 'Group' } });
  });

  it('excludedAttributes cannot remove returned:always attributes', () => {
    expect(projectAttributes('User', rendered(), { excludedAttributes: ['id', 'userName'] })).toHaveProperty('id', meta.id);
    expect(projectAttributes('User', rendered(), { excludedAttributes: ['id', 'userName'] })).not.toHaveProperty('userName');
  });

  it('excludedAttributes removes sub-attributes, and the extension URN with the last extension attribute', () => {
    const projected = projectAttributes('User', rendered(), {
      excludedAttributes: ['emails.type', 'name.familyName', `${SCIM_ENTERPRISE_USER}:department`, `${SCIM_ENTERPRISE_USER}:manager`],
    });
    expect(projected.emails).toEqual([{ value: 'bjensen@example.com', primary: true }, { value: 'babs@jensen.org' }]);
    expect(projected.name).toEqual({ givenName: 'Barbara' });
    expect(projected).not.toHaveProperty(SCIM_ENTERPRISE_USER);
    expect(projected.schemas).toEqual([SCIM_USER]);
  });

  it('attributes then excludedAttributes when both are given', () => {
    expect(projectAttributes('User', rendered(), { attributes: ['name', 'userName'], excludedAttributes: ['name.familyName'] })).toEqual({
      schemas: [SCIM_USER],
      id: meta.id,
      userName: 'bjensen@example.com',
      name: { givenName: 'Barbara' },
    });
  });

  it('tells whether a derived attribute will be returned, so callers can skip loading it', () => {
    expect(isAttributeReturned('Group', {}, 'members')).toBe(true);
    expect(isAttributeReturned('Group', { excludedAttributes: ['members'] }, 'members')).toBe(false);
    expect(isAttributeReturned('Group', { attributes: ['displayName'] }, 'members')).toBe(false);
    expect(isAttributeReturned('Group', { attributes: ['members.value'] }, 'members')).toBe(true);
    expect(isAttributeReturned('Group', { excludedAttributes: ['members.display'] }, 'members')).toBe(true);
    expect(isAttributeReturned('User', { excludedAttributes: ['id'] }, 'id')).toBe(true);
  });

  it('parses comma-separated parameters', () => {
    expect(parseAttributeList('userName, name.givenName,,emails ')).toEqual(['userName', 'name.givenName', 'emails']);
    expect(parseAttributeList(['userName,active', 'meta'])).toEqual(['userName', 'active', 'meta']);
    expect(parseAttributeList('')).toBeUndefined();
    expect(parseAttributeList(' , ')).toBeUndefined();
    expect(parseAttributeList(undefined)).toBeUndefined();
  });
});
