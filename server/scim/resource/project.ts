/**
 * The `attributes` and `excludedAttributes` query parameters (RFC 7644 §3.4.2.5, §3.9), applied to
 * a rendered resource (render.ts), driven by each attribute's `returned` characteristic
 * (RFC 7643 §7):
 *
 * - `schemas` is always kept (it is not an attribute but every resource carries it, RFC 7643 §3);
 *   extension URNs are dropped from it when the projection removed all of that extension's data.
 * - `returned: always` (id) is kept whatever the parameters say; `never` (password) is never
 *   returned; `request` is returned only when named in `attributes`.
 * - `attributes` returns only the named attributes plus the `always` ones. `meta` is `returned:
 *   default` in our definitions, so it is left out unless asked for, as in RFC 7644 §3.9's example
 *   (`?attributes=userName` → schemas, id, userName).
 * - `excludedAttributes` removes the named attributes from the default set, except `always` ones.
 * - When both are given, `attributes` selects first and `excludedAttributes` then removes.
 * - Names are case-insensitive and may be sub-attributes (`name.givenName`, `emails.value`, applied
 *   to every element), URN-qualified (`urn:…:enterprise:2.0:User:manager`) or a whole schema URN.
 * - Names the resource type does not have are ignored: RFC 7644 defines no error for them, and a
 *   client asking for an attribute we do not implement should get the rest rather than a 400.
 */
import type { AttributeDefinition, ResourceTypeDefinition } from '../schema/definitions.js';
import { commonAttributes } from '../schema/definitions.js';
import { findSchema, schemasOf } from '../schema/resolve.js';
import { resolveAttribute } from '../schema/resolve.js';
import { toResourceType, type ResourceTypeInput } from './types.js';
import { isPlainObject } from './validateValue.js';

export interface ProjectionOptions {
  attributes?: string[] | undefined;
  excludedAttributes?: string[] | undefined;
}

/**
 * Splits a comma-separated `attributes`/`excludedAttributes` parameter (RFC 7644 §3.4.2.5) into
 * names. A repeated parameter (an array from the query parser) is joined first. Returns undefined
 * when no name is given.
 */
export function parseAttributeList(param: string | string[] | undefined | null): string[] | undefined {
  if (param === undefined || param === null) return undefined;
  const parts = (Array.isArray(param) ? param : [param]).flatMap((p) => String(p).split(','));
  const names = parts.map((p) => p.trim()).filter((p) => p !== '');
  return names.length > 0 ? names : undefined;
}

/** `true` selects the whole attribute; a set selects some sub-attributes. */
type Selection = Map<string, true | Set<string>>;

/** Selections keyed by container: '' for the top level, else an extension URN. */
type Selections = Map<string, Selection>;

function addSelection(selections: Selections, container: string, attribute: string, sub: string | undefined): void {
  let selection = selections.get(container);
  if (!selection) selections.set(container, (selection = new Map()));
  const current = selection.get(attribute);
  if (current === true) return;
  if (sub === undefined) {
    selection.set(attribute, true);
    return;
  }
  const subs = current ?? new Set<string>();
  subs.add(sub);
  selection.set(attribute, subs);
}

function selectionsOf(resourceType: ResourceTypeDefinition, names: string[]): Selections {
  const selections: Selections = new Map();
  for (const name of names) {
    const schema = findSchema(resourceType, name);
    if (schema) {
      // A whole schema URN selects every attribute that schema defines.
      const container = schema === resourceType.schema ? '' : schema.id;
      const attributes = schema === resourceType.schema ? [...schema.attributes, ...commonAttributes] : schema.attributes;
      for (const attribute of attributes) addSelection(selections, container, attribute.name, undefined);
      continue;
    }
    const resolved = resolveAttribute(resourceType, name);
    if (!resolved) continue;
    const container = resolved.inExtension ? resolved.schema.id : '';
    addSelection(selections, container, resolved.attribute.name, resolved.subAttribute?.name);
  }
  return selections;
}

interface SelectingMode {
  kind: 'include' | 'exclude';
  selections: Selections;
}

type Mode = { kind: 'default' } | SelectingMode;

