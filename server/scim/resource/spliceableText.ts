/**
 * The stored text of a resource in the layout that whole-resource reads can splice into their
 * answer as it is, instead of parsing it (the store's JSON.parse), laying it out (renderJson.ts)
 * and serialising it again: the hot read and each user of Okta's import pages paid for all three,
 * and for the garbage they made.
 *
 * A whole resource (no `attributes`/`excludedAttributes`) is
 *   {"schemas":[core, extensions present…],"id":…, externalId, core attributes in definition order
 *    with the derived `groups`/`members` at its definition position, extensions present…, "meta":{…}}
 * (renderJson.ts). When the stored text's members are exactly the members between `id` and the
 * derived list, and those after it, in that order, the answer is the text cut in two at the derived
 * list's position with `id`, the derived list and `meta` put around it: byte for byte what
 * renderResourceJson makes of the parsed text (test/unit/resource-spliceable-text.test.ts).
 *
 * The writer (server/store/scimResources.ts) stores `spliceableText(...).text` and its `layout`
 * in `resource_layout` (migration 009). The layout is one integer, `offset * 256 + extensions`:
 * `offset`, where the derived list goes in the text (an index into the string), and `extensions`,
 * a bit per extension of the resource type that the text holds (which URNs `schemas` lists).
 * It is null when the resource holds anything renderJson.ts would leave out or rewrite (an unknown
 * or `returned: never` attribute, a null, an extension with nothing to show; none of which
 * canonicalize or PATCH store, see types.ts): such a text is stored as JSON.stringify gives it and
 * read the object way. Rows without a layout (written before migration 009) are read that way too.
 */
import type { ResourceTypeDefinition } from '../schema/definitions.js';
import { links, scimMetaOf, type RenderMeta, type ResourceLink } from './render.js';
import type { StoredResource } from './types.js';
import { isPlainObject } from './validateValue.js';

/** A stored text known to be in the splice layout, and that layout. */
export interface SpliceableText {
  text: string;
  layout: number;
}

/** The layout is `offset * OFFSET_UNIT + extensions`: the low 8 bits are the extensions' bits. */
const OFFSET_UNIT = 256;
/** PostgreSQL's `integer` holds the layout: offsets up to 2^31 / 256 (8 M characters). */
const MAX_LAYOUT = 2 ** 31 - 1;

/** `"name":value` for a value renderJson.ts would return, else undefined (null, NaN, undefined, a function). */
function member(name: string, value: unknown): string | undefined {
  const json = JSON.stringify(value) as string | undefined;
  return json === undefined || json === 'null' ? undefined : `${JSON.stringify(name)}:${json}`;
}

/**
 * The text to store for `resource`, with its layout when the text is in the splice layout (see the
 * header), else the layout null and the text JSON.stringify's.
 */
export function spliceableText(resourceType: ResourceTypeDefinition, resource: StoredResource, derivedName: string): { text: string; layout: number | null } {
  const before: string[] = [];
  const after: string[] = [];
  let placed = 0;
  let unsplicable = false;
  const put = (into: string[], name: string, value: unknown) => {
    const json = member(name, value);
    if (json === undefined) unsplicable = true;
    else {
      into.push(json);
      placed++;
    }
  };
  if (resource.externalId !== undefined) put(before, 'externalId', resource.externalId);
  let into = before;
  for (const attribute of resourceType.schema.attributes) {
    if (attribute.name === derivedName) {
      into = after;
      continue;
    }
    // Present but never returned (a stored password): renderJson.ts leaves it out, so the text cannot be spliced.
    if (attribute.returned === 'never') continue;
    if (resource[attribute.name] !== undefined) put(into, attribute.name, resource[attribute.name]);
  }
  let extensions = 0;
  resourceType.extensions.forEach((extension, bit) => {
    const data = resource[extension.id];
    if (data === undefined) return;
    placed++;
    if (!isPlainObject(data) || bit >= 8) {
      unsplicable = true;
      return;
    }
    const inner: string[] = [];
    for (const attribute of extension.attributes) {
      if (attribute.returned === 'never' || data[attribute.name] === undefined) continue;
      const json = member(attribute.name, data[attribute.name]);
      if (json === undefined) unsplicable = true;
      else inner.push(json);
    }
    if (inner.length === 0 || inner.length !== Object.keys(data).length) unsplicable = true;
    after.push(`${JSON.stringify(extension.id)}:{${inner.join(',')}}`);
    extensions |= 1 << bit;
  });
  // Every key of the resource must have been placed: anything else is left out by renderJson.ts.
  if (unsplicable || placed !== Object.keys(resource).length) return { text: JSON.stringify(resource), layout: null };
  const head = before.join(',');
  const tail = after.join(',');
  const text = `{${head}${head !== '' && tail !== '' ? ',' : ''}${tail}}`;
  const layout = (1 + head.length) * OFFSET_UNIT + extensions;
  return layout > MAX_LAYOUT ? { text: JSON.stringify(resource), layout: null } : { text, layout };
}

/** `{"schemas":[…],"id":` per resource type and set of extensions present, built once. */
const prefixes = new WeakMap<ResourceTypeDefinition, Map<number, string>>();

function prefixOf(resourceType: ResourceTypeDefinition, extensions: number): string {
  let byExtensions = prefixes.get(resourceType);
  if (!byExtensions) prefixes.set(resourceType, (byExtensions = new Map()));
  let prefix = byExtensions.get(extensions);
  if (prefix === undefined) {
    const schemas = [resourceType.schema.id, ...resourceType.extensions.filter((_, bit) => (extensions & (1 << bit)) !== 0).map((e) => e.id)];
    prefix = `{"schemas":${JSON.stringify(schemas)},"id":`;
    byExtensions.set(extensions, prefix);
  }
  return prefix;
}

/** The whole resource as renderResourceJson writes it, from its stored text in the splice layout. */
export function spliceResourceJson(
  resourceType: ResourceTypeDefinition,
  stored: SpliceableText,
  meta: RenderMeta,
  derived: { name: string; list: readonly ResourceLink[] },
): string {
  const { text, layout } = stored;
  let members: string;
  if (derived.list.length === 0) {
    members = text.slice(1, -1);
  } else {
    const offset = Math.floor(layout / OFFSET_UNIT);
    const head = text.slice(1, offset);
    // Starts with a comma when there are members on both sides of the derived list.
    const tail = text.slice(offset, -1);
    const list = `${JSON.stringify(derived.name)}:${JSON.stringify(links(derived.list))}`;
    members = head === '' ? (tail === '' ? list : `${list},${tail}`) : `${head},${list}${tail}`;
  }
  return (
    prefixOf(resourceType, layout % OFFSET_UNIT) +
    JSON.stringify(meta.id) +
    (members === '' ? '' : `,${members}`) +
    `,"meta":${JSON.stringify(scimMetaOf(resourceType, meta))}}`
  );
}
