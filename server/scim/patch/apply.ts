/**
 * Applies normalised PATCH operations (normalize.ts) to a canonical stored resource, per
 * RFC 7644 §3.5.2.1–3. Operations run in order on a copy, and any failure fails the whole request
 * (RFC 7644 §3.5.2: "If any operation fails, … the entire PATCH request fails"). Values are
 * checked by resource/validateValue.ts, the code POST and PUT use.
 *
 * Semantics decided here (the RFC leaves them open or the vendors need them):
 * - add on a single-valued attribute replaces it (RFC 7644 §3.5.2.1); Entra sends `Add` for
 *   single-valued attributes. add/replace with an empty value (null, "", {}) unassigns.
 * - add/replace on a single complex attribute merges the given sub-attributes (RFC 7644
 *   §3.5.2.1/§3.5.2.3: unspecified sub-attributes "are left unchanged"), except for a reference-like
 *   complex attribute with a `value` sub-attribute (enterprise `manager`): its sub-attributes
 *   describe one user, so a new value replaces the whole object (no stale `$ref` or displayName).
 * - add on a multi-valued attribute appends, skipping exact duplicates; replace replaces the list.
 * - A value filter with add or replace updates every matching element. When nothing matches and
 *   the filter is a conjunction of `sub eq "literal"` tests, a new element is created from those
 *   equalities (`emails[type eq "work"].value` → `{ "value": …, "type": "work" }`). RFC 7644
 *   §3.5.2.3 says replace should fail with noTarget here, but Entra maps `mail` to this path and
 *   sends it with Replace (learn.microsoft.com, "Known issues…", "Requests to replace multiple
 *   attributes", both modes) and with Add (learn.microsoft.com/answers/questions/1684621) whether
 *   or not the user already has a work email; failing would block that user's provisioning. So
 *   add and replace behave alike. A filter that cannot be turned into an element → noTarget.
 * - remove with a value filter that matches nothing succeeds and changes nothing (the RFC sets no
 *   rule; Okta and Entra retry removals that already happened).
 * - remove with a `value` list on a multi-valued attribute removes only the listed values (Entra's
 *   default-mode group member removal; the same rule is applied to every multi-valued attribute).
 * - A multi-valued element left with only `type`/`primary`/`display` after a sub-attribute was
 *   removed or emptied is dropped: `{ "type": "work" }` is not an email.
 * - Setting `primary: true` on an element sets it false on the others (RFC 7644 §3.5.2).
 * - Read-only targets (`id`, `meta`, `groups`, `manager.displayName`) → 400 mutability, except
 *   an `id` equal to the patched resource's own id, which Okta's group rename repeats
 *   (developer.okta.com, "SCIM 2.0 Protocol Reference", Update a specific Group name).
 *   `password` is accepted and dropped.
 * - A required attribute (userName, Group displayName) that ends up unassigned → 400 mutability
 *   (RFC 7644 §3.5.2.2: "If an attribute is removed or becomes unassigned and is defined as a
 *   required attribute … 'mutability'").
 * - Group `members` are not in the stored resource: they become `MemberChange`s, in request order,
 *   for the caller to apply. A members value filter must be `value eq "id"` (optionally joined by
 *   `or`) unless the caller passes the current members, in which case any filter is evaluated.
 */
import { invalidFilter, invalidPath, invalidValue, mutability, noTarget } from '../errors.js';
import type { AttributeDefinition } from '../schema/definitions.js';
import type { Filter } from '../filter/ast.js';
import { matchesFilter } from '../filter/evaluate.js';
import { displayPath, findSubAttribute } from '../resource/attributes.js';
import {
  hasAttribute,
  isGroupMembers,
  memberRefs,
  orderLike,
  orderResource,
  requiredAttributes,
} from '../resource/canonicalize.js';
import { copyJson } from '../resource/copyJson.js';
import { toResourceType, type MemberRef, type ResourceTypeInput, type StoredResource } from '../resource/types.js';
import {
  LIMITS,
  attributeValue,
  elementValue,
  isEmptyValue,
  isPlainObject,
  multiValue,
} from '../resource/validateValue.js';
import type { PatchOperation } from './normalize.js';

/** A change to a Group's membership, in request order; ids are member User ids, unverified. */
export type MemberChange =
  | { kind: 'add'; ids: string[] }
  | { kind: 'remove'; ids: string[] }
  | { kind: 'removeAll' }
  | { kind: 'replace'; ids: string[] };

export interface ApplyOptions {
  /** The patched resource's id: Okta's path-less group rename repeats it as `"id"`. */
  resourceId?: string | undefined;
  /** The Group's current members; only needed for member filters other than `value eq "…"`. */
  members?: MemberRef[] | undefined;
}

