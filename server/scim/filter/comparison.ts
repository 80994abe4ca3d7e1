/**
 * Which comparisons RFC 7644 §3.4.2.2 allows on which attribute type, and the literal each one
 * compares with. Shared by the SQL compiler and the in-memory evaluator so that a filter means
 * the same thing in a directory search and in a PATCH value path.
 *
 * Decisions the RFC leaves open:
 * - `attr eq null` means "attr is not present" and `attr ne null` means "attr is present" (the
 *   same as `not (attr pr)` and `attr pr`); any other operator with null is an invalidFilter.
 * - `ne` is the negation of `eq`, so it matches resources that lack the attribute.
 * - dateTime literals must be xsd:dateTime (a missing offset means UTC; a bare date means
 *   midnight UTC) and are normalised to the stored form `YYYY-MM-DDTHH:MM:SS.sssZ`, so ordering
 *   is a string comparison. co/sw/ew are refused on dateTime: the stored text is an
 *   implementation detail.
 */
import type { AttributeDefinition } from '../schema/definitions.js';
import { invalidFilter, type ScimError } from '../errors.js';
import type { ComparisonOperator, ComparisonValue } from './ast.js';
import { printValue } from './print.js';

export type SubstringOperator = 'co' | 'sw' | 'ew';
export type OrderingOperator = 'gt' | 'ge' | 'lt' | 'le';
export type EqualityOperator = 'eq' | 'ne';

/** A comparison that has been checked against the attribute it applies to. */
export type CheckedComparison =
  | { kind: 'string'; op: ComparisonOperator; value: string; caseExact: boolean }
  | { kind: 'dateTime'; op: EqualityOperator | OrderingOperator; value: string }
  | { kind: 'number'; op: EqualityOperator | OrderingOperator; value: number }
  | { kind: 'boolean'; op: EqualityOperator; value: boolean }
  /** `eq null` / `ne null`: a presence test; `present` is what a match requires. */
  | { kind: 'presence'; present: boolean };

const ORDERING = new Set<ComparisonOperator>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING = new Set<ComparisonOperator>(['co', 'sw', 'ew']);

/**
 * Checks `raw op value` against the definition that governs the value (the sub-attribute when
 * there is one) and returns the literal to compare with; a combination the RFC does not define
 * is an invalidFilter.
 */
export function checkComparison(
  definition: AttributeDefinition,
  raw: string,
  op: ComparisonOperator,
  value: ComparisonValue,
): CheckedComparison {
  if (definition.type === 'complex') throw complexComparison(definition, raw);
  if (value === null) {
    if (op === 'eq' || op === 'ne') return { kind: 'presence', present: op === 'ne' };
    throw invalidFilter(`'${op}' cannot compare '${raw}' with null; only 'eq null' and 'ne null' (or 'pr') test for absence`);
  }
  const mismatch = (expected: string) =>
    invalidFilter(`'${raw}' is of type ${definition.type}: expected ${expected} after '${op}', found ${printValue(value)}`);

  switch (definition.type) {
    case 'boolean':
      if (op !== 'eq' && op !== 'ne') throw invalidFilter(`'${op}' is not defined for the boolean attribute '${raw}'; use eq or ne`);
      if (typeof value !== 'boolean') throw mismatch('true or false');
      return { kind: 'boolean', op, value };
    case 'integer':
    case 'decimal':
      if (SUBSTRING.has(op)) throw invalidFilter(`'${op}' is not defined for the ${definition.type} attribute '${raw}'`);
      if (typeof value !== 'number') throw mismatch('a number');
      if (definition.type === 'integer' && !Number.isInteger(value)) throw mismatch('an integer');
      return { kind: 'number', op: op as EqualityOperator | OrderingOperator, value };
    case 'dateTime': {
      if (SUBSTRING.has(op)) throw invalidFilter(`'${op}' is not defined for the dateTime attribute '${raw}'; use eq, ne, gt, ge, lt or le`);
      if (typeof value !== 'string') throw mismatch('a quoted dateTime such as "2011-05-13T04:42:34Z"');
      const normalised = normaliseDateTime(value);
      if (normalised === undefined) {
        throw invalidFilter(`'${value}' is not a valid dateTime for '${raw}': expected the form "2011-05-13T04:42:34Z"`);
      }
      return { kind: 'dateTime', op: op as EqualityOperator | OrderingOperator, value: normalised };
    }
    case 'binary':
      if (ORDERING.has(op)) throw invalidFilter(`'${op}' is not defined for the binary attribute '${raw}'`);
      if (typeof value !== 'string') throw mismatch('a quoted string');
      return { kind: 'string', op, value, caseExact: true };
    case 'string':
    case 'reference':
      if (typeof value !== 'string') throw mismatch('a quoted string');
      return { kind: 'string', op, value, caseExact: definition.caseExact };
  }
}

/** The error for `name eq "x"`: a complex value has no single value to compare. */
export function complexComparison(definition: AttributeDefinition, raw: string): ScimError {
  const example = definition.subAttributes?.[0]?.name;
  return invalidFilter(
    `'${raw}' is a complex attribute and cannot be compared with a value${example ? `; compare a sub-attribute such as '${raw}.${example}'` : ''}`,
  );
}

/** The same comparison with `ne` turned into `eq`, whose negation it is. */
export function asEquality(check: Exclude<CheckedComparison, { kind: 'presence' }>): CheckedComparison {
  return { ...check, op: 'eq' } as CheckedComparison;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?([Zz]|[+-]\d{2}:\d{2})?$/;

/** xsd:dateTime → `YYYY-MM-DDTHH:MM:SS.sssZ`, or undefined when it is not a real instant. */
export function normaliseDateTime(text: string): string | undefined {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset = 'Z'] = match;
  const parts = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = parts;
  const milliseconds = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const local = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  local.setUTCFullYear(y, mo - 1, d);
  local.setUTCHours(h, mi, s, milliseconds);
  // Dates roll 2011-02-30 over to March; a real date reads back unchanged.
  if (local.getUTCFullYear() !== y || local.getUTCMonth() !== mo - 1 || local.getUTCDate() !== d) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMinutes = 0;
  if (offset.toUpperCase() !== 'Z') {
    const sign = offset.startsWith('-') ? -1 : 1;
    const offsetHours = Number(offset.slice(1, 3));
    const offsetRest = Number(offset.slice(4, 6));
    if (offsetHours > 23 || offsetRest > 59) return undefined;
    offsetMinutes = sign * (offsetHours * 60 + offsetRest);
  }
  const instant = new Date(local.getTime() - offsetMinutes * 60_000);
  const year4 = instant.getUTCFullYear();
  // toISOString switches to a six-digit year outside 0000-9999, which would not sort with the stored values.
  if (year4 < 0 || year4 > 9999) return undefined;
  return instant.toISOString();
}
