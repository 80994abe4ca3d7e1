/**
 * Canonical stored resource → the full SCIM representation (RFC 7643 §3, §4): `schemas` (the core
 * URN, plus an extension URN only when the resource has data for it), `id`, `externalId`, the
 * attributes in definition order, the derived `groups`/`members`, extension objects, and `meta`
 * with the version as a weak ETag (RFC 7644 §3.14). The order is stable so that responses diff
 * cleanly. Empty lists are omitted (RFC 7643 §2.5: unassigned attributes are not returned).
 * `projectAttributes` (project.ts) then trims the result to what the request asked for.
 */
import type { ScimMeta, ScimResource } from '../../../shared/scim/wire.js';
import { groupResourceType, userResourceType, type ResourceTypeDefinition } from '../schema/definitions.js';
import type { StoredResource } from './types.js';
import { copyJson } from './copyJson.js';
import { isPlainObject } from './validateValue.js';

export interface RenderMeta {
  id: string;
  created: string;
  lastModified: string;
  /** The resource's version counter (or an opaque string); rendered as the weak ETag W/"…". */
  version: number | string;
  location: string;
}

/** A User's group, or a Group's member, as it appears in the response. */
export interface ResourceLink {
  value: string;
  display?: string | undefined;
  $ref?: string | undefined;
}

/** The weak entity tag for a version: `W/"3"`. An already formed tag is kept as is. */
export function weakETag(version: number | string): string {
  const text = String(version);
  return text.startsWith('W/"') || text.startsWith('"') ? text : `W/"${text}"`;
}

/** The derived User.groups / Group.members: value, $ref, display (when set). */
export function links(list: readonly ResourceLink[]): Array<Record<string, string>> {
  return list.map((link) => {
    const out: Record<string, string> = { value: link.value };
    if (link.$ref) out.$ref = link.$ref;
    if (link.display) out.display = link.display;
    return out;
  });
}

function render(
  resourceType: ResourceTypeDefinition,
  stored: StoredResource,
  meta: RenderMeta,
  derived: { name: string; list: ResourceLink[] },
): ScimResource {
  const extensionData = resourceType.extensions.filter((e) => isPlainObject(stored[e.id]) && Object.keys(stored[e.id] as object).length > 0);
  const out: Record<string, unknown> = {
    schemas: [resourceType.schema.id, ...extensionData.map((e) => e.id)],
    id: meta.id,
  };
  if (stored.externalId !== undefined) out.externalId = stored.externalId;
  for (const attribute of resourceType.schema.attributes) {
    if (attribute.name === derived.name) {
      if (derived.list.length > 0) out[attribute.name] = links(derived.list);
      continue;
    }
    if (attribute.returned === 'never') continue;
    const value = stored[attribute.name];
    if (value !== undefined && value !== null) out[attribute.name] = copyJson(value);
  }
  for (const extension of extensionData) {
    const data = stored[extension.id] as Record<string, unknown>;
    const inner: Record<string, unknown> = {};
    for (const attribute of extension.attributes) {
      if (attribute.returned === 'never') continue;
      if (data[attribute.name] !== undefined && data[attribute.name] !== null) inner[attribute.name] = copyJson(data[attribute.name]);
    }
    out[extension.id] = inner;
  }
  out.meta = scimMetaOf(resourceType, meta);
  return out as ScimResource;
}

/** The resource's `meta` (RFC 7643 §3.1). */
export function scimMetaOf(resourceType: ResourceTypeDefinition, meta: RenderMeta): ScimMeta {
  return { resourceType: resourceType.name, created: meta.created, lastModified: meta.lastModified, location: meta.location, version: weakETag(meta.version) };
}

export function renderUser(stored: StoredResource, meta: RenderMeta & { groups: ResourceLink[] }): ScimResource {
  return render(userResourceType, stored, meta, { name: 'groups', list: meta.groups });
}

export function renderGroup(stored: StoredResource, meta: RenderMeta & { members: ResourceLink[] }): ScimResource {
  return render(groupResourceType, stored, meta, { name: 'members', list: meta.members });
}
