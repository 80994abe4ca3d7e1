import { describe, expect, it } from 'vitest';
import { ScimError } from '../../server/scim/errors.js';
import { groupSchema, userSchema, type AttributeDefinition } from '../../server/scim/schema/definitions.js';
import { parseFilter, parsePatchPath } from '../../server/scim/filter/parse.js';
import { elementMatcher, matchesFilter } from '../../server/scim/filter/evaluate.js';
import { normaliseDateTime } from '../../server/scim/filter/comparison.js';

function definition(attributes: AttributeDefinition[], name: string): AttributeDefinition {
  const found = attributes.find((a) => a.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}
const emails = definition(userSchema.attributes, 'emails');
const certificates = definition(userSchema.attributes, 'x509Certificates');
const members = definition(groupSchema.attributes, 'members');

/** Evaluates the bracket filter of `emails[...]`, as PATCH does. */
function matchesEmail(element: unknown, filter: string): boolean {
  return matchesFilter(element, parseFilter(filter), emails);
}

describe('matchesFilter on one element of a multi-valued attribute', () => {
  const work = { value: 'Babs@Example.com', type: 'work', primary: true };
  const cases: Array<[string, boolean]> = [
    ['type eq "work"', true],
    ['type eq "WORK"', true],
    ['TYPE eq "work"', true],
    ['type eq "home"', false],
    ['type ne "home"', true],
    ['value co "@example."', true],
    ['value sw "babs"', true],
    ['value ew ".COM"', true],
    ['value ew ".org"', false],
    ['value gt "a"', true],
    ['value lt "a"', false],
    ['value co ""', true],
    ['primary eq true', true],
    ['primary eq false', false],
    ['primary ne false', true],
    ['display pr', false],
    ['display eq null', true],
    ['display ne "x"', true],
    ['value pr', true],
    ['type eq "work" and value co "@example.com"', true],
    ['type eq "home" or value co "@example.com"', true],
    ['not (type eq "work")', false],
    ['type eq "home" or (type eq "work" and not (primary eq false))', true],
  ];
  it.each(cases)('%s → %s', (filter, expected) => {
    expect(matchesEmail(work, filter)).toBe(expected);
  });

  it('reads members case-insensitively but compares caseExact sub-attributes exactly', () => {
    expect(matchesEmail({ Type: 'Work', VALUE: 'x' }, 'type eq "work" and value eq "X"')).toBe(true);
    expect(matchesFilter({ value: 'MIIB' }, parseFilter('value eq "MIIB"'), certificates)).toBe(true);
    expect(matchesFilter({ value: 'MIIB' }, parseFilter('value eq "miib"'), certificates)).toBe(false);
  });

  it('treats values of the wrong JSON type and non-objects as not matching', () => {
    expect(matchesEmail({ primary: 'true' }, 'primary eq true')).toBe(false);
    expect(matchesEmail({ value: 5 }, 'value eq "5"')).toBe(false);
    expect(matchesEmail(null, 'type eq "work"')).toBe(false);
    expect(matchesEmail('work', 'type ne "work"')).toBe(true);
    expect(matchesEmail({ value: '' }, 'value pr')).toBe(false);
  });

  it('evaluates the value filter of a PATCH path', () => {
    const path = parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]');
    const filter = path.valueFilter;
    if (!filter) throw new Error('expected a value filter');
    expect(matchesFilter({ value: '2819c223-7f76-453a-919d-413861904646', display: 'Babs' }, filter, members)).toBe(true);
    expect(matchesFilter({ value: '902c246b-6245-4190-8e05-00816be7344a' }, filter, members)).toBe(false);
  });

  const invalid: Array<[string, RegExp]> = [
    ['nosuch eq "x"', /Unknown sub-attribute 'nosuch' of 'emails'/],
    ['primary eq "yes"', /boolean: expected true or false/],
    ['primary gt true', /'gt' is not defined for the boolean/],
    ['value gt 5', /expected a quoted string/],
    ['value co null', /cannot compare 'value' with null/],
  ];
  it.each(invalid)('%s is an invalidFilter', (filter, detail) => {
    expect(() => matchesEmail({}, filter)).toThrow(ScimError);
    expect(() => matchesEmail({}, filter)).toThrow(detail);
  });

  it('checks the whole filter before looking at any element', () => {
    expect(() => matchesEmail({ type: 'home' }, 'type eq "work" and value eq 5')).toThrow(/expected a quoted string/);
    expect(() => elementMatcher(parseFilter('primary eq "yes"'), emails)).toThrow(ScimError);
    const isWork = elementMatcher(parseFilter('type eq "work"'), emails);
    expect([{ type: 'home' }, { type: 'Work' }].filter(isWork)).toEqual([{ type: 'Work' }]);
  });

  it('refuses names that are not plain sub-attributes, and nested value paths', () => {
    expect(() => matchesEmail({}, 'emails.type eq "work"')).toThrow(/expected a sub-attribute name, found 'emails.type'/);
    expect(() => matchesEmail({}, 'ims[type pr]')).toThrow(/cannot be nested/);
  });
});

describe('normaliseDateTime', () => {
  const cases: Array<[string, string | undefined]> = [
    ['2011-05-13T04:42:34Z', '2011-05-13T04:42:34.000Z'],
    ['2011-05-13T04:42:34.5Z', '2011-05-13T04:42:34.500Z'],
    ['2011-05-13T04:42:34.123456Z', '2011-05-13T04:42:34.123Z'],
    ['2011-05-13T04:42:34+02:00', '2011-05-13T02:42:34.000Z'],
    ['2011-05-13T04:42:34-05:30', '2011-05-13T10:12:34.000Z'],
    ['2011-05-13T04:42:34', '2011-05-13T04:42:34.000Z'],
    ['2011-05-13', '2011-05-13T00:00:00.000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2023-02-29T00:00:00Z', undefined],
    ['2011-13-01T00:00:00Z', undefined],
    ['2011-05-13T24:00:00Z', undefined],
    ['2011-05-13T04:60:00Z', undefined],
    ['2011-05-13T04:42:34+25:00', undefined],
    ['yesterday', undefined],
    ['2011-5-13', undefined],
    ['', undefined],
  ];
  it.each(cases)('%j → %j', (text, expected) => {
    expect(normaliseDateTime(text)).toBe(expected);
  });
});
