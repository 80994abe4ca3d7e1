import { describe, expect, it } from 'vitest';
import { ScimError } from '../../server/scim/errors.js';
import type { AttributeDefinition, AttributeType } from '../../server/scim/schema/definitions.js';
import { attributeValue, isDateTime, isEmptyValue } from '../../server/scim/resource/validateValue.js';

const definition = (type: AttributeType, extra: Partial<AttributeDefinition> = {}): AttributeDefinition => ({
  name: 'x',
  type,
  multiValued: false,
  description: '',
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});

function invalid(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('attributeValue per type (RFC 7643 §2.3)', () => {
  const accepted: Array<[AttributeType, unknown, unknown]> = [
    ['string', 'abc', 'abc'],
    ['boolean', false, false],
    ['boolean', 'FALSE', false],
    ['integer', 42, 42],
    ['decimal', 1.5, 1.5],
    ['dateTime', '2008-01-23T04:56:22Z', '2008-01-23T04:56:22Z'],
    ['dateTime', '2024-02-29T23:59:59.123+01:00', '2024-02-29T23:59:59.123+01:00'],
    ['reference', 'https://example.com/Users/1', 'https://example.com/Users/1'],
    ['binary', 'TWFu', 'TWFu'],
  ];
  it.each(accepted)('%s accepts %j', (type, value, expected) => {
    expect(attributeValue(definition(type), value, 'x')).toEqual(expected);
  });

  const refused: Array<[AttributeType, unknown]> = [
    ['string', true],
    ['string', { a: 1 }],
    ['boolean', 'yes'],
    ['boolean', 1],
    ['integer', 1.5],
    ['integer', '1'],
    ['decimal', Number.NaN],
    ['decimal', '1.5'],
    ['dateTime', '2023-02-29T00:00:00Z'],
    ['dateTime', '23 Jan 2008'],
    ['dateTime', 1200000000],
    ['reference', 5],
    ['binary', 'abc'],
  ];
  it.each(refused)('%s refuses %j with invalidValue naming the path', (type, value) => {
    const error = invalid(() => attributeValue(definition(type), value, 'urn:x:y'));
    expect(error.scimType).toBe('invalidValue');
    expect(error.message).toContain("'urn:x:y'");
  });

  it('treats null, "", [] and {} as unassigned (RFC 7643 §2.5)', () => {
    for (const empty of [null, '', [], {}]) expect(isEmptyValue(empty)).toBe(true);
    expect(isEmptyValue(false)).toBe(false);
    expect(isEmptyValue(0)).toBe(false);
    expect(attributeValue(definition('string'), '', 'x')).toBeUndefined();
    expect(attributeValue(definition('string', { multiValued: true }), [], 'x')).toBeUndefined();
  });

  it('checks xsd:dateTime with a real calendar', () => {
    expect(isDateTime('2011-05-13T04:42:34Z')).toBe(true);
    expect(isDateTime('2011-05-13T04:42:34')).toBe(true);
    expect(isDateTime('2011-13-13T04:42:34Z')).toBe(false);
    expect(isDateTime('2011-04-31T04:42:34Z')).toBe(false);
    expect(isDateTime('2011-05-13')).toBe(false);
  });

  it('unwraps a one-element array for a single-valued complex attribute only', () => {
    const complex = definition('complex', { subAttributes: [definition('string', { name: 'value' })] });
    expect(attributeValue(complex, [{ value: 'a' }], 'x')).toEqual({ value: 'a' });
    expect(invalid(() => attributeValue(definition('string'), ['a'], 'x')).scimType).toBe('invalidValue');
  });
});
