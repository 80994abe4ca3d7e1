/**
 * POST and PUT bodies → the canonical stored form (see types.ts).
 *
 * - The body must be a JSON object whose `schemas` array lists the resource type's core schema URN
 *   (invalidSyntax otherwise). Other URNs in `schemas` are ignored, and extension data is taken
 *   whether or not its URN is listed: Entra's documented POSTs list a mistyped
 *   `…:enterprise:2.0User` and a Microsoft-private Group schema.
 * - Attribute names match case-insensitively (RFC 7643 §2.1); URN-qualified keys
 *   (`urn:…:core:2.0:User:userName`, `urn:…:enterprise:2.0:User:department`), dotted keys
 *   (`name.givenName`) and extension objects under their URN key are all accepted.
 * - Unknown attributes are ignored; readOnly ones (`id`, `meta`, `groups`) are ignored because Okta's
 *   PUT bodies carry them back (developer.okta.com, "SCIM 2.0 Protocol Reference", Update the
 *   User); `password` is accepted and dropped (Okta's Create User sends one).
 * - Values are checked by validateValue.ts; `required` attributes must be present and non-empty.
 * - Group `members` come back separately as `MemberRef[]`: `undefined` when the body has no
 *   `members` key, so the caller decides what an absent list means for a PUT.
 */
import { invalidSyntax, invalidValue } from '../errors.js';
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from '../schema/definitions.js';
import { schemasOf, type ResolvedAttribute } from '../schema/resolve.js';
import { displayPath, extensionNamed } from './attributes.js';
import { resolveAttribute } from '../schema/resolve.js';
import { toResourceType, type MemberRef, type ResourceTypeInput, type StoredResource } from './types.js';
import { attributeValue, isPlainObject, multiValue } from './validateValue.js';

export interface CanonicalResource {
  resource: StoredResource;
  members?: MemberRef[];
}

/** Attributes a client can send but that are never stored in the canonical form. */
export function isStoredAttribute(resolved: ResolvedAttribute): boolean {
  const { attribute } = resolved;
  if (attribute.mutability === 'readOnly' || attribute.mutability === 'writeOnly') return false;
  return !isGroupMembers(resolved);
}

export function isGroupMembers(resolved: ResolvedAttribute): boolean {
  return !resolved.inExtension && resolved.schema.name === 'Group' && resolved.attribute.name === 'members';
}

export function assertSchemas(resourceType: ResourceTypeDefinition, schemas: unknown): void {
  const core = resourceType.schema.id;
  if (!Array.isArray(schemas)) {
    throw invalidSyntax(`The request body must have a "schemas" array that lists "${core}".`);
  }
  if (!schemas.some((s) => typeof s === 'string' && s.toLowerCase() === core.toLowerCase())) {
    throw invalidSyntax(`The "schemas" attribute must list "${core}" for a ${resourceType.name}.`);
  }
}

/** Group members from a value (a POST/PUT `members` list or a PATCH value): `{ value }` each, value required. */
export function memberRefs(membersDefinition: AttributeDefinition, value: unknown, path: string): MemberRef[] {
  if (value === null || value === undefined || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  list.forEach((raw, index) => {
    if (raw === null || raw === undefined) return;
    // Entra sends `"$ref": null` beside the value; what must be there is the member's id.
    const id = typeof raw === 'string' ? raw : isPlainObject(raw) ? Object.entries(raw).find(([k]) => k.toLowerCase() === 'value')?.[1] : undefined;
    if (typeof id !== 'string' || id === '') {
      throw invalidValue(`Attribute '${path}[${index}].value' is required: the id of the member User.`);
    }
  });
  const elements = multiValue(membersDefinition, list, path, { maxValues: Number.POSITIVE_INFINITY });
  const ids = new Set<string>();
  for (const element of elements) if (isPlainObject(element) && typeof element.value === 'string') ids.add(element.value);
  return [...ids].map((id) => ({ value: id }));
}

/** Writes an already validated value at a resolved path of a canonical resource; undefined deletes it. */
export function writeValue(resource: StoredResource, resolved: ResolvedAttribute, value: unknown): void {
  const [first, ...rest] = resolved.storagePath as [string, ...string[]];
  let container: Record<string, unknown> = resource;
  let keys: string[] = [first, ...rest];
  if (resolved.inExtension) {
    const existing = resource[first];
    if (!isPlainObject(existing)) {
      if (value === undefined) return;
      resource[first] = {};
    }
    container = resource[first] as Record<string, unknown>;
    keys = rest;
  }
  const [name, sub] = keys as [string, string | undefined];
  if (sub === undefined) {
    if (value === undefined) delete container[name];
    else container[name] = value;
  } else {
    const parent = isPlainObject(container[name]) ? { ...(container[name] as Record<string, unknown>) } : {};
    if (value === undefined) delete parent[sub];
    else parent[sub] = value;
    if (Object.keys(parent).length === 0) delete container[name];
    else container[name] = orderLike(resolved.attribute, parent);
  }
  if (resolved.inExtension && Object.keys(container).length === 0) delete resource[first];
}

/** A complex value's keys in definition order, so that equal resources serialise equally. */
export function orderLike(definition: AttributeDefinition, value: Record<string, unknown>): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const sub of definition.subAttributes ?? []) if (sub.name in value) ordered[sub.name] = value[sub.name];
  return ordered;
}