export interface PatchResult {
  resource: StoredResource;
  memberChanges: MemberChange[];
}

/** Sub-attributes that only describe an element; an element with nothing else is empty. */
const DESCRIPTIVE = new Set(['type', 'primary', 'display']);

function hasSubstance(element: unknown): boolean {
  if (!isPlainObject(element)) return element !== undefined;
  return Object.keys(element).some((key) => !DESCRIPTIVE.has(key));
}

interface Slot {
  get(): unknown;
  set(value: unknown): void;
}

/** The storage slot of a top-level attribute (core or extension) of the working resource. */
function slotOf(resource: StoredResource, op: PatchOperation): Slot {
  const { resolved } = op.path;
  const name = resolved.attribute.name;
  const urn = resolved.inExtension ? resolved.schema.id : undefined;
  return {
    get: () => {
      const container = urn === undefined ? resource : resource[urn];
      return isPlainObject(container) ? container[name] : undefined;
    },
    set: (value) => {
      if (urn === undefined) {
        if (value === undefined) delete resource[name];
        else resource[name] = value;
        return;
      }
      const container = isPlainObject(resource[urn]) ? (resource[urn] as Record<string, unknown>) : {};
      if (value === undefined) delete container[name];
      else container[name] = value;
      if (Object.keys(container).length === 0) delete resource[urn];
      else resource[urn] = container;
    },
  };
}

/** `sub eq "literal"` tests joined by `and`, as the sub-attributes of a new element; else undefined. */
function equalitiesOf(filter: Filter, attribute: AttributeDefinition): Record<string, unknown> | undefined {
  if (filter.kind === 'and') {
    const left = equalitiesOf(filter.left, attribute);
    const right = equalitiesOf(filter.right, attribute);
    return left && right ? { ...left, ...right } : undefined;
  }
  if (filter.kind !== 'comparison' || filter.op !== 'eq' || filter.value === null) return undefined;
  if (filter.attrPath.uri !== undefined || filter.attrPath.subAttribute !== undefined) return undefined;
  const sub = findSubAttribute(attribute, filter.attrPath.attribute);
  return sub ? { [sub.name]: filter.value } : undefined;
}

