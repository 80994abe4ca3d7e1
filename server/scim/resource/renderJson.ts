/**
 * The full SCIM representation of a stored resource as JSON text, for the reads that ask for no
 * projection (no `attributes` / `excludedAttributes`): every GET of Okta's import pages and of the
 * hot read. The text is exactly `JSON.stringify(projectAttributes(type, render(...)))` (the
 * default projection of render.ts's object, byte for byte; test/unit/resource-render-json.test.ts
 * and the integration test compare them), without the deep copy and the projection pass over the
 * copy that the object path pays for: the resource is laid out in the response's order with the
 * stored values themselves and serialised by one JSON.stringify (a third cheaper than
 * concatenating a JSON.stringify per attribute). Sharing the values is safe because callers pass
 * a resource parsed for this response alone, serialised at once.
 * Requests with a projection keep the object path. A row whose stored text is in the splice layout
 * skips even the parse: renderStoredJson splices that text (spliceableText.ts), the same bytes.
 */
import { SCIM_LIST_RESPONSE } from '../../../shared/scim/urns.js';
import type { AttributeDefinition, ResourceTypeDefinition } from '../schema/definitions.js';
import { links, scimMetaOf, type RenderMeta, type ResourceLink } from './render.js';
import { spliceResourceJson, type SpliceableText } from './spliceableText.js';
import type { StoredResource } from './types.js';
import { isPlainObject } from './validateValue.js';

/** Copies each attribute with a value (not null) in definition order; `returned: never` never. Returns how many. */
function copyAttributes(into: Record<string, unknown>, data: Record<string, unknown>, definitions: readonly AttributeDefinition[]): number {
  let copied = 0;
  for (const attribute of definitions) {
    if (attribute.returned === 'never') continue;
    const value = data[attribute.name];
    if (value !== undefined && value !== null) {
      into[attribute.name] = value;
      copied++;
    }
  }
  return copied;
}

/** The resource as it is returned without a projection, sharing values with `stored` (see the header). */
export function renderWhole(
  resourceType: ResourceTypeDefinition,
  stored: StoredResource,
  meta: RenderMeta,
  derived: { name: string; list: readonly ResourceLink[] },
): Record<string, unknown> {
  const schemas = [resourceType.schema.id];
  const out: Record<string, unknown> = { schemas, id: meta.id };
  if (stored.externalId !== undefined) out.externalId = stored.externalId;
  for (const attribute of resourceType.schema.attributes) {
    if (attribute.name === derived.name) {
      if (derived.list.length > 0) out[attribute.name] = links(derived.list);
    } else if (attribute.returned !== 'never') {
      const value = stored[attribute.name];
      if (value !== undefined && value !== null) out[attribute.name] = value;
    }
  }
  for (const extension of resourceType.extensions) {
    const data = stored[extension.id];
    if (!isPlainObject(data)) continue;
    const inner: Record<string, unknown> = {};
    // An extension left with no attribute to show is dropped with its URN, as the projection does.
    if (copyAttributes(inner, data, extension.attributes) === 0) continue;
    schemas.push(extension.id);
    out[extension.id] = inner;
  }
  out.meta = scimMetaOf(resourceType, meta);
  return out;
}

export function renderResourceJson(
  resourceType: ResourceTypeDefinition,
  stored: StoredResource,
  meta: RenderMeta,
  derived: { name: string; list: readonly ResourceLink[] },
): string {
  return JSON.stringify(renderWhole(resourceType, stored, meta, derived));
}

/**
 * renderResourceJson of a stored row: spliced from its stored text when the writer marked that text
 * as in the splice layout, else from the parsed resource (which `stored.resource` may parse only
 * when asked for, as the store's rows do).
 */
export function renderStoredJson(
  resourceType: ResourceTypeDefinition,
  stored: { readonly resource: StoredResource; readonly spliceable?: SpliceableText | undefined },
  meta: RenderMeta,
  derived: { name: string; list: readonly ResourceLink[] },
): string {
  const spliceable = stored.spliceable;
  return spliceable ? spliceResourceJson(resourceType, spliceable, meta, derived) : renderResourceJson(resourceType, stored.resource, meta, derived);
}

/** A ListResponse (RFC 7644 §3.4.2) around resources already rendered as JSON text. */
export function listResponseJson(page: { totalResults: number; startIndex: number; resources: readonly string[] }): string {
  return (
    `{"schemas":[${JSON.stringify(SCIM_LIST_RESPONSE)}],"totalResults":${page.totalResults},"startIndex":${page.startIndex},` +
    `"itemsPerPage":${page.resources.length},"Resources":[${page.resources.join(',')}]}`
  );
}
