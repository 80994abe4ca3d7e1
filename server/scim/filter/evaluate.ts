/**
 * In-memory evaluation of a value filter against one element of a multi-valued attribute, for
 * PATCH paths such as `emails[type eq "work"]`. Directory-wide filtering is compiled to SQL
 * (compile.ts); both follow the rules in comparison.ts.
 *
 * The filter's attribute names are sub-attributes of `attribute` (resolved case-insensitively);
 * string comparisons ignore case unless the sub-attribute is caseExact.
 */
import type { AttributeDefinition } from '../schema/definitions.js';
import { invalidFilter } from '../errors.js';
import type { AttrPath, Filter } from './ast.js';
import { asEquality, checkComparison, normaliseDateTime, type CheckedComparison } from './comparison.js';

/** A checked value filter, ready to test elements. */
export type ElementPredicate = (element: unknown) => boolean;

/**
 * Checks the whole filter against `attribute` once (so an invalid filter is refused even when no
 * element would reach the invalid part) and returns the test for one element. Throws ScimError
 * invalidFilter.
 */
export function elementMatcher(filter: Filter, attribute: AttributeDefinition): ElementPredicate {
  switch (filter.kind) {
    case 'and': {
      const [left, right] = [elementMatcher(filter.left, attribute), elementMatcher(filter.right, attribute)];
      return (element) => left(element) && right(element);
    }
    case 'or': {
      const [left, right] = [elementMatcher(filter.left, attribute), elementMatcher(filter.right, attribute)];
      return (element) => left(element) || right(element);
    }
    case 'not': {
      const inner = elementMatcher(filter.filter, attribute);
      return (element) => !inner(element);
    }
    case 'valuePath':
      throw invalidFilter(`Value paths cannot be nested: '${filter.attrPath.raw}[...]' inside a value filter of '${attribute.name}'`);
    case 'present': {
      const read = reader(filter.attrPath, attribute);
      return (element) => isPresent(read.value(element));
    }
    case 'comparison': {
      const read = reader(filter.attrPath, attribute);
      const check = checkComparison(read.definition, filter.attrPath.raw, filter.op, filter.value);
      return (element) => satisfies(read.value(element), check);
    }
  }
}

/** Whether `element` (one value of the multi-valued `attribute`) satisfies `filter`. Throws ScimError invalidFilter. */
export function matchesFilter(element: unknown, filter: Filter, attribute: AttributeDefinition): boolean {
  return elementMatcher(filter, attribute)(element);
}

/** RFC 7644 `pr`: a value that is not null, "", [] or {}. */
export function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  // The same test as the SQL one (sqlDialect jsonPresent): emptiness of the node itself.
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** The sub-attribute definition a name refers to, and how to read it from an element. */
function reader(path: AttrPath, attribute: AttributeDefinition): { definition: AttributeDefinition; value: (element: unknown) => unknown } {
  if (path.uri !== undefined || path.subAttribute !== undefined) {
    throw invalidFilter(`Inside the value filter of '${attribute.name}' expected a sub-attribute name, found '${path.raw}'`);
  }
  const name = path.attribute.toLowerCase();
  if (!attribute.subAttributes) {
    // A multi-valued simple attribute: RFC 7644 §3.4.2.2 calls each element `value`.
    if (name === 'value') return { definition: { ...attribute, multiValued: false }, value: (element) => element };
    throw invalidFilter(`'${attribute.name}' has no sub-attribute '${path.attribute}'; its elements are compared as 'value'`);
  }
  const definition = attribute.subAttributes.find((sub) => sub.name.toLowerCase() === name);
  if (!definition) throw invalidFilter(`Unknown sub-attribute '${path.attribute}' of '${attribute.name}'`);
  return { definition, value: (element) => memberOf(element, definition.name) };
}

/** The member named `name` (canonical spelling first, then any spelling) of a JSON object. */
function memberOf(element: unknown, name: string): unknown {
  if (element === null || typeof element !== 'object' || Array.isArray(element)) return undefined;
  const record = element as Record<string, unknown>;
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

function satisfies(actual: unknown, check: CheckedComparison): boolean {
  if (check.kind === 'presence') return isPresent(actual) === check.present;
  if (check.op === 'ne') return !satisfies(actual, asEquality(check));
  // A multi-valued sub-attribute matches when any of its values does.
  if (Array.isArray(actual)) return actual.some((value) => satisfies(value, check));

  switch (check.kind) {
    case 'boolean':
      return actual === check.value;
    case 'number':
      return typeof actual === 'number' && ordered(actual, check.value, check.op);
    case 'dateTime': {
      const normalised = typeof actual === 'string' ? normaliseDateTime(actual) : undefined;
      return normalised !== undefined && ordered(normalised, check.value, check.op);
    }
    case 'string': {
      if (typeof actual !== 'string') return false;
      const fold = (text: string) => (check.caseExact ? text : text.toLowerCase());
      const left = fold(actual);
      const right = fold(check.value);
      switch (check.op) {
        case 'co':
          return left.includes(right);
        case 'sw':
          return left.startsWith(right);
        case 'ew':
          return left.endsWith(right);
        default:
          return ordered(left, right, check.op);
      }
    }
  }
}

function ordered<T extends string | number>(left: T, right: T, op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'): boolean {
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    case 'gt':
      return left > right;
    case 'ge':
      return left >= right;
    case 'lt':
      return left < right;
    case 'le':
      return left <= right;
  }
}
