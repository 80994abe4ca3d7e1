import { describe, expect, it } from 'vitest';
import { ScimError } from '../../server/scim/errors.js';
import { attrPath, type ComparisonOperator, type ComparisonValue, type Filter } from '../../server/scim/filter/ast.js';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter, parsePatchPath } from '../../server/scim/filter/parse.js';
import { printFilter, printPatchPath } from '../../server/scim/filter/print.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** `name`, `name.sub` or `urn:…:name.sub` as the parser splits it. */
function path(text: string) {
  const colon = text.lastIndexOf(':');
  const [attribute = '', sub] = text.slice(colon + 1).split('.');
  return attrPath(attribute, sub, colon >= 0 ? text.slice(0, colon) : undefined);
}
const cmp = (p: string, op: ComparisonOperator, value: ComparisonValue): Filter => ({ kind: 'comparison', attrPath: path(p), op, value });
const pr = (p: string): Filter => ({ kind: 'present', attrPath: path(p) });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const valuePath = (p: string, filter: Filter): Filter => ({ kind: 'valuePath', attrPath: path(p), filter });

function scimErrorOf(attempt: () => unknown): ScimError {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(ScimError);
    return error as ScimError;
  }
  throw new Error('expected a ScimError');
}

describe('RFC 7644 §3.4.2.2 filter examples', () => {
  const examples: Array<[string, Filter]> = [
    ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
    ['name.familyName co "O\'Malley"', cmp('name.familyName', 'co', "O'Malley")],
    ['userName sw "J"', cmp('userName', 'sw', 'J')],
    [`${USER}:userName sw "J"`, cmp(`${USER}:userName`, 'sw', 'J')],
    ['title pr', pr('title')],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'ge', '2011-05-13T04:42:34Z')],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'lt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'le', '2011-05-13T04:42:34Z')],
    ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
    ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
    [`schemas eq "${ENTERPRISE}"`, cmp('schemas', 'eq', ENTERPRISE)],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      and(cmp('userType', 'eq', 'Employee'), or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org'))),
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      and(cmp('userType', 'ne', 'Employee'), not(or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org')))),
    ],
    ['userType eq "Employee" and (emails.type eq "work")', and(cmp('userType', 'eq', 'Employee'), cmp('emails.type', 'eq', 'work'))],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      and(cmp('userType', 'eq', 'Employee'), valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com')))),
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      or(
        valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
        valuePath('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
      ),
    ],
  ];
  it.each(examples)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
    expect(parseFilter(printFilter(expected))).toEqual(expected);
  });
});

describe('precedence and grouping', () => {
  const cases: Array<[string, Filter]> = [
    ['a pr or b pr and c pr', or(pr('a'), and(pr('b'), pr('c')))],
    ['a pr and b pr or c pr', or(and(pr('a'), pr('b')), pr('c'))],
    ['(a pr or b pr) and c pr', and(or(pr('a'), pr('b')), pr('c'))],
    ['a pr and b pr and c pr', and(and(pr('a'), pr('b')), pr('c'))],
    ['a pr or b pr or c pr', or(or(pr('a'), pr('b')), pr('c'))],
    ['a pr and (b pr and c pr)', and(pr('a'), and(pr('b'), pr('c')))],
    ['not (a pr) and b pr', and(not(pr('a')), pr('b'))],
    ['not(a pr or b pr)', not(or(pr('a'), pr('b')))],
    ['((a pr))', pr('a')],
    ['emails[type eq "work" or (type eq "home" and value ew "@x.com")]', valuePath('emails', or(cmp('type', 'eq', 'work'), and(cmp('type', 'eq', 'home'), cmp('value', 'ew', '@x.com'))))],
    ['emails[not (type eq "work")]', valuePath('emails', not(cmp('type', 'eq', 'work')))],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
    expect(parseFilter(printFilter(expected))).toEqual(expected);
  });

  it('prints the minimal parentheses', () => {
    expect(printFilter(and(or(pr('a'), pr('b')), pr('c')))).toBe('(a pr or b pr) and c pr');
    expect(printFilter(or(pr('a'), and(pr('b'), pr('c'))))).toBe('a pr or b pr and c pr');
    expect(printFilter(and(pr('a'), and(pr('b'), pr('c'))))).toBe('a pr and (b pr and c pr)');
  });
});

