/**
 * One normalisation step from every PATCH body shape Okta and Entra send (RFC 7644 §3.5.2) to a
 * strict internal form: `{ op: 'add' | 'replace' | 'remove', path, value? }` where `path` is
 * already parsed and resolved against the resource type, and path-less operations have been
 * expanded into one operation per attribute. apply.ts never sees a vendor quirk it has to guess.
 *
 * Errors (RFC 7644 §3.12):
 * - body not an object, `schemas` without the PatchOp URN, `Operations` missing/empty/not an
 *   array or longer than MAX_PATCH_OPERATIONS, an operation that is not an object, an unknown `op`
 *   → 400 invalidSyntax;
 * - a `path` that does not parse or names an attribute the resource type does not have → 400
 *   invalidPath (a malformed filter inside `[...]` → invalidFilter, from the filter parser);
 * - `remove` without a path → 400 noTarget (RFC 7644 §3.5.2.2);
 * - `add`/`replace` without a `value` member, or a path-less one whose value is not an object →
 *   400 invalidValue ("A required value was missing", RFC 7644 §3.12).
 */
import { SCIM_PATCH_OP } from '../../../shared/scim/urns.js';
import { ScimError, invalidPath, invalidSyntax, invalidValue, noTarget } from '../errors.js';
import type { AttributeDefinition, ResourceTypeDefinition } from '../schema/definitions.js';
import type { ResolvedAttribute } from '../schema/resolve.js';
import type { Filter } from '../filter/ast.js';
import { parsePatchPath } from '../filter/parse.js';
import { matchesFilter } from '../filter/evaluate.js';
import { extensionNamed } from '../resource/attributes.js';
import { resolveAttribute } from '../schema/resolve.js';
import { toResourceType, type ResourceTypeInput } from '../resource/types.js';
import { isPlainObject } from '../resource/validateValue.js';

/** Largest number of operations in one PATCH request (before path-less expansion). */
export const MAX_PATCH_OPERATIONS = 1000;

export type PatchOpName = 'add' | 'replace' | 'remove';

/** What an operation targets, resolved against the resource type's schemas. */
export interface PatchTarget {
  /** The path as the client wrote it (or the key of a path-less value), for error details. */
  text: string;
  /** The attribute, and the sub-attribute when the path names one (`name.givenName`, `emails[…].value`). */
  resolved: ResolvedAttribute;
  /** The filter between the brackets of a value path (`emails[type eq "work"]`). */
  valueFilter?: Filter;
}

export interface PatchOperation {
  op: PatchOpName;
  /** Always present: path-less add/replace are expanded into one operation per attribute. */
  path: PatchTarget;
  /** The raw value: apply.ts checks it against the target's definition. Absent for `remove` without value. */
  value?: unknown;
}

function opName(raw: unknown, index: number): PatchOpName {
  // Entra sends "Add", "Replace" and "Remove" (learn.microsoft.com, "Tutorial: Develop and plan
  // provisioning for a SCIM endpoint": "Don't require a case-sensitive match on … op").
  const lower = typeof raw === 'string' ? raw.toLowerCase() : undefined;
  if (lower === 'add' || lower === 'replace' || lower === 'remove') return lower;
  if (raw === undefined) throw invalidSyntax(`Operations[${index}] has no "op"; expected "add", "replace" or "remove".`);
  throw invalidSyntax(`Operations[${index}] has an unknown op ${JSON.stringify(raw)}; expected "add", "replace" or "remove".`);
}

/** Parses and resolves a path; an attribute the resource type does not have is invalidPath. */
export function resolvePatchPath(
  resourceType: ResourceTypeDefinition,
  text: string,
  options: { allowSingleValuedFilter?: boolean } = {},
): PatchTarget {
  const parsed = parsePatchPath(text);
  const name = parsed.subAttribute === undefined ? parsed.attrPath.raw : `${parsed.attrPath.raw}.${parsed.subAttribute}`;
  const resolved = resolveAttribute(resourceType, name);
  if (!resolved) {
    const attribute = resolveAttribute(resourceType, parsed.attrPath.raw);
    throw invalidPath(
      attribute
        ? `The path "${text}" names a sub-attribute that ${attribute.attribute.name} does not have.`
        : `The path "${text}" names an attribute that a ${resourceType.name} does not have.`,
    );
  }
  const target: PatchTarget = { text, resolved };
  if (parsed.valueFilter) {
    const filterableSingle = options.allowSingleValuedFilter === true && resolved.attribute.type === 'complex';
    if (!resolved.attribute.multiValued && !filterableSingle) {
      throw invalidPath(`The path "${text}" has a value filter, but ${resolved.attribute.name} is not multi-valued.`);
    }
    checkValueFilter(parsed.valueFilter, resolved.attribute);
    target.valueFilter = parsed.valueFilter;
  }
  return target;
}

/**
 * Checks every comparison of a value filter against the attribute's sub-attributes now, so that
 * `emails[tpye eq "work"]` is an invalidFilter even when the user has no emails to match.
 */
function checkValueFilter(filter: Filter, attribute: AttributeDefinition): void {
  if (filter.kind === 'and' || filter.kind === 'or') {
    checkValueFilter(filter.left, attribute);
    checkValueFilter(filter.right, attribute);
  } else if (filter.kind === 'not') {
    checkValueFilter(filter.filter, attribute);
  } else {
    matchesFilter({}, filter, attribute);
  }
}

