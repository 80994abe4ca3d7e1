/**
 * Case-insensitive attribute name resolution (RFC 7643 §2.1: attribute names are case-insensitive;
 * RFC 7644 §3.10: names may be qualified by their schema URN).
 */
import {
  commonAttributes,
  type AttributeDefinition,
  type ResourceTypeDefinition,
  type SchemaDefinition,
} from './definitions.js';

export interface ResolvedAttribute {
  /** The schema that defines the attribute (common attributes resolve to the core schema). */
  schema: SchemaDefinition;
  /** True when the attribute belongs to an extension and so is stored under the extension's URN key. */
  inExtension: boolean;
  attribute: AttributeDefinition;
  subAttribute?: AttributeDefinition;
  /** Canonical spelling of the path, as stored: ['name', 'givenName'] or [urn, 'manager', 'value']. */
  storagePath: string[];
}

function findAttribute(list: AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === lower);
}

/** Every schema a resource type knows, core first. */
export function schemasOf(resourceType: ResourceTypeDefinition): SchemaDefinition[] {
  return [resourceType.schema, ...resourceType.extensions];
}

/** Each resource type's schemas by lower-cased URN, built once (every key of every body is looked up). */
const schemasByUrn = new WeakMap<ResourceTypeDefinition, Map<string, SchemaDefinition>>();

/** The schema whose URN is `urn` (case-insensitively), if the resource type has it. */
export function findSchema(resourceType: ResourceTypeDefinition, urn: string): SchemaDefinition | undefined {
  let byUrn = schemasByUrn.get(resourceType);
  if (byUrn === undefined) {
    byUrn = new Map([...schemasOf(resourceType)].reverse().map((s) => [s.id.toLowerCase(), s]));
    schemasByUrn.set(resourceType, byUrn);
  }
  return byUrn.get(urn.toLowerCase());
}

/**
 * Splits a possibly URN-qualified path into the schema it names (if any) and the rest.
 * `urn:…:enterprise:2.0:User:manager.value` → [enterprise schema, 'manager.value'].
 */
export function splitSchemaPrefix(
  resourceType: ResourceTypeDefinition,
  path: string,
): { schema: SchemaDefinition | undefined; rest: string } {
  const lower = path.toLowerCase();
  for (const schema of schemasOf(resourceType)) {
    const prefix = schema.id.toLowerCase();
    if (lower === prefix) return { schema, rest: '' };
    if (lower.startsWith(prefix + ':')) return { schema, rest: path.slice(prefix.length + 1) };
  }
  return { schema: undefined, rest: path };
}

/** Names resolved per resource type. Bodies repeat the same few dozen names; a client making up names stops adding at the cap. */
const resolvedNames = new WeakMap<ResourceTypeDefinition, Map<string, ResolvedAttribute | undefined>>();
const MAX_REMEMBERED_NAMES = 1_000;

/**
 * Resolves `attr`, `attr.sub`, or either qualified by a schema URN, against a resource type.
 * Returns undefined for names the resource type does not have. Every attribute name of every body,
 * PATCH path and filter passes through here, so each name's answer is worked out once (a quarter of
 * canonicalising an Entra create was spent re-resolving the same names); the answers are frozen,
 * since callers share them.
 */
export function resolveAttribute(resourceType: ResourceTypeDefinition, path: string): ResolvedAttribute | undefined {
  let remembered = resolvedNames.get(resourceType);
  if (remembered === undefined) resolvedNames.set(resourceType, (remembered = new Map()));
  if (remembered.has(path)) return remembered.get(path);
  const resolved = resolveUncached(resourceType, path);
  if (resolved) {
    Object.freeze(resolved.storagePath);
    Object.freeze(resolved);
  }
  if (remembered.size < MAX_REMEMBERED_NAMES) remembered.set(path, resolved);
  return resolved;
}

function resolveUncached(resourceType: ResourceTypeDefinition, path: string): ResolvedAttribute | undefined {
  const { schema: named, rest } = splitSchemaPrefix(resourceType, path);
  if (rest === '') return undefined;
  const [attrName, subName, ...extra] = rest.split('.');
  if (attrName === undefined || attrName === '' || extra.length > 0 || subName === '') return undefined;

  // An unqualified name the core schema lacks is looked up in the extensions too: Entra sends the
  // bare `manager` (learn.microsoft.com, "Tutorial: Develop and plan provisioning for a SCIM
  // endpoint", Example 5). Core and enterprise schemas share no attribute name, so it is unambiguous.
  const candidates: Array<{ schema: SchemaDefinition; list: AttributeDefinition[] }> = named
    ? [{ schema: named, list: named === resourceType.schema ? [...named.attributes, ...commonAttributes] : named.attributes }]
    : [
        { schema: resourceType.schema, list: [...resourceType.schema.attributes, ...commonAttributes] },
        ...resourceType.extensions.map((schema) => ({ schema, list: schema.attributes })),
      ];

  for (const { schema, list } of candidates) {
    const attribute = findAttribute(list, attrName);
    if (!attribute) continue;
    const inExtension = schema !== resourceType.schema;
    const storagePath = inExtension ? [schema.id, attribute.name] : [attribute.name];
    if (subName === undefined) return { schema, inExtension, attribute, storagePath };
    const subAttribute = findAttribute(attribute.subAttributes, subName);
    if (!subAttribute) return undefined;
    return { schema, inExtension, attribute, subAttribute, storagePath: [...storagePath, subAttribute.name] };
  }
  return undefined;
}

/** The definition that governs a resolved path's value: the sub-attribute when there is one. */
export function leafOf(resolved: ResolvedAttribute): AttributeDefinition {
  return resolved.subAttribute ?? resolved.attribute;
}