describe('case, literals and names', () => {
  it('reads operators, keywords and literals case-insensitively and keeps attribute spelling', () => {
    expect(parseFilter('USERNAME EQ "X" AND Active Eq TRUE OR title PR')).toEqual(
      or(and(cmp('USERNAME', 'eq', 'X'), cmp('Active', 'eq', true)), pr('title')),
    );
    expect(parseFilter('a Eq FaLsE')).toEqual(cmp('a', 'eq', false));
    expect(parseFilter('a NE Null')).toEqual(cmp('a', 'ne', null));
    expect(parseFilter('NOT (a pr)')).toEqual(not(pr('a')));
  });

  it('decodes every JSON escape', () => {
    expect(parseFilter(String.raw`a eq "q\" b\\ s\/ \b\f\n\r\t \u00e9\uD83D\uDE00"`)).toEqual(cmp('a', 'eq', 'q" b\\ s/ \b\f\n\r\t é😀'));
  });

  it('reads JSON numbers', () => {
    expect(parseFilter('a gt 5')).toEqual(cmp('a', 'gt', 5));
    expect(parseFilter('a lt -1.5e3')).toEqual(cmp('a', 'lt', -1500));
    expect(parseFilter('a eq 0.25E-2')).toEqual(cmp('a', 'eq', 0.0025));
    expect(parseFilter('a eq -0')).toEqual(cmp('a', 'eq', 0));
  });

  it('splits URN-qualified paths at the last colon, dots in the URN included', () => {
    expect(parseFilter(`${ENTERPRISE}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`)).toEqual({
      kind: 'comparison',
      attrPath: { raw: `${ENTERPRISE}:manager.value`, uri: ENTERPRISE, attribute: 'manager', subAttribute: 'value' },
      op: 'eq',
      value: '26118915-6090-4610-87e4-49d8ca9f808d',
    });
    expect(parseFilter(`${ENTERPRISE}:department pr`)).toEqual(pr(`${ENTERPRISE}:department`));
    expect(parseFilter('members.$ref pr')).toEqual(pr('members.$ref'));
  });

  it('accepts a sub-attribute after a value path as one condition on the same element', () => {
    expect(parseFilter('emails[type eq "work"].value eq "a@b.c"')).toEqual(
      valuePath('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'a@b.c'))),
    );
    expect(parseFilter('emails[type eq "work"].value pr and userName pr')).toEqual(
      and(valuePath('emails', and(cmp('type', 'eq', 'work'), pr('value'))), pr('userName')),
    );
  });

  it('treats `not` as an attribute name when a condition follows it', () => {
    expect(parseFilter('not eq "x"')).toEqual(cmp('not', 'eq', 'x'));
    expect(parseFilter('and pr and or pr')).toEqual(and(pr('and'), pr('or')));
  });

  it('tolerates extra and missing whitespace around brackets and quotes', () => {
    expect(parseFilter('  emails[ type eq"work" ]  ')).toEqual(valuePath('emails', cmp('type', 'eq', 'work')));
    expect(parseFilter('(a pr)and(b pr)')).toEqual(and(pr('a'), pr('b')));
  });
});

describe('PATCH paths (RFC 7644 §3.5.2)', () => {
  const cases: Array<[string, unknown]> = [
    ['members[value eq "2819c223"]', { attrPath: path('members'), valueFilter: cmp('value', 'eq', '2819c223') }],
    ['emails[type eq "work"].value', { attrPath: path('emails'), valueFilter: cmp('type', 'eq', 'work'), subAttribute: 'value' }],
    [`${ENTERPRISE}:manager`, { attrPath: path(`${ENTERPRISE}:manager`) }],
    [`${ENTERPRISE}:manager.value`, { attrPath: path(`${ENTERPRISE}:manager.value`) }],
    ['name.givenName', { attrPath: path('name.givenName') }],
    ['userName', { attrPath: path('userName') }],
    [
      'addresses[type eq "work" and primary eq true].streetAddress',
      { attrPath: path('addresses'), valueFilter: and(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)), subAttribute: 'streetAddress' },
    ],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parsePatchPath(text)).toEqual(expected);
    expect(printPatchPath(parsePatchPath(text))).toBe(text);
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['', 'invalidPath', /empty/],
    ['   ', 'invalidPath', /empty/],
    ['emails]', 'invalidPath', /Expected the end of the path at position 7, found '\]'/],
    ['name givenName', 'invalidPath', /Expected the end of the path/],
    ['name.given.name', 'invalidPath', /more than one sub-attribute/],
    ['1name', 'invalidPath', /Malformed number|Expected an attribute path/],
    ['"userName"', 'invalidPath', /Expected an attribute path at position 1/],
    ['emails[type eq "work"].', 'invalidPath', /Invalid sub-attribute ''/],
    ['emails[type eq "work"].value.x', 'invalidPath', /Invalid sub-attribute 'value.x'/],
    ['emails[type eq "work"] x', 'invalidPath', /Expected the end of the path/],
    ['name.givenName[value pr]', 'invalidPath', /not to the sub-attribute 'name.givenName'/],
    ['urn::x', 'invalidPath', /Invalid schema URI/],
    ['emails[type eq]', 'invalidFilter', /Expected a value/],
    ['emails[type xx "work"]', 'invalidFilter', /Expected an operator/],
    ['emails[type eq "work"', 'invalidPath', /to close the '\['/],
  ];
  it.each(malformed)('%j → %s', (text, scimType, detail) => {
    const error = scimErrorOf(() => parsePatchPath(text));
    expect(error).toMatchObject({ status: 400, scimType });
    expect(error.message).toMatch(detail);
  });
});

