import { describe, expect, it } from 'vitest';
import { parseListQuery } from '../../server/scim/listQuery.js';
import { ScimError } from '../../server/scim/errors.js';

describe('SCIM list query parameters', () => {
  it('defaults to the first page of 100', () => {
    expect(parseListQuery({})).toEqual({
      filter: undefined,
      startIndex: 1,
      count: 100,
      attributes: undefined,
      excludedAttributes: undefined,
    });
  });

  it('reads names case-insensitively, clamps per RFC 7644 §3.4.2.4, and caps count at 1000', () => {
    expect(parseListQuery({ startindex: '0', COUNT: '-5' })).toMatchObject({ startIndex: 1, count: 0 });
    expect(parseListQuery({ startIndex: '201', count: '5000' })).toMatchObject({ startIndex: 201, count: 1000 });
  });

  it('splits attribute lists and ignores an empty filter', () => {
    expect(parseListQuery({ attributes: 'userName, emails ,', excludedAttributes: 'members', filter: '  ' })).toMatchObject({
      attributes: ['userName', 'emails'],
      excludedAttributes: ['members'],
      filter: undefined,
    });
  });

  it.each([
    [{ count: 'ten' }, /count.*integer/],
    [{ startIndex: '1.5' }, /startIndex.*integer/],
    [{ count: ['1', '2'] }, /more than once/],
  ])('refuses %j with invalidValue', (query, detail) => {
    const error = (() => {
      try {
        parseListQuery(query);
      } catch (e) {
        return e;
      }
    })() as ScimError;
    expect(error).toBeInstanceOf(ScimError);
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidValue');
    expect(error.message).toMatch(detail);
  });
});