/** Member ids named by `value eq "a" or value eq "b"`; undefined for any other filter. */
function memberIdsOf(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const left = memberIdsOf(filter.left);
    const right = memberIdsOf(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  if (filter.kind !== 'comparison' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  const path = filter.attrPath;
  return path.uri === undefined && path.subAttribute === undefined && path.attribute.toLowerCase() === 'value' ? [filter.value] : undefined;
}

/** Keeps at most one `primary: true`, the one this operation set (RFC 7644 §3.5.2). */
function settlePrimary(list: unknown[], touched: Set<unknown>, path: string): unknown[] {
  const primaries = list.filter((e) => isPlainObject(e) && e.primary === true);
  if (primaries.length <= 1) return list;
  const winners = primaries.filter((e) => touched.has(e));
  if (winners.length !== 1) {
    throw invalidValue(`Attribute '${path}' would have ${primaries.length} values marked primary; at most one may be (RFC 7643 §2.4).`);
  }
  return list.map((e) => (isPlainObject(e) && e.primary === true && e !== winners[0] ? { ...e, primary: false } : e));
}

/** For a remove with a value list: elements with the same `value` (case-insensitively unless caseExact), else equal ones. */
function sameElement(definition: AttributeDefinition, existing: unknown, given: unknown): boolean {
  const valueDefinition = findSubAttribute(definition, 'value');
  if (isPlainObject(existing) && isPlainObject(given) && valueDefinition && given.value !== undefined) {
    const a = existing.value;
    const b = given.value;
    if (typeof a === 'string' && typeof b === 'string' && !valueDefinition.caseExact) return a.toLowerCase() === b.toLowerCase();
    return a === b;
  }
  return JSON.stringify(existing) === JSON.stringify(given);
}

function applyMembers(op: PatchOperation, options: ApplyOptions, changes: MemberChange[]): void {
  const { resolved, valueFilter, text } = op.path;
  const attribute = resolved.attribute;
  if (resolved.subAttribute) {
    throw mutability(`"${text}": a member's sub-attributes cannot be changed; add or remove the member instead.`);
  }
  if (op.op === 'remove') {
    if (valueFilter) {
      // Okta: {"op":"remove","path":"members[value eq \"89bb1940-…\"]"} (developer.okta.com, "SCIM 2.0
      // Protocol Reference", Update specific Group membership); Entra aadOptscim062020 sends the same shape.
      let ids = memberIdsOf(valueFilter);
      if (ids === undefined) {
        if (!options.members) {
          throw invalidFilter(`"${text}": a members filter must be 'value eq "<id>"', optionally joined with 'or'.`);
        }
        ids = options.members.filter((m) => matchesFilter(m, valueFilter, attribute)).map((m) => m.value);
      }
      const unique = [...new Set(ids)];
      if (unique.length > 0) changes.push({ kind: 'remove', ids: unique });
      return;
    }
    if (op.value !== undefined && op.value !== null) {
      // Entra's default mode: {"op":"Remove","path":"members","value":[{"value":"u1091"}]} removes only
      // the listed members (learn.microsoft.com, "Known issues and resolutions with SCIM 2.0 protocol
      // compliance", "Requests made to remove a group member").
      const ids = memberRefs(attribute, op.value, 'members').map((m) => m.value);
      if (ids.length > 0) changes.push({ kind: 'remove', ids });
      return;
    }
    changes.push({ kind: 'removeAll' });
    return;
  }
  if (valueFilter) {
    throw invalidPath(`"${text}": ${op.op} on members takes a list of members, not a value filter.`);
  }
  const ids = memberRefs(attribute, op.value, 'members').map((m) => m.value);
  if (op.op === 'replace') changes.push({ kind: 'replace', ids });
  else if (ids.length > 0) changes.push({ kind: 'add', ids });
}

/** add/replace of a single-valued complex attribute with a value object: merge, or replace for `manager`. */
function mergeComplex(attribute: AttributeDefinition, current: unknown, value: unknown, path: string): unknown {
  const replaced = attributeValue(attribute, value, path);
  if (findSubAttribute(attribute, 'value') || !isPlainObject(value)) return replaced;
  const merged: Record<string, unknown> = isPlainObject(current) ? { ...current } : {};
  for (const [key, raw] of Object.entries(value)) {
    const sub = findSubAttribute(attribute, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    const subValue = attributeValue(sub, raw, `${path}.${sub.name}`);
    if (subValue === undefined) delete merged[sub.name];
    else merged[sub.name] = subValue;
  }
  return Object.keys(merged).length === 0 ? undefined : orderLike(attribute, merged);
}

function applySingleValued(op: PatchOperation, slot: Slot, path: string): void {
  const { attribute, subAttribute } = op.path.resolved;
  // Only a remove carries a filter on a single value (see normalize.ts); it applies when the value matches.
  if (op.path.valueFilter && !matchesFilter(slot.get() ?? {}, op.path.valueFilter, attribute)) return;
  if (subAttribute) {
    const current = isPlainObject(slot.get()) ? { ...(slot.get() as Record<string, unknown>) } : {};
    const value = op.op === 'remove' ? undefined : attributeValue(subAttribute, op.value, path);
    if (value === undefined) delete current[subAttribute.name];
    else current[subAttribute.name] = value;
    slot.set(Object.keys(current).length === 0 ? undefined : orderLike(attribute, current));
    return;
  }
  if (op.op === 'remove') {
    slot.set(undefined);
    return;
  }
  slot.set(attribute.type === 'complex' ? mergeComplex(attribute, slot.get(), op.value, path) : attributeValue(attribute, op.value, path));
}

function applyMultiValued(op: PatchOperation, slot: Slot, path: string): void {
  const { resolved, valueFilter } = op.path;
  const { attribute, subAttribute } = resolved;
  let list: unknown[] = Array.isArray(slot.get()) ? [...(slot.get() as unknown[])] : [];
  const touched = new Set<unknown>();

  /** Sets (or, with undefined, removes) the sub-attribute on the selected elements; emptied ones are dropped. */
  const setSub = (selected: (element: unknown) => boolean, value: unknown) => {
    const next: unknown[] = [];
    for (const element of list) {
      if (!subAttribute || !isPlainObject(element) || !selected(element)) {
        next.push(element);
        continue;
      }
      const updated: Record<string, unknown> = { ...element };
      if (value === undefined) delete updated[subAttribute.name];
      else updated[subAttribute.name] = value;
      const ordered = orderLike(attribute, updated);
      if (!hasSubstance(ordered)) continue;
      touched.add(ordered);
      next.push(ordered);
    }
    list = next;
  };

  if (!valueFilter && !subAttribute) {
    if (op.op === 'replace') {
      list = multiValue(attribute, op.value, path);
      list.forEach((e) => touched.add(e));
    } else if (op.op === 'add') {
      for (const element of multiValue(attribute, op.value, path)) {
        if (list.some((existing) => JSON.stringify(existing) === JSON.stringify(element))) continue;
        list.push(element);
        touched.add(element);
      }
    } else if (op.value === undefined || op.value === null) {
      list = [];
    } else {
      const given = multiValue(attribute, op.value, path, { maxValues: Number.POSITIVE_INFINITY });
      list = list.filter((existing) => !given.some((g) => sameElement(attribute, existing, g)));
    }
  } else if (!valueFilter && subAttribute) {
    // `emails.value`: every element.
    if (op.op === 'remove') setSub(() => true, undefined);
    else {
      if (list.length === 0) throw noTarget(`"${op.path.text}": ${attribute.name} has no values to ${op.op}; use a value filter or the whole attribute.`);
      setSub(() => true, attributeValue(subAttribute, op.value, path));
    }
  } else if (valueFilter) {
    const matches = (element: unknown) => matchesFilter(element, valueFilter, attribute);
    const matched = list.filter(matches);
    if (op.op === 'remove') {
      if (subAttribute) setSub((e) => matched.includes(e), undefined);
      else list = list.filter((e) => !matched.includes(e));
    } else {
      const value = subAttribute ? attributeValue(subAttribute, op.value, path) : elementValue(attribute, op.value, path);
      if (matched.length > 0) {
        if (subAttribute) setSub((e) => matched.includes(e), value);
        else {
          // Every match is replaced by the value: it takes the first match's place, once.
          const first = matched[0];
          list = list.flatMap((e) => (e === first && value !== undefined ? [value] : matched.includes(e) ? [] : [e]));
          if (value !== undefined) touched.add(value);
        }
      } else if (value !== undefined) {
        const seed = equalitiesOf(valueFilter, attribute);
        if (!seed) {
          throw noTarget(`"${op.path.text}" matches no value of ${attribute.name}, and its filter does not describe a new one.`);
        }
        const raw = subAttribute ? { ...seed, [subAttribute.name]: value } : { ...seed, ...(value as Record<string, unknown>) };
        const element = elementValue(attribute, raw, path);
        if (element !== undefined) {
          list.push(element);
          touched.add(element);
        }
      }
    }
  }
  list = settlePrimary(list, touched, resolved.inExtension ? `${resolved.schema.id}:${attribute.name}` : attribute.name);
  slot.set(list.length === 0 ? undefined : list);
}

function applyOne(resource: StoredResource, op: PatchOperation, options: ApplyOptions, changes: MemberChange[]): void {
  const { resolved, text } = op.path;
  const { attribute, subAttribute } = resolved;
  const path = displayPath(resolved);

  // `password` (writeOnly) is accepted and never stored: Okta syncs passwords with PATCH.
  if (attribute.mutability === 'writeOnly') return;
  if (isGroupMembers(resolved)) {
    applyMembers(op, options, changes);
    return;
  }
  if (attribute.mutability === 'readOnly' || subAttribute?.mutability === 'readOnly') {
    // Okta's group rename repeats the group's own id in a path-less replace (developer.okta.com,
    // "SCIM 2.0 Protocol Reference", Update a specific Group name):
    //   {"op":"replace","value":{"id":"abf4dd94-…","displayName":"Test SCIMv2"}}
    const isOwnId = attribute.name === 'id' && !subAttribute && op.op !== 'remove' && options.resourceId !== undefined && op.value === options.resourceId;
    if (isOwnId) return;
    throw mutability(`"${text}": ${path} is read-only and cannot be ${op.op === 'remove' ? 'removed' : 'changed'}.`);
  }
  const slot = slotOf(resource, op);
  if (attribute.multiValued) applyMultiValued(op, slot, path);
  else applySingleValued(op, slot, path);
}

export function applyPatch(
  resourceTypeInput: ResourceTypeInput,
  resource: StoredResource,
  operations: PatchOperation[],
  options: ApplyOptions = {},
): PatchResult {
  const resourceType = toResourceType(resourceTypeInput);
  // Operations change a copy: the stored resource stays as read (the route compares the two).
  const working = copyJson(resource);
  const memberChanges: MemberChange[] = [];
  for (const op of operations) applyOne(working, op, options, memberChanges);

  for (const { schema, attribute } of requiredAttributes(resourceType)) {
    if (!hasAttribute(resourceType, working, schema, attribute.name)) {
      throw mutability(`Attribute '${attribute.name}' is required; a PATCH cannot remove it or leave it empty.`);
    }
  }
  for (const schema of [resourceType.schema, ...resourceType.extensions]) {
    const container = schema === resourceType.schema ? working : working[schema.id];
    if (!isPlainObject(container)) continue;
    for (const attribute of schema.attributes) {
      const value = container[attribute.name];
      if (attribute.multiValued && Array.isArray(value) && value.length > LIMITS.multiValued) {
        throw invalidValue(`Attribute '${attribute.name}' would have ${value.length} values; at most ${LIMITS.multiValued} are accepted.`);
      }
      if (isEmptyValue(value)) delete container[attribute.name];
    }
  }
  return { resource: orderResource(resourceType, working), memberChanges };
}