/**
 * A path-less add/replace: "the target location is assumed to be the resource itself" and the
 * value holds the attributes (RFC 7644 §3.5.2.1, §3.5.2.3). Each key becomes its own operation.
 * Keys may be plain names, dotted sub-attribute paths, URN-qualified paths, value paths, or an
 * extension URN whose value is an object of that extension's attributes. Entra's aadOptscim062020
 * mode sends exactly this (learn.microsoft.com, "Known issues and resolutions with SCIM 2.0
 * protocol compliance", "Requests to replace multiple attributes"):
 *   {"op":"replace","value":{"displayName":"Bjfe","name.givenName":"Kkom",
 *    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Aklq"}}
 * Keys naming no attribute of the resource type are ignored, as in a PUT body (canonicalize.ts);
 * `schemas` is ignored too.
 */
function expandPathless(resourceType: ResourceTypeDefinition, op: PatchOpName, value: unknown, index: number): PatchOperation[] {
  if (!isPlainObject(value)) {
    throw invalidValue(`Operations[${index}] has no path, so its value must be an object of attributes to ${op}.`);
  }
  const operations: PatchOperation[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    const extension = extensionNamed(resourceType, key);
    if (extension) {
      operations.push(...expandExtension(resourceType, op, extension.id, inner, index, true));
      continue;
    }
    const target = tryResolve(resourceType, key);
    if (target) operations.push({ op, path: target, value: inner });
  }
  return operations;
}

function tryResolve(resourceType: ResourceTypeDefinition, key: string): PatchTarget | undefined {
  try {
    return resolvePatchPath(resourceType, key);
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidPath') return undefined;
    throw error;
  }
}

/** `{"urn:…:enterprise:2.0:User": {"department": "x"}}`, as a path-less key or as a path. */
function expandExtension(
  resourceType: ResourceTypeDefinition,
  op: PatchOpName,
  urn: string,
  value: unknown,
  index: number,
  ignoreUnknown: boolean,
): PatchOperation[] {
  if (value === null || value === undefined) return [];
  if (!isPlainObject(value)) throw invalidValue(`Operations[${index}]: "${urn}" must be an object holding the extension's attributes.`);
  const operations: PatchOperation[] = [];
  for (const [key, inner] of Object.entries(value)) {
    const text = `${urn}:${key}`;
    const target = ignoreUnknown ? tryResolve(resourceType, text) : resolvePatchPath(resourceType, text);
    if (target) operations.push({ op, path: target, value: inner });
  }
  return operations;
}

export function normalizePatchRequest(resourceTypeInput: ResourceTypeInput, body: unknown): PatchOperation[] {
  const resourceType = toResourceType(resourceTypeInput);
  if (!isPlainObject(body)) throw invalidSyntax('The PATCH body must be a JSON object with "schemas" and "Operations".');
  const member = (name: string) => {
    const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? undefined : body[key];
  };
  const schemas = member('schemas');
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === SCIM_PATCH_OP.toLowerCase())) {
    throw invalidSyntax(`The PATCH body's "schemas" must list "${SCIM_PATCH_OP}".`);
  }
  const list = member('Operations');
  if (!Array.isArray(list) || list.length === 0) throw invalidSyntax('The PATCH body must have a non-empty "Operations" array.');
  if (list.length > MAX_PATCH_OPERATIONS) {
    throw invalidSyntax(`The PATCH body has ${list.length} operations; at most ${MAX_PATCH_OPERATIONS} are accepted per request.`);
  }

  const operations: PatchOperation[] = [];
  list.forEach((raw: unknown, index) => {
    if (!isPlainObject(raw)) throw invalidSyntax(`Operations[${index}] must be an object with "op", "path" and "value".`);
    const field = (name: string) => {
      const key = Object.keys(raw).find((k) => k.toLowerCase() === name);
      return key === undefined ? undefined : raw[key];
    };
    const op = opName(field('op'), index);
    const rawPath = field('path');
    if (rawPath !== undefined && rawPath !== null && typeof rawPath !== 'string') {
      throw invalidPath(`Operations[${index}].path must be a string.`);
    }
    const path = typeof rawPath === 'string' && rawPath.trim() !== '' ? rawPath.trim() : undefined;
    const hasValue = field('value') !== undefined;
    const value = field('value');

    if (op === 'remove') {
      // RFC 7644 §3.5.2.2: "If 'path' is unspecified, the operation fails with HTTP status code 400
      // and a 'scimType' error code of 'noTarget'."
      if (path === undefined) throw noTarget(`Operations[${index}] is a remove without a path; say what to remove.`);
      // A remove may guard a single complex value with a filter: Entra removes a manager with
      // `manager[value eq "<id>"]` (thomaspoignant/scim-patch#453); it applies only if the value matches.
      operations.push({ op, path: resolvePatchPath(resourceType, path, { allowSingleValuedFilter: true }), ...(hasValue ? { value } : {}) });
      return;
    }
    // RFC 7644 §3.5.2.1/§3.5.2.3: add and replace "MUST contain a 'value' member".
    if (!hasValue) throw invalidValue(`Operations[${index}] (${op}) has no "value".`);
    if (path === undefined) {
      operations.push(...expandPathless(resourceType, op, value, index));
      return;
    }
    const extension = extensionNamed(resourceType, path);
    if (extension) {
      operations.push(...expandExtension(resourceType, op, extension.id, value, index, false));
      return;
    }
    operations.push({ op, path: resolvePatchPath(resourceType, path), value });
  });
  return operations;
}
