/**
 * Name resolution shared by canonicalize, project and PATCH, on top of `schema/resolve.ts`.
 */
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from '../schema/definitions.js';
import { findSchema, type ResolvedAttribute } from '../schema/resolve.js';

/** The extension schema whose URN is exactly `key` (case-insensitively), if any. */
export function extensionNamed(resourceType: ResourceTypeDefinition, key: string): SchemaDefinition | undefined {
  const schema = findSchema(resourceType, key);
  return schema && schema !== resourceType.schema ? schema : undefined;
}

/** Each complex attribute's sub-attributes by lower-cased name, built once: every element of every body is checked against them. */
const subAttributesByName = new WeakMap<AttributeDefinition, Map<string, AttributeDefinition>>();

/** A sub-attribute definition by name, case-insensitively. */
export function findSubAttribute(parent: AttributeDefinition, name: string): AttributeDefinition | undefined {
  let byName = subAttributesByName.get(parent);
  if (byName === undefined) {
    // The first of two names equal but for case wins, as a search in definition order would find it.
    byName = new Map();
    for (const sub of [...(parent.subAttributes ?? [])].reverse()) byName.set(sub.name.toLowerCase(), sub);
    subAttributesByName.set(parent, byName);
  }
  return byName.get(name.toLowerCase());
}

/** Display paths of resolved names (which resolveAttribute shares): worked out once each. */
const displayPaths = new WeakMap<ResolvedAttribute, string>();

/** `urn:…:User:manager.value` style name of a resolved path, for error details. */
export function displayPath(resolved: ResolvedAttribute): string {
  let path = displayPaths.get(resolved);
  if (path === undefined) {
    const [first, ...rest] = resolved.storagePath;
    path = resolved.inExtension ? `${first}:${rest.join('.')}` : resolved.storagePath.join('.');
    displayPaths.set(resolved, path);
  }
  return path;
}
