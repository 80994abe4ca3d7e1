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

/** A sub-attribute definition by name, case-insensitively. */
export function findSubAttribute(parent: AttributeDefinition, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return parent.subAttributes?.find((s) => s.name.toLowerCase() === lower);
}

/** `urn:…:User:manager.value` style name of a resolved path, for error details. */
export function displayPath(resolved: ResolvedAttribute): string {
  const [first, ...rest] = resolved.storagePath;
  return resolved.inExtension ? `${first}:${rest.join('.')}` : resolved.storagePath.join('.');
}
