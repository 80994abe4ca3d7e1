import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScimError } from '../../server/scim/errors.js';
import { attrPath, COMPARISON_OPERATORS, type AttrPath, type ComparisonValue, type Filter } from '../../server/scim/filter/ast.js';
import { parseFilter, parsePatchPath } from '../../server/scim/filter/parse.js';
import { printFilter } from '../../server/scim/filter/print.js';

const URIS = [
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:x',
  'a.b:c-d:2.0',
];

// Keywords are legal attribute names too; the parser must tell them apart by position.
const attributeName = fc.oneof(
  fc.stringMatching(/^[A-Za-z$][A-Za-z0-9_$-]{0,8}$/),
  fc.constantFrom('not', 'and', 'or', 'pr', 'eq', 'true', 'null', 'emails', 'userName'),
);

const fullPath: fc.Arbitrary<AttrPath> = fc
  .tuple(attributeName, fc.option(attributeName, { nil: undefined }), fc.option(fc.constantFrom(...URIS), { nil: undefined }))
  .map(([attribute, sub, uri]) => attrPath(attribute, sub, uri));
const subAttributePath: fc.Arbitrary<AttrPath> = attributeName.map((name) => attrPath(name));

const value: fc.Arbitrary<ComparisonValue> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u2028', '\uD800', 'é') }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
  fc.boolean(),
  fc.constant(null),
);

function filterArbitrary(path: fc.Arbitrary<AttrPath>, valuePaths: boolean) {
  return fc.letrec<{ filter: Filter }>((tie) => {
    const leaves: Array<fc.Arbitrary<Filter>> = [
      fc.record({ kind: fc.constant('comparison' as const), attrPath: path, op: fc.constantFrom(...COMPARISON_OPERATORS), value }),
      fc.record({ kind: fc.constant('present' as const), attrPath: path }),
    ];
    const nodes: Array<fc.Arbitrary<Filter>> = [
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('filter'), right: tie('filter') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }),
    ];
    if (valuePaths) {
      nodes.push(
        fc.record({
          kind: fc.constant('valuePath' as const),
          attrPath: fc.tuple(attributeName, fc.option(fc.constantFrom(...URIS), { nil: undefined })).map(([a, uri]) => attrPath(a, undefined, uri)),
          filter: filterArbitrary(subAttributePath, false),
        }),
      );
    }
    return { filter: fc.oneof({ depthSize: 'small', maxDepth: 6 }, ...leaves, ...nodes) };
  }).filter;
}

const anyFilter = filterArbitrary(fullPath, true);

/** Throws unless `attempt` returns or throws a ScimError of one of `scimTypes`. */
function expectOnlyScimErrors(attempt: () => unknown, scimTypes: string[]): void {
  try {
    attempt();
  } catch (error) {
    if (!(error instanceof ScimError) || !scimTypes.includes(error.scimType ?? '') || error.status !== 400) throw error;
    expect(error.message.length).toBeGreaterThan(0);
  }
}

interface Mutation {
  kind: 'delete' | 'insert' | 'truncate' | 'swap';
  at: number;
  length?: number;
  text?: string;
}

/** Small edits of a valid filter: where parsers usually break. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('(', ')', '[', ']', '"', '\\', ' ', '.', ':', 'not ', ' and ', ' or ', 'pr', 'eq', '-', '1e', '\u0000', '😀') }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
);

function mutate(text: string, edits: Mutation[]): string {
  let result = text;
  for (const edit of edits) {
    const at = result.length === 0 ? 0 : edit.at % (result.length + 1);
    switch (edit.kind) {
      case 'delete':
        result = result.slice(0, at) + result.slice(at + (edit.length ?? 1));
        break;
      case 'insert':
        result = result.slice(0, at) + (edit.text ?? '') + result.slice(at);
        break;
      case 'truncate':
        result = result.slice(0, at);
        break;
      case 'swap':
        if (at + 1 < result.length) result = result.slice(0, at) + (result[at + 1] ?? '') + (result[at] ?? '') + result.slice(at + 2);
        break;
    }
  }
  return result;
}

describe('filter round trip', () => {
  it('parse(print(ast)) equals ast', () => {
    fc.assert(
      fc.property(anyFilter, (filter) => {
        expect(parseFilter(printFilter(filter))).toEqual(filter);
      }),
      { numRuns: 2000 },
    );
  });

  it('printing is a fixed point after one parse', () => {
    fc.assert(
      fc.property(anyFilter, (filter) => {
        const printed = printFilter(filter);
        expect(printFilter(parseFilter(printed))).toBe(printed);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseFilter on arbitrary input returns an AST or throws invalidFilter, nothing else', () => {
  const filterAlphabet = fc.constantFrom(
    ...'()[]"\\ .:-_$aeqnotrpswgclAEQNOT019u'.split(''),
    ' and ',
    ' or ',
    'not ',
    ' eq ',
    ' pr',
    '"x"',
    'emails',
    'true',
    'null',
    '1.5e3',
  );

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (text) => {
        expectOnlyScimErrors(() => parseFilter(text), ['invalidFilter']);
      }),
      { numRuns: 2000 },
    );
  });

  it('on strings made of filter tokens', () => {
    fc.assert(
      fc.property(fc.string({ unit: filterAlphabet, maxLength: 40 }), (text) => {
        expectOnlyScimErrors(() => parseFilter(text), ['invalidFilter']);
      }),
      { numRuns: 3000 },
    );
  });

  it('on mutations of valid filters', () => {
    fc.assert(
      fc.property(anyFilter, fc.array(mutation, { minLength: 1, maxLength: 4 }), (filter, edits) => {
        const text = mutate(printFilter(filter), edits);
        expectOnlyScimErrors(() => {
          const parsed = parseFilter(text);
          // Whatever parses must print to something that parses back to the same tree.
          expect(parseFilter(printFilter(parsed))).toEqual(parsed);
        }, ['invalidFilter']);
      }),
      { numRuns: 3000 },
    );
  });

  it('on deep nesting', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.constantFrom('(', 'not (', 'emails['), (depth, open) => {
        const close = open === 'emails[' ? ']' : ')';
        expectOnlyScimErrors(() => parseFilter(`${open.repeat(depth)}a pr${close.repeat(depth)}`), ['invalidFilter']);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parsePatchPath on arbitrary input returns a path or throws invalidPath/invalidFilter', () => {
  it('on arbitrary and mutated paths', () => {
    const validPath = fc.constantFrom(
      'members[value eq "2819c223"]',
      'emails[type eq "work"].value',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
      'name.givenName',
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.tuple(validPath, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([p, edits]) => mutate(p, edits))),
        (text) => {
          expectOnlyScimErrors(() => parsePatchPath(text), ['invalidPath', 'invalidFilter']);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
