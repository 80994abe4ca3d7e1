/**
 * Type checks and canonicalisation of attribute values, driven by the attribute definitions.
 * POST/PUT (canonicalize.ts) and PATCH (patch/apply.ts) both go through here, so a value is
 * accepted or refused the same way whichever request carries it.
 *
 * Every function returns the canonical value, or `undefined` when the value is empty (null, "",
 * [], {} or a complex value whose sub-attributes are all empty): RFC 7643 §2.5 makes those
 * equivalent to "unassigned". Errors are `invalidValue` with the attribute path in the detail.
 */
import { invalidValue } from '../errors.js';
import type { AttributeDefinition } from '../schema/definitions.js';
import { findSubAttribute } from './attributes.js';

/** Size limits: they keep one provisioning request from storing unbounded data. */
export const LIMITS = {
  /** Characters in a string value. */
  string: 1024,
  /** Characters in a reference (URI) value. */
  reference: 2048,
  /** Characters in a base64 binary value (an X.509 certificate is a few KB). */
  binary: 16384,
  /** Elements of a multi-valued attribute; Group members are not limited by this. */
  multiValued: 100,
} as const;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7643 §2.5: null, "", [] and {} are all "unassigned". */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.values(value).every(isEmptyValue);
  return false;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** xsd:dateTime as RFC 7643 §2.3.5 requires, with a real calendar date. */
export function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function capped(text: string, limit: number, path: string): string {
  if (text.length > limit) throw invalidValue(`Attribute '${path}' is longer than ${limit} characters.`);
  return text;
}

/** One value of a non-complex attribute. */
function simpleValue(def: AttributeDefinition, value: unknown, path: string): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  switch (def.type) {
    case 'string':
      // A number where a string is defined (an employeeNumber sent as 12345) is kept as its text.
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value !== 'string') throw invalidValue(`Attribute '${path}' must be a string, not ${describe(value)}.`);
      return capped(value, LIMITS.string, path);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      // Entra's default PATCH mode sends booleans as "True"/"False" (learn.microsoft.com, "Known issues
      // and resolutions with SCIM 2.0 protocol compliance", "Requests made to disable users").
      if (typeof value === 'string') {
        const lower = value.toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
      }
      throw invalidValue(`Attribute '${path}' must be a boolean, not ${describe(value)}.`);
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      throw invalidValue(`Attribute '${path}' must be an integer, not ${describe(value)}.`);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw invalidValue(`Attribute '${path}' must be a decimal number, not ${describe(value)}.`);
    case 'dateTime':
      if (typeof value === 'string' && isDateTime(value)) return value;
      throw invalidValue(`Attribute '${path}' must be an xsd:dateTime such as 2008-01-23T04:56:22Z, not ${describe(value)}.`);
    case 'binary':
      if (typeof value === 'string' && BASE64.test(value)) return capped(value, LIMITS.binary, path);
      throw invalidValue(`Attribute '${path}' must be base64-encoded binary, not ${describe(value)}.`);
    case 'reference':
      if (typeof value !== 'string') throw invalidValue(`Attribute '${path}' must be a reference (URI string), not ${describe(value)}.`);
      return capped(value, LIMITS.reference, path);
    case 'complex':
      return complexValue(def, value, path);
  }
}

/**
 * One value of a complex attribute, with its sub-attributes in definition order. Unknown
 * sub-attributes are ignored, and so are readOnly ones (RFC 7643 §2.2: a client's readOnly values
 * are ignored), such as `manager.displayName` or `members.display`.
 *
 * A bare string stands for `{ "value": … }` when the attribute has a `value` sub-attribute: Entra
 * sends the enterprise manager as a plain id (learn.microsoft.com, "Tutorial: Develop and plan
 * provisioning for a SCIM endpoint", the example schema's `"Manager": "123456"`).
 */
export function complexValue(def: AttributeDefinition, value: unknown, path: string): Record<string, unknown> | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const valueSub = findSubAttribute(def, 'value');
  const object = typeof value === 'string' && valueSub ? { value } : value;
  if (!isPlainObject(object)) throw invalidValue(`Attribute '${path}' must be a complex value (a JSON object), not ${describe(value)}.`);

  const given = new Map<AttributeDefinition, unknown>();
  for (const [key, raw] of Object.entries(object)) {
    const sub = findSubAttribute(def, key);
    if (!sub || sub.mutability === 'readOnly') continue;
    given.set(sub, raw);
  }
  const result: Record<string, unknown> = {};
  for (const sub of def.subAttributes ?? []) {
    if (!given.has(sub)) continue;
    const canonical = attributeValue(sub, given.get(sub), `${path}.${sub.name}`);
    if (canonical !== undefined) result[sub.name] = canonical;
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

/** The value of one element of `def`, whether or not `def` is multi-valued. */
export function elementValue(def: AttributeDefinition, value: unknown, path: string): unknown {
  return def.type === 'complex' ? complexValue(def, value, path) : simpleValue(def, value, path);
}

export interface MultiValueOptions {
  /** Largest number of elements accepted; defaults to LIMITS.multiValued. */
  maxValues?: number;
}

/**
 * The elements of a multi-valued attribute. A single value where an array is expected is taken as
 * a one-element array (RFC 7643 §2.4 wants an array; being strict here would only fail
 * provisioning). Empty elements are dropped, exact duplicates are kept once, and at most one
 * element may be `primary: true` (RFC 7643 §2.4).
 */
export function multiValue(def: AttributeDefinition, value: unknown, path: string, options: MultiValueOptions = {}): unknown[] {
  if (value === null || value === undefined || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  const result: unknown[] = [];
  const seen = new Set<string>();
  list.forEach((element, index) => {
    const canonical = elementValue(def, element, `${path}[${index}]`);
    if (canonical === undefined) return;
    // A one-element list has no duplicates to find: no key to serialise.
    if (list.length > 1) {
      const key = JSON.stringify(canonical);
      if (seen.has(key)) return;
      seen.add(key);
    }
    result.push(canonical);
  });
  const max = options.maxValues ?? LIMITS.multiValued;
  if (result.length > max) throw invalidValue(`Attribute '${path}' has ${result.length} values; at most ${max} are accepted.`);
  assertOnePrimary(result, path);
  return result;
}

export function assertOnePrimary(elements: unknown[], path: string): void {
  const primaries = elements.filter((e) => isPlainObject(e) && e.primary === true).length;
  if (primaries > 1) throw invalidValue(`Attribute '${path}' has ${primaries} values marked primary; at most one may be (RFC 7643 §2.4).`);
}

/**
 * The canonical value of a whole attribute: an array for a multi-valued one (undefined when
 * empty), else one value. A one-element array for a single-valued complex attribute is unwrapped:
 * Entra's documented "add manager" request sends `[{ "$ref": …, "value": … }]` (learn.microsoft.com,
 * "Tutorial: Develop and plan provisioning for a SCIM endpoint", Example 5).
 */
export function attributeValue(def: AttributeDefinition, value: unknown, path: string, options: MultiValueOptions = {}): unknown {
  if (def.multiValued) {
    const list = multiValue(def, value, path, options);
    return list.length === 0 ? undefined : list;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    if (value.length === 1 && def.type === 'complex') return complexValue(def, value[0], path);
    throw invalidValue(`Attribute '${path}' is single-valued; it cannot take an array.`);
  }
  return elementValue(def, value, path);
}
