/**
 * The full SCIM representation of a stored resource as JSON text, for the reads that ask for no
 * projection (no `attributes` / `excludedAttributes`): every GET of Okta's import pages and of the
 * hot read. The text is exactly `JSON.stringify(projectAttributes(type, render(...)))` (the
 * default projection of render.ts's object, byte for byte; test/unit/resource-render-json.test.ts
 * and the integration test compare them), built by concatenation straight from the stored values,
 * without the deep copy, the projection pass over the copy and the serialisation of the whole
 * object that the object path pays for. Requests with a projection keep the object path.
 */
import { SCIM_LIST_RESPONSE } from '../../../shared/scim/urns.js';
import type { AttributeDefinition, ResourceTypeDefinition } from '../schema/definitions.js';
import { weakETag, type RenderMeta, type ResourceLink } from './render.js';
import type { StoredResource } from './types.js';
import { isPlainObject } from './validateValue.js';

/** `,"name":value` for each attribute with a value (not null), in definition order; `returned: never` is never written. */
function attributesJson(data: Record<string, unknown>, definitions: readonly AttributeDefinition[], skip: string | undefined, derivedJson: string): string {
  let out = '';
  for (const attribute of definitions) {
    if (attribute.name === skip) {
      out += derivedJson;
      continue;
    }
    if (attribute.returned === 'never') continue;
    const value = data[attribute.name];
    if (value !== undefined && value !== null) out += `,${JSON.stringify(attribute.name)}:${JSON.stringify(value)}`;
  }
  return out;
}

/** The derived User.groups / Group.members as render.ts's `links` writes them: value, $ref, display (when set). */
function linksJson(name: string, list: readonly ResourceLink[]): string {
  if (list.length === 0) return '';
  let out = '';
  for (const link of list) {
    let item = `{"value":${JSON.stringify(link.value)}`;
    if (link.$ref) item += `,"$ref":${JSON.stringify(link.$ref)}`;
    if (link.display) item += `,"display":${JSON.stringify(link.display)}`;
    out += out === '' ? `${item}}` : `,${item}}`;
  }
  return `,${JSON.stringify(name)}:[${out}]`;
}

export function renderResourceJson(
  resourceType: ResourceTypeDefinition,
  stored: StoredResource,
  meta: RenderMeta,
  derived: { name: string; list: readonly ResourceLink[] },
): string {
  let schemas = JSON.stringify(resourceType.schema.id);
  let body = attributesJson(stored, resourceType.schema.attributes, derived.name, linksJson(derived.name, derived.list));
  for (const extension of resourceType.extensions) {
    const data = stored[extension.id];
    if (!isPlainObject(data)) continue;
    // An extension left with no attribute to show is dropped with its URN, as the projection does.
    const inner = attributesJson(data, extension.attributes, undefined, '');
    if (inner === '') continue;
    schemas += `,${JSON.stringify(extension.id)}`;
    body += `,${JSON.stringify(extension.id)}:{${inner.slice(1)}}`;
  }
  const externalId = stored.externalId === undefined ? '' : `,"externalId":${JSON.stringify(stored.externalId)}`;
  const metaJson =
    `{"resourceType":${JSON.stringify(resourceType.name)},"created":${JSON.stringify(meta.created)},` +
    `"lastModified":${JSON.stringify(meta.lastModified)},"location":${JSON.stringify(meta.location)},"version":${JSON.stringify(weakETag(meta.version))}}`;
  return `{"schemas":[${schemas}],"id":${JSON.stringify(meta.id)}${externalId}${body},"meta":${metaJson}}`;
}

/** A ListResponse (RFC 7644 §3.4.2) around resources already rendered as JSON text. */
export function listResponseJson(page: { totalResults: number; startIndex: number; resources: readonly string[] }): string {
  return (
    `{"schemas":[${JSON.stringify(SCIM_LIST_RESPONSE)}],"totalResults":${page.totalResults},"startIndex":${page.startIndex},` +
    `"itemsPerPage":${page.resources.length},"Resources":[${page.resources.join(',')}]}`
  );
}