describe('malformed filters are invalidFilter with a useful detail', () => {
  const malformed: Array<[string, RegExp]> = [
    ['', /The filter is empty/],
    [' \t ', /The filter is empty/],
    ['userName', /Expected an operator .* after 'userName' at position 9, found the end of the input/],
    ['userName eq', /Expected a value .* after 'eq' at position 12, found the end of the input/],
    ['userName xx "a"', /Expected an operator .* found 'xx'/],
    ['userName = "a"', /Unexpected character "=" at position 10/],
    ['userName eq bjensen', /found 'bjensen': strings must be in double quotes/],
    ["userName eq 'bjensen'", /Strings must be in double quotes/],
    ['userName eq "bjensen', /Unterminated string starting at position 13/],
    ['userName eq "a\\x"', /Invalid escape '\\x'/],
    ['userName eq "\\u12G4"', /Invalid \\u escape/],
    ['userName eq "tab\there"', /Control character U\+0009/],
    ['userName eq 01', /Malformed number '01'/],
    ['userName eq 1.', /Malformed number/],
    ['userName eq 5abc', /Malformed number '5abc'/],
    ['userName eq 1e999', /out of range/],
    ['userName eq "a" and', /Expected an attribute path, 'not' or '\(' at position 20, found the end of the input/],
    ['and userName eq "a"', /Expected an operator .* after 'and' .* found 'userName'/],
    ['userName eq "a" or or b pr', /Expected an operator .* after 'or'/],
    ['userName eq "a" userName eq "b"', /Expected 'and', 'or' or the end of the filter at position 17, found 'userName'/],
    ['(userName eq "a"', /Expected 'and', 'or' or '\)' to close the '\(' at position 1/],
    ['userName eq "a")', /found '\)' \(no '\(' is open\)/],
    ['()', /Expected an attribute path, 'not' or '\(' at position 2, found '\)'/],
    ['not userName eq "a"', /Expected '\(' after 'not' at position 5/],
    ['not', /Expected '\(' after 'not' at position 4, found the end of the input/],
    ['emails[type eq "work"', /Expected 'and', 'or' or '\]' to close the '\[' at position 7/],
    ['emails[]', /Expected an attribute path, 'not' or '\(' at position 8, found '\]'/],
    ['emails[type eq "a"]]', /no '\[' is open/],
    ['emails[type[value pr] pr]', /Value paths cannot be nested/],
    ['emails[emails.type eq "work"]', /Inside '\[...\]' expected a plain sub-attribute name/],
    [`emails[${USER}:type eq "work"]`, /Inside '\[...\]' expected a plain sub-attribute name/],
    ['name.givenName[value pr]', /not to the sub-attribute 'name.givenName'/],
    ['a.b.c pr', /more than one sub-attribute/],
    ['a. pr', /has an empty name/],
    ['_a pr', /Invalid attribute name '_a'/],
    ['urn:a::b pr', /Invalid schema URI 'urn:a:'/],
    ['userName eq "a" & title pr', /Unexpected character "&"/],
    ['userName pr "a"', /Expected 'and', 'or' or the end of the filter .* found the string "a"/],
    ['"userName" eq "a"', /Expected an attribute path, 'not' or '\(' at position 1, found the string "userName"/],
    ['userName eq "a" or (b pr and)', /Expected an attribute path, 'not' or '\(' at position 29, found '\)'/],
    ['emails[type eq "work"] .value eq "x"', /found '.value'/],
  ];
  it.each(malformed)('%j', (text, detail) => {
    const error = scimErrorOf(() => parseFilter(text));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect(error.message).toMatch(detail);
  });

  it('limits the length', () => {
    const long = `userName eq "${'a'.repeat(MAX_FILTER_LENGTH)}"`;
    expect(scimErrorOf(() => parseFilter(long)).message).toMatch(/too long: 8206 characters, the limit is 8192/);
    expect(() => parseFilter(`userName eq "${'a'.repeat(MAX_FILTER_LENGTH - 20)}"`)).not.toThrow();
  });

  it('limits the nesting depth', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}a pr${')'.repeat(depth)}`;
    expect(parseFilter(nested(MAX_FILTER_DEPTH))).toEqual(pr('a'));
    expect(scimErrorOf(() => parseFilter(nested(MAX_FILTER_DEPTH + 1))).message).toMatch(/nested too deeply .* at most 50 levels/);
    expect(scimErrorOf(() => parseFilter(`${'not ('.repeat(5000)}a pr${')'.repeat(5000)}`)).scimType).toBe('invalidFilter');
  });

  it('refuses input that is not a string', () => {
    expect(scimErrorOf(() => parseFilter(42 as unknown as string)).scimType).toBe('invalidFilter');
    expect(scimErrorOf(() => parsePatchPath(undefined as unknown as string)).scimType).toBe('invalidPath');
  });
});