function projectSubAttributes(definition: AttributeDefinition, value: unknown, mode: Mode, subs: Set<string>): unknown {
  const one = (element: unknown): unknown => {
    if (!isPlainObject(element)) return element;
    const out: Record<string, unknown> = {};
    for (const [key, subValue] of Object.entries(element)) {
      const sub = definition.subAttributes?.find((s) => s.name === key);
      if (sub ? keep(sub, mode, subs.has(sub.name) ? true : undefined) : mode.kind !== 'include') out[key] = subValue;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (Array.isArray(value)) {
    const list = value.map(one).filter((e) => e !== undefined);
    return list.length > 0 ? list : undefined;
  }
  return one(value);
}

/** Whether an attribute (or sub-attribute) whose selection state is `selected` is returned. */
function keep(definition: AttributeDefinition, mode: Mode, selected: true | Set<string> | undefined): boolean {
  if (definition.returned === 'always') return true;
  if (definition.returned === 'never') return false;
  if (mode.kind === 'include') return selected !== undefined;
  if (definition.returned === 'request') return false;
  if (mode.kind === 'exclude') return selected !== true;
  return true;
}

function projectContainer(
  data: Record<string, unknown>,
  definitions: AttributeDefinition[],
  mode: Mode,
  selection: Selection | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const definition = definitions.find((d) => d.name === key);
    if (!definition) {
      if (mode.kind !== 'include') out[key] = value;
      continue;
    }
    const selected = selection?.get(definition.name);
    if (!keep(definition, mode, selected)) continue;
    if (selected instanceof Set && definition.type === 'complex' && definition.returned !== 'always') {
      // Some sub-attributes named: keep only those (attributes) or all but those (excludedAttributes).
      const projected = projectSubAttributes(definition, value, mode, selected);
      if (projected !== undefined) out[key] = projected;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function modeOf(resourceType: ResourceTypeDefinition, kind: 'include' | 'exclude', names: string[] | undefined): SelectingMode | undefined {
  return names && names.length > 0 ? { kind, selections: selectionsOf(resourceType, names) } : undefined;
}

function projectOnce(resourceType: ResourceTypeDefinition, resource: Record<string, unknown>, mode: Mode): Record<string, unknown> {
  const selections = mode.kind === 'default' ? undefined : mode.selections;
  const core = [...resourceType.schema.attributes, ...commonAttributes];
  const extensionIds = new Set(resourceType.extensions.map((e) => e.id));
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) if (key !== 'schemas' && !extensionIds.has(key)) rest[key] = value;
  const projected = projectContainer(rest, core, mode, selections?.get(''));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas') out.schemas = value;
    else if (extensionIds.has(key)) {
      const extension = schemasOf(resourceType).find((s) => s.id === key);
      if (!extension || !isPlainObject(value)) continue;
      const inner = projectContainer(value, extension.attributes, mode, selections?.get(key));
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else if (key in projected) out[key] = projected[key];
  }
  if (Array.isArray(out.schemas)) {
    out.schemas = (out.schemas as unknown[]).filter((urn) => typeof urn !== 'string' || !extensionIds.has(urn) || urn in out);
  }
  return out;
}

/**
 * Whether a top-level attribute (such as `members` or `groups`) will survive the projection, so
 * that callers can skip loading what will not be returned (Entra reads Groups with
 * `excludedAttributes=members`).
 */
export function isAttributeReturned(resourceTypeInput: ResourceTypeInput, options: ProjectionOptions, attributeName: string): boolean {
  const resourceType = toResourceType(resourceTypeInput);
  const resolved = resolveAttribute(resourceType, attributeName);
  if (!resolved) return false;
  const container = resolved.inExtension ? resolved.schema.id : '';
  const include = modeOf(resourceType, 'include', options.attributes);
  if (include && !keep(resolved.attribute, include, include.selections.get(container)?.get(resolved.attribute.name))) return false;
  const exclude = modeOf(resourceType, 'exclude', options.excludedAttributes);
  if (!exclude) return keep(resolved.attribute, { kind: 'default' }, undefined);
  return keep(resolved.attribute, exclude, exclude.selections.get(container)?.get(resolved.attribute.name));
}

export function projectAttributes(
  resourceTypeInput: ResourceTypeInput,
  resource: Record<string, unknown>,
  options: ProjectionOptions = {},
): Record<string, unknown> {
  const resourceType = toResourceType(resourceTypeInput);
  let out: Record<string, unknown> = resource;
  const include = modeOf(resourceType, 'include', options.attributes);
  if (include) out = projectOnce(resourceType, out, include);
  out = projectOnce(resourceType, out, modeOf(resourceType, 'exclude', options.excludedAttributes) ?? { kind: 'default' });
  return out;
}
