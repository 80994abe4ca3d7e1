/**
 * The canonical (stored) form of a SCIM resource, shared by canonicalize, render, project and PATCH.
 *
 * A `StoredResource` is a plain JSON object with the attribute names spelled as in
 * `schema/definitions.ts`: core attributes at the top level, extension attributes under their
 * schema URN key, `externalId` included. It never holds `id`, `meta`, `schemas`, `password`,
 * User `groups` (derived from membership) or Group `members` (kept in their own table), and it
 * never holds an empty value: null, "", [] and {} all mean "unassigned" (RFC 7643 §2.5), so they
 * are dropped rather than stored.
 */
import {
  groupResourceType,
  userResourceType,
  type ResourceTypeDefinition,
} from '../schema/definitions.js';

export type StoredResource = Record<string, unknown>;

/** A group member as a request names it: the id of a User of the same connection. */
export interface MemberRef {
  value: string;
}

/** Functions accept the resource type's definition or its name. */
export type ResourceTypeInput = ResourceTypeDefinition | 'User' | 'Group';

export function toResourceType(input: ResourceTypeInput): ResourceTypeDefinition {
  if (input === 'User') return userResourceType;
  if (input === 'Group') return groupResourceType;
  return input;
}