/** A canonical resource with its attributes in definition order (core, then each extension). */
export function orderResource(resourceType: ResourceTypeDefinition, resource: StoredResource): StoredResource {
  const ordered: StoredResource = {};
  if ('externalId' in resource) ordered.externalId = resource.externalId;
  for (const attribute of resourceType.schema.attributes) {
    if (attribute.name in resource) ordered[attribute.name] = resource[attribute.name];
  }
  for (const extension of resourceType.extensions) {
    const data = resource[extension.id];
    if (!isPlainObject(data)) continue;
    const inner: Record<string, unknown> = {};
    for (const attribute of extension.attributes) if (attribute.name in data) inner[attribute.name] = data[attribute.name];
    if (Object.keys(inner).length > 0) ordered[extension.id] = inner;
  }
  return ordered;
}

const requiredOf = new WeakMap<ResourceTypeDefinition, Array<{ schema: SchemaDefinition; attribute: AttributeDefinition }>>();

/** The attributes a POST/PUT must assign (worked out once per resource type; the result is shared, not to be changed). */
export function requiredAttributes(resourceType: ResourceTypeDefinition): ReadonlyArray<{ schema: SchemaDefinition; attribute: AttributeDefinition }> {
  let required = requiredOf.get(resourceType);
  if (required === undefined) {
    required = schemasOf(resourceType).flatMap((schema) => schema.attributes.filter((a) => a.required).map((attribute) => ({ schema, attribute })));
    requiredOf.set(resourceType, required);
  }
  return required;
}

/** Whether a required attribute is assigned in a canonical resource. */
export function hasAttribute(resourceType: ResourceTypeDefinition, resource: StoredResource, schema: SchemaDefinition, name: string): boolean {
  const container = schema === resourceType.schema ? resource : resource[schema.id];
  return isPlainObject(container) && container[name] !== undefined;
}

export function canonicalizeResource(resourceTypeInput: ResourceTypeInput, body: unknown): CanonicalResource {
  const resourceType = toResourceType(resourceTypeInput);
  if (!isPlainObject(body)) throw invalidSyntax(`The request body must be a JSON object representing a ${resourceType.name}.`);
  const schemasKey = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  assertSchemas(resourceType, schemasKey === undefined ? undefined : body[schemasKey]);

  const resource: StoredResource = {};
  let members: MemberRef[] | undefined;

  const take = (name: string, value: unknown) => {
    const resolved = resolveAttribute(resourceType, name);
    if (!resolved) return; // Unknown attributes are ignored (RFC 7644 §3.3 lets a provider ignore what it does not support).
    if (isGroupMembers(resolved)) {
      if (resolved.subAttribute) return;
      members = memberRefs(resolved.attribute, value, 'members');
      return;
    }
    if (!isStoredAttribute(resolved)) return;
    const path = displayPath(resolved);
    if (resolved.subAttribute) {
      // `name.givenName` as a key: only meaningful below a single-valued complex attribute.
      if (resolved.attribute.multiValued || resolved.subAttribute.mutability === 'readOnly') return;
      writeValue(resource, resolved, attributeValue(resolved.subAttribute, value, path));
      return;
    }
    writeValue(resource, resolved, attributeValue(resolved.attribute, value, path));
  };

  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') continue;
    const extension = extensionNamed(resourceType, key);
    if (extension) {
      if (value === null || value === undefined) continue;
      if (!isPlainObject(value)) throw invalidValue(`"${extension.id}" must be an object holding the extension's attributes.`);
      for (const [inner, innerValue] of Object.entries(value)) take(`${extension.id}:${inner}`, innerValue);
      continue;
    }
    take(key, value);
  }

  for (const { schema, attribute } of requiredAttributes(resourceType)) {
    if (!hasAttribute(resourceType, resource, schema, attribute.name)) {
      throw invalidValue(`Attribute '${attribute.name}' is required and must not be empty.`);
    }
  }
  const result: CanonicalResource = { resource: orderResource(resourceType, resource) };
  if (members !== undefined) result.members = members;
  return result;
}
